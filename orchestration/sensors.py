"""When to build: every day, and when the landing folder changes. Both launch ``build_warehouse``
with the run config the CLI uses (resources.run_config), on the default settings."""

from __future__ import annotations

import hashlib
from pathlib import Path

from dagster import RunRequest, ScheduleEvaluationContext, SensorEvaluationContext, SkipReason, schedule, sensor

from .landing.files import discover
from .resources import run_config
from .settings import default_landing


def landing_fingerprint(landing: Path) -> tuple[str, int]:
    found = discover(landing)
    h = hashlib.sha256()
    n = 0
    for table in sorted(found.files):
        for lf in found.files[table]:
            if lf.refused:  # never followed (a link leading outside, a FIFO, a dangling link)
                h.update(f"{lf.relpath}\0{lf.refused}\n".encode("utf-8", "backslashreplace"))
            else:
                st = lf.path.stat()
                h.update(f"{lf.relpath}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
            n += 1
    return h.hexdigest(), n


def landing_files_sensor(job):
    @sensor(name="landing_files_sensor", job=job, minimum_interval_seconds=60,
            description="Requests a build when files in the landing folder are added or change.")
    def _sensor(context: SensorEvaluationContext):
        landing = default_landing()
        fingerprint, n = landing_fingerprint(landing)
        if n == 0:
            return SkipReason(f"no landing files in {landing}")
        if fingerprint == context.cursor:
            return SkipReason("landing folder unchanged since the last run request")
        context.update_cursor(fingerprint)
        return RunRequest(run_key=fingerprint, run_config=run_config(landing_dir=landing),
                          tags={"revops/trigger": "landing_files", "revops/files": str(n)})

    return _sensor


def daily_build_schedule(job):
    @schedule(name="daily_build", job=job, cron_schedule="0 6 * * *", execution_timezone="UTC",
              description="Builds the warehouse every day at 06:00 UTC, measured on that day.")
    def _schedule(context: ScheduleEvaluationContext):
        as_of = context.scheduled_execution_time.date() if context.scheduled_execution_time else None
        return RunRequest(run_config=run_config(as_of_date=as_of), tags={"revops/trigger": "schedule"})

    return _schedule
