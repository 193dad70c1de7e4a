"""Paths and settings, resolved in one place from the environment (the CLI sets these)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_DIR / "data"
DEFAULT_LANDING = DATA_DIR / "landing"
DEFAULT_WAREHOUSE = DATA_DIR / "warehouse.duckdb"
DEFAULT_DAGSTER_HOME = DATA_DIR / "dagster_home"

ENV_LANDING = "REVOPS_LANDING"  # landing folder
ENV_WAREHOUSE = "REVOPS_WAREHOUSE"  # the published file readers open
ENV_WORK_DB = "REVOPS_DBT_DATABASE"  # the private working database the build writes (profiles.yml)
ENV_AS_OF = "REVOPS_AS_OF"  # as_of_date, YYYY-MM-DD; default today UTC


def landing_dir() -> Path:
    return Path(os.environ.get(ENV_LANDING) or DEFAULT_LANDING).resolve()


def warehouse_path() -> Path:
    return Path(os.environ.get(ENV_WAREHOUSE) or DEFAULT_WAREHOUSE).resolve()


def work_db_path(warehouse: Path | None = None) -> Path:
    """The build's private database, beside the published file (same filesystem: atomic rename).

    It is always named ``warehouse.duckdb`` inside a private folder: dbt reaches it through the
    fixed path ``target/work/warehouse.duckdb`` (a link to that folder, see project.py), so the
    dbt profile never changes and dbt keeps its partial parse between builds."""
    if os.environ.get(ENV_WORK_DB):
        return Path(os.environ[ENV_WORK_DB]).resolve()
    w = warehouse or warehouse_path()
    return w.with_name(f".{w.stem}.work") / "warehouse.duckdb"


def as_of_date() -> dt.date:
    v = os.environ.get(ENV_AS_OF)
    return dt.date.fromisoformat(v) if v else dt.datetime.now(dt.UTC).date()
