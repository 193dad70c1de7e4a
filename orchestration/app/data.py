"""Reading the published warehouse from the app: one short read-only connection per query."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd


class WarehouseOutOfDate(RuntimeError):
    """The published warehouse lacks a relation the app reads: it was built by an older version
    of the project (or a build failed before publishing one). The message says what to do."""


def read(warehouse: Path, sql: str, params: list | None = None, exact: bool = False) -> pd.DataFrame:
    """Rows of ``sql`` on the published warehouse. The connection is opened read-only and closed
    at once: a build publishes by renaming a new file into place, so the next query sees it.

    ``exact=True`` keeps DuckDB's own Python values (``Decimal`` money, ``date`` months) in
    object columns instead of pandas' float64 conversion, for tables that show money to the cent."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        try:
            cur = con.execute(sql, params or [])
        except duckdb.CatalogException as exc:
            missing = str(exc).splitlines()[0].removeprefix("Catalog Error: ")
            raise WarehouseOutOfDate(f"{warehouse} cannot answer this page ({missing}): it was built by an "
                                     f"older version of the project. Run `revops build` to rebuild it.") from None
        if not exact:
            return cur.df()
        columns = [d[0] for d in cur.description]
        return pd.DataFrame(cur.fetchall(), columns=columns, dtype=object)
    finally:
        con.close()


def published_at(warehouse: Path) -> str:
    """When the warehouse the app reads was published (UTC, to the second)."""
    ts = dt.datetime.fromtimestamp(warehouse.stat().st_mtime, tz=dt.timezone.utc)
    return ts.strftime("%Y-%m-%d %H:%M:%S UTC")
