"""What the asset pages show about dbt nodes, added once dbt has finished.

While dbt runs it holds the working database open read-write, so nothing else may open it;
dagster-dbt's own row-count and column fetchers would collide with it. The dbt step therefore
keeps its events until dbt ends, then reads the database once (read-only) and adds:

- to each model's materialization: ``dagster/row_count`` and ``dagster/column_schema`` (the
  column types the database reports, with the descriptions from the model's YAML);
- to each failed dbt test: the query that found the failing rows and a sample of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import duckdb
from dagster import AssetCheckResult, MetadataValue, Output, TableColumn, TableSchema

SAMPLE_ROWS = 5


def _relation(node: Mapping[str, Any]) -> str:
    return f'"{node["schema"]}"."{node.get("alias") or node["name"]}"'


def model_metadata(con, node: Mapping[str, Any]) -> dict[str, Any]:
    rel = _relation(node)
    count = con.execute(f"select count(*) from {rel}").fetchone()[0]
    types = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [node["schema"], node.get("alias") or node["name"]],
    ).fetchall()
    described = node.get("columns") or {}
    schema = TableSchema(columns=[
        TableColumn(name=name, type=dtype, description=(described.get(name) or {}).get("description") or None)
        for name, dtype in types
    ])
    return {"dagster/row_count": count, "dagster/column_schema": schema}


def failing_rows(con, compiled_sql: str) -> tuple[str, str]:
    """(markdown table of up to SAMPLE_ROWS failing rows, or why they could not be read)."""
    try:
        cur = con.execute(f"select * from (\n{compiled_sql}\n) as failing limit {SAMPLE_ROWS}")
        cols = [d[0] for d in cur.description]
        rows = cur.fetchall()
    except duckdb.Error as exc:
        return "", f"could not re-run the test query: {exc}"
    if not rows:
        return "", "the test query returns no rows now"
    head = "| " + " | ".join(cols) + " |\n|" + "---|" * len(cols)
    body = "\n".join("| " + " | ".join("" if v is None else str(v) for v in r) + " |" for r in rows)
    return f"{head}\n{body}", ""


def enrich(events: Iterable[Any], manifest: Mapping[str, Any], run_results: Mapping[str, Any], db: Path) -> list:
    events = list(events)
    nodes = manifest.get("nodes", {})
    results = {r["unique_id"]: r for r in run_results.get("results", [])}
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return events  # metadata is a nicety: never fail a build over it
    out = []
    try:
        for ev in events:
            uid = (ev.metadata or {}).get("unique_id") if hasattr(ev, "metadata") else None
            uid = getattr(uid, "value", uid)
            node = nodes.get(uid) if uid else None
            if isinstance(ev, Output) and node and node.get("resource_type") in ("model", "seed"):
                try:
                    ev = ev.with_metadata({**ev.metadata, **model_metadata(con, node)})
                except duckdb.Error:
                    pass
            elif isinstance(ev, AssetCheckResult) and not ev.passed and uid in results:
                sql = results[uid].get("compiled_code") or (node or {}).get("compiled_code") or ""
                if sql:
                    table, why = failing_rows(con, sql)
                    ev = ev.with_metadata({
                        **ev.metadata,
                        "query": MetadataValue.md(f"```sql\n{sql.strip()}\n```"),
                        "failing_rows_sample": MetadataValue.md(table) if table else why,
                    })
            out.append(ev)
    finally:
        con.close()
    return out
