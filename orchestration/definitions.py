"""The Dagster code location: landing ingestion, the dbt project, the checks, and when to run."""

from __future__ import annotations

from dagster import AssetSelection, Definitions, ScheduleDefinition, define_asset_job
from dagster_dbt import DbtCliResource

from .assets.checks import expectation_checks
from .assets.dbt import revops_dbt_assets
from .assets.ingest import ingest_assets
from .assets.publish import publish_warehouse
from .dbt_child import wrapper_path
from .project import dbt_project
from .sensors import landing_files_sensor

build_warehouse = define_asset_job(
    "build_warehouse",
    selection=AssetSelection.all(),
    description="Ingest the landing folder, build every dbt model with its tests, run the expectations, publish.",
)

defs = Definitions(
    assets=[*ingest_assets, revops_dbt_assets, publish_warehouse],
    asset_checks=expectation_checks,
    jobs=[build_warehouse],
    schedules=[ScheduleDefinition(name="daily_build", job=build_warehouse, cron_schedule="0 6 * * *",
                                  execution_timezone="UTC")],
    sensors=[landing_files_sensor(build_warehouse)],
    resources={
        "dbt": DbtCliResource(
            project_dir=dbt_project,
            profiles_dir=str(dbt_project.profiles_dir),
            # the dbt of this virtualenv, whether or not it is on PATH, through a wrapper that
            # makes it die with the build (dbt_child.py)
            dbt_executable=wrapper_path(),
        )
    },
)
