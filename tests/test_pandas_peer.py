"""The pandas peer of `make bench` (bench/pandas_mrr.py) computes the warehouse's monthly MRR.

The peer is the yardstick the warehouse's speed is measured against, so the comparison only
means something if both compute the same numbers: the hand-worked billing scenario's totals
(tests/test_billing_scenario.py, no build needed) and, every month to the cent,
marts.revenue_kpis_monthly.mrr of the session's generated warehouse.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb

TESTS = Path(__file__).resolve().parent
PEER_PATH = TESTS.parent / "bench" / "pandas_mrr.py"

# bench/ is a folder of scripts, not a package: load the peer from its file
_spec = importlib.util.spec_from_file_location("pandas_mrr", PEER_PATH)
peer = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(peer)

if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))
from test_billing_scenario import AS_OF, EXPECTED_KPIS, LANDING  # noqa: E402 (the hand-worked figures)

CENT = Decimal("0.01")


def test_peer_matches_the_hand_worked_billing_scenario():
    got = peer.monthly_mrr(LANDING, dt.date.fromisoformat(AS_OF))
    expected = {k["month"]: Decimal(k["mrr"].numerator) / Decimal(k["mrr"].denominator) for k in EXPECTED_KPIS}
    assert list(got["month"]) == list(expected), "the peer's months differ from the hand-worked ones"
    problems = [f"{m}: peer {v}, hand-worked {expected[m]}" for m, v in zip(got["month"], got["mrr"])
                if v != expected[m].quantize(CENT, ROUND_HALF_UP)]
    assert not problems, "\n".join(problems)


def test_peer_matches_the_generated_warehouse_to_the_cent(generated_landing, generated_warehouse):
    got = peer.monthly_mrr(generated_landing, dt.date(2025, 6, 30))
    con = duckdb.connect(str(generated_warehouse), read_only=True)
    try:
        rows = con.execute("select month, mrr from marts.revenue_kpis_monthly order by month").fetchall()
    finally:
        con.close()
    warehouse = {m: v.quantize(CENT, ROUND_HALF_UP) for m, v in rows}
    assert len(warehouse) > 12
    assert list(got["month"]) == list(warehouse), "the peer's months differ from revenue_kpis_monthly's"
    problems = [f"{m}: peer {v}, warehouse {warehouse[m]}" for m, v in zip(got["month"], got["mrr"])
                if v != warehouse[m]]
    assert not problems, "\n".join(problems)
