"""Every dbt model, seed and test as Dagster assets and checks, built with one `dbt build`."""


import contextlib
import json
import os
from collections.abc import Mapping
from typing import Any

from dagster import AssetExecutionContext, AssetKey, AssetObservation
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from .. import build_inputs
from ..expectations import prefetch_gx
from ..progress import in_cli
from ..progress import say
from ..project import MANIFEST, claim_target_dir, dbt_project, dbt_workdir, read_manifest, remove_older_target_dirs
from ..resources import RevopsSettings
from ..settings import dbt_process_environment
from ..warehouse import drop_rebuilt_tables, remove_stale_publish_files
from .dbt_metadata import enrich


class RevopsTranslator(DagsterDbtTranslator):
    """Models and seeds are keyed by the schema they land in (marts/orders-style keys read well in
    the UI and match what BI users query); sources keep dagster-dbt's ["raw", table] keys so the
    ingestion assets are their upstream."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] in ("model", "seed", "snapshot"):
            return AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return "landing"
        return dbt_resource_props.get("schema")


PUBLISHED_KEY = AssetKey(["published_warehouse"])
UNCHANGED_SINCE = "unchanged_since_run"  # metadata of the observation a skipped build leaves (report.py)

# Source tests (the generated raw_lineage tests) are checks of the ingestion assets they test.
TRANSLATOR = RevopsTranslator(settings=DagsterDbtTranslatorSettings(enable_source_tests_as_checks=True))


@dbt_assets(manifest=MANIFEST, project=dbt_project, dagster_dbt_translator=TRANSLATOR)
def revops_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource, settings: RevopsSettings):
    work = settings.work_db_path()
    whole = _whole_project_selected(context)
    code = build_inputs.code_digest()
    inputs = build_inputs.fingerprint(work, as_of=settings.as_of(), dbt_vars=settings.dbt_vars,
                                      strict=settings.strict, export_parquet=settings.export_parquet, code=code)
    same_as = None if settings.force_rebuild or settings.full_refresh else build_inputs.unchanged_since(work, settings.warehouse_path(), inputs)
    if same_as is not None:
        # nothing is yielded: the checks and the publish step downstream are skipped, and every
        # asset keeps the materialization (and check result) of the build that made the file
        message = (f"nothing new since run {same_as}: same landing files, code and settings; the published "
                   f"warehouse is current (force_rebuild / revops build --force rebuilds it)")
        say(message)
        remove_stale_publish_files(settings.warehouse_path())  # what a publish would have removed
        context.log_event(AssetObservation(asset_key=PUBLISHED_KEY, description=message,
                                           metadata={UNCHANGED_SINCE: same_as}))
        return
    build_inputs.forget(work)
    if whole:
        # only a run of every model recreates every table: a subset picked in the UI keeps the rest
        drop_rebuilt_tables(work, _table_relations(read_manifest()))
    say("dbt build: seeds, staging, intermediate, marts and their tests")
    prefetch_gx()  # the expectation checks after dbt then find GX imported
    # dbt's unit tests test the SQL, not the data: they run in the test suite (tests/test_dbt_unit_tests.py),
    # not in every build, where they cost 7 nodes of ~0.2 s each (decision 110)
    args = ["build", "--exclude-resource-type", "unit_test"]
    refresh = "full_refresh set" if settings.full_refresh else build_inputs.full_refresh_reason(work, code)
    if refresh:
        args.append("--full-refresh")
        say(f"dbt build: a full refresh of the incremental models ({refresh})")
    else:
        say("dbt build: incremental models stage only the keys of new and replaced files")
    if settings.dbt_vars:
        # as_of_date is not a --var: it reaches dbt through its environment (settings.py)
        args += ["--vars", json.dumps(settings.dbt_vars)]
    # dagster-dbt echoes every dbt log line to stdout; the CLI shows a summary instead.
    quiet = in_cli()
    with contextlib.ExitStack() as claimed:
        with open(os.devnull, "w") as devnull, \
                (contextlib.redirect_stdout(devnull) if quiet else contextlib.nullcontext()):
            with dbt_process_environment(settings.as_of(), settings.dbt_memory_bytes, workdir=dbt_workdir(work)):
                invocation = dbt.cli(args, context=context, raise_on_error=False)
            claimed.enter_context(claim_target_dir(invocation.target_path))  # until its artifacts are read
            events = list(invocation.stream())
        run_results = invocation.get_artifact("run_results.json")
        yield from enrich(events, invocation.manifest, run_results, settings.work_db_path())
        remove_older_target_dirs(invocation.target_path)
    failed = [r for r in run_results.get("results", []) if r.get("status") in ("error", "fail")]
    if whole and not failed and invocation.is_successful():
        build_inputs.record(work, inputs, context.run_id, code)
    counts = {}
    for r in run_results.get("results", []):
        counts[r.get("status")] = counts.get(r.get("status"), 0) + 1
    say("dbt build: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    if failed or not invocation.is_successful():
        lines = [f"- {r['unique_id']}: {r.get('message') or r.get('status')}" for r in failed]
        raise RuntimeError("dbt build failed:\n" + "\n".join(lines or ["(see the dbt log above)"]))


def _table_relations(manifest: dict) -> list[tuple[str, str]]:
    """(schema, table) of every seed and table model: what `dbt build` drops and recreates.
    Incremental models keep their rows between builds, so they are not in it."""
    return [(n["schema"], n.get("alias") or n["name"]) for n in manifest["nodes"].values()
            if n["resource_type"] == "seed"
            or (n["resource_type"] == "model" and n["config"].get("materialized") == "table")]


def _whole_project_selected(context: AssetExecutionContext) -> bool:
    """A run of every model and test (not a subset picked in the UI): only its result may be
    recorded as what the inputs build."""
    return (set(context.selected_asset_keys) == set(revops_dbt_assets.keys)
            and set(context.selected_asset_check_keys) == set(revops_dbt_assets.check_keys))

