"""Writes tests/scenarios/billing_basic/landing/ (run: python make_landing.py).

The landing files are committed; this script only documents how they were typed and lets
them be regenerated. It writes inputs only: every expected number in
tests/test_billing_scenario.py is worked out by hand from README.md, not from this script.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import json
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
LANDING = HERE / "landing"
UTC = dt.timezone.utc


# --- helpers -------------------------------------------------------------------------------
def ts(y, m, d, hh=0, mm=0, ss=0) -> int:
    return int(dt.datetime(y, m, d, hh, mm, ss, tzinfo=UTC).timestamp())


def add_months(t: int, n: int) -> int:
    d = dt.datetime.fromtimestamp(t, UTC)
    y, m = divmod(d.month - 1 + n, 12)
    y, m = d.year + y, m + 1
    day = min(d.day, calendar.monthrange(y, m)[1])
    return int(d.replace(year=y, month=m, day=day).timestamp())


def sf_id18(id15: str) -> str:
    """Salesforce 15 -> 18 character id (checksum suffix)."""
    assert len(id15) == 15
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
    suffix = ""
    for chunk in range(3):
        bits = 0
        for i, ch in enumerate(id15[chunk * 5:chunk * 5 + 5]):
            if "A" <= ch <= "Z":
                bits |= 1 << i
        suffix += alphabet[bits]
    return id15 + suffix


# --- CRM ids ---------------------------------------------------------------------------------
ACC15 = {
    "acme": "0015g00000AcMeA",
    "globex": "0015g00000GlBxQ",
    "initech": "0015g00000InTcH",
    "umbrella": "0015g00000UmBrL",
    "hooli_kk": "0015g00000HoKKj",
    "hooli_inc": "0015g00000HoInc",
    "wayne": "0015g00000WaYnE",
    "cyberdyne": "0015g00000CyBdN",
    "soylent": "0015g00000SoYlT",
    "doe": "0015g00000DoEcO",
}
ACC = {k: sf_id18(v) for k, v in ACC15.items()}
USR = {k: sf_id18(v) for k, v in {"ae1": "0055g00000AeOnE", "ae2": "0055g00000AeTwO"}.items()}

# --- Stripe catalogue --------------------------------------------------------------------------
T_CATALOG = ts(2023, 12, 1, 9, 0, 0)
PRODUCTS = {
    "prod_Team": "Team Plan",
    "prod_Business": "Business Plan",
    "prod_Pro": "Pro Plan",
    "prod_Enterprise": "Enterprise Annual",
    "prod_Seats": "International Seats",
    "prod_Weekly": "Freelancer Weekly",
    "prod_ApiCalls": "API Calls",
    "prod_Onboarding": "Onboarding Package",
}


def price(pid, product, currency, unit_amount, interval=None, count=1, usage="licensed", decimal=None):
    recurring = None
    if interval:
        recurring = {"aggregate_usage": "sum" if usage == "metered" else None, "interval": interval,
                     "interval_count": count, "meter": None, "trial_period_days": None, "usage_type": usage}
    return {
        "id": pid, "object": "price", "active": True, "billing_scheme": "per_unit", "created": T_CATALOG,
        "currency": currency, "custom_unit_amount": None, "livemode": False, "lookup_key": None,
        "metadata": {}, "nickname": None, "product": product, "recurring": recurring,
        "tax_behavior": "exclusive", "tiers_mode": None, "transform_quantity": None,
        "type": "recurring" if interval else "one_time", "unit_amount": unit_amount,
        "unit_amount_decimal": decimal if decimal is not None else (None if unit_amount is None else str(unit_amount)),
    }


P = {
    "team": price("price_TeamSeatMonthly", "prod_Team", "usd", 2000, "month"),
    "business": price("price_BusinessMonthly", "prod_Business", "usd", 40000, "month"),
    "business24": price("price_BusinessMonthly2024", "prod_Business", "usd", 35000, "month"),
    "pro": price("price_ProMonthly", "prod_Pro", "usd", 15000, "month"),
    "annual": price("price_EnterpriseAnnual", "prod_Enterprise", "usd", 1200000, "year"),
    "seat_eur": price("price_SeatEurMonthly", "prod_Seats", "eur", 10000, "month"),
    "seat_jpy": price("price_SeatJpyMonthly", "prod_Seats", "jpy", 15000, "month"),
    "weekly": price("price_FreelancerWeekly", "prod_Weekly", "usd", 3000, "week"),
    "api": price("price_ApiCallsMetered", "prod_ApiCalls", "usd", None, "month", usage="metered", decimal="0.5"),
    "onboarding": price("price_OnboardingFee", "prod_Onboarding", "usd", 50000),
}


# --- invoices ------------------------------------------------------------------------------------
def line(lid, *, kind, amount, currency, qty, pr, start, end, sub=None, si=None, proration=False,
         discounts=(), description=""):
    return {
        "id": lid, "object": "line_item", "amount": amount, "amount_excluding_tax": amount,
        "currency": currency, "description": description,
        "discount_amounts": [{"amount": a, "discount": f"di_{lid[3:]}"} for a in discounts],
        "discountable": not proration, "discounts": [f"di_{lid[3:]}" for _ in discounts],
        "invoice_item": f"ii_{lid[3:]}" if kind == "invoiceitem" else None, "livemode": False,
        "metadata": {}, "period": {"end": end, "start": start}, "plan": None, "price": pr,
        "proration": proration,
        "proration_details": {"credited_items": None},
        "quantity": qty, "subscription": sub, "subscription_item": si, "tax_amounts": [],
        "tax_rates": [], "type": kind,
        "unit_amount_excluding_tax": pr["unit_amount_decimal"],
    }


def invoice(iid, *, customer, sub, currency, created, status, lines, tax=0, due_date=None,
            paid_at=None, voided_at=None, uncollectible_at=None, collection="charge_automatically",
            attempts=1, billing_reason="subscription_cycle"):
    subtotal = sum(l["amount"] for l in lines)
    discount = sum(d["amount"] for l in lines for d in l["discount_amounts"])
    total = subtotal - discount + tax
    paid = total if status == "paid" else 0
    remaining = 0 if status in ("paid", "void") else total
    return {
        "id": iid, "object": "invoice", "account_country": "US", "amount_due": total,
        "amount_paid": paid, "amount_remaining": remaining, "attempt_count": attempts,
        "attempted": status != "draft", "auto_advance": status in ("draft", "open"),
        "billing_reason": billing_reason, "collection_method": collection, "created": created,
        "currency": currency, "customer": customer, "description": None, "discount": None,
        "due_date": due_date, "ending_balance": 0 if status != "draft" else None,
        "hosted_invoice_url": None, "livemode": False, "metadata": {},
        "lines": {"object": "list", "data": lines, "has_more": False, "total_count": len(lines),
                  "url": f"/v1/invoices/{iid}/lines"},
        "number": None if status == "draft" else iid.upper().replace("IN_", "INV-"),
        "paid": status == "paid", "status": status,
        "status_transitions": {
            "finalized_at": None if status == "draft" else created,
            "marked_uncollectible_at": uncollectible_at, "paid_at": paid_at, "voided_at": voided_at,
        },
        "subscription": sub, "subtotal": subtotal, "subtotal_excluding_tax": subtotal, "tax": tax,
        "total": total, "total_discount_amounts": [
            {"amount": d["amount"], "discount": d["discount"]} for l in lines for d in l["discount_amounts"]],
        "total_excluding_tax": subtotal - discount,
    }


INVOICES: list[tuple[str, dict]] = []  # (extract file, invoice) in write order


def extract_for(created: int) -> str:
    """Quarterly extracts: an invoice first appears in the first extract after its creation."""
    for name, limit in (("2024-04-01", ts(2024, 4, 1)), ("2024-07-01", ts(2024, 7, 1)),
                        ("2024-10-01", ts(2024, 10, 1)), ("2025-01-01", ts(2025, 1, 1)),
                        ("2025-03-15", ts(2025, 3, 16))):
        if created < limit:
            return name
    raise ValueError(created)


def emit(inv: dict, extract: str | None = None):
    INVOICES.append((extract or extract_for(inv["created"]), inv))


def monthly(prefix, *, customer, sub, si, currency, pr, qty, first_start, count, tax_rate=0.0,
            overrides=None, extra_lines=None, first_reason="subscription_create"):
    """`count` consecutive monthly subscription invoices; periods anchored on first_start."""
    overrides = overrides or {}
    extra_lines = extra_lines or {}
    for k in range(count):
        start = add_months(first_start, k)
        end = add_months(first_start, k + 1)
        tag = dt.datetime.fromtimestamp(start, UTC).strftime("%Y_%m")
        q = qty(k) if callable(qty) else qty
        amount = pr["unit_amount"] * q
        lines = list(extra_lines.get(k, []))
        lines.append(line(f"il_{prefix}_{tag}", kind="subscription", amount=amount, currency=currency,
                          qty=q, pr=pr, start=start, end=end, sub=sub, si=si,
                          description=f"{q} x {PRODUCTS[pr['product']]}"))
        tax = round(amount * tax_rate)
        opts = dict(status="paid", paid_at=start + 300)
        opts.update(overrides.get(k, {}))
        emit(invoice(f"in_{prefix}_{tag}", customer=customer, sub=sub, currency=currency, created=start,
                     lines=lines, tax=tax, billing_reason=first_reason if k == 0 else "subscription_cycle",
                     **opts))


# 1. Acme: Team Plan 10 seats x $20, periods on the 10th at 14:32:05 UTC; upgraded to 15 seats on
#    2024-06-28 14:32:05 (12 of the 30 days of the 2024-06-10 -> 2024-07-10 period left). The
#    proration lines land on the next regular invoice (Stripe's default create_prorations).
A0 = ts(2024, 1, 10, 14, 32, 5)
UPG = ts(2024, 6, 28, 14, 32, 5)
JUL10 = ts(2024, 7, 10, 14, 32, 5)
acme_prorations = [
    line("il_acme_prorate_credit", kind="invoiceitem", amount=-8000, currency="usd", qty=10, pr=P["team"],
         start=UPG, end=JUL10, sub="sub_Acme01", si="si_Acme01", proration=True,
         description="Unused time on 10 x Team Plan after 28 Jun 2024"),
    line("il_acme_prorate_new", kind="invoiceitem", amount=12000, currency="usd", qty=15, pr=P["team"],
         start=UPG, end=JUL10, sub="sub_Acme01", si="si_Acme01", proration=True,
         description="Remaining time on 15 x Team Plan after 28 Jun 2024"),
]
monthly("acme", customer="cus_Acme01", sub="sub_Acme01", si="si_Acme01", currency="usd", pr=P["team"],
        qty=lambda k: 10 if k < 6 else 15, first_start=A0, count=15,
        extra_lines={6: acme_prorations},
        # the June invoice: card declined, still open in the 2024-07-01 extract (see below)
        overrides={5: dict(status="open", paid_at=None, attempts=2)})

# 2. Globex: Enterprise Annual $12,000/year, coupon FIRSTYEAR20 (20% off, duration once).
G0 = ts(2024, 2, 5, 16, 45, 0)
G1 = ts(2025, 2, 5, 16, 45, 0)
G2 = ts(2026, 2, 5, 16, 45, 0)
emit(invoice("in_globex_2024_02", customer="cus_Globex01", sub="sub_Globex01", currency="usd", created=G0,
             status="paid", paid_at=G0 + 600, billing_reason="subscription_create", lines=[
                 line("il_globex_2024_02", kind="subscription", amount=1200000, currency="usd", qty=1,
                      pr=P["annual"], start=G0, end=G1, sub="sub_Globex01", si="si_Globex01",
                      discounts=[240000], description="1 x Enterprise Annual")]))
globex_renewal_lines = [line("il_globex_2025_02", kind="subscription", amount=1200000, currency="usd", qty=1,
                             pr=P["annual"], start=G1, end=G2, sub="sub_Globex01", si="si_Globex01",
                             description="1 x Enterprise Annual")]
# the renewal appears twice in the same extract: first as a draft, then (later row) paid
emit(invoice("in_globex_2025_02", customer="cus_Globex01", sub="sub_Globex01", currency="usd", created=G1,
             status="draft", lines=globex_renewal_lines, attempts=0))
emit(invoice("in_globex_2025_02", customer="cus_Globex01", sub="sub_Globex01", currency="usd", created=G1,
             status="paid", paid_at=G1 + 3600, lines=globex_renewal_lines))

# 3. Initech: 14-day trial 2024-03-20 -> 2024-04-03 ($0 invoice), then Pro Plan $150/month on the 3rd
#    at 10:00; onboarding fee (one-time) on the first paid invoice; metered API calls on two invoices;
#    the 2024-11-03 invoice is open in the 2025-01-01 extract and uncollectible in the 2025-03-15 one.
I_TRIAL = ts(2024, 3, 20, 10, 0, 0)
I0 = ts(2024, 4, 3, 10, 0, 0)
emit(invoice("in_initech_trial", customer="cus_Initech01", sub="sub_Initech01", currency="usd",
             created=I_TRIAL, status="paid", paid_at=I_TRIAL, billing_reason="subscription_create", lines=[
                 line("il_initech_trial", kind="subscription", amount=0, currency="usd", qty=1, pr=P["pro"],
                      start=I_TRIAL, end=I0, sub="sub_Initech01", si="si_Initech01",
                      description="Trial period for Pro Plan")]))
initech_extra = {
    0: [line("il_initech_onboarding", kind="invoiceitem", amount=50000, currency="usd", qty=1,
             pr=P["onboarding"], start=I0, end=add_months(I0, 1), description="Onboarding Package")],
    2: [line("il_initech_api_2024_05", kind="subscription", amount=3725, currency="usd", qty=7450,
             pr=P["api"], start=add_months(I0, 1), end=add_months(I0, 2), sub="sub_Initech01",
             si="si_Initech02", description="7450 x API Calls (at $0.005 / unit)")],
    4: [line("il_initech_api_2024_07", kind="subscription", amount=5110, currency="usd", qty=10220,
             pr=P["api"], start=add_months(I0, 3), end=add_months(I0, 4), sub="sub_Initech01",
             si="si_Initech02", description="10220 x API Calls (at $0.005 / unit)")],
}
monthly("initech", customer="cus_Initech01", sub="sub_Initech01", si="si_Initech01", currency="usd",
        pr=P["pro"], qty=1, first_start=I0, count=8, extra_lines=initech_extra, first_reason="subscription_cycle",
        overrides={7: dict(status="open", paid_at=None, attempts=4)})
NOV3 = add_months(I0, 7)
initech_nov = next(inv for _, inv in INVOICES if inv["id"] == "in_initech_2024_11")
uncollectible = json.loads(json.dumps(initech_nov))
uncollectible.update(status="uncollectible", auto_advance=False)
uncollectible["status_transitions"]["marked_uncollectible_at"] = ts(2025, 1, 15, 10, 0, 0)
emit(uncollectible, "2025-03-15")

# 4. Umbrella GmbH (EUR): 5 seats x EUR 100 on the 15th at 08:00, 19% VAT; 4 seats from 2024-12-15.
monthly("umbrella", customer="cus_Umbrella01", sub="sub_Umbrella01", si="si_Umbrella01", currency="eur",
        pr=P["seat_eur"], qty=lambda k: 5 if k < 7 else 4, first_start=ts(2024, 5, 15, 8, 0, 0), count=11,
        tax_rate=0.19)

# 5. Hooli KK (JPY, zero-decimal): 2 seats x JPY 15,000 on the 1st at 00:30, 10% consumption tax.
monthly("hooli", customer="cus_HooliKK01", sub="sub_HooliKK01", si="si_HooliKK01", currency="jpy",
        pr=P["seat_jpy"], qty=2, first_start=ts(2024, 7, 1, 0, 30, 0), count=9, tax_rate=0.10)

# 6. Jane Doe (gmail, unlinked): Freelancer Weekly $30/week, Mondays 09:15 from 2024-08-05 to the
#    week starting 2025-03-10 (32 invoices).
J0 = ts(2024, 8, 5, 9, 15, 0)
for k in range(32):
    s, e = J0 + k * 7 * 86400, J0 + (k + 1) * 7 * 86400
    tag = dt.datetime.fromtimestamp(s, UTC).strftime("%Y_%m_%d")
    emit(invoice(f"in_jane_{tag}", customer="cus_Jane01", sub="sub_Jane01", currency="usd", created=s,
                 status="paid", paid_at=s + 120, billing_reason="subscription_create" if k == 0 else "subscription_cycle",
                 lines=[line(f"il_jane_{tag}", kind="subscription", amount=3000, currency="usd", qty=1,
                             pr=P["weekly"], start=s, end=e, sub="sub_Jane01", si="si_Jane01",
                             description="1 x Freelancer Weekly")]))

# 7. Wayne: first customer (metadata link) Business $400/month on the 20th at 11:00, Jan-Jun 2024,
#    cancelled at period end 2024-07-20; comes back as a second Stripe customer (email-domain link)
#    on Business (2024 pricing) $350/month on the 1st at 12:00 from 2024-10-01.
monthly("wayne1", customer="cus_Wayne01", sub="sub_Wayne01", si="si_Wayne01", currency="usd",
        pr=P["business"], qty=1, first_start=ts(2024, 1, 20, 11, 0, 0), count=6)
monthly("wayne2", customer="cus_Wayne02", sub="sub_Wayne02", si="si_Wayne02", currency="usd",
        pr=P["business24"], qty=1, first_start=ts(2024, 10, 1, 12, 0, 0), count=6)

# 8. Cyberdyne: Team Plan 12 seats on the 1st at 00:00 from 2024-09-01, send_invoice. A first
#    2024-09 invoice with a typo (120 seats) is voided and replaced. Feb 2025 open past due,
#    Mar 2025 open.
C0 = ts(2024, 9, 1, 0, 0, 0)
emit(invoice("in_cyber_2024_09_typo", customer="cus_Cyber01", sub="sub_Cyber01", currency="usd", created=C0,
             status="void", voided_at=C0 + 1800, collection="send_invoice", due_date=C0 + 14 * 86400,
             billing_reason="subscription_create", attempts=0, lines=[
                 line("il_cyber_2024_09_typo", kind="subscription", amount=240000, currency="usd", qty=120,
                      pr=P["team"], start=C0, end=add_months(C0, 1), sub="sub_Cyber01", si="si_Cyber01",
                      description="120 x Team Plan")]))
for k in range(7):
    s, e = add_months(C0, k), add_months(C0, k + 1)
    tag = dt.datetime.fromtimestamp(s, UTC).strftime("%Y_%m")
    created = s + 3600 if k == 0 else s
    status = "open" if k >= 5 else "paid"
    emit(invoice(f"in_cyber_{tag}", customer="cus_Cyber01", sub="sub_Cyber01", currency="usd", created=created,
                 status=status, paid_at=s + 10 * 86400 if status == "paid" else None, collection="send_invoice",
                 due_date=s + 14 * 86400, attempts=0, lines=[
                     line(f"il_cyber_{tag}", kind="subscription", amount=24000, currency="usd", qty=12,
                          pr=P["team"], start=s, end=e, sub="sub_Cyber01", si="si_Cyber01",
                          description="12 x Team Plan")]))

# 9. Soylent: Team Plan 9 seats on the 20th at 18:20 from 2024-11-20; cancelled 2025-03-05 at period
#    end (2025-03-20): still paying on as_of_date 2025-03-15.
monthly("soylent", customer="cus_Soylent01", sub="sub_Soylent01", si="si_Soylent01", currency="usd",
        pr=P["team"], qty=9, first_start=ts(2024, 11, 20, 18, 20, 0), count=4)

# the Acme June invoice re-sent as paid in the 2024-10-01 extract
acme_jun = next(inv for _, inv in INVOICES if inv["id"] == "in_acme_2024_06")
paid_version = json.loads(json.dumps(acme_jun))
paid_version.update(status="paid", paid=True, amount_paid=acme_jun["total"], amount_remaining=0, auto_advance=False)
paid_version["status_transitions"]["paid_at"] = ts(2024, 7, 5, 9, 0, 0)
emit(paid_version, "2024-10-01")


# --- customers and subscriptions ---------------------------------------------------------------------
def customer(cid, *, email, name, currency, created, country, crm=None):
    return {
        "id": cid, "object": "customer", "address": {"city": None, "country": country, "line1": None,
                                                      "line2": None, "postal_code": None, "state": None},
        "balance": 0, "created": created, "currency": currency, "default_source": None, "delinquent": False,
        "description": None, "discount": None, "email": email, "invoice_prefix": cid[4:].upper(),
        "livemode": False, "metadata": {"crm_account_id": crm} if crm else {}, "name": name,
        "phone": None, "preferred_locales": [], "shipping": None, "tax_exempt": "none",
    }


CUSTOMERS = [
    customer("cus_Acme01", email="billing@acme-corp.com", name="ACME Corp (billing)", currency="usd",
             created=A0 - 600, country="US"),
    customer("cus_Globex01", email="ap@globex-billing.net", name="Globex Corporation", currency="usd",
             created=G0 - 600, country="US", crm=ACC["globex"]),
    customer("cus_Initech01", email="ops@initech.io", name="Initech", currency="usd", created=I_TRIAL - 600,
             country="US", crm=ACC["initech"]),
    customer("cus_Umbrella01", email="buchhaltung@umbrella.de", name="Umbrella GmbH", currency="eur",
             created=ts(2024, 5, 15, 7, 50, 0), country="DE", crm=ACC["umbrella"]),
    customer("cus_HooliKK01", email="keiri@hooli.com", name="Hooli KK", currency="jpy",
             created=ts(2024, 7, 1, 0, 20, 0), country="JP", crm=ACC["hooli_kk"]),
    customer("cus_Jane01", email="Jane.Doe@gmail.com", name="Jane Doe", currency="usd", created=J0 - 300,
             country="US"),
    customer("cus_Wayne01", email="accounts@wayne-ent.com", name="Wayne Enterprises", currency="usd",
             created=ts(2024, 1, 20, 10, 50, 0), country="US", crm=ACC["wayne"]),
    customer("cus_Wayne02", email="it@wayne-ent.com", name="Wayne Enterprises IT", currency="usd",
             created=ts(2024, 10, 1, 11, 55, 0), country="US"),
    customer("cus_Cyber01", email="ap@cyberdyne.ai", name="Cyberdyne Systems", currency="usd",
             created=C0 - 3600, country="US", crm=ACC["cyberdyne"]),
    # 15-character form of the Soylent Account Id (as Salesforce formula fields emit it)
    customer("cus_Soylent01", email="billing@soylent.com", name="Soylent", currency="usd",
             created=ts(2024, 11, 20, 18, 10, 0), country="US", crm=ACC15["soylent"]),
]


def subscription(sid, *, customer, status, created, start, period, items, trial=(None, None),
                 canceled_at=None, ended_at=None, cancel_at_period_end=False, coupon=None):
    return {
        "id": sid, "object": "subscription", "billing_cycle_anchor": start, "cancel_at": period[1] if cancel_at_period_end else None,
        "cancel_at_period_end": cancel_at_period_end, "canceled_at": canceled_at,
        "collection_method": "charge_automatically", "created": created, "currency": items[0][1]["currency"],
        "current_period_end": period[1], "current_period_start": period[0], "customer": customer,
        "discount": {"object": "discount", "coupon": coupon, "customer": customer, "subscription": sid}
        if coupon else None,
        "ended_at": ended_at, "items": {"object": "list", "data": [
            {"id": si, "object": "subscription_item", "created": created, "metadata": {}, "price": pr,
             "quantity": q, "subscription": sid} for si, pr, q in items],
            "has_more": False, "total_count": len(items), "url": f"/v1/subscription_items?subscription={sid}"},
        "livemode": False, "metadata": {}, "start_date": start, "status": status,
        "trial_end": trial[1], "trial_start": trial[0],
    }


FIRSTYEAR20 = {"id": "FIRSTYEAR20", "object": "coupon", "amount_off": None, "currency": None,
               "duration": "once", "duration_in_months": None, "name": "First year 20% off",
               "percent_off": 20.0, "valid": True}
SUBS_EARLY = [  # the 2024-04-01 extract
    subscription("sub_Acme01", customer="cus_Acme01", status="active", created=A0, start=A0,
                 period=(add_months(A0, 2), add_months(A0, 3)), items=[("si_Acme01", P["team"], 10)]),
    subscription("sub_Globex01", customer="cus_Globex01", status="active", created=G0, start=G0,
                 period=(G0, G1), items=[("si_Globex01", P["annual"], 1)], coupon=FIRSTYEAR20),
    subscription("sub_Initech01", customer="cus_Initech01", status="trialing", created=I_TRIAL, start=I_TRIAL,
                 period=(I_TRIAL, I0), items=[("si_Initech01", P["pro"], 1), ("si_Initech02", P["api"], None)],
                 trial=(I_TRIAL, I0)),
    subscription("sub_Wayne01", customer="cus_Wayne01", status="active", created=ts(2024, 1, 20, 11, 0, 0),
                 start=ts(2024, 1, 20, 11, 0, 0), period=(ts(2024, 3, 20, 11, 0, 0), ts(2024, 4, 20, 11, 0, 0)),
                 items=[("si_Wayne01", P["business"], 1)]),
]
U0, H0, W2, S0 = ts(2024, 5, 15, 8, 0, 0), ts(2024, 7, 1, 0, 30, 0), ts(2024, 10, 1, 12, 0, 0), ts(2024, 11, 20, 18, 20, 0)
SUBS_FINAL = [  # the 2025-03-15 extract
    subscription("sub_Acme01", customer="cus_Acme01", status="active", created=A0, start=A0,
                 period=(add_months(A0, 14), add_months(A0, 15)), items=[("si_Acme01", P["team"], 15)]),
    subscription("sub_Globex01", customer="cus_Globex01", status="active", created=G0, start=G0,
                 period=(G1, G2), items=[("si_Globex01", P["annual"], 1)]),
    subscription("sub_Initech01", customer="cus_Initech01", status="canceled", created=I_TRIAL, start=I_TRIAL,
                 period=(NOV3, add_months(NOV3, 1)), items=[("si_Initech01", P["pro"], 1), ("si_Initech02", P["api"], None)],
                 trial=(I_TRIAL, I0), canceled_at=add_months(NOV3, 1), ended_at=add_months(NOV3, 1)),
    subscription("sub_Umbrella01", customer="cus_Umbrella01", status="active", created=U0, start=U0,
                 period=(add_months(U0, 10), add_months(U0, 11)), items=[("si_Umbrella01", P["seat_eur"], 4)]),
    subscription("sub_HooliKK01", customer="cus_HooliKK01", status="active", created=H0, start=H0,
                 period=(add_months(H0, 8), add_months(H0, 9)), items=[("si_HooliKK01", P["seat_jpy"], 2)]),
    subscription("sub_Jane01", customer="cus_Jane01", status="active", created=J0, start=J0,
                 period=(J0 + 31 * 7 * 86400, J0 + 32 * 7 * 86400), items=[("si_Jane01", P["weekly"], 1)]),
    subscription("sub_Wayne01", customer="cus_Wayne01", status="canceled", created=ts(2024, 1, 20, 11, 0, 0),
                 start=ts(2024, 1, 20, 11, 0, 0), period=(ts(2024, 6, 20, 11, 0, 0), ts(2024, 7, 20, 11, 0, 0)),
                 items=[("si_Wayne01", P["business"], 1)], cancel_at_period_end=True,
                 canceled_at=ts(2024, 6, 25, 15, 0, 0), ended_at=ts(2024, 7, 20, 11, 0, 0)),
    subscription("sub_Wayne02", customer="cus_Wayne02", status="active", created=W2, start=W2,
                 period=(add_months(W2, 5), add_months(W2, 6)), items=[("si_Wayne02", P["business24"], 1)]),
    subscription("sub_Cyber01", customer="cus_Cyber01", status="past_due", created=C0, start=C0,
                 period=(add_months(C0, 6), add_months(C0, 7)), items=[("si_Cyber01", P["team"], 12)]),
    subscription("sub_Soylent01", customer="cus_Soylent01", status="active", created=S0, start=S0,
                 period=(add_months(S0, 3), add_months(S0, 4)), items=[("si_Soylent01", P["team"], 9)],
                 cancel_at_period_end=True, canceled_at=ts(2025, 3, 5, 9, 0, 0)),
]
SUBS_FINAL[-1]["collection_method"] = "charge_automatically"
SUBS_FINAL[-2]["collection_method"] = "send_invoice"


# --- writing -----------------------------------------------------------------------------------------
def write_jsonl(path: Path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for r in rows:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")


def write_csv(path: Path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)


def main():
    if LANDING.exists():
        shutil.rmtree(LANDING)
    b = LANDING / "billing"
    write_jsonl(b / "products" / "2025-03-15_products.jsonl", [
        {"id": k, "object": "product", "active": True, "created": T_CATALOG, "description": None,
         "livemode": False, "metadata": {}, "name": v, "type": "service"} for k, v in PRODUCTS.items()])
    write_jsonl(b / "prices" / "2025-03-15_prices.jsonl", list(P.values()))
    write_jsonl(b / "customers" / "2025-03-15_customers.jsonl", CUSTOMERS)
    write_jsonl(b / "subscriptions" / "2024-04-01_subscriptions.jsonl", SUBS_EARLY)
    write_jsonl(b / "subscriptions" / "2025-03-15_subscriptions.jsonl", SUBS_FINAL)
    files: dict[str, list] = {}
    for name, inv in INVOICES:
        files.setdefault(name, []).append(inv)
    for name, rows in files.items():
        rows.sort(key=lambda r: r["created"])  # stable: same-id versions keep their order
        write_jsonl(b / "invoices" / f"{name}_invoices.jsonl", rows)

    write_csv(LANDING / "crm" / "User" / "2025-03-15_User.csv",
              ["Id", "Name", "Email", "Title", "Department", "IsActive"], [
                  [USR["ae1"], "Alex Rivera", "alex.rivera@example-saas.com", "Account Executive", "Sales", "true"],
                  [USR["ae2"], "Sam Chen", "sam.chen@example-saas.com", "Account Executive", "Sales", "true"]])
    acc = [
        ("acme", "Acme Corp", "2023-11-02T15:04:05.000Z", "https://www.acme-corp.com/", "Manufacturing", "United States", "ae1"),
        ("globex", "Globex Corporation", "2023-12-11T09:30:00.000Z", "https://globex.com", "Energy", "United States", "ae1"),
        ("initech", "Initech", "2024-01-03T10:00:00.000Z", "www.initech.io", "Technology", "United States", "ae2"),
        ("umbrella", "Umbrella GmbH", "2024-03-18T08:12:45.000+0000", "https://www.umbrella.de", "Pharmaceuticals", "Germany", "ae2"),
        ("hooli_kk", "Hooli KK", "2024-05-27T01:00:00.000Z", "https://hooli.co.jp", "Technology", "Japan", "ae2"),
        ("hooli_inc", "Hooli Inc", "2023-06-01T17:45:00.000Z", "https://www.hooli.com", "Technology", "United States", "ae1"),
        ("wayne", "Wayne Enterprises", "2023-10-20T12:00:00.000Z", "http://wayne-ent.com", "Conglomerate", "United States", "ae1"),
        ("cyberdyne", "Cyberdyne Systems", "2024-07-15T16:20:00.000Z", "https://cyberdyne.ai/en/", "Robotics", "United States", "ae2"),
        ("soylent", "Soylent", "2024-10-02T13:00:00.000Z", "soylent.com", "Food & Beverage", "United States", "ae1"),
        ("doe", "Doe Consulting", "2024-07-30T10:00:00.000Z", "gmail.com", "Consulting", "United States", "ae2"),
    ]
    write_csv(LANDING / "crm" / "Account" / "2025-03-15_Account.csv",
              ["Id", "Name", "CreatedDate", "Website", "Industry", "BillingCountry", "OwnerId"],
              [[ACC[k], name, created, web, ind, country, USR[o]] for k, name, created, web, ind, country, o in acc])

    eur = [("2024-01-01", "1.1000"), ("2024-05-01", "1.0800"), ("2024-06-14", "1.0700"), ("2024-06-16", "1.2000"),
           ("2024-07-01", "1.0900"), ("2024-08-15", "1.1000"), ("2024-10-01", "1.0900"), ("2024-11-01", "1.0500"),
           ("2024-12-01", "1.0400"), ("2025-01-01", "1.0300"), ("2025-02-01", "1.0400"), ("2025-03-01", "1.0850")]
    write_csv(LANDING / "finance" / "fx_rates" / "2025-03-15_fx_rates.csv", ["date", "currency", "usd_per_unit"],
              [["2024-01-01", "JPY", "0.0068"]] + [[d, "EUR", r] for d, r in eur])

    months = [f"2024-{m:02d}" for m in range(1, 13)] + [f"2025-{m:02d}" for m in range(1, 4)]
    exp = []
    for m in months:
        exp += [[m, "marketing", "salaries", "4000.00", "USD"], [m, "sales", "salaries", "6000.00", "USD"],
                [m, "customer_success", "salaries", "3000.00", "USD"]]
    exp += [["2024-01", "marketing", "tools", "500.00", "USD"],
            ["2024-05", "marketing", "events", "2000.00", "EUR"],
            ["2024-11", "sales", "other", "1250.50", "USD"],
            ["2025-02", "customer_success", "tools", "800.00", "USD"]]
    write_csv(LANDING / "finance" / "gtm_expenses" / "2025-03-15_gtm_expenses.csv",
              ["month", "department", "category", "amount", "currency"], exp)

    write_csv(LANDING / "marketing" / "ad_spend" / "2025-03-15_ad_spend.csv",
              ["date", "platform", "account_id", "campaign_id", "campaign_name", "impressions", "clicks", "spend", "currency"], [
                  ["2024-01-15", "google_ads", "123-456-7890", "gad-1001", "Brand search", "12000", "340", "1500.00", "USD"],
                  ["2024-01-20", "linkedin_ads", "li-5550001", "li-2001", "CFO persona", "8000", "95", "800.00", "USD"],
                  ["2024-02-10", "google_ads", "123-456-7890", "gad-1001", "Brand search", "10100", "301", "1200.00", "USD"],
                  ["2024-04-05", "google_ads", "123-456-7890", "gad-1002", "Competitor search", "7000", "150", "900.00", "USD"],
                  ["2024-05-12", "google_ads", "123-456-7890", "gad-1001", "Brand search", "8800", "260", "1000.00", "USD"],
                  ["2024-07-03", "linkedin_ads", "li-5550001", "li-2002", "RevOps persona", "6100", "77", "750.25", "USD"],
                  ["2024-09-09", "meta_ads", "act_998877", "fb-3001", "DACH retargeting", "20000", "410", "600.00", "EUR"],
                  ["2024-11-18", "google_ads", "123-456-7890", "gad-1001", "Brand search", "9300", "288", "1100.00", "USD"],
                  ["2025-03-14", "google_ads", "123-456-7890", "gad-1003", "Spring promo", "3500", "99", "400.00", "USD"],
              ])


if __name__ == "__main__":
    main()
