"""The dbt project, described once. Kept apart from the @dbt_assets module (stack-notes.md):
preparing the manifest must not need the assets to import."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

from dagster_dbt import DbtProject

from .dbt_child import WORK_LINK, wrapper_path
from .settings import PROJECT_DIR, dbt_parse_environment

dbt_project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR)
MANIFEST = Path(dbt_project.manifest_path)
PARTIAL_PARSE = "partial_parse.msgpack"  # dbt's saved parse, which dagster-dbt copies into each run's target
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
    """Parse the dbt project when the manifest is missing or older than any model/macro/seed.

    Under a lock, into a folder of its own, then moved into place: two processes that find the
    manifest stale at once (two test workers, a build and the UI) parse one after the other, and a
    reader never sees a half-written manifest."""
    if not (force or manifest_is_stale()):
        return MANIFEST
    MANIFEST.parent.mkdir(parents=True, exist_ok=True)
    with open(MANIFEST.parent / ".parse.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if force or manifest_is_stale():  # another process may have parsed while this one waited
            out = MANIFEST.parent / f".parse-{os.getpid()}"
            dbt = wrapper_path()  # a dbt that dies with this process (dbt_child.py)
            try:
                proc = subprocess.run(
                    [str(dbt), "parse", "--quiet", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
                     "--target-path", str(out)],
                    cwd=PROJECT_DIR, capture_output=True, text=True, env=dbt_parse_environment(),
                )
                if proc.returncode != 0:
                    raise RuntimeError(f"dbt parse failed:\n{proc.stdout}\n{proc.stderr}")
                os.replace(out / PARTIAL_PARSE, MANIFEST.parent / PARTIAL_PARSE)
                os.replace(out / MANIFEST.name, MANIFEST)  # last: its mtime says the parse is current
            finally:
                shutil.rmtree(out, ignore_errors=True)
    return MANIFEST


def read_manifest(path: Path = MANIFEST) -> dict:
    """A dbt manifest, parsed: by default the project's own, the one the dbt assets are made from."""
    return json.loads(Path(path).read_text())


RUN_TARGETS = "revops_dbt_assets-*"  # the target folder dagster-dbt gives each dbt build
TARGET_IN_USE = ".in-use.lock"  # held by the build whose dbt writes (and then reads) the folder


# A folder this young may belong to a build that started dbt and has not claimed it yet.
_UNCLAIMED_GRACE_SECONDS = 300


def claim_target_dir(target: Path):
    """Claim a run's target folder for as long as the returned file is open."""
    target.mkdir(parents=True, exist_ok=True)
    fh = open(target / TARGET_IN_USE, "a+")
    fcntl.flock(fh, fcntl.LOCK_EX)
    return fh


def _claimed(folder: Path) -> bool:
    """Whether a build still holds ``folder`` (or it is gone: another build's clean-up removed it)."""
    try:
        with open(folder / TARGET_IN_USE, "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:  # BlockingIOError: claimed; FileNotFoundError: removed meanwhile
        return True
    return False


def remove_older_target_dirs(keep: Path) -> None:
    """dagster-dbt writes a fresh target folder per run (assets/dbt.py): remove the other runs'
    folders, except those of builds still running (decision 91: two builds from one checkout would
    otherwise delete each other's run_results.json)."""
    for d in keep.parent.glob(RUN_TARGETS):
        if d != keep and d.is_dir() and time.time() - d.stat().st_mtime >= _UNCLAIMED_GRACE_SECONDS and not _claimed(d):
            shutil.rmtree(d, ignore_errors=True)


def finished_build_artifacts(name: str) -> list[Path]:
    """``manifest.json`` or ``run_results.json`` of the dbt builds that have finished, newest
    first. A build still running (another warehouse's, decision 117) holds its folder's
    ``TARGET_IN_USE`` until it has read its artifacts, and has no run_results.json before dbt ends."""
    found = []
    for folder in (PROJECT_DIR / "target").glob(RUN_TARGETS):
        results = folder / "run_results.json"
        if results.exists() and (folder / name).exists() and not _claimed(folder):
            found.append((results.stat().st_mtime, folder / name))
    return [path for _, path in sorted(found, reverse=True)]


def last_build_artifact(name: str) -> Path:
    """``manifest.json`` or ``run_results.json`` of the newest finished dbt build (its compiled
    SQL, its node times); the build step removes older folders (assets/dbt.py)."""
    found = finished_build_artifacts(name)
    if not found:
        raise FileNotFoundError(f"no {name} of a finished dbt build under {PROJECT_DIR / 'target'}: run revops build first")
    return found[0]


DBT_WORK = WORK_LINK  # profiles.yml opens target/work/warehouse.duckdb, relative to the folder dbt runs in


def dbt_workdir(work_db: Path) -> Path:
    """The folder a dbt of ``work_db``'s build runs in, beside the working database's folder
    (``.warehouse.work`` -> ``.warehouse.work-dbt``): its ``target/work`` is a link to that
    folder, so the profile's fixed relative path opens this build's database.

    The profile stays the same for every warehouse (dbt keeps its partial parse: a changed profile
    costs a full re-parse), and builds of different warehouses from one checkout no longer share
    one link: each has its own, so their dbt steps can run at the same time (decision 117).
    The link is relative (``../../.warehouse.work``), so a warehouse folder that is moved or copied
    keeps a valid one, and it lies outside the folder it points to: a copy that follows links
    never loops."""
    if work_db.name != "warehouse.duckdb":
        raise ValueError(f"the working database must be named warehouse.duckdb, not {work_db.name}")
    folder = work_db.parent
    workdir = folder.with_name(f"{folder.name}-dbt")
    link = workdir / DBT_WORK
    target = Path(*[".."] * len(DBT_WORK.parts), folder.name)
    if not (link.is_symlink() and Path(os.readlink(link)) == target):
        link.parent.mkdir(parents=True, exist_ok=True)
        tmp = link.with_name(f"{link.name}.{os.getpid()}")
        if tmp.is_symlink():
            tmp.unlink()
        tmp.symlink_to(target, target_is_directory=True)
        if link.exists() and not link.is_symlink():
            raise RuntimeError(f"{link} exists and is not a link; remove it")
        os.replace(tmp, link)
    return workdir
