"""The Dagster code location, the sensor, and the CLI commands other than build."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import PROJECT, REVOPS, run_cli
from devtools.ui_process import free_port, stop


@pytest.fixture(scope="module")
def defs():
    from orchestration.project import prepare_manifest

    prepare_manifest()
    from orchestration.definitions import defs as d

    return d


def test_code_location_has_every_landing_object_mart_check_job_schedule_and_sensor(defs):
    from orchestration.landing.contract import OBJECTS

    graph = defs.resolve_asset_graph()
    keys = {"/".join(k.path) for k in graph.get_all_asset_keys()}
    for obj in OBJECTS:
        assert f"raw/{obj.table}" in keys
    for mart in ("dim_accounts", "mrr_by_account_month", "revenue_kpis_monthly", "cohort_retention"):
        assert f"marts/{mart}" in keys
    assert "published_warehouse" in keys
    # lineage: staging reads the landing object's raw asset
    from dagster import AssetKey

    parents = {"/".join(k.path) for k in graph.get(AssetKey(["staging", "stg_billing__invoice_lines"])).parent_keys}
    assert "raw/billing_invoices" in parents
    assert defs.resolve_job_def("build_warehouse") is not None
    assert defs.resolve_schedule_def("daily_build").cron_schedule == "0 6 * * *"
    assert defs.resolve_sensor_def("landing_files_sensor") is not None


def test_sensor_requests_a_run_only_when_landing_files_change(tmp_path, monkeypatch):
    from dagster import RunRequest, SkipReason, build_sensor_context

    from orchestration.sensors import landing_files_sensor

    monkeypatch.setenv("REVOPS_LANDING", str(tmp_path))
    from orchestration.definitions import build_warehouse

    sensor = landing_files_sensor(build_warehouse)
    assert isinstance(sensor(build_sensor_context()), SkipReason)  # empty folder

    folder = tmp_path / "finance" / "fx_rates"
    folder.mkdir(parents=True)
    (folder / "2025-01-01_fx.csv").write_text("date,currency,usd_per_unit\n2025-01-01,EUR,1.1\n")
    ctx = build_sensor_context()
    first = sensor(ctx)
    assert isinstance(first, RunRequest)
    ctx2 = build_sensor_context(cursor=ctx.cursor)
    assert isinstance(sensor(ctx2), SkipReason)

    (folder / "2025-02-01_fx.csv").write_text("date,currency,usd_per_unit\n2025-02-01,EUR,1.2\n")
    third = sensor(build_sensor_context(cursor=ctx.cursor))
    assert isinstance(third, RunRequest) and third.run_key != first.run_key


def test_kpis_prints_the_monthly_table(generated_warehouse):
    out = run_cli("kpis", "--warehouse", str(generated_warehouse), "--months", "3").stdout
    assert "Monthly revenue KPIs" in out
    assert "2025-06" in out and "2025-04" in out and "2025-03" not in out


def test_build_with_a_missing_landing_folder_says_so(tmp_path):
    proc = run_cli("build", "--landing", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "w.duckdb"), check=False)
    assert proc.returncode != 0
    assert "does not exist" in proc.stderr + proc.stdout


def test_ui_serves_the_lineage_on_localhost(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVOPS_")}
    env["DAGSTER_HOME"] = str(tmp_path / "dagster_home")
    proc = subprocess.Popen(
        [str(REVOPS), "ui", "--port", str(port), "--warehouse", str(tmp_path / "w.duckdb")],
        cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        deadline = time.time() + 120
        body = None
        query = {"query": "{ assetNodes { assetKey { path } } }"}
        while time.time() < deadline:
            try:
                req = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=json.dumps(query).encode(),
                                             headers={"Content-Type": "application/json"})
                body = json.loads(urllib.request.urlopen(req, timeout=5).read())
                if body.get("data", {}).get("assetNodes"):
                    break
            except Exception:
                time.sleep(1)
        assert body and body.get("data"), "the UI did not answer within 120 s"
        keys = {"/".join(n["assetKey"]["path"]) for n in body["data"]["assetNodes"]}
        assert {"raw/billing_invoices", "marts/mrr_by_account_month", "published_warehouse"} <= keys
        assert (tmp_path / "dagster_home" / "dagster.yaml").exists()
    finally:
        stop(proc)
