"""`revops-dbt`: dbt started so that it never outlives the build that started it.

dagster-dbt runs dbt as a subprocess. When the build is killed (SIGKILL: no clean-up runs), that
dbt used to keep running and writing the working database, and the next build raced it. This
wrapper is the ``dbt_executable`` of the DbtCliResource (and what ``dbt parse`` runs through): it
asks the kernel to SIGKILL it when its parent dies (PR_SET_PDEATHSIG; the signal follows the
death of the parent *thread* that spawned it, which is the thread that waits for dbt's output)
and then becomes dbt (exec: same process, the setting survives).

A dbt started by a build first moves into the build's dbt folder (settings.enter_dbt_workdir,
project.py dbt_workdir), where the profile's relative ``target/work/warehouse.duckdb`` is that
build's working database. For commands that open it, it also holds ``.dbt-running.lock`` in the
working database's folder for as long as dbt runs (the open file is inherited through exec), so a
new build can tell, without any timing, that a dbt of an earlier build is still alive: dbt-duckdb
closes the database between models, so the database's own lock says nothing in those gaps.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import signal
import sys
from pathlib import Path

PR_SET_PDEATHSIG = 1
RUNNING_LOCK = ".dbt-running.lock"
# The profile's path to the working database's folder, relative to the folder dbt runs in.
WORK_LINK = Path("target", "work")
# Subcommands that open the working database.
_OPENS_DATABASE = {"build", "run", "seed", "test", "snapshot", "run-operation", "show", "compile", "source"}
# The lock's file descriptor is moved this high so that, when dbt exits, the kernel closes it
# after the database file (lower numbers close first): the lock is free only once the database is.
_HIGH_FD = 900


def wrapper_path() -> str:
    """The executable to give DbtCliResource: this wrapper as installed beside the interpreter,
    or plain dbt when the project was installed before the wrapper existed (run `make setup`)."""
    here = Path(sys.executable).with_name("revops-dbt")
    return str(here if here.exists() else Path(sys.executable).with_name("dbt"))


def _die_with_parent() -> None:
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: no such guarantee
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _hold_running_lock(workdir: Path) -> None:
    try:
        folder = (workdir / WORK_LINK).resolve(strict=True)
    except (OSError, RuntimeError):
        return  # no working database set up: nothing to protect
    fd = os.open(folder / RUNNING_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    high = fcntl.fcntl(fd, fcntl.F_DUPFD, _HIGH_FD)
    os.close(fd)
    fcntl.flock(high, fcntl.LOCK_EX)
    os.ftruncate(high, 0)
    os.write(high, f"pid {os.getpid()}".encode())
    os.set_inheritable(high, True)


def main() -> None:
    _die_with_parent()
    from .settings import enter_dbt_workdir  # light: no Dagster, no dbt

    workdir = enter_dbt_workdir()
    if workdir is not None and _OPENS_DATABASE & set(sys.argv[1:]):
        _hold_running_lock(workdir)
    dbt = Path(sys.executable).with_name("dbt")
    os.execv(dbt, [str(dbt), *sys.argv[1:]])


if __name__ == "__main__":
    main()
