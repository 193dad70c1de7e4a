"""The review pages (group "Review"): duplicate candidates and leakage findings as AG Grids a
steward sorts, filters, selects rows of (checkboxes) and decides on, GridBuddy-style.

Each grid row carries its current status: the latest decision in the steward landing files
(steward_store), even one the warehouse has not built yet; else what the warehouse says
(``review_status`` of a finding, ``open`` for a candidate). Decisions are written by
steward_store.record; the next ``revops build`` applies them. Rows are read from the published
warehouse each time a page is opened or a decision saved, so a new publish shows without a restart.

Stable element ids (tests and CSS use them), for a review ``<p>`` (``dup`` or ``leak``):
``<p>-grid``, ``<p>-steward`` (name), ``<p>-note``, ``<p>-btn-<decision>``, ``<p>-message``,
``<p>-history``; grid row ids are ``<key a>|<key b>`` (steward_store.normalise_key).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import dash
import dash_ag_grid as dag
import pandas as pd
from dash import Input, Output, State, dcc, html

from . import steward_store as store
from .data import read
from .server import AppContext, Page


@dataclass(frozen=True)
class Review:
    prefix: str                       # element id prefix
    path: str
    title: str
    kind: store.Kind
    mart: str                         # the table the rows come from, named on the page
    sql: str
    buttons: tuple[tuple[str, str], ...]  # (decision value, button label)
    built_status: Callable[[pd.DataFrame], pd.Series]  # the warehouse's status per row
    columns: Callable[[], list[dict]]  # column definitions after the status columns
    intro: str


def _side_by_side(field: str, header: str, **extra) -> dict:
    """A column group with record A and record B next to each other; B is highlighted when it
    differs from A, so a steward sees at a glance where the records disagree."""
    return {"headerName": header, "marryChildren": True, "children": [
        {"field": f"{field}_a", "headerName": "A", **extra},
        {"field": f"{field}_b", "headerName": "B", **extra,
         "cellClassRules": {"cell-differs": f"params.data.{field}_a !== params.data.{field}_b"}},
    ]}


def _duplicate_columns() -> list[dict]:
    return [
        {"field": "match_probability", "headerName": "Match probability", "filter": "agNumberColumnFilter",
         "valueFormatter": {"function": "params.value == null ? '' : d3.format('.4f')(params.value)"},
         "sort": "desc", "width": 150},
        _side_by_side("first_name", "First name"),
        _side_by_side("last_name", "Last name"),
        _side_by_side("email", "Email", minWidth=200),
        _side_by_side("company", "Company"),
        _side_by_side("company_domain", "Company domain"),
        _side_by_side("object", "Object", width=95),
        _side_by_side("record_id", "Record Id", minWidth=180),
    ]


def _leakage_columns() -> list[dict]:
    return [
        {"field": "leakage_type", "headerName": "Type", "width": 170},
        {"field": "amount_at_risk_mrr", "headerName": "MRR at risk", "filter": "agNumberColumnFilter",
         "valueFormatter": {"function": "params.value == null ? '' : d3.format(',.2f')(params.value)"},
         "type": "rightAligned", "sort": "desc", "width": 140},
        {"field": "detected_for_month", "headerName": "Month", "width": 135},
        {"field": "account_id", "headerName": "Account", "width": 180},
        {"field": "reference_id", "headerName": "Reference", "width": 190},
        {"field": "detail", "headerName": "Detail", "minWidth": 300, "flex": 1, "tooltipField": "detail"},
        {"field": "review_status", "headerName": "Status in warehouse", "width": 160},
    ]


REVIEWS = (
    Review(
        prefix="dup", path="/review/duplicates", title="Duplicate candidates", kind=store.DUPLICATES,
        mart="marts.dq_duplicate_candidates",
        sql="select * from marts.dq_duplicate_candidates order by match_probability desc, record_id_a, record_id_b",
        buttons=(("accept", "Accept (same person)"), ("reject", "Reject (different people)")),
        built_status=lambda df: pd.Series("open", index=df.index),
        columns=_duplicate_columns,
        intro="Pairs of CRM records the linkage model scores as likely the same person, which the email and "
              "name + domain rules do not join. Accepted pairs join marts.dq_duplicate_people (match rule "
              "steward); rejected pairs are not proposed again.",
    ),
    Review(
        prefix="leak", path="/review/leakage", title="Leakage findings", kind=store.LEAKAGE,
        mart="marts.revenue_leakage",
        sql="select * from marts.revenue_leakage order by amount_at_risk_mrr desc nulls last, leakage_type, reference_id",
        buttons=(("confirmed", "Confirm"), ("dismissed", "Dismiss"), ("resolved", "Resolve")),
        built_status=lambda df: df["review_status"],
        columns=_leakage_columns,
        intro="Revenue the billing system may be missing. A finding's status is its latest decision; "
              "marts.revenue_leakage shows it as review_status after the next build.",
    ),
)


def _when(d: store.Decision) -> str:
    return d.decided_at.strftime("%Y-%m-%d %H:%M UTC")


def _rows(ctx: AppContext, r: Review) -> list[dict]:
    """The grid's rows: the mart's rows now, each with its current status and decision summary."""
    df = read(ctx.warehouse, r.sql)
    built = r.built_status(df).astype(str)
    hist: dict[tuple, list[store.Decision]] = {}
    for d in store.history(ctx.landing, r.kind):
        hist.setdefault(d.key, []).append(d)
    a, b = r.kind.key
    keys = [store.normalise_key(r.kind, x, y) for x, y in zip(df[a].astype(str), df[b].astype(str))]
    status, pending, count, last = [], [], [], []
    for key, wh in zip(keys, built):
        ds = hist.get(key, [])
        latest = ds[-1] if ds else None
        status.append(latest.decision if latest else wh)
        # A decided candidate leaves dq_duplicate_candidates once built, so one still listed is
        # waiting for the build; a finding waits until review_status shows the decision.
        waiting = latest is not None and (r.kind is store.DUPLICATES or latest.decision != wh)
        pending.append("next build" if waiting else "")
        count.append(len(ds))
        last.append(f"{latest.decision} by {latest.decided_by}, {_when(latest)}" if latest else "")
    df = df.assign(row_id=["|".join(k) for k in keys], status=status, applies=pending, decisions=count,
                   last_decision=last)
    # JSON-safe values for the browser: dates and timestamps as ISO text (a date without its
    # midnight), missing values as null.
    for col in df.columns:
        if pd.api.types.is_datetime64_any_dtype(df[col]):
            t = df[col]
            fmt = "%Y-%m-%d" if (t.dropna() == t.dropna().dt.normalize()).all() else "%Y-%m-%d %H:%M:%S"
            df[col] = t.dt.strftime(fmt).astype(object).where(t.notna(), None)
        elif not pd.api.types.is_numeric_dtype(df[col]):
            df[col] = df[col].map(lambda v: None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v))
    return df.astype(object).where(df.notna(), None).to_dict("records")


def _status_columns() -> list[dict]:
    return [
        {"field": "status", "headerName": "Status", "width": 120,
         "cellClassRules": {f"status-{s}": f"params.value === '{s}'" for s in
                            ("open", "accept", "reject", "confirmed", "dismissed", "resolved")}},
        {"field": "applies", "headerName": "Applied", "width": 115,
         "headerTooltip": "'next build': decided in the landing files, not yet in the warehouse"},
        {"field": "decisions", "headerName": "Decisions", "filter": "agNumberColumnFilter", "width": 110},
        {"field": "last_decision", "headerName": "Last decision", "width": 250, "tooltipField": "last_decision"},
    ]


def _layout(ctx: AppContext, r: Review):
    p = r.prefix
    controls = html.Div([
        html.Label(["Steward", dcc.Input(id=f"{p}-steward", type="text", value=ctx.steward, debounce=False)],
                   className="steward-field"),
        html.Label(["Note (applies to every selected row)",
                    dcc.Textarea(id=f"{p}-note", value="", placeholder="why: optional, recorded with the decision")],
                   className="steward-field steward-note"),
        html.Div([html.Button(label, id=f"{p}-btn-{value}", n_clicks=0, className=f"steward-btn btn-{value}")
                  for value, label in r.buttons], className="steward-buttons"),
        html.Span("No rows selected", id=f"{p}-selected", className="steward-selected"),
    ], className="steward-controls")
    grid = dag.AgGrid(
        id=f"{p}-grid",
        rowData=_rows(ctx, r),
        columnDefs=_status_columns() + r.columns(),
        getRowId="params.data.row_id",
        defaultColDef={"sortable": True, "filter": True, "floatingFilter": True, "resizable": True},
        dashGridOptions={
            "rowSelection": {"mode": "multiRow", "checkboxes": True, "headerCheckbox": True,
                             "selectAll": "filtered", "enableClickSelection": False},
            "pagination": True, "paginationPageSize": 50, "tooltipShowDelay": 300,
            "animateRows": False, "domLayout": "autoHeight",  # a page of rows, no inner scrollbar
        },
        className="ag-theme-quartz steward-grid",
        style={"width": "100%"},
    )
    return html.Div([
        html.P([r.intro, " Rows: ", html.Code(r.mart), "."], className="steward-intro"),
        controls,
        html.Div(id=f"{p}-message", className="steward-message", role="status"),
        grid,
        html.Div([html.H3("History of the selected rows"),
                  html.Div("Select a row to see every decision on it.", id=f"{p}-history")],
                 className="steward-history"),
    ], className="steward-page", id=f"{p}-page")


def pages(ctx: AppContext) -> list[Page]:
    return [Page(r.path, r.title, "Review", (lambda r=r: _layout(ctx, r))) for r in REVIEWS]


def _history_panel(ctx: AppContext, r: Review, selected: list[dict] | None):
    if not selected:
        return "Select a row to see every decision on it."
    by_key: dict[tuple, list[store.Decision]] = {}
    for d in store.history(ctx.landing, r.kind):
        by_key.setdefault(d.key, []).append(d)
    blocks = []
    for row in selected[:20]:
        key = tuple(row["row_id"].split("|", 1))
        ds = by_key.get(key, [])
        items = [html.Li([html.B(d.decision), f" by {d.decided_by}, {_when(d)}",
                          html.Span(f" ({d.file}, line {d.line})", className="history-file"),
                          *([html.Div(d.note, className="history-note")] if d.note else [])]) for d in ds]
        blocks.append(html.Div([html.Div(" / ".join(key), className="history-key"),
                                html.Ol(items) if items else html.P("No decision yet.", className="history-none")],
                               className="history-row"))
    if len(selected) > 20:
        blocks.append(html.P(f"... and {len(selected) - 20} more selected rows."))
    return blocks


def register_callbacks(app: dash.Dash, ctx: AppContext) -> None:
    for r in REVIEWS:
        _register(app, ctx, r)


def _register(app: dash.Dash, ctx: AppContext, r: Review) -> None:
    p = r.prefix
    buttons = [Input(f"{p}-btn-{value}", "n_clicks") for value, _ in r.buttons]

    @app.callback(
        Output(f"{p}-message", "children"), Output(f"{p}-message", "className"),
        Output(f"{p}-grid", "rowData"), Output(f"{p}-note", "value"),
        *buttons,
        State(f"{p}-grid", "selectedRows"), State(f"{p}-steward", "value"), State(f"{p}-note", "value"),
        prevent_initial_call=True,
    )
    def _save(*args):
        selected, steward, note = args[-3:]
        value = dash.ctx.triggered_id.removeprefix(f"{p}-btn-")
        a, b = r.kind.key
        decisions = [{a: k[0], b: k[1], "decision": value}
                     for k in (row["row_id"].split("|", 1) for row in selected or [])]
        try:
            path = store.record(ctx.landing, r.kind, decisions, steward, note or None)
        except store.DecisionError as exc:
            return f"Nothing written: {exc}.", "steward-message error", dash.no_update, dash.no_update
        n = len(decisions)
        msg = (f"{n} decision{'s' if n != 1 else ''} ({value}) written to "
               f"steward/{r.kind.folder}/{path.name}; the next `revops build` applies "
               f"{'them' if n != 1 else 'it'}.")
        # The selection stays (rows keep their ids), so the history panel shows the new decision.
        return msg, "steward-message ok", _rows(ctx, r), ""

    @app.callback(Output(f"{p}-history", "children"), Output(f"{p}-selected", "children"),
                  Input(f"{p}-grid", "selectedRows"), Input(f"{p}-grid", "rowData"))
    def _history(selected, _rows_now):
        n = len(selected or [])
        label = f"{n} row{'s' if n != 1 else ''} selected" if n else "No rows selected"
        return _history_panel(ctx, r, selected), label
