"""Publishing the built warehouse as the last asset of a run.

It depends on every mart, and the dbt step fails when a model or an error-severity test fails;
blocking asset checks on the marts stop it the same way. Dagster then does not materialize this
asset, so a bad build is never published and readers keep the last good file."""

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from ..progress import say
from ..resources import RevopsSettings
from ..warehouse import export_parquet, publish
from .dbt import revops_dbt_assets

MART_KEYS = [k for k in revops_dbt_assets.keys if k.path[0] == "marts"]


@asset(
    key=AssetKey(["published_warehouse"]),
    deps=MART_KEYS,
    group_name="serving",
    kinds={"duckdb"},
    description="The warehouse file BI tools read, replaced atomically after a build whose blocking checks passed.",
)
def publish_warehouse(context: AssetExecutionContext, settings: RevopsSettings) -> MaterializeResult:
    target = settings.warehouse_path()
    done = publish(settings.work_db_path(), target)
    size = target.stat().st_size
    how = (f"compacted: {done.free_fraction:.0%} of the working database was free space"
           if done.compacted else "byte copy")
    say(f"published {target} ({size / 1e6:.1f} MB, {done.seconds:.2f}s, {how})")
    metadata = {"path": str(target), "bytes": size, "seconds": round(done.seconds, 3),
                "compacted": done.compacted, "working_db_free_fraction": round(done.free_fraction, 4)}
    out = settings.export_parquet_path()
    if out is not None:
        # from the private working copy (identical to what was just published): a BI tool that
        # opened the published file read-write cannot make the export fail with a lock error
        written = export_parquet(settings.work_db_path(), out)
        say(f"exported {len(written)} mart(s) as Parquet to {out}")
        metadata["parquet_export"] = str(out)
        metadata["parquet_files"] = len(written)
    return MaterializeResult(metadata=metadata)
