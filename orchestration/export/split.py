"""The splitting CSV writer every export file goes through.

One logical file (a header and its rows) becomes one or more parts, ``<stem>_part001.csv``,
``<stem>_part002.csv`` ..., each within the limits the target tool documents:

- ``max_rows``: data rows per part, the header not counted (None: no row limit);
- ``max_bytes``: bytes of the whole part file, header included (None: no size limit).

Rules (docs/exports.md, "Splitting"): every part starts with the header; a row is never split,
not even a quoted value that spans lines, because the writer only ever cuts between two encoded
records; a part is closed as soon as the next record would break a limit; a file with no rows is
one part holding only the header, so the set of files an export writes does not depend on the
data. The numbering always has three digits and starts at 001, also for a file of one part, so a
loader can be pointed at ``<stem>_part*.csv`` without special cases.

CSV dialect (Salesforce Bulk API 2.0 "Prepare CSV Files" and HubSpot's import file rules, see
docs/exports.md): UTF-8 without a byte-order mark, comma delimiter, LF line endings (Bulk API 2.0's
default ``lineEnding``), a value quoted with double quotes only when it holds a comma, a double
quote, CR or LF, an embedded double quote doubled.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

LINE_END = "\n"


class RowTooLarge(ValueError):
    """A single record (with the header) does not fit in ``max_bytes``: it cannot be split."""


@dataclass(frozen=True)
class Part:
    path: Path
    rows: int


def encode_field(value: str) -> str:
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def encode_record(values: Sequence[str]) -> bytes:
    return (",".join(encode_field(v) for v in values) + LINE_END).encode("utf-8")


def part_name(stem: str, number: int) -> str:
    return f"{stem}_part{number:03d}.csv"


class _PartFile:
    """One part being written: a temp file in the same folder, renamed into place when closed, so
    a reader sees the whole part or none of it."""

    def __init__(self, path: Path, head: bytes):
        self.path = path
        self.tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        self.f = open(self.tmp, "wb")
        self.f.write(head)
        self.size, self.rows = len(head), 0

    def add(self, rec: bytes) -> None:
        self.f.write(rec)
        self.size += len(rec)
        self.rows += 1

    def close(self) -> Part:
        self.f.flush()
        os.fsync(self.f.fileno())
        self.f.close()
        os.replace(self.tmp, self.path)
        return Part(self.path, self.rows)

    def discard(self) -> None:
        self.f.close()
        self.tmp.unlink(missing_ok=True)


def write_parts(out_dir: Path, stem: str, header: Sequence[str], rows: Iterable[Sequence[str]], *,
                max_rows: int | None, max_bytes: int | None) -> list[Part]:
    """Write ``rows`` under ``header`` as ``out_dir/<stem>_partNNN.csv`` within the limits."""
    if max_rows is not None and max_rows < 1:
        raise ValueError("max_rows must be at least 1")
    head = encode_record(header)
    if max_bytes is not None and len(head) >= max_bytes:
        raise RowTooLarge(f"{stem}: the header alone is {len(head)} bytes, the limit is {max_bytes}")
    parts: list[Part] = []
    current = _PartFile(out_dir / part_name(stem, 1), head)
    try:
        for row in rows:
            rec = encode_record(row)
            if max_bytes is not None and len(head) + len(rec) > max_bytes:
                raise RowTooLarge(f"{stem}: a record of {len(rec)} bytes plus the header does not fit "
                                  f"in {max_bytes} bytes")
            if (max_rows is not None and current.rows >= max_rows) or (
                    max_bytes is not None and current.size + len(rec) > max_bytes):
                parts.append(current.close())
                current = _PartFile(out_dir / part_name(stem, len(parts) + 1), head)
            current.add(rec)
        parts.append(current.close())
    except BaseException:
        current.discard()
        raise
    return parts
