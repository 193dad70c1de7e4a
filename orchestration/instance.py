"""The persistent Dagster instance in DAGSTER_HOME (default data/dagster_home), shared by the CLI
and the UI, so every run, materialization and check result shows in the UI whichever way the
build started."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .settings import dagster_home

# Managed by revops: rewritten when it differs, so an old home gets the current settings.
DAGSTER_YAML = """\
# Written by revops (orchestration/instance.py); edits are replaced on the next run.
# Runs launched from the UI, the schedule or the sensor are queued one at a time: each takes the
# warehouse's build lock anyway (a CLI build waits for it, or refuses with --wait unset).
run_queue:
  max_concurrent_runs: 1
telemetry:
  enabled: false
nux:
  enabled: false
# Dagster's SQLite event log with one engine per database and no fsync per event
# (orchestration/dagster_storage.py); the same files as the default storage.
event_log_storage:
  module: orchestration.dagster_storage
  class: FastSqliteEventLogStorage
  config:
    base_dir: {runs_dir}
"""


def prepare_home(home: Path | None = None) -> Path:
    home = (home or dagster_home()).resolve()
    home.mkdir(parents=True, exist_ok=True)
    yaml = home / "dagster.yaml"
    text = DAGSTER_YAML.format(runs_dir=json.dumps(str(home / "history" / "runs")))
    if not yaml.exists() or yaml.read_text() != text:
        tmp = home / f".dagster.yaml.tmp-{os.getpid()}"
        tmp.write_text(text)
        tmp.replace(yaml)
    return home


def persistent_instance(home: Path | None = None):
    from dagster import DagsterInstance

    return DagsterInstance.from_config(str(prepare_home(home)))
