"""Where every setting comes from: the project's defaults, then the environment.

This is the only module that reads (or writes) the process environment. A build's settings travel
as Dagster config (``resources.RevopsSettings``); the defaults shown in the UI launchpad and used
by the schedule and the sensor are the ones computed here, from these variables:

| variable | setting | default |
|---|---|---|
| ``REVOPS_LANDING`` | landing folder | ``data/landing`` |
| ``REVOPS_WAREHOUSE`` | the published DuckDB file readers open | ``data/warehouse.duckdb`` |
| ``REVOPS_DBT_VARS`` | extra dbt vars, a JSON object | ``{}`` |
| ``REVOPS_EXPORT_PARQUET`` | also write every mart as Parquet into this folder | none |
| ``REVOPS_MAX_DECOMPRESSED_BYTES`` | bytes one landing file may expand to (after gzip) | ``32GiB`` |
| ``REVOPS_MAX_LINE_BYTES`` | bytes of one line / CSV record / JSON Lines record | ``256MiB`` |
| ``REVOPS_MAX_FIELD_BYTES`` | bytes of one field (CSV value, Parquet text value) | ``128MiB`` |
| ``REVOPS_LOADER_MEMORY_BYTES`` | DuckDB memory while loading a file (spills beyond) | ``2GiB`` |
| ``REVOPS_DBT_MEMORY_BYTES`` | DuckDB memory of dbt's connection (spills beyond) | ``2GiB`` |
| ``DAGSTER_HOME`` | Dagster's instance (run history, schedules, sensors) | ``data/dagster_home`` |
| ``REVOPS_EXPECTATIONS_DIR`` | another folder of expectation suites (tests) | ``expectations/`` |
| ``REVOPS_FAULT_POINT`` | tests only: kill the build at a named point | none |
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
from pathlib import Path

from .landing.limits import DEFAULT_LIMITS, GiB, MiB, size

PROJECT_DIR = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_DIR / "data"
DEFAULT_LANDING = DATA_DIR / "landing"
DEFAULT_WAREHOUSE = DATA_DIR / "warehouse.duckdb"
DEFAULT_DAGSTER_HOME = DATA_DIR / "dagster_home"
DEFAULT_EXPECTATIONS_DIR = PROJECT_DIR / "expectations"

ENV_LANDING = "REVOPS_LANDING"
ENV_WAREHOUSE = "REVOPS_WAREHOUSE"
ENV_DBT_VARS = "REVOPS_DBT_VARS"
ENV_EXPORT_PARQUET = "REVOPS_EXPORT_PARQUET"
ENV_EXPECTATIONS_DIR = "REVOPS_EXPECTATIONS_DIR"
ENV_FAULT_POINT = "REVOPS_FAULT_POINT"
ENV_DAGSTER_HOME = "DAGSTER_HOME"
# The read limits (landing/limits.py) and dbt's memory: RevopsSettings field -> variable. Sizes are
# bytes, written as a whole number or with a unit: 268435456, 256MiB, 2GB (KB/MB/GB/TB are
# powers of 1000, KiB/MiB/GiB/TiB of 1024).
ENV_SIZES = {
    "max_decompressed_bytes": "REVOPS_MAX_DECOMPRESSED_BYTES",
    "max_line_bytes": "REVOPS_MAX_LINE_BYTES",
    "max_field_bytes": "REVOPS_MAX_FIELD_BYTES",
    "loader_memory_bytes": "REVOPS_LOADER_MEMORY_BYTES",
    "dbt_memory_bytes": "REVOPS_DBT_MEMORY_BYTES",
}
DEFAULT_DBT_MEMORY_BYTES = 2 * GiB
# The smallest value of each that can work: DuckDB needs some memory to run at all, and a
# limit of a few bytes would reject every file.
SIZE_MINIMUM = {"max_decompressed_bytes": 1024, "max_line_bytes": 1024, "max_field_bytes": 1024,
                "loader_memory_bytes": 64 * MiB, "dbt_memory_bytes": 64 * MiB}
# Read by profiles.yml (``settings:`` of dbt's DuckDB connection), set by dbt_process_environment.
ENV_DBT_MEMORY_LIMIT = "REVOPS_DBT_MEMORY_LIMIT"
# Read by the dbt project (macros/parsing.sql, as_of_date()): as_of_date reaches dbt through the
# environment of its process rather than --vars, because changing --vars makes dbt re-parse the
# whole project on every build.
ENV_DBT_AS_OF = "REVOPS_AS_OF"
# The folder the dbt wrapper (dbt_child.py) moves into before dbt starts: the one whose
# target/work reaches the working database of this build (project.py, dbt_workdir).
ENV_DBT_WORKDIR = "REVOPS_DBT_WORKDIR"


class SettingError(ValueError):
    """A setting with a value that cannot work; the message names the setting, the value and what
    is expected."""


def _env(name: str) -> str | None:
    return os.environ.get(name) or None


def landing_from_env() -> Path | None:
    v = _env(ENV_LANDING)
    return Path(v).resolve() if v else None


def default_landing() -> Path:
    return landing_from_env() or DEFAULT_LANDING


def default_warehouse() -> Path:
    v = _env(ENV_WAREHOUSE)
    return Path(v).resolve() if v else DEFAULT_WAREHOUSE


def default_dbt_vars() -> dict:
    return parse_dbt_vars(_env(ENV_DBT_VARS) or "{}", setting=ENV_DBT_VARS)


ENV_STEWARD = "REVOPS_STEWARD"
DEFAULT_APP_PORT = 8050
DEFAULT_DOCS_PORT = 8080


def default_steward() -> str:
    """Who a decision made in the review grid is recorded as, unless the steward types a name:
    $REVOPS_STEWARD, else the login name."""
    return _env(ENV_STEWARD) or _env("USER") or _env("LOGNAME") or "steward"


ENV_EXPORT_MAX_ROWS = "REVOPS_EXPORT_MAX_ROWS"
ENV_EXPORT_MAX_BYTES = "REVOPS_EXPORT_MAX_BYTES"


def export_limit_texts() -> dict[str, str]:
    """The split limits `revops export` is told to use instead of the tools' documented ones,
    as given ({setting: text}, only those set); orchestration/export checks them."""
    return {k: v.strip() for k in (ENV_EXPORT_MAX_ROWS, ENV_EXPORT_MAX_BYTES) if (v := _env(k))}


def default_export_parquet() -> str:
    v = _env(ENV_EXPORT_PARQUET)
    return str(Path(v).resolve()) if v else ""


_UNITS = {"": 1, "b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3, "tb": 1000**4,
          "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40}


def size_expected(name: str) -> str:
    return (f"a size in bytes of at least {size(SIZE_MINIMUM[name])}, written as a whole number or with a unit "
            "(e.g. 268435456, 256MiB, 2GB)")


def size_in_bytes(text: str, whole: bool = True) -> int | None:
    """Bytes of a size written as a number with an optional unit (268435456, 256MiB, 2GB; with
    ``whole=False`` also a fraction, as DuckDB shows its settings: ``2.0 GiB``), else None."""
    number = r"\d+" if whole else r"\d+(?:\.\d+)?"
    m = re.fullmatch(rf"\s*({number})\s*([KMGT]i?B|B)?\s*", text or "", re.IGNORECASE)
    return int(float(m.group(1)) * _UNITS[(m.group(2) or "").lower()]) if m else None


def parse_size(text: str, name: str, setting: str) -> int:
    """A size setting (``ENV_SIZES``) given as text: bytes, or a number with a unit."""
    value = size_in_bytes(text)
    if value is None or value < SIZE_MINIMUM[name]:
        raise SettingError(f"{setting} = {text!r}: expected {size_expected(name)}")
    return value


def size_problems(values: dict) -> list[str]:
    """What is wrong with size settings given as numbers (RevopsSettings fields), one message each."""
    problems = []
    for name, value in values.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < SIZE_MINIMUM[name]:
            problems.append(f"{name} = {value!r}: expected a whole number of bytes of at least {size(SIZE_MINIMUM[name])}")
    return problems


def default_sizes() -> dict[str, int]:
    """The read limits and dbt's memory: the environment's values, else the project's defaults
    (SettingError naming the variable when one is malformed)."""
    out = {}
    for name, var in ENV_SIZES.items():
        v = _env(var)
        if v is not None:
            out[name] = parse_size(v, name, var)
        else:
            out[name] = DEFAULT_DBT_MEMORY_BYTES if name == "dbt_memory_bytes" else getattr(DEFAULT_LIMITS, name)
    return out


def dagster_home() -> Path:
    v = _env(ENV_DAGSTER_HOME)
    return Path(v).resolve() if v else DEFAULT_DAGSTER_HOME


def expectations_dir() -> Path:
    v = _env(ENV_EXPECTATIONS_DIR)
    return Path(v) if v else DEFAULT_EXPECTATIONS_DIR


def fault_point_spec() -> str | None:
    return _env(ENV_FAULT_POINT)


def work_db_for(warehouse: Path) -> Path:
    """The build's private database, beside the published file (same filesystem: atomic rename).

    It is always named ``warehouse.duckdb`` inside a private folder: dbt reaches it through the
    fixed relative path ``target/work/warehouse.duckdb``, from a folder whose ``target/work`` is a
    link to that folder (project.py, dbt_workdir), so the dbt profile never changes and dbt keeps
    its partial parse between builds."""
    return warehouse.with_name(f".{warehouse.stem}.work") / "warehouse.duckdb"


def dbt_workdir_from_env() -> Path | None:
    """The folder a dbt started by a build runs in (None for a dbt started otherwise)."""
    v = _env(ENV_DBT_WORKDIR)
    return Path(v) if v else None


# Paths dagster-dbt gives dbt through its environment, relative to the project folder it starts
# dbt in (the target and log folders of the run).
_DBT_PATH_VARIABLES = ("DBT_TARGET_PATH", "DBT_LOG_PATH", "DBT_PROJECT_DIR", "DBT_PROFILES_DIR")


def enter_dbt_workdir() -> Path | None:
    """In the dbt wrapper, before dbt starts: move into the folder REVOPS_DBT_WORKDIR names, where
    the profile's relative ``target/work`` reaches this build's working database. The relative
    paths of dbt's environment are made absolute first, so dbt still writes its artifacts and log
    where dagster-dbt reads them. Returns the folder (None when no build started this dbt)."""
    workdir = dbt_workdir_from_env()
    if workdir is None:
        return None
    for name in _DBT_PATH_VARIABLES:
        value = _env(name)
        if value and not os.path.isabs(value):
            os.environ[name] = os.path.abspath(value)
    os.chdir(workdir)
    return workdir


def today_utc() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def parse_as_of(value: str | None, setting: str = "as_of_date") -> dt.date:
    """``YYYY-MM-DD``, or empty for today (UTC)."""
    if not value:
        return today_utc()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise SettingError(f"{setting} = {value!r}: expected a date like 2025-06-30") from None


def parse_dbt_vars(text: str, setting: str = "dbt_vars") -> dict:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SettingError(f"{setting} = {text!r}: expected a JSON object such as "
                           f"'{{\"gross_margin\": 0.75}}' ({exc.msg} at character {exc.pos})") from None
    if not isinstance(value, dict):
        raise SettingError(f"{setting} = {text!r}: expected a JSON object such as '{{\"gross_margin\": 0.75}}'")
    return value


def path_problems(landing: Path, warehouse: Path) -> list[str]:
    """What is wrong with the landing folder and the published file's location, each problem
    naming the setting, the value and what is expected (empty when nothing is)."""
    problems = []
    if landing.exists() and not landing.is_dir():
        problems.append(f"landing folder {landing} is a file, not a folder: pass the folder that holds "
                        "<source>/<object>/<file> extracts")
    elif not landing.exists():
        problems.append(f"landing folder {landing} does not exist")
    folder = warehouse.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if warehouse.is_dir():
        problems.append(f"warehouse {warehouse} is a folder: pass the path of the DuckDB file to publish, "
                        "e.g. data/warehouse.duckdb")
    elif not os.access(folder, os.W_OK | os.X_OK):
        problems.append(f"warehouse {warehouse}: the folder {folder} is not writable; the build writes its working "
                        "database and the published file there. Choose a writable folder with --warehouse")
    return problems


def dbt_memory_limit(memory_bytes: int) -> str:
    """The memory_limit of dbt's DuckDB as profiles.yml receives it (its default is this value of
    DEFAULT_DBT_MEMORY_BYTES: a dbt parse and a build must see the same profile)."""
    return f"{int(memory_bytes)}B"


def dbt_parse_environment() -> dict[str, str]:
    """The environment of the `dbt parse` that prepares the manifest: the profile as a build
    renders it, so the build reuses that parse instead of starting over."""
    return {**os.environ, ENV_DBT_MEMORY_LIMIT: dbt_memory_limit(default_sizes()["dbt_memory_bytes"])}


@contextlib.contextmanager
def dbt_process_environment(as_of: dt.date, memory_bytes: int = DEFAULT_DBT_MEMORY_BYTES,
                            workdir: Path | None = None):
    """The environment a dbt subprocess inherits while it is started (dagster-dbt copies
    ``os.environ`` when it launches dbt): the as-of date, the memory limit of dbt's DuckDB
    connection (profiles.yml), so a big table spills to the working database's folder instead of
    growing dbt without bound, and the folder dbt runs in (``workdir``, see project.py)."""
    values = {ENV_DBT_AS_OF: as_of.isoformat(), ENV_DBT_MEMORY_LIMIT: dbt_memory_limit(memory_bytes),
              **({ENV_DBT_WORKDIR: str(workdir)} if workdir is not None else {}),
              # dbt.log at info (results, warnings, errors) rather than dbt's default debug: the
              # ~5,000 debug lines of a build (every query, connection and commit) cost 1-3 s of
              # dbt's time; a user who wants them sets DBT_LOG_LEVEL_FILE=debug (decision 109)
              "DBT_LOG_LEVEL_FILE": os.environ.get("DBT_LOG_LEVEL_FILE", "info")}
    old = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in old.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


_NO_TELEMETRY = {"GX_ANALYTICS_ENABLED": "false", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                 "DAGSTER_DISABLE_TELEMETRY": "true"}


def quiet_third_party_telemetry() -> None:
    """No usage analytics from the libraries a build loads (GX, dbt, Dagster): nothing leaves the
    machine."""
    for name, value in _NO_TELEMETRY.items():
        os.environ.setdefault(name, value)


def ui_process_environment(home: Path, warehouse: Path, landing: Path | None) -> dict[str, str]:
    """The environment of ``dagster dev``: its code location takes its defaults from it."""
    env = dict(os.environ, DAGSTER_HOME=str(home))
    env[ENV_WAREHOUSE] = str(warehouse)
    if landing is not None:
        env[ENV_LANDING] = str(landing)
    for name, value in _NO_TELEMETRY.items():
        env.setdefault(name, value)
    return env
