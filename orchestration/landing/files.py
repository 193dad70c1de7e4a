"""Finding landing files and reading them, whatever their format.

Reading is kept apart from loading so that every format (CSV, JSONL, either gzipped, Parquet)
ends up as one of two things the loader stages in DuckDB:

- ``rows``: a header and records as lists of strings aligned with it (CSV; Parquet and JSONL
  given for a tabular object are flattened to the same shape);
- ``json``: one JSON text per record, untouched (JSONL; other formats given for a document
  object are serialised to it). JSON validity and field types are checked set-based in DuckDB.

Records come in batches (``BATCH_ROWS`` records or ``BATCH_BYTES`` of text) with the line they
start on, so a rejected row can be named by file and line. Every reader streams and stops at the
``ReadLimits`` (limits.py): memory depends on those limits, never on the file. Problems that make
the whole file unusable raise ``FileRejected`` with a message meant for the person who exported
the file.

The landing folder is the boundary of what a build reads: a symbolic link that resolves outside
it, or anything that is not a regular file, is never opened; it is logged as rejected. File names
reach the audit tables in a printable form (``display_name``), whatever bytes they hold.
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
import os
import stat
import unicodedata
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..progress import say
from .contract import BY_FOLDER, SOURCES, LandingObject
from .limits import DEFAULT_LIMITS, ReadLimits, size

FORMATS = (".csv.gz", ".jsonl.gz", ".csv", ".jsonl", ".parquet")
BATCH_ROWS = 50_000
BATCH_BYTES = 64 << 20  # a batch also ends after this much text, so wide records keep batches small
MAX_VALUE_CHARS = 500  # values quoted in audit.rejected_rows are cut to this length
PROGRESS_BYTES = 512 << 20  # a long file says how far it got every this many bytes


class FileRejected(Exception):
    """The whole file cannot be loaded (unreadable, wrong encoding, missing required column)."""

    def __init__(self, message: str, rows: int = 0):
        super().__init__(message)
        self.rows = rows  # records the file was found to hold, when they could be counted


def display_name(name: str) -> str:
    """A file or folder name as printable text that maps back to its bytes: bytes that are not
    UTF-8 become ``\\xff``, control and format characters ``\\x1b`` / ``\\u202e``, and a backslash
    is doubled. Names that need none of this are unchanged."""
    out = []
    for ch in name:
        o = ord(ch)
        if 0xDC80 <= o <= 0xDCFF:  # an undecodable byte, as os.fsdecode carries it
            out.append(f"\\x{o - 0xDC00:02x}")
        elif ch == "\\":
            out.append("\\\\")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            out.append(f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}")
        else:
            out.append(ch)
    return "".join(out)


def _rel(path: Path, landing: Path) -> str:
    return "/".join(display_name(part) for part in path.relative_to(landing).parts)


@dataclass(frozen=True)
class LandingFile:
    obj: LandingObject
    path: Path
    relpath: str  # relative to the landing folder, printable (display_name), with forward slashes: the lineage key
    refused: str | None = None  # why the file is not opened at all (a link leading outside, not a regular file)

    @property
    def fmt(self) -> str | None:
        name = self.path.name.lower()
        return next((f for f in FORMATS if name.endswith(f)), None)


@dataclass
class Discovery:
    files: dict[str, list[LandingFile]] = field(default_factory=dict)  # by raw table
    warnings: list[str] = field(default_factory=list)


def _outside(path: Path, root: Path) -> str | None:
    """Why ``path`` must not be read because it leads outside the landing folder ``root``, or None."""
    try:
        target = path.resolve()
    except (OSError, RuntimeError):
        return "is a symbolic link that cannot be resolved (a loop?)"
    if target == root or target.is_relative_to(root):
        return None
    return f"is a symbolic link to {display_name(str(target))}, outside the landing folder"


def _not_regular(path: Path) -> str | None:
    """Why ``path`` (inside the landing folder) is not a file that can be read, or None."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "is a symbolic link whose target does not exist"
    except OSError as exc:
        return f"cannot be examined ({exc.strerror or exc})"
    if stat.S_ISREG(mode):
        return None
    kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else \
        "a device" if (stat.S_ISCHR(mode) or stat.S_ISBLK(mode)) else "not a regular file"
    return f"is {kind}, not a regular file"


def discover(landing: Path) -> Discovery:
    """All files of every contract object, in lexical order of file name, and what was ignored.

    Folders and files whose name starts with ``_`` or ``.`` are private (generator metadata,
    editor files, partial downloads) and ignored silently; anything else outside the contract
    is warned about. A symbolic link (source folder, object folder or file) that resolves outside
    the landing folder is not followed: it is listed as a refused file of each object it would
    hold, so the load log names it.
    """
    found = Discovery()
    if not landing.is_dir():
        found.warnings.append(f"landing folder {landing} does not exist; every object loads empty")
        return found
    root = landing.resolve()
    for source_dir in sorted(p for p in landing.iterdir() if not p.name.startswith((".", "_"))):
        sname = display_name(source_dir.name)
        if source_dir.name in SOURCES and (why := _outside(source_dir, root)):
            for obj in (o for o in BY_FOLDER.values() if o.source == source_dir.name):
                found.files.setdefault(obj.table, []).append(
                    LandingFile(obj, source_dir, sname, f"{sname} {why}; nothing under it is read"))
            continue
        if not source_dir.is_dir():
            found.warnings.append(f"{sname}: a file at the top of the landing folder is not part of the contract; ignored")
            continue
        if source_dir.name not in SOURCES:
            found.warnings.append(f"{sname}/: unknown source folder (expected one of {', '.join(SOURCES)}); ignored")
            continue
        for obj_dir in sorted(p for p in source_dir.iterdir() if not p.name.startswith((".", "_"))):
            obj = BY_FOLDER.get(f"{source_dir.name}/{obj_dir.name}")
            orel = _rel(obj_dir, landing)
            if obj is not None and (why := _outside(obj_dir, root)):
                found.files[obj.table] = [LandingFile(obj, obj_dir, orel, f"{orel} {why}; nothing under it is read")]
                continue
            if obj is None or not obj_dir.is_dir():
                hint = ""
                near = [o.name for o in BY_FOLDER.values() if o.source == source_dir.name and o.name.lower() == obj_dir.name.lower()]
                if near:
                    hint = f" (object folder names are case-sensitive: did you mean {near[0]}?)"
                found.warnings.append(f"{orel}: not an object of the landing contract; ignored{hint}")
                continue
            files = []
            for f in sorted(obj_dir.iterdir(), key=lambda p: p.name):
                if f.name.startswith((".", "_")):
                    continue
                rel = _rel(f, landing)
                lf = LandingFile(obj, f, rel)
                if lf.fmt is None or (f.is_dir() and not f.is_symlink()):
                    found.warnings.append(f"{rel}: unsupported file type (expected {', '.join(FORMATS)}); ignored")
                    continue
                why = _outside(f, root) or _not_regular(f)
                files.append(LandingFile(obj, f, rel, f"{rel} {why}; not read") if why else lf)
            found.files.setdefault(obj.table, []).extend(files)
    return found


def refusal_hash(lf: LandingFile) -> str:
    """Stands for the content of a refused file in the load log: changes when the reason does
    (e.g. the link is re-pointed), so the file is logged again only then."""
    return hashlib.sha256(f"refused\0{lf.relpath}\0{lf.refused}".encode("utf-8", "backslashreplace")).hexdigest()


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
    value. Records that cannot even be split into fields are appended to ``bad`` while reading
    (the consumer may empty it after each batch).
    """

    kind: str  # "rows" or "json"
    columns: list[str]
    batches: callable  # () -> Iterator[tuple[list[int], list]]
    bad: list[BadRow] = field(default_factory=list)


def cut(v: str | None) -> str:
    if v is None:
        return ""
    return v if len(v) <= MAX_VALUE_CHARS else v[:MAX_VALUE_CHARS] + f"... ({len(v):,} characters)"


def open_file(lf: LandingFile, want: str, limits: ReadLimits = DEFAULT_LIMITS) -> Reader:
    """Open a landing file as ``rows`` (tabular objects) or ``json`` (document objects)."""
    fmt = lf.fmt
    if fmt in (".csv", ".csv.gz"):
        reader = _csv_reader(lf, limits)
        return reader if want == "rows" else _rows_as_json(reader)
    if fmt in (".jsonl", ".jsonl.gz"):
        reader = _jsonl_reader(lf, limits)
        return reader if want == "json" else _json_as_rows(reader)
    if fmt == ".parquet":
        return _parquet_reader(lf, want, limits)
    raise FileRejected(f"unsupported format {lf.path.name}")


CHUNK_BYTES = 2 << 20  # read this much at a time (gzip holds about three times this while it reads)
LONG_LINE_BYTES = 4 << 20  # a line longer than this is only buffered after scan() has checked the file


def open_binary(lf: LandingFile):
    """The file's bytes, decompressed for a ``.gz`` name, which must then hold a gzip stream (a
    zero-byte or plain-text ``.gz`` is a broken file, not an empty one)."""
    if lf.fmt is not None and lf.fmt.endswith(".gz"):
        with open(lf.path, "rb") as raw:
            magic = raw.read(2)
        if not magic:
            raise FileRejected("not a readable gzip file: it is empty (0 bytes), so it holds no gzip stream")
        if magic != b"\x1f\x8b":
            raise FileRejected(f"not a readable gzip file: it starts with bytes {magic.hex(' ')}, not the gzip "
                               "signature 1f 8b")
        return gzip.open(lf.path, "rb")
    return open(lf.path, "rb")


def _too_big(limits: ReadLimits, line: int) -> FileRejected:
    return FileRejected(f"line {line}: the file expands to more than {size(limits.max_decompressed_bytes)} "
                        "(limit max_decompressed_bytes); the file is not loaded")


def _too_long(limits: ReadLimits, line: int) -> FileRejected:
    return FileRejected(f"line {line} is longer than {size(limits.max_line_bytes)} (limit max_line_bytes); "
                        "the file is not loaded")


class _Text:
    """A landing file decoded as UTF-8 in chunks that end at a line end (an optional byte-order
    mark dropped). Decoding a whole chunk at once is fast; when it fails, the line and position
    of the bad byte are worked out for the message. Lines are counted by "\n" (a byte 0x0A never
    occurs inside a multi-byte UTF-8 sequence). Lines holding a NUL character are remembered.

    The limits are enforced here: the decompressed size as bytes arrive; a line without an end
    as soon as it outgrows max_line_bytes; and in ``lines()`` the size of a CSV record, which the
    CSV reader resets after each record. A line is only buffered whole once it is known to fit:
    when one outgrows ``LONG_LINE_BYTES``, ``scan()`` first checks every line of the file in
    bounded memory, so rejecting a line of any length costs about ``LONG_LINE_BYTES``, not the
    limit (a valid long line is still held whole: the CSV and JSON parsers need it)."""

    def __init__(self, lf: LandingFile, limits: ReadLimits):
        self.lf = lf
        self.limits = limits
        self.nul_lines: set[int] = set()
        self.read_bytes = 0  # bytes handed out so far (batches end by size as well as by count)
        self.pending = 0  # characters of the record being read; the CSV reader sets it to 0 after each record
        self.pending_line = 1
        self.checked = False  # every line is known to be within max_line_bytes (scan() passed)

    def chunks(self) -> Iterator[tuple[int, str]]:
        """(number of the chunk's first line, text)."""
        lf, lim = self.lf, self.limits
        gz = lf.fmt is not None and lf.fmt.endswith(".gz")
        fh = open_binary(lf)
        line_no, first, buf = 1, True, bytearray()
        total, next_say = 0, PROGRESS_BYTES
        checked = self.checked
        with fh:
            while True:
                try:
                    block = fh.read(CHUNK_BYTES)
                except (OSError, EOFError, zlib.error) as exc:
                    if not gz:
                        raise
                    raise FileRejected(f"not a readable gzip file ({exc})") from None
                if block:
                    total += len(block)
                    if total > lim.max_decompressed_bytes:
                        over = len(block) - (total - lim.max_decompressed_bytes)
                        raise _too_big(lim, line_no + buf.count(b"\n") + block.count(b"\n", 0, over))
                    if total >= next_say:
                        say(f"ingest {lf.relpath}: {size(total)} read, at line {line_no:,}")
                        next_say += PROGRESS_BYTES
                    buf += block
                    cut = buf.rfind(b"\n") + 1
                    if cut == 0:
                        if len(buf) > lim.max_line_bytes:
                            raise _too_long(lim, line_no)
                        if len(buf) > LONG_LINE_BYTES and not checked:
                            # A long line: before holding more of it, one pass over the whole file
                            # (keeping nothing) proves every line within the limits, else rejects
                            # the file; so a line past the limit never grows this buffer.
                            scan(lf, lim)
                            checked = True
                        continue  # a line longer than a chunk: read on
                    data = bytes(buf[:cut])
                    del buf[:cut]
                elif buf:
                    data, buf = bytes(buf), bytearray()
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
                del data
                if "\x00" in text:
                    self.nul_lines.update(line_no + i for i, ln in enumerate(text.split("\n")) if "\x00" in ln)
                first_line = line_no
                line_no += text.count("\n")
                self.read_bytes = total - len(buf)
                yield first_line, text

    def lines(self) -> Iterator[str]:
        """Every line with its line end, split on "\n" only (a lone CR stays inside its line)."""
        limit = self.limits.max_line_bytes
        n = 1
        for _, text in self.chunks():
            for line in io.StringIO(text, newline="\n"):
                if not self.pending:
                    self.pending_line = n
                self.pending += len(line)
                if self.pending > limit:
                    if self.pending_line == n:
                        raise _too_long(self.limits, n)
                    raise FileRejected(f"the CSV record starting on line {self.pending_line} is longer than "
                                       f"{size(limit)} by line {n} (limit max_line_bytes; a quoted field that is "
                                       "never closed?); the file is not loaded")
                n += 1
                yield line


def _field_too_long(limits: ReadLimits, where: str) -> FileRejected:
    return FileRejected(f"{where}: a field is longer than {size(limits.max_field_bytes)} (limit max_field_bytes); "
                        "the file is not loaded")


def _csv_reader(lf: LandingFile, limits: ReadLimits) -> Reader:
    # The csv module's limit is process-wide; every reader sets it before it parses anything.
    csv.field_size_limit(limits.max_field_bytes)
    text = _Text(lf, limits)
    reader = csv.reader(text.lines(), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise _field_too_long(limits, "line 1 (the header)") from None
        hint = " (lone CR line endings are not supported: re-export with LF or CRLF)" if "new-line character" in str(exc) else ""
        raise FileRejected(f"the header (line 1) cannot be parsed as CSV: {exc}{hint}") from None
    text.pending = 0
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
        csv.field_size_limit(limits.max_field_bytes)
        nums: list[int] = []
        rows: list[list[str]] = []
        add_num, add_row = nums.append, rows.append
        start = reader.line_num + 1
        mark = text.read_bytes
        while True:
            try:
                for row in reader:  # the hot loop: keep it lean
                    text.pending = 0
                    end = reader.line_num
                    if len(row) == width and not (nul and any(start <= n <= end for n in nul)) and (width > 1 or row[0].strip()):
                        add_num(start)
                        add_row(row)
                        if len(rows) >= BATCH_ROWS or text.read_bytes - mark >= BATCH_BYTES:
                            yield nums, rows
                            nums, rows = [], []
                            add_num, add_row = nums.append, rows.append
                            mark = text.read_bytes
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
                text.pending = 0
                end = reader.line_num
                if "field larger than field limit" in str(exc):
                    raise _field_too_long(limits, f"line {start}") from None
                what = f"malformed CSV record (lines {start}-{end}): {exc}" if end > start else f"malformed CSV record: {exc}"
                if "unexpected end of data" in str(exc):
                    what += "; a quoted field is not closed, so the rest of the file was read as one field"
                out.bad.append((start, "", "", what))
                start = end + 1
        if rows:
            yield nums, rows

    out.batches = batches
    return out


def _jsonl_reader(lf: LandingFile, limits: ReadLimits) -> Reader:
    limit = limits.max_line_bytes

    def batches() -> Iterator[tuple[list[int], list]]:
        nums: list[int] = []
        texts: list[str] = []
        chars = 0
        for first, text in _Text(lf, limits).chunks():
            for n, line in enumerate(text.split("\n"), start=first):
                if len(line) > limit:
                    raise _too_long(limits, n)
                s = line.strip()
                if not s:
                    continue
                nums.append(n)
                texts.append(s)
                chars += len(s)
            if len(texts) >= BATCH_ROWS or chars >= BATCH_BYTES:
                yield nums, texts
                nums, texts, chars = [], [], 0
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
    the union of keys in order of first appearance. The file is read twice (keys, then rows), so
    memory holds one batch, not the file."""
    keys: dict[str, None] = {}
    good, first_bad = 0, None
    for lines, texts in reader.batches():
        for n, t in zip(lines, texts):
            try:
                rec = json.loads(t)
            except ValueError:
                rec = None
            if isinstance(rec, dict):
                keys.update(dict.fromkeys(rec))
                good += 1
            elif first_bad is None:
                first_bad = (n, json_error(t))
    if not good and first_bad:
        raise FileRejected(f"not JSON Lines: no line holds a JSON object (line {first_bad[0]}: {first_bad[1]})",
                           sum(len(lines) for lines, _ in reader.batches()))
    out = Reader("rows", list(keys), None)

    def batches():
        for lines, texts in reader.batches():
            nums, rows = [], []
            for n, t in zip(lines, texts):
                try:
                    rec = json.loads(t)
                except ValueError:
                    rec = None
                if not isinstance(rec, dict):
                    out.bad.append((n, "", cut(t), json_error(t)))
                    continue
                nums.append(n)
                rows.append([to_text(rec.get(k)) for k in out.columns])
            if nums:
                yield nums, rows

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


@dataclass
class Scan:
    lines: int  # physical lines (a last line without a line end counts)
    long_lines: bool  # some line is longer than max_field_bytes, so a field might be
    nul: bool = False  # some line holds a NUL byte (DuckDB's reader must not take the file)


def scan(lf: LandingFile, limits: ReadLimits = DEFAULT_LIMITS) -> Scan | None:
    """One pass over the file's bytes, in bounded memory (a chunk, whatever the lines): it
    enforces max_decompressed_bytes and max_line_bytes (FileRejected), counts lines and tells
    whether a field could be past max_field_bytes or a line holds a NUL byte. Used before DuckDB's
    CSV reader, which knows nothing of the limits, and by the Python reader before it buffers a
    long line. None when the file cannot be read to its end (the Python reader words that; every
    line before the fault was checked)."""
    long_at = min(limits.max_field_bytes, limits.max_line_bytes)
    lines, total, run, long_lines, nul = 0, 0, 0, False, False  # run: bytes since the last line end
    next_say = PROGRESS_BYTES
    try:
        with open_binary(lf) as fh:
            while block := fh.read(CHUNK_BYTES):
                total += len(block)
                if total > limits.max_decompressed_bytes:
                    raise _too_big(limits, lines + 1 + block.count(b"\n", 0, len(block) - (total - limits.max_decompressed_bytes)))
                if total >= next_say:
                    say(f"ingest {lf.relpath}: {size(total)} checked, at line {lines:,}")
                    next_say += PROGRESS_BYTES
                nul = nul or b"\x00" in block
                first = block.find(b"\n")
                if first < 0:
                    run += len(block)
                    if run > limits.max_line_bytes:
                        raise _too_long(limits, lines + 1)
                    continue
                if run + first > long_at:
                    if run + first > limits.max_line_bytes:
                        raise _too_long(limits, lines + 1)
                    long_lines = True
                last = block.rfind(b"\n")
                if last - first > long_at:  # lines inside the block may be long (limits below the chunk size)
                    for i, ln in enumerate(block[first + 1:last].split(b"\n")):
                        if len(ln) > limits.max_line_bytes:
                            raise _too_long(limits, lines + 2 + i)
                        long_lines = long_lines or len(ln) > long_at
                lines += block.count(b"\n")
                run = len(block) - last - 1
    except (OSError, EOFError, zlib.error):
        return None
    if run > limits.max_line_bytes:  # a last line without a line end
        raise _too_long(limits, lines + 1)
    return Scan(lines + (1 if run else 0), long_lines or run > long_at, nul)


PARQUET_NESTED = ("struct", "list", "large_list", "fixed_size_list", "map", "union", "list_view", "large_list_view")


def _parquet_reader(lf: LandingFile, want: str, limits: ReadLimits) -> Reader:
    """Parquet read one record batch at a time (pyarrow decodes a row group's pages as needed).

    Contract columns of a tabular object must hold text: a nested column is refused; a binary
    column is read as text when its bytes are UTF-8 and refused at the first value that is not."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(lf.path)
        schema = pf.schema_arrow
        columns = list(schema.names)
        md = pf.metadata
        expanded = sum(md.row_group(i).total_byte_size for i in range(md.num_row_groups))
    except Exception as exc:  # pyarrow raises several types for corrupt files
        raise FileRejected(f"not a readable Parquet file: {exc}") from None
    if expanded > limits.max_decompressed_bytes:
        raise FileRejected(f"the file's row groups expand to {size(expanded)}, more than "
                           f"{size(limits.max_decompressed_bytes)} (limit max_decompressed_bytes); the file is not loaded")
    text_cols = set(lf.obj.column_names) if want == "rows" else set()
    for f in schema:
        if f.name in text_cols and str(f.type).split("<", 1)[0].split("[", 1)[0] in PARQUET_NESTED:
            raise FileRejected(f"column {f.name} has the nested Parquet type {f.type}, which cannot hold the contract's "
                               "text value; write it as a string column. The file is not loaded")
    binary = {i for i, f in enumerate(schema) if pa.types.is_binary(f.type) or pa.types.is_large_binary(f.type)
              or pa.types.is_fixed_size_binary(f.type)}
    sized = {i for i, f in enumerate(schema) if i in binary or pa.types.is_string(f.type) or pa.types.is_large_string(f.type)}

    def as_text(col, i: int, n: int):
        """A binary column as UTF-8 text, or FileRejected naming the first row that is not."""
        raw = col.cast(pa.binary()) if pa.types.is_fixed_size_binary(col.type) else col
        try:
            return raw.cast(pa.large_string() if pa.types.is_large_binary(raw.type) else pa.string())
        except pa.ArrowInvalid:
            for j, v in enumerate(raw.to_pylist()):
                if v is not None:
                    try:
                        v.decode("utf-8")
                    except UnicodeDecodeError as exc:
                        raise FileRejected(
                            f"row {n + j + 1}, column {columns[i]}: the column is binary and this value is not UTF-8 text "
                            f"(byte 0x{v[exc.start]:02x} at position {exc.start + 1}), so it cannot hold the contract's "
                            "text; write the column as UTF-8 strings. The file is not loaded") from None
            raise

    def records() -> Iterator[tuple[list[int], list[dict]]]:
        n = 0
        try:
            for batch in pf.iter_batches(batch_size=BATCH_ROWS):
                cols = list(batch.columns)
                for i in sorted(sized):
                    if i in binary:
                        cols[i] = as_text(cols[i], i, n)
                    lengths = pc.binary_length(cols[i])
                    longest = pc.max(lengths).as_py()
                    if longest is not None and longest > limits.max_field_bytes:
                        j = pc.index(pc.greater(lengths, limits.max_field_bytes), True).as_py()
                        raise _field_too_long(limits, f"row {n + j + 1}, column {columns[i]}")
                if binary:
                    batch = pa.RecordBatch.from_arrays(cols, names=columns)
                recs = batch.to_pylist()
                yield list(range(n + 1, n + 1 + len(recs))), recs
                n += len(recs)
        except FileRejected:
            raise
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
