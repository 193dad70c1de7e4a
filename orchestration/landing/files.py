"""Finding landing files and reading them into rows, whatever their format.

Reading is kept apart from loading so that every format (CSV, JSONL, either gzipped, Parquet)
ends up as the same thing: a list of ``(line, record)`` pairs plus the file-level problems,
which ``loader`` validates and writes.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from .contract import BY_FOLDER, SOURCES, LandingObject

FORMATS = (".csv.gz", ".jsonl.gz", ".csv", ".jsonl", ".parquet")
# A single CSV field may be long (notes, descriptions); the csv module's 128 KiB default is not.
csv.field_size_limit(64 * 1024 * 1024)


class FileRejected(Exception):
    """The whole file cannot be loaded (unreadable, wrong encoding, missing required column)."""


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
    editor files) and ignored silently; anything else outside the contract is warned about.
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
                found.warnings.append(f"{source_dir.name}/{obj_dir.name}: not an object of the landing contract; ignored")
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


@dataclass
class ParsedFile:
    columns: list[str]  # header (tabular formats) or the union of keys seen (JSON)
    rows: list[tuple[int, object]]  # (line number, list of str for CSV | dict for JSON/Parquet)
    bad_rows: list[tuple[int, str, str, str]]  # (line, column, value, reason)


def _open_text(lf: LandingFile) -> io.TextIOBase:
    raw = lf.path.read_bytes()
    if lf.fmt and lf.fmt.endswith(".gz"):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise FileRejected(f"not a readable gzip file: {exc}") from exc
    try:
        # utf-8-sig drops an optional byte-order mark
        return io.StringIO(raw.decode("utf-8-sig"), newline="")
    except UnicodeDecodeError as exc:
        raise FileRejected(
            f"not UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start} cannot be decoded; re-export the file as UTF-8"
        ) from exc


def parse(lf: LandingFile) -> ParsedFile:
    fmt = lf.fmt
    if fmt in (".csv", ".csv.gz"):
        return _parse_csv(_open_text(lf))
    if fmt in (".jsonl", ".jsonl.gz"):
        return _parse_jsonl(_open_text(lf))
    if fmt == ".parquet":
        return _parse_parquet(lf.path)
    raise FileRejected(f"unsupported format {lf.path.name}")


def _parse_csv(text: io.TextIOBase) -> ParsedFile:
    reader = csv.reader(text, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise FileRejected(f"header cannot be parsed as CSV: {exc}") from exc
    if header is None:
        return ParsedFile([], [], [])
    header = [h.strip() for h in header]
    if len(set(header)) != len(header):
        dupes = sorted({h for h in header if header.count(h) > 1})
        raise FileRejected(f"header repeats column(s) {', '.join(dupes)}")
    rows: list[tuple[int, object]] = []
    bad: list[tuple[int, str, str, str]] = []
    width = len(header)
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            bad.append((start, "", "", f"malformed CSV record: {exc}"))
            start = reader.line_num + 1
            continue
        if not row or (len(row) == 1 and row[0] == ""):
            start = reader.line_num + 1
            continue  # blank line
        if len(row) != width:
            bad.append((start, "", ",".join(row)[:500], f"expected {width} fields, found {len(row)}"))
        else:
            rows.append((start, row))
        start = reader.line_num + 1
    return ParsedFile(header, rows, bad)


def _parse_jsonl(text: io.TextIOBase) -> ParsedFile:
    rows: list[tuple[int, object]] = []
    bad: list[tuple[int, str, str, str]] = []
    keys: dict[str, None] = {}
    for n, line in enumerate(text, start=1):
        s = line.strip()
        if not s:
            continue
        try:
            rec = json.loads(s)
        except json.JSONDecodeError as exc:
            bad.append((n, "", s[:500], f"invalid JSON: {exc.msg} at column {exc.colno}"))
            continue
        if not isinstance(rec, dict):
            bad.append((n, "", s[:500], "a JSON line must be an object"))
            continue
        keys.update(dict.fromkeys(rec))
        rows.append((n, rec))
    return ParsedFile(list(keys), rows, bad)


def _parse_parquet(path: Path) -> ParsedFile:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for corrupt files
        raise FileRejected(f"not a readable Parquet file: {exc}") from exc
    records = table.to_pylist()
    return ParsedFile(list(table.column_names), [(i + 1, r) for i, r in enumerate(records)], [])
