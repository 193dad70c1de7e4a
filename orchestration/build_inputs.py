"""What a build's marts are a function of, as one fingerprint, so that a build with nothing new
can skip dbt, the checks and publishing (issue 12: "a rebuild with nothing new").

The marts depend on the raw tables (changed only by ingestion, which logs every loaded or
rejected file in ``audit.load_log``), on the code (models, macros, seeds, expectation suites, the
orchestration package), and on the settings that reach dbt or the checks (as-of date, dbt vars,
strict, the Parquet export). The fingerprint hashes all of them.

A full dbt build records its fingerprint in the working database (``audit.build_inputs``), and
publishing copies it into the published file. A later build skips when its fingerprint equals
both: the working database then holds exactly what the published file holds, built from the same
inputs. The record is removed before dbt starts, so a dbt run that fails or is killed never
leaves a stale one; a build whose checks blocked the publish leaves the published file's older
record, so the next build runs again (and fails the same way) rather than pretending.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import duckdb

from .settings import PROJECT_DIR

TABLE = "audit.build_inputs"
# Everything of the project a mart or a check can depend on (tests/ and docs/ cannot).
CODE = ("models", "macros", "seeds", "expectations", "orchestration", "dbt_project.yml", "profiles.yml")
_CODE_SUFFIXES = {".sql", ".yml", ".yaml", ".csv", ".json", ".py"}


def code_digest(root: Path = PROJECT_DIR) -> str:
    h = hashlib.sha256()
    for name in CODE:
        p = root / name
        files = [p] if p.is_file() else sorted(p.rglob("*")) if p.is_dir() else []
        for f in files:
            if f.is_file() and f.suffix in _CODE_SUFFIXES and "__pycache__" not in f.parts:
                h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def _load_log_digest(con: duckdb.DuckDBPyConnection) -> str:
    try:
        row = con.execute(
            "select count(*), coalesce(md5(string_agg(concat_ws('|', file, content_hash, status, rows_loaded, "
            "rows_rejected, load_id), chr(10) order by file, load_id, status)), '') from audit.load_log").fetchone()
    except duckdb.CatalogException:
        return "no load log"
    return f"{row[0]}:{row[1]}"


def fingerprint(work: Path, *, as_of: dt.date, dbt_vars: dict, strict: bool, export_parquet: str,
                code: str | None = None) -> str:
    """The fingerprint of a build about to run dbt on ``work`` (after ingestion); ``code`` is
    code_digest(), when the caller has it already."""
    con = duckdb.connect(str(work), read_only=True)
    try:
        loaded = _load_log_digest(con)
    finally:
        con.close()
    parts = {"code": code or code_digest(), "raw": loaded, "as_of": as_of.isoformat(),
             "dbt_vars": json.dumps(dbt_vars, sort_keys=True, default=str), "strict": bool(strict),
             "export_parquet": export_parquet or ""}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def recorded(db: Path) -> tuple[str, str] | None:
    """(fingerprint, run id) recorded in ``db``, or None (no file, no record, unreadable)."""
    if not db.exists():
        return None
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return None
    try:
        row = con.execute(f"select fingerprint, run_id from {TABLE}").fetchone()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return (row[0], row[1]) if row else None


def forget(work: Path) -> None:
    con = duckdb.connect(str(work))
    try:
        con.execute(f"drop table if exists {TABLE}")
    finally:
        con.close()


def record(work: Path, value: str, run_id: str, code: str) -> None:
    """After a whole dbt build: its fingerprint, and the code digest its incremental models were built with."""
    con = duckdb.connect(str(work))
    try:
        con.execute("create schema if not exists audit")
        con.execute(f"create or replace table {TABLE} (fingerprint varchar, run_id varchar, built_at timestamp)")
        con.execute(f"insert into {TABLE} values (?, ?, now()::timestamp)", [value, run_id])
        con.execute(f"comment on table {TABLE} is 'The inputs this warehouse was built from (orchestration/build_inputs.py): "
                    "a build whose inputs hash the same skips dbt and publishing.'")
        con.execute(f"create or replace table {INCREMENTAL_TABLE} (code_digest varchar, built_at timestamp)")
        con.execute(f"insert into {INCREMENTAL_TABLE} values (?, now()::timestamp)", [code])
        con.execute(f"comment on table {INCREMENTAL_TABLE} is 'The code the incremental staging models were last "
                    "built with (orchestration/build_inputs.py): other code makes the next build a full refresh.'")
    finally:
        con.close()


def unchanged_since(work: Path, published: Path, value: str) -> str | None:
    """The run id of the build both databases hold when it was built from ``value``, else None."""
    here, there = recorded(work), recorded(published)
    if here and there and here == there and here[0] == value:
        return here[1]
    return None


# The incremental staging models (macros/incremental.sql) keep their rows from build to build, and
# dbt rebuilds them only on --full-refresh: a changed model, macro or seed would otherwise leave
# rows staged by the old code. So the code a whole dbt build ran is recorded, and a build whose
# code differs (or that finds no record: a working database from before incremental models)
# refreshes them fully. Unlike the fingerprint, the record survives a failed build: the tables a
# failed incremental build did update are still consistent with the raw rows, key by key.
INCREMENTAL_TABLE = "audit.incremental_code"


def full_refresh_reason(work: Path, code: str) -> str | None:
    """Why the next dbt build must be a full refresh, or None when an incremental one gives the same rows."""
    if not work.exists():
        return "no working database yet"
    con = duckdb.connect(str(work), read_only=True)
    try:
        row = con.execute(f"select code_digest from {INCREMENTAL_TABLE}").fetchone()
    except duckdb.CatalogException:
        return "no record of the code the incremental models were built with"
    finally:
        con.close()
    if row is None:
        return "no record of the code the incremental models were built with"
    return None if row[0] == code else "the models, macros, seeds or orchestration code changed since the last build"

