"""Check the sales and funnel marts against the generator's ground truth (issue 4).

Every expected figure is computed from ``<landing>/_meta/ground_truth.json`` alone, plus the
landing folder's ``finance/fx_rates`` CSVs to convert the opportunities' local-currency amounts
(the truth records ``amount`` and each quarter-start state's Amount in the opportunity's own
``currency``). Nothing here reads the warehouse except :func:`compare`, which reads the four
marts and reports every disagreement as a human-readable line.

Definitions follow docs/metrics.md sections 6-7 and docs/decisions.md 23-32:

* sales (per month M): non-deleted opportunities with ``is_closed`` and final ``close_date`` in M
  and on or before as_of; won/lost split by ``is_won``; amounts at the close_date rate.
* forecast (per quarter Q): each opportunity's state at Q's first instant
  (``quarter_start_states[Q]``; an opportunity without an entry for Q either did not exist yet or
  was already closed at an earlier quarter start, so its state cannot have a CloseDate in Q that
  matters); states whose CloseDate is in Q count: commit = open commit states + closed-won states,
  best case = commit + open best-case states, weighted = open states x Probability / 100; each
  state's Amount at the rate of its own CloseDate. actual = won amount with final CloseDate in Q.
* funnel: the truth's people as they are; cohort month of lead_at x channel counts.

Usage: ``python -m devtools.truth_check --landing DIR --warehouse FILE`` (exit 1 on mismatch).
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime as dt
import json
import sys
from collections import defaultdict
from pathlib import Path

from orchestration.salesforce_ids import sf_id18

MONEY_TOL = 0.01

FORECAST_GROUP = {"Commit": "commit", "Forecast": "commit", "Best Case": "best_case", "BestCase": "best_case",
                  "Pipeline": "pipeline", "Closed": "closed", "Omitted": "omitted"}
CLOSED_STAGES = {"Closed Won", "Closed Lost"}
WON_STAGES = {"Closed Won"}
STAGES = ("lead_at", "mql_at", "sql_at", "opportunity_at", "customer_at")
COUNT_COLS = ("leads", "mqls", "sqls", "opportunities", "customers")


# ---------------------------------------------------------------------------------------------
# inputs
# ---------------------------------------------------------------------------------------------

def load_truth(landing_dir) -> dict:
    with open(Path(landing_dir) / "_meta" / "ground_truth.json", encoding="utf-8") as fh:
        return json.load(fh)


class FxRates:
    """usd_per_unit per currency and day: latest earlier rate, before the first rate the first one."""

    def __init__(self, rows: dict[str, dict[dt.date, float]]):
        self._days: dict[str, list[dt.date]] = {}
        self._vals: dict[str, list[float]] = {}
        for cur, by_day in rows.items():
            days = sorted(by_day)
            self._days[cur] = days
            self._vals[cur] = [by_day[d] for d in days]

    @classmethod
    def from_landing(cls, landing_dir) -> "FxRates":
        rows: dict[str, dict[dt.date, float]] = defaultdict(dict)
        folder = Path(landing_dir) / "finance" / "fx_rates"
        # a later extract's row for the same day wins: read files in name order, rows in order
        for path in sorted(folder.glob("*.csv")) if folder.is_dir() else ():
            with open(path, encoding="utf-8-sig", newline="") as fh:
                for rec in csv.DictReader(fh):
                    try:
                        day = dt.date.fromisoformat((rec.get("date") or "").strip()[:10])
                        cur = (rec.get("currency") or "").strip().upper()
                        val = float((rec.get("usd_per_unit") or "").strip())
                    except ValueError:
                        continue
                    if cur and cur != "USD" and val > 0:
                        rows[cur][day] = val
        return cls(rows)

    def usd_per_unit(self, currency: str, day: dt.date) -> float | None:
        cur = (currency or "USD").upper()
        if cur == "USD":
            return 1.0
        days = self._days.get(cur)
        if not days:
            return None
        i = bisect.bisect_right(days, day) - 1
        return self._vals[cur][max(i, 0)]

    def to_usd(self, amount, currency: str, day: dt.date) -> float | None:
        if amount is None:
            return None
        rate = self.usd_per_unit(currency, day)
        return None if rate is None else float(amount) * rate


def _date(s) -> dt.date | None:
    return None if s is None else dt.date.fromisoformat(str(s)[:10])


def _month(d: dt.date) -> dt.date:
    return d.replace(day=1)


def _quarter(d: dt.date) -> dt.date:
    return dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def _months(first: dt.date, last: dt.date):
    m = _month(first)
    while m <= last:
        yield m
        m = dt.date(m.year + (m.month == 12), m.month % 12 + 1, 1)


def _ts(s) -> dt.datetime | None:
    if s is None:
        return None
    if isinstance(s, dt.datetime):
        return s.replace(tzinfo=None, microsecond=0)
    txt = str(s).replace("Z", "").replace("T", " ")
    if len(txt) == 10:
        return dt.datetime.fromisoformat(txt + " 00:00:00")
    return dt.datetime.fromisoformat(txt[:19])


def as_of_of(truth: dict) -> dt.date:
    return dt.date.fromisoformat(truth["assumptions"]["as_of_date"])


# ---------------------------------------------------------------------------------------------
# expected figures (pure functions of the truth and the fx rates)
# ---------------------------------------------------------------------------------------------

def live_opportunities(truth: dict) -> dict:
    return {oid: o for oid, o in truth["opportunities"].items() if not o.get("deleted")}


def expected_sales_monthly(truth: dict, fx: FxRates, as_of: dt.date | None = None) -> dict:
    """month -> {won_count, lost_count, won_amount, lost_amount}, every month from the first
    (non-deleted) opportunity's creation month through the as_of month."""
    as_of = as_of or as_of_of(truth)
    opps = live_opportunities(truth)
    out: dict[dt.date, dict] = {}
    if not opps:
        return out
    first = min(_ts(o["created"]).date() for o in opps.values())
    for m in _months(first, as_of):
        out[m] = {"won_count": 0, "lost_count": 0, "won_amount": 0.0, "lost_amount": 0.0}
    for oid, o in opps.items():
        cd = _date(o.get("close_date"))
        if not o.get("is_closed") or cd is None or cd > as_of:
            continue
        row = out.setdefault(_month(cd), {"won_count": 0, "lost_count": 0, "won_amount": 0.0, "lost_amount": 0.0})
        kind = "won" if o.get("is_won") else "lost"
        row[f"{kind}_count"] += 1
        usd = fx.to_usd(o.get("amount"), o.get("currency"), cd)
        if usd is None:
            row.setdefault("_missing_fx", []).append(oid)
        else:
            row[f"{kind}_amount"] += usd
    return out


def state_flags(state) -> tuple[str, bool, bool]:
    """(forecast group, is_closed, is_won) of a quarter-start state [FC, Stage, Amount, CloseDate, Prob]."""
    fc, stage = state[0], state[1]
    group = FORECAST_GROUP.get(fc, "pipeline")
    closed = stage in CLOSED_STAGES or group in ("closed", "omitted")
    won = closed and stage in WON_STAGES
    return group, closed, won


def expected_forecast_quarterly(truth: dict, fx: FxRates, as_of: dt.date | None = None) -> dict:
    """quarter -> {commit_forecast, best_case_forecast, weighted_forecast, actual, won_count}."""
    as_of = as_of or as_of_of(truth)
    opps = live_opportunities(truth)
    out: dict[dt.date, dict] = {}
    if not opps:
        return out
    first = min(_ts(o["created"]).date() for o in opps.values())
    for m in _months(_quarter(first), as_of):
        if m.month in (1, 4, 7, 10):
            out[m] = {"commit_forecast": 0.0, "best_case_forecast": 0.0, "weighted_forecast": 0.0,
                      "actual": 0.0, "won_count": 0}

    def row(q):
        return out.setdefault(q, {"commit_forecast": 0.0, "best_case_forecast": 0.0, "weighted_forecast": 0.0,
                                  "actual": 0.0, "won_count": 0})

    for oid, o in opps.items():
        for qs, state in (o.get("quarter_start_states") or {}).items():
            q = dt.date.fromisoformat(qs)
            if q > as_of:
                continue
            amount, close = state[2], _date(state[3])
            if close is None or _quarter(close) != q:
                continue
            group, closed, won = state_flags(state)
            usd = fx.to_usd(amount, o.get("currency"), close)
            if usd is None:
                continue
            r = row(q)
            if (not closed and group == "commit") or won:
                r["commit_forecast"] += usd
            if (not closed and group in ("commit", "best_case")) or won:
                r["best_case_forecast"] += usd
            if not closed:
                r["weighted_forecast"] += usd * float(state[4] or 0) / 100
        cd = _date(o.get("close_date"))
        if o.get("is_closed") and o.get("is_won") and cd is not None and cd <= as_of:
            r = row(_quarter(cd))
            r["won_count"] += 1
            usd = fx.to_usd(o.get("amount"), o.get("currency"), cd)
            if usd is not None:
                r["actual"] += usd
    return out


def person_id_of(key: str) -> str:
    """The mart's person_id for a truth people key: 'id:<record id>' (a record without a valid
    email) -> the 18-character record id; an email key is the person_id itself."""
    if key.startswith("id:"):
        return sf_id18(key[3:])
    return key


def expected_people(truth: dict) -> dict:
    """person_id -> {key, lead_at, mql_at, sql_at, opportunity_at, customer_at (datetimes), channel}.
    A person_id shared by several truth keys keeps the first and lists the others in ``collides``."""
    out = {}
    for key, p in truth["people"].items():
        rec = {s: _ts(p.get(s)) for s in STAGES}
        rec["channel"] = p.get("channel") or "unknown"
        rec["key"] = key
        pid = person_id_of(key)
        if pid in out:
            out[pid].setdefault("collides", []).append(key)
        else:
            out[pid] = rec
    return out


def expected_funnel_monthly(truth: dict) -> dict:
    """(cohort_month, channel) -> {leads, mqls, sqls, opportunities, customers}, over every truth person."""
    out: dict[tuple, dict] = {}
    for p in truth["people"].values():
        lead_at = _ts(p.get("lead_at"))
        if lead_at is None:
            continue
        k = (_month(lead_at.date()), p.get("channel") or "unknown")
        r = out.setdefault(k, dict.fromkeys(COUNT_COLS, 0))
        for col, stage in zip(COUNT_COLS, STAGES):
            if p.get(stage) is not None:
                r[col] += 1
    return out


# ---------------------------------------------------------------------------------------------
# comparison with the warehouse
# ---------------------------------------------------------------------------------------------

def _money_diff(a, b) -> bool:
    if a is None or b is None:
        return (a is None) != (b is None)
    return abs(float(a) - float(b)) > MONEY_TOL


def _fetch(con, sql):
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _to_date(v) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v)[:10])


def compare(warehouse_path, landing_dir, as_of: str | dt.date | None = None, limit_per_check: int = 50) -> list[str]:
    """Human-readable mismatches between the marts and the ground truth (empty list = agree)."""
    import duckdb

    truth = load_truth(landing_dir)
    fx = FxRates.from_landing(landing_dir)
    as_of_d = _date(as_of) if as_of else as_of_of(truth)
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        sales = _fetch(con, "select month, won_count, lost_count, won_amount, lost_amount "
                            "from marts.sales_kpis_monthly order by month")
        fcst = _fetch(con, "select quarter, commit_forecast, best_case_forecast, weighted_forecast, actual "
                           "from marts.forecast_accuracy_quarterly order by quarter")
        people = _fetch(con, "select person_id, channel, lead_at, mql_at, sql_at, opportunity_at, customer_at "
                             "from marts.funnel_people")
        funnel = _fetch(con, "select cohort_month, channel, leads, mqls, sqls, opportunities, customers "
                             "from marts.funnel_conversion_monthly")
    finally:
        con.close()

    problems: list[str] = []

    def section(name: str, items: list[str]):
        if len(items) > limit_per_check:
            extra = len(items) - limit_per_check
            items = items[:limit_per_check] + [f"{name}: ... and {extra} more"]
        problems.extend(items)

    # ---- sales_kpis_monthly -----------------------------------------------------------------
    exp = expected_sales_monthly(truth, fx, as_of_d)
    got = {_to_date(r["month"]): r for r in sales}
    items = []
    for m in sorted(set(exp) | set(got)):
        e, g = exp.get(m), got.get(m)
        if e is None:
            items.append(f"sales_kpis_monthly {m}: row in mart but not expected from truth")
            continue
        if g is None:
            items.append(f"sales_kpis_monthly {m}: expected row missing (truth {e})")
            continue
        for c in ("won_count", "lost_count"):
            if int(g[c] or 0) != e[c]:
                items.append(f"sales_kpis_monthly {m} {c}: mart {g[c]} != truth {e[c]}")
        for c in ("won_amount", "lost_amount"):
            gv = float(g[c]) if g[c] is not None else 0.0
            if _money_diff(gv, e[c]):
                items.append(f"sales_kpis_monthly {m} {c}: mart {gv:.4f} != truth {e[c]:.4f} (diff {gv - e[c]:+.4f})")
        if e.get("_missing_fx"):
            items.append(f"sales_kpis_monthly {m}: no fx rate in landing for {e['_missing_fx']}")
    section("sales_kpis_monthly", items)

    # ---- forecast_accuracy_quarterly ----------------------------------------------------------
    exp = expected_forecast_quarterly(truth, fx, as_of_d)
    got = {_to_date(r["quarter"]): r for r in fcst}
    items = []
    for q in sorted(set(exp) | set(got)):
        e, g = exp.get(q), got.get(q)
        if e is None:
            items.append(f"forecast_accuracy_quarterly {q}: row in mart but not expected from truth")
            continue
        if g is None:
            items.append(f"forecast_accuracy_quarterly {q}: expected row missing (truth {e})")
            continue
        for c in ("commit_forecast", "best_case_forecast", "weighted_forecast", "actual"):
            gv = float(g[c]) if g[c] is not None else 0.0
            if _money_diff(gv, e[c]):
                items.append(f"forecast_accuracy_quarterly {q} {c}: mart {gv:.4f} != truth {e[c]:.4f} "
                             f"(diff {gv - e[c]:+.4f})")
    section("forecast_accuracy_quarterly", items)

    # ---- funnel_people ----------------------------------------------------------------------
    exp_people = expected_people(truth)
    got_people = {str(r["person_id"]): r for r in people}
    items = []
    missing = sorted(set(exp_people) - set(got_people))
    extra = sorted(set(got_people) - set(exp_people))
    for pid in missing:
        items.append(f"funnel_people {pid}: person in truth but not in mart")
    for pid in extra:
        items.append(f"funnel_people {pid}: person in mart but not in truth")
    for pid, e in sorted(exp_people.items()):
        if e.get("collides"):
            items.append(f"funnel_people {pid}: truth has separate people {[e['key']] + e['collides']} "
                         f"that map to one person_id")
    for pid in sorted(set(exp_people) & set(got_people)):
        e, g = exp_people[pid], got_people[pid]
        if g["channel"] != e["channel"]:
            items.append(f"funnel_people {pid} channel: mart {g['channel']!r} != truth {e['channel']!r}")
        for s in STAGES:
            ev, gv = e[s], _ts(g[s])
            if s == "customer_at":
                ev = ev.date() if ev else None
                gv = gv.date() if gv else None
            if ev != gv:
                items.append(f"funnel_people {pid} {s}: mart {gv} != truth {ev}")
    section("funnel_people", items)

    # ---- funnel_conversion_monthly --------------------------------------------------------------
    exp_f = expected_funnel_monthly(truth)
    got_f = {(_to_date(r["cohort_month"]), r["channel"]): r for r in funnel}
    items = []
    for k in sorted(set(exp_f) | set(got_f)):
        e, g = exp_f.get(k), got_f.get(k)
        if e is None:
            if any(int(g[c] or 0) for c in COUNT_COLS):
                items.append(f"funnel_conversion_monthly {k[0]} {k[1]}: row in mart but no such people in truth")
            continue
        if g is None:
            items.append(f"funnel_conversion_monthly {k[0]} {k[1]}: expected row missing (truth {e})")
            continue
        for c in COUNT_COLS:
            if int(g[c] or 0) != e[c]:
                items.append(f"funnel_conversion_monthly {k[0]} {k[1]} {c}: mart {g[c]} != truth {e[c]}")
    section("funnel_conversion_monthly", items)
    return problems


def summary(warehouse_path, landing_dir) -> dict:
    truth = load_truth(landing_dir)
    fx = FxRates.from_landing(landing_dir)
    return {"opportunities": len(live_opportunities(truth)), "people": len(truth["people"]),
            "months": len(expected_sales_monthly(truth, fx)), "quarters": len(expected_forecast_quarterly(truth, fx)),
            "funnel_cells": len(expected_funnel_monthly(truth))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m devtools.truth_check", description=__doc__.splitlines()[0])
    ap.add_argument("--landing", required=True, help="landing folder written by `revops generate`")
    ap.add_argument("--warehouse", required=True, help="DuckDB file built by `revops build` from it")
    ap.add_argument("--as-of", default=None, help="defaults to the truth's assumptions.as_of_date")
    ap.add_argument("--limit", type=int, default=50, help="mismatch lines shown per mart (default 50)")
    args = ap.parse_args(argv)
    s = summary(args.warehouse, args.landing)
    problems = compare(args.warehouse, args.landing, as_of=args.as_of, limit_per_check=args.limit)
    print(f"truth: {s['opportunities']} live opportunities, {s['people']} people; checked {s['months']} months, "
          f"{s['quarters']} quarters, {s['funnel_cells']} cohort x channel cells")
    if problems:
        print(f"MISMATCH: {len(problems)} line(s)")
        for p in problems:
            print("  " + p)
        return 1
    print("OK: sales_kpis_monthly, forecast_accuracy_quarterly, funnel_people and funnel_conversion_monthly "
          "agree with the ground truth")
    return 0


if __name__ == "__main__":
    sys.exit(main())
