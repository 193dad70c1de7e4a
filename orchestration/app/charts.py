"""The report's charts as data: each names the marts it reads, the SQL that fetches exactly the
rows it plots (with the filters it accepts), and a pure function DataFrame -> plotly Figure.

The app (``report_pages``) and the offline file (``report_file``) both draw from ``CHARTS``, so the
two show the same numbers. Figure builders take the rows ``data.read(..., exact=True)`` returns
(``Decimal`` money, ``date`` months) and convert to floats only for drawing; the table behind a
chart (``table_cells``) formats the exact values to the cent.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable

import pandas as pd
import plotly.graph_objects as go

# A date range filter compares a chart's date column with the range floored to its grain, so a
# range starting mid-month still includes that month's row (months are stored as first days).
MONTH, QUARTER = "month", "quarter"

# Accounts without an industry are shown, and filtered, as this segment.
UNKNOWN_SEGMENT = "unknown"
SEGMENT_SQL = f"coalesce(d.industry, '{UNKNOWN_SEGMENT}')"
SEGMENTS_SQL = f"SELECT DISTINCT {SEGMENT_SQL} AS segment FROM marts.dim_accounts d ORDER BY 1"


@dataclass(frozen=True)
class Filters:
    start: dt.date | None = None   # first day of the date range (inclusive)
    end: dt.date | None = None     # last day of the date range (inclusive)
    segment: str | None = None     # account segment (dim_accounts.industry); None = every segment


@dataclass(frozen=True)
class Chart:
    id: str                        # stable id: element ids in the app, anchors in the file
    page: str                      # the report page it is shown on (see PAGES)
    title: str
    marts: tuple[str, ...]         # the marts the SQL reads, named under the chart
    sql: str                       # one SELECT; "{filters}" is replaced by the filter predicate
    figure: Callable[[pd.DataFrame], go.Figure]
    note: str = ""                 # how to read the chart, shown with its caption
    date_column: str | None = None     # filtered by the date range, when set
    date_grain: str = MONTH
    segment_column: str | None = None  # filtered by segment, when set

    def query(self, filters: Filters) -> tuple[str, list]:
        """The chart's SQL with its filters as a predicate and the parameters that go with it."""
        assert self.sql.count("{filters}") == 1, f"{self.id}: the SQL needs exactly one {{filters}}"
        clauses, params = [], []
        if self.date_column and filters.start:
            clauses.append(f"{self.date_column} >= date_trunc('{self.date_grain}', ?::DATE)")
            params.append(filters.start)
        if self.date_column and filters.end:
            clauses.append(f"{self.date_column} <= ?::DATE")
            params.append(filters.end)
        if self.segment_column and filters.segment:
            clauses.append(f"{self.segment_column} = ?")
            params.append(filters.segment)
        return self.sql.replace("{filters}", " AND ".join(clauses) or "true"), params

    @property
    def caption(self) -> str:
        return "Source: " + ", ".join(f"marts.{m}" for m in self.marts)


# ---------------------------------------------------------------------------------------------
# Helpers shared by the figure builders


def floats(values) -> list[float | None]:
    """Exact values (Decimal, int, None) as floats for plotting; NULL stays a gap."""
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append(None)
        else:
            out.append(float(v))
    return out


def _styled(fig: go.Figure, yaxis: str = "", y2: str | None = None, percent_y: bool = False,
            percent_y2: bool = False) -> go.Figure:
    fig.update_layout(template="plotly_white", height=380, margin=dict(l=60, r=60, t=30, b=40),
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0), hovermode="x unified",
                      yaxis=dict(title=yaxis, tickformat=".0%" if percent_y else None))
    if y2 is not None:  # both axes from zero, so their zero lines meet and bars start at the floor
        fig.update_layout(yaxis=dict(rangemode="tozero"), yaxis2=dict(title=y2, overlaying="y", side="right", showgrid=False, rangemode="tozero",
                                      tickformat=".0%" if percent_y2 else None))
    return fig


def _lines(df: pd.DataFrame, x: str, series: dict[str, str], mode: str = "lines+markers",
           yaxis: str = "y") -> list[go.Scatter]:
    return [go.Scatter(x=list(df[x]), y=floats(df[col]), name=name, mode=mode, yaxis=yaxis)
            for col, name in series.items()]


def _bars(df: pd.DataFrame, x: str, series: dict[str, str], yaxis: str = "y") -> list[go.Bar]:
    return [go.Bar(x=list(df[x]), y=floats(df[col]), name=name, yaxis=yaxis) for col, name in series.items()]


def _by_group(df: pd.DataFrame, group: str, x: str, y: str, kind=go.Bar) -> list:
    """One trace per value of ``group`` (a channel, a model, a leakage type)."""
    return [kind(x=list(part[x]), y=floats(part[y]), name=str(name))
            for name, part in df.groupby(group, sort=True)]


# ---------------------------------------------------------------------------------------------
# Figure builders: pure functions of the rows the chart's SQL returns

BRIDGE_STEPS = [  # (column, label, sign): the movement bridge in the order ChartMogul draws it
    ("new_mrr", "New", 1), ("expansion_mrr", "Expansion", 1), ("reactivation_mrr", "Reactivation", 1),
    ("contraction_mrr", "Contraction", -1), ("churned_mrr", "Churn", -1), ("fx_mrr", "FX", 1),
]


def mrr_arr_figure(df: pd.DataFrame) -> go.Figure:
    fig = go.Figure(_bars(df, "month", {"mrr": "MRR"}) + _lines(df, "month", {"arr": "ARR"}, yaxis="y2"))
    return _styled(fig, "MRR", y2="ARR")


def bridge_figure(df: pd.DataFrame) -> go.Figure:
    """Waterfall from the first month's starting MRR through each movement's sum over the months
    to the last month's ending MRR (contraction and churn drawn as decreases)."""
    if df.empty:
        return _styled(go.Figure(go.Waterfall(x=[], y=[])), "MRR")
    start = float(df["starting_mrr"].iloc[0])
    moves = [sign * sum(floats(df[col])) for col, _, sign in BRIDGE_STEPS]
    first, last = df["month"].iloc[0], df["month"].iloc[-1]
    fig = go.Figure(go.Waterfall(
        x=[f"Starting MRR {first:%Y-%m}", *[label for _, label, _ in BRIDGE_STEPS], f"Ending MRR {last:%Y-%m}"],
        y=[start, *moves, float(df["ending_mrr"].iloc[-1])],
        measure=["absolute", *["relative"] * len(moves), "total"],
        name="MRR bridge", connector=dict(line=dict(color="#999")),
        increasing=dict(marker=dict(color="#2a9d8f")), decreasing=dict(marker=dict(color="#e76f51")),
        totals=dict(marker=dict(color="#264653"))))
    fig = _styled(fig, "MRR")
    fig.update_layout(hovermode="closest", showlegend=False)
    return fig


def retention_figure(df: pd.DataFrame) -> go.Figure:
    fig = go.Figure(_lines(df, "month", {"nrr_ttm": "NRR (TTM)", "grr_ttm": "GRR (TTM)"})
                    + _bars(df, "month", {"logo_churn_rate": "Logo churn"}, yaxis="y2"))
    fig.data[-1].update(opacity=0.5)
    return _styled(fig, "NRR / GRR", y2="Logo churn rate", percent_y=True, percent_y2=True)


def cohort_heatmap_figure(df: pd.DataFrame) -> go.Figure:
    """Cohorts down, months since start across, logo retention as colour."""
    grid = df.pivot(index="cohort_month", columns="months_since_start", values="logo_retention")
    grid = grid.sort_index().astype("float64")
    z = [[None if math.isnan(v) else v for v in row] for row in grid.to_numpy().tolist()]
    fig = go.Figure(go.Heatmap(z=z, x=[int(m) for m in grid.columns], y=[f"{m:%Y-%m}" for m in grid.index],
                               colorscale="Blues", zmin=0, zmax=1, name="Logo retention",
                               colorbar=dict(title=dict(text="Logo retention"), tickformat=".0%"),
                               hovertemplate="cohort %{y}, month %{x}: %{z:.1%}<extra></extra>"))
    fig = _styled(fig, "Cohort (first paid month)")
    fig.update_layout(height=max(380, 14 * len(grid.index) + 90), hovermode="closest",
                      xaxis=dict(title="Months since start"), yaxis=dict(autorange="reversed", type="category"))
    return fig


def cac_ltv_figure(df: pd.DataFrame) -> go.Figure:
    fig = go.Figure(_lines(df, "month", {"cac": "CAC", "ltv": "LTV"}))
    return _styled(fig, "Reporting currency")


def ltv_cac_payback_figure(df: pd.DataFrame) -> go.Figure:
    fig = go.Figure(_lines(df, "month", {"ltv_to_cac": "LTV:CAC"})
                    + _bars(df, "month", {"cac_payback_months": "CAC payback (months)"}, yaxis="y2"))
    fig.data[-1].update(opacity=0.5)
    return _styled(fig, "LTV:CAC", y2="Payback months")


FUNNEL_STAGES = [("leads", "Lead"), ("mqls", "MQL"), ("sqls", "SQL"), ("opportunities", "Opportunity"),
                 ("customers", "Customer")]


def funnel_by_channel_figure(df: pd.DataFrame) -> go.Figure:
    stages = [label for _, label in FUNNEL_STAGES]
    fig = go.Figure([go.Funnel(y=stages, x=floats(row[col] for col, _ in FUNNEL_STAGES), name=str(row["channel"]),
                               textinfo="value")
                     for _, row in df.iterrows()])
    fig = _styled(fig)
    fig.update_layout(funnelmode="stack", hovermode="closest", height=420)
    return fig


def funnel_by_cohort_figure(df: pd.DataFrame) -> go.Figure:
    fig = go.Figure(_bars(df, "cohort_month", {"leads": "Leads"})
                    + _lines(df, "cohort_month", {"lead_to_mql_rate": "Lead to MQL",
                                                  "lead_to_customer_rate": "Lead to customer"}, yaxis="y2"))
    return _styled(fig, "Leads", y2="Conversion (reached ever)", percent_y2=True)


def win_rate_cycle_figure(df: pd.DataFrame) -> go.Figure:
    fig = go.Figure(_lines(df, "month", {"win_rate": "Win rate (count)", "win_rate_value": "Win rate (value)"})
                    + _lines(df, "month", {"sales_cycle_days_median": "Sales cycle, median days"}, yaxis="y2"))
    fig.data[-1].update(line=dict(dash="dot"))
    return _styled(fig, "Win rate", y2="Days", percent_y=True)


def pipeline_velocity_figure(df: pd.DataFrame) -> go.Figure:
    fig = go.Figure(_bars(df, "month", {"open_pipeline_amount": "Open pipeline at month start"})
                    + _lines(df, "month", {"pipeline_velocity_per_day": "Pipeline velocity per day"}, yaxis="y2"))
    return _styled(fig, "Open pipeline", y2="Velocity per day")


def forecast_accuracy_figure(df: pd.DataFrame) -> go.Figure:
    fig = go.Figure(_bars(df, "quarter", {"commit_forecast": "Commit", "best_case_forecast": "Best case",
                                          "weighted_forecast": "Weighted"})
                    + _lines(df, "quarter", {"actual": "Actual (won)"})
                    + _lines(df, "quarter", {"commit_accuracy": "Commit accuracy"}, yaxis="y2"))
    fig.data[-1].update(line=dict(dash="dot"))
    fig = _styled(fig, "Amount", y2="Commit accuracy", percent_y2=True)
    fig.update_layout(barmode="group")
    return fig


def _grouped_bars(group: str, x: str, y: str, yaxis: str, barmode: str, hovermode: str = "closest"):
    """A builder of bars of ``y`` along ``x``, one trace per ``group`` value, grouped or stacked."""
    def build(df: pd.DataFrame) -> go.Figure:
        fig = _styled(go.Figure(_by_group(df, group, x, y)), yaxis)
        fig.update_layout(barmode=barmode, hovermode=hovermode)
        return fig
    return build


attribution_figure = _grouped_bars("model", "channel", "attributed_amount", "Attributed won amount", "group")
paid_cac_figure = _grouped_bars("model", "channel", "paid_cac", "Paid CAC (media spend / attributed customers)", "group")
leakage_monthly_figure = _grouped_bars("leakage_type", "month", "amount_at_risk_mrr", "Open MRR at risk", "stack",
                                       hovermode="x unified")
leakage_by_type_figure = _grouped_bars("review_status", "leakage_type", "amount_at_risk_mrr", "MRR at risk", "stack")


FAN_BANDS = [("95", "rgba(38, 70, 83, 0.15)"), ("80", "rgba(38, 70, 83, 0.30)")]  # outer band first


def fan_figure(df: pd.DataFrame) -> go.Figure:
    """Actual MRR, then the forecast with its 95% and 80% prediction intervals as filled bands:
    each band is its upper bound (no fill) followed by its lower bound filled to it ('tonexty')."""
    history = df[df["actual_mrr"].notna()]
    future = df[df["forecast_mrr"].notna()]
    months = list(future["month"])
    traces = [go.Scatter(x=list(history["month"]), y=floats(history["actual_mrr"]), name="Actual MRR",
                         mode="lines+markers", line=dict(color="#264653"))]
    for level, colour in FAN_BANDS:
        traces.append(go.Scatter(x=months, y=floats(future[f"upper_{level}"]), name=f"upper {level}%",
                                 mode="lines", line=dict(width=0), showlegend=False, hoverinfo="skip"))
        traces.append(go.Scatter(x=months, y=floats(future[f"lower_{level}"]), name=f"{level}% interval",
                                 mode="lines", line=dict(width=0), fill="tonexty", fillcolor=colour))
    traces.append(go.Scatter(x=months, y=floats(future["forecast_mrr"]), name="Forecast", mode="lines+markers",
                             line=dict(color="#e76f51")))
    traces.append(go.Scatter(x=months, y=floats(future["committed_mrr"]), name="Committed MRR", mode="lines",
                             line=dict(color="#2a9d8f", dash="dot")))
    return _styled(go.Figure(traces), "MRR")


def backtest_error_figure(df: pd.DataFrame) -> go.Figure:
    fig = go.Figure(_bars(df, "horizon", {"mape": "MAPE"})
                    + _lines(df, "horizon", {"bias": "Bias", "coverage_80": "80% coverage",
                                             "coverage_95": "95% coverage"}))
    fig = _styled(fig, "Share", percent_y=True)
    fig.update_layout(xaxis=dict(title="Horizon (months ahead)", dtick=1))
    return fig


# ---------------------------------------------------------------------------------------------
# The charts

# MRR per month summed from the account grain, so a segment filter (the account's industry)
# applies; without one the sums equal revenue_kpis_monthly's columns.
_MONTHLY_MRR_SQL = f"""
SELECT m.month,
       sum(m.prior_mrr) AS starting_mrr, sum(m.new_mrr) AS new_mrr, sum(m.expansion_mrr) AS expansion_mrr,
       sum(m.reactivation_mrr) AS reactivation_mrr, sum(m.contraction_mrr) AS contraction_mrr,
       sum(m.churned_mrr) AS churned_mrr, sum(m.fx_mrr) AS fx_mrr, sum(m.mrr) AS ending_mrr
FROM marts.mrr_by_account_month m LEFT JOIN marts.dim_accounts d USING (account_id)
WHERE {{filters}}
GROUP BY m.month ORDER BY m.month"""

_MRR_MARTS = ("mrr_by_account_month", "dim_accounts")

CHARTS: list[Chart] = [
    Chart("mrr-arr", "revenue", "MRR and ARR", _MRR_MARTS,
          f"""SELECT m.month, sum(m.mrr) AS mrr, sum(m.arr) AS arr, count(*) FILTER (WHERE m.mrr > 0) AS paying_accounts
              FROM marts.mrr_by_account_month m LEFT JOIN marts.dim_accounts d USING (account_id)
              WHERE {{filters}} GROUP BY m.month ORDER BY m.month""",
          mrr_arr_figure, note="MRR on the last day of each month (on the as-of date for its month); ARR = 12 x MRR.",
          date_column="m.month", segment_column=SEGMENT_SQL),
    Chart("mrr-bridge", "revenue", "MRR movement bridge", _MRR_MARTS, _MONTHLY_MRR_SQL, bridge_figure,
          note="Starting MRR of the first month, each movement summed over the months, ending MRR of the last month.",
          date_column="m.month", segment_column=SEGMENT_SQL),
    Chart("nrr-grr", "retention", "NRR, GRR and logo churn", ("revenue_kpis_monthly",),
          """SELECT month, nrr_ttm, grr_ttm, logo_churn_rate, paying_customers, churned_customers
             FROM marts.revenue_kpis_monthly WHERE {filters} ORDER BY month""",
          retention_figure, note="Trailing twelve months; empty before twelve months of history.", date_column="month"),
    Chart("cohort-retention", "retention", "Cohort logo retention", ("cohort_retention",),
          """SELECT cohort_month, months_since_start, cohort_customers, retained_customers, logo_retention,
                    cohort_starting_mrr, mrr, net_mrr_retention
             FROM marts.cohort_retention WHERE {filters} ORDER BY cohort_month, months_since_start""",
          cohort_heatmap_figure, note="The date range selects cohorts by their first paid month.",
          date_column="cohort_month"),
    Chart("cac-ltv", "unit-economics", "CAC and LTV", ("revenue_kpis_monthly",),
          """SELECT month, sm_cost, new_customers, cac, arpa, ltv FROM marts.revenue_kpis_monthly
             WHERE {filters} ORDER BY month""",
          cac_ltv_figure, date_column="month"),
    Chart("ltv-cac-payback", "unit-economics", "LTV:CAC and CAC payback", ("revenue_kpis_monthly",),
          """SELECT month, ltv_to_cac, cac_payback_months FROM marts.revenue_kpis_monthly
             WHERE {filters} ORDER BY month""",
          ltv_cac_payback_figure, date_column="month"),
    Chart("funnel-channel", "funnel", "Lead-to-customer funnel by channel", ("funnel_conversion_monthly",),
          """SELECT channel, sum(leads) AS leads, sum(mqls) AS mqls, sum(sqls) AS sqls,
                    sum(opportunities) AS opportunities, sum(customers) AS customers,
                    sum(customers) / nullif(sum(leads), 0) AS lead_to_customer_rate
             FROM marts.funnel_conversion_monthly WHERE {filters} GROUP BY channel ORDER BY leads DESC, channel""",
          funnel_by_channel_figure, note="People by the channel of their first touch; the date range selects lead cohorts.",
          date_column="cohort_month"),
    Chart("funnel-cohort", "funnel", "Funnel conversion by lead cohort", ("funnel_conversion_monthly",),
          """SELECT cohort_month, sum(leads) AS leads, sum(mqls) AS mqls, sum(customers) AS customers,
                    sum(mqls) / nullif(sum(leads), 0) AS lead_to_mql_rate,
                    sum(customers) / nullif(sum(leads), 0) AS lead_to_customer_rate
             FROM marts.funnel_conversion_monthly WHERE {filters} GROUP BY cohort_month ORDER BY cohort_month""",
          funnel_by_cohort_figure, note="Stages reached ever, as of the as-of date: recent cohorts are still converting.",
          date_column="cohort_month"),
    Chart("win-rate-cycle", "sales", "Win rate and sales cycle", ("sales_kpis_monthly",),
          """SELECT month, won_count, lost_count, win_rate, win_rate_value, sales_cycle_days_median
             FROM marts.sales_kpis_monthly WHERE {filters} ORDER BY month""",
          win_rate_cycle_figure, note="Opportunities closed in the month.", date_column="month"),
    Chart("pipeline-velocity", "sales", "Open pipeline and velocity", ("sales_kpis_monthly",),
          """SELECT month, open_pipeline_count, open_pipeline_amount, pipeline_velocity_per_day
             FROM marts.sales_kpis_monthly WHERE {filters} ORDER BY month""",
          pipeline_velocity_figure, date_column="month"),
    Chart("forecast-accuracy", "sales", "Sales forecast accuracy by quarter", ("forecast_accuracy_quarterly",),
          """SELECT quarter, commit_forecast, best_case_forecast, weighted_forecast, actual,
                    commit_accuracy, best_case_accuracy, weighted_accuracy, commit_bias
             FROM marts.forecast_accuracy_quarterly WHERE {filters} ORDER BY quarter""",
          forecast_accuracy_figure, note="Forecasts from each opportunity's state at the quarter's first instant.",
          date_column="quarter", date_grain=QUARTER),
    Chart("attribution", "attribution", "Won amount by channel and attribution model", ("attribution_touches",),
          """SELECT model, channel, sum(attributed_amount) AS attributed_amount, sum(weight) AS attributed_deals
             FROM marts.attribution_touches WHERE {filters} GROUP BY model, channel ORDER BY model, channel""",
          attribution_figure, note="Won New Business deals by close month.", date_column="month"),
    Chart("paid-cac", "attribution", "Paid CAC by channel and model", ("cac_by_channel_monthly",),
          """SELECT model, channel, sum(media_spend) AS media_spend, sum(attributed_customers) AS attributed_customers,
                    sum(media_spend) / nullif(sum(attributed_customers), 0) AS paid_cac
             FROM marts.cac_by_channel_monthly WHERE {filters} GROUP BY model, channel
             HAVING sum(media_spend) > 0 ORDER BY model, channel""",
          paid_cac_figure, note="Channels with media spend only.", date_column="month"),
    Chart("leakage-monthly", "leakage", "Open MRR at risk by type and month", ("revenue_leakage_monthly",),
          """SELECT month, leakage_type, findings, amount_at_risk_mrr FROM marts.revenue_leakage_monthly
             WHERE {filters} ORDER BY month, leakage_type""",
          leakage_monthly_figure, note="Open findings only.", date_column="month"),
    Chart("leakage-type", "leakage", "MRR at risk by type and review status", ("revenue_leakage", "dim_accounts"),
          f"""SELECT l.leakage_type, l.review_status, count(*) AS findings, sum(l.amount_at_risk_mrr) AS amount_at_risk_mrr
              FROM marts.revenue_leakage l LEFT JOIN marts.dim_accounts d USING (account_id)
              WHERE {{filters}} GROUP BY l.leakage_type, l.review_status ORDER BY l.leakage_type, l.review_status""",
          leakage_by_type_figure, note="Every finding, by the month it was detected for.",
          date_column="l.detected_for_month", segment_column=SEGMENT_SQL),
    Chart("mrr-forecast", "forecast", "MRR forecast with prediction intervals", ("mrr_forecast", "revenue_kpis_monthly"),
          """WITH history AS (SELECT month, ending_mrr FROM marts.revenue_kpis_monthly WHERE {filters})
             SELECT month, ending_mrr AS actual_mrr, NULL::DOUBLE AS forecast_mrr, NULL::DOUBLE AS lower_80,
                    NULL::DOUBLE AS upper_80, NULL::DOUBLE AS lower_95, NULL::DOUBLE AS upper_95,
                    NULL::DECIMAL(38, 6) AS committed_mrr
             FROM history
             UNION ALL
             SELECT month, NULL, forecast_mrr, lower_80, upper_80, lower_95, upper_95, committed_mrr
             FROM marts.mrr_forecast
             ORDER BY month""",
          fan_figure, note="The date range limits the history; the forecast's twelve months are always shown.",
          date_column="month"),
    Chart("backtest-error", "forecast", "Forecast backtest error by horizon", ("mrr_forecast_accuracy",),
          """SELECT horizon, backtests, mape, bias, coverage_80, coverage_95 FROM marts.mrr_forecast_accuracy
             WHERE {filters} ORDER BY horizon""",
          backtest_error_figure, note="Rolling-origin backtest of the same method: error by months ahead."),
]

# (page id, title) in navigation order
PAGES: list[tuple[str, str]] = [
    ("revenue", "Revenue"), ("retention", "Retention & cohorts"), ("unit-economics", "Unit economics"),
    ("funnel", "Funnel"), ("sales", "Sales"), ("attribution", "Attribution"), ("leakage", "Leakage"),
    ("forecast", "Forecast"),
]


def charts_on(page: str) -> list[Chart]:
    return [c for c in CHARTS if c.page == page]


def chart(chart_id: str) -> Chart:
    return next(c for c in CHARTS if c.id == chart_id)


# ---------------------------------------------------------------------------------------------
# The table behind a chart

_CENT = Decimal("0.01")
# Float columns holding fractions, shown as percentages (spec: rates are fractions).
_PERCENT_HINTS = ("rate", "retention", "accuracy", "bias", "mape", "coverage", "nrr", "grr")


def format_cell(column: str, value) -> str:
    """A value as the table shows it: money (DuckDB DECIMAL) to the cent, rates as percentages,
    NULL as an empty cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, Decimal):
        return f"{value.quantize(_CENT, rounding=ROUND_HALF_UP):,}"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if any(h in column for h in _PERCENT_HINTS):
            return f"{value:.2%}"
        return f"{value:,.2f}"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def table_cells(df: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    """Header and formatted rows of exactly the rows a chart plots."""
    columns = [str(c) for c in df.columns]
    return columns, [[format_cell(c, v) for c, v in zip(columns, row)] for row in df.itertuples(index=False)]


def table_html(df: pd.DataFrame) -> str:
    """The table behind a chart as one HTML string (the app shows it as a single component: a
    Dash component per cell made a 500-row cohort table block the page for a minute)."""
    header, rows = table_cells(df)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f'<table class="chart-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
