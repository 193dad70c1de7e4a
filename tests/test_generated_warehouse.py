"""Properties of a warehouse built from generated sample data (metrics.md sections 2-5)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import defaultdict
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from conftest import copy_of_warehouse, query, run_cli

MONTHLY_EVAL_AS_OF = dt.date(2025, 6, 30)


def test_movement_identity_holds_on_every_row(generated_warehouse):
    bad = query(
        generated_warehouse,
        """select account_id, month, mrr, prior_mrr, new_mrr, expansion_mrr, reactivation_mrr,
                  contraction_mrr, churned_mrr, fx_mrr
           from marts.mrr_by_account_month
           where mrr <> prior_mrr + new_mrr + expansion_mrr + reactivation_mrr
                        - contraction_mrr - churned_mrr + fx_mrr""",
    )
    assert bad == []
    n = query(generated_warehouse, "select count(*), count(distinct movement_type) from marts.mrr_by_account_month")[0]
    assert n[0] > 1000 and n[1] >= 5, n  # the sample data exercises the movement types


def test_movement_magnitudes_are_non_negative_and_typed(generated_warehouse):
    rows = query(
        generated_warehouse,
        """select movement_type, count(*) from marts.mrr_by_account_month
           where least(new_mrr, expansion_mrr, contraction_mrr, churned_mrr, reactivation_mrr, mrr) < 0
           group by 1""",
    )
    assert rows == []
    types = {r[0] for r in query(generated_warehouse, "select distinct movement_type from marts.mrr_by_account_month")}
    assert types <= {"new", "expansion", "contraction", "churn", "reactivation", "flat", "inactive"}
    assert {"new", "churn", "expansion", "contraction"} <= types


def _interval_start(end: dt.datetime, interval: str, count: int) -> dt.datetime:
    if interval == "day":
        return end - dt.timedelta(days=count)
    if interval == "week":
        return end - dt.timedelta(days=7 * count)
    if interval == "month":
        return end - relativedelta(months=count)
    return end - relativedelta(months=12 * count)


def _recompute_month_mrr_from_staging(db) -> dict[dt.date, Decimal]:
    """metrics.md section 2, re-implemented in plain Python from the staging invoice lines."""
    months_per = {"day": 12 / 365, "week": 12 / 52, "month": 1.0, "year": 12.0}
    factors = dict(query(db, "select currency, minor_unit_factor from seeds.currencies"))
    rates = defaultdict(list)
    for currency, day, usd in query(db, "select currency, rate_date, usd_per_unit from staging.stg_finance__fx_rates where usd_per_unit > 0 order by rate_date"):
        rates[currency].append((day, float(usd)))

    def usd_per_unit(currency: str, day: dt.date) -> float:
        if currency == "USD":
            return 1.0
        series = rates[currency]
        earlier = [r for d, r in series if d <= day]
        return earlier[-1] if earlier else series[0][1]

    account_of = dict(query(db, "select customer_id, account_id from intermediate.int_billing__customer_accounts"))
    lines = query(
        db,
        """select customer_id, currency, amount_minor, discount_amount_minor, is_proration, period_start_at,
                  period_end_at, recurring_interval, recurring_interval_count
           from staging.stg_billing__invoice_lines
           where invoice_status in ('paid', 'open') and is_recurring
             and coalesce(usage_type, 'licensed') = 'licensed'""",
    )
    first = min(l[5] for l in lines).date().replace(day=1)
    months = []
    m = first
    while m <= MONTHLY_EVAL_AS_OF:
        months.append(m)
        m = m + relativedelta(months=1)
    eval_dates = {m: min(m + relativedelta(months=1) - dt.timedelta(days=1), MONTHLY_EVAL_AS_OF) for m in months}
    per_account = defaultdict(float)
    for cust, cur, amount, discount, proration, start, end, interval, count in lines:
        prorate = 1.0
        if proration:
            span = (end - start).total_seconds()
            prorate = 0.0 if span <= 0 else (end - _interval_start(end, interval, count)).total_seconds() / span
        native = (amount - discount) / factors.get(cur, 100) / (count * months_per[interval]) * prorate
        rc = native * usd_per_unit(cur, start.date())
        for month, day in eval_dates.items():
            if start.date() <= day < end.date():
                per_account[(account_of[cust], month)] += rc
    totals = defaultdict(float)
    for (account, month), v in per_account.items():
        totals[month] += max(v, 0.0)
    return {m: Decimal(str(round(v, 4))) for m, v in totals.items()}


def test_total_mrr_equals_mrr_recomputed_from_staging_lines(generated_warehouse):
    expected = _recompute_month_mrr_from_staging(generated_warehouse)
    actual = dict(query(generated_warehouse, "select month, mrr from marts.revenue_kpis_monthly"))
    assert set(m for m, v in expected.items() if v > 0) <= set(actual)
    for month, mrr in actual.items():
        assert abs(Decimal(mrr) - expected.get(month, Decimal(0))) < Decimal("0.01"), month


def test_kpi_movements_sum_to_the_change_in_mrr(generated_warehouse):
    rows = query(
        generated_warehouse,
        """select month, mrr - starting_mrr - (new_mrr + expansion_mrr + reactivation_mrr
                      - contraction_mrr - churned_mrr + fx_mrr)
           from marts.revenue_kpis_monthly""",
    )
    assert rows and all(r[1] == 0 for r in rows)
    gaps = query(
        generated_warehouse,
        "select count(*) from (select month, lag(month) over (order by month) as prev from marts.revenue_kpis_monthly) "
        "where prev is not null and prev <> month - interval 1 month",
    )
    assert gaps == [(0,)]


def test_every_billing_customer_belongs_to_exactly_one_account(generated_warehouse):
    orphans = query(
        generated_warehouse,
        """select l.customer_id from intermediate.int_billing__customer_accounts as l
           left join marts.dim_accounts as a on a.account_id = l.account_id
           where a.account_id is null""",
    )
    assert orphans == []
    dupes = query(generated_warehouse, "select account_id from marts.dim_accounts group by 1 having count(*) > 1")
    assert dupes == []


def test_a_second_build_on_the_same_landing_changes_no_row_count(generated_landing, generated_warehouse, tmp_path):
    # the first build is the session's (same landing, same command), copied with its working database
    wh = copy_of_warehouse(generated_warehouse, tmp_path / "wh")
    counts_sql = """select schema_name || '.' || table_name, estimated_size from duckdb_tables()
                    where schema_name in ('raw', 'audit', 'marts', 'intermediate')"""

    def counts():
        tables = [r[0] for r in query(wh, counts_sql)]
        return {t: query(wh, f"select count(*) from {t}")[0][0] for t in tables}

    first = counts()
    mrr_first = query(wh, "select * from marts.mrr_by_account_month order by account_id, month")
    shutil.copy(wh, tmp_path / "first.duckdb")
    second_run = run_cli("build", "--landing", str(generated_landing), "--warehouse", str(wh), "--as-of", "2025-06-30",
                         "--force")
    assert "0 new file(s)" in second_run.stdout and "Built and published" in second_run.stdout
    assert counts() == first
    assert query(wh, "select * from marts.mrr_by_account_month order by account_id, month") == mrr_first

    # without --force, a build with nothing new keeps the published file as it is (not even replaced)
    published = wh.stat()
    third_run = run_cli("build", "--landing", str(generated_landing), "--warehouse", str(wh), "--as-of", "2025-06-30")
    assert "Nothing new since run" in third_run.stdout, third_run.stdout[-2000:]
    assert "Built and published" not in third_run.stdout
    assert (wh.stat().st_ino, wh.stat().st_mtime_ns) == (published.st_ino, published.st_mtime_ns)
    assert counts() == first
