"""Incremental staging (issue 12, decision 123): a build after new and re-delivered extracts stages
again only the keys those files touch, and gives the rows a full refresh gives, row for row.

The session's sample warehouse (a full build) is copied; new files arrive that supersede
records (a later invoice version, one of them without lines; later Salesforce history rows),
and older files are re-delivered with records taken out (their keys' rows must go, or fall back to
an older version). The copy is built incrementally; a copy of the result is then rebuilt with
``--full-refresh`` from the same raw rows; every staging, intermediate, mart and check table must
be equal in both.
"""

from __future__ import annotations

import csv
import json
import math
import shutil
from pathlib import Path

import duckdb

from conftest import copy_of_warehouse, run_cli

AS_OF = "2025-06-30"
SCHEMAS = ("staging", "intermediate", "marts", "checks")
INCREMENTAL = "incremental models stage only the keys of new and replaced files"
FULL_REFRESH = "a full refresh of the incremental models"


def _files(landing: Path, obj: str) -> list[Path]:
    return sorted(p for p in (landing / obj).iterdir() if p.is_file())


def _keep_lines(path: Path, keep) -> None:
    """Re-deliver ``path`` with only the data lines ``keep(i)`` accepts (a header stays)."""
    lines = path.read_text().splitlines(keepends=True)
    head, body = (lines[:1], lines[1:]) if path.suffix == ".csv" else ([], lines)
    path.write_text("".join(head + [line for i, line in enumerate(body) if keep(i)]))


def _later_invoice_versions(landing: Path) -> list[str]:
    """A new invoices file after every other: later versions of ten invoices of the newest
    file, two of them without lines any more. Returns the ids changed."""
    newest = _files(landing, "billing/invoices")[-1]
    docs = [json.loads(line) for line in newest.read_text().splitlines()[:10]]
    for i, doc in enumerate(docs):
        doc["status"] = "void"
        if i < 2:
            doc["lines"]["data"] = []
    (newest.parent / (newest.stem + "_resent.jsonl")).write_text("".join(json.dumps(d) + "\n" for d in docs))
    return [d["id"] for d in docs]


def _later_history_rows(landing: Path, obj: str, column: str) -> None:
    """A new Salesforce export after every other with later versions of five rows of an older one."""
    older = _files(landing, obj)[len(_files(landing, obj)) // 2]
    with older.open(newline="") as fh:
        rows = list(csv.DictReader(fh))[:5]
    for r in rows:
        r[column] = (r[column] or "") + " (corrected)"
    newest = _files(landing, obj)[-1]
    with (newest.parent / (newest.stem + "_resent.csv")).open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), quoting=csv.QUOTE_ALL)
        w.writeheader()
        w.writerows(rows)


def _arrive(landing: Path) -> list[str]:
    invoice_ids = _later_invoice_versions(landing)
    _later_history_rows(landing, "crm/LeadHistory", "NewValue")
    _later_history_rows(landing, "crm/OpportunityHistory", "StageName")
    _keep_lines(_files(landing, "product/usage_daily")[7], lambda i: i % 3 != 0)
    _keep_lines(_files(landing, "marketing/email_events")[4], lambda i: i % 4 != 0)
    _keep_lines(_files(landing, "marketing/touches")[-1], lambda i: i % 5 != 0)
    _keep_lines(_files(landing, "crm/OpportunityHistory")[-2], lambda i: i % 2 == 0)
    return invoice_ids


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    return [f"{s}.{t}" for s, t in con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = ? and schema_name in "
        f"({', '.join('?' * len(SCHEMAS))}) order by all", [catalog, *SCHEMAS]).fetchall()]


def _rows(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple]:
    # every column in the order, so that rows that differ only in a double's last bits (DuckDB's
    # parallel sums may add in another order) still meet their counterpart
    return sorted(con.execute(f"select * from {relation}").fetchall(), key=lambda row: tuple(
        (v is None, round(v, 6) if isinstance(v, float) else str(v)) for v in row))


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9) or (math.isnan(a) and math.isnan(b))
    return a == b


def _differences(incremental: Path, full: Path) -> list[str]:
    con = duckdb.connect()
    con.execute(f"attach '{incremental}' as inc (read_only)")
    con.execute(f"attach '{full}' as ful (read_only)")
    tables = _tables(con, "inc")
    assert tables == _tables(con, "ful")
    problems = []
    for t in tables:
        a, b = _rows(con, f"inc.{t}"), _rows(con, f"ful.{t}")
        if len(a) != len(b):
            problems.append(f"{t}: {len(a)} rows incrementally, {len(b)} in a full refresh")
            continue
        bad = next((i for i, (x, y) in enumerate(zip(a, b)) if len(x) != len(y) or not all(map(_same, x, y))), None)
        if bad is not None:
            problems.append(f"{t}: row {bad} differs:\n  incremental  {a[bad]}\n  full refresh {b[bad]}")
    return problems


def test_an_incremental_build_gives_the_rows_of_a_full_refresh(generated_landing, generated_warehouse, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(generated_landing, landing)
    changed_invoices = _arrive(landing)
    wh = copy_of_warehouse(generated_warehouse, tmp_path / "incremental")

    inc = run_cli("build", "--landing", str(landing), "--warehouse", str(wh), "--as-of", AS_OF)
    said = inc.stdout + inc.stderr  # the progress lines go to stderr
    assert INCREMENTAL in said and FULL_REFRESH not in said, said[-3000:]
    assert "Built and published" in inc.stdout

    full = copy_of_warehouse(wh, tmp_path / "full")
    ref = run_cli("build", "--full-refresh", "--landing", str(landing), "--warehouse", str(full), "--as-of", AS_OF)
    assert f"{FULL_REFRESH} (full_refresh set)" in ref.stdout + ref.stderr, ref.stderr[-3000:]
    assert "0 new file(s)" in ref.stdout

    assert _differences(wh, full) == []
    # the arrivals did reach the marts' inputs: the later versions are the ones kept
    con = duckdb.connect(str(wh), read_only=True)
    statuses = dict(con.execute("select invoice_id, status from staging.stg_billing__invoices where invoice_id in "
                                f"({', '.join('?' * len(changed_invoices))})", changed_invoices).fetchall())
    lines = con.execute("select count(*) from staging.stg_billing__invoice_lines where invoice_id in (?, ?)",
                        changed_invoices[:2]).fetchone()[0]
    con.close()
    assert statuses == {i: "void" for i in changed_invoices} and lines == 0


def test_a_build_after_a_code_change_refreshes_the_incremental_models(tmp_path):
    """The record of the code the incremental models were built with decides (build_inputs.py)."""
    from orchestration import build_inputs

    work = tmp_path / "warehouse.duckdb"
    assert build_inputs.full_refresh_reason(work, "abc") == "no working database yet"
    duckdb.connect(str(work)).close()
    assert "no record" in build_inputs.full_refresh_reason(work, "abc")
    build_inputs.record(work, "fingerprint", "run-1", "abc")
    assert build_inputs.full_refresh_reason(work, "abc") is None
    assert "changed" in build_inputs.full_refresh_reason(work, "abd")
    build_inputs.forget(work)  # dropping the fingerprint before dbt keeps this record
    assert build_inputs.full_refresh_reason(work, "abc") is None
