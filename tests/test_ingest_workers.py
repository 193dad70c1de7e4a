"""Landing objects load on two threads (setting ingest_workers, decision 124): the raw tables and
the audit trail are those of loading them one after another, and events come in contract order."""

from __future__ import annotations

import shutil

import duckdb

from orchestration.assets.ingest import _ingest_objects
from orchestration.landing import contract, files, loader
from orchestration.landing.limits import DEFAULT_LIMITS

# what differs between two loads of the same files by construction: when, and under which load id
WHEN = ("_loaded_at", "loaded_at", "_load_id", "load_id")


def _ingest(landing, db, workers: int) -> list[str]:
    found = files.discover(landing)
    con = loader.connect(db, DEFAULT_LIMITS)
    try:
        loader.ensure_tables(con, contract.OBJECTS)
        order = []
        for events, _log, _strict in _ingest_objects("test-run", con, list(contract.OBJECTS), found, False,
                                                      DEFAULT_LIMITS, workers):
            order.append(events[0].asset_key.path[-1])
        return order
    finally:
        con.close()


def test_two_ingest_workers_load_what_one_loads(generated_landing, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(generated_landing, landing)
    # a row that breaks the contract, so the audit trail has rejected rows to compare too
    usage = sorted((landing / "product" / "usage_daily").iterdir())[0]
    usage.write_text(usage.read_text() + "2024-13-45,001000000000001AAA,x,1\n")
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    assert _ingest(landing, one, 1) == _ingest(landing, two, 2) == [o.table for o in contract.OBJECTS]

    con = duckdb.connect()
    con.execute(f"attach '{one}' as one (read_only)")
    con.execute(f"attach '{two}' as two (read_only)")
    tables = con.execute("select schema_name || '.' || table_name from duckdb_tables() where database_name = 'one' "
                         "and schema_name in ('raw', 'audit') order by all").fetchall()
    assert len(tables) == len(contract.OBJECTS) + 2
    for (t,) in tables:
        cols = ", ".join(f'"{c}"' for (c,) in con.execute(
            "select column_name from duckdb_columns() where database_name = 'one' and schema_name || '.' || table_name = ? "
            f"and column_name not in {WHEN} order by column_index", [t]).fetchall())
        for a, b in (("one", "two"), ("two", "one")):
            extra = con.execute(f"select count(*) from (select {cols} from {a}.{t} except all select {cols} from {b}.{t})").fetchone()[0]
            assert extra == 0, f"{t}: {extra} row(s) in {a} and not in {b}"
    assert con.execute("select count(*) from two.audit.rejected_rows").fetchone()[0] > 0


def test_ingestion_collects_garbage_at_python_s_pace(generated_landing, tmp_path):
    """The CLI's large first GC generation (decision 118) let the loaders' cyclic garbage pile up
    (100,000 accounts: 5.85 GB instead of 2.73 GB, decision 125): ingestion runs under Python's
    own thresholds, and the CLI's come back after it."""
    import gc

    from orchestration import gc_tuning

    saved = gc.get_threshold()
    gc_tuning.tune_for_short_process()
    seen = []
    try:
        found = files.discover(generated_landing)
        con = loader.connect(tmp_path / "w.duckdb", DEFAULT_LIMITS)
        loader.ensure_tables(con, contract.OBJECTS)
        for _ in _ingest_objects("test-run", con, list(contract.OBJECTS[:2]), found, False, DEFAULT_LIMITS, 2):
            seen.append(gc.get_threshold())
        con.close()
        assert seen == [gc_tuning.PYTHON_DEFAULTS] * 2
        assert gc.get_threshold() == gc_tuning.THRESHOLDS
    finally:
        gc.set_threshold(*saved)
