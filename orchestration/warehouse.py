"""The working database a build writes, and publishing it for readers.

A build never writes the file readers open. It writes a private working database beside it
(created with a storage version DuckDB 1.4 can read) and, once every blocking check passed,
publishes a copy by an atomic rename, so a reader sees the old warehouse or the new one, never
a half-built one, and never holds a lock that blocks the next build.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import NamedTuple

import duckdb

from .atomic import fsync_dir
from .dbt_child import RUNNING_LOCK
from .settings import fault_point_spec

STORAGE_VERSION = "v1.4.0"
# Publishing rewrites the working database without its free space once more than this share of
# its blocks is free (dbt leaves the blocks of every replaced table); below it a byte copy is
# cheaper and the published file stays within this share of its compact size.
COMPACT_FREE_FRACTION = 0.05

_fault_hits: dict[str, int] = {}
_held_locks: set[Path] = set()  # build locks this process holds (the CLI, then the run inside it)


def fault_point(name: str) -> None:
    """A named point where tests kill the build (SIGKILL, no clean-up) to prove it recovers:
    $REVOPS_FAULT_POINT = "<name>[:<n>]" kills the process at the n-th hit of that point."""
    spec = fault_point_spec()
    if not spec:
        return
    target, nth = spec, 1
    head, _, tail = spec.rpartition(":")
    if head and tail.isdigit():
        target, nth = head, int(tail)
    if target != name:
        return
    _fault_hits[name] = _fault_hits.get(name, 0) + 1
    if _fault_hits[name] >= nth:
        os.kill(os.getpid(), signal.SIGKILL)


def storage_version(path: Path) -> str | None:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tags = con.execute("select tags from duckdb_databases() where database_name = current_database()").fetchone()[0]
    finally:
        con.close()
    return (tags or {}).get("storage_version")


def ensure_work_db(path: Path) -> None:
    """Create the working database with a storage version older DuckDB readers can open."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"attach '{path}' as work (storage_version '{STORAGE_VERSION}')")
        con.execute("detach work")
    finally:
        con.close()


def _stale_publish_files(target: Path) -> list[Path]:
    return list(target.parent.glob(f".{target.name}.publishing-*"))


def remove_stale_publish_files(target: Path) -> None:
    """The half-written copies a killed publish left beside ``target`` (call under the build lock)."""
    for stale in _stale_publish_files(target):
        stale.unlink(missing_ok=True)


class Published(NamedTuple):
    """What one publish did: its seconds, and whether it rewrote the working database without its
    free blocks (the slow path: at 20,000 sample accounts ~17 s against ~1 s for a byte copy)."""

    seconds: float
    compacted: bool
    free_fraction: float


def publish(work: Path, target: Path) -> Published:
    """Checkpoint the working database and atomically replace ``target`` with a copy of it
    (rewritten without free space when it has much: COMPACT_FREE_FRACTION).

    The copy is written beside the target, flushed to disk and opened once read-only before the
    rename, so ``target`` is at every instant either the previous good warehouse or the new one.
    A build killed half-way leaves only a ``.<name>.publishing-<pid>`` file, removed by the next
    publish (the build lock guarantees no other publish is running)."""
    t0 = time.perf_counter()
    con = duckdb.connect(str(work))
    try:
        con.execute("checkpoint")
        free, total = con.execute("select free_blocks, total_blocks from pragma_database_size() "
                                  "where database_name = current_database()").fetchone()
    finally:
        con.close()
    compact = total > 0 and free / total > COMPACT_FREE_FRACTION
    wal = work.with_name(work.name + ".wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise RuntimeError(f"{work} still has a write-ahead log after a checkpoint: another process is writing it")
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_publish_files(target)
    tmp = target.with_name(f".{target.name}.publishing-{os.getpid()}")
    try:
        if compact:
            _compact_copy(work, tmp)
        else:
            shutil.copyfile(work, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        check = duckdb.connect(str(tmp), read_only=True)
        try:
            check.execute("select count(*) from information_schema.tables").fetchone()
        finally:
            check.close()
        # A write-ahead log beside the published file was left by a tool that opened it
        # read-write (against the docs). It belongs to the old file: next to the new one it
        # would make every reader fail with "WAL does not match database file".
        stale_wal = target.with_name(target.name + ".wal")
        if stale_wal.exists():
            print(f"revops: removing {stale_wal}: a tool opened the published warehouse read-write; open it read-only",
                  file=sys.stderr)
            stale_wal.unlink()
        fault_point("publish:before-rename")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(target.parent)
    return Published(time.perf_counter() - t0, compact, free / total if total else 0.0)


def drop_rebuilt_tables(work: Path, tables: list[tuple[str, str]]) -> int:
    """Drop the tables a whole-project dbt build is about to recreate, then checkpoint, so the new
    tables are written into the blocks the old ones leave free instead of beside them: the working
    database then ends a rebuild with little free space and publishing takes the byte-copy path
    (about 0.5 s at 20,000 sample accounts) instead of the compacting rewrite (about 17 s).
    Returns how many tables were dropped. Views cost no space and stay."""
    con = duckdb.connect(str(work))
    try:
        present = set(con.execute("select schema_name, table_name from duckdb_tables() "
                                  "where database_name = current_database()").fetchall())
        gone = [t for t in tables if t in present]
        for schema, name in gone:
            con.execute(f'drop table "{schema}"."{name}"')
        if gone:
            con.execute("checkpoint")
        return len(gone)
    finally:
        con.close()


def _compact_copy(work: Path, dest: Path) -> None:
    """``work`` rewritten into a new file without its free blocks (tables, views, macros and
    comments alike): the working database keeps the space of every table dbt replaced, and a
    byte copy carried that into the published file, which grew from build to build."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{work}' as work (read_only)")
        con.execute(f"attach '{dest}' as published (storage_version '{STORAGE_VERSION}')")
        con.execute("copy from database work to published")
        con.execute("detach published")
    finally:
        con.close()


def export_parquet(db: Path, out_dir: Path, schema: str = "marts") -> list[Path]:
    """Every table of ``schema`` in the database ``db`` as ``<out_dir>/<table>.parquet``.

    Each file is written under a temporary name and renamed into place, so a reader of one file
    never sees it half-written (files of one export are replaced one after the other)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db), read_only=True)
    written = []
    try:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = ? and table_type = 'BASE TABLE' "
            "order by 1", [schema]).fetchall()]
        for t in tables:
            final = out_dir / f"{t}.parquet"
            tmp = out_dir / f".{t}.parquet.tmp-{os.getpid()}"
            con.execute(f"copy (select * from \"{schema}\".\"{t}\") to '{tmp}' (format parquet, compression zstd)")
            os.replace(tmp, final)
            written.append(final)
    finally:
        con.close()
    return written


class BuildLocked(RuntimeError):
    pass


_HOLDER = re.compile(r"\(PID (\d+)\)")


def _work_db_holder(work: Path) -> str | None:
    """Who still holds the working database open, if anyone (e.g. the dbt process of a build that
    was killed: it outlives its parent)."""
    if not work.exists():
        return None
    try:
        duckdb.connect(str(work)).close()
        return None
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise
        m = _HOLDER.search(str(exc))
        return f"process {m.group(1)}" if m else "another process"


def _lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(f".{warehouse.name}.lock")


def _running_dbt(work: Path) -> str | None:
    """The dbt of an earlier build that still runs on this working database, if any. Its
    wrapper holds this lock for the whole dbt process (dbt_child.py), so unlike the database's
    own lock (released by dbt-duckdb between models) it cannot be missed."""
    path = work.parent / RUNNING_LOCK
    if not path.exists():
        return None
    with open(path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            pid = fh.read().strip().removeprefix("pid ")
            return f"process {pid or '(pid unknown)'} (dbt)"
    return None


@contextlib.contextmanager
def build_lock(warehouse: Path, wait: bool = False, work: Path | None = None, holder: str = "revops build",
               log=None):
    """One build per warehouse at a time: a second one fails at once (or waits with wait=True).

    The lock is held for a whole build: by ``revops build`` and by every run of the Dagster job
    (the settings resource takes it), whoever started it. Inside a process that holds it already
    (the CLI's run) it is a no-op. The lock file names the holder, so the refusal says which
    build is running.

    Besides the lock file, the working database itself must be free: a build killed with SIGKILL
    can leave its dbt child running for a while, and a new build must not start writing under it."""
    from .settings import work_db_for

    warehouse = warehouse.resolve()
    if warehouse in _held_locks:
        yield
        return
    say = log or (lambda msg: print(f"revops: {msg}", file=sys.stderr, flush=True))
    work = work or work_db_for(warehouse)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    fh = open(_lock_path(warehouse), "a+")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            running = fh.read().strip() or "pid unknown"
            if not wait:
                raise BuildLocked(
                    f"another build of {warehouse} is running ({running}); wait for it to finish or pass --wait"
                ) from None
            say(f"another build of {warehouse} is running ({running}); waiting for it to finish")
            fcntl.flock(fh, fcntl.LOCK_EX)
        said = False
        while (open_in := _running_dbt(work) or _work_db_holder(work)) is not None:
            if not wait:
                raise BuildLocked(
                    f"the working database {work} is still open in {open_in} (a build that was interrupted, or another "
                    "program); wait for it to end or pass --wait"
                )
            if not said:
                say(f"the working database {work} is still open in {open_in}; waiting for it to close")
                said = True
            time.sleep(0.5)
        fh.seek(0)
        fh.truncate()
        fh.write(f"{holder}, pid {os.getpid()}")
        fh.flush()
        _held_locks.add(warehouse)
        try:
            yield
        finally:
            _held_locks.discard(warehouse)
    finally:
        fh.close()
