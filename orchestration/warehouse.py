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
import shutil
import time
from pathlib import Path

import duckdb

STORAGE_VERSION = "v1.4.0"


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


def publish(work: Path, target: Path) -> float:
    """Checkpoint the working database and atomically replace ``target`` with a copy of it."""
    t0 = time.perf_counter()
    con = duckdb.connect(str(work))
    try:
        con.execute("checkpoint")
    finally:
        con.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.publishing-{os.getpid()}")
    try:
        shutil.copyfile(work, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return time.perf_counter() - t0


class BuildLocked(RuntimeError):
    pass


@contextlib.contextmanager
def build_lock(warehouse: Path, wait: bool = False):
    """One build per warehouse at a time: a second one fails at once (or waits with wait=True)."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    lock_path = warehouse.with_name(f".{warehouse.name}.lock")
    fh = open(lock_path, "a+")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip()
            raise BuildLocked(
                f"another build of {warehouse} is running ({holder or 'pid unknown'}); "
                "wait for it to finish or pass --wait"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        yield
    finally:
        fh.close()
