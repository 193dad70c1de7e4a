"""The Dagster code location: landing ingestion, the dbt project, the checks, and when to run."""

from __future__ import annotations

from dagster import AssetSelection, Definitions, define_asset_job, in_process_executor

from .assets.checks import expectation_checks
from .assets.dbt import revops_dbt_assets
from .assets.ingest import ingest_assets
from .assets.publish import publish_warehouse
from .resources import SETTINGS_KEY, RevopsSettings, dbt_resource
from .sensors import daily_build_schedule, landing_files_sensor

build_warehouse = define_asset_job(
    "build_warehouse",
    selection=AssetSelection.all(),
    description="Ingest the landing folder, build every dbt model with its tests, run the expectations, publish.",
    # One process for the whole run, however it was started: the multiprocess executor would
    # re-import the code location for every step (seconds each), and the steps run one after
    # the other anyway (one writer on the working database).
    executor_def=in_process_executor,
)

defs = Definitions(
    assets=[*ingest_assets, revops_dbt_assets, publish_warehouse],
    asset_checks=expectation_checks,
    jobs=[build_warehouse],
    schedules=[daily_build_schedule(build_warehouse)],
    sensors=[landing_files_sensor(build_warehouse)],
    resources={SETTINGS_KEY: RevopsSettings(), "dbt": dbt_resource()},
)
