"""`revops`: generate sample data, build the warehouse through Dagster, print KPIs, start the UI."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

from . import gc_tuning, settings


def _date(s: str) -> dt.date:
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2025-03-31, got {s!r}") from None


def _landing_is_empty(landing: Path) -> bool:
    return not landing.exists() or not any(p.is_file() for p in landing.rglob("*") if "_meta" not in p.parts)


def _resolve_landing(arg: str | None, as_of: dt.date, quiet: bool = False) -> Path:
    """The landing folder: --landing, else $REVOPS_LANDING, else data/landing, which is filled with
    sample data when it is empty (a first run just works)."""
    if arg:
        return Path(arg).resolve()
    landing = settings.default_landing()
    if settings.landing_from_env() is None and _landing_is_empty(landing):
        from devtools.generate import generate

        if not quiet:
            print(f"No landing data in {landing}: generating sample data (2,000 accounts, seed 42, up to {as_of}).")
        generate(landing, accounts=2000, seed=42, end_date=as_of)
    return landing


def cmd_generate(args: argparse.Namespace) -> int:
    from devtools.generate import generate

    t0 = time.perf_counter()
    summary = generate(Path(args.out), accounts=args.accounts, seed=args.seed, end_date=args.end_date,
                       vocabulary=args.vocabulary)
    print(f"generated {args.accounts} accounts into {args.out} in {time.perf_counter() - t0:.1f}s")
    for k, v in (summary or {}).items():
        print(f"  {k}: {v}")
    return 0


def _environment_settings() -> tuple[dict | None, dict | None, list[str]]:
    """(dbt vars, read limits and memory sizes, problems) of the settings the environment gives;
    each problem names the setting, the value and what is expected."""
    from .validation import validate_dbt_vars

    try:
        dbt_vars = settings.default_dbt_vars()
        sizes = settings.default_sizes()
    except settings.SettingError as exc:
        return None, None, [str(exc)]
    return dbt_vars, sizes, [f"{settings.ENV_DBT_VARS}: {p}" for p in validate_dbt_vars(dbt_vars)]


def _refuse(problems: list[str]) -> int:
    for problem in problems:
        print(f"revops: {problem}", file=sys.stderr)
    return 2


def cmd_build(args: argparse.Namespace) -> int:
    from .build import run_build

    dbt_vars, sizes, problems = _environment_settings()
    if problems:
        return _refuse(problems)
    as_of = args.as_of or settings.today_utc()
    landing = _resolve_landing(args.landing, as_of)
    warehouse = Path(args.warehouse).resolve() if args.warehouse else settings.default_warehouse()
    export = Path(args.export_parquet).resolve() if args.export_parquet else (
        Path(settings.default_export_parquet()) if settings.default_export_parquet() else None)
    problems = settings.path_problems(landing, warehouse)
    if problems:
        return _refuse(problems)
    return run_build(landing, warehouse, as_of, strict=args.strict, wait=args.wait, quiet=args.quiet,
                     dbt_vars=dbt_vars, export_parquet=export, sizes=sizes, force_rebuild=args.force,
                     full_refresh=args.full_refresh)


def cmd_kpis(args: argparse.Namespace) -> int:
    from .report import print_kpis

    warehouse = Path(args.warehouse).resolve() if args.warehouse else settings.default_warehouse()
    if not warehouse.exists():
        print(f"revops: no warehouse at {warehouse}; run `revops build` first", file=sys.stderr)
        return 1
    print_kpis(warehouse, months=args.months)
    return 0


def cmd_ui(args: argparse.Namespace) -> int:
    from .instance import prepare_home
    from .project import prepare_manifest
    from .warehouse import ensure_work_db

    warehouse = Path(args.warehouse).resolve() if args.warehouse else settings.default_warehouse()
    landing = Path(args.landing).resolve() if args.landing else None
    # The UI's code location reads the same settings when it loads: check them here, so a bad
    # value is one line and exit 2, not a code location that fails to load.
    problems = _environment_settings()[2]
    if problems:
        return _refuse(problems)
    home = prepare_home()
    prepare_manifest()
    ensure_work_db(settings.work_db_for(warehouse))
    dagster = Path(sys.executable).with_name("dagster")
    cmd = [str(dagster), "dev", "-m", "orchestration.definitions", "-h", "127.0.0.1", "-p", str(args.port)]
    print(f"Dagster UI: http://127.0.0.1:{args.port}  (DAGSTER_HOME={home}; Ctrl-C to stop)")
    os.chdir(settings.PROJECT_DIR)
    os.execve(str(dagster), cmd, settings.ui_process_environment(home, warehouse, landing))
    return 0  # not reached


def _published(arg: str | None) -> Path | None:
    warehouse = Path(arg).resolve() if arg else settings.default_warehouse()
    if not warehouse.exists():
        print(f"revops: no warehouse at {warehouse}; run `revops build` first", file=sys.stderr)
        return None
    return warehouse


def cmd_app(args: argparse.Namespace) -> int:
    from .app.server import serve

    warehouse = _published(args.warehouse)
    if warehouse is None:
        return 1
    landing = Path(args.landing).resolve() if args.landing else settings.default_landing()
    return serve(warehouse, landing, host="127.0.0.1", port=args.port, steward=args.steward or settings.default_steward())


def cmd_report(args: argparse.Namespace) -> int:
    from .app.report_file import write_report

    warehouse = _published(args.warehouse)
    if warehouse is None:
        return 1
    out = write_report(warehouse, Path(args.out).resolve())
    print(f"report written to {out} ({out.stat().st_size / 1e6:.1f} MB; opens offline in any browser)")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .export import write_exports

    warehouse = _published(args.warehouse)
    if warehouse is None:
        return 1
    files = write_exports(warehouse, Path(args.out).resolve())
    for f in files:
        print(f"  {f}")
    print(f"{len(files)} import files written to {Path(args.out).resolve()}")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    from .docs_site import generate_docs, serve_docs

    warehouse = _published(args.warehouse)
    if warehouse is None:
        return 1
    site = generate_docs(warehouse)
    if args.no_serve:
        print(f"dbt docs written to {site}")
        return 0
    return serve_docs(site, host="127.0.0.1", port=args.port)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="revops", description="RevOps warehouse: landing extracts -> audited DuckDB marts.")
    sub = p.add_subparsers(dest="command", required=True)

    g = sub.add_parser("generate", help="write deterministic sample landing data")
    g.add_argument("--accounts", type=int, default=2000)
    g.add_argument("--seed", type=int, default=42)
    g.add_argument("--end-date", type=_date, default=settings.today_utc())
    g.add_argument("--out", default=str(settings.DEFAULT_LANDING))
    g.add_argument("--vocabulary", choices=("full", "small"), default="full",
                   help="name lists: full, or small so random names run out early (tests of the numbered variants)")
    g.set_defaults(func=cmd_generate)

    b = sub.add_parser("build", help="ingest, build and check the warehouse, then publish it")
    b.add_argument("--landing", help="landing folder (default $REVOPS_LANDING or data/landing; sample data when empty)")
    b.add_argument("--warehouse", help="the published DuckDB file (default $REVOPS_WAREHOUSE or data/warehouse.duckdb)")
    b.add_argument("--as-of", type=_date, help="as_of_date ending every series (default today, UTC)")
    b.add_argument("--strict", action="store_true", help="fail when any landing row or file is rejected")
    b.add_argument("--wait", action="store_true", help="wait for a running build instead of failing")
    b.add_argument("--force", action="store_true",
                   help="rebuild even when nothing changed since the published build (same landing files, code and "
                        "settings); without it such a build keeps the published warehouse and stops in seconds")
    b.add_argument("--full-refresh", action="store_true",
                   help="restage every raw row (dbt --full-refresh; implies --force) instead of only the keys of new "
                        "or replaced files; a build does it by itself after a code change")
    b.add_argument("--quiet", action="store_true", help="no progress lines, only the summary")
    b.add_argument("--export-parquet", metavar="DIR", help="after publishing, also write every mart as DIR/<table>.parquet")
    b.set_defaults(func=cmd_build)

    k = sub.add_parser("kpis", help="print the monthly revenue KPIs")
    k.add_argument("--warehouse")
    k.add_argument("--months", type=int, default=13, help="how many recent months (0 = all)")
    k.set_defaults(func=cmd_kpis)

    u = sub.add_parser("ui", help="start the Dagster UI on 127.0.0.1")
    u.add_argument("--warehouse")
    u.add_argument("--landing")
    u.add_argument("--port", type=int, default=3000)
    u.set_defaults(func=cmd_ui)

    a = sub.add_parser("app", help="start the report and review app on 127.0.0.1 (reads the published warehouse)")
    a.add_argument("--warehouse", help="the published DuckDB file (default $REVOPS_WAREHOUSE or data/warehouse.duckdb)")
    a.add_argument("--landing", help="landing folder the review grid writes steward decisions to (default $REVOPS_LANDING or data/landing)")
    a.add_argument("--port", type=int, default=settings.DEFAULT_APP_PORT)
    a.add_argument("--steward", help="name recorded with each decision (default $REVOPS_STEWARD or the login name)")
    a.set_defaults(func=cmd_app)

    r = sub.add_parser("report", help="write every chart as one self-contained HTML file")
    r.add_argument("--warehouse")
    r.add_argument("--out", required=True, metavar="FILE.html")
    r.set_defaults(func=cmd_report)

    e = sub.add_parser("export", help="write Salesforce and HubSpot import files from the warehouse")
    e.add_argument("--warehouse")
    e.add_argument("--out", required=True, metavar="DIR")
    e.set_defaults(func=cmd_export)

    d = sub.add_parser("docs", help="generate dbt's documentation site and serve it on 127.0.0.1")
    d.add_argument("--warehouse")
    d.add_argument("--port", type=int, default=settings.DEFAULT_DOCS_PORT)
    d.add_argument("--no-serve", action="store_true", help="only generate the site and print where it is")
    d.set_defaults(func=cmd_docs)
    return p


def main(argv: list[str] | None = None) -> int:
    gc_tuning.tune_for_short_process()
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    finally:
        gc_tuning.skip_collection_at_exit()


if __name__ == "__main__":
    sys.exit(main())
