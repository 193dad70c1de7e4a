"""Great Expectations suites (expectations/*.json, orchestration/expectations.py) and their
Dagster checks (orchestration/assets/checks.py).

The first tests need no warehouse; the later ones use the session's generated warehouse, a
corrupted copy of it, and one tiny build that shows a failed blocking suite stops the publish.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from conftest import PROJECT, run_cli
from orchestration import expectations as ex

AS_OF = dt.date(2025, 6, 30)
REQUIRED_SUITES = {
    "mrr_by_account_month": (("marts", "mrr_by_account_month"), True),
    "revenue_kpis_movements_reconcile": (("marts", "revenue_kpis_monthly"), True),
    "mrr_total_matches_invoice_lines": (("marts", "revenue_kpis_monthly"), True),
    "revenue_kpis_monthly": (("marts", "revenue_kpis_monthly"), True),
    "cohort_retention": (("marts", "cohort_retention"), True),
    "dim_accounts": (("marts", "dim_accounts"), True),
    "mrr_negative_account_total": (("marts", "mrr_by_account_month"), False),
    "line_mrr_fx_coverage": (("intermediate", "int_billing__line_mrr"), True),
    "stg_billing__invoices": (("staging", "stg_billing__invoices"), True),
}


# --------------------------------------------------------------------------- no warehouse


def test_suites_load_and_every_file_is_well_formed():
    files = sorted((PROJECT / "expectations").glob("*.json"))
    suites = ex.load_suites(PROJECT / "expectations")
    assert len(suites) == len(files) >= len(REQUIRED_SUITES)
    for f in files:
        ex.parse_suite(json.loads(f.read_text()), f)  # raises on a malformed suite
    by_name = {s.name: s for s in suites}
    for name, (asset, blocking) in REQUIRED_SUITES.items():
        assert name in by_name, name
        assert (by_name[name].asset, by_name[name].blocking) == (asset, blocking), name
    for s in suites:
        assert s.asset[0] in {"raw", "staging", "intermediate", "marts"}, s.name
        assert s.description and s.query.strip()
        # row_id columns are chosen from the query's output (checked for real in the warehouse test)
        assert len(set(s.row_id)) == len(s.row_id)


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"asset": ["marts", "x"], "blocking": True, "description": "d", "query": "select 1", "expectations": [{"type": "t"}]}, "missing key 'name'"),
        ({"name": "Bad Name", "asset": ["marts", "x"], "blocking": True, "description": "d", "query": "select 1", "expectations": [{"type": "t"}]}, "snake_case"),
        ({"name": "x", "asset": [], "blocking": True, "description": "d", "query": "select 1", "expectations": [{"type": "t"}]}, "asset"),
        ({"name": "x", "asset": ["marts", "x"], "blocking": "yes", "description": "d", "query": "select 1", "expectations": [{"type": "t"}]}, "'blocking'"),
        ({"name": "x", "asset": ["marts", "x"], "blocking": True, "description": "d", "query": "select 1", "expectations": []}, "at least one"),
        ({"name": "x", "asset": ["marts", "x"], "blocking": True, "description": "d", "query": "select 1", "expectations": [{"kwargs": {}}]}, "type"),
        ({"name": "x", "asset": ["marts", "x"], "blocking": True, "description": "d", "query": "select 1", "expectations": [{"type": "t"}], "extra": 1}, "unknown key"),
    ],
)
def test_malformed_suites_are_rejected(bad, message):
    with pytest.raises(ex.SuiteError, match=message):
        ex.parse_suite(bad)


def test_every_expectation_type_resolves_and_its_kwargs_are_valid():
    for s in ex.load_suites(PROJECT / "expectations"):
        gx_suite = ex.build_gx_suite(s)  # unknown types or invalid kwargs raise SuiteError
        assert len(gx_suite.expectations) == len(s.expectations)
    assert ex.expectation_class("expect_column_values_to_not_be_null").__name__ == "ExpectColumnValuesToNotBeNull"
    with pytest.raises(ex.SuiteError, match="unknown expectation type"):
        ex.expectation_class("expect_the_moon_to_be_cheese")
    with pytest.raises(ex.SuiteError, match="invalid kwargs"):
        ex.build_expectation({"type": "expect_column_values_to_be_between", "kwargs": {"colum": "x"}})


IDENTITY_SUITE = ex.parse_suite({
    "name": "tiny_identity", "asset": ["marts", "mrr_by_account_month"], "blocking": True,
    "description": "tiny", "query": "select 1", "row_id": ["account_id", "month"],
    "expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "account_id"}},
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "mrr", "min_value": 0}},
        {"type": "expect_column_values_to_be_in_set",
         "kwargs": {"column": "movement_type", "value_set": ["new", "churn", "flat"]}},
        {"type": "expect_column_values_to_be_between",
         "kwargs": {"column": "identity_residual", "min_value": 0, "max_value": 0},
         "meta": {"why": "the movement identity"}},
    ],
})


def _tiny_frame(**overrides) -> pd.DataFrame:
    df = pd.DataFrame({
        "account_id": ["a1", "a1", "a2"],
        "month": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-01"]),
        "mrr": [100.0, 0.0, 50.0],
        "movement_type": ["new", "churn", "new"],
        "identity_residual": [0.0, 0.0, 0.0],
    })
    for col, (i, v) in overrides.items():
        df.loc[i, col] = v
    return df


def test_validation_passes_on_a_good_frame():
    r = ex.validate_dataframe(IDENTITY_SUITE, _tiny_frame())
    assert r.passed and r.evaluated == 4 and r.failed == 0 and r.rows == 3
    assert r.failure_text() == ""


def test_validation_fails_and_names_the_rows():
    r = ex.validate_dataframe(
        IDENTITY_SUITE,
        _tiny_frame(identity_residual=(1, 0.01), movement_type=(2, "teleported"), mrr=(0, -5.0)),
    )
    assert not r.passed and r.failed == 3 and r.evaluated == 4
    text = r.failure_text()
    assert "identity_residual" in text and "account_id=a1 month=2024-02-01" in text and "0.01" in text
    assert "why: the movement identity" in text
    assert "teleported" in text and "account_id=a2" in text
    assert "expect_column_values_to_be_between(mrr, min_value=0): 1 of 3 row(s) unexpected" in text


def test_a_failed_suite_carries_a_sample_of_the_failing_rows_and_its_query():
    from orchestration.assets.checks import _result

    df = _tiny_frame(identity_residual=(1, 0.01), movement_type=(2, "tele|ported"))
    r = ex.validate_dataframe(IDENTITY_SUITE, df)
    lines = r.failing_rows.splitlines()
    assert lines[0] == "| account_id | month | mrr | movement_type | identity_residual |"
    assert lines[1] == "|---|---|---|---|---|"
    # the failed rows, whole, first failed expectation first; the passing row is not there
    assert lines[2:] == ["| a2 | 2024-01-01 | 50 | tele\\|ported | 0 |", "| a1 | 2024-02-01 | 0 | churn | 0.01 |"]
    meta = _result(IDENTITY_SUITE, r).metadata
    assert meta["failing_rows"].value == r.failing_rows
    assert "select 1" in meta["query"].value and meta["failure"].value == r.failure_text()
    # without row_id columns the rows are found by their position in the frame
    no_id = ex.parse_suite({**{k: v for k, v in vars(IDENTITY_SUITE).items() if k in ("name", "description", "query")},
                            "asset": ["marts", "x"], "blocking": True,
                            "expectations": [{"type": "expect_column_values_to_be_between",
                                              "kwargs": {"column": "mrr", "max_value": 60}}]})
    assert ex.validate_dataframe(no_id, _tiny_frame()).failing_rows.splitlines()[2:] == [
        "| a1 | 2024-01-01 | 100 | new | 0 |"]
    assert ex.validate_dataframe(IDENTITY_SUITE, _tiny_frame()).failing_rows == ""
    assert "failing_rows" not in _result(IDENTITY_SUITE, ex.validate_dataframe(IDENTITY_SUITE, _tiny_frame())).metadata


def test_query_parameters():
    assert ex.query_params("select 1", None) == {}
    assert ex.query_params("select $as_of_date, $as_of_date", AS_OF) == {"as_of_date": AS_OF}
    with pytest.raises(ValueError):
        ex.query_params("select $as_of_date", None)


def test_a_query_that_fails_is_a_failed_result(tmp_path):
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create table t as select 1 as x")
    con.close()
    broken = ex.parse_suite({"name": "broken", "asset": ["marts", "t"], "blocking": True, "description": "d",
                             "query": "select * from no_such_table",
                             "expectations": [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "x"}}]})
    ok = ex.parse_suite({"name": "ok", "asset": ["marts", "t"], "blocking": True, "description": "d",
                         "query": "select x from t",
                         "expectations": [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "x"}}]})
    r_broken, r_ok = ex.run_suites(db, [broken, ok])
    assert not r_broken.passed and "no_such_table" in r_broken.failure_text()
    assert r_ok.passed
    duckdb.connect(str(db)).close()  # the file was closed: a read-write connection opens


def test_dagster_checks_mirror_the_suites_and_gate_dbt_and_the_publish():
    from dagster._core.execution.api import create_execution_plan

    from orchestration.project import prepare_manifest

    prepare_manifest()  # @dbt_assets reads target/manifest.json at import (parses only when stale)
    from orchestration.assets.checks import SUITES, expectation_checks
    from orchestration.definitions import defs

    specs = {spec.name: spec for node in expectation_checks for spec in node.check_specs}
    assert set(specs) == {s.name for s in SUITES}
    for s in SUITES:
        assert tuple(specs[s.name].asset_key.path) == s.asset
        assert specs[s.name].blocking == s.blocking
        assert specs[s.name].description == s.description
    plan = create_execution_plan(defs.resolve_job_def("build_warehouse"))
    upstream = {step.key: set(step.get_execution_dependency_keys()) for step in plan.steps}
    # every blocking suite, wherever its asset is, runs before the publish...
    assert "expectations_on_warehouse" in upstream["published_warehouse"]
    # ...and the raw tables are checked before dbt reads them: by the generated dbt source tests,
    # which dbt build runs before the models that read the tables, inside the dbt step
    from dagster import AssetCheckKey, AssetKey

    from orchestration.assets.dbt import revops_dbt_assets
    from orchestration.landing.contract import OBJECTS

    for obj in OBJECTS:
        assert AssetCheckKey(AssetKey(["raw", obj.table]), f"raw_lineage_{obj.table}") in revops_dbt_assets.check_keys
    assert "revops_dbt_assets" in upstream["expectations_on_warehouse"]


def test_check_lineage_names_every_relation_the_suite_reads():
    from orchestration.project import prepare_manifest

    prepare_manifest()
    from orchestration.assets.checks import SUITES, expectation_checks

    specs = {spec.name: spec for node in expectation_checks for spec in node.check_specs}
    for s in SUITES:
        assert s.reads and "{{" not in s.query, s.name
        deps = {tuple(d.asset_key.path) for d in specs[s.name].additional_deps}
        assert deps == set(s.reads) - {s.asset}, s.name
    # the reconciliations read the one recomputation, and the models it is compared with
    recompute = ("checks", "chk_billing__account_mrr_recomputed")
    by_name = {s.name: s for s in SUITES}
    assert recompute in by_name["mrr_total_matches_invoice_lines"].reads
    assert recompute in by_name["mrr_by_account_matches_invoice_lines"].reads
    assert ("marts", "mrr_by_account_month") in {tuple(d.asset_key.path) for d in specs["cohort_retention"].additional_deps}
    assert ("seeds", "channel_mapping") in by_name["funnel_channel_mapping_coverage"].reads


RELATIONS = {
    ("ref", "dim_accounts"): ("marts.dim_accounts", ("marts", "dim_accounts")),
    ("ref", "currencies"): ("seeds.currencies", ("seeds", "currencies")),
    ("source", "raw", "crm_account"): ("raw.crm_account", ("raw", "crm_account")),
}


def test_ref_and_source_resolve_to_schema_and_identifier():
    sql, reads = ex.resolve_relations(
        "select * from {{ ref('dim_accounts') }} d join {{source( 'raw' , \"crm_account\" )}} a on true "
        "join {{ ref(\"currencies\") }} c on true join {{ ref('dim_accounts') }} d2 on true",
        RELATIONS)
    assert sql == ("select * from marts.dim_accounts d join raw.crm_account a on true "
                   "join seeds.currencies c on true join marts.dim_accounts d2 on true")
    assert reads == (("marts", "dim_accounts"), ("raw", "crm_account"), ("seeds", "currencies"))
    assert ex.resolve_relations("select 1 from marts.x", RELATIONS) == ("select 1 from marts.x", ())
    with pytest.raises(ex.SuiteError, match="ref\\('dim_acounts'\\): no such dbt model"):
        ex.resolve_relations("select * from {{ ref('dim_acounts') }}", RELATIONS)
    with pytest.raises(ex.SuiteError, match="no such dbt source"):
        ex.resolve_relations("select * from {{ source('raw', 'nope') }}", RELATIONS)
    bad = {"name": "x", "asset": ["marts", "x"], "blocking": True, "description": "d",
           "query": "select * from {{ ref('nope') }}", "expectations": [{"type": "t"}]}
    with pytest.raises(ex.SuiteError, match="nope"):
        ex.parse_suite(bad, relations=RELATIONS)
    with pytest.raises(ex.SuiteError, match="may be templated"):
        ex.parse_suite({**bad, "query": "select {{ var('x') }}"}, relations=RELATIONS)


def test_relations_from_a_manifest_use_schema_and_alias_not_the_database():
    manifest = {
        "nodes": {
            "model.revops.m": {"resource_type": "model", "name": "m", "alias": "m_alias", "schema": "marts",
                               "database": "warehouse"},
            "seed.revops.s": {"resource_type": "seed", "name": "s", "schema": "seeds", "database": "warehouse"},
            "test.revops.t": {"resource_type": "test", "name": "t", "schema": "marts"},
        },
        "sources": {"source.revops.raw.crm_account": {"source_name": "raw", "name": "crm_account",
                                                      "identifier": "crm_account", "schema": "raw",
                                                      "database": "warehouse"}},
    }
    assert ex.relations_from_manifest(manifest) == {
        ("ref", "m"): ("marts.m_alias", ("marts", "m")),
        ("ref", "s"): ("seeds.s", ("seeds", "s")),
        ("source", "raw", "crm_account"): ("raw.crm_account", ("raw", "crm_account")),
    }


def test_no_expectation_repeats_a_dbt_test_of_its_model():
    """Checks are paid for once: on a suite that reads only its own model, no not_null / unique /
    grain / accepted-values expectation repeats a dbt test of that model's column."""
    from orchestration.project import prepare_manifest

    manifest = json.loads(prepare_manifest().read_text())
    dbt_tests = set()
    for node in manifest["nodes"].values():
        meta = node.get("test_metadata") or {}
        if node["resource_type"] == "test" and node.get("attached_node") and meta:
            model = node["attached_node"].split(".")[-1]
            kwargs = meta.get("kwargs", {})
            if meta["name"] in ("grain", "not_null_columns"):  # one node for a grain and its not-nulls
                key = tuple(kwargs["columns"])
                if meta["name"] == "grain":
                    dbt_tests.add((model, "unique", key))
                for col in [*key, *kwargs.get("not_null", [])] if meta["name"] == "grain" else key:
                    dbt_tests.add((model, "not_null", (col,)))
                if meta["name"] == "grain" and len(key) == 1:
                    dbt_tests.add((model, "unique", key))
                continue
            cols = tuple(kwargs.get("columns") or [node.get("column_name")])
            dbt_tests.add((model, {"accepted_values": "in_set", "unique_combination": "unique"}.get(meta["name"], meta["name"]),
                           cols))
    gx_kind = {"expect_column_values_to_not_be_null": "not_null", "expect_column_values_to_be_unique": "unique",
               "expect_compound_columns_to_be_unique": "unique", "expect_column_values_to_be_in_set": "in_set"}
    repeated = []
    for s in ex.load_suites(PROJECT / "expectations"):
        if s.reads != (s.asset,):
            continue
        for e in s.expectations:
            kind = gx_kind.get(e["type"])
            cols = tuple(e["kwargs"].get("column_list") or [e["kwargs"].get("column")])
            if kind and (s.asset[1], kind, cols) in dbt_tests:
                repeated.append(f"{s.name}: {e['type']}({', '.join(cols)})")
    assert repeated == []
    assert ("stg_billing__invoices", "not_null", ("invoice_id",)) in dbt_tests  # the comparison sees dbt's tests


def test_suites_name_relations_by_ref_or_source_only():
    import re

    for f in sorted((PROJECT / "expectations").glob("*.json")):
        query = json.loads(f.read_text())["query"]
        query = "\n".join(query) if isinstance(query, list) else query
        assert not re.search(r"\b(raw|staging|intermediate|marts|seeds|checks)\.[a-z_]", query), f.name


# --------------------------------------------------------------------------- warehouse


def test_every_suite_runs_on_the_generated_warehouse_and_blocking_ones_pass(generated_warehouse):
    suites = ex.load_suites(PROJECT / "expectations")
    results = ex.run_suites(generated_warehouse, suites, as_of=AS_OF)
    assert [r.error for r in results if r.error] == []
    failed_blocking = [r.failure_text() for s, r in zip(suites, results) if s.blocking and not r.passed]
    assert failed_blocking == [], "\n".join(failed_blocking)
    con = duckdb.connect(str(generated_warehouse), read_only=True)
    try:
        for s in suites:  # failure messages can name rows: the row_id columns exist
            cols = set(ex.fetch(con, s, AS_OF).columns)
            assert set(s.row_id) <= cols, s.name
    finally:
        con.close()


@pytest.fixture
def corrupted_copy(generated_warehouse, tmp_path):
    db = tmp_path / "corrupt.duckdb"
    shutil.copy(generated_warehouse, db)
    return db


def test_a_broken_movement_identity_fails_and_names_the_row(corrupted_copy):
    con = duckdb.connect(str(corrupted_copy))
    try:
        account, month = con.execute(
            "select account_id, month from marts.mrr_by_account_month where movement_type = 'flat' "
            "order by account_id, month limit 1").fetchone()
        con.execute("update marts.mrr_by_account_month set mrr = mrr + 1.25 where account_id = ? and month = ?",
                    [account, month])
    finally:
        con.close()
    suites = {s.name: s for s in ex.load_suites(PROJECT / "expectations")}
    identity, recompute = ex.run_suites(
        corrupted_copy, [suites["mrr_by_account_month"], suites["mrr_by_account_matches_invoice_lines"]], as_of=AS_OF)
    assert not identity.passed
    text = identity.failure_text()
    assert "identity_residual" in text and f"account_id={account} month={month.isoformat()}" in text
    assert "identity_residual=1.25" in text
    assert not recompute.passed and f"account_id={account} month={month.isoformat()}" in recompute.failure_text()


def _rebuild_check_model(db: Path, name: str = "chk_billing__account_mrr_recomputed") -> None:
    """Rebuild a check model (a table, decision 112) in ``db`` from the compiled SQL of the last
    build, as the next dbt build would after its inputs changed. ``db`` must be named
    warehouse.duckdb: the compiled SQL names that catalog."""
    from orchestration.project import finished_build_artifacts

    # the newest build that compiled it: a build that failed upstream (this module runs some, and
    # the other worker builds meanwhile) skips the model and leaves no compiled SQL for it
    node = next(n for path in finished_build_artifacts("manifest.json")
                for n in json.loads(path.read_text())["nodes"].values() if n["name"] == name and n.get("compiled_code"))
    con = duckdb.connect(str(db))
    try:
        con.execute(f"create or replace table {node['relation_name']} as ({node['compiled_code']})")
    finally:
        con.close()


def test_total_mrr_recompute_is_independent_of_the_line_mrr_model(generated_warehouse, tmp_path):
    """Corrupt the FX rates the recompute reads, then recompute it: the marts (built before) no
    longer match what the invoice lines are worth, and the reconciliation says which months."""
    corrupted_copy = tmp_path / "corrupt" / "warehouse.duckdb"
    corrupted_copy.parent.mkdir()
    shutil.copy(generated_warehouse, corrupted_copy)
    con = duckdb.connect(str(corrupted_copy))
    try:
        currency = con.execute(
            "select currency from intermediate.int_billing__line_mrr where currency <> 'USD' "
            "group by 1 order by sum(abs(mrr)) desc limit 1").fetchone()
        assert currency, "the sample data has no foreign-currency lines"
        con.execute("update intermediate.int_fx_rates_daily set to_reporting = to_reporting * 1.5 where currency = ?",
                    [currency[0]])
    finally:
        con.close()
    _rebuild_check_model(corrupted_copy)
    suite = next(s for s in ex.load_suites(PROJECT / "expectations") if s.name == "mrr_total_matches_invoice_lines")
    (r,) = ex.run_suites(corrupted_copy, [suite], as_of=AS_OF)
    assert not r.passed and "mrr_difference" in r.failure_text() and "month=" in r.failure_text()


TINY_LANDING = {
    "billing/customers/2024-01-01_customers.jsonl":
        '{"id":"cus_1","object":"customer","email":"a@acme.com","name":"Acme","currency":"usd",'
        '"created":1704067200,"metadata":{}}\n',
    "billing/invoices/2024-01-01_invoices.jsonl":
        '{"id":"in_1","object":"invoice","customer":"cus_1","subscription":"sub_1","status":"paid","currency":"usd",'
        '"created":1704067200,"lines":{"object":"list","data":[{"id":"il_1","type":"subscription","amount":10000,'
        '"currency":"usd","quantity":1,"proration":false,"period":{"start":1704067200,"end":1706745600},'
        '"price":{"id":"price_1","product":"prod_1","currency":"usd","unit_amount":10000,'
        '"recurring":{"interval":"month","interval_count":1,"usage_type":"licensed"}},"discount_amounts":[]}]}}\n',
    "crm/Account/2024-01-01_Account.csv":
        "Id,Name,CreatedDate,Website\n0015g00000AbCdEAAV,Acme,2024-01-01T00:00:00.000Z,https://www.acme.com/\n",
}


@pytest.fixture(scope="module")
def tiny_failed_build(tmp_path_factory):
    """One tiny build with two extra suites that fail: a blocking one on a staging model (Dagster
    alone would not gate the publish on it: its downstream marts are built in the same dbt step)
    and a warning on a mart. (landing, warehouse, suites folder, CLI result)."""
    tmp_path = tmp_path_factory.mktemp("tiny")
    landing = tmp_path / "landing"
    for rel, text in TINY_LANDING.items():
        (landing / rel).parent.mkdir(parents=True, exist_ok=True)
        (landing / rel).write_text(text)
    suites = tmp_path / "suites"
    shutil.copytree(PROJECT / "expectations", suites)
    (suites / "zz_blocking_on_staging.json").write_text(json.dumps({
        "name": "zz_blocking_on_staging", "asset": ["staging", "stg_billing__invoices"], "blocking": True,
        "description": "fails on purpose", "row_id": ["invoice_id"],
        "query": "select invoice_id, status from staging.stg_billing__invoices",
        "expectations": [{"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "status", "value_set": ["void"]}}]}))
    (suites / "zz_warning_on_mart.json").write_text(json.dumps({
        "name": "zz_warning_on_mart", "asset": ["marts", "mrr_by_account_month"], "blocking": False,
        "description": "warns on purpose", "row_id": ["account_id", "month"],
        "query": "select account_id, month, mrr from marts.mrr_by_account_month",
        "expectations": [{"type": "expect_column_values_to_be_between", "kwargs": {"column": "mrr", "max_value": 1}}]}))
    warehouse = tmp_path / "out" / "warehouse.duckdb"
    proc = run_cli("build", "--landing", str(landing), "--warehouse", str(warehouse), "--as-of", "2025-06-30",
                   "--quiet", env={"REVOPS_EXPECTATIONS_DIR": str(suites)}, check=False)
    return landing, warehouse, suites, proc


def test_a_failed_blocking_suite_stops_the_publish_and_a_warning_does_not_block(tiny_failed_build):
    landing, warehouse, suites, proc = tiny_failed_build
    out = " ".join(proc.stdout.split())  # rich wraps long lines
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "[BLOCKING] staging/stg_billing__invoices :: zz_blocking_on_staging" in out
    assert "invoice_id=in_1 status=paid" in out  # the failure names the row
    assert "marts/mrr_by_account_month :: zz_warning_on_mart" in out
    assert "1 blocking, 1 warnings" in out
    assert not warehouse.exists()


def test_a_raw_row_without_key_or_loaded_twice_fails_the_build_and_publishes_nothing(tiny_failed_build):
    """The generated raw_lineage source tests. Ingestion never writes such rows (it rejects a row
    without its key), so they are written into the working database the tiny build left (its raw
    tables are loaded; its files are not loaded again): the next build with the project's own
    suites, which would otherwise pass, fails in dbt and publishes nothing."""
    from orchestration.settings import work_db_for

    landing, warehouse, _, _ = tiny_failed_build
    con = duckdb.connect(str(work_db_for(warehouse)))
    try:
        con.execute("insert into raw.crm_account select * from raw.crm_account")  # same file and line twice
        con.execute("insert into raw.billing_customers select * replace (null as id, _line + 1000 as _line) "
                    "from raw.billing_customers")
    finally:
        con.close()
    proc = run_cli("build", "--landing", str(landing), "--warehouse", str(warehouse), "--as-of", "2025-06-30",
                   "--quiet", check=False)
    out = " ".join(proc.stdout.split())
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "raw/crm_account :: raw_lineage_crm_account" in out
    assert "raw/billing_customers :: raw_lineage_billing_customers" in out
    assert "raw_lineage_marketing_touches" not in out  # only the tables with bad rows
    assert not warehouse.exists()
