"""Writes tests/scenarios/gtm_basic/landing/ (run: python make_landing.py).

The landing files are committed; this script documents how they were typed and regenerates
them. It reuses the Stripe/CSV helpers of billing_basic/make_landing.py. It writes inputs only:
every expected number in tests/test_gtm_scenario.py is worked out by hand in README.md.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
LANDING = HERE / "landing"
_spec = importlib.util.spec_from_file_location("billing_basic_landing", HERE.parent / "billing_basic" / "make_landing.py")
bb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bb)
ts, add_months, sf_id18, price, line, invoice = bb.ts, bb.add_months, bb.sf_id18, bb.price, bb.line, bb.invoice
customer, subscription, write_jsonl, write_csv = bb.customer, bb.subscription, bb.write_jsonl, bb.write_csv

NAMES = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "kilo", "lima", "mike",
         "november", "oscar", "papa"]
ACC = {k: sf_id18(f"0015g00000{k[:5].capitalize():X<5}") for k in NAMES}
OPP = {k: sf_id18(f"0065g00000{k[:5].capitalize():X<5}") for k in NAMES}

PRODUCTS = {"prod_Core": "Core", "prod_Analytics": "Analytics", "prod_Api": "API", "prod_Support": "Support"}
P = {
    "core": price("price_CoreSeat", "prod_Core", "usd", 8000, "month"),
    "core_annual": price("price_CoreSeatAnnual", "prod_Core", "usd", 117600, "year"),
    "core_delta": price("price_CoreDeltaCustom", "prod_Core", "usd", 67999, "month"),
    "analytics": price("price_Analytics", "prod_Analytics", "usd", 20000, "month"),
    "analytics_incl": price("price_AnalyticsIncluded", "prod_Analytics", "usd", 0, "month"),
    "api": price("price_Api", "prod_Api", "usd", 10000, "month"),
    "support": price("price_Support", "prod_Support", "usd", 5000, "month"),
}

INVOICES = []
SUBS = []
CUSTOMERS = []


def cust(key, crm=True, email=None):
    cid = f"cus_{key.capitalize()}"
    CUSTOMERS.append(customer(cid, email=email or f"billing@{key}.example", name=key.capitalize(), currency="usd",
                              created=ts(2024, 12, 1), country="US", crm=ACC[key] if crm else None))
    return cid


def sub(key, cid, items, start, period, status="active", ended_at=None, cancel_at_period_end=False):
    sid = f"sub_{key.capitalize()}"
    SUBS.append(subscription(sid, customer=cid, status=status, created=start, start=start, period=period,
                             items=[(f"si_{key.capitalize()}_{i}", P[p], q) for i, (p, q) in enumerate(items)],
                             ended_at=ended_at, canceled_at=ended_at, cancel_at_period_end=cancel_at_period_end))
    return sid


def inv(key, cid, sid, items, start, end, status="paid", due=None, interval_end=None):
    tag = f"{key}_{bb.dt.datetime.fromtimestamp(start, bb.UTC):%Y_%m}"
    lines = [line(f"il_{tag}_{i}", kind="subscription", amount=P[p]["unit_amount"] * q, currency="usd", qty=q,
                  pr=P[p], start=start, end=end, sub=sid, si=f"si_{key.capitalize()}_{i}")
             for i, (p, q) in enumerate(items)]
    INVOICES.append(invoice(f"in_{tag}", customer=cid, sub=sid, currency="usd", created=start, status=status,
                            lines=lines, due_date=due, paid_at=start + 600 if status == "paid" else None,
                            collection="send_invoice" if due else "charge_automatically"))


def monthly_invoices(key, cid, sid, items, first, count, statuses=None, dues=None):
    for k in range(count):
        s, e = add_months(first, k), add_months(first, k + 1)
        inv(key, cid, sid, items, s, e, status=(statuses or {}).get(k, "paid"), due=(dues or {}).get(k))


# Alpha: won 2025-03-01 for 12,000/yr; billing only starts 2025-04-01 (day 31: just outside grace)
c = cust("alpha"); items = [("core", 10)]
s = sub("alpha", c, items, ts(2025, 4, 1, 9), (ts(2025, 4, 1, 9), ts(2025, 5, 1, 9)))
monthly_invoices("alpha", c, s, items, ts(2025, 4, 1, 9), 1)
# Bravo: won 2025-03-01 for 12,000/yr; billed from 2025-03-31 (day 30: just inside grace) at 1,000
c = cust("bravo"); items = [("core", 10), ("analytics", 1)]
s = sub("bravo", c, items, ts(2025, 3, 31, 9), (ts(2025, 3, 31, 9), ts(2025, 4, 30, 9)))
inv("bravo", c, s, items, ts(2025, 3, 31, 9), ts(2025, 4, 30, 9))
# Charlie: won 2025-02-01 for 12,000/yr; annual 10 seats x 1,176 = 980/month (exactly at tolerance)
c = cust("charlie"); items = [("core_annual", 10), ("analytics_incl", 1)]
# ... and set to cancel at the end of its yearly period (2026-02-01): committed MRR drops from 2026-02
s = sub("charlie", c, items, ts(2025, 2, 1, 9), (ts(2025, 2, 1, 9), ts(2026, 2, 1, 9)), cancel_at_period_end=True)
inv("charlie", c, s, items, ts(2025, 2, 1, 9), ts(2026, 2, 1, 9))
# Delta: won 2025-02-01 for 12,000/yr; billed 679.99 + 200 + 100 = 979.99/month (just below tolerance)
c = cust("delta"); items = [("core_delta", 1), ("analytics", 1), ("api", 1)]
s = sub("delta", c, items, ts(2025, 2, 1, 9), (ts(2025, 4, 1, 9), ts(2025, 5, 1, 9)))
monthly_invoices("delta", c, s, items, ts(2025, 2, 1, 9), 3)
# Golf: 10 seats + API = 900/month from 2025-01-01, send_invoice; March open due 03-15 (31 days)
c = cust("golf"); items = [("core", 10), ("api", 1)]
s = sub("golf", c, items, ts(2025, 1, 1, 9), (ts(2025, 4, 1, 9), ts(2025, 5, 1, 9)), status="past_due")
monthly_invoices("golf", c, s, items, ts(2025, 1, 1, 9), 4, statuses={2: "open", 3: "open"},
                 dues={0: ts(2025, 1, 15, 9), 1: ts(2025, 2, 15, 9), 2: ts(2025, 3, 15, 9), 3: ts(2025, 4, 30, 9)})
# Hotel: 3 x Support = 150/month from 2025-01-02; Feb uncollectible, Mar open due 03-16
c = cust("hotel"); items = [("support", 3)]
s = sub("hotel", c, items, ts(2025, 1, 2, 9), (ts(2025, 3, 2, 9), ts(2025, 4, 2, 9)), status="canceled",
        ended_at=ts(2025, 4, 2, 9))
monthly_invoices("hotel", c, s, items, ts(2025, 1, 2, 9), 3, statuses={1: "uncollectible", 2: "open"},
                 dues={0: ts(2025, 1, 16, 9), 1: ts(2025, 2, 15, 9), 2: ts(2025, 3, 16, 9)})
# Indy: no CRM account (gmail), 1 Core seat = 80/month, paying on as_of
c = "cus_Indy"
CUSTOMERS.append(customer(c, email="indy.jones@gmail.com", name="Indy Jones", currency="usd",
                          created=ts(2025, 3, 1), country="JP"))
items = [("core", 1)]
s = sub("indy", c, items, ts(2025, 3, 10, 9), (ts(2025, 4, 10, 9), ts(2025, 5, 10, 9)))
monthly_invoices("indy", c, s, items, ts(2025, 3, 10, 9), 2)
# Juliet: no CRM account, paid one month in January, cancelled: MRR 0 on as_of
c = "cus_Juliet"
CUSTOMERS.append(customer(c, email="juliet@example.org", name="Juliet", currency="usd", created=ts(2025, 1, 1),
                          country="US"))
s = sub("juliet", c, [("core", 1)], ts(2025, 1, 5, 9), (ts(2025, 1, 5, 9), ts(2025, 2, 5, 9)), status="canceled",
        ended_at=ts(2025, 2, 5, 9))
inv("juliet", c, s, [("core", 1)], ts(2025, 1, 5, 9), ts(2025, 2, 5, 9))
# Affinity-only accounts: active subscriptions, no invoices
for key, items in (("kilo", [("core", 2), ("analytics", 1), ("support", 1)]),
                   ("lima", [("core", 2), ("analytics", 1), ("support", 1)]),
                   ("mike", [("analytics", 1), ("support", 1)]),
                   ("november", [("core", 2), ("analytics", 1), ("support", 1), ("api", 1)]),
                   ("oscar", [("analytics", 1), ("support", 1)]),
                   ("papa", [("support", 1)])):
    c = cust(key)
    sub(key, c, items, ts(2025, 4, 1, 9), (ts(2025, 4, 1, 9), ts(2025, 5, 1, 9)))


def day_range(y, m, d, n):
    start = bb.dt.date(y, m, d)
    return [start + bb.dt.timedelta(days=i) for i in range(n)]


def main():
    if LANDING.exists():
        shutil.rmtree(LANDING)
    b = LANDING / "billing"
    write_jsonl(b / "products" / "2025-04-15_products.jsonl", [
        {"id": k, "object": "product", "active": True, "created": ts(2024, 12, 1), "metadata": {}, "name": v}
        for k, v in PRODUCTS.items()])
    write_jsonl(b / "prices" / "2025-04-15_prices.jsonl", list(P.values()))
    write_jsonl(b / "customers" / "2025-04-15_customers.jsonl", CUSTOMERS)
    write_jsonl(b / "subscriptions" / "2025-04-15_subscriptions.jsonl", SUBS)
    write_jsonl(b / "invoices" / "2025-04-15_invoices.jsonl", sorted(INVOICES, key=lambda r: r["created"]))

    crm = LANDING / "crm"
    industry = {"bravo": ("Software", "Germany"), "golf": ("Retail", "US")}
    write_csv(crm / "Account" / "2025-04-15_Account.csv", ["Id", "Name", "CreatedDate", "Website", "Industry", "BillingCountry"],
              [[ACC[k], k.capitalize(), "2024-11-01T10:00:00.000Z", f"https://{k}.example",
                industry.get(k, ("Services", ""))[0], industry.get(k, ("", ""))[1]] for k in NAMES])
    deals = [("alpha", "2025-03-01", "12000"), ("bravo", "2025-03-01", "12000"), ("charlie", "2025-02-01", "12000"),
             ("delta", "2025-02-01", "12000"), ("echo", "2025-03-16", "6000"), ("foxtrot", "2025-03-15", "6000")]
    write_csv(crm / "Opportunity" / "2025-04-15_Opportunity.csv",
              ["Id", "AccountId", "Name", "Type", "StageName", "Amount", "CloseDate", "CreatedDate", "IsClosed", "IsWon"],
              [[OPP[k], ACC[k], f"{k.capitalize()} - new", "New Business", "Closed Won", amt, close,
                "2025-01-10T10:00:00.000Z", "true", "true"] for k, close, amt in deals])
    write_csv(crm / "Contact" / "2025-04-15_Contact.csv", ["Id", "Email", "CreatedDate", "AccountId"], [
        [sf_id18("0035g00000AnnaB"), "anna.berg@bravo.example", "2024-11-02T10:00:00.000Z", ACC["bravo"]],
        [sf_id18("0035g00000GregG"), "greg@golf.example", "2024-11-02T10:00:00.000Z", ACC["golf"]],
    ])

    # usage: Bravo 8 users in the prior 28 days (02-19..03-18), 11 in the last 28 (03-19..04-15); rows
    # outside both windows carry traps. Golf 2 then 5. Alpha 6 from 04-09. Charlie 4. Echo has no MRR.
    usage = [["2025-02-17", ACC["bravo"], "100", "1"], ["2025-02-18", ACC["bravo"], "100", "1"],
             ["2025-04-16", ACC["bravo"], "500", "1"]]
    for d in day_range(2025, 2, 19, 28):
        usage += [[d.isoformat(), ACC["bravo"], "8", "40"], [d.isoformat(), ACC["golf"], "2", "10"]]
    for d in day_range(2025, 3, 19, 28):
        usage += [[d.isoformat(), ACC["bravo"], "11", "50"], [d.isoformat(), ACC["golf"], "5", "20"],
                  [d.isoformat(), ACC["charlie"], "4", "9"], [d.isoformat(), ACC["echo"], "3", "3"]]
    for d in day_range(2025, 4, 9, 7):
        usage.append([d.isoformat(), ACC["alpha"], "6", "12"])
    write_csv(LANDING / "product" / "usage_daily" / "2025-04-15_usage_daily.csv",
              ["date", "crm_account_id", "active_users", "events"], usage)

    def ev(i, typ, rcpt, y, m, d, hh, mm, camp):
        return {"id": f"ev{i:03d}", "type": typ, "recipient": rcpt, "emailCampaignId": camp,
                "created": ts(y, m, d, hh, mm) * 1000}
    events = [
        # Anna (Bravo, Germany -> Europe/Berlin; DST starts 2025-03-30)
        ev(1, "SENT", "Anna.Berg+news@bravo.example", 2025, 3, 28, 8, 0, "cmpX"),   # Fri 09:00 CET
        ev(2, "SENT", "anna.berg@bravo.example", 2025, 3, 28, 10, 0, "cmpX"),       # re-send: same message
        ev(3, "OPEN", "anna.berg@bravo.example", 2025, 3, 28, 9, 0, "cmpX"),
        ev(4, "CLICK", "anna.berg@bravo.example", 2025, 3, 28, 9, 5, "cmpX"),
        ev(5, "SENT", "anna.berg@bravo.example", 2025, 3, 31, 7, 0, "cmpY"),        # Mon 09:00 CEST
        ev(6, "OPEN", "anna.berg@bravo.example", 2025, 3, 31, 8, 0, "cmpY"),
        # Greg (Golf, US -> America/New_York; DST starts 2025-03-09)
        ev(7, "SENT", "greg@golf.example", 2025, 3, 7, 14, 0, "cmpX"),             # Fri 09:00 EST
        ev(8, "OPEN", "greg@golf.example", 2025, 3, 7, 15, 0, "cmpX"),
        ev(9, "SENT", "greg@golf.example", 2025, 3, 10, 13, 0, "cmpY"),            # Mon 09:00 EDT
        ev(10, "DELIVERED", "greg@golf.example", 2025, 3, 10, 13, 1, "cmpY"),
        # nobody@ has no country: UTC
        ev(11, "SENT", "nobody@nowhere.example", 2025, 3, 28, 8, 0, "cmpX"),       # Fri 08:00 UTC
        ev(12, "CLICK", "nobody@nowhere.example", 2025, 3, 28, 8, 30, "cmpX"),
        ev(13, "OPEN", "nobody@nowhere.example", 2025, 3, 31, 8, 0, "cmpY"),       # no SENT: no message
        # Indy: no Contact; billing customer country JP -> Asia/Tokyo
        ev(14, "SENT", "indy.jones@gmail.com", 2025, 3, 10, 0, 30, "cmpY"),        # Mon 09:30 JST
    ]
    write_jsonl(LANDING / "marketing" / "email_events" / "2025-04-15_email_events.jsonl", events)

    st = LANDING / "steward" / "leakage_decisions"
    header = ["leakage_type", "reference_id", "decision", "decided_by", "decided_at", "note"]
    write_csv(st / "2025-04-10_leakage_decisions.csv", header, [
        ["won_not_billed", OPP["foxtrot"], "confirmed", "sam", "2025-04-10T09:00:00+00:00", "looks real"],
    ])
    write_csv(st / "2025-04-14_leakage_decisions.csv", header, [
        # the 15-character id matches the 18-character finding; this later decision wins
        ["won_not_billed", OPP["foxtrot"][:15], "dismissed", "alex", "2025-04-14T17:30:00+02:00",
         "pilot, billed from May by contract"],
        ["unpaid_invoice", "in_nothing", "resolved", "alex", "2025-04-14T10:00:00Z", "no such finding"],
    ])


if __name__ == "__main__":
    main()
