"""Compare two published warehouses table by table, row for row.

    python -m devtools.compare_warehouses A.duckdb B.duckdb [--schemas marts,intermediate] [--cents]

Every table of the chosen schemas (default: every dbt-built schema) must exist in both files with
the same columns (the load-time lineage columns are left out), and the two must hold the same
multiset of rows (EXCEPT ALL both ways). With
--cents, DOUBLE and DECIMAL columns are compared rounded to 2 decimals (money to the cent), for
two engines whose floating-point sums may differ in the last bits. Exit status 1 on any
difference, with one line per table that differs.
"""

from __future__ import annotations

import argparse
import sys

import duckdb

DBT_SCHEMAS = ("staging", "intermediate", "checks", "marts")
# When a row was loaded differs between two builds of the same landing: not compared.
LOAD_COLUMNS = ("_loaded_at", "_load_id", "loaded_at", "load_id")
NUMERIC = ("DOUBLE", "FLOAT", "REAL", "DECIMAL")


def _columns(con: duckdb.DuckDBPyConnection, db: str, schema: str, table: str) -> list[tuple[str, str]]:
    cols = con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = ? and schema_name = ? "
        "and table_name = ? order by column_index", [db, schema, table]).fetchall()
    return [(c, t) for c, t in cols if c not in LOAD_COLUMNS]


def _tables(con: duckdb.DuckDBPyConnection, db: str, schemas: tuple[str, ...]) -> set[tuple[str, str]]:
    marks = ", ".join("?" for _ in schemas)
    return set(con.execute(
        f"select schema_name, table_name from duckdb_tables() where database_name = ? and schema_name in ({marks})",
        [db, *schemas]).fetchall())


def compare(a: str, b: str, schemas: tuple[str, ...] = DBT_SCHEMAS, cents: bool = False) -> list[str]:
    """The differences between warehouses a and b, one line each (empty when they are equal)."""
    con = duckdb.connect()
    con.execute(f"attach '{a}' as a (read_only)")
    con.execute(f"attach '{b}' as b (read_only)")
    in_a, in_b = _tables(con, "a", schemas), _tables(con, "b", schemas)
    problems = [f"{s}.{t}: only in {a}" for s, t in sorted(in_a - in_b)]
    problems += [f"{s}.{t}: only in {b}" for s, t in sorted(in_b - in_a)]
    for schema, table in sorted(in_a & in_b):
        cols_a, cols_b = _columns(con, "a", schema, table), _columns(con, "b", schema, table)
        if [c for c, _ in cols_a] != [c for c, _ in cols_b]:
            problems.append(f"{schema}.{table}: columns differ: {[c for c, _ in cols_a]} vs {[c for c, _ in cols_b]}")
            continue
        exprs = ", ".join(
            f'round(cast("{c}" as double), 2) as "{c}"' if cents and t.upper().startswith(NUMERIC) else f'"{c}"'
            for c, t in cols_a)
        counts = []
        for x, y in (("a", "b"), ("b", "a")):
            counts.append(con.execute(
                f'select count(*) from (select {exprs} from {x}."{schema}"."{table}" '
                f'except all select {exprs} from {y}."{schema}"."{table}")').fetchone()[0])
        if any(counts):
            problems.append(f"{schema}.{table}: {counts[0]} row(s) only in {a}, {counts[1]} only in {b}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--schemas", default=",".join(DBT_SCHEMAS))
    parser.add_argument("--cents", action="store_true", help="compare DOUBLE/DECIMAL columns rounded to 2 decimals")
    args = parser.parse_args(argv)
    problems = compare(args.a, args.b, tuple(args.schemas.split(",")), args.cents)
    for line in problems:
        print(line)
    if not problems:
        print(f"identical: every table of {args.schemas}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
