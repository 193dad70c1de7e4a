"""What the CLI prints: the build summary and the revenue KPI table."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
from rich.console import Console
from rich.markup import escape
from rich.table import Table

console = Console(highlight=False)


def _fmt_money(v) -> str:
    return "" if v is None else f"{float(v):,.2f}"


def _fmt_rate(v) -> str:
    return "" if v is None else f"{float(v) * 100:.1f}%"


def _fmt_num(v) -> str:
    return "" if v is None else f"{float(v):,.2f}"


def print_build_summary(result, warehouse: Path, work: Path, seconds: float) -> bool:
    from dagster import DagsterEventType

    failures = []
    for ev in result.all_events:
        if ev.event_type == DagsterEventType.STEP_FAILURE:
            err = ev.event_specific_data.error
            msg = err.message.strip() if err else "failed"
            failures.append(f"{ev.step_key}: {msg}")
    evaluations = result.get_asset_check_evaluations()
    failed_checks = [e for e in evaluations if not e.passed]
    blocking_failed = [e for e in failed_checks if e.severity.value == "ERROR"]
    warned = [e for e in failed_checks if e.severity.value != "ERROR"]
    published = any(
        ev.event_type == DagsterEventType.ASSET_MATERIALIZATION
        and ev.event_specific_data.materialization.asset_key.path == ["published_warehouse"]
        for ev in result.all_events
    )

    con = duckdb.connect(str(work), read_only=True)
    try:
        log = con.execute(
            "select count(*), coalesce(sum(rows_read), 0), coalesce(sum(rows_loaded), 0), coalesce(sum(rows_rejected), 0), "
            "count(*) filter (where status = 'rejected'), count(*) filter (where status = 'skipped_duplicate') "
            "from audit.load_log where load_id = ?",
            [result.run_id],
        ).fetchone()
    except duckdb.Error:
        log = (0, 0, 0, 0, 0, 0)
    finally:
        con.close()

    console.print(
        f"\n[bold]Ingest[/bold]: {log[0]} new file(s), {log[1]:,} row(s) read, {log[2]:,} loaded, "
        f"{log[3]:,} rejected, {log[4]} file(s) rejected, {log[5]} duplicate file(s) skipped"
    )
    if log[3] or log[4]:
        console.print("  rejected rows and files: see audit.rejected_rows and audit.load_log in the warehouse")
    console.print(f"[bold]Checks[/bold]: {len(evaluations)} evaluated, {len(failed_checks)} failed "
                  f"({len(blocking_failed)} blocking, {len(warned)} warnings)")
    for e in failed_checks:
        sev = "BLOCKING" if e.severity.value == "ERROR" else "warn"
        desc = e.metadata.get("failure") or e.description or ""
        desc = getattr(desc, "value", desc)
        console.print(escape(f"  [{sev}] {e.asset_key.to_user_string()} :: {e.check_name} {desc}"))
    unchanged = _unchanged_since(result)
    if result.success and unchanged:
        console.print(f"[bold green]Nothing new[/bold green] since run {unchanged} (same landing files, code and "
                      f"settings): {warehouse} is current, kept as it was; checked in {seconds:.1f}s. "
                      "[bold]revops build --force[/bold] rebuilds it anyway.")
        print_kpis(warehouse, months=6)
        return True
    ok = result.success and not blocking_failed and published
    if not ok:
        for f in failures:
            console.print(f"[red]failed[/red] {f}")
        console.print(f"[red bold]Build failed[/red bold] after {seconds:.1f}s; "
                      f"{'the last good warehouse is unchanged' if warehouse.exists() else 'nothing was published'}: {warehouse}")
        return False
    console.print(f"[bold green]Built and published[/bold green] {warehouse} in {seconds:.1f}s")
    print_kpis(warehouse, months=6)
    console.print("\nFull table: [bold].venv/bin/revops kpis[/bold]   Dagster UI: [bold]make ui[/bold] "
                  "(or .venv/bin/revops ui) then open http://127.0.0.1:3000")
    return True


def _unchanged_since(result) -> str | None:
    """The run whose warehouse a build found current (the dbt step's observation), if it did."""
    from dagster import DagsterEventType

    from .assets.dbt import PUBLISHED_KEY, UNCHANGED_SINCE

    for ev in result.all_events:
        if ev.event_type == DagsterEventType.ASSET_OBSERVATION:
            obs = ev.event_specific_data.asset_observation
            if obs.asset_key == PUBLISHED_KEY and UNCHANGED_SINCE in obs.metadata:
                return obs.metadata[UNCHANGED_SINCE].value
    return None


def print_kpis(warehouse: Path, months: int = 13) -> None:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select month, mrr, arr, new_mrr, expansion_mrr, contraction_mrr, churned_mrr, reactivation_mrr, fx_mrr, "
            "paying_customers, logo_churn_rate, nrr_ttm, grr_ttm, quick_ratio, ltv, cac "
            "from marts.revenue_kpis_monthly order by month desc" + (f" limit {int(months)}" if months else "")
        ).fetchall()
    finally:
        con.close()
    t = Table(title=f"Monthly revenue KPIs (reporting currency, last {len(rows)} months)", title_justify="left")
    for col in ("month", "MRR", "ARR", "new", "expansion", "contraction", "churned", "reactivation", "fx",
                "paying", "logo churn", "NRR ttm", "GRR ttm", "quick ratio", "LTV", "CAC"):
        t.add_column(col, justify="left" if col == "month" else "right", no_wrap=True)
    for r in reversed(rows):
        t.add_row(str(r[0])[:7], *[_fmt_money(v) for v in r[1:9]], str(r[9]), _fmt_rate(r[10]), _fmt_rate(r[11]),
                  _fmt_rate(r[12]), _fmt_num(r[13]), _fmt_money(r[14]), _fmt_money(r[15]))
    # wide enough for every column whatever the terminal (or pipe) says
    Console(highlight=False, width=max(220, Console().width)).print(t)


if __name__ == "__main__":
    print_kpis(Path(sys.argv[1]))
