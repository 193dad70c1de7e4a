"""Finding landing files and reading them, whatever their format.

Reading is kept apart from loading so that every format (CSV, JSONL, either gzipped, Parquet)
ends up as one of two things the loader stages in DuckDB:

- ``rows``: a header and records as lists of strings aligned with it (CSV; Parquet and JSONL
  given for a tabular object are flattened to the same shape);
- ``json``: one JSON text per record, untouched (JSONL; other formats given for a document
  object are serialised to it). JSON validity and field types are checked set-based in DuckDB.

Records come in batches (``BATCH_ROWS``) with the line they start on, so memory stays bounded
and a rejected row can be named by file and line. Problems that make the whole file unusable
raise ``FileRejected`` with a message meant for the person who exported the file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import decimal
import gzip
import hashlib
import io
import json
import math
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .contract import BY_FOLDER, SOURCES, LandingObject

FORMATS = (".csv.gz", ".jsonl.gz", ".csv", ".jsonl", ".parquet")
BATCH_ROWS = 50_000
MAX_VALUE_CHARS = 500  # values quoted in audit.rejected_rows are cut to this length
# A single CSV field may be long (notes, descriptions); the csv module's 128 KiB default is not.
csv.field_size_limit(256 * 1024 * 1024)


class FileRejected(Exception):
    """The whole file cannot be loaded (unreadable, wrong encoding, missing required column)."""

    def __init__(self, message: str, rows: int = 0):
        super().__init__(message)
        self.rows = rows  # records the file was found to hold, when they could be counted


@dataclass(frozen=True)
class LandingFile:
    obj: LandingObject
    path: Path
    relpath: str  # relative to the landing folder, with forward slashes: the lineage key

    @property
    def fmt(self) -> str | None:
        name = self.path.name.lower()
        return next((f for f in FORMATS if name.endswith(f)), None)


@dataclass
class Discovery:
    files: dict[str, list[LandingFile]] = field(default_factory=dict)  # by raw table
    warnings: list[str] = field(default_factory=list)


def discover(landing: Path) -> Discovery:
    """All files of every contract object, in lexical order of file name, and what was ignored.

    Folders and files whose name starts with ``_`` or ``.`` are private (generator metadata,
    editor files, partial downloads) and ignored silently; anything else outside the contract
    is warned about.
    """
    found = Discovery()
    if not landing.is_dir():
        found.warnings.append(f"landing folder {landing} does not exist; every object loads empty")
        return found
    for source_dir in sorted(p for p in landing.iterdir() if not p.name.startswith((".", "_"))):
        if not source_dir.is_dir():
            found.warnings.append(f"{source_dir.name}: a file at the top of the landing folder is not part of the contract; ignored")
            continue
        if source_dir.name not in SOURCES:
            found.warnings.append(f"{source_dir.name}/: unknown source folder (expected one of {', '.join(SOURCES)}); ignored")
            continue
        for obj_dir in sorted(p for p in source_dir.iterdir() if not p.name.startswith((".", "_"))):
            obj = BY_FOLDER.get(f"{source_dir.name}/{obj_dir.name}")
            if obj is None or not obj_dir.is_dir():
                hint = ""
                near = [o.name for o in BY_FOLDER.values() if o.source == source_dir.name and o.name.lower() == obj_dir.name.lower()]
                if near:
                    hint = f" (object folder names are case-sensitive: did you mean {near[0]}?)"
                found.warnings.append(f"{source_dir.name}/{obj_dir.name}: not an object of the landing contract; ignored{hint}")
                continue
            files = []
            for f in sorted(obj_dir.iterdir(), key=lambda p: p.name):
                if f.name.startswith((".", "_")):
                    continue
                rel = f.relative_to(landing).as_posix()
                lf = LandingFile(obj, f, rel)
                if f.is_dir() or lf.fmt is None:
                    found.warnings.append(f"{rel}: unsupported file type (expected {', '.join(FORMATS)}); ignored")
                    continue
                files.append(lf)
            found.files[obj.table] = files
    return found


def content_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --- reading -------------------------------------------------------------------------------

BadRow = tuple[int, str, str, str]  # (line, column, value, reason)


@dataclass
class Reader:
    """One landing file opened for reading.

    ``batches()`` yields ``(lines, items)``: for kind ``rows`` each item is a list of strings
    (or None) aligned with ``columns``; for kind ``json`` each item is the text of one JSON
    value. Records that cannot even be split into fields are appended to ``bad`` while reading.
    """

    kind: str  # "rows" or "json"
    columns: list[str]
    batches: callable  # () -> Iterator[tuple[list[int], list]]
    bad: list[BadRow] = field(default_factory=list)


def cut(v: str | None) -> str:
    if v is None:
        return ""
    return v if len(v) <= MAX_VALUE_CHARS else v[:MAX_VALUE_CHARS] + f"... ({len(v):,} characters)"


def open_file(lf: LandingFile, want: str) -> Reader:
    """Open a landing file as ``rows`` (tabular objects) or ``json`` (document objects)."""
    fmt = lf.fmt
    if fmt in (".csv", ".csv.gz"):
        reader = _csv_reader(lf)
        return reader if want == "rows" else _rows_as_json(reader)
    if fmt in (".jsonl", ".jsonl.gz"):
        reader = _jsonl_reader(lf)
        return reader if want == "json" else _json_as_rows(reader)
    if fmt == ".parquet":
        return _parquet_reader(lf, want)
    raise FileRejected(f"unsupported format {lf.path.name}")


CHUNK_BYTES = 8 << 20


class _Text:
    """A landing file decoded as UTF-8 in chunks that end at a line end (an optional byte-order
    mark dropped). Decoding a whole chunk at once is fast; when it fails, the line and position
    of the bad byte are worked out for the message. Lines are counted by "\n" (a byte 0x0A never
    occurs inside a multi-byte UTF-8 sequence). Lines holding a NUL character are remembered."""

    def __init__(self, lf: LandingFile):
        self.lf = lf
        self.nul_lines: set[int] = set()

    def chunks(self) -> Iterator[tuple[int, str]]:
        """(number of the chunk's first line, text)."""
        lf = self.lf
        gz = lf.fmt is not None and lf.fmt.endswith(".gz")
        fh = gzip.open(lf.path, "rb") if gz else open(lf.path, "rb")
        line_no, first, buf = 1, True, b""
        with fh:
            while True:
                try:
                    block = fh.read(CHUNK_BYTES)
                except (OSError, EOFError, zlib.error) as exc:
                    if not gz:
                        raise
                    raise FileRejected(f"not a readable gzip file ({exc})") from None
                if block:
                    buf += block
                    cut = buf.rfind(b"\n") + 1
                    if cut == 0:
                        continue  # a line longer than a chunk: read on
                    data, buf = buf[:cut], buf[cut:]
                elif buf:
                    data, buf = buf, b""
                else:
                    return
                if first:
                    first = False
                    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                        raise FileRejected("the file is UTF-16 encoded (it starts with a UTF-16 byte-order mark); "
                                           "re-export it as UTF-8")
                    if data.startswith(codecs.BOM_UTF8):
                        data = data[len(codecs.BOM_UTF8):]
                    if b"\x00" in data.split(b"\n", 1)[0]:
                        raise FileRejected("line 1 contains NUL bytes: not a UTF-8 text file (UTF-16 without a "
                                           "byte-order mark, or binary data?)")
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError as exc:
                    n = line_no + data.count(b"\n", 0, exc.start)
                    pos = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
                    raise FileRejected(
                        f"not UTF-8: line {n} holds byte 0x{data[exc.start]:02x} at position {pos}, which is not valid "
                        f"UTF-8 (the file looks like Latin-1/Windows-1252 or another legacy encoding); re-export it as UTF-8"
                    ) from None
                if "\x00" in text:
                    self.nul_lines.update(line_no + i for i, ln in enumerate(text.split("\n")) if "\x00" in ln)
                yield line_no, text
                line_no += data.count(b"\n")

    def lines(self) -> Iterator[str]:
        """Every line with its line end, split on "\n" only (a lone CR stays inside its line)."""
        for _, text in self.chunks():
            yield from io.StringIO(text, newline="\n")


def _csv_reader(lf: LandingFile) -> Reader:
    text = _Text(lf)
    reader = csv.reader(text.lines(), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        hint = " (lone CR line endings are not supported: re-export with LF or CRLF)" if "new-line character" in str(exc) else ""
        raise FileRejected(f"the header (line 1) cannot be parsed as CSV: {exc}{hint}") from None
    if header is None:
        return Reader("rows", [], lambda: iter(()))
    header = [h.strip() for h in header]
    if len(set(header)) != len(header):
        dupes = sorted({h for h in header if header.count(h) > 1})
        raise FileRejected(f"the header repeats column(s) {', '.join(repr(d) for d in dupes)}")
    width = len(header)
    out = Reader("rows", header, None)
    nul = text.nul_lines

    def batches() -> Iterator[tuple[list[int], list]]:
        nums: list[int] = []
        rows: list[list[str]] = []
        add_num, add_row = nums.append, rows.append
        start = reader.line_num + 1
        while True:
            try:
                for row in reader:  # the hot loop: keep it lean
                    end = reader.line_num
                    if len(row) == width and not (nul and any(start <= n <= end for n in nul)) and (width > 1 or row[0].strip()):
                        add_num(start)
                        add_row(row)
                        if len(rows) >= BATCH_ROWS:
                            yield nums, rows
                            nums, rows = [], []
                            add_num, add_row = nums.append, rows.append
                    elif not row or (len(row) == 1 and row[0].strip() == ""):
                        pass  # blank line
                    elif len(row) != width:
                        out.bad.append((start, "", cut(",".join(row)), f"expected {width} fields as in the header, found {len(row)}"))
                    elif any("\x00" in v for v in row):
                        col = next(h for h, v in zip(header, row) if "\x00" in v)
                        out.bad.append((start, col, cut(row[header.index(col)].replace("\x00", "\\0")),
                                        "the value contains a NUL character"))
                    else:
                        add_num(start)
                        add_row(row)
                    start = end + 1
                break
            except csv.Error as exc:
                end = reader.line_num
                what = f"malformed CSV record (lines {start}-{end}): {exc}" if end > start else f"malformed CSV record: {exc}"
                if "unexpected end of data" in str(exc):
                    what += "; a quoted field is not closed, so the rest of the file was read as one field"
                out.bad.append((start, "", "", what))
                start = end + 1
        if rows:
            yield nums, rows

    out.batches = batches
    return out


def _jsonl_reader(lf: LandingFile) -> Reader:
    def batches() -> Iterator[tuple[list[int], list]]:
        nums: list[int] = []
        texts: list[str] = []
        for first, text in _Text(lf).chunks():
            for n, line in enumerate(text.split("\n"), start=first):
                s = line.strip()
                if not s:
                    continue
                nums.append(n)
                texts.append(s)
            if len(texts) >= BATCH_ROWS:
                yield nums, texts
                nums, texts = [], []
        if texts:
            yield nums, texts

    return Reader("json", [], batches)


def json_error(text: str) -> str:
    """Why a line is not a JSON object, in Python's words (only called for bad lines)."""
    try:
        value = json.loads(text)
    except ValueError as exc:
        return f"invalid JSON: {getattr(exc, 'msg', exc)} at column {getattr(exc, 'colno', '?')}"
    if not isinstance(value, dict):
        return f"a JSON line must be an object, found {type(value).__name__}"
    return "invalid JSON"


def _json_as_rows(reader: Reader) -> Reader:
    """JSONL given for a tabular object: every object flattened to text values; the header is
    the union of keys in order of first appearance (so the whole file is read first)."""
    nums: list[int] = []
    records: list[dict] = []
    keys: dict[str, None] = {}
    out = Reader("rows", [], None)
    for lines, texts in reader.batches():
        for n, t in zip(lines, texts):
            try:
                rec = json.loads(t)
            except ValueError:
                rec = None
            if not isinstance(rec, dict):
                out.bad.append((n, "", cut(t), json_error(t)))
                continue
            keys.update(dict.fromkeys(rec))
            nums.append(n)
            records.append(rec)
    if not records and out.bad:
        raise FileRejected(f"not JSON Lines: no line holds a JSON object (line {out.bad[0][0]}: {out.bad[0][3]})", len(out.bad))
    out.columns = list(keys)

    def batches():
        for i in range(0, len(records), BATCH_ROWS):
            chunk = records[i:i + BATCH_ROWS]
            yield nums[i:i + BATCH_ROWS], [[to_text(r.get(k)) for k in out.columns] for r in chunk]

    out.batches = batches
    return out


def _rows_as_json(reader: Reader) -> Reader:
    """CSV given for a document object: each record becomes a JSON object of its text fields."""
    out = Reader("json", reader.columns, None, reader.bad)

    def batches():
        for lines, rows in reader.batches():
            yield lines, [json.dumps(dict(zip(reader.columns, r)), separators=(",", ":")) for r in rows]

    out.batches = batches
    return out


def _parquet_reader(lf: LandingFile, want: str) -> Reader:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(lf.path)
        columns = list(pf.schema_arrow.names)
    except Exception as exc:  # pyarrow raises several types for corrupt files
        raise FileRejected(f"not a readable Parquet file: {exc}") from None

    def records() -> Iterator[tuple[list[int], list[dict]]]:
        n = 0
        try:
            for batch in pf.iter_batches(batch_size=BATCH_ROWS):
                recs = batch.to_pylist()
                yield list(range(n + 1, n + 1 + len(recs))), recs
                n += len(recs)
        except Exception as exc:
            raise FileRejected(f"not a readable Parquet file: {exc}") from None

    if want == "rows":
        return Reader("rows", columns, lambda: ((lines, [[to_text(r.get(c)) for c in columns] for r in recs])
                                                for lines, recs in records()))
    return Reader("json", columns, lambda: ((lines, [json.dumps(r, separators=(",", ":"), default=_json_default) for r in recs])
                                            for lines, recs in records()))


def _json_default(v):
    if isinstance(v, dt.datetime):
        return to_text(v)
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    return str(v)


def to_text(v) -> str | None:
    """A typed value (Parquet, JSON) as the text a CSV export would hold."""
    if v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return None
        return str(int(v)) if v.is_integer() and abs(v) < 1e18 else repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dt.datetime):  # Salesforce style, UTC; a naive timestamp is taken as UTC
        if v.tzinfo is not None:
            v = v.astimezone(dt.UTC).replace(tzinfo=None)
        return v.strftime("%Y-%m-%dT%H:%M:%S.") + f"{v.microsecond // 1000:03d}Z"
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return format(v, "f")
    if isinstance(v, (dict, list)):
        return json.dumps(v, separators=(",", ":"), default=_json_default)
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    return str(v)
