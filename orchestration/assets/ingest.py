"""One Dagster asset per landing object: its files loaded into ``raw.<table>`` (loader.py).

The ``no_rejected_rows`` check warns while any file now in the landing folder has rejected rows
or was rejected whole (so the warning stays on re-runs until the file is fixed). In strict mode
(setting ``strict``, ``revops build --strict``) the asset fails instead, naming the files and
rows, so dbt does not run and nothing is published.
"""

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
from ..resources import RevopsSettings

INGEST_GROUP = "landing"


def raw_key(table: str) -> AssetKey:
    return AssetKey(["raw", table])


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


def _ingest_one(context: AssetExecutionContext, con, obj: contract.LandingObject, todo: list, warnings: list[str],
                strict: bool, limits):
    """Load one object's files; the events for its asset and check, and the strict-mode report."""
    key = raw_key(obj.table)
    for w in warnings:
        if w.startswith(obj.folder + "/"):
            context.log.warning(w)
    result = loader.load_object(con, obj.table, todo, context.run_id, limits)
    total_rows = con.execute(f"select count(*) from raw.{obj.table}").fetchone()[0]
    current, samples = loader.rejection_summary(con, obj, [f.relpath for f in todo])
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
    events = [
        MaterializeResult(
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
                "dagster/row_count": total_rows,
                "seconds": round(result.seconds, 3),
                "rows_per_second": round(read / result.seconds) if result.seconds and read else 0,
                "files": MetadataValue.md(
                    "\n".join(f"- `{f.file}`: {f.status}, {f.rows_read} read, {f.rows_loaded} loaded, "
                              f"{f.rows_rejected} rejected. {f.message}" for f in new_files) or "nothing new"
                ),
            },
        ),
        AssetCheckResult(
            asset_key=key,
            check_name="no_rejected_rows",
            passed=not current,
            severity=AssetCheckSeverity.WARN,
            description=report or None,
            metadata={"files_with_rejections": len(current),
                      "rows_rejected": sum(r[2] or 0 for r in current),
                      "files_rejected": sum(1 for r in current if r[1] == "rejected"),
                      "failing_rows_sample": MetadataValue.md(f"```\n{report}\n```") if report else "none",
                      "query": MetadataValue.md(
                          f"```sql\nselect * from audit.rejected_rows where object = '{obj.folder}'\n```"),
                      "see": "audit.rejected_rows and audit.load_log"},
        ),
    ]
    strict_report = f"landing object {obj.folder}:\n{report}" if current and strict else None
    return events, strict_report


@multi_asset(
    name="ingest_landing",
    specs=[AssetSpec(raw_key(obj.table), group_name=INGEST_GROUP, kinds={"duckdb"},
                     description=f"Every record version of landing object {obj.folder}, with lineage columns "
                                 f"(docs/landing.md).")
           for obj in contract.OBJECTS],
    check_specs=[AssetCheckSpec("no_rejected_rows", asset=raw_key(obj.table),
                                description="Warns while rows or files of this object in the landing folder are "
                                            "rejected by the landing contract (see audit.rejected_rows).")
                 for obj in contract.OBJECTS],
    can_subset=True,
    description="Loads the new and changed files of every landing object into raw, with the audit log. One step: "
                "the objects share one connection to the working database.",
)
def ingest_landing(context: AssetExecutionContext, settings: RevopsSettings):
    found = files.discover(settings.landing_path())
    selected = context.selected_asset_keys
    strict_failures = []
    limits = settings.read_limits()
    con = loader.connect(settings.work_db_path(), limits)
    try:
        for obj in contract.OBJECTS:
            if raw_key(obj.table) not in selected:
                continue
            events, strict_report = _ingest_one(context, con, obj, found.files.get(obj.table, []), found.warnings,
                                                settings.strict, limits)
            yield from events
            if strict_report:
                strict_failures.append(strict_report)
    finally:
        con.close()
    if strict_failures:
        raise Failure(
            description="strict mode: the landing folder has rejected data, nothing is published.\n"
                        + "\n".join(strict_failures)
                        + "\nSee audit.load_log and audit.rejected_rows in the working database.",
            metadata={"objects_with_rejections": len(strict_failures)},
        )


ingest_assets = [ingest_landing]
