"""Great Expectations suites (expectations/*.json) run as Dagster asset checks.

Every suite is one asset check: on the suite's asset, named after the suite, blocking when the
suite says so (severity ERROR; otherwise WARN), with the failed expectations, a sample of the
failing rows and the query that found them in its metadata ("failure" is what the CLI prints).
Its ``additional_deps`` are the other assets its query reads (the ``ref``/``source`` relations of
the suite), so its lineage in the UI names them.

The checks are one check node (``multi_asset_check``), one step, after ``dbt build``. The step
holds a blocking check on every mart, so ``published_warehouse`` (which depends on every mart)
waits for the whole step, and when *any* blocking suite in it fails (a staging or intermediate
one too) the step fails and the publish is skipped. Dagster alone would gate only the direct
downstream of a failed check, and a staging model's downstream marts are built in the same dbt
step before its checks run. The raw tables are checked by dbt itself (the generated source tests
``raw_lineage_<table>``, run by ``dbt build`` before the models that read them).

One step also means that no check opens the working DuckDB file while dbt or the publish step
writes it (DuckDB allows one writer or many readers, never both), that the GX import (3-4 s,
prefetched while dbt runs: assets/dbt.py) is paid once, and that the file is opened once. The
file is opened read-only and closed before validation starts.
"""


from dagster import (
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    MetadataValue,
    multi_asset_check,
)

from ..expectations import Suite, SuiteResult, load_suites, read_frames, validate_frames
from ..progress import say
from ..resources import RevopsSettings

SUITES = load_suites()


def _key(suite: Suite) -> AssetCheckKey:
    return AssetCheckKey(AssetKey(list(suite.asset)), suite.name)


def _spec(suite: Suite) -> AssetCheckSpec:
    return AssetCheckSpec(
        name=suite.name,
        asset=AssetKey(list(suite.asset)),
        description=suite.description,
        blocking=suite.blocking,
        additional_deps=[AssetKey(list(k)) for k in suite.reads if k != suite.asset],
        metadata={
            "suite_file": f"expectations/{suite.path.name}" if suite.path else suite.name,
            "expectations": len(suite.expectations),
            "severity": "ERROR (blocks publishing)" if suite.blocking else "WARN",
        },
    )


def _result(suite: Suite, result: SuiteResult) -> AssetCheckResult:
    metadata = {
        "summary": result.summary(),
        "rows_validated": result.rows,
        "expectations_evaluated": result.evaluated,
        "expectations_failed": result.failed,
        "seconds": round(result.seconds, 3),
        "query": MetadataValue.md(f"```sql\n{suite.query}\n```"),
    }
    if not result.passed:
        metadata["failure"] = MetadataValue.text(result.failure_text())
        metadata["failed_expectations"] = MetadataValue.md(
            "\n".join(f"- {f}" for f in result.failures) or (result.error or "")
        )
        if result.failing_rows:
            metadata["failing_rows"] = MetadataValue.md(result.failing_rows)
    return AssetCheckResult(
        asset_key=AssetKey(list(suite.asset)),
        check_name=suite.name,
        passed=result.passed,
        severity=AssetCheckSeverity.ERROR if suite.blocking else AssetCheckSeverity.WARN,
        description=suite.description,
        metadata=metadata,
    )


def _check_node(name: str, suites: list[Suite], description: str):
    @multi_asset_check(name=name, specs=[_spec(s) for s in suites], can_subset=True, description=description)
    def _run(context: AssetCheckExecutionContext, settings: RevopsSettings):
        selected = context.selected_asset_check_keys
        todo = [s for s in suites if _key(s) in selected]
        frames, errors = read_frames(settings.work_db_path(), todo, as_of=settings.as_of())
        results = validate_frames(todo, frames, errors)
        failed = [r for r in results if not r.passed]
        say(f"expectations ({name}): {len(results) - len(failed)} of {len(results)} suite(s) passed "
            f"in {sum(r.seconds for r in results):.2f}s")
        for suite, result in zip(todo, results):
            if not result.passed:
                (context.log.error if suite.blocking else context.log.warning)(
                    f"{suite.name}: {result.failure_text()}")
            yield _result(suite, result)

    return _run


def _build(suites: list[Suite]) -> list:
    if not suites:
        return []
    return [_check_node("expectations_on_warehouse", suites,
                        "Expectation suites on the built warehouse; a blocking failure stops the publish.")]


expectation_checks: list = _build(SUITES)
