"""One build: the whole Dagster graph executed in-process, then a summary.

The CLI sets the environment that the assets and dbt profile read (landing folder, working
database, published file, as_of_date), takes the build lock, and runs the ``build_warehouse``
job. The last asset publishes the warehouse only when every blocking check passed.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import time
from pathlib import Path

from . import settings
from .landing.files import discover
from .warehouse import BuildLocked, build_lock, ensure_work_db


def _configure_env(landing: Path, warehouse: Path, as_of: dt.date, strict: bool, quiet: bool) -> Path:
    work = settings.work_db_path(warehouse) if not os.environ.get(settings.ENV_WORK_DB) else settings.work_db_path()
    os.environ[settings.ENV_LANDING] = str(landing)
    os.environ[settings.ENV_WAREHOUSE] = str(warehouse)
    os.environ[settings.ENV_WORK_DB] = str(work)
    os.environ[settings.ENV_AS_OF] = as_of.isoformat()
    os.environ["REVOPS_STRICT"] = "1" if strict else ""
    os.environ["REVOPS_PROGRESS"] = "" if quiet else "1"
    return work


def run_build(landing: Path, warehouse: Path, as_of: dt.date, strict: bool = False, wait: bool = False,
              quiet: bool = False) -> int:
    t0 = time.perf_counter()
    work = _configure_env(landing, warehouse, as_of, strict, quiet)
    for w in discover(landing).warnings:
        print(f"warning: {w}", file=sys.stderr)
    try:
        with build_lock(warehouse, wait=wait):
            ensure_work_db(work)
            from .project import prepare_manifest

            prepare_manifest()
            result = _execute()
            from .report import print_build_summary

            # still under the lock: the summary reads the working database, which the next build writes
            ok = print_build_summary(result, warehouse, work, time.perf_counter() - t0)
    except BuildLocked as exc:
        print(f"revops: {exc}", file=sys.stderr)
        return 3
    return 0 if ok else 1


def _execute():
    from dagster import DagsterInstance

    # Dagster's per-event console logging is noise for a CLI user; failures are summarised after.
    logging.getLogger("dagster").setLevel(logging.ERROR)
    from .definitions import defs

    job = defs.resolve_job_def("build_warehouse")
    home = os.environ.get("DAGSTER_HOME")
    instance = DagsterInstance.get() if home else DagsterInstance.ephemeral()
    quiet_logs = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
    return job.execute_in_process(run_config=quiet_logs, instance=instance, raise_on_error=False,
                                  tags={"revops/trigger": "cli"})
