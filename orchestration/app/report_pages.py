"""The app's report pages: the charts of ``charts.CHARTS`` grouped by page, a filter bar, and under
every chart its caption (the marts it reads) and a one-click table of the rows it plots.

Element ids tests and users can rely on:
  filters      #report-dates (inputs #report-start, #report-end), #report-segment
  per chart    section#chart-<id>, graph {"type": "report-graph", "chart": <id>},
               caption .chart-caption, toggle details.chart-data > summary.table-toggle,
               table {"type": "report-table", "chart": <id>} holding table.chart-table
One callback draws every chart of the open page; each of its queries opens its own read-only
connection (``data.read``), so a new publish shows on the next page load without a restart.
"""

from __future__ import annotations

import datetime as dt
import textwrap

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import ALL, Input, Output, dcc, html

from . import charts
from .charts import Chart, Filters
from .data import WarehouseOutOfDate, read

GROUP = "Report"

# The earliest and latest month any filtered chart has, for the date picker's bounds.
_DATE_BOUNDS_SQL = """
SELECT min(lo), max(hi) FROM (
    SELECT min(month) AS lo, max(month) AS hi FROM marts.revenue_kpis_monthly
    UNION ALL SELECT min(month), max(month) FROM marts.sales_kpis_monthly
    UNION ALL SELECT min(cohort_month), max(cohort_month) FROM marts.funnel_conversion_monthly
    UNION ALL SELECT min(quarter), max(quarter) FROM marts.forecast_accuracy_quarterly)"""


def _filter_bar(ctx, page_charts: list[Chart]) -> html.Div:
    bounds = read(ctx.warehouse, _DATE_BOUNDS_SQL, exact=True).iloc[0].tolist()
    segments = read(ctx.warehouse, charts.SEGMENTS_SQL)["segment"].tolist()
    has_segment = any(c.segment_column for c in page_charts)
    return html.Div([
        html.Label("Date range", htmlFor="report-start", className="filter-label"),
        dcc.DatePickerRange(id="report-dates", start_date_id="report-start", end_date_id="report-end",
                            min_date_allowed=bounds[0], max_date_allowed=bounds[1],
                            initial_visible_month=bounds[1], display_format="YYYY-MM-DD", clearable=True,
                            start_date_placeholder_text="first month", end_date_placeholder_text="last month"),
        # Present on every report page (the callback listens to it) but shown only where a chart
        # of the page has a segment: the account's industry, via dim_accounts.
        html.Div([html.Label("Segment", htmlFor="report-segment", className="filter-label"),
                  dcc.Dropdown(id="report-segment", options=segments, placeholder="All segments", clearable=True,
                               className="segment-dropdown")],
                 className="filter-segment", style=None if has_segment else {"display": "none"}),
        html.Span("Amounts in the reporting currency (no mart keeps a native currency column)",
                  className="filter-note"),
    ], className="report-filters")


def _chart_block(c: Chart) -> html.Section:
    return html.Section([
        html.H3(c.title),
        dcc.Graph(id={"type": "report-graph", "chart": c.id}, config={"displaylogo": False},
                  className="report-graph"),
        html.P([html.Span(c.caption, className="chart-mart"), html.Span(c.note, className="chart-note")],
               className="chart-caption"),
        html.Details([html.Summary("Table behind the chart", className="table-toggle"),
                      html.Div(id={"type": "report-table", "chart": c.id}, className="table-wrap")],
                     className="chart-data"),
    ], id=f"chart-{c.id}", className="chart")


def _page(ctx, page_id: str, title: str):
    from .server import Page

    def layout():
        page_charts = charts.charts_on(page_id)
        return html.Div([_filter_bar(ctx, page_charts), *[_chart_block(c) for c in page_charts]],
                        className="report-page")

    return Page(path=f"/{page_id}", title=title, group=GROUP, layout=layout)


def pages(ctx) -> list:
    return [_page(ctx, page_id, title) for page_id, title in charts.PAGES]


def _table(df: pd.DataFrame) -> dcc.Markdown:
    # One component holding the whole table's HTML: Dash renders a component per cell slowly.
    return dcc.Markdown(charts.table_html(df), dangerously_allow_html=True, className="chart-table-md")


def _empty_figure(text: str = "No rows for these filters") -> go.Figure:
    fig = go.Figure()
    fig.update_layout(template="plotly_white", height=200, xaxis=dict(visible=False), yaxis=dict(visible=False),
                      annotations=[dict(text=text, showarrow=False, font=dict(size=14))])
    return fig


def _as_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if value else None


def draw(ctx, c: Chart, filters: Filters) -> tuple[go.Figure, dcc.Markdown]:
    sql, params = c.query(filters)
    try:
        df = read(ctx.warehouse, sql, params, exact=True)
    except WarehouseOutOfDate as exc:  # one chart's mart missing: say so there, draw the others
        return _empty_figure("<br>".join(textwrap.wrap(str(exc), 110))), html.P(str(exc), className="out-of-date")
    return (c.figure(df) if len(df) else _empty_figure()), _table(df)


def register_callbacks(app, ctx) -> None:
    @app.callback(Output({"type": "report-graph", "chart": ALL}, "figure"),
                  Output({"type": "report-table", "chart": ALL}, "children"),
                  Input("report-dates", "start_date"), Input("report-dates", "end_date"),
                  Input("report-segment", "value"))
    def _draw_page(start, end, segment):
        filters = Filters(start=_as_date(start), end=_as_date(end), segment=segment or None)
        ids = [o["id"]["chart"] for o in dash.callback_context.outputs_list[0]]
        drawn = [draw(ctx, charts.chart(i), filters) for i in ids]
        return [fig for fig, _ in drawn], [table for _, table in drawn]
