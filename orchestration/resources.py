"""The resources every run uses, configured in one place: the build's settings and dbt.

``RevopsSettings`` holds every build setting as Dagster config. The UI launchpad shows it with its
defaults (settings.py: the project's, then the environment's); the CLI, the schedule and the
sensor all start ``build_warehouse`` with ``run_config(...)`` of this module. For the duration of
a run it holds the build lock of its warehouse, so a run started from the UI and a CLI build never
write the same working database at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

from dagster import ConfigurableResource, InitResourceContext
from dagster_dbt import DbtCliResource
from packaging.version import Version
from pydantic import Field, PrivateAttr

from . import settings
from .dbt_child import wrapper_path
from .project import dbt_project

SETTINGS_KEY = "settings"
_SIZES = settings.default_sizes()


class RevopsSettings(ConfigurableResource):
    """Every setting of a warehouse build. Empty values mean "the default" (see each field)."""

    landing_dir: str = Field(default=str(settings.default_landing()),
                             description="The landing folder: <source>/<object>/<file> extracts (docs/landing.md).")
    warehouse: str = Field(default=str(settings.default_warehouse()),
                           description="The published DuckDB file BI tools open; replaced atomically after a good build.")
    work_db: str = Field(default="",
                         description="The build's private working database; empty: .<warehouse>.work/warehouse.duckdb "
                                     "beside the published file.")
    as_of_date: str = Field(default="",
                            description="YYYY-MM-DD ending every series (its month is measured on that day); "
                                        "empty: the run's start date, UTC.")
    strict: bool = Field(default=False,
                         description="Fail (and publish nothing) when any landing row or file is rejected.")
    dbt_vars: dict[str, Any] = Field(default=settings.default_dbt_vars(),
                                     description="dbt vars overriding dbt_project.yml, e.g. {\"gross_margin\": 0.75}.")
    force_rebuild: bool = Field(default=False,
                                description="Run dbt, the checks and publishing even when nothing changed since the "
                                            "published build (same raw files, code and settings); by default such a "
                                            "build keeps the published warehouse and stops (build_inputs.py).")
    ingest_workers: int = Field(default=2,
                                description="Landing objects loaded at once (threads, each on its own DuckDB "
                                            "connection); 1 loads them one after another.")
    full_refresh: bool = Field(default=False,
                               description="Rebuild the incremental staging models from every raw row (dbt --full-refresh) "
                                           "instead of staging again only the keys of new or replaced landing files; "
                                           "implies force_rebuild. A build does it by itself when the code changed.")
    export_parquet: str = Field(default=settings.default_export_parquet(),
                                description="After publishing, also write every mart as <folder>/<table>.parquet; "
                                            "empty: no export.")
    # The read limits (landing/limits.py) and dbt's memory, in bytes: environment (settings.py), else
    # the documented defaults, far beyond any real export.
    max_decompressed_bytes: int = Field(default=_SIZES["max_decompressed_bytes"],
                                        description="Bytes one landing file may expand to (after gzip); a file past "
                                                    "it is rejected. Default 32 GiB.")
    max_line_bytes: int = Field(default=_SIZES["max_line_bytes"],
                                description="Bytes of one line, CSV record or JSON Lines record; a file holding a "
                                            "longer one is rejected. Default 256 MiB.")
    max_field_bytes: int = Field(default=_SIZES["max_field_bytes"],
                                 description="Bytes of one field (CSV value, Parquet text value); a file holding a "
                                             "longer one is rejected. Default 128 MiB.")
    loader_memory_bytes: int = Field(default=_SIZES["loader_memory_bytes"],
                                     description="DuckDB memory while loading a file; beyond it DuckDB spills to "
                                                 "disk beside the working database. Default 2 GiB.")
    dbt_memory_bytes: int = Field(default=_SIZES["dbt_memory_bytes"],
                                  description="DuckDB memory of dbt's connection; beyond it DuckDB spills to disk "
                                              "beside the working database. Default 2 GiB.")

    _as_of: dt.date | None = PrivateAttr(default=None)

    def landing_path(self) -> Path:
        return Path(self.landing_dir).resolve()

    def warehouse_path(self) -> Path:
        return Path(self.warehouse).resolve()

    def work_db_path(self) -> Path:
        return Path(self.work_db).resolve() if self.work_db else settings.work_db_for(self.warehouse_path())

    def as_of(self) -> dt.date:
        """as_of_date, fixed once per run: a run that crosses midnight measures one day."""
        if self._as_of is None:
            self._as_of = settings.parse_as_of(self.as_of_date)
        return self._as_of

    def size_values(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in settings.ENV_SIZES}

    def read_limits(self):
        from .landing.limits import ReadLimits

        return ReadLimits(self.max_decompressed_bytes, self.max_line_bytes, self.max_field_bytes,
                          self.loader_memory_bytes)

    def export_parquet_path(self) -> Path | None:
        return Path(self.export_parquet).resolve() if self.export_parquet else None

    @contextlib.contextmanager
    def yield_for_execution(self, context: InitResourceContext):
        from dagster import Failure

        from .warehouse import build_lock, ensure_work_db

        try:
            self.as_of()
        except settings.SettingError as exc:
            raise Failure(description=str(exc)) from None
        from .validation import validate_dbt_vars

        problems = settings.path_problems(self.landing_path(), self.warehouse_path()) + [
            f"dbt_vars: {p}" for p in validate_dbt_vars(self.dbt_vars)] + settings.size_problems(self.size_values())
        if problems:
            raise Failure(description="; ".join(problems))
        # The CLI takes the lock before it starts the run (to refuse at once with a clear message);
        # build_lock is then a no-op here. A run from the UI, the schedule or the sensor waits.
        holder = f"Dagster run {context.run_id}" if context.run_id else "a Dagster run"
        with build_lock(self.warehouse_path(), wait=True, work=self.work_db_path(), holder=holder,
                        log=context.log.info if context.log else None):
            ensure_work_db(self.work_db_path())
            yield self


def run_config(quiet_logs: bool = False, **values: Any) -> dict:
    """The run config of ``build_warehouse``: what the CLI, the schedule and the sensor launch.

    ``values`` are RevopsSettings fields (paths and dates are written as text; None means "leave
    it to the default"); fields left out take the defaults of RevopsSettings."""
    unknown = set(values) - set(RevopsSettings.model_fields)
    if unknown:
        raise TypeError(f"not a build setting: {', '.join(sorted(unknown))}")
    config: dict[str, Any] = {}
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, Path):
            value = str(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        config[name] = value
    rc: dict[str, Any] = {"resources": {SETTINGS_KEY: {"config": config}}}
    if quiet_logs:
        rc["loggers"] = {"console": {"config": {"log_level": "ERROR"}}}
    return rc


class RevopsDbtCliResource(DbtCliResource):
    """dbt as a subprocess of this virtualenv, without dagster-dbt's ``dbt --version`` call per
    run (a second dbt start-up, and a network call): the version is the installed package's."""

    @property
    def _cli_version(self) -> Version:  # type: ignore[override]
        return Version(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):  # noqa: ARG002
        """No in-process dbt adapter (seconds of start-up): it serves only dagster-dbt's row-count
        and column fetchers, which cannot open the database while dbt writes it; the dbt step adds
        that metadata itself after dbt (assets/dbt_metadata.py)."""
        return None


def dbt_resource() -> RevopsDbtCliResource:
    return RevopsDbtCliResource(
        project_dir=dbt_project,
        profiles_dir=str(dbt_project.profiles_dir),
        # the dbt of this virtualenv, whether or not it is on PATH, through a wrapper that makes
        # it die with the build (dbt_child.py)
        dbt_executable=wrapper_path(),
    )
