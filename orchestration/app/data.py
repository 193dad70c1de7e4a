"""Reading the published warehouse from the app: one short read-only connection per query."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd


def read(warehouse: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    """Rows of ``sql`` on the published warehouse. The connection is opened read-only and closed
    at once: a build publishes by renaming a new file into place, so the next query sees it."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


def published_at(warehouse: Path) -> str:
    """When the warehouse the app reads was published (UTC, to the second)."""
    ts = dt.datetime.fromtimestamp(warehouse.stat().st_mtime, tz=dt.timezone.utc)
    return ts.strftime("%Y-%m-%d %H:%M:%S UTC")
