"""Extract files: every record version lands in the extract that was taken after it.

An extract ``YYYY-MM-DD_<object>.<ext>`` is a snapshot taken at the end (23:59:59 UTC) of the
day in its name. It holds every record created or modified since the previous extract, minus an
overlap of a few days (so records modified just before the previous extract are re-sent
unchanged, as incremental exports do), in the state the record had when the extract was taken.
A record therefore appears in several files when it changes; the last file is the truth.
"""

from __future__ import annotations

import bisect
import json
import mmap
import os
import random
import shutil
import tempfile
from array import array
from pathlib import Path

import numpy as np

from .util import DAY, Clock, add_months_date, epoch, quarter_start

OVERLAP = 3 * DAY
SPILL_BYTES = 1024 * 1024  # per object: buffered output beyond this (incl. overhead) goes to a temp file
WRITE_ROWS = 20_000  # lines joined per write
_NEEDS_QUOTE = (",", '"', "\r", "\n")


def csv_line(values, quote_all: bool) -> str:
    """One RFC 4180 record (no terminator). Salesforce exports quote every field."""
    if quote_all:
        line = ",".join('"' + v.replace('"', '""') + '"' for v in values)
    else:
        out = []
        for v in values:
            if any(c in v for c in _NEEDS_QUOTE) or v != v.strip():
                v = '"' + v.replace('"', '""') + '"'
            out.append(v)
        line = ",".join(out)
    if "\n" in line or "\r" in line:
        raise ValueError(f"line break inside a generated value: {line[:80]!r}")
    return line


def schedule(clock: Clock, cadence: str) -> tuple[list[str], list[int]]:
    """Labels (YYYY-MM-DD) and snapshot instants of the extracts of a cadence."""
    step = {"monthly": 1, "quarterly": 3}[cadence]
    first = clock.start if cadence == "monthly" else quarter_start(clock.start)
    labels, ends = [], []
    d = first
    months = (clock.end.year - first.year) * 12 + clock.end.month - first.month + 1
    for _ in range(months // step + 1):  # each step ends a period; the last one reaches clock.end
        nxt = add_months_date(d, step)
        last_day = nxt.fromordinal(nxt.toordinal() - 1)
        if last_day >= clock.end:
            break
        labels.append(last_day.isoformat())
        ends.append(epoch(last_day) + DAY - 1)
        d = nxt
    labels.append(clock.end.isoformat())
    ends.append(clock.tend)
    return labels, ends


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


class ObjectSink:
    """Collects the emitted versions of one landing object, bucketed by extract, as
    pre-formatted output lines (spilled to a temp file when large)."""

    def __init__(self, source: str, name: str, fmt: str, columns: tuple[str, ...] | None,
                 labels: list[str], ends: list[int], overlap: int, spill_dir: str):
        self.source, self.name, self.fmt, self.columns = source, name, fmt, columns
        self.labels, self.ends, self.overlap = labels, ends, overlap
        self.buckets: list[list] = [[] for _ in labels]
        self.records = 0
        self.rows = 0
        self.tend = ends[-1]
        self.quote_all = source == "crm"
        self.spill_dir = spill_dir
        self.buffered = 0
        self.spilled: set[int] = set()

    def _payload(self, row) -> str:
        if self.fmt == "jsonl":
            return _dumps(row)
        return csv_line([row.get(c, "") for c in self.columns], self.quote_all)

    def add(self, key: str, versions: list) -> None:
        """``versions``: [(t, row), ...] sorted by t; row is a dict (strings for CSV)."""
        ends, ov, tend = self.ends, self.overlap, self.tend
        chosen: dict[int, int] = {}
        for i, (t, _) in enumerate(versions):
            if t > tend:
                break
            k = bisect.bisect_left(ends, t)
            chosen[k] = i
            if k + 1 < len(ends) and t > ends[k] - ov:
                chosen[k + 1] = i
        if not chosen:
            return
        self.records += 1
        # a bucket re-sends the latest version at or before its snapshot
        for k in sorted(chosen):
            i = chosen[k]
            j = i
            while j + 1 < len(versions) and versions[j + 1][0] <= ends[k]:
                j += 1
            t, row = versions[j]
            line = self._payload(row)
            self.buckets[k].append((t, key, line))
            self.buffered += len(line) + 200  # + Python object overhead of the row
            self.rows += 1
        if self.buffered > SPILL_BYTES:
            self._spill()

    def add_one(self, key: str, t: int, row) -> None:
        self.add(key, [(t, row)])

    def _spill_path(self, k: int) -> str:
        return os.path.join(self.spill_dir, f"{self.source}.{self.name}.{k}.tsv")

    def _spill(self) -> None:
        for k, rows in enumerate(self.buckets):
            if rows:
                with open(self._spill_path(k), "a", encoding="utf-8", newline="") as f:
                    f.write("".join(f"{t}\t{key}\t{line}\n" for t, key, line in rows))
                self.spilled.add(k)
                self.buckets[k] = []
        self.buffered = 0

    def _write_spilled(self, k: int, f, nl: bytes, offset: bool) -> None:
        """Write bucket ``k`` (its spill file plus the rows still in memory) sorted by (t, key)
        without loading it: only (t, key, rank, position, length) per row are in memory, and the
        lines are copied from the spill file in sorted order. Ties keep the order of an in-memory
        stable sort of [rows in memory..., spilled rows...]."""
        path = self._spill_path(k)
        tail = os.path.getsize(path)
        mem = self.buckets[k]
        if mem:
            with open(path, "a", encoding="utf-8", newline="") as sp:
                sp.write("".join(f"{t}\t{key}\t{line}\n" for t, key, line in mem))
            self.buckets[k] = mem = []
        ts, starts, lens, keys = array("q"), array("q"), array("q"), []
        n_tail = pos = 0
        with open(path, "rb") as sp:
            for raw in sp:
                a = raw.index(b"\t")
                b = raw.index(b"\t", a + 1)
                ts.append(int(raw[:a]))
                keys.append(raw[a + 1:b])
                starts.append(pos + b + 1)
                lens.append(len(raw) - b - 2)
                n_tail += pos >= tail
                pos += len(raw)
        n = len(ts)
        rank = np.arange(n, dtype=np.int64)
        rank = np.where(rank >= n - n_tail, rank - (n - n_tail), rank + n_tail)  # rows from memory first
        key_arr = np.array(keys, dtype="S") if keys else np.empty(0, dtype="S1")
        del keys
        order = np.lexsort((rank, key_arr, np.frombuffer(ts, dtype=np.int64)))
        del key_arr, rank
        starts_a, lens_a = np.frombuffer(starts, dtype=np.int64), np.frombuffer(lens, dtype=np.int64)
        with open(path, "rb") as sp, mmap.mmap(sp.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            for i in range(0, n, WRITE_ROWS):
                idx = order[i:i + WRITE_ROWS]
                chunk = b"".join(mm[s:s + ln] + nl for s, ln in zip(starts_a[idx].tolist(), lens_a[idx].tolist()))
                f.write(chunk.replace(b'.000Z"', b'.000+0000"') if offset else chunk)
                if hasattr(mm, "madvise"):
                    mm.madvise(mmap.MADV_DONTNEED)  # the pages read so far leave this process's memory
        os.unlink(path)

    def write(self, out: Path, seed: int) -> int:
        folder = out / self.source / self.name
        folder.mkdir(parents=True, exist_ok=True)
        written = 0
        for k in range(len(self.buckets)):
            rows = self.buckets[k]
            spilled = k in self.spilled
            last = k == len(self.buckets) - 1
            if not rows and not spilled and not (last and written == 0):
                continue
            label = self.labels[k]
            path = folder / f"{label}_{self.name}.{self.fmt}"
            head, nl, offset = "", "\n", False
            if self.fmt != "jsonl":
                nl = "\r\n" if self.source == "crm" else "\n"
                head = csv_line(self.columns, self.quote_all) + nl
                rnd = random.Random(f"{seed}|{self.source}|{self.name}|{label}")
                # some Salesforce exports write the offset instead of Z
                offset = self.source == "crm" and rnd.random() < 0.3
                if self.source == "finance":
                    head = "\ufeff" + head  # spreadsheet exports carry a BOM
            if spilled:
                with open(path, "wb") as f:
                    f.write(head.encode("utf-8"))
                    self._write_spilled(k, f, nl.encode("ascii"), offset)
            else:
                rows.sort(key=lambda r: (r[0], r[1]))
                with open(path, "w", encoding="utf-8", newline="") as f:
                    f.write(head)
                    for i in range(0, len(rows), WRITE_ROWS):  # a chunk at a time: the text is never whole
                        text = "".join(r[2] + nl for r in rows[i:i + WRITE_ROWS])
                        f.write(text.replace('.000Z"', '.000+0000"') if offset else text)
            written += 1
            self.buckets[k] = []
        return written


class Sinks:
    def __init__(self, clock: Clock):
        self.clock = clock
        self.spill_dir = tempfile.mkdtemp(prefix="revops-generate-")
        self.monthly = schedule(clock, "monthly")
        self.quarterly = schedule(clock, "quarterly")
        self.by_name: dict[str, ObjectSink] = {}

    def make(self, source: str, name: str, fmt: str, columns=None, cadence="monthly",
             overlap: int = OVERLAP) -> ObjectSink:
        labels, ends = self.monthly if cadence == "monthly" else self.quarterly
        s = ObjectSink(source, name, fmt, tuple(columns) if columns else None, labels, ends, overlap,
                       self.spill_dir)
        self.by_name[f"{source}/{name}"] = s
        return s

    def __getitem__(self, folder: str) -> ObjectSink:
        return self.by_name[folder]

    def close(self) -> None:
        shutil.rmtree(self.spill_dir, ignore_errors=True)
