"""Loading landing files into DuckDB schema ``raw``, one transaction per file, with an audit trail.

- Every landing file seen gets a row in ``audit.load_log`` (file, object, content_hash, rows_read,
  rows_loaded, rows_rejected, status, message, load_id, loaded_at), with status ``loaded``,
  ``rejected`` (the whole file), ``skipped_duplicate`` (the same content is already loaded under
  another name) or ``empty`` (no data rows). rows_read = rows_loaded + rows_rejected, always.
- A file already processed with the same content is not logged again, so a re-run on the same
  folder adds nothing. A file whose content changed under the same name replaces the rows of its
  earlier version (a clean run would only see the new content).
- Rows that break the contract go to ``audit.rejected_rows`` (file, line, column_name, value,
  reason); the valid rows of the same file still load.
- A file past a read limit (limits.py), a link leading outside the landing folder and anything
  that is not a regular file are ``rejected`` whole, with the reason; the other files still load.
- Each file is read in batches into temporary tables; types are checked set-based in DuckDB;
  the raw rows, the rejected rows and the log row are then written in one transaction, so a
  process killed at any moment leaves either all of a file or none of it.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from itertools import chain

import duckdb
import numpy as np
import pyarrow as pa

from ..warehouse import fault_point
from . import contract as c
from .files import MAX_VALUE_CHARS, FileRejected, LandingFile, content_hash, cut, json_error, open_file, refusal_hash, scan
from .limits import DEFAULT_LIMITS, ReadLimits

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

# A text value of each kind is valid when this SQL predicate over ``v`` (trimmed, non-empty)
# holds. Each one accepts exactly what the staging models can cast, so a row that passes here
# never fails the build later.
VALID_SQL = {
    c.SF_DATETIME: r"regexp_full_match(v, '\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})') and try_cast(v as timestamptz) is not null",
    c.ISO_DATETIME: r"regexp_full_match(v, '\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?') and try_cast(v as timestamptz) is not null",
    c.DATE: r"regexp_full_match(v, '\d{4}-\d{2}-\d{2}') and try_cast(v as date) is not null",
    c.MONTH: r"regexp_full_match(v, '\d{4}-\d{2}') and try_cast(v || '-01' as date) is not null",
    c.BOOL: "lower(v) in ('true', 'false', '1', '0')",
    c.NUMBER: r"regexp_full_match(v, '[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?') and try_cast(v as decimal(38, 10)) is not null",
    c.INTEGER: r"regexp_full_match(v, '[+-]?\d+(\.0*)?') and try_cast(try_cast(v as double) as bigint) is not null",
    c.DUPLICATE_DECISION: "lower(v) in ('accept', 'reject')",
    # steward decisions (issue 10): closed vocabularies, matched as staging does (trimmed, lower case)
    c.LEAKAGE_TYPE: "lower(v) in (" + ", ".join(f"'{t}'" for t in c.LEAKAGE_TYPES) + ")",
    c.LEAKAGE_DECISION: "lower(v) in (" + ", ".join(f"'{t}'" for t in c.LEAKAGE_DECISION_VALUES) + ")",
}
# The same for values read from JSON documents (json_extract_string gives 1.7e12 as
# '1700000000000.0'); staging casts them straight to BIGINT / DECIMAL.
_JSON_INT = r"try_cast(v as bigint) is not null and (regexp_full_match(v, '[+-]?\d+(\.0*)?') or try_cast(v as double) = try_cast(v as bigint))"
VALID_JSON_SQL = {
    c.INTEGER: _JSON_INT,
    c.EPOCH_S: f"{_JSON_INT} and try_cast(v as bigint) between 0 and 253402300799",
    c.EPOCH_MS: f"{_JSON_INT} and try_cast(v as bigint) between 0 and 253402300799999",
    c.NUMBER: "try_cast(v as decimal(38, 10)) is not null and lower(v) not in ('nan', 'inf', '-inf', 'infinity', '-infinity')",
    c.DATE: VALID_SQL[c.DATE],
    c.SF_DATETIME: VALID_SQL[c.SF_DATETIME],
    c.ISO_DATETIME: VALID_SQL[c.ISO_DATETIME],
}
EXPECTED = {
    c.SF_DATETIME: "a Salesforce datetime like 2024-03-05T14:22:11.000Z",
    c.ISO_DATETIME: "an ISO 8601 datetime like 2024-03-05T14:22:11+02:00",
    c.DATE: "a date like 2024-03-05",
    c.MONTH: "a month like 2024-03",
    c.BOOL: "true/false or 1/0",
    c.NUMBER: "a number like 1234.50",
    c.INTEGER: "a whole number",
    c.LEAKAGE_TYPE: "one of " + ", ".join(c.LEAKAGE_TYPES),
    c.LEAKAGE_DECISION: "one of " + ", ".join(c.LEAKAGE_DECISION_VALUES),
    c.EPOCH_S: "Unix epoch seconds (a whole number)",
    c.EPOCH_MS: "Unix epoch milliseconds (a whole number)",
    c.DUPLICATE_DECISION: "accept or reject",
    "array": "a JSON array",
}
ARRAY = "array"

# Fields inside Stripe objects that the staging models cast; checked like top-level fields so a
# malformed invoice line is quarantined instead of failing the build. ``[*]`` walks an array.
NESTED_CHECKS: dict[str, tuple[tuple[str, str], ...]] = {
    "billing_invoices": (
        ("status_transitions.paid_at", c.EPOCH_S),
        ("lines.data", ARRAY),
        ("lines.data[*].amount", c.INTEGER),
        ("lines.data[*].quantity", c.INTEGER),
        ("lines.data[*].period.start", c.EPOCH_S),
        ("lines.data[*].period.end", c.EPOCH_S),
        ("lines.data[*].proration", c.BOOL),
        ("lines.data[*].discount_amounts", ARRAY),
        ("lines.data[*].discount_amounts[*].amount", c.INTEGER),
        ("lines.data[*].price.recurring.interval_count", c.INTEGER),
    ),
    "billing_subscriptions": (
        ("items.data", ARRAY),
        ("items.data[*].quantity", c.INTEGER),
        ("discount.coupon.percent_off", c.NUMBER),
        ("discount.coupon.amount_off", c.INTEGER),
    ),
    "billing_prices": (("recurring.interval_count", c.INTEGER),),
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
    status: str  # loaded / rejected / skipped_duplicate / empty, or "unchanged" (already processed, not logged again)
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


def connect(path, limits: ReadLimits = DEFAULT_LIMITS) -> duckdb.DuckDBPyConnection:
    """A connection for loading. Commits stay cheap (the WAL is checkpointed at 1 GB, or when the
    connection closes, instead of every 16 MB), which also keeps the file less fragmented. Its
    memory is capped (``loader_memory_bytes``): a big file's staging tables spill to DuckDB's
    temporary folder instead of growing with the file."""
    con = duckdb.connect(str(path))
    con.execute("set checkpoint_threshold = '1GB'")
    con.execute(f"set memory_limit = '{int(limits.loader_memory_bytes)}B'")
    return con


def file_state(con: duckdb.DuckDBPyConnection, obj: c.LandingObject) -> dict[str, tuple[str, str]]:
    """The latest (content_hash, status) logged for each file of an object."""
    rows = con.execute(
        "select file, arg_max(content_hash, loaded_at), arg_max(status, loaded_at) from audit.load_log "
        "where object = ? group by file",
        [obj.folder],
    ).fetchall()
    return {f: (h, s) for f, h, s in rows}


def load_object(con: duckdb.DuckDBPyConnection, table: str, files: list[LandingFile], load_id: str,
                limits: ReadLimits = DEFAULT_LIMITS) -> ObjectResult:
    obj = c.BY_TABLE[table]
    ensure_tables(con, [obj])
    t0 = time.perf_counter()
    result = ObjectResult(table)
    state = file_state(con, obj)
    for lf in files:
        result.files.append(load_file(con, lf, load_id, state, limits))
    result.seconds = time.perf_counter() - t0
    return result


def _holder(state: dict[str, tuple[str, str]], digest: str, exclude: str) -> str | None:
    """Another file of the object whose current content is ``digest`` and whose rows are loaded."""
    return next((f for f, (h, s) in sorted(state.items()) if f != exclude and h == digest and s == "loaded"), None)


def load_file(con: duckdb.DuckDBPyConnection, lf: LandingFile, load_id: str,
              state: dict[str, tuple[str, str]] | None = None, limits: ReadLimits = DEFAULT_LIMITS) -> FileResult:
    obj = lf.obj
    if state is None:
        ensure_tables(con, [obj])
        state = file_state(con, obj)
    refused = lf.refused
    if refused:
        digest = refusal_hash(lf)
    else:
        try:
            digest = content_hash(lf.path)
        except OSError as exc:  # unreadable (permissions, vanished): refused like a link outside
            refused = f"{lf.relpath} cannot be read ({exc.strerror or exc}); not loaded"
            digest = refusal_hash(LandingFile(lf.obj, lf.path, lf.relpath, refused))
    prev = state.get(lf.relpath)
    if prev is not None and prev[0] == digest:
        if prev[1] != "skipped_duplicate" or _holder(state, digest, lf.relpath):
            return FileResult(lf.relpath, obj.folder, "unchanged", message="already processed")
        # a duplicate whose original is no longer loaded: load it now (below)

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if refused:
        res = FileResult(lf.relpath, obj.folder, "rejected", message=refused)
        _write(con, obj, lf, res, digest, load_id, now, replaces=prev is not None)
        state[lf.relpath] = (digest, res.status)
        return res
    holder = _holder(state, digest, lf.relpath)
    if holder is not None:
        res = FileResult(lf.relpath, obj.folder, "skipped_duplicate", message=f"same content as {holder}, loaded once")
        _write(con, obj, lf, res, digest, load_id, now, replaces=prev is not None)
        state[lf.relpath] = (digest, res.status)
        return res

    try:
        try:
            staged = _stage(con, lf, limits)
            if staged.rows + staged.bad:
                _validate(con, obj, staged)
        except (FileRejected, OSError) as exc:
            if isinstance(exc, OSError):  # the file went away or became unreadable while being read
                exc = FileRejected(f"cannot be read ({exc.strerror or exc})")
            n = exc.rows
            res = FileResult(lf.relpath, obj.folder, "rejected", n, 0, n, f"{lf.relpath}: {exc}")
            _write(con, obj, lf, res, digest, load_id, now, replaces=prev is not None)
            state[lf.relpath] = (digest, res.status)
            return res
        rows_read = staged.rows + staged.bad
        if rows_read == 0:
            res = FileResult(lf.relpath, obj.folder, "empty", message="no data rows")
            _write(con, obj, lf, res, digest, load_id, now, replaces=prev is not None)
            state[lf.relpath] = (digest, res.status)
            return res
        res = _commit_rows(con, obj, lf, staged, digest, load_id, now, replaces=prev is not None)
        state[lf.relpath] = (digest, res.status)
        return res
    finally:
        for name in ("_stage", "_readbad", "_bad", "_docs", "_items", "_items2"):
            con.execute(f"drop table if exists temp.{name}")
        con.execute("drop view if exists temp._typed")


@dataclass
class Staged:
    shape: str
    columns: list[str]  # tabular: the file's header, staged as c0..cN
    rows: int  # records staged in temp._stage
    bad: int  # records rejected while reading (not staged; their rows are in temp._readbad)


def _flush_bad(con: duckdb.DuckDBPyConnection, bad: list) -> int:
    """Move the rows a reader rejected so far into temp._readbad (so a file of millions of broken
    lines does not pile them up in memory)."""
    n = len(bad)
    if n:
        lines, cols, vals, reasons = (list(x) for x in zip(*bad))
        con.from_arrow(pa.table({"_line": pa.array(lines, pa.int64()), "column_name": pa.array(cols, pa.string()),
                                 "value": pa.array(vals, pa.string()), "reason": pa.array(reasons, pa.string())})
                       ).insert_into("temp._readbad")
        bad.clear()
    return n


def _stage(con: duckdb.DuckDBPyConnection, lf: LandingFile, limits: ReadLimits = DEFAULT_LIMITS) -> Staged:
    """Read the file into ``temp._stage`` (``_line`` + c0..cN text columns, or ``_line`` + ``_text``
    JSON), batch by batch. Raises FileRejected when the file as a whole cannot be used."""
    obj = lf.obj
    con.execute("create or replace temp table _readbad (_line bigint, column_name varchar, value varchar, reason varchar)")
    reader = open_file(lf, "rows" if obj.shape == "tabular" else "json", limits)
    bad = 0
    if reader.kind == "rows":
        header = reader.columns
        if header and obj.shape == "tabular":
            missing = [col for col in obj.required if col not in header]
            if missing:
                raise FileRejected(_missing_message(missing, header), _count_rows(reader))
        if FAST_CSV and lf.fmt in (".csv", ".csv.gz") and len(header) >= 2 and lf.path.stat().st_size >= FAST_CSV_MIN_BYTES:
            n = _stage_csv_fast(con, lf, len(header), limits)
            if n is not None:
                return Staged("tabular", header, n, 0)
        cols = ", ".join(f"c{i} varchar" for i in range(len(header)))
        con.execute(f"create or replace temp table _stage (_line bigint{', ' + cols if cols else ''})")
        n = 0
        width = len(header)
        for lines, rows in reader.batches():
            bad += _flush_bad(con, reader.bad)
            # one flat string array, then every column taken out of it: much faster than zip(*rows)
            flat = pa.array(list(chain.from_iterable(rows)), pa.string())
            arrays = {"_line": pa.array(lines, pa.int64())}
            for i in range(width):
                arrays[f"c{i}"] = flat.take(pa.array(np.arange(i, len(rows) * width, width)))
            con.from_arrow(pa.table(arrays)).insert_into("temp._stage")
            n += len(lines)
        bad += _flush_bad(con, reader.bad)
        return Staged("tabular", header, n, bad)

    con.execute("create or replace temp table _stage (_line bigint, _text varchar)")
    n = 0
    for lines, texts in reader.batches():
        bad += _flush_bad(con, reader.bad)
        con.from_arrow(pa.table({"_line": pa.array(lines, pa.int64()), "_text": pa.array(texts, pa.string())})).insert_into("temp._stage")
        n += len(lines)
    bad += _flush_bad(con, reader.bad)
    return Staged("document", reader.columns, n, bad)


FAST_CSV = True  # tests turn it off to prove both paths stage the same rows
FAST_CSV_MIN_BYTES = 256 * 1024  # below this, starting DuckDB's reader costs more than it saves


# DuckDB expands glob characters in paths and needs UTF-8: such names take the Python reader.
_GLOB_CHARS = set("*?[]{}")


def _duckdb_can_open(path) -> bool:
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return not (_GLOB_CHARS & set(text)) and all(ch.isprintable() for ch in text)


def _stage_csv_fast(con: duckdb.DuckDBPyConnection, lf: LandingFile, width: int,
                    limits: ReadLimits = DEFAULT_LIMITS) -> int | None:
    """Stage a CSV file with DuckDB's own reader, when that provably gives what the Python reader
    gives: DuckDB parses it without any error in strict mode, and it has exactly one record per
    physical line after the header (no blank line, no quoted line break), so record i is line
    i + 1. Returns the number of rows staged, or None to fall back to the Python reader (which
    then names every problem by line). The read limits are checked by a first pass (``scan``),
    since DuckDB's reader knows nothing of them; a line that might hold a field past the field
    limit goes to the Python reader, which names it."""
    if not _duckdb_can_open(lf.path):
        return None
    found = scan(lf, limits)
    if found is None or found.lines < 2 or found.long_lines or found.nul:
        return None
    lines = found.lines
    cols = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    names = ", ".join(f"c{i}" for i in range(width))
    try:
        con.execute(
            f"create or replace temp table _stage as select cast(_n + 1 as bigint) as _line, "
            + ", ".join(f"coalesce(c{i}, '') as c{i}" for i in range(width))
            + f" from read_csv({_lit(str(lf.path))}, columns = {cols}, header = true, auto_detect = false, "
            "delim = ',', quote = '\"', escape = '\"', strict_mode = true, null_padding = false, ignore_errors = false, "
            f"encoding = 'utf-8', compression = 'auto') with ordinality as t({names}, _n)"
        )
    except duckdb.Error:
        con.execute("drop table if exists temp._stage")
        return None
    n = con.execute("select count(*) from temp._stage").fetchone()[0]
    if n != lines - 1:
        con.execute("drop table if exists temp._stage")
        return None
    return n


def _count_rows(reader) -> int:
    n = 0
    try:
        for lines, _ in reader.batches():
            n += len(lines) + len(reader.bad)
            reader.bad.clear()
    except FileRejected:
        return 0
    return n + len(reader.bad)


def _missing_message(missing: list[str], header: list[str]) -> str:
    parts = []
    for col in missing:
        near = [h for h in header if h.lower() == col.lower()]
        parts.append(f"{col} (found {near[0]!r}: column names are case-sensitive)" if near else col)
    return f"missing required column(s) {', '.join(parts)}; the file is not loaded"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _json_path(dotted: str) -> str:
    """``lines.data[*].amount`` -> ``$."lines"."data"[*]."amount"``."""
    out = "$"
    for part in dotted.split("."):
        wild = part.endswith("[*]")
        key = part[:-3] if wild else part
        out += "." + '"' + key.replace('"', '\\"') + '"' + ("[*]" if wild else "")
    return out


def _validate(con: duckdb.DuckDBPyConnection, obj: c.LandingObject, staged: Staged) -> None:
    """Fill ``temp._bad`` (_line, column_name, value, reason) with every contract violation."""
    con.execute("create or replace temp table _bad as select * from temp._readbad")
    if staged.shape == "tabular":
        _validate_tabular(con, obj, staged)
    else:
        _validate_documents(con, obj, staged)


def _validate_tabular(con: duckdb.DuckDBPyConnection, obj: c.LandingObject, staged: Staged) -> None:
    index = {name: i for i, name in enumerate(staged.columns)}
    select = [f"c{index[n]} as {_q(n)}" if n in index else f"cast(null as varchar) as {_q(n)}" for n in obj.column_names]
    extra = [(name, i) for name, i in index.items() if name not in obj.column_names]
    if extra:
        select.append("json_object(" + ", ".join(f"{_lit(name)}, c{i}" for name, i in extra) + ") as _extra")
    else:
        select.append("cast(null as json) as _extra")
    con.execute(f"create or replace temp view _typed as select _line, {', '.join(select)} from temp._stage")
    branches = []
    for col in obj.columns:
        if col.name not in index:
            continue
        q = _q(col.name)
        if col.not_null:
            branches.append(
                f"select _line, {_lit(col.name)}, {q}, {_lit(f'required value {col.name} is empty')} "
                f"from temp._typed where nullif(trim({q}), '') is null"
            )
        if col.kind in VALID_SQL:
            branches.append(
                f"select _line, {_lit(col.name)}, {q}, {_lit('expected ' + EXPECTED[col.kind])} "
                f"from (select _line, {q}, trim({q}) as v from temp._typed) where v <> '' and not ({VALID_SQL[col.kind]})"
            )
    if branches:
        con.execute("insert into temp._bad " + " union all ".join(branches))


WORDED_JSON_ERRORS = 500


def _validate_documents(con: duckdb.DuckDBPyConnection, obj: c.LandingObject, staged: Staged) -> None:
    # (path, kind, required, not_null): the contract's fields, then the nested ones staging casts.
    # Paths under an array (``lines.data[*].amount``) are checked on the unnested array items.
    fields = [(col.name, col.kind, col.required, col.not_null) for col in obj.columns]
    under: dict[str, list[tuple[str, str, bool, bool]]] = {}
    for dotted, kind in NESTED_CHECKS.get(obj.table, ()):
        if "[*]." in dotted:
            prefix, _, rest = dotted.partition("[*].")
            under.setdefault(prefix, []).append((rest, kind, False, False))
        elif dotted not in [f[0] for f in fields]:
            fields.append((dotted, kind, False, False))
    names = [f[0] for f in fields]
    con.execute(_extract_sql("_docs", "_text", "temp._stage where try(json_type(_text)) = 'OBJECT'", names))
    # lines that are not a JSON object; Python's parser words the reason for the first few
    # hundred (fetched one at a time: each may be as long as the line limit), SQL cuts the rest
    not_doc = "from temp._stage where _line not in (select _line from temp._docs)"
    n_bad = con.execute(f"select count(*) {not_doc}").fetchone()[0]
    if n_bad:
        res = con.execute(f"select _line, _text {not_doc} order by _line limit {WORDED_JSON_ERRORS}")
        rows = []
        while (r := res.fetchone()) is not None:
            rows.append((r[0], "", cut(r[1]), json_error(r[1])))
        if n_bad == staged.rows and not staged.bad:
            raise FileRejected(f"not JSON Lines: no line holds a JSON object (line {rows[0][0]}: {rows[0][3]})", staged.rows)
        lines, cols, vals, reasons = (list(x) for x in zip(*rows))
        con.from_arrow(pa.table({"_line": pa.array(lines, pa.int64()), "column_name": pa.array(cols, pa.string()),
                                 "value": pa.array(vals, pa.string()), "reason": pa.array(reasons, pa.string())})
                       ).insert_into("temp._bad")
        if n_bad > WORDED_JSON_ERRORS:
            con.execute(
                f"insert into temp._bad select _line, '', case when length(_text) <= {MAX_VALUE_CHARS} then _text "
                f"else left(_text, {MAX_VALUE_CHARS}) || '... (' || format('{{:,}}', length(_text)) || ' characters)' end, "
                f"'not a JSON object' {not_doc} order by _line offset {WORDED_JSON_ERRORS}")
    branches = _field_checks("temp._docs", "_text", fields)
    for prefix, subs in under.items():
        i = names.index(prefix) + 1
        con.execute(
            "create or replace temp table _items as select _line, "
            f"unnest(cast(json_extract(_text, {_lit(_json_path(prefix))}) as json[])) as item "
            f"from temp._docs where ts[{i}] = 'ARRAY'"
        )
        flat = [f for f in subs if "[*]" not in f[0]]
        con.execute(_extract_sql("_items2", "item", "temp._items", [f[0] for f in flat]))
        branches += _field_checks("temp._items2", "item", flat, label=f"{prefix}[*].")
        for rest, kind, *_ in subs:  # a second array level: few items, checked with a list filter
            if "[*]" in rest:
                pred = VALID_JSON_SQL[kind]
                branches.append(
                    f"select _line, {_lit(prefix + '[*].' + rest)}, bad[1], {_lit('expected ' + EXPECTED[kind])} from "
                    f"(select _line, list_filter(json_extract_string(item, {_lit(_json_path(rest))}), "
                    f"lambda v: v is not null and not coalesce({pred}, false)) as bad from temp._items) where len(bad) > 0"
                )
    if branches:
        con.execute("insert into temp._bad " + " union all ".join(branches))
    for name in ("_items", "_items2"):
        con.execute(f"drop table if exists temp.{name}")


def _extract_sql(table: str, col: str, source: str, paths: list[str]) -> str:
    """A temp table with every path's text value (``vs``) and JSON type (``ts``), parsing each
    document twice instead of once per field."""
    if not paths:
        return f"create or replace temp table {table} as select _line, {col}, [] as vs, [] as ts from {source}"
    plist = "[" + ", ".join(_lit(_json_path(p)) for p in paths) + "]"
    return (f"create or replace temp table {table} as select _line, {col}, json_extract_string({col}, {plist}) as vs, "
            f"json_type({col}, {plist}) as ts from {source}")


def _field_checks(table: str, col: str, fields, label: str = "") -> list[str]:
    """SQL branches (_line, column_name, value, reason) for the fields of ``table`` built by
    ``_extract_sql``: presence, non-empty, and the kind's format."""
    branches = []
    for i, (path, kind, required, not_null) in enumerate(fields, start=1):
        name = _lit(label + path)
        v, t = f"vs[{i}]", f"ts[{i}]"
        if required:
            branches.append(f"select _line, {name}, '', {_lit(f'required field {path} is missing')} from {table} where {t} is null")
        if not_null:
            branches.append(
                f"select _line, {name}, coalesce({v}, ''), {_lit(f'required field {path} is empty')} "
                f"from {table} where {t} = 'NULL' or ({t} is not null and trim(coalesce({v}, '')) = '')"
            )
        if kind == ARRAY:
            branches.append(
                f"select _line, {name}, {v}, {_lit('expected a JSON array')} from {table} where {t} not in ('ARRAY', 'NULL')"
            )
        elif kind == c.BOOL:
            branches.append(
                f"select _line, {name}, {v}, {_lit('expected true or false')} from {table} "
                f"where {t} not in ('NULL', 'BOOLEAN') and try_cast(json_extract({col}, {_lit(_json_path(path))}) as boolean) is null"
            )
        elif kind in VALID_JSON_SQL:
            branches.append(
                f"select _line, {name}, v, {_lit('expected ' + EXPECTED[kind])} from "
                f"(select _line, {v} as v, {t} as t from {table}) where t <> 'NULL' and not coalesce({VALID_JSON_SQL[kind]}, false)"
            )
    return branches


def _forget(con: duckdb.DuckDBPyConnection, obj: c.LandingObject, relpath: str) -> int:
    """Remove what an earlier version of this file loaded (its content changed under the same name)."""
    n = con.execute(f"delete from raw.{obj.table} where _source_file = ?", [relpath]).fetchone()[0]
    con.execute("delete from audit.rejected_rows where file = ?", [relpath])
    return n


def _write(con, obj, lf: LandingFile, res: FileResult, digest: str, load_id: str, now: dt.datetime, replaces: bool) -> None:
    """Log a file that loads no rows (rejected, empty, duplicate), in one transaction with the
    removal of an earlier version's rows."""
    con.begin()
    try:
        if replaces:
            removed = _forget(con, obj, lf.relpath)
            if removed:
                res.message += f" (replaces {removed} row(s) of an earlier version of this file, now removed from raw)"
        _log(con, res, digest, load_id, now)
        fault_point("ingest:before-commit")
        con.commit()
    except BaseException:
        con.rollback()
        raise


def _commit_rows(con, obj: c.LandingObject, lf: LandingFile, staged: Staged, digest: str, load_id: str,
                 now: dt.datetime, replaces: bool) -> FileResult:
    rows_read = staged.rows + staged.bad
    con.begin()
    try:
        removed = _forget(con, obj, lf.relpath) if replaces else 0
        if obj.shape == "tabular":
            cols = [_q(n) for n in obj.column_names] + ["_extra"]
            source = "temp._typed"
            values = ", ".join(cols)
        else:
            cols = ["id", "record"]
            source = "temp._docs"
            values = f"json_extract_string(_text, {_lit(_json_path(obj.key or 'id'))}), json(_text)"
        loaded = con.execute(
            f"insert into raw.{obj.table} ({', '.join(cols)}, _source_file, _line, _load_id, _loaded_at) "
            f"select {values}, ?, _line, ?, ? from {source} "
            f"where _line not in (select _line from temp._bad) order by _line",
            [lf.relpath, load_id, now],
        ).fetchone()[0]
        rejected = con.execute("select count(distinct _line) from temp._bad").fetchone()[0]
        con.execute(
            "insert into audit.rejected_rows select ?, _line, column_name, left(value, 600), reason, ?, ?, ? "
            "from temp._bad order by _line, column_name",
            [lf.relpath, obj.folder, load_id, now],
        )
        if loaded + rejected != rows_read:  # every row read is either loaded or rejected
            raise RuntimeError(f"{lf.relpath}: {rows_read} rows read but {loaded} loaded and {rejected} rejected")
        msg = ""
        if rejected:
            msg = (f"all {rejected} row(s) rejected" if loaded == 0 else f"{rejected} row(s) rejected") + ", see audit.rejected_rows"
        if removed:
            msg = (msg + "; " if msg else "") + f"replaces {removed} row(s) of an earlier version of this file"
        res = FileResult(lf.relpath, obj.folder, "loaded", rows_read, loaded, rejected, msg)
        _log(con, res, digest, load_id, now)
        fault_point("ingest:before-commit")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return res


def _log(con, res: FileResult, digest: str, load_id: str, now: dt.datetime) -> None:
    con.execute(
        "insert into audit.load_log values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [res.file, res.object, digest, res.rows_read, res.rows_loaded, res.rows_rejected, res.status, res.message, load_id, now],
    )


def rejection_summary(con: duckdb.DuckDBPyConnection, obj: c.LandingObject, files: list[str], limit: int = 5) -> tuple[list[tuple], list[tuple]]:
    """For the given files (those in the landing folder now): their current log rows that rejected
    something, and a few of their rejected rows. Strict mode and the asset check read this, so a
    problem stays visible on re-runs until the file is fixed or removed."""
    if not files:
        return [], []
    current = con.execute(
        "with latest as (select file, arg_max(status, loaded_at) as status, arg_max(rows_rejected, loaded_at) as rows_rejected, "
        "arg_max(message, loaded_at) as message from audit.load_log where object = ? group by file) "
        "select file, status, rows_rejected, message from latest where file in (select unnest(?)) "
        "and (status = 'rejected' or rows_rejected > 0) order by file",
        [obj.folder, files],
    ).fetchall()
    samples = []
    if current:
        samples = con.execute(
            "select file, line, column_name, value, reason from audit.rejected_rows where file in (select unnest(?)) "
            "order by file, line, column_name limit ?",
            [[f for f, *_ in current], limit],
        ).fetchall()
    return current, samples
