"""The report half of issue 11: figure builders on hand-made rows, the report pages of the real
`revops app` in Chromium, and the offline `revops report` file."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pandas as pd
import plotly.offline
import pytest

from orchestration.app import charts
from tests.conftest import SCREENSHOTS, query, run_cli

D = Decimal
M1, M2, M3 = dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 1)

# Every .js-plotly-plot has drawn at least one trace (scatter/bar/funnel groups, heatmap group).
CHARTS_DRAWN = """() => { const g = [...document.querySelectorAll('.js-plotly-plot')];
    return g.length > 0 && g.every(e => e.querySelectorAll('g.trace, g.hm').length > 0); }"""


def wait_charts(page, timeout: float = 120) -> None:
    """Poll from Python: it measures the page as a user sees it, without a predicate per frame."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(CHARTS_DRAWN):
        assert time.monotonic() < deadline, f"charts of {page.url} not drawn within {timeout:.0f} s"
        time.sleep(0.2)


# --------------------------------------------------------------------------------------------- pure


def test_bridge_bars_equal_movement_sums():
    df = pd.DataFrame({"month": [M1, M2], "starting_mrr": [D("100"), D("130")], "new_mrr": [D("20"), D("5")],
                       "expansion_mrr": [D("15"), D("0")], "reactivation_mrr": [D("0"), D("3")],
                       "contraction_mrr": [D("5"), D("2")], "churned_mrr": [D("0"), D("10")],
                       "fx_mrr": [D("0"), D("-1.5")], "ending_mrr": [D("130"), D("124.5")]}, dtype=object)
    wf = charts.bridge_figure(df).data[0]
    assert wf.type == "waterfall"
    assert list(wf.measure) == ["absolute"] + ["relative"] * 6 + ["total"]
    assert list(wf.y) == [100.0, 25.0, 15.0, 3.0, -7.0, -10.0, -1.5, 124.5]
    assert list(wf.x)[1:-1] == ["New", "Expansion", "Reactivation", "Contraction", "Churn", "FX"]
    assert sum(wf.y[:-1]) == wf.y[-1]  # the bridge closes on the ending MRR


def test_fan_chart_has_both_interval_bands_around_the_forecast():
    df = pd.DataFrame({"month": [M1, M2, M3], "actual_mrr": [D("90"), None, None],
                       "forecast_mrr": [None, 100.0, 110.0], "lower_80": [None, 95.0, 100.0],
                       "upper_80": [None, 105.0, 120.0], "lower_95": [None, 90.0, 95.0],
                       "upper_95": [None, 110.0, 125.0], "committed_mrr": [None, D("88"), D("85")]}, dtype=object)
    traces = {t.name: t for t in charts.fan_figure(df).data}
    assert list(traces["Actual MRR"].y) == [90.0]
    for level in ("80", "95"):
        band = traces[f"{level}% interval"]
        assert band.fill == "tonexty" and list(band.y) == list(df[f"lower_{level}"].dropna())
        upper = traces[f"upper {level}%"]
        assert list(upper.y) == list(df[f"upper_{level}"].dropna())
    # each band's lower bound is drawn right after its upper bound, which is what 'tonexty' fills to
    names = [t.name for t in charts.fan_figure(df).data]
    assert names.index("95% interval") == names.index("upper 95%") + 1
    assert names.index("80% interval") == names.index("upper 80%") + 1
    assert list(traces["Forecast"].y) == [100.0, 110.0]


def test_cohort_heatmap_places_retention_by_cohort_and_month():
    df = pd.DataFrame({"cohort_month": [M1, M1, M2], "months_since_start": [0, 1, 0],
                       "logo_retention": [1.0, 0.5, 1.0]}, dtype=object)
    hm = charts.cohort_heatmap_figure(df).data[0]
    assert hm.type == "heatmap" and list(hm.y) == ["2025-01", "2025-02"] and list(hm.x) == [0, 1]
    assert [list(r) for r in hm.z] == [[1.0, 0.5], [1.0, None]]


def test_filters_become_parameters_and_cells_keep_cents():
    sql, params = charts.chart("mrr-arr").query(charts.Filters(dt.date(2025, 1, 15), dt.date(2025, 3, 31), "Retail"))
    assert params == [dt.date(2025, 1, 15), dt.date(2025, 3, 31), "Retail"] and "date_trunc('month'" in sql
    assert charts.chart("backtest-error").query(charts.Filters(dt.date(2025, 1, 1)))[1] == []  # no date column
    assert charts.format_cell("mrr", D("1234.565000")) == "1,234.57"
    assert charts.format_cell("nrr_ttm", 1.0234) == "102.34%" and charts.format_cell("ltv", None) == ""


# ------------------------------------------------------------------------------------------ browser


def _cents(v) -> str:
    return "" if v is None else f"{Decimal(v).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def _table_texts(page, chart_id: str) -> list[list[str]]:
    section = page.locator(f"#chart-{chart_id}")
    section.locator("summary.table-toggle").click()
    rows = section.locator("table.chart-table tbody tr")
    rows.first.wait_for(state="visible")
    return section.locator("table.chart-table tbody tr").evaluate_all(
        "rs => rs.map(r => [...r.querySelectorAll('td')].map(td => td.textContent))")


@pytest.fixture(scope="module")
def app_copy(tmp_path_factory, generated_warehouse, generated_landing, app_for):
    """The app on a private copy of the sample warehouse, so a test can publish over it."""
    wh = tmp_path_factory.mktemp("report-app") / "warehouse.duckdb"
    shutil.copy2(generated_warehouse, wh)
    return wh, app_for(wh, generated_landing)


@pytest.fixture(scope="module")
def page(browser):
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    p = context.new_page()
    p.console_errors, p.failed = [], []
    p.on("console", lambda m: p.console_errors.append(m.text) if m.type == "error" else None)
    p.on("requestfailed", lambda r: p.failed.append(r.url))
    p.on("response", lambda r: p.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    yield p
    context.close()


def test_every_report_page_draws_all_its_charts(app_copy, page):
    _, url = app_copy
    for page_id, _title in charts.PAGES:
        page.goto(f"{url}/{page_id}")
        wait_charts(page)
        plots = page.locator(".js-plotly-plot")
        assert plots.count() == len(charts.charts_on(page_id)), page_id
        captions = page.locator(".chart-caption .chart-mart").all_text_contents()
        assert captions == [c.caption for c in charts.charts_on(page_id)]
        page.screenshot(path=str(SCREENSHOTS / f"{page_id}.png"), full_page=True)
    assert page.console_errors == [] and page.failed == []


def test_table_toggle_shows_the_mart_rows(app_copy, page):
    wh, url = app_copy
    page.goto(f"{url}/retention")
    wait_charts(page)
    shown = _table_texts(page, "nrr-grr")
    pct = lambda v: "" if v is None else f"{v:.2%}"
    direct = [[m.isoformat(), pct(n), pct(g), pct(c), f"{p:,}", f"{ch:,}"] for m, n, g, c, p, ch in query(
        wh, "SELECT month, nrr_ttm, grr_ttm, logo_churn_rate, paying_customers, churned_customers "
            "FROM marts.revenue_kpis_monthly ORDER BY month")]
    assert shown == direct
    # MRR summed from the account grain equals the monthly KPI mart to the cent
    page.goto(f"{url}/revenue")
    wait_charts(page)
    shown = [row[:3] for row in _table_texts(page, "mrr-arr")]
    direct = [[m.isoformat(), _cents(mrr), _cents(arr)] for m, mrr, arr in query(
        wh, "SELECT month, ending_mrr, arr FROM marts.revenue_kpis_monthly ORDER BY month")]
    assert shown == direct


def _plotted_x(page, chart_id: str) -> list:
    return page.evaluate(f"""() => document.querySelector('#chart-{chart_id} .js-plotly-plot').data[0].x""")


def test_date_filter_changes_what_is_plotted(app_copy, page):
    wh, url = app_copy
    page.goto(f"{url}/sales")
    wait_charts(page)
    before = _plotted_x(page, "win-rate-cycle")
    page.fill("#report-start", "2024-01-01")
    page.press("#report-start", "Enter")
    page.fill("#report-end", "2024-12-31")
    page.press("#report-end", "Enter")
    # each Enter redraws: wait for the redraw of both bounds (the start alone plots 2024-01 onwards)
    expected = [f"2024-{m:02d}-01" for m in range(1, 13)]
    deadline = time.monotonic() + 60
    after = _plotted_x(page, "win-rate-cycle")
    while [x[:10] for x in after] != expected and time.monotonic() < deadline:
        time.sleep(0.2)
        after = _plotted_x(page, "win-rate-cycle")
    assert [x[:10] for x in after] == expected
    assert len(before) == query(wh, "SELECT count(*) FROM marts.sales_kpis_monthly")[0][0]


def test_a_new_publish_shows_on_reload(app_copy, page, tmp_path):
    wh, url = app_copy
    staged = tmp_path / "warehouse.duckdb"
    shutil.copy2(wh, staged)
    con = duckdb.connect(str(staged))
    con.execute("UPDATE marts.revenue_kpis_monthly SET nrr_ttm = 9.87 WHERE month = (SELECT max(month) FROM marts.revenue_kpis_monthly)")
    con.close()
    os.replace(staged, wh)  # what a build's publish does: rename a complete file over the old one
    page.goto(f"{url}/retention")
    wait_charts(page)
    assert _table_texts(page, "nrr-grr")[-1][1] == "987.00%"


def test_a_warehouse_without_a_mart_says_to_rebuild(app_copy, page, tmp_path):
    wh, url = app_copy
    original, staged = tmp_path / "original.duckdb", tmp_path / "warehouse.duckdb"
    shutil.copy2(wh, original)
    shutil.copy2(wh, staged)
    con = duckdb.connect(str(staged))
    con.execute("DROP TABLE marts.mrr_forecast; DROP TABLE marts.dq_duplicate_candidates")
    con.close()
    os.replace(staged, wh)
    try:
        page.goto(f"{url}/forecast")  # the other chart of the page still draws
        page.locator("#chart-backtest-error .js-plotly-plot g.trace").first.wait_for(timeout=60_000)
        note = page.locator("#chart-mrr-forecast .out-of-date")  # the table's place, behind the toggle
        note.wait_for(state="attached", timeout=60_000)
        assert "mrr_forecast" in note.text_content() and "revops build" in note.text_content()
        page.screenshot(path=str(SCREENSHOTS / "out-of-date-forecast.png"), full_page=True)
        page.goto(f"{url}/review/duplicates")
        alert = page.locator(".out-of-date")
        alert.wait_for(timeout=60_000)
        assert "dq_duplicate_candidates" in alert.inner_text() and "revops build" in alert.inner_text()
    finally:
        os.replace(original, wh)


# -------------------------------------------------------------------------------------- report file


def test_report_file_opens_offline_with_every_chart(generated_warehouse, browser, tmp_path):
    out = tmp_path / "report.html"
    run_cli("report", "--warehouse", str(generated_warehouse), "--out", str(out))
    text = out.read_text()
    assert text.count("<details") == len(charts.CHARTS) and all(f"marts.{c.marts[0]}" in text for c in charts.CHARTS)
    bundle = plotly.offline.get_plotlyjs()
    assert text.count(bundle) == 1  # plotly.js inlined once, not per figure
    # the bundle's code holds URL strings it never loads here; the rest of the file holds none
    rest = text.replace(bundle, "")
    assert "http://" not in rest and "https://" not in rest
    assert list(tmp_path.glob(".report.html.*")) == []  # no temporary file left behind
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    try:
        context.set_offline(True)
        requested = []

        def _block(route):
            requested.append(route.request.url)
            route.abort()

        context.route(lambda u: not u.startswith("file:"), _block)
        p = context.new_page()
        p.goto(out.as_uri())
        wait_charts(p)
        assert p.locator(".js-plotly-plot").count() == len(charts.CHARTS)
        assert requested == []
        p.screenshot(path=str(SCREENSHOTS / "report-file.png"), full_page=True)
    finally:
        context.close()
