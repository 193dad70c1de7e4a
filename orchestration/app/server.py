"""The Dash app: a navigation bar, the report pages and the review grids, routed by URL path.

Page modules (``report_pages``, ``steward_pages``) each expose ``pages(ctx) -> list[Page]`` and
``register_callbacks(app, ctx)``; this module only lays them out and routes between them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import dash
from dash import dcc, html
from flask import abort, send_from_directory

from .. import settings
from .data import WarehouseOutOfDate, published_at


@dataclass(frozen=True)
class AppContext:
    warehouse: Path  # the published DuckDB file, read only
    landing: Path    # the landing folder steward decisions are written to
    steward: str     # the name a decision is recorded with unless the steward types another


@dataclass(frozen=True)
class Page:
    path: str        # URL path, e.g. "/mrr"
    title: str       # link text and page heading
    group: str       # "Report" or "Review": the navigation groups pages by it
    layout: Callable[[], object]  # builds the page's components when it is opened


def _page_modules():
    from . import report_pages, steward_pages

    return [report_pages, steward_pages]


def create_app(ctx: AppContext) -> dash.Dash:
    app = dash.Dash(__name__, title="RevOps warehouse", suppress_callback_exceptions=True,
                    update_title=None, assets_folder=str(Path(__file__).with_name("assets")))
    pages: list[Page] = []
    for module in _page_modules():
        pages.extend(module.pages(ctx))
        module.register_callbacks(app, ctx)
    by_path = {p.path: p for p in pages}
    home = pages[0].path if pages else "/"

    groups: dict[str, list[Page]] = {}
    for p in pages:
        groups.setdefault(p.group, []).append(p)
    nav = [html.Div([html.Span(g, className="nav-group"),
                     *[dcc.Link(p.title, href=p.path, className="nav-link", id=f"nav-{p.path.strip('/')}")
                       for p in ps]], className="nav-row") for g, ps in groups.items()]
    nav.append(html.Div([html.A("dbt docs (lineage, every model and column)", href="/dbt-docs/index.html",
                                target="_blank", className="nav-link")], className="nav-row"))

    app.layout = html.Div([
        dcc.Location(id="url"),
        html.Header([html.H1("RevOps warehouse"), html.Div(id="published", className="published")]),
        html.Nav(nav),
        html.Main(id="page"),
    ])

    @app.callback(dash.Output("page", "children"), dash.Output("published", "children"), dash.Input("url", "pathname"))
    def _route(pathname):
        page = by_path.get(pathname or "/") or by_path.get(home)
        stamp = f"{ctx.warehouse.name} published {published_at(ctx.warehouse)}"
        if page is None:
            return html.P("No pages."), stamp
        try:
            body = page.layout()
        except WarehouseOutOfDate as exc:
            body = html.P(str(exc), className="out-of-date", role="alert")
        return html.Div([html.H2(page.title), body], id=f"page-{page.path.strip('/') or 'home'}"), stamp

    server = app.server

    @server.route("/dbt-docs/<path:name>")
    def _dbt_docs(name):  # the site `revops docs` generates, so the app can link to it
        from ..docs_site import docs_dir

        site = docs_dir(ctx.warehouse)
        if not (site / "index.html").exists():
            return ("dbt docs have not been generated for this warehouse yet: run `revops docs`", 404)
        if name not in ("index.html", "manifest.json", "catalog.json"):
            abort(404)
        return send_from_directory(site, name)

    return app


def serve(warehouse: Path, landing: Path, host: str = "127.0.0.1", port: int = settings.DEFAULT_APP_PORT,
          steward: str = "steward") -> int:
    app = create_app(AppContext(warehouse=warehouse, landing=landing, steward=steward))
    print(f"RevOps app: http://{host}:{port}/  (reads {warehouse}; steward decisions go to {landing / 'steward'}; Ctrl-C to stop)",
          flush=True)
    app.run(host=host, port=port, debug=False)
    return 0
