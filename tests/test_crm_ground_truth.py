"""Issue 4: the sales and funnel marts built from generated accounts agree with figures computed
from the generator's ground truth (`_meta/ground_truth.json`) by devtools.truth_check."""

from __future__ import annotations

import shutil

import duckdb

from devtools import truth_check


def test_marts_agree_with_ground_truth(generated_landing, generated_warehouse):
    problems = truth_check.compare(generated_warehouse, generated_landing)
    assert problems == [], "\n".join(problems)


def test_expected_figures_are_not_trivial(generated_landing):
    # guards against a check that agrees only because it compares nothing
    truth = truth_check.load_truth(generated_landing)
    fx = truth_check.FxRates.from_landing(generated_landing)
    sales = truth_check.expected_sales_monthly(truth, fx)
    assert sum(r["won_count"] for r in sales.values()) > 0
    assert sum(r["lost_amount"] for r in sales.values()) > 0
    fc = truth_check.expected_forecast_quarterly(truth, fx)
    assert sum(r["weighted_forecast"] for r in fc.values()) > 0
    assert sum(r["commit_forecast"] for r in fc.values()) > 0
    assert any(o["currency"] != "USD" for o in truth["opportunities"].values())
    funnel = truth_check.expected_funnel_monthly(truth)
    assert sum(r["customers"] for r in funnel.values()) > 0


def test_check_detects_a_changed_channel(generated_landing, generated_warehouse, tmp_path):
    copy = tmp_path / "tampered.duckdb"
    shutil.copyfile(generated_warehouse, copy)
    con = duckdb.connect(str(copy))
    try:
        pid, channel = con.execute(
            "select person_id, channel from marts.funnel_people order by person_id limit 1").fetchone()
        new = "paid_social" if channel != "paid_social" else "events"
        con.execute("update marts.funnel_people set channel = ? where person_id = ?", [new, pid])
    finally:
        con.close()
    problems = truth_check.compare(copy, generated_landing)
    assert any(pid in p and "channel" in p and repr(new) in p for p in problems), problems


def test_check_detects_a_changed_amount(generated_landing, generated_warehouse, tmp_path):
    copy = tmp_path / "tampered_sales.duckdb"
    shutil.copyfile(generated_warehouse, copy)
    con = duckdb.connect(str(copy))
    try:
        month = con.execute("select min(month) from marts.sales_kpis_monthly where won_count > 0").fetchone()[0]
        con.execute("update marts.sales_kpis_monthly set won_amount = won_amount + 0.02 where month = ?", [month])
    finally:
        con.close()
    problems = truth_check.compare(copy, generated_landing)
    assert any(f"sales_kpis_monthly {month} won_amount" in p for p in problems), problems


def test_cli_exit_codes(generated_landing, generated_warehouse, tmp_path, capsys):
    assert truth_check.main(["--landing", str(generated_landing), "--warehouse", str(generated_warehouse)]) == 0
    assert "OK" in capsys.readouterr().out
    copy = tmp_path / "tampered_cli.duckdb"
    shutil.copyfile(generated_warehouse, copy)
    con = duckdb.connect(str(copy))
    try:
        con.execute("delete from marts.funnel_people where person_id = (select min(person_id) from marts.funnel_people)")
    finally:
        con.close()
    assert truth_check.main(["--landing", str(generated_landing), "--warehouse", str(copy)]) == 1
    assert "MISMATCH" in capsys.readouterr().out
