"""dbt's unit tests (the `unit_tests:` of the model YAML: movement CASEs, tie-breaks, windows).

They test the models' SQL on fixed inputs, not the data, so production builds leave them out
(`--exclude-resource-type unit_test`, decision 110) and this test runs them all: `dbt test
--select test_type:unit` on a copy of a built working database (dbt reads the column types of a
unit test's inputs from the relations its model refers to).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

from orchestration.project import dbt_workdir, last_build_artifact
from orchestration.settings import dbt_process_environment, work_db_for

PROJECT = Path(__file__).resolve().parents[1]
DBT = Path(sys.executable).with_name("dbt")


def _unit_tests_in_manifest() -> set[str]:
    manifest = json.loads((PROJECT / "target" / "manifest.json").read_text())
    return set(manifest.get("unit_tests", {}))


def test_every_dbt_unit_test_passes(generated_warehouse, tmp_path):
    work = tmp_path / "work" / "warehouse.duckdb"
    work.parent.mkdir()
    shutil.copyfile(work_db_for(generated_warehouse), work)
    target = tmp_path / "target"
    with dbt_process_environment(dt.date(2025, 6, 30)):
        proc = subprocess.run([str(DBT), "test", "--select", "test_type:unit", "--target-path", str(target),
                               "--project-dir", str(PROJECT), "--profiles-dir", str(PROJECT)],
                              cwd=dbt_workdir(work), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    results = json.loads((target / "run_results.json").read_text())["results"]
    ran = {r["unique_id"]: r["status"] for r in results}
    assert set(ran) == _unit_tests_in_manifest() and len(ran) >= 7, sorted(ran)
    assert set(ran.values()) == {"pass"}, ran


def test_a_build_leaves_the_unit_tests_to_the_test_suite(generated_warehouse):
    """The build's run_results hold no unit test (they cost ~0.2 s each in every build)."""
    ids = [r["unique_id"] for r in json.loads(last_build_artifact("run_results.json").read_text())["results"]]
    assert ids and not [i for i in ids if i.startswith("unit_test.")]
