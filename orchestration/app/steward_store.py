"""Steward decisions as landing files: appending what a steward decided, reading back what was.

The review grid writes to ``<landing>/steward/duplicate_decisions`` and
``<landing>/steward/leakage_decisions`` in the CSV format of landing.md; the next ``revops build``
ingests them. Two guarantees shape the writing:

- **nothing is lost when two stewards save at once**: a save never appends to an existing file; it
  creates a file of its own, named ``<UTC time>-<random>.csv`` so that lexical order of names (the
  order the build processes files in) is the order of saving, and no two writers share a name;
- **a save killed half-way leaves nothing the build would read**: the file is written as a
  dot-prefixed temporary in the same folder (the loader ignores names starting with ``.``),
  fsynced, renamed into place in one step and the folder fsynced. A killed save leaves at most
  that hidden temporary behind.

``history`` reads every decision back - the grid's and hand-written ones, through the loader's
own file discovery and CSV/JSONL/Parquet readers - in the order the staging models apply them
(models/staging/steward/*.sql): the later ``decided_at`` wins, then the later file, then the
later row.

Pure Python (no Dash, no warehouse), so it is tested on its own.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from ..salesforce_ids import sf_id18 as _sf_id18
from ..landing.contract import BY_FOLDER, LEAKAGE_DECISION_VALUES, LEAKAGE_TYPES
from ..landing.files import FileRejected, discover, open_file
from ..atomic import fsync_dir, write_atomically
from ..warehouse import fault_point

FAULT_MID_WRITE = "steward:mid-write"  # $REVOPS_FAULT_POINT kills a save here, half its bytes written


@dataclass(frozen=True)
class Kind:
    folder: str                    # object folder under <landing>/steward
    key: tuple[str, str]           # the columns that name a pair / a finding
    decisions: tuple[str, ...]     # allowed decision values (lower case)

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.key, "decision", "decided_by", "decided_at", "note")

    @property
    def table(self) -> str:
        return BY_FOLDER[f"steward/{self.folder}"].table


DUPLICATES = Kind("duplicate_decisions", ("record_id_a", "record_id_b"), ("accept", "reject"))
LEAKAGE = Kind("leakage_decisions", ("leakage_type", "reference_id"), LEAKAGE_DECISION_VALUES)
KINDS = {k.folder: k for k in (DUPLICATES, LEAKAGE)}


class DecisionError(ValueError):
    """A decision that cannot be recorded; the message says why, for the steward."""


@dataclass(frozen=True)
class Decision:
    key: tuple[str, str]   # normalised: a pair's 18-character ids smallest first; a finding's type lower case
    decision: str
    decided_by: str
    decided_at: dt.datetime  # aware, UTC
    note: str
    file: str              # the landing file's name
    line: int              # the line the row starts on


def _kind(kind: str | Kind) -> Kind:
    if isinstance(kind, Kind):
        return kind
    try:
        return KINDS[kind]
    except KeyError:
        raise DecisionError(f"unknown kind of decision {kind!r}: expected one of {', '.join(KINDS)}") from None


def sf_id18(sid: str) -> str:
    """The 18-character form of a Salesforce id, "" for an empty one."""
    return _sf_id18(sid) or ""


def normalise_key(kind: str | Kind, a: str, b: str) -> tuple[str, str]:
    """The key the build groups decisions by: an unordered pair of 18-character ids, smallest
    first; or (leakage_type lower case, reference id, 18 characters for opportunity findings)."""
    k = _kind(kind)
    a, b = (a or "").strip(), (b or "").strip()
    if k is DUPLICATES:
        a, b = sf_id18(a), sf_id18(b)
        return (a, b) if a <= b else (b, a)
    t = a.lower()
    return t, sf_id18(b) if t in ("won_not_billed", "billed_below_contract") else b


def _validate(k: Kind, decisions: Iterable[Mapping[str, str]], steward: str, note: str | None) -> list[list[str]]:
    steward = (steward or "").strip()
    if not steward:
        raise DecisionError("the steward's name is empty: type who is deciding")
    if note is not None and "\x00" in note:
        raise DecisionError("the note contains a NUL character, which a landing CSV file cannot hold")
    rows = []
    for i, d in enumerate(decisions, 1):
        missing = [c for c in (*k.key, "decision") if not str(d.get(c) or "").strip()]
        if missing:
            raise DecisionError(f"decision {i}: {', '.join(missing)} is empty")
        a, b = (str(d[c]).strip() for c in k.key)
        value = str(d["decision"]).strip().lower()
        if value not in k.decisions:
            raise DecisionError(f"decision {i}: {value!r} is not a {k.folder} decision (expected {' or '.join(k.decisions)})")
        if k is DUPLICATES:
            for rid in (a, b):
                if len(rid) not in (15, 18) or not rid.isalnum():
                    raise DecisionError(f"decision {i}: {rid!r} is not a Salesforce Lead/Contact Id (15 or 18 characters)")
            if sf_id18(a) == sf_id18(b):
                raise DecisionError(f"decision {i}: a record cannot be a duplicate of itself ({a})")
        elif a.lower() not in LEAKAGE_TYPES:
            raise DecisionError(f"decision {i}: {a!r} is not a leakage type (expected one of {', '.join(LEAKAGE_TYPES)})")
        rows.append([a, b, value, steward])
    if not rows:
        raise DecisionError("no decisions to record: select at least one row")
    return rows


def file_name(now: dt.datetime) -> str:
    """``YYYY-MM-DDTHHMMSS.ffffffZ-<random>.csv``: fixed width, so lexical order is time order;
    the random part keeps two saves of the same microsecond apart."""
    return f"{now.astimezone(dt.UTC):%Y-%m-%dT%H%M%S.%fZ}-{uuid.uuid4().hex[:12]}.csv"


def _ensure_dir(path: Path) -> None:
    """mkdir -p, fsyncing the parent of every folder created so the folder itself survives a crash."""
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        d.mkdir(exist_ok=True)
        fsync_dir(d.parent)


def record(landing: Path, kind: str | Kind, decisions: Iterable[Mapping[str, str]], steward: str,
           note: str | None = None, now: dt.datetime | None = None) -> Path:
    """Append ``decisions`` (mappings with the kind's key columns and ``decision``) made by
    ``steward``, with one ``note`` for all of them, as one new landing file; returns its path.

    Raises DecisionError, before writing anything, when a decision is not valid."""
    k = _kind(kind)
    rows = _validate(k, decisions, steward, note)
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    decided_at = now.isoformat(timespec="microseconds")  # e.g. 2025-06-30T12:00:00.123456+00:00
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")  # RFC 4180: CRLF, quotes doubled, quoted when needed
    w.writerow(k.columns)
    for r in rows:
        w.writerow([*r, decided_at, note or ""])
    data = buf.getvalue().encode("utf-8")

    folder = Path(landing) / "steward" / k.folder
    _ensure_dir(folder)
    final = folder / file_name(now)
    # tests kill the save halfway (FAULT_MID_WRITE): only the hidden temporary exists then
    write_atomically(final, data, midway=lambda: fault_point(FAULT_MID_WRITE))
    return final


def _parse_time(value: str) -> dt.datetime | None:
    try:
        t = dt.datetime.fromisoformat(value.strip().replace(" ", "T", 1))
    except ValueError:
        return None
    return t.replace(tzinfo=dt.UTC) if t.tzinfo is None else t.astimezone(dt.UTC)  # no offset = UTC (landing.md)


def history(landing: Path, kind: str | Kind) -> list[Decision]:
    """Every readable decision in the kind's landing files, in the order the build applies them:
    the last one of a key is its current decision. Files the build would reject, and rows with
    a value outside the vocabulary or an unreadable time, are skipped as the build skips them."""
    k = _kind(kind)
    found = discover(Path(landing)).files.get(k.table, [])
    out: list[tuple[tuple, Decision]] = []
    for lf in found:
        if lf.refused:
            continue
        try:
            reader = open_file(lf, "rows")
            idx = {c: reader.columns.index(c) for c in k.columns if c in reader.columns}
            if any(c not in idx for c in k.columns[:5]):
                continue  # a required column is missing: the build rejects the whole file
            for lines, items in reader.batches():
                for line, row in zip(lines, items):
                    get = lambda c: (row[idx[c]] or "") if c in idx else ""  # noqa: E731
                    value, at = get("decision").strip().lower(), _parse_time(get("decided_at"))
                    key = normalise_key(k, get(k.key[0]), get(k.key[1]))
                    if value not in k.decisions or at is None or not all(key):
                        continue
                    if k is DUPLICATES and key[0] == key[1]:
                        continue  # a record paired with itself is ignored by the build
                    d = Decision(key, value, get("decided_by").strip(), at, get("note").strip(), lf.path.name, line)
                    out.append(((at, lf.relpath, line), d))
        except (FileRejected, OSError):
            continue
    out.sort(key=lambda pair: pair[0])
    return [d for _, d in out]


def current_status(landing: Path, kind: str | Kind) -> dict[tuple[str, str], Decision]:
    """The decision in force per key (the last of its history)."""
    return {d.key: d for d in history(landing, kind)}
