"""Assemble ``_meta/ground_truth.json`` from what the simulators recorded."""

from __future__ import annotations

from . import vocab as V
from .util import normalise_email, valid_syntax

SCHEMA_VERSION = 1


def _iso(clock, t):
    return None if t is None else clock.sf(t)[:19] + "Z"


def classify(email: str) -> tuple[str, list[str], str | None]:
    """(status, reasons, suggested domain) with the generator's own lists (vocab.py)."""
    e = email.strip().lower()
    if not valid_syntax(e):
        return "invalid", ["syntax"], None
    local, domain = normalise_email(e).split("@")
    if domain in V.DISPOSABLE:
        return "invalid", ["disposable_domain"], None
    if domain in V.TYPO_DOMAINS:
        return "risky", ["typo_domain"], V.TYPO_DOMAINS[domain]
    if local in V.ROLE_LOCAL:
        return "risky", ["role_account"], None
    return "valid", [], None


class Members:
    """A JSON object that is written member by member (core.write_json) and never held whole:
    ``items()`` yields its (key, value) pairs. People and opportunities are most of the ground
    truth (about 150 MB of text at 100,000 accounts)."""

    def __init__(self, items):
        self.items = items


def build(ctx, crm, billing, marketing) -> dict:
    clock = ctx.clock
    tend = clock.tend
    info = crm.record_info
    opps = crm.opps

    # ---- people (funnel stage timestamps per normalised email) -----------------------------
    groups: dict[str, list[dict]] = {}
    for pr in crm.people_recs:
        if info.get(pr["id"], {}).get("deleted") or pr["created"] > tend:
            continue
        groups.setdefault(pr["key"], []).append(pr)

    def people():
        for key in sorted(groups):
            yield key, _person(key, groups[key])

    def _person(key, recs):
        recs = sorted(recs, key=lambda r: (r["created"], r["id"]))
        lead_at = recs[0]["created"]
        mqls = [r["mql"] for r in recs if r["mql"] is not None and r["mql"] <= tend]
        sqls = [r["sql"] for r in recs if r["sql"] is not None and r["sql"] <= tend]
        linked = set()
        for r in recs:
            if r["conv_opp"]:
                linked.add(r["conv_opp"])
            for oid in crm.ocr_by_contact.get(r["id"], ()):
                linked.add(oid)
        linked_opps = [opps[o] for o in sorted(linked) if o in opps and not opps[o]["deleted"]]
        opp_at = min((o["_t0"] for o in linked_opps), default=None)
        won_nb = [o for o in linked_opps if o["type"] == "New Business" and o["is_won"]]
        customer_at = min((o["close_date"] for o in won_nb), default=None)
        mql_at = min(mqls, default=None)
        sql_at = min(sqls, default=None)
        if sql_at is None and opp_at is not None:
            sql_at = opp_at
        if mql_at is None and sql_at is not None:
            mql_at = sql_at
        channel = "unknown"
        tm = marketing.touch_min.get(key) if not key.startswith("id:") else None
        if tm is not None and tm[0] <= lead_at:
            channel = tm[2]
        else:
            for r in recs:
                if r["lead_source"]:
                    channel = V.LEAD_SOURCE_CHANNEL[r["lead_source"]]
                    break
        return {"records": [r["id"] for r in recs], "lead_at": _iso(clock, lead_at),
                "mql_at": _iso(clock, mql_at), "sql_at": _iso(clock, sql_at),
                "opportunity_at": _iso(clock, opp_at), "customer_at": customer_at, "channel": channel}

    # ---- duplicate clusters -------------------------------------------------------------------
    clusters = []
    obj_of = {}
    for norm, lst in crm.by_norm.items():
        for obj, rid in lst:
            obj_of[rid] = obj
    for i, cl in enumerate(crm.dup_clusters):
        ids = []
        for norm in cl["norms"]:
            for obj, rid in crm.by_norm.get(norm, ()):
                if rid not in ids:
                    ids.append(rid)
        for rid in cl["ids"]:
            if rid not in ids:
                ids.append(rid)
        live = [r for r in ids if not info.get(r, {}).get("deleted") and r in info and "lastmod" in info[r]]
        if len(live) < 2:
            continue
        injected = [r for r in cl["ids"] if r in live]
        if len(injected) < 2:
            continue

        def rank(r):
            return (0 if obj_of.get(r) == "Contact" else 1, -info[r]["lastmod"], r)
        survivor = sorted(live, key=rank)[0]
        clusters.append({"cluster": f"dup-{len(clusters) + 1:05d}", "match_rule": cl["match_rule"],
                         "kind": cl["kind"],
                         "records": [{"id": r, "object": obj_of.get(r, "Lead"),
                                      "converted_lead": bool(info[r].get("converted")),
                                      "injected": r in cl["ids"]} for r in live],
                         "survivor": survivor})

    # ---- emails -----------------------------------------------------------------------------
    emails: dict[str, dict] = {}

    def note(raw, obj, rid, deleted):
        status, reasons, sugg = classify(raw)
        if status == "valid":
            return
        key = normalise_email(raw) if valid_syntax(raw) else raw.strip().lower()
        e = emails.setdefault(key, {"status": status, "reasons": reasons, "suggestion": sugg, "records": []})
        e["records"].append({"object": obj, "id": rid, "deleted": deleted})

    for raw, obj, rid in crm.email_records:
        if info.get(rid, {}).get("lastmod") is None:
            continue
        note(raw, obj, rid, bool(info[rid].get("deleted")))
    for cid, cust in billing_customers(crm, billing).items():
        if cust.get("_email"):
            note(cust["_email"], "customer", cid, cust["deleted"])
    emails = {k: emails[k] for k in sorted(emails)}

    # ---- billing customers --------------------------------------------------------------------
    customers = {}
    for cid, cust in billing_customers(crm, billing).items():
        customers[cid] = {k: v for k, v in cust.items() if not k.startswith("_")}
    unlinked = [{"customer_id": cid, "reason": "self_serve" if c.get("self_serve") else "crm_link_missing",
                 "ever_mrr": c["ever_mrr"], "deleted": c["deleted"],
                 "intended_crm_account_id": c["intended_crm_account_id"]}
                for cid, c in customers.items() if c["link"] == "none"]

    # ---- opportunities ------------------------------------------------------------------------
    def opp_out():
        for oid in sorted(opps):
            yield oid, {k: v for k, v in opps[oid].items() if not k.startswith("_")}

    return {
        "schema_version": SCHEMA_VERSION,
        "generator": {"accounts": ctx.n_accounts, "seed": ctx.seed, "start_date": clock.start.isoformat(),
                      "end_date": clock.end.isoformat(),
                      **({"vocabulary": ctx.vocabulary} if ctx.vocabulary != "full" else {})},
        "assumptions": {
            "as_of_date": clock.end.isoformat(), "reporting_currency": "USD", "billing_grace_days": 30,
            "contract_tolerance": 0.02,
            "events_until": _iso(clock, tend),
            "quarter_start_state": "[ForecastCategory (API), StageName, Amount, CloseDate, Probability] of the latest "
                                   "OpportunityHistory row at or before the quarter's first instant; listed from the "
                                   "first quarter start after creation until the first one at which it is closed",
            "people_key": "normalised email; 'id:<record id>' for a record without a syntactically valid email",
            "duplicate_clusters": "injected duplicates; 'records' also lists converted leads sharing the email "
                                  "(converted_lead=true) so a consumer can decide whether those count",
        },
        "counts": dict(ctx.summary),
        "vocab": {
            "touch_channel_text": {t: ch for ch, texts in V.CHANNEL_TEXT.items() for t in texts},
            "ad_platform_channel": {"google_ads": "paid_search", "bing_ads": "paid_search",
                                    "linkedin_ads": "paid_social", "meta_ads": "paid_social"},
            "lead_source_channel": dict(V.LEAD_SOURCE_CHANNEL),
            "lead_status_stage": dict(V.LEAD_STATUS_STAGE),
            "disposable_domains": list(V.DISPOSABLE), "typo_domains": dict(V.TYPO_DOMAINS),
            "role_local_parts": list(V.ROLE_LOCAL), "free_mail_domains": list(V.FREE_MAIL),
        },
        "dirt": {
            "duplicate_clusters": clusters,
            "emails": emails,
            "won_not_billed": sorted(crm.won_not_billed, key=lambda x: x["opportunity_id"]),
            "billed_below_contract": sorted(crm.billed_below, key=lambda x: x["opportunity_id"]),
            "unlinked_billing_customers": unlinked,
            "deleted": {k: sorted(v) for k, v in crm.deleted.items()},
            "forecast": {k: sorted(v) for k, v in crm.fc_flags.items()},
            "unpaid_invoices": billing.unpaid_invoices,
        },
        "opportunities": Members(opp_out),
        "people": Members(people),
        "billing_customers": customers,
    }


def billing_customers(crm, billing) -> dict:
    out = {}
    for cid in sorted(crm.customers):
        out[cid] = crm.customers[cid]
    return out

