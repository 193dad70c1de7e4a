"""One build from the CLI: the ``build_warehouse`` job executed in this process, on the
persistent Dagster instance, with the settings as run config; then a summary.

The CLI takes the build lock before the run starts, so a second build refuses at once (exit 3)
naming the running one, or waits with ``--wait``; the run's settings resource then finds the lock
held by this process. The last asset publishes the warehouse only when every blocking check passed.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import time
from pathlib import Path

from .landing.files import discover
from .warehouse import BuildLocked, build_lock, ensure_work_db


def run_build(landing: Path, warehouse: Path, as_of: dt.date, strict: bool = False, wait: bool = False,
              quiet: bool = False, dbt_vars: dict | None = None, export_parquet: Path | None = None,
              sizes: dict[str, int] | None = None, force_rebuild: bool = False, full_refresh: bool = False) -> int:
    from . import progress, settings

    t0 = time.perf_counter()
    progress.configure(cli=True, show=not quiet)
    work = settings.work_db_for(warehouse)
    for w in discover(landing).warnings:
        print(f"warning: {w}", file=sys.stderr)
    try:
        with build_lock(warehouse, wait=wait, work=work, holder="revops build"):
            ensure_work_db(work)
            from .project import prepare_manifest

            prepare_manifest()
            from .resources import run_config

            # every setting explicit: the defaults of the code location do not apply to a CLI build
            result = _execute(run_config(landing_dir=landing, warehouse=warehouse, work_db=work, as_of_date=as_of,
                                         strict=strict, dbt_vars=dbt_vars or {}, force_rebuild=force_rebuild,
                                         full_refresh=full_refresh,
                                         export_parquet=export_parquet or "", quiet_logs=True,
                                         **(sizes if sizes is not None else settings.default_sizes())))
            from .report import print_build_summary

            # still under the lock: the summary reads the working database, which the next build writes
            ok = print_build_summary(result, warehouse, work, time.perf_counter() - t0)
    except BuildLocked as exc:
        print(f"revops: {exc}", file=sys.stderr)
        return 3
    return 0 if ok else 1


def _execute(config: dict):
    from .instance import persistent_instance

    # Dagster's per-event console logging is noise for a CLI user; failures are summarised after.
    logging.getLogger("dagster").setLevel(logging.ERROR)
    from .definitions import defs

    job = defs.resolve_job_def("build_warehouse")
    with persistent_instance() as instance:
        _fail_runs_of_dead_cli_builds(instance)
        return job.execute_in_process(run_config=config, instance=instance, raise_on_error=False,
                                      tags={"revops/trigger": "cli", "revops/pid": str(os.getpid())})


def _fail_runs_of_dead_cli_builds(instance) -> None:
    """A CLI build killed mid-run leaves its run "started" for ever, and the UI's run queue (one
    run at a time) would never start another: mark those runs failed once their process is gone."""
    from dagster import DagsterRunStatus, RunsFilter

    runs = instance.get_runs(RunsFilter(statuses=[DagsterRunStatus.STARTED, DagsterRunStatus.STARTING],
                                        tags={"revops/trigger": "cli"}))
    for run in runs:
        pid = run.tags.get("revops/pid")
        if not pid or not pid.isdigit() or _alive(int(pid)):
            continue
        instance.report_run_failed(run, message=f"the revops build process {pid} ended without finishing this run")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
