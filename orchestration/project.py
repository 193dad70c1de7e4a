"""The dbt project, described once. Kept apart from the @dbt_assets module (stack-notes.md):
preparing the manifest must not need the assets to import."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import subprocess
from pathlib import Path

from dagster_dbt import DbtProject

from .dbt_child import wrapper_path
from .settings import PROJECT_DIR, dbt_parse_environment

dbt_project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR)
MANIFEST = Path(dbt_project.manifest_path)
_SOURCES = ("models", "macros", "seeds", "data_tests", "dbt_project.yml", "profiles.yml")


def _newest_source_mtime() -> float:
    newest = 0.0
    for name in _SOURCES:
        p = PROJECT_DIR / name
        paths = [p] if p.is_file() else (p.rglob("*") if p.exists() else [])
        for f in paths:
            if f.is_file():
                newest = max(newest, f.stat().st_mtime)
    return newest


def manifest_is_stale() -> bool:
    return not MANIFEST.exists() or MANIFEST.stat().st_mtime < _newest_source_mtime()


def prepare_manifest(force: bool = False) -> Path:
    """Parse the dbt project when the manifest is missing or older than any model/macro/seed."""
    if force or manifest_is_stale():
        dbt = wrapper_path()  # a dbt that dies with this process (dbt_child.py)
        proc = subprocess.run(
            [str(dbt), "parse", "--quiet", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)],
            cwd=PROJECT_DIR, capture_output=True, text=True, env=dbt_parse_environment(),
        )
        if proc.returncode != 0:
            raise RuntimeError(f"dbt parse failed:\n{proc.stdout}\n{proc.stderr}")
    return MANIFEST


def read_manifest(path: Path = MANIFEST) -> dict:
    """A dbt manifest, parsed: by default the project's own, the one the dbt assets are made from."""
    return json.loads(Path(path).read_text())


WORK_LINK = PROJECT_DIR / "target" / "work"
RUN_TARGETS = "revops_dbt_assets-*"  # the target folder dagster-dbt gives each dbt build


def last_build_artifact(name: str) -> Path:
    """``manifest.json`` or ``run_results.json`` of the newest dbt build (its compiled SQL, its
    node times); the build step keeps only the newest folder (assets/dbt.py)."""
    found = sorted((PROJECT_DIR / "target").glob(f"{RUN_TARGETS}/{name}"), key=lambda p: p.stat().st_mtime)
    if not found:
        raise FileNotFoundError(f"no {name} of a dbt build under {PROJECT_DIR / 'target'}: run revops build first")
    return found[-1]


@contextlib.contextmanager
def dbt_points_at(work_db: Path):
    """Point dbt's fixed database path at ``work_db`` for the duration of one dbt invocation.

    The link is to the database's folder (not the file), so DuckDB's write-ahead log lands beside
    the real file. A lock keeps two dbt runs of this checkout from re-pointing it under each other.
    """
    if work_db.name != "warehouse.duckdb":
        raise ValueError(f"the working database must be named warehouse.duckdb, not {work_db.name}")
    WORK_LINK.parent.mkdir(parents=True, exist_ok=True)
    with open(WORK_LINK.parent / ".dbt-run.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        tmp = WORK_LINK.with_name(f"work.{os.getpid()}")
        if tmp.is_symlink():
            tmp.unlink()
        tmp.symlink_to(work_db.parent.resolve(), target_is_directory=True)
        if WORK_LINK.exists() and not WORK_LINK.is_symlink():
            raise RuntimeError(f"{WORK_LINK} exists and is not a link; remove it")
        os.replace(tmp, WORK_LINK)
        yield
