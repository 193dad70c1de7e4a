"""Loading landing files into DuckDB schema ``raw``, one transaction per file, with an audit trail.

- Every file seen gets one row in ``audit.load_log`` (per path and content hash), so a re-run on
  the same folder adds nothing: a file whose content is already loaded is skipped, and the same
  content under another name is logged once as ``skipped_duplicate``.
- Rows that break the contract go to ``audit.rejected_rows`` (file, line, column, value,
  reason); the valid rows of the same file still load. rows_read = rows_loaded + rows_rejected.
- Type checks run set-based in DuckDB over the file's rows staged in a temporary table.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from . import contract as c
from .files import FileRejected, LandingFile, content_hash, parse

AUDIT_DDL = """
create schema if not exists raw;
create schema if not exists audit;
create table if not exists audit.load_log (
    file varchar, object varchar, content_hash varchar, rows_read bigint, rows_loaded bigint,
    rows_rejected bigint, status varchar, message varchar, load_id varchar, loaded_at timestamp
);
create table if not exists audit.rejected_rows (
    file varchar, line bigint, column_name varchar, value varchar, reason varchar,
    object varchar, load_id varchar, loaded_at timestamp
);
"""

LINEAGE_DDL = "_source_file varchar, _line bigint, _load_id varchar, _loaded_at timestamp"

# A value of each kind is valid when this SQL predicate over ``v`` (a non-empty VARCHAR) holds.
VALID_SQL = {
    c.SF_DATETIME: r"regexp_full_match(v, '\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})') and try_cast(v as timestamptz) is not null",
    c.ISO_DATETIME: r"regexp_full_match(v, '\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?') and try_cast(v as timestamptz) is not null",
    c.DATE: r"regexp_full_match(v, '\d{4}-\d{2}-\d{2}') and try_cast(v as date) is not null",
    c.MONTH: r"regexp_full_match(v, '\d{4}-\d{2}') and try_cast(v || '-01' as date) is not null",
    c.BOOL: "lower(v) in ('true', 'false', '1', '0')",
    c.NUMBER: r"regexp_full_match(v, '[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?')",
    c.INTEGER: r"regexp_full_match(v, '[+-]?\d+(\.0*)?')",
    c.EPOCH_S: r"regexp_full_match(v, '\d{1,11}')",
    c.EPOCH_MS: r"regexp_full_match(v, '\d{1,14}')",
}
EXPECTED = {
    c.SF_DATETIME: "a Salesforce datetime like 2024-03-05T14:22:11.000Z",
    c.ISO_DATETIME: "an ISO 8601 datetime like 2024-03-05T14:22:11+02:00",
    c.DATE: "a date like 2024-03-05",
    c.MONTH: "a month like 2024-03",
    c.BOOL: "true/false or 1/0",
    c.NUMBER: "a number like 1234.50",
    c.INTEGER: "a whole number",
    c.EPOCH_S: "Unix epoch seconds (an integer)",
    c.EPOCH_MS: "Unix epoch milliseconds (an integer)",
}


def raw_table_ddl(obj: c.LandingObject) -> str:
    if obj.shape == "tabular":
        cols = ", ".join(f'"{name}" varchar' for name in obj.column_names) + ", _extra json"
    else:
        cols = "id varchar, record json"
    return f"create table if not exists raw.{obj.table} ({cols}, {LINEAGE_DDL})"


def ensure_tables(con: duckdb.DuckDBPyConnection, objects=c.OBJECTS) -> None:
    con.execute(AUDIT_DDL)
    for obj in objects:
        con.execute(raw_table_ddl(obj))


@dataclass
class FileResult:
    file: str
    object: str
    status: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    message: str = ""


@dataclass
class ObjectResult:
    table: str
    files: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0

    def total(self, attr: str) -> int:
        return sum(getattr(f, attr) for f in self.files)


def load_object(con: duckdb.DuckDBPyConnection, table: str, files: list[LandingFile], load_id: str) -> ObjectResult:
    obj = c.BY_TABLE[table]
    ensure_tables(con, [obj])
    t0 = time.perf_counter()
    result = ObjectResult(table)
    for lf in files:
        result.files.append(load_file(con, lf, load_id))
    result.seconds = time.perf_counter() - t0
    return result


def load_file(con: duckdb.DuckDBPyConnection, lf: LandingFile, load_id: str) -> FileResult:
    obj = lf.obj
    digest = content_hash(lf.path)
    seen = con.execute(
        "select file, status from audit.load_log where content_hash = ? and status <> 'skipped_duplicate' order by loaded_at limit 1",
        [digest],
    ).fetchone()
    if seen is not None:
        if con.execute("select 1 from audit.load_log where file = ? and content_hash = ?", [lf.relpath, digest]).fetchone():
            return FileResult(lf.relpath, obj.folder, "unchanged", message="already processed")
        res = FileResult(lf.relpath, obj.folder, "skipped_duplicate", message=f"same content as {seen[0]} ({seen[1]})")
        _log(con, res, digest, load_id)
        return res

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    try:
        parsed = parse(lf)
        if obj.shape == "tabular":
            missing = [col for col in obj.required if col not in parsed.columns]
            if missing and parsed.columns:
                raise FileRejected(f"missing required column(s) {', '.join(missing)}")
    except FileRejected as exc:
        res = FileResult(lf.relpath, obj.folder, "rejected", message=f"{lf.relpath}: {exc}")
        _log(con, res, digest, load_id)
        return res

    rows_read = len(parsed.rows) + len(parsed.bad_rows)
    if rows_read == 0:
        res = FileResult(lf.relpath, obj.folder, "empty", message="no data rows")
        _log(con, res, digest, load_id)
        return res

    con.begin()
    try:
        if obj.shape == "tabular":
            staged, bad = _stage_tabular(obj, parsed)
        else:
            staged, bad = _stage_documents(obj, parsed)
        bad = parsed.bad_rows + bad
        con.register("_staged", staged)
        if obj.shape == "tabular":
            bad += _invalid_values(con, obj)
        bad_lines = {b[0] for b in bad}
        con.register("_bad_lines", pa.table({"line": pa.array(sorted(bad_lines), pa.int64())}))
        cols = [f'"{n}"' for n in obj.column_names] + ["_extra"] if obj.shape == "tabular" else ["id", "record"]
        con.execute(
            f"insert into raw.{obj.table} ({', '.join(cols)}, _source_file, _line, _load_id, _loaded_at) "
            f"select {', '.join(cols)}, ?, _line, ?, ? from _staged "
            f"where _line not in (select line from _bad_lines) order by _line",
            [lf.relpath, load_id, now],
        )
        loaded = con.execute(
            f"select count(*) from raw.{obj.table} where _source_file = ? and _load_id = ?", [lf.relpath, load_id]
        ).fetchone()[0]
        if bad:
            con.executemany(
                "insert into audit.rejected_rows values (?, ?, ?, ?, ?, ?, ?, ?)",
                [(lf.relpath, line, col, val, reason, obj.folder, load_id, now) for line, col, val, reason in bad],
            )
        rejected = len(bad_lines)
        if loaded + rejected != rows_read:  # every row read is either loaded or rejected
            raise RuntimeError(f"{lf.relpath}: {rows_read} rows read but {loaded} loaded and {rejected} rejected")
        msg = f"{rejected} row(s) rejected, see audit.rejected_rows" if rejected else ""
        res = FileResult(lf.relpath, obj.folder, "loaded", rows_read, loaded, rejected, msg)
        _log(con, res, digest, load_id, now)
        con.commit()
    except Exception:
        con.rollback()
        raise
    finally:
        for name in ("_staged", "_bad_lines"):
            try:
                con.unregister(name)
            except Exception:
                pass
    return res


def _log(con, res: FileResult, digest: str, load_id: str, now: dt.datetime | None = None) -> None:
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.execute(
        "insert into audit.load_log values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [res.file, res.object, digest, res.rows_read, res.rows_loaded, res.rows_rejected, res.status, res.message, load_id, now],
    )


def _as_text(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list)):
        return json.dumps(v, separators=(",", ":"))
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _stage_tabular(obj: c.LandingObject, parsed) -> tuple[pa.Table, list]:
    """Rows as one VARCHAR column per contract column, unknown columns folded into _extra."""
    header = parsed.columns
    lines = [line for line, _ in parsed.rows]
    if parsed.rows and isinstance(parsed.rows[0][1], dict):  # JSONL / Parquet rows
        records = [r for _, r in parsed.rows]
        data = {n: [_as_text(r.get(n)) for r in records] for n in obj.column_names}
        extra_keys = [k for k in header if k not in obj.column_names]
        extras = [
            json.dumps({k: r.get(k) for k in extra_keys if k in r}, default=str) if extra_keys else None for r in records
        ]
    else:
        index = {name: i for i, name in enumerate(header)}
        rows = [r for _, r in parsed.rows]
        data = {n: ([r[index[n]] for r in rows] if n in index else [None] * len(rows)) for n in obj.column_names}
        extra_idx = [(k, i) for k, i in index.items() if k not in obj.column_names]
        extras = [json.dumps({k: r[i] for k, i in extra_idx}) if extra_idx else None for r in rows]
    arrays = {n: pa.array(v, pa.string()) for n, v in data.items()}
    arrays["_extra"] = pa.array(extras, pa.string())
    arrays["_line"] = pa.array(lines, pa.int64())
    return pa.table(arrays), []


def _stage_documents(obj: c.LandingObject, parsed) -> tuple[pa.Table, list]:
    """JSON objects kept whole; rows lacking a required key or with a mistyped one are rejected."""
    bad = []
    ids, records, lines = [], [], []
    for line, rec in parsed.rows:
        if not isinstance(rec, dict):  # a CSV file given for a document object
            rec = dict(zip(parsed.columns, rec))
        problem = None
        for col in obj.columns:
            v = rec.get(col.name)
            if col.required and col.name not in rec:
                problem = (line, col.name, "", f"required field {col.name} is missing")
            elif col.not_null and (v is None or v == ""):
                problem = (line, col.name, "", f"required field {col.name} is empty")
            elif v is not None and col.kind in (c.EPOCH_S, c.EPOCH_MS) and not _is_int(v):
                problem = (line, col.name, _as_text(v)[:500], f"expected {EXPECTED[col.kind]}")
            elif v is not None and col.kind == c.INTEGER and not _is_int(v):
                problem = (line, col.name, _as_text(v)[:500], f"expected {EXPECTED[col.kind]}")
            if problem:
                break
        if problem:
            bad.append(problem)
            continue
        ids.append(_as_text(rec.get(obj.key)) if obj.key else None)
        records.append(json.dumps(rec, separators=(",", ":"), default=str))
        lines.append(line)
    table = pa.table(
        {"id": pa.array(ids, pa.string()), "record": pa.array(records, pa.string()), "_line": pa.array(lines, pa.int64())}
    )
    return table, bad


def _is_int(v) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return True
    if isinstance(v, float):
        return v.is_integer()
    return isinstance(v, str) and v.strip().lstrip("-").isdigit()


def _invalid_values(con: duckdb.DuckDBPyConnection, obj: c.LandingObject) -> list[tuple[int, str, str, str]]:
    """Set-based type check of the staged rows: one UNION ALL branch per checked column."""
    branches = []
    for col in obj.columns:
        q = f'"{col.name}"'
        if col.not_null:
            branches.append(
                f"select _line, '{col.name}' as col, {q} as val, 'required value {col.name} is empty' as reason "
                f"from _staged where nullif(trim({q}), '') is null"
            )
        if col.kind in VALID_SQL:
            pred = VALID_SQL[col.kind]
            branches.append(
                f"select _line, '{col.name}', {q}, 'expected {EXPECTED[col.kind]}' "
                f"from (select _line, {q}, trim({q}) as v from _staged) where v <> '' and not ({pred})"
            )
    if not branches:
        return []
    rows = con.execute(" union all ".join(branches) + " order by 1, 2").fetchall()
    return [(line, col, (val or "")[:500], reason) for line, col, val, reason in rows]
