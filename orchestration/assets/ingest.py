"""One Dagster asset per landing object: its files loaded into ``raw.<table>`` (loader.py)."""


import duckdb
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    MaterializeResult,
    MetadataValue,
    multi_asset,
    AssetSpec,
)

from ..landing import contract, files, loader
from ..progress import say
from ..settings import landing_dir, work_db_path

INGEST_GROUP = "landing"


def raw_key(table: str) -> AssetKey:
    return AssetKey(["raw", table])


def _ingest_asset(obj: contract.LandingObject):
    key = raw_key(obj.table)

    @multi_asset(
        name=f"ingest_{obj.table}",
        specs=[AssetSpec(key, group_name=INGEST_GROUP, kinds={"duckdb"},
                         description=f"Every record version of landing object {obj.folder}, with lineage columns.")],
        check_specs=[AssetCheckSpec("no_rejected_rows", asset=key,
                                    description="Warns when rows or files of this object were rejected by the landing contract.")],
    )
    def _asset(context: AssetExecutionContext):
        landing = landing_dir()
        found = files.discover(landing)
        todo = found.files.get(obj.table, [])
        con = duckdb.connect(str(work_db_path()))
        try:
            result = loader.load_object(con, obj.table, todo, context.run_id)
            total_rows = con.execute(f"select count(*) from raw.{obj.table}").fetchone()[0]
        finally:
            con.close()
        loaded = result.total("rows_loaded")
        rejected = result.total("rows_rejected")
        bad_files = [f for f in result.files if f.status == "rejected"]
        new_files = [f for f in result.files if f.status != "unchanged"]
        if new_files or rejected:
            say(f"ingest {obj.folder}: {len(new_files)} new file(s), {loaded} row(s) loaded, "
                f"{rejected} rejected, {len(bad_files)} file(s) rejected ({result.seconds:.2f}s)")
        for f in bad_files:
            context.log.warning(f.message)
        yield MaterializeResult(
            asset_key=key,
            metadata={
                "files_seen": len(todo),
                "files_new": len(new_files),
                "rows_loaded": loaded,
                "rows_rejected": rejected,
                "files_rejected": len(bad_files),
                "raw_rows_total": total_rows,
                "seconds": round(result.seconds, 3),
                "files": MetadataValue.md(
                    "\n".join(f"- `{f.file}`: {f.status}, {f.rows_loaded} loaded, {f.rows_rejected} rejected {f.message}"
                              for f in new_files) or "nothing new"
                ),
            },
        )
        yield AssetCheckResult(
            asset_key=key,
            check_name="no_rejected_rows",
            passed=rejected == 0 and not bad_files,
            severity=AssetCheckSeverity.WARN,
            metadata={"rows_rejected": rejected, "files_rejected": len(bad_files),
                      "see": "audit.rejected_rows and audit.load_log"},
        )

    return _asset


ingest_assets = [_ingest_asset(obj) for obj in contract.OBJECTS]
