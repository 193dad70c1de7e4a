"""Check the leakage, affinity, upsell and forecast marts against the generator's ground truth.

Expected leakage findings come from ``<landing>/_meta/ground_truth.json`` (the leakage the
generator planted and the state of every unpaid invoice), with metrics.md section 9's thresholds
applied here (default dbt vars); billing_without_crm needs a customer's MRR on as_of_date, which
the truth does not hold, so it is read independently from the landing invoices (latest version
per invoice, recurring licensed lines of paid/open invoices covering as_of_date, net of discounts).

Reported: leakage precision and recall per type (target 1.0) and review_status agreement with the
planted steward decisions; the planted product pairs and their lift; the upsell ranking guarantee;
the forecast backtest's MAPE and 95% coverage at horizons 1, 3 and 12 (and over all horizons); the
planted best send slot per segment of ``marts.email_send_time`` (truth key ``send_time``).

Usage: ``python -m devtools.truth_check_gtm --landing DIR --warehouse FILE`` (exit 1 when
leakage precision or recall is below 1, a planted pair has lift <= 1, the upsell guarantee fails,
the backtest's overall 95% coverage is below 0.85 or a segment's best send slot is not the planted one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import duckdb

GRACE_DAYS, DUNNING_DAYS = 30, 30


def expected_leakage(truth: dict, landing: Path) -> dict[tuple[str, str], str]:
    """(leakage_type, reference_id) -> expected review_status."""
    as_of = dt.date.fromisoformat(truth["assumptions"]["as_of_date"])
    dirt = truth["dirt"]
    found: set[tuple[str, str]] = set()
    for f in dirt["won_not_billed"]:
        if f["judged"]:
            found.add(("won_not_billed", f["opportunity_id"]))
    for e in dirt.get("leakage_edges", []):
        if e["days_after_close"] > GRACE_DAYS:  # billed from day 31: just outside the window
            found.add(("won_not_billed", e["opportunity_id"]))
    for f in dirt["billed_below_contract"]:
        if f["judged"]:
            found.add(("billed_below_contract", f["opportunity_id"]))
    for inv in dirt["unpaid_invoices"]:
        if inv["status"] == "uncollectible":
            found.add(("unpaid_invoice", inv["id"]))
        elif inv["due_date"] is not None:
            due = dt.datetime.fromtimestamp(inv["due_date"], dt.timezone.utc).date()
            if (as_of - due).days > DUNNING_DAYS:
                found.add(("unpaid_invoice", inv["id"]))
    unlinked = {c["customer_id"] for c in dirt["unlinked_billing_customers"]}
    # a metadata link the generator adds later than end_date is not there yet on as_of_date
    late = {cid for cid, c in truth["billing_customers"].items() if c.get("metadata_added_later")}
    pending = not_yet_linked(landing, late)
    unlinked |= pending
    # ...and the won deal billed through such a customer is not billed to its account yet either
    for oid, o in truth["opportunities"].items():
        cust = (o.get("billing") or {}).get("customer")
        if cust in pending and o["type"] == "New Business" and o["is_won"] and not o["deleted"]:
            close = dt.date.fromisoformat(o["close_date"])
            if (close + dt.timedelta(days=GRACE_DAYS)) < as_of:
                found.discard(("billed_below_contract", oid))
                found.add(("won_not_billed", oid))
    for cid in paying_on(landing, as_of, unlinked):
        found.add(("billing_without_crm", cid))
    reviews = {(r["leakage_type"], r["reference_id"]): r["review_status"] for r in dirt.get("leakage_reviews", [])}
    return {k: reviews.get(k, "open") for k in found}


def not_yet_linked(landing: Path, customers: set[str]) -> set[str]:
    """Customers among ``customers`` whose latest landing version has no crm_account_id and whose
    email domain is the Website domain of no single CRM Account (landing.md's identity rules)."""
    if not customers:
        return set()
    con = duckdb.connect()
    try:
        cust_files = sorted(str(p) for p in (landing / "billing" / "customers").glob("*.jsonl*"))
        acc_files = sorted(str(p) for p in (landing / "crm" / "Account").glob("*.csv*"))
        rows = con.execute(
            """
            with raw as (
                select j, filename as f, row_number() over () as n
                from read_json_objects(?, filename = true) as t(j, filename)
            ),
            latest as (
                select json_extract_string(j, '$.id') as id, j from raw
                qualify row_number() over (partition by json_extract_string(j, '$.id') order by f desc, n desc) = 1
            ),
            accounts as (
                select Id, Website from read_csv(?, all_varchar = true, filename = true, union_by_name = true)
                qualify row_number() over (partition by Id order by filename desc) = 1
            ),
            domains as (
                select regexp_replace(regexp_replace(lower(trim(Website)), '^([a-z]+://)?(www\.)?', ''), '[/:?#].*$', '') as d,
                       count(*) as n
                from accounts where nullif(trim(Website), '') is not null group by 1
            )
            select l.id
            from latest as l
            left join domains on domains.d = lower(split_part(json_extract_string(l.j, '$.email'), '@', 2))
            where nullif(json_extract_string(l.j, '$.metadata.crm_account_id'), '') is null
              and coalesce(domains.n, 0) <> 1
            """,
            [cust_files, acc_files],
        ).fetchall()
    finally:
        con.close()
    return {r[0] for r in rows if r[0] in customers}


def paying_on(landing: Path, as_of: dt.date, customers: set[str]) -> set[str]:
    """Customers among ``customers`` with recurring licensed MRR > 0 on as_of (landing invoices)."""
    if not customers:
        return set()
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        files = sorted(str(p) for p in (landing / "billing" / "invoices").glob("*.jsonl*"))
        day = int(dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=dt.timezone.utc).timestamp())
        rows = con.execute(
            """
            with raw as (
                select j, filename as f, row_number() over () as n
                from read_json_objects(?, filename = true) as t(j, filename)
            ),
            latest as (
                select j from raw
                qualify row_number() over (partition by json_extract_string(j, '$.id') order by f desc, n desc) = 1
            ),
            lines as (
                select json_extract_string(j, '$.customer') as customer, unnest(cast(json_extract(j, '$.lines.data') as json[])) as l
                from latest where json_extract_string(j, '$.status') in ('paid', 'open')
            )
            select customer, sum(cast(json_extract_string(l, '$.amount') as double)
                                 - coalesce((select sum(cast(json_extract_string(d, '$.amount') as double))
                                             from unnest(cast(json_extract(l, '$.discount_amounts') as json[])) as u(d)), 0)) as net
            from lines
            where json_extract(l, '$.price.recurring') is not null
              and json_type(l, '$.price.recurring') <> 'NULL'
              and coalesce(json_extract_string(l, '$.price.recurring.usage_type'), 'licensed') = 'licensed'
              and cast(json_extract_string(l, '$.period.start') as bigint) // 86400 <= ? // 86400
              and cast(json_extract_string(l, '$.period.end') as bigint) // 86400 > ? // 86400
            group by customer
            """,
            [files, day, day],
        ).fetchall()
    finally:
        con.close()
    return {c for c, net in rows if c in customers and net is not None and net > 0}


def check(landing: Path, warehouse: Path) -> tuple[list[str], bool]:
    truth = json.loads((landing / "_meta" / "ground_truth.json").read_text(encoding="utf-8"))
    lines: list[str] = []
    ok = True
    expected = expected_leakage(truth, landing)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        got = {(t, r): s for t, r, s in con.execute(
            "select leakage_type, reference_id, review_status from marts.revenue_leakage").fetchall()}
        lines.append("revenue leakage (precision / recall per type):")
        for kind in ("won_not_billed", "billed_below_contract", "unpaid_invoice", "billing_without_crm"):
            e = {k for k in expected if k[0] == kind}
            g = {k for k in got if k[0] == kind}
            tp = len(e & g)
            precision = tp / len(g) if g else 1.0
            recall = tp / len(e) if e else 1.0
            ok &= precision == 1.0 and recall == 1.0
            lines.append(f"  {kind:22s} expected {len(e):5d} found {len(g):5d} precision {precision:.3f} recall {recall:.3f}")
            for k in sorted(e - g)[:5]:
                lines.append(f"    missed {k[1]}")
            for k in sorted(g - e)[:5]:
                lines.append(f"    unexpected {k[1]}")
        both = set(expected) & set(got)
        agree = sum(1 for k in both if expected[k] == got[k])
        reviewed = sum(1 for k in both if expected[k] != "open")
        ok &= agree == len(both)
        edges = truth["dirt"].get("leakage_edges", [])
        inside = [e for e in edges if e["days_after_close"] == GRACE_DAYS]
        outside = [e for e in edges if e["days_after_close"] > GRACE_DAYS]
        wrongly = sum(1 for e in inside if ("won_not_billed", e["opportunity_id"]) in got)
        caught = sum(1 for e in outside if ("won_not_billed", e["opportunity_id"]) in got)
        ok &= wrongly == 0 and caught == len(outside)
        lines.append(f"  grace edges: billed on day 30 {len(inside)} (flagged won_not_billed: {wrongly}), "
                     f"day 31 {len(outside)} (flagged: {caught})")
        lines.append(f"  review_status agrees on {agree} / {len(both)} findings ({reviewed} with a steward decision)")

        lines.append("planted product pairs (metrics.md 11, lift over accounts' active items):")
        for p in truth.get("product_affinity", {}).get("planted_pairs", []):
            for a, b, label in ((p["product_a"], p["product_b"], f"{p['tier']} -> {p['addon']}"),
                                (p["product_b"], p["product_a"], f"{p['addon']} -> {p['tier']}")):
                row = con.execute("select lift, accounts_with_both, confidence from marts.product_affinity "
                                  "where product_a = ? and product_b = ?", [a, b]).fetchone()
                good = row is not None and row[0] > 1
                ok &= good
                lines.append(f"  {label:36s} " + (f"lift {row[0]:.3f} with both {row[1]} confidence {row[2]:.3f}"
                                                  if row else "not found") + ("" if good else "  <-- FAIL"))
        recs = con.execute("select count(*), count(distinct account_id) from marts.product_recommendations").fetchone()
        lines.append(f"  product_recommendations: {recs[0]} rows for {recs[1]} accounts")

        bad = con.execute("""select count(*) from marts.upsell_candidates as hot
                             join marts.upsell_candidates as cold on cold.seat_utilisation < 0.5 and cold.rank < hot.rank
                             where hot.seat_utilisation >= 0.9 and hot.usage_growth > 0""").fetchone()[0]
        n_up, n_hot = con.execute("select count(*), sum(is_hot) from marts.upsell_candidates").fetchone()
        ok &= bad == 0
        lines.append(f"upsell: {n_up} candidates, {n_hot} hot (utilisation >= 0.9 and growing); ranking guarantee "
                     + ("holds" if bad == 0 else f"VIOLATED by {bad} pairs"))

        st_lines, st_ok = send_time_check(con, truth.get("send_time") or {})
        lines.extend(st_lines)
        ok &= st_ok

        acc = {h: (n, m, c) for h, n, m, c in con.execute(
            "select horizon, backtests, mape, coverage_95 from marts.mrr_forecast_accuracy").fetchall()}
        overall = con.execute("select avg(case when actual_mrr between lower_95 and upper_95 then 1.0 else 0 end), "
                              "avg(case when actual_mrr between lower_80 and upper_80 then 1.0 else 0 end), count(*) "
                              "from marts.mrr_forecast_backtest").fetchone()
        method = con.execute("select min(method) from marts.mrr_forecast").fetchone()[0]
        lines.append(f"forecast backtest ({method}):")
        for h in (1, 3, 12):
            if h in acc:
                n, m, c = acc[h]
                lines.append(f"  horizon {h:2d}: {n:3d} backtests, MAPE {m:.4f}, 95% coverage {c:.3f}")
        if overall[2]:
            ok &= overall[0] >= 0.85
            lines.append(f"  all horizons: {overall[2]} forecasts, 95% coverage {overall[0]:.3f}, 80% coverage {overall[1]:.3f}")
    finally:
        con.close()
    return lines, ok


DAYS = ("", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def send_time_check(con, planted: dict) -> tuple[list[str], bool]:
    """One line per planted segment: the mart's is_best_slot row against the planted slot."""
    slots = planted.get("slots", {})
    ok = True
    lines = [f"planted best send slots (metrics.md 11, {len(slots)} segments, min_messages "
             f"{planted.get('min_messages', 30)}):"]
    best = {seg: (wd, h, n, cr, orate) for seg, wd, h, n, cr, orate in con.execute(
        "select segment, weekday, local_hour, messages, click_rate, open_rate from marts.email_send_time "
        "where is_best_slot").fetchall()}
    for seg in sorted(slots, key=lambda s: (s == "all", s == "unknown", s)):
        want = (slots[seg]["weekday"], slots[seg]["local_hour"])
        got = best.get(seg)
        good = got is not None and got[:2] == want
        ok &= good
        found = (f"found {DAYS[got[0]]} {got[1]:02d}h messages {got[2]:5d} click_rate {got[3]:.3f}"
                 if got else "found no best slot")
        lines.append(f"  send slot {seg:20s} planted {DAYS[want[0]]} {want[1]:02d}h {found}"
                     + ("" if good else "  <-- FAIL"))
    if planted.get("not_planted"):
        lines.append(f"  not planted (too few eligible recipients): {', '.join(sorted(planted['not_planted']))}")
    if not slots:
        lines.append("  none planted in this landing's ground truth")
    return lines, ok


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--landing", required=True, type=Path)
    ap.add_argument("--warehouse", required=True, type=Path)
    args = ap.parse_args(argv)
    lines, ok = check(args.landing, args.warehouse)
    print("\n".join(lines))
    print("OK" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
