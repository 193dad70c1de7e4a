"""One Dagster asset per landing object: its files loaded into ``raw.<table>`` (loader.py).

The ``no_rejected_rows`` check warns while any file now in the landing folder has rejected rows
or was rejected whole (so the warning stays on re-runs until the file is fixed). In strict mode
(setting ``strict``, ``revops build --strict``) the asset fails instead, naming the files and
rows, so dbt does not run and nothing is published.
"""

from concurrent.futures import ThreadPoolExecutor

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

from .. import gc_tuning
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


def _ingest_one(run_id: str, con, obj: contract.LandingObject, todo: list, warnings: list[str],
                strict: bool, limits):
    """Load one object's files: the events for its asset and check, the warnings to log and the
    strict-mode report. It logs nothing itself: it may run on a worker thread, and Dagster's
    log goes to the run's event storage, whose connections belong to the thread that made them."""
    key = raw_key(obj.table)
    log = [w for w in warnings if w.startswith(obj.folder + "/")]
    result = loader.load_object(con, obj.table, todo, run_id, limits)
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
            log.append(f"{f.file}: {f.status}, {f.rows_rejected} row(s) rejected. {f.message}")
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
    return events, log, strict_report


def _landing_bytes(todo: list) -> int:
    return sum(f.path.stat().st_size for f in todo if not f.refused and f.path.is_file())


def _ingest_objects(run_id: str, con, objects: list, found, strict: bool, limits, workers: int):
    """(events, warnings, strict report) of each object, in contract order. Objects load on ``workers``
    threads, each on its own cursor (its own DuckDB connection: its own temp tables and
    transactions), the largest first so that the last to finish is a small one. Every file is
    still one transaction, so a kill leaves all of a file or none of it; the threads write
    different raw tables, and only append to the audit tables. DuckDB runs the queries outside
    the GIL, so the threads overlap one object's SQL with another's reading and parsing."""
    todo = {obj.table: found.files.get(obj.table, []) for obj in objects}
    if workers <= 1 or len(objects) <= 1:
        with gc_tuning.python_defaults():
            for obj in objects:
                yield _ingest_one(run_id, con, obj, todo[obj.table], found.warnings, strict, limits)
        return

    def run(obj):
        cur = con.cursor()
        try:
            return _ingest_one(run_id, cur, obj, todo[obj.table], found.warnings, strict, limits)
        finally:
            cur.close()

    with gc_tuning.python_defaults(), ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ingest") as pool:
        futures = {obj.table: pool.submit(run, obj)
                   for obj in sorted(objects, key=lambda o: _landing_bytes(todo[o.table]), reverse=True)}
        try:
            for obj in objects:
                yield futures[obj.table].result()
        finally:  # a failure stops what has not started; what runs finishes its file's transaction
            for f in futures.values():
                f.cancel()


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
    objects = [obj for obj in contract.OBJECTS if raw_key(obj.table) in context.selected_asset_keys]
    strict_failures = []
    limits = settings.read_limits()
    con = loader.connect(settings.work_db_path(), limits)
    try:
        # the tables first, on one connection: two transactions creating catalog entries at once conflict
        loader.ensure_tables(con, objects)
        for events, log, strict_report in _ingest_objects(context.run_id, con, objects, found, settings.strict,
                                                          limits, settings.ingest_workers):
            for line in log:
                context.log.warning(line)
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
