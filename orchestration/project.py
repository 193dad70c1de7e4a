"""The dbt project, described once. Kept apart from the @dbt_assets module (stack-notes.md):
preparing the manifest must not need the assets to import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from .settings import PROJECT_DIR

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
        dbt = Path(sys.executable).with_name("dbt")
        proc = subprocess.run(
            [str(dbt), "parse", "--quiet", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)],
            cwd=PROJECT_DIR, capture_output=True, text=True,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"dbt parse failed:\n{proc.stdout}\n{proc.stderr}")
    return MANIFEST
