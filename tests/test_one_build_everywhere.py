"""One build, seen everywhere: a CLI build shows in the UI, a UI run takes the same settings as
run config and builds the same marts, and the two never write one warehouse at once.

One `revops ui` (webserver + daemon on 127.0.0.1) serves the module, on the session's Dagster
instance (conftest.py sets DAGSTER_HOME), which the CLI builds of this module record into.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from conftest import PROJECT, REVOPS, SCENARIOS, run_cli
from devtools.ui_process import free_port, stop

LANDING = SCENARIOS / "billing_basic" / "landing"
AS_OF = "2025-03-15"
PAST_AS_OF = "2025-02-28"


class UI:
    def __init__(self, port: int):
        self.url = f"http://127.0.0.1:{port}/graphql"

    def gql(self, query: str, variables: dict | None = None) -> dict:
        req = urllib.request.Request(self.url, data=json.dumps({"query": query, "variables": variables or {}}).encode(),
                                     headers={"Content-Type": "application/json"})
        body = json.loads(urllib.request.urlopen(req, timeout=30).read())
        assert "errors" not in body, body["errors"]
        return body["data"]


@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ui")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVOPS_")}
    proc = subprocess.Popen(
        [str(REVOPS), "ui", "--port", str(port), "--warehouse", str(tmp / "ui_default.duckdb"), "--landing", str(LANDING)],
        cwd=PROJECT, env=env, stdout=open(tmp / "ui.log", "w"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    client = UI(port)
    try:
        deadline = time.time() + 180
        while True:
            try:
                if client.gql("{ assetNodes { id } }")["assetNodes"]:
                    break
            except Exception:
                pass
            assert time.time() < deadline, "the UI did not answer within 180 s:\n" + (tmp / "ui.log").read_text()[-3000:]
            time.sleep(1)
        yield client
    finally:
        stop(proc)


LATEST = """
{ assetNodes {
    assetKey { path }
    assetMaterializations(limit: 1) { runId }
    assetChecksOrError { ... on AssetChecks { checks { name executionForLatestMaterialization { runId status } } } }
} }"""


def _latest_cli_run(ui: UI) -> str:
    runs = ui.gql('{ runsOrError(filter: {tags: [{key: "revops/trigger", value: "cli"}]}, limit: 1) '
                  '{ ... on Runs { results { runId status } } } }')["runsOrError"]["results"]
    assert runs and runs[0]["status"] == "SUCCESS", runs
    return runs[0]["runId"]


def test_a_cli_build_shows_every_materialization_and_check_result_in_the_ui(ui, tmp_path):
    run_cli("build", "--landing", str(LANDING), "--warehouse", str(tmp_path / "w.duckdb"), "--as-of", AS_OF, "--quiet")
    run_id = _latest_cli_run(ui)
    nodes = ui.gql(LATEST)["assetNodes"]
    assert len(nodes) > 60
    missing, stale, checks = [], [], 0
    for n in nodes:
        key = "/".join(n["assetKey"]["path"])
        mats = n["assetMaterializations"]
        if not mats:
            missing.append(key)
        elif mats[0]["runId"] != run_id:
            stale.append(key)
        for c in (n["assetChecksOrError"] or {}).get("checks", []):
            checks += 1
            ex = c["executionForLatestMaterialization"]
            if ex is None or ex["runId"] != run_id:
                missing.append(f"{key} check {c['name']}")
            elif ex["status"] not in ("SUCCEEDED", "FAILED"):
                stale.append(f"{key} check {c['name']}: {ex['status']}")
    assert checks > 50
    assert not missing, f"no materialization or check result from CLI run {run_id}: {missing}"
    assert not stale, stale


LAUNCH = """
mutation($params: ExecutionParams!) { launchRun(executionParams: $params) {
  __typename
  ... on LaunchRunSuccess { run { runId } }
  ... on PythonError { message }
  ... on RunConfigValidationInvalid { errors { message } }
} }"""


def _launch(ui: UI, config: dict) -> str:
    loc = ui.gql("{ workspaceOrError { ... on Workspace { locationEntries { name } } } }")
    location = loc["workspaceOrError"]["locationEntries"][0]["name"]
    out = ui.gql(LAUNCH, {"params": {
        "selector": {"repositoryLocationName": location, "repositoryName": "__repository__",
                     "jobName": "build_warehouse"},
        "runConfigData": {"resources": {"settings": {"config": config}}},
    }})["launchRun"]
    assert out["__typename"] == "LaunchRunSuccess", out
    return out["run"]["runId"]


def _status(ui: UI, run_id: str) -> str:
    return ui.gql('query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }', {"id": run_id})["runOrError"]["status"]


def _marts(db: Path) -> dict[str, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables "
                                            "where table_schema = 'marts' order by 1").fetchall()]
        return {t: sorted(con.execute(f'select * from marts."{t}"').fetchall(), key=repr) for t in tables}
    finally:
        con.close()


def test_a_run_launched_from_the_ui_with_run_config_builds_the_marts_of_the_cli(ui, tmp_path, warehouse_for):
    ui_wh = tmp_path / "ui" / "warehouse.duckdb"
    run_id = _launch(ui, {"landing_dir": str(LANDING), "warehouse": str(ui_wh), "as_of_date": PAST_AS_OF})

    # While the UI run holds the warehouse's build lock, a CLI build of the same warehouse refuses
    # at once, naming the run.
    lock = ui_wh.with_name(f".{ui_wh.name}.lock")
    deadline = time.time() + 240
    while not (lock.exists() and "Dagster run" in lock.read_text()):
        assert _status(ui, run_id) in ("QUEUED", "NOT_STARTED", "STARTING", "STARTED"), _status(ui, run_id)
        assert time.time() < deadline, "the UI run never took the build lock"
        time.sleep(0.2)
    refused = run_cli("build", "--landing", str(LANDING), "--warehouse", str(ui_wh), "--as-of", PAST_AS_OF,
                      "--quiet", check=False)
    assert refused.returncode == 3, refused.stdout + refused.stderr
    assert re.search(rf"another build of .*warehouse.duckdb is running \(Dagster run {run_id}, pid \d+\)", refused.stderr), refused.stderr
    assert "Traceback" not in refused.stderr

    deadline = time.time() + 600
    while (status := _status(ui, run_id)) not in ("SUCCESS", "FAILURE", "CANCELED"):
        assert time.time() < deadline, "the UI run did not finish in 10 minutes"
        time.sleep(1)
    assert status == "SUCCESS"

    cli_wh = warehouse_for(LANDING, PAST_AS_OF)
    got, want = _marts(ui_wh), _marts(cli_wh)
    assert set(got) == set(want) and len(want) >= 8
    for table in want:
        assert got[table] == want[table], f"marts.{table} differs between the UI run and the CLI build"
    # both the published file and the working database of the refused build's target are intact
    work = ui_wh.with_name(f".{ui_wh.stem}.work") / "warehouse.duckdb"
    duckdb.connect(str(work), read_only=True).close()
    con = duckdb.connect(str(ui_wh), read_only=True)
    assert con.execute("select max(month) from marts.revenue_kpis_monthly").fetchone()[0].isoformat() == "2025-02-01"
    con.close()


def test_the_ui_opens_without_the_community_dialog_and_shows_the_settings_with_defaults(ui):
    assert ui.gql("{ shouldShowNux }")["shouldShowNux"] is False
    loc = ui.gql("{ workspaceOrError { ... on Workspace { locationEntries { name } } } }")
    location = loc["workspaceOrError"]["locationEntries"][0]["name"]
    data = ui.gql("""query($s: PipelineSelector!) { runConfigSchemaOrError(selector: $s) {
        ... on RunConfigSchema { rootDefaultYaml } } }""",
                  {"s": {"repositoryLocationName": location, "repositoryName": "__repository__",
                         "pipelineName": "build_warehouse"}})
    defaults = data["runConfigSchemaOrError"]["rootDefaultYaml"]
    for field in ("landing_dir", "warehouse", "work_db", "as_of_date", "strict", "dbt_vars", "export_parquet"):
        assert field in defaults, defaults
    assert str(LANDING) in defaults  # `revops ui --landing` is the code location's default


def test_only_the_settings_module_reads_the_environment():
    out = subprocess.run(["grep", "-rn", "os.environ", "orchestration/"], cwd=PROJECT, capture_output=True, text=True).stdout
    files = {line.split(":", 1)[0] for line in out.splitlines() if line and ".pyc" not in line}
    assert files == {"orchestration/settings.py"}, out
