"""`revops report --out FILE.html`: every chart of the app in one self-contained HTML file.

plotly.js is inlined once at the top (figures are written without it), the app's style sheet is
inlined, and each chart is followed by its caption and a collapsed <details> table of the rows it
plots, so the file opens offline from disk with nothing to load. It is written to a temporary file
next to the target and renamed over it, so a reader never sees half a report.
"""

from __future__ import annotations

import html
from pathlib import Path

import plotly.offline

from ..atomic import write_atomically
from . import charts
from .charts import Filters
from .data import published_at, read

_STYLE = Path(__file__).with_name("assets") / "style.css"


def _chart_html(warehouse: Path, c: charts.Chart) -> str:
    sql, params = c.query(Filters())
    df = read(warehouse, sql, params, exact=True)
    fig = c.figure(df)
    # No plotly.js per figure and no MathJax: the bundle is inlined once for the whole file.
    div = fig.to_html(full_html=False, include_plotlyjs=False, include_mathjax=False, div_id=f"chart-{c.id}-plot",
                      config={"displaylogo": False})
    return (f'<section class="chart" id="chart-{c.id}"><h3>{html.escape(c.title)}</h3>{div}'
            f'<p class="chart-caption"><span class="chart-mart">{html.escape(c.caption)}</span>'
            f'<span class="chart-note">{html.escape(c.note)}</span></p>'
            f'<details class="chart-data"><summary class="table-toggle">Table behind the chart ({len(df)} rows)</summary>'
            f'<div class="table-wrap">{charts.table_html(df)}</div></details></section>')


def render(warehouse: Path) -> str:
    sections = []
    for page_id, title in charts.PAGES:
        body = "".join(_chart_html(warehouse, c) for c in charts.charts_on(page_id))
        sections.append(f'<section class="report-file-page" id="page-{page_id}"><h2>{html.escape(title)}</h2>{body}</section>')
    stamp = f"{warehouse} published {published_at(warehouse)}"
    return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>RevOps report</title>"
            f"<style>{_STYLE.read_text()}</style>"
            f"<script type=\"text/javascript\">{plotly.offline.get_plotlyjs()}</script></head><body>"
            f'<header class="report-file-header"><h1>RevOps report</h1><p id="report-published">{html.escape(stamp)}</p>'
            "<p>All charts use their full date range and every segment; amounts in the reporting currency.</p></header>"
            f"<main>{''.join(sections)}</main></body></html>")


def write_report(warehouse: Path, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    return write_atomically(out, render(warehouse).encode("utf-8"))
