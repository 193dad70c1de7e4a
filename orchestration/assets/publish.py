"""Publishing the built warehouse as the last asset of a run.

It depends on every mart, and the expectations on the marts are blocking checks: when one
fails, Dagster does not materialize this asset, so a bad build is never published."""


from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from ..progress import say
from ..settings import warehouse_path, work_db_path
from ..warehouse import publish
from .dbt import revops_dbt_assets

MART_KEYS = [k for k in revops_dbt_assets.keys if k.path[0] == "marts"]


@asset(
    key=AssetKey(["published_warehouse"]),
    deps=MART_KEYS,
    group_name="serving",
    kinds={"duckdb"},
    description="The warehouse file BI tools read, replaced atomically after a build whose blocking checks passed.",
)
def publish_warehouse(context: AssetExecutionContext) -> MaterializeResult:
    target = warehouse_path()
    seconds = publish(work_db_path(), target)
    say(f"published {target} ({target.stat().st_size / 1e6:.1f} MB, {seconds:.2f}s)")
    return MaterializeResult(metadata={"path": str(target), "bytes": target.stat().st_size,
                                       "seconds": round(seconds, 3)})
