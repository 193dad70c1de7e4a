"""Where dbt runs and what a build cleans up, without a build (decision 117): each working
database has its own dbt folder, and a build never removes the target folder of one still running."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

import pytest

from orchestration.project import DBT_WORK, TARGET_IN_USE, claim_target_dir, dbt_workdir, remove_older_target_dirs


def test_each_working_database_gets_a_dbt_folder_whose_target_work_is_its_own_folder(tmp_path):
    a = tmp_path / "a" / ".warehouse.work" / "warehouse.duckdb"
    b = tmp_path / "b" / ".warehouse.work" / "warehouse.duckdb"
    for work in (a, b):
        work.parent.mkdir(parents=True)
        work.write_bytes(b"db")
    wa, wb = dbt_workdir(a), dbt_workdir(b)
    assert wa != wb
    # the profile's relative path, taken from each dbt folder, opens that build's database only
    assert (wa / DBT_WORK / "warehouse.duckdb").resolve() == a.resolve()
    assert (wb / DBT_WORK / "warehouse.duckdb").resolve() == b.resolve()
    assert wa == a.parent.with_name(".warehouse.work-dbt")  # beside, not inside: a copy never loops
    assert os.readlink(wa / DBT_WORK) == "../../.warehouse.work"  # relative: a moved folder keeps it valid
    link_before = (wa / DBT_WORK).lstat()
    assert dbt_workdir(a) == wa and (wa / DBT_WORK).lstat().st_ino == link_before.st_ino  # left as it is

    moved = tmp_path / "moved"
    (tmp_path / "a").rename(moved)
    assert (moved / ".warehouse.work-dbt" / DBT_WORK / "warehouse.duckdb").read_bytes() == b"db"


def test_a_folder_in_the_way_of_the_link_is_an_error_naming_it(tmp_path):
    work = tmp_path / ".warehouse.work" / "warehouse.duckdb"
    (tmp_path / ".warehouse.work-dbt" / DBT_WORK).mkdir(parents=True)
    with pytest.raises(RuntimeError, match="exists and is not a link"):
        dbt_workdir(work)
    with pytest.raises(ValueError, match="must be named warehouse.duckdb"):
        dbt_workdir(tmp_path / "other.duckdb")


def _aged(d: Path, seconds: float) -> Path:
    past = time.time() - seconds
    os.utime(d, (past, past))
    return d


def test_clean_up_keeps_folders_of_builds_still_running_and_young_ones(tmp_path):
    mine = tmp_path / "revops_dbt_assets-mine"
    running = tmp_path / "revops_dbt_assets-running"
    finished = tmp_path / "revops_dbt_assets-finished"
    young = tmp_path / "revops_dbt_assets-young"
    claim = claim_target_dir(running)  # another build, still reading its artifacts
    for d in (mine, finished, young):
        d.mkdir()
    (finished / TARGET_IN_USE).touch()
    for d in (running, finished):
        _aged(d, 3600)
    try:
        remove_older_target_dirs(mine)
        assert sorted(p.name for p in tmp_path.iterdir()) == [mine.name, running.name, young.name]
    finally:
        claim.close()
    # once that build has let go, its folder goes with the next clean-up
    _aged(running, 3600)
    remove_older_target_dirs(mine)
    assert not running.exists() and young.exists()


def test_a_claim_is_exclusive_while_held(tmp_path):
    claim = claim_target_dir(tmp_path / "t")
    try:
        with open(tmp_path / "t" / TARGET_IN_USE, "a+") as other, pytest.raises(BlockingIOError):
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        claim.close()


def test_the_newest_finished_build_is_the_one_whose_artifacts_are_read(tmp_path):
    """A build still running (its folder claimed, or no run_results.json yet) is passed over."""
    import shutil

    from orchestration.project import PROJECT_DIR, finished_build_artifacts, last_build_artifact

    made = [PROJECT_DIR / "target" / f"revops_dbt_assets-test{os.getpid()}-{n}" for n in ("old", "new", "running", "starting")]
    try:
        for i, d in enumerate(made):
            d.mkdir(parents=True)
            (d / "manifest.json").write_text("{}")
            if d.name.endswith("starting"):
                continue  # dbt has not finished: no run_results.json
            (d / "run_results.json").write_text("{}")
            stamp = time.time() + 3600 + i  # newer than any real build here
            os.utime(d / "run_results.json", (stamp, stamp))
        claim = claim_target_dir(made[2])
        try:
            assert finished_build_artifacts("manifest.json")[:2] == [made[1] / "manifest.json", made[0] / "manifest.json"]
            assert last_build_artifact("run_results.json") == made[1] / "run_results.json"
        finally:
            claim.close()
        assert last_build_artifact("manifest.json") == made[2] / "manifest.json"  # once it has finished
    finally:
        for d in made:
            shutil.rmtree(d, ignore_errors=True)
