"""Build the dbt project on Spark from a DuckDB warehouse's raw tables and compare every table.

    python -m devtools.spark_parity WAREHOUSE.duckdb --as-of 2025-06-30 [--work DIR] [--tests]

WAREHOUSE is a warehouse `revops build` published (it holds the raw schema the loader wrote).
Its raw tables are written as Parquet, one dataset per landing object (DIR/raw/<table>.parquet,
the raw layer Spark reads, with the lineage columns), registered as Spark tables
(register_raw_parquet), then the seeds and models are built on the `spark` target in one process
(one JVM; Spark's tables and metastore in DIR/target/spark), leaving out the models tagged duckdb_only and what depends on them (docs/spark.md).
The Spark tables are copied into DIR/spark.duckdb and compared with WAREHOUSE, table by table,
row for row, money to the cent (devtools.compare_warehouses --cents). Needs the spark extra
(make spark-setup). Exit status 1 on any difference or failed node.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import duckdb

from devtools.compare_warehouses import DBT_SCHEMAS, compare

ROOT = Path(__file__).resolve().parents[1]
NOT_ON_SPARK = "tag:duckdb_only+"


def export_raw(warehouse: Path, raw_dir: Path) -> int:
    """Every raw table of the warehouse as a Parquet file; the number of tables."""
    raw_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [t for (t,) in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'raw' order by 1").fetchall()]
        for t in tables:
            con.execute(f"copy raw.\"{t}\" to '{raw_dir / (t + '.parquet')}' (format parquet)")
    finally:
        con.close()
    return len(tables)


def publish_spark_tables(spark_warehouse: Path, out: Path, schemas: tuple[str, ...], like: Path) -> int:
    """Copy the Parquet tables Spark wrote for `schemas` into a DuckDB file; the number of tables.
    Spark writes no data file for a table with no rows: such a table is created empty with the
    columns of the same table in `like` (the DuckDB warehouse compared with)."""
    out.unlink(missing_ok=True)
    con = duckdb.connect(str(out))
    count = 0
    try:
        con.execute(f"attach '{like}' as reference (read_only)")
        for schema in schemas:
            folder = spark_warehouse / f"{schema}.db"
            if not folder.is_dir():
                continue
            con.execute(f"create schema if not exists {schema}")
            for table in sorted(p for p in folder.iterdir() if p.is_dir()):
                if any(table.glob("*.parquet")):
                    con.execute(f"create table {schema}.\"{table.name}\" as "
                                f"select * from read_parquet('{table}/*.parquet')")
                else:
                    con.execute(f"create table {schema}.\"{table.name}\" as "
                                f"select * from reference.{schema}.\"{table.name}\" limit 0")
                count += 1
    finally:
        con.close()
    return count


def run_dbt_on_spark(work: Path, raw_dir: Path, as_of: str, tests: bool) -> list[str]:
    """Seeds and models (and their tests with `tests`) on the spark target; the failed nodes."""
    os.environ.update(REVOPS_AS_OF=as_of, DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    # the spark target keeps Spark's warehouse and metastore in target/spark of the folder it runs in
    work.mkdir(parents=True, exist_ok=True)
    os.chdir(work)
    from dbt.cli.main import dbtRunner  # imported here: dbt reads its environment when imported

    common = ["--project-dir", str(ROOT), "--profiles-dir", str(ROOT), "--target", "spark",
              "--target-path", str(work / "target"), "--log-path", str(work / "logs")]
    runner = dbtRunner()
    failed = []
    register = ["run-operation", "register_raw_parquet", "--args", json.dumps({"raw_dir": str(raw_dir)})]
    # one dbt build: the seeds and the models (and their data tests with `tests`)
    skip = ["unit_test"] if tests else ["unit_test", "test"]
    steps = [register, ["build", "--exclude-resource-type", *skip, "--exclude", NOT_ON_SPARK]]
    for step in steps:
        started = time.monotonic()
        result = runner.invoke(step + common)
        print(f"  dbt {step[0]}: {time.monotonic() - started:.1f} s", flush=True)
        if result.exception is not None:
            raise result.exception
        statuses: dict[str, int] = {}
        for r in getattr(result.result, "results", None) or []:
            if getattr(r, "node", None) is None:  # a run-operation's result has no node
                continue
            kind = f"{r.node.resource_type} {r.status}"
            statuses[kind] = statuses.get(kind, 0) + 1
            if str(r.status) in ("error", "fail"):
                failed.append(f"{r.node.unique_id}: {(r.message or '').splitlines()[0][:300]}")
        if statuses:
            print("    " + ", ".join(f"{n} {k}" for k, n in sorted(statuses.items())), flush=True)
        if not result.success and not failed:
            failed.append(f"dbt {step[0]} failed")
    return failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--as-of", required=True, help="the as_of_date the warehouse was built with")
    parser.add_argument("--work", type=Path, default=ROOT / "target" / "spark-parity")
    parser.add_argument("--tests", action="store_true", help="run the data tests of the models too")
    args = parser.parse_args(argv)
    work = args.work.resolve()
    started = time.monotonic()
    tables = export_raw(args.warehouse, work / "raw")
    print(f"  raw as Parquet: {tables} tables, {time.monotonic() - started:.1f} s", flush=True)
    failed = run_dbt_on_spark(work, work / "raw", args.as_of, args.tests)
    out = work / "spark.duckdb"
    copied = publish_spark_tables(work / "target" / "spark" / "warehouse", out, DBT_SCHEMAS + ("seeds",), args.warehouse)
    problems = compare(str(args.warehouse), str(out), DBT_SCHEMAS + ("seeds",), cents=True)
    left_out = [p for p in problems if p.endswith(f"only in {args.warehouse}")]
    differ = [p for p in problems if p not in left_out]
    print(f"Spark: {copied} tables copied to {out}; {time.monotonic() - started:.1f} s in all")
    for line in failed:
        print(f"FAILED {line}")
    for line in differ:
        print(f"DIFFERS {line}")
    print(f"not built on Spark ({NOT_ON_SPARK}): {len(left_out)} tables: "
          + ", ".join(p.split(":")[0] for p in left_out))
    if not failed and not differ:
        print("every other table equal row for row, money to the cent")
    return 1 if failed or differ else 0


if __name__ == "__main__":
    sys.exit(main())
