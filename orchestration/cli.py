"""`revops`: generate sample data, build the warehouse through Dagster, print KPIs, start the UI."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

from . import settings


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
        landing = Path(arg).resolve()
        if not landing.is_dir():
            sys.exit(f"revops: landing folder {landing} does not exist")
        return landing
    landing = settings.landing_dir()
    if os.environ.get(settings.ENV_LANDING) is None and _landing_is_empty(landing):
        from .generate import generate

        if not quiet:
            print(f"No landing data in {landing}: generating sample data (2,000 accounts, seed 42, up to {as_of}).")
        generate(landing, accounts=2000, seed=42, end_date=as_of)
    return landing


def cmd_generate(args: argparse.Namespace) -> int:
    from .generate import generate

    t0 = time.perf_counter()
    summary = generate(Path(args.out), accounts=args.accounts, seed=args.seed, end_date=args.end_date)
    print(f"generated {args.accounts} accounts into {args.out} in {time.perf_counter() - t0:.1f}s")
    for k, v in (summary or {}).items():
        print(f"  {k}: {v}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .build import run_build

    as_of = args.as_of or dt.datetime.now(dt.UTC).date()
    landing = _resolve_landing(args.landing, as_of)
    warehouse = Path(args.warehouse).resolve() if args.warehouse else settings.warehouse_path()
    if args.export_parquet:  # read by the publish asset
        os.environ["REVOPS_EXPORT_PARQUET"] = str(Path(args.export_parquet).resolve())
    return run_build(landing, warehouse, as_of, strict=args.strict, wait=args.wait, quiet=args.quiet)


def cmd_kpis(args: argparse.Namespace) -> int:
    from .report import print_kpis

    warehouse = Path(args.warehouse).resolve() if args.warehouse else settings.warehouse_path()
    if not warehouse.exists():
        print(f"revops: no warehouse at {warehouse}; run `revops build` first", file=sys.stderr)
        return 1
    print_kpis(warehouse, months=args.months)
    return 0


def cmd_ui(args: argparse.Namespace) -> int:
    from .project import prepare_manifest

    warehouse = Path(args.warehouse).resolve() if args.warehouse else settings.warehouse_path()
    home = Path(os.environ.get("DAGSTER_HOME") or settings.DEFAULT_DAGSTER_HOME).resolve()
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").exists() or (home / "dagster.yaml").write_text(
        "# Runs are queued so two builds never write the warehouse at once.\n"
        "run_queue:\n  max_concurrent_runs: 1\n"
        "telemetry:\n  enabled: false\n"
    )
    env = dict(os.environ, DAGSTER_HOME=str(home))
    env[settings.ENV_WAREHOUSE] = str(warehouse)
    env[settings.ENV_WORK_DB] = str(settings.work_db_path(warehouse))
    if args.landing:
        env[settings.ENV_LANDING] = str(Path(args.landing).resolve())
    prepare_manifest()
    from .warehouse import ensure_work_db

    ensure_work_db(settings.work_db_path(warehouse))
    dagster = Path(sys.executable).with_name("dagster")
    cmd = [str(dagster), "dev", "-m", "orchestration.definitions", "-h", "127.0.0.1", "-p", str(args.port)]
    print(f"Dagster UI: http://127.0.0.1:{args.port}  (DAGSTER_HOME={home}; Ctrl-C to stop)")
    os.chdir(settings.PROJECT_DIR)
    os.execve(str(dagster), cmd, env)
    return 0  # not reached


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="revops", description="RevOps warehouse: landing extracts -> audited DuckDB marts.")
    sub = p.add_subparsers(dest="command", required=True)

    g = sub.add_parser("generate", help="write deterministic sample landing data")
    g.add_argument("--accounts", type=int, default=2000)
    g.add_argument("--seed", type=int, default=42)
    g.add_argument("--end-date", type=_date, default=dt.datetime.now(dt.UTC).date())
    g.add_argument("--out", default=str(settings.DEFAULT_LANDING))
    g.set_defaults(func=cmd_generate)

    b = sub.add_parser("build", help="ingest, build and check the warehouse, then publish it")
    b.add_argument("--landing", help="landing folder (default $REVOPS_LANDING or data/landing; sample data when empty)")
    b.add_argument("--warehouse", help="the published DuckDB file (default $REVOPS_WAREHOUSE or data/warehouse.duckdb)")
    b.add_argument("--as-of", type=_date, help="as_of_date ending every series (default today, UTC)")
    b.add_argument("--strict", action="store_true", help="fail when any landing row or file is rejected")
    b.add_argument("--wait", action="store_true", help="wait for a running build instead of failing")
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
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
