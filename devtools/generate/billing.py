"""Stripe simulator: catalog, customers, subscriptions and everything they bill.

Objects are shaped like the Stripe list endpoints return them (API version of the
``2024-06-20`` family: the invoice line carries the full ``price`` object). Every object keeps
its version history (created, finalized, paid, canceled, ...) and is handed to the extract sinks
when its simulation is over; the sinks pick the state each extract saw.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from . import vocab as V
from .util import DAY, HOUR, add_months, money, to_date

MIN_CHANGE_DAYS = 45  # no seat change in a subscription's first 45 days (keeps contract checks clean)


def _rnd(x: float) -> int:
    """Round half away from zero (symmetric for credit lines)."""
    return int(math.floor(abs(x) + 0.5)) * (1 if x >= 0 else -1)


@dataclass
class SubResult:
    sub_id: str
    start: int
    ended_at: int | None
    periods: list = field(default_factory=list)  # (ps, pe, licensed MRR native major units)
    seats: list = field(default_factory=list)  # (t_from, t_to or None, seats)
    crm_events: list = field(default_factory=list)
    ever_mrr: bool = False
    churned: bool = False


class Billing:
    def __init__(self, ctx):
        self.ctx = ctx
        self.clock = ctx.clock
        self.rng = ctx.rng_billing
        self.sid = ctx.stripe_ids.new
        self.q = ctx.quota
        self.s_customers = ctx.sinks["billing/customers"]
        self.s_products = ctx.sinks["billing/products"]
        self.s_prices = ctx.sinks["billing/prices"]
        self.s_subs = ctx.sinks["billing/subscriptions"]
        self.s_invoices = ctx.sinks["billing/invoices"]
        self.s_charges = ctx.sinks["billing/charges"]
        self.s_refunds = ctx.sinks["billing/refunds"]
        self.unpaid_invoices: list[dict] = []
        self.counts = {"subscriptions": 0, "invoices": 0, "charges": 0, "refunds": 0, "customers": 0}
        self._catalog()

    # ------------------------------------------------------------------ catalog
    def _catalog(self) -> None:
        c, rng = self.clock, self.rng
        t_cat = c.t0 - 200 * DAY + 10 * HOUR
        self.price_change_t = c.t0 + (c.tend - c.t0) // 2 // DAY * DAY + 9 * HOUR
        self.products: dict[str, dict] = {}
        self.prices: dict[tuple, list] = {}  # key -> [active obj, inactive obj or None, deactivated_at]
        product_specs = [(k, n, "seat", {"tier": k, "seat_based": "true"}) for k, n, _ in V.TIERS]
        product_specs += [(k, n, "seat", {"addon": "true", "seat_based": "true"}) for k, n, _ in V.ADDONS]
        product_specs.append((V.METERED[0], V.METERED[1], "1,000 API calls", {"metered": "true"}))
        product_specs.append((V.ONBOARDING[0], V.ONBOARDING[1], None, {"one_time": "true"}))
        for k, name, unit_label, meta in product_specs:
            self.products[k] = {
                "id": self.sid("prod_", 14), "object": "product", "active": True, "created": t_cat,
                "default_price": None, "description": None, "images": [], "livemode": False,
                "marketing_features": [], "metadata": meta, "name": name, "package_dimensions": None,
                "shippable": None, "statement_descriptor": None, "tax_code": None, "type": "service",
                "unit_label": unit_label, "updated": t_cat, "url": None,
            }

        def mk(product_key, currency, unit, interval, usage="licensed", nickname="", version="", t=t_cat):
            rec = None
            if interval:
                rec = {"aggregate_usage": "sum" if usage == "metered" else None, "interval": interval,
                       "interval_count": 1, "meter": None, "trial_period_days": None, "usage_type": usage}
            obj = {
                "id": self.sid("price_", 24), "object": "price", "active": True, "billing_scheme": "per_unit",
                "created": t, "currency": currency, "custom_unit_amount": None, "livemode": False,
                "lookup_key": f"{product_key}_{interval or 'once'}_{currency}{version}", "metadata": {},
                "nickname": nickname, "product": self.products[product_key]["id"], "recurring": rec,
                "tax_behavior": "exclusive", "tiers_mode": None, "transform_quantity": None,
                "type": "recurring" if interval else "one_time", "unit_amount": unit,
                "unit_amount_decimal": str(unit),
            }
            return obj

        for k, name, amounts in V.TIERS:
            for cur in V.CURRENCIES:
                v1, v2 = amounts[cur]
                for interval, mult in (("month", 1), ("year", 10)):
                    old = mk(k, cur, v1 * mult, interval, nickname=f"{name} {interval}ly (2022)", version="_v1")
                    new = mk(k, cur, v2 * mult, interval, nickname=f"{name} {interval}ly",
                             version="_v2", t=self.price_change_t - 5 * DAY)
                    inactive = dict(old, active=False)
                    self.prices[(k, cur, interval, 1)] = [old, inactive, self.price_change_t]
                    self.prices[(k, cur, interval, 2)] = [new, None, None]
        for k, name, amounts in V.ADDONS:
            for cur in V.CURRENCIES:
                for interval, mult in (("month", 1), ("year", 10)):
                    self.prices[(k, cur, interval, 1)] = [mk(k, cur, amounts[cur] * mult, interval,
                                                             nickname=f"{name} {interval}ly"), None, None]
        k, name, amounts = V.METERED
        for cur in V.CURRENCIES:
            self.prices[(k, cur, "month", 1)] = [mk(k, cur, amounts[cur], "month", usage="metered",
                                                    nickname="API usage"), None, None]
        k, name, amounts = V.ONBOARDING
        for cur in V.CURRENCIES:
            self.prices[(k, cur, None, 1)] = [mk(k, cur, amounts[cur], None, nickname="Onboarding"), None, None]

        # emit catalog (products quarterly-ish: their default_price changes with the price change)
        for key in sorted(self.prices):
            active, inactive, t_off = self.prices[key]
            versions = [(active["created"], active)]
            if inactive is not None:
                versions.append((t_off, dict(inactive)))
            self.s_prices.add(active["id"], versions)
        for k, prod in self.products.items():
            p1 = self.prices.get((k, "usd", "month", 1)) or self.prices.get((k, "usd", None, 1))
            v1 = dict(prod, default_price=p1[0]["id"])
            versions = [(prod["created"], v1)]
            p2 = self.prices.get((k, "usd", "month", 2))
            if p2:
                versions.append((self.price_change_t, dict(v1, default_price=p2[0]["id"], updated=self.price_change_t)))
            self.s_products.add(prod["id"], versions)

        self._names = {p["id"]: p["name"] for p in self.products.values()}
        self.tax_rates = {}
        for country, (name, pct) in V.TAX_BY_COUNTRY.items():
            self.tax_rates[country] = (self.sid("txr_", 24), pct)
        self.coupons = {}
        for cid, (name, pct, amount_off, duration, months) in V.COUPONS.items():
            self.coupons[cid] = {"id": cid, "object": "coupon", "amount_off": None, "created": t_cat,
                                 "currency": None, "duration": duration, "duration_in_months": months,
                                 "livemode": False, "max_redemptions": None, "metadata": {}, "name": name,
                                 "percent_off": pct, "redeem_by": None, "times_redeemed": 0, "valid": True}

    def price(self, key: tuple, t: int) -> dict:
        active, inactive, t_off = self.prices[key]
        return inactive if (inactive is not None and t >= t_off) else active

    def tier_price_key(self, tier: str, cur: str, interval: str, t: int) -> tuple:
        return (tier, cur, interval, 2 if t >= self.price_change_t else 1)

    def monthly_unit(self, tier: str, cur: str, interval: str, t: int) -> int:
        p = self.prices[self.tier_price_key(tier, cur, interval, t)][0]
        return p["unit_amount"] if interval == "month" else p["unit_amount"] / 12

    # ------------------------------------------------------------------ customers
    def new_customer(self, t: int, *, email: str, name: str, currency: str, country: str,
                     crm_account_id: str | None, metadata_from: int | None = None, phone=None) -> dict:
        cid = self.sid("cus_", 14)
        code = V.COUNTRY_CODE.get(country, "US")
        meta = {}
        cust = {
            "id": cid, "object": "customer",
            "address": {"city": None, "country": code, "line1": None, "line2": None, "postal_code": None,
                        "state": None},
            "balance": 0, "created": t, "currency": currency, "default_source": None, "delinquent": False,
            "description": None, "discount": None, "email": email, "invoice_prefix": self.sid("", 8).upper(),
            "invoice_settings": {"custom_fields": None, "default_payment_method": None, "footer": None,
                                 "rendering_options": None},
            "livemode": False, "metadata": meta, "name": name, "next_invoice_sequence": 1, "phone": phone,
            "preferred_locales": [], "shipping": None, "tax_exempt": "none", "test_clock": None,
        }
        versions = [(t, cust)]
        if crm_account_id:
            if metadata_from and metadata_from > t:
                versions.append((metadata_from, dict(cust, metadata={"crm_account_id": crm_account_id})))
            else:
                cust["metadata"] = {"crm_account_id": crm_account_id}
        self.counts["customers"] += 1
        return {"id": cid, "versions": versions, "currency": currency, "country": country, "email": email,
                "name": name, "inv_seq": 0, "tax": self.tax_rates.get(country),
                "card": (self.rng.choice(V.CARD_BRANDS), f"{self.rng.randrange(10000):04d}",
                         self.rng.randrange(1, 13), self.rng.randrange(2026, 2031)),
                "pm": self.sid("pm_", 24)}

    def _cust_update(self, cust: dict, t: int, **changes) -> None:
        last_t, last = cust["versions"][-1]
        new = dict(last, **changes)
        if last_t >= t:
            t = last_t
            cust["versions"][-1] = (t, new)
        else:
            cust["versions"].append((t, new))

    def finish_customer(self, cust: dict, deleted_at: int | None = None) -> None:
        versions = cust["versions"]
        # the running invoice sequence is cosmetic; keep the last number in the final version
        if deleted_at is not None:
            versions = versions + [(deleted_at, {"id": cust["id"], "object": "customer", "deleted": True})]
        versions.sort(key=lambda v: v[0])
        self.s_customers.add(cust["id"], versions)

    # ------------------------------------------------------------------ invoices
    def _line(self, inv_id, cur, *, kind, price, quantity, amount, ps, pe, proration, description,
              sub_id, si_id, discount=None, tax=None):
        line = {
            "id": self.sid("il_", 24), "object": "line_item", "amount": amount,
            "amount_excluding_tax": amount, "currency": cur, "description": description,
            "discount_amounts": [], "discountable": kind != "fee", "discounts": [],
            "invoice": inv_id, "livemode": False, "metadata": {},
            "period": {"end": pe, "start": ps}, "price": price, "proration": proration,
            "proration_details": {"credited_items": None}, "quantity": quantity,
            "subscription": sub_id, "subscription_item": si_id, "tax_amounts": [], "tax_rates": [],
            "type": "subscription" if kind == "sub" else "invoiceitem",
            "unit_amount_excluding_tax": str(price["unit_amount"]),
        }
        if kind != "sub":
            line["invoice_item"] = self.sid("ii_", 24)
        return line

    def _make_invoice(self, cust, sub_id, created, line_specs, *, reason, collection, period, discount):
        """Build an invoice (final amounts; status filled by the payment flow).
        ``line_specs``: dicts for _line plus 'mrr_eligible'. ``discount``: (discount obj, coupon) or None."""
        cur = cust["currency"]
        inv_id = self.sid("in_", 24)
        lines = [self._line(inv_id, cur, sub_id=sub_id, **{k: v for k, v in s.items() if k != "mrr"})
                 for s in line_specs]
        total_disc = 0
        if discount is not None:
            dobj, coupon = discount
            eligible = [ln for ln in lines if ln["discountable"]]
            if coupon["percent_off"] is not None:
                for ln in eligible:
                    d = _rnd(ln["amount"] * coupon["percent_off"] / 100)
                    if d:
                        ln["discount_amounts"].append({"amount": d, "discount": dobj["id"]})
                        total_disc += d
            else:
                off = coupon["amount_off"]
                base = sum(ln["amount"] for ln in eligible if ln["amount"] > 0)
                off = min(off, base)
                remaining = off
                pos = [ln for ln in eligible if ln["amount"] > 0]
                for i, ln in enumerate(pos):
                    d = remaining if i == len(pos) - 1 else (off * ln["amount"]) // base
                    remaining -= d
                    if d:
                        ln["discount_amounts"].append({"amount": d, "discount": dobj["id"]})
                        total_disc += d
        subtotal = sum(ln["amount"] for ln in lines)
        tax_total = None
        tax_amounts = []
        if cust["tax"] is not None:
            txr, pct = cust["tax"]
            tax_total = 0
            for ln in lines:
                net = ln["amount"] - sum(d["amount"] for d in ln["discount_amounts"])
                ta = _rnd(net * pct / 100)
                ln["tax_amounts"] = [{"amount": ta, "inclusive": False, "tax_rate": txr,
                                      "taxability_reason": None, "taxable_amount": net}]
                ln["tax_rates"] = []
                tax_total += ta
            tax_amounts = [{"amount": tax_total, "inclusive": False, "tax_rate": txr,
                            "taxability_reason": None, "taxable_amount": subtotal - total_disc}]
        total = subtotal - total_disc + (tax_total or 0)
        cust["inv_seq"] += 1
        due = created + 30 * DAY if collection == "send_invoice" else None
        inv = {
            "id": inv_id, "object": "invoice", "account_country": "US", "account_name": "QuantaFlow, Inc.",
            "amount_due": max(total, 0), "amount_paid": 0, "amount_remaining": max(total, 0),
            "amount_shipping": 0, "attempt_count": 0, "attempted": False, "auto_advance": True,
            "billing_reason": reason, "charge": None, "collection_method": collection, "created": created,
            "currency": cur, "customer": cust["id"], "customer_email": cust["email"],
            "customer_name": cust["name"], "description": None,
            "discount": discount[0] if discount else None,
            "discounts": [discount[0]["id"]] if discount else [], "due_date": due,
            "ending_balance": 0, "lines": {"object": "list", "data": lines, "has_more": False,
                                          "total_count": len(lines), "url": f"/v1/invoices/{inv_id}/lines"},
            "livemode": False, "metadata": {}, "next_payment_attempt": None,
            "number": f"{cust['versions'][0][1]['invoice_prefix']}-{cust['inv_seq']:04d}",
            "paid": False, "period_end": period[1], "period_start": period[0], "starting_balance": 0,
            "status": "draft",
            "status_transitions": {"finalized_at": None, "marked_uncollectible_at": None, "paid_at": None,
                                   "voided_at": None},
            "subscription": sub_id, "subtotal": subtotal, "subtotal_excluding_tax": subtotal,
            "tax": tax_total, "total": total,
            "total_discount_amounts": ([{"amount": total_disc, "discount": discount[0]["id"]}]
                                       if discount and total_disc else []),
            "total_excluding_tax": subtotal - total_disc, "total_tax_amounts": tax_amounts,
        }
        mrr = 0.0
        for s, ln in zip(line_specs, lines):
            if s.get("mrr"):
                mrr += s["mrr"] * (ln["amount"] - sum(d["amount"] for d in ln["discount_amounts"]))
        return inv, mrr / V.MINOR_FACTOR[cur]

    def _charge(self, cust, inv, t, ok, failure=None):
        card = cust["card"]
        ch = {
            "id": self.sid("ch_3", 23), "object": "charge", "amount": inv["amount_due"],
            "amount_captured": inv["amount_due"] if ok else 0, "amount_refunded": 0,
            "balance_transaction": self.sid("txn_3", 23) if ok else None,
            "billing_details": {"email": cust["email"], "name": cust["name"]},
            "calculated_statement_descriptor": "QUANTAFLOW", "captured": ok, "created": t,
            "currency": cust["currency"], "customer": cust["id"],
            "description": {"subscription_create": "Subscription creation",
                            "subscription_update": "Subscription update"}.get(inv["billing_reason"],
                                                                               "Subscription cycle"),
            "disputed": False, "failure_code": failure[0] if failure else None,
            "failure_message": failure[1] if failure else None, "invoice": inv["id"], "livemode": False,
            "metadata": {},
            "outcome": {"network_status": "approved_by_network" if ok else "declined_by_network",
                        "reason": None if ok else (failure[0] if failure else None),
                        "risk_level": "normal", "seller_message": "Payment complete." if ok else
                        "The bank did not return any further details with this decline.",
                        "type": "authorized" if ok else "issuer_declined"},
            "paid": ok, "payment_intent": self.sid("pi_3", 23), "payment_method": cust["pm"],
            "payment_method_details": {"card": {"brand": card[0], "country": V.COUNTRY_CODE.get(cust["country"], "US"),
                                                "exp_month": card[2], "exp_year": card[3], "last4": card[1]},
                                       "type": "card"},
            "receipt_email": cust["email"], "refunded": False, "status": "succeeded" if ok else "failed",
        }
        versions = [(t, ch)]
        if ok and self.q(self.rng, "refund", 0.012):
            tr = t + self.rng.randrange(1, 25) * DAY + self.rng.randrange(DAY)
            if tr <= self.clock.tend and inv["amount_due"] > 0:
                full = self.rng.random() < 0.6
                amt = inv["amount_due"] if full else max(1, _rnd(inv["amount_due"] * self.rng.uniform(0.1, 0.6)))
                reason = self.rng.choice(("requested_by_customer", "requested_by_customer", "duplicate", "fraudulent"))
                rid = self.sid("re_3", 23)
                self.s_refunds.add(rid, [(tr, {
                    "id": rid, "object": "refund", "amount": amt, "balance_transaction": self.sid("txn_3", 23),
                    "charge": ch["id"], "created": tr, "currency": cust["currency"], "destination_details": None,
                    "metadata": {}, "payment_intent": ch["payment_intent"], "reason": reason,
                    "receipt_number": None, "source_transfer_reversal": None, "status": "succeeded",
                    "transfer_reversal": None})])
                self.counts["refunds"] += 1
                versions.append((tr, dict(ch, amount_refunded=amt, refunded=full)))
        self.s_charges.add(ch["id"], versions)
        self.counts["charges"] += 1
        return ch

    def _settle(self, cust, inv, *, outcome: str, safe: bool):
        """Run the payment flow of a finalized invoice and emit its versions.
        outcome: ok | recover | fail | void. Returns (status at tend, time of final failure or None,
        replacement invoice created by a void or None)."""
        rng, tend = self.rng, self.clock.tend
        created = inv["created"]
        fin = created if inv["billing_reason"] == "subscription_update" else created + HOUR
        versions = []
        if fin > created:
            versions.append((created, inv))
        cur = dict(inv, status="open", status_transitions=dict(inv["status_transitions"], finalized_at=fin))
        versions.append((fin, cur))
        result = ("open", None)
        send = inv["collection_method"] == "send_invoice"
        if inv["amount_due"] == 0:
            cur = dict(cur, status="paid", paid=True, attempted=True,
                       status_transitions=dict(cur["status_transitions"], paid_at=fin))
            versions[-1] = (fin, cur)
            result = ("paid", None)
        elif outcome == "void" and safe:
            tv = fin + rng.randrange(DAY, 3 * DAY)
            cur = dict(cur, status="void", amount_remaining=0,
                       status_transitions=dict(cur["status_transitions"], voided_at=tv))
            versions.append((tv, cur))
            result = ("void", tv)
        elif outcome == "fail" and safe:
            times = [fin, fin + 3 * DAY, fin + 5 * DAY, fin + 8 * DAY] if not send else []
            for i, ta in enumerate(times):
                if ta > tend:
                    break
                fc = rng.choice(V.FAILURE_CODES)
                ch = self._charge(cust, inv, ta, False, fc)
                cur = dict(cur, attempted=True, attempt_count=i + 1, charge=ch["id"],
                           next_payment_attempt=times[i + 1] if i + 1 < len(times) else None)
                versions.append((ta, cur))
                if i == 0:
                    self._cust_update(cust, ta, delinquent=True)
            if self.q(rng, "invoice_uncollectible", 0.6 if not send else 0.4, warmup=1):
                tm = fin + (21 * DAY if not send else 75 * DAY) + rng.randrange(DAY)
                cur = dict(cur, status="uncollectible", next_payment_attempt=None,
                           status_transitions=dict(cur["status_transitions"], marked_uncollectible_at=tm))
                versions.append((tm, cur))
                result = ("uncollectible", tm)
            else:
                # dunning gave up but nobody marked it: the invoice stays open (past due) for good
                if times and times[-1] <= tend:
                    versions.append((times[-1] + HOUR, dict(cur, next_payment_attempt=None)))
                result = ("open", None)
        else:
            if send:
                tp = fin + rng.randrange(2, 40) * DAY + rng.randrange(DAY)
                if outcome in ("recover", "fail"):
                    tp += rng.randrange(20, 40) * DAY
            else:
                tp = fin + rng.randrange(5, 600)
                if outcome in ("recover", "fail"):
                    fc = rng.choice(V.FAILURE_CODES)
                    if fin <= tend:
                        ch = self._charge(cust, inv, fin, False, fc)
                        versions.append((fin, dict(cur, attempted=True, attempt_count=1, charge=ch["id"],
                                                   next_payment_attempt=fin + 3 * DAY)))
                        self._cust_update(cust, fin, delinquent=True)
                    tp = fin + rng.randrange(2, 8) * DAY + rng.randrange(DAY)
            if tp <= tend:
                ch = self._charge(cust, inv, tp, True)
                last = versions[-1][1]
                cur = dict(last, status="paid", paid=True, attempted=True, amount_paid=inv["amount_due"],
                           amount_remaining=0, attempt_count=last["attempt_count"] + 1, charge=ch["id"],
                           next_payment_attempt=None,
                           status_transitions=dict(last["status_transitions"], paid_at=tp))
                versions.append((tp, cur))
                if outcome != "ok":
                    self._cust_update(cust, tp, delinquent=False)
            result = ("paid", None)
        # state at tend, for the ground truth
        final = None
        for t, v in versions:
            if t <= tend:
                final = v
        if final is not None and final["status"] in ("open", "uncollectible"):
            self.unpaid_invoices.append({"id": inv["id"], "customer": cust["id"], "status": final["status"],
                                         "created": inv["created"], "due_date": inv["due_date"],
                                         "amount_due": inv["amount_due"], "currency": inv["currency"]})
        self.s_invoices.add(inv["id"], versions)
        self.counts["invoices"] += 1
        return result

    # ------------------------------------------------------------------ subscriptions
    def run_subscription(self, cust: dict, start: int, *, tier: str, interval: str, seats: int,
                         coupon: str | None = None, trial_days: int = 0, trial_converts: bool = True,
                         addon: tuple[str, int] | None = None, metered: bool = False,
                         onboarding: bool = False, collection: str = "charge_automatically",
                         churn_hazard: float = 0.015, upgrade_rate: float = 0.08,
                         downgrade_rate: float = 0.02, renew_prob: float = 0.88,
                         metadata: dict | None = None, safe_invoices: int = 2) -> SubResult:
        rng, tend, cur = self.rng, self.clock.tend, cust["currency"]
        sub_id = self.sid("sub_", 24)
        res = SubResult(sub_id, start, None)
        self.counts["subscriptions"] += 1
        main_key = self.tier_price_key(tier, cur, interval, start)
        main_si = self.sid("si_", 14)
        items = [{"id": main_si, "object": "subscription_item", "created": start, "discounts": [],
                  "metadata": {}, "price": self.price(main_key, start), "quantity": seats,
                  "subscription": sub_id, "tax_rates": []}]
        addon_key = None
        if addon:
            addon_key = (addon[0], cur, interval, 1)
            items.append({"id": self.sid("si_", 14), "object": "subscription_item", "created": start,
                          "discounts": [], "metadata": {}, "price": self.price(addon_key, start),
                          "quantity": addon[1], "subscription": sub_id, "tax_rates": []})
        metered_key = None
        if metered and interval == "month":
            metered_key = (V.METERED[0], cur, "month", 1)
            items.append({"id": self.sid("si_", 14), "object": "subscription_item", "created": start,
                          "discounts": [], "metadata": {}, "price": self.price(metered_key, start),
                          "subscription": sub_id, "tax_rates": []})
        months = 1 if interval == "month" else 12
        dobj = None
        coupon_obj = None
        if coupon:
            c = self.coupons[coupon]
            coupon_obj = dict(c)
            if V.COUPONS[coupon][2] is not None:
                coupon_obj["amount_off"] = V.COUPONS[coupon][2][cur]
                coupon_obj["currency"] = cur
            d_end = add_months(start, c["duration_in_months"]) if c["duration"] == "repeating" else None
            dobj = {"id": self.sid("di_", 24), "object": "discount", "checkout_session": None,
                    "coupon": coupon_obj, "customer": cust["id"], "end": d_end, "invoice": None,
                    "invoice_item": None, "promotion_code": None, "start": start, "subscription": sub_id}
        once_used = False
        sub = {
            "id": sub_id, "object": "subscription", "application": None, "application_fee_percent": None,
            "automatic_tax": {"enabled": False, "liability": None}, "billing_cycle_anchor": start,
            "billing_thresholds": None, "cancel_at": None, "cancel_at_period_end": False, "canceled_at": None,
            "cancellation_details": {"comment": None, "feedback": None, "reason": None},
            "collection_method": collection, "created": start, "currency": cur,
            "current_period_end": start, "current_period_start": start, "customer": cust["id"],
            "days_until_due": 30 if collection == "send_invoice" else None, "default_payment_method": cust["pm"],
            "description": None, "discount": dobj, "discounts": [dobj["id"]] if dobj else [],
            "ended_at": None, "items": None, "latest_invoice": None, "livemode": False,
            "metadata": metadata or {}, "pause_collection": None, "start_date": start, "status": "active",
            "trial_end": None, "trial_start": None,
        }
        versions: list = []

        def snap(t, **changes):
            nonlocal sub
            sub = dict(sub, **changes)
            sub["items"] = {"object": "list", "data": [dict(i) for i in items], "has_more": False,
                            "total_count": len(items), "url": f"/v1/subscription_items?subscription={sub_id}"}
            if versions and versions[-1][0] >= t:
                versions[-1] = (versions[-1][0], sub)
            else:
                versions.append((t, sub))

        def active_discount(t):
            nonlocal once_used
            if dobj is None:
                return None
            c = coupon_obj
            if c["duration"] == "once":
                if once_used:
                    return None
                once_used = True
                return (dobj, c)
            if c["duration"] == "repeating" and t >= dobj["end"]:
                return None
            return (dobj, c)

        seats_now = seats
        res.seats.append([start, None, seats])

        def set_seats(t, q):
            nonlocal seats_now
            res.seats[-1][1] = t
            res.seats.append([t, None, q])
            seats_now = q
            items[0]["quantity"] = q

        def desc(q, price, name_suffix=""):
            unit = money(price["unit_amount"], cur)
            return f"{q} × {self._pname(price)}{name_suffix} (at {V.CURRENCY_SYMBOL[cur]}{unit} / {price['recurring']['interval']})"

        if trial_days:
            te = start + trial_days * DAY
            snap(start, status="trialing", trial_start=start, trial_end=te, current_period_start=start,
                 current_period_end=te, billing_cycle_anchor=te)
            p = self.price(main_key, start)
            specs = [dict(kind="sub", price=p, quantity=seats, amount=0, ps=start, pe=te, proration=False,
                          description=f"Trial period for {self._pname(p)}", si_id=main_si)]
            inv, _ = self._make_invoice(cust, sub_id, start, specs, reason="subscription_create",
                                        collection=collection, period=(start, start),
                                        discount=active_discount(start))
            self._settle(cust, inv, outcome="ok", safe=False)
            snap(start, latest_invoice=inv["id"])
            if not trial_converts:
                if te <= tend:
                    snap(te, status="canceled", canceled_at=te - rng.randrange(DAY, 5 * DAY), ended_at=te,
                         cancellation_details={"comment": None, "feedback": "unused", "reason": "cancellation_requested"})
                    res.ended_at = te
                    res.seats[-1][1] = te
                    res.churned = True
                self.s_subs.add(sub_id, versions)
                return res
            anchor = te
        else:
            anchor = start
        pending: list = []
        k = 0
        paid_index = 0
        prev_ps = None
        a_d, e_d = to_date(anchor), to_date(tend)
        cycles = ((e_d.year - a_d.year) * 12 + e_d.month - a_d.month) // months + 2  # then ps > tend
        while k < cycles:
            ps = add_months(anchor, k * months)
            pe = add_months(anchor, (k + 1) * months)
            if ps > tend:
                break
            # ---- cycle invoice
            t_inv = ps
            main_key_now = self.tier_price_key(tier, cur, interval, start)  # grandfathered price
            p = self.price(main_key_now, t_inv)
            mrr_factor = 1.0 / months
            specs = [dict(kind="sub", price=p, quantity=seats_now, amount=p["unit_amount"] * seats_now,
                          ps=ps, pe=pe, proration=False, description=desc(seats_now, p), si_id=main_si,
                          mrr=mrr_factor)]
            if addon_key:
                pa = self.price(addon_key, t_inv)
                specs.append(dict(kind="sub", price=pa, quantity=items[1]["quantity"],
                                  amount=pa["unit_amount"] * items[1]["quantity"], ps=ps, pe=pe,
                                  proration=False, description=desc(items[1]["quantity"], pa),
                                  si_id=items[1]["id"], mrr=mrr_factor))
            if metered_key and prev_ps is not None:
                pm = self.price(metered_key, t_inv)
                usage = max(0, int(seats_now * rng.uniform(5, 120)))
                specs.append(dict(kind="sub", price=pm, quantity=usage, amount=usage * pm["unit_amount"],
                                  ps=prev_ps, pe=ps, proration=False, description=desc(usage, pm),
                                  si_id=items[-1]["id"]))
            specs.extend(pending)
            pending = []
            if onboarding and k == 0:
                po = self.price((V.ONBOARDING[0], cur, None, 1), t_inv)
                specs.append(dict(kind="fee", price=po, quantity=1, amount=po["unit_amount"], ps=t_inv,
                                  pe=t_inv, proration=False, description="Onboarding Package", si_id=None))
            reason = "subscription_create" if (k == 0 and not trial_days) else "subscription_cycle"
            inv, mrr = self._make_invoice(cust, sub_id, t_inv, specs, reason=reason, collection=collection,
                                          period=(prev_ps or ps, ps) if prev_ps else (ps, ps),
                                          discount=active_discount(t_inv))
            safe = paid_index >= safe_invoices
            outcome = "ok"
            if safe and self.q(rng, "invoice_void", 0.006):
                outcome = "void"
            elif safe and self.q(rng, "invoice_fail", 0.008):
                outcome = "fail"
            elif rng.random() < 0.036:
                outcome = "recover"
            status, t_fail = self._settle(cust, inv, outcome=outcome, safe=safe)
            if status == "open":
                snap(ps + HOUR, status="past_due")
            if status == "void":
                # re-issue the same lines on a new invoice
                inv2, _ = self._make_invoice(cust, sub_id, t_fail, specs, reason="manual",
                                             collection=collection, period=(inv["period_start"], inv["period_end"]),
                                             discount=(dobj, coupon_obj) if inv["discount"] else None)
                self._settle(cust, inv2, outcome="ok", safe=False)
                inv = inv2
            paid_index += 1
            status_now = "past_due" if status == "uncollectible" else "active"
            snap(ps, status="active", current_period_start=ps,
                 current_period_end=pe, latest_invoice=inv["id"])
            if dobj is not None and coupon_obj["duration"] == "repeating" and dobj["end"] <= ps and sub["discount"]:
                snap(dobj["end"], discount=None, discounts=[])
            if dobj is not None and coupon_obj["duration"] == "once" and once_used and sub["discount"] and k >= 0:
                snap(min(ps + HOUR, tend), discount=None, discounts=[])
            if status != "uncollectible" and status != "void":
                res.periods.append((ps, pe, mrr))
                if mrr > 0:
                    res.ever_mrr = True
            elif status == "void":
                res.periods.append((ps, pe, mrr))
                res.ever_mrr = res.ever_mrr or mrr > 0
            if status == "uncollectible":
                # involuntary churn: past_due while retrying, canceled when marked uncollectible
                snap(ps + HOUR, status=status_now)
                if t_fail <= tend:
                    snap(t_fail, status="canceled", canceled_at=t_fail, ended_at=t_fail,
                         cancellation_details={"comment": None, "feedback": None, "reason": "payment_failed"})
                    res.ended_at = t_fail
                    res.seats[-1][1] = t_fail
                    res.churned = True
                break
            # ---- events inside the period
            old_enough = ps - start >= MIN_CHANGE_DAYS * DAY
            span = pe - ps
            churn_t = None
            if interval == "month" and old_enough and rng.random() < churn_hazard:
                churn_t = ps + rng.randrange(DAY, span - DAY)
            if churn_t is None and old_enough and rng.random() < 1 - (1 - upgrade_rate) ** months:
                tc = ps + rng.randrange(2 * DAY, span - 3 * DAY)
                if tc <= tend:
                    new_q = seats_now + max(1, _rnd(seats_now * rng.uniform(0.1, 0.5)))
                    if coupon_obj is not None and coupon_obj["amount_off"] is not None:
                        pass  # amount-off coupons: seat changes only at renewal (no prorations)
                    else:
                        self._proration_invoice(cust, sub_id, tc, ps, pe, p, seats_now, new_q, main_si,
                                                collection, active_discount(tc) if coupon_obj and coupon_obj["duration"] != "once" else None,
                                                months)
                        res.crm_events.append(("upgrade", tc, seats_now, new_q, p["unit_amount"] * 12 // months))
                        set_seats(tc, new_q)
                        snap(tc)
            elif (churn_t is None and interval == "month" and old_enough and seats_now >= 3
                  and rng.random() < downgrade_rate):
                tc = ps + rng.randrange(2 * DAY, span - 3 * DAY)
                if tc <= tend and not (coupon_obj is not None and coupon_obj["amount_off"] is not None):
                    new_q = max(1, seats_now - max(1, _rnd(seats_now * rng.uniform(0.1, 0.3))))
                    frac = (pe - tc) / span
                    pending = [
                        dict(kind="item", price=p, quantity=seats_now, amount=-_rnd(p["unit_amount"] * seats_now * frac),
                             ps=tc, pe=pe, proration=True, si_id=main_si,
                             description=f"Unused time on {seats_now} × {self._pname(p)} after {to_date(tc):%d %b %Y}"),
                        dict(kind="item", price=p, quantity=new_q, amount=_rnd(p["unit_amount"] * new_q * frac),
                             ps=tc, pe=pe, proration=True, si_id=main_si,
                             description=f"Remaining time on {new_q} × {self._pname(p)} after {to_date(tc):%d %b %Y}"),
                    ]
                    res.crm_events.append(("downgrade", tc, seats_now, new_q, p["unit_amount"] * 12))
                    set_seats(tc, new_q)
                    snap(tc)
            if churn_t is not None:
                if churn_t <= tend:
                    immediate = rng.random() < 0.2
                    reason = rng.choice(("too_expensive", "switched_service", "unused", "missing_features",
                                         "low_quality", "other"))
                    cd = {"comment": None, "feedback": reason, "reason": "cancellation_requested"}
                    if immediate:
                        snap(churn_t, status="canceled", canceled_at=churn_t, ended_at=churn_t,
                             cancellation_details=cd)
                        res.ended_at = churn_t
                        res.seats[-1][1] = churn_t
                    else:
                        snap(churn_t, cancel_at_period_end=True, canceled_at=churn_t, cancel_at=pe,
                             cancellation_details=cd)
                        if pe <= tend:
                            snap(pe, status="canceled", ended_at=pe)
                        res.ended_at = pe
                        res.seats[-1][1] = pe
                    res.churned = True
                break
            if interval == "year" and pe - 90 * DAY <= tend:
                renew = rng.random() < renew_prob
                decision = pe - rng.randrange(15, 60) * DAY - rng.randrange(DAY)
                new_q = seats_now
                if renew and rng.random() < 0.35:
                    new_q = max(1, _rnd(seats_now * rng.uniform(0.8, 1.4)))
                unit_y = self.price(main_key_now, pe)["unit_amount"]
                addon_y = (self.price(addon_key, pe)["unit_amount"] * items[1]["quantity"]) if addon_key else 0
                res.crm_events.append(("renewal", pe, renew, decision, new_q, unit_y * new_q + addon_y))
                if not renew:
                    if decision <= tend:
                        snap(decision, cancel_at_period_end=True, canceled_at=decision, cancel_at=pe,
                             cancellation_details={"comment": None, "feedback": "too_expensive",
                                                   "reason": "cancellation_requested"})
                        if pe <= tend:
                            snap(pe, status="canceled", ended_at=pe)
                        res.ended_at = pe
                        res.seats[-1][1] = pe
                        res.churned = True
                        break
                    # decision still in the future: the renewal opp is open, the subscription runs on
                elif new_q != seats_now and pe <= tend:
                    set_seats(pe, new_q)
            prev_ps = ps
            k += 1
        self.s_subs.add(sub_id, versions)
        return res

    def _pname(self, price) -> str:
        return self._names.get(price["product"], "Plan")

    def _proration_invoice(self, cust, sub_id, tc, ps, pe, price, q_old, q_new, si, collection, discount, months):
        """Mid-period upgrade with proration_behavior=always_invoice: an immediate invoice with a
        credit for the unused time on the old quantity and a charge for the remaining time on the
        new one, both covering [change, period end)."""
        span = pe - ps
        frac = (pe - tc) / span
        unit = price["unit_amount"]
        when = f"{to_date(tc):%d %b %Y}"
        specs = [
            dict(kind="item", price=price, quantity=q_old, amount=-_rnd(unit * q_old * frac), ps=tc, pe=pe,
                 proration=True, si_id=si, description=f"Unused time on {q_old} × {self._pname(price)} after {when}"),
            dict(kind="item", price=price, quantity=q_new, amount=_rnd(unit * q_new * frac), ps=tc, pe=pe,
                 proration=True, si_id=si, description=f"Remaining time on {q_new} × {self._pname(price)} after {when}"),
        ]
        inv, _ = self._make_invoice(cust, sub_id, tc, specs, reason="subscription_update", collection=collection,
                                    period=(tc, tc), discount=discount)
        self._settle(cust, inv, outcome="ok", safe=False)
