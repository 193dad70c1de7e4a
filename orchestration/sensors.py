"""Start a build when the landing folder changes (a file added, replaced or removed)."""

from __future__ import annotations

import hashlib

from dagster import RunRequest, SensorEvaluationContext, SkipReason, sensor

from .landing.files import discover
from .settings import landing_dir


def landing_fingerprint() -> tuple[str, int]:
    found = discover(landing_dir())
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
        fingerprint, n = landing_fingerprint()
        if n == 0:
            return SkipReason(f"no landing files in {landing_dir()}")
        if fingerprint == context.cursor:
            return SkipReason("landing folder unchanged since the last run request")
        context.update_cursor(fingerprint)
        return RunRequest(run_key=fingerprint, tags={"revops/trigger": "landing_files", "revops/files": str(n)})

    return _sensor
