"""One Dagster asset per landing object: its files loaded into ``raw.<table>`` (loader.py).

The ``no_rejected_rows`` check warns while any file now in the landing folder has rejected rows
or was rejected whole (so the warning stays on re-runs until the file is fixed). With
``REVOPS_STRICT=1`` (``revops build --strict``) the asset fails instead, naming the files and
rows, so dbt does not run and nothing is published.
"""

import os

import duckdb
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    Failure,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)

from ..landing import contract, files, loader
from ..progress import say
from ..settings import landing_dir, warehouse_path, work_db_path
from ..warehouse import step_lock

INGEST_GROUP = "landing"
STRICT_ENV = "REVOPS_STRICT"


def raw_key(table: str) -> AssetKey:
    return AssetKey(["raw", table])


def strict_mode() -> bool:
    return os.environ.get(STRICT_ENV, "") not in ("", "0")


def describe_rejections(obj: contract.LandingObject, current: list[tuple], samples: list[tuple]) -> str:
    """What was rejected, file by file, with a few rows: for logs, strict failures and metadata."""
    lines = []
    for file, status, rows_rejected, message in current:
        if status == "rejected":
            lines.append(f"{file}: file rejected: {message.removeprefix(file + ': ')}")
        else:
            lines.append(f"{file}: {rows_rejected} row(s) rejected")
    for file, line, col, value, reason in samples:
        lines.append(f"  {file} line {line}{' column ' + col if col else ''}: {reason}" + (f" (value {value[:80]!r})" if value else ""))
    return "\n".join(lines)


def _ingest_asset(obj: contract.LandingObject):
    key = raw_key(obj.table)

    @multi_asset(
        name=f"ingest_{obj.table}",
        specs=[AssetSpec(key, group_name=INGEST_GROUP, kinds={"duckdb"},
                         description=f"Every record version of landing object {obj.folder}, with lineage columns.")],
        check_specs=[AssetCheckSpec("no_rejected_rows", asset=key,
                                    description="Warns while rows or files of this object in the landing folder are "
                                                "rejected by the landing contract (see audit.rejected_rows).")],
    )
    def _asset(context: AssetExecutionContext):
        landing = landing_dir()
        found = files.discover(landing)
        todo = found.files.get(obj.table, [])
        for w in found.warnings:
            if w.startswith(obj.folder + "/"):
                context.log.warning(w)
        with step_lock(warehouse_path()):
            con = loader.connect(work_db_path())
            try:
                result = loader.load_object(con, obj.table, todo, context.run_id)
                total_rows = con.execute(f"select count(*) from raw.{obj.table}").fetchone()[0]
                current, samples = loader.rejection_summary(con, obj, [f.relpath for f in todo])
            finally:
                con.close()
        new_files = [f for f in result.files if f.status != "unchanged"]
        by_status = {s: sum(1 for f in new_files if f.status == s) for s in ("loaded", "rejected", "skipped_duplicate", "empty")}
        read, loaded, rejected = result.total("rows_read"), result.total("rows_loaded"), result.total("rows_rejected")
        if new_files:
            say(f"ingest {obj.folder}: {len(new_files)} new file(s), {read} row(s) read, {loaded} loaded, "
                f"{rejected} rejected, {by_status['rejected']} file(s) rejected ({result.seconds:.2f}s)")
        for f in new_files:
            if f.status == "rejected" or f.rows_rejected:
                context.log.warning(f"{f.file}: {f.status}, {f.rows_rejected} row(s) rejected. {f.message}")
        report = describe_rejections(obj, current, samples)
        if current and strict_mode():
            raise Failure(
                description=f"strict mode: landing object {obj.folder} has rejected data, nothing is published.\n{report}\n"
                            "See audit.load_log and audit.rejected_rows in the working database.",
                metadata={"files_with_rejections": len(current)},
            )
        yield MaterializeResult(
            asset_key=key,
            metadata={
                "files_seen": len(todo),
                "files_new": len(new_files),
                "files_loaded": by_status["loaded"],
                "files_rejected": by_status["rejected"],
                "files_skipped_duplicate": by_status["skipped_duplicate"],
                "files_empty": by_status["empty"],
                "rows_read": read,
                "rows_loaded": loaded,
                "rows_rejected": rejected,
                "raw_rows_total": total_rows,
                "seconds": round(result.seconds, 3),
                "rows_per_second": round(read / result.seconds) if result.seconds and read else 0,
                "files": MetadataValue.md(
                    "\n".join(f"- `{f.file}`: {f.status}, {f.rows_read} read, {f.rows_loaded} loaded, "
                              f"{f.rows_rejected} rejected. {f.message}" for f in new_files) or "nothing new"
                ),
            },
        )
        yield AssetCheckResult(
            asset_key=key,
            check_name="no_rejected_rows",
            passed=not current,
            severity=AssetCheckSeverity.WARN,
            description=report or None,
            metadata={"files_with_rejections": len(current),
                      "rows_rejected": sum(r[2] or 0 for r in current),
                      "files_rejected": sum(1 for r in current if r[1] == "rejected"),
                      "see": "audit.rejected_rows and audit.load_log"},
        )

    return _asset


ingest_assets = [_ingest_asset(obj) for obj in contract.OBJECTS]
