"""Publishing for readers: BI tools read the published file while builds run back to back.

One scenario, real `revops build` processes on a copy of the generated landing folder:
generation 1 is the session's build of that landing (copied with its working database); then
two reader processes start (one opens the file anew in a tight loop,
one keeps a single read-only connection open all along); build 2 runs with new landing data,
build 3 (more new data, Parquet export) is started while build 2 runs and waits for it
(--wait), and a build started without --wait is refused with a clear message.
Every read must succeed and see exactly one complete published warehouse.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import PROJECT, REVOPS, copy_of_warehouse, query

AS_OF = "2025-06-30"

READER = r"""
import json, os, sys, time
import duckdb
path, mode, stop, out = sys.argv[1:5]
Q = '''select (select count(*) from marts.mrr_by_account_month), (select count(*) from raw.crm_account),
          (select coalesce(sum(rows_loaded), 0) from audit.load_log where object = 'crm/Account'),
          (select count(*) from audit.load_log), (select count(*) from marts.dim_accounts)'''
with open(out, "w") as fh:
    con = duckdb.connect(path, read_only=True) if mode == "hold" else None
    while not os.path.exists(stop):
        try:
            if mode == "hold":
                v = con.execute(Q).fetchone()
            else:
                c = duckdb.connect(path, read_only=True)
                try:
                    v = c.execute(Q).fetchone()
                finally:
                    c.close()
            fh.write(json.dumps({"t": time.time(), "v": list(v)}) + "\n")
        except Exception as exc:
            fh.write(json.dumps({"t": time.time(), "err": f"{type(exc).__name__}: {exc}"}) + "\n")
        fh.flush()
        time.sleep(0.2 if mode == "hold" else 0.02)
    if con is not None:
        con.close()
"""

SIGNATURE_SQL = READER.split("Q = '''")[1].split("'''")[0]


def _env() -> dict:
    return {k: v for k, v in os.environ.items() if not k.startswith("REVOPS_")}


def _build(landing: Path, wh: Path, *args: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen([str(REVOPS), "build", "--landing", str(landing), "--warehouse", str(wh), "--as-of", AS_OF, *args],
                            cwd=PROJECT, env=_env(), stdout=subprocess.DEVNULL, stderr=open(log, "w"), text=True)


def _signature(wh: Path) -> list:
    return list(query(wh, SIGNATURE_SQL)[0])


def _new_accounts(landing: Path, name: str, first: int, n: int) -> None:
    header = "Id,Name,CreatedDate,Website"
    rows = [f"0019x0000{first + i:06d}AAA,New Account {first + i},2025-06-01T00:00:00.000Z,https://new{first + i}.example.com"
            for i in range(n)]
    (landing / "crm" / "Account" / name).write_text("\n".join([header, *rows]) + "\n")


def _wait_for(log: Path, text: str, proc: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.time() + timeout
    while text not in log.read_text():
        assert proc.poll() is None, log.read_text()[-3000:]
        assert time.time() < deadline, f"no {text!r} in {log}"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def scenario(generated_landing, generated_warehouse, tmp_path_factory):
    root = tmp_path_factory.mktemp("publish")
    landing = root / "landing"
    shutil.copytree(generated_landing, landing)
    wh = copy_of_warehouse(generated_warehouse, root / "serve")
    stop, parquet = root / "stop", root / "parquet"
    logs = {i: root / f"build{i}.log" for i in (2, 3)}
    gens = [_signature(wh)]

    readers = {mode: subprocess.Popen([sys.executable, "-c", READER, str(wh), mode, str(stop), str(root / f"{mode}.jsonl")],
                                      env=_env()) for mode in ("loop", "hold")}
    try:
        time.sleep(1)
        _new_accounts(landing, "2099-01-01_more.csv", 1, 3)
        b2 = _build(landing, wh, log=logs[2])
        _wait_for(logs[2], "ingest crm/Account", b2)
        _new_accounts(landing, "2099-02-01_more.csv", 100, 5)
        b3 = _build(landing, wh, "--wait", "--export-parquet", str(parquet), log=logs[3])
        refused = subprocess.run([str(REVOPS), "build", "--landing", str(landing), "--warehouse", str(wh), "--as-of", AS_OF],
                                 cwd=PROJECT, env=_env(), capture_output=True, text=True, timeout=120)
        assert b2.wait(timeout=600) == 0, logs[2].read_text()[-3000:]
        assert "published" not in logs[3].read_text()  # build 3 is still on its way: the file is build 2's
        gens.append(_signature(wh))
        assert b3.wait(timeout=600) == 0, logs[3].read_text()[-3000:]
        gens.append(_signature(wh))
        time.sleep(1)
    finally:
        stop.touch()
        for r in readers.values():
            r.wait(timeout=60)
    reads = {mode: [json.loads(line) for line in (root / f"{mode}.jsonl").read_text().splitlines()] for mode in readers}
    return {"wh": wh, "gens": gens, "reads": reads, "refused": refused, "logs": logs, "parquet": parquet}


def test_each_build_published_a_new_complete_generation(scenario):
    g1, g2, g3 = scenario["gens"]
    assert g1[1] < g2[1] < g3[1]  # raw accounts: +3, then +5
    for g in scenario["gens"]:
        assert g[0] > 0 and g[1] == g[2]  # marts built; raw rows = rows the audit says were loaded


def test_readers_never_get_a_lock_error_and_always_see_a_complete_warehouse(scenario):
    gens = [tuple(g) for g in scenario["gens"]]
    loop = scenario["reads"]["loop"]
    errors = [r for r in loop if "err" in r]
    assert not errors, errors[:5]
    assert len(loop) >= 50
    seen = [gens.index(tuple(r["v"])) for r in loop]  # every read is exactly one published generation...
    assert seen == sorted(seen)  # ...in publishing order, never back to an older one
    assert seen[0] == 0 and seen[-1] == 2


def test_a_reader_holding_the_file_open_blocks_no_build(scenario):
    hold = scenario["reads"]["hold"]
    assert hold and not [r for r in hold if "err" in r]
    # its connection keeps the snapshot it opened (the replaced file), while builds 2 and 3 published
    assert {tuple(r["v"]) for r in hold} == {tuple(scenario["gens"][0])}


def test_one_build_at_a_time(scenario):
    refused = scenario["refused"]
    assert refused.returncode == 3
    assert "another build of" in refused.stderr and "is running" in refused.stderr and "--wait" in refused.stderr
    assert "waiting for it to finish" in scenario["logs"][3].read_text()


def test_parquet_export_of_the_marts(scenario):
    files = {p.name for p in scenario["parquet"].iterdir()}
    assert {"mrr_by_account_month.parquet", "revenue_kpis_monthly.parquet", "dim_accounts.parquet"} <= files
    assert not [f for f in files if not f.endswith(".parquet")]  # no temporary files left
    n = query(scenario["wh"], f"select count(*) from read_parquet('{scenario['parquet'] / 'mrr_by_account_month.parquet'}')")[0][0]
    assert n == scenario["gens"][2][0]


def test_published_file_is_standalone_and_readable_by_duckdb_1_4(scenario):
    wh = scenario["wh"]
    assert not wh.with_name(wh.name + ".wal").exists()
    assert not list(wh.parent.glob(f".{wh.name}.publishing-*"))
    tags = query(wh, "select tags from duckdb_databases() where database_name = current_database()")[0][0]
    assert tags["storage_version"].startswith("v1.4.0")
    # with an interpreter that has duckdb 1.4.x (optional: REVOPS_TEST_DUCKDB14_PYTHON=/path/to/python)
    py14 = os.environ.get("REVOPS_TEST_DUCKDB14_PYTHON")
    if not py14:
        pytest.skip("set REVOPS_TEST_DUCKDB14_PYTHON to a python with duckdb 1.4.x to also open the file with it")
    out = subprocess.run([py14, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
                                      "print(duckdb.__version__, c.execute('select count(*) from marts.mrr_by_account_month').fetchone()[0])",
                          str(wh)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    version, n = out.stdout.split()
    assert version.startswith("1.4.") and int(n) == scenario["gens"][2][0]


def test_ui_dagster_instance_queues_runs_one_at_a_time(tmp_path, monkeypatch):
    """`revops ui` writes a dagster.yaml that Dagster 1.13 accepts, with one run at a time."""
    from dagster import DagsterInstance

    from orchestration import cli

    home = tmp_path / "dagster_home"
    monkeypatch.setenv("DAGSTER_HOME", str(home))

    class Launched(Exception):
        pass

    def fake_execve(*a, **k):
        raise Launched

    monkeypatch.setattr(os, "execve", fake_execve)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(Launched):
        cli.main(["ui", "--warehouse", str(tmp_path / "w.duckdb")])
    instance = DagsterInstance.from_config(str(home))
    try:
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        assert instance.get_concurrency_config().run_queue_config.max_concurrent_runs == 1
    finally:
        instance.dispose()


def test_publish_replaces_atomically_and_drops_a_stale_wal(tmp_path):
    """Unit level: a WAL left beside the published file by a read-write open (of the old file)
    would break every reader of the new one; publish removes it. Leftovers of a killed publish go."""
    import duckdb

    from orchestration.warehouse import STORAGE_VERSION, ensure_work_db, publish

    work, target = tmp_path / "work" / "warehouse.duckdb", tmp_path / "serve" / "warehouse.duckdb"
    ensure_work_db(work)
    con = duckdb.connect(str(work))
    con.execute("create schema marts; create table marts.t as select 1 as x")
    con.close()
    first = publish(work, target)
    assert not first.compacted and 0.0 <= first.free_fraction < 1.0 and first.seconds > 0  # a fresh file: a byte copy
    # a BI tool opens the published file read-write and leaves a WAL behind
    rw = duckdb.connect(str(target))
    rw.execute("set checkpoint_threshold = '1GB'; create table main.scratch as select 1 as y")
    (tmp_path / "stale.wal").write_bytes(target.with_name(target.name + ".wal").read_bytes())
    rw.close()
    target.with_name(target.name + ".wal").write_bytes((tmp_path / "stale.wal").read_bytes())
    (target.parent / f".{target.name}.publishing-12345").write_bytes(b"half a copy")
    con = duckdb.connect(str(work))
    con.execute("insert into marts.t values (2)")
    con.close()
    publish(work, target)
    assert not target.with_name(target.name + ".wal").exists()
    assert not list(target.parent.glob(".*publishing-*"))
    assert query(target, "select count(*) from marts.t") == [(2,)]
    tags = query(target, "select tags from duckdb_databases() where database_name = current_database()")[0][0]
    assert tags["storage_version"].startswith(STORAGE_VERSION)


def test_publishing_leaves_out_the_free_space_dbt_leaves_in_the_working_database(tmp_path):
    """dbt replaces every table on each build and the working database keeps the freed blocks; a
    byte copy carried them into the published file, which grew from build to build. Publishing
    rewrites the database once much of it is free: the same tables, views, comments and rows in a
    file that stays the size of the first publish."""
    import duckdb

    from orchestration.warehouse import STORAGE_VERSION, ensure_work_db, publish

    work, target = tmp_path / "work" / "warehouse.duckdb", tmp_path / "serve" / "warehouse.duckdb"
    ensure_work_db(work)

    def rebuild():  # what a dbt build does to a table: a new copy, the old one dropped
        con = duckdb.connect(str(work))
        con.execute("create schema if not exists marts")
        con.execute("create table marts.t__dbt_tmp as select range as x, md5(range::varchar) as h from range(600000)")
        con.execute("checkpoint")
        con.execute("drop table marts.t__dbt_tmp")
        con.execute("create or replace table marts.t as select range as x, md5(range::varchar) as h "
                    "from range(300000)")
        con.execute("create or replace view marts.v as select count(*) as n from marts.t")
        con.execute("comment on table marts.t is 'a mart'")
        con.close()

    sizes, done = [], []
    for _ in range(3):
        rebuild()
        done.append(publish(work, target))
        sizes.append(target.stat().st_size)
    assert all(d.compacted and d.free_fraction > 0.3 for d in done), done  # each publish took the rewrite path
    assert work.stat().st_size > 1.5 * sizes[0], (work.stat().st_size, sizes)  # the work file did keep free space
    assert max(sizes) <= 1.05 * sizes[0], sizes
    assert query(target, "select n from marts.v") == [(300000,)]
    assert query(target, "select comment from duckdb_tables() where table_name = 't'") == [("a mart",)]
    tags = query(target, "select tags from duckdb_databases() where database_name = current_database()")[0][0]
    assert tags["storage_version"].startswith(STORAGE_VERSION)


def test_one_build_lock_for_cli_builds_and_ui_steps(tmp_path):
    """A second CLI build is refused (or waits); a UI-launched run waits for the lock (its settings
    resource takes it with wait=True for the whole run)."""
    from orchestration.warehouse import BuildLocked, build_lock

    wh = tmp_path / "warehouse.duckdb"
    holder = subprocess.Popen([sys.executable, "-c",
                               "import sys, time; from pathlib import Path; from orchestration.warehouse import build_lock\n"
                               "with build_lock(Path(sys.argv[1]), work=Path(sys.argv[2])):\n"
                               "    print('locked', flush=True); time.sleep(2)",
                               str(wh), str(tmp_path / "w.duckdb")], cwd=PROJECT, env=_env(), stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(BuildLocked, match="another build of .* is running"):
            with build_lock(wh, work=tmp_path / "w.duckdb"):
                pass
        t0 = time.time()
        with build_lock(wh, wait=True, work=tmp_path / "w.duckdb", holder="Dagster run test"):
            waited = time.time() - t0
        assert waited > 0.5
    finally:
        holder.wait(timeout=30)


def test_dropping_the_tables_a_build_recreates_keeps_the_working_database_compact(tmp_path):
    """Dropped before a whole-project build, the old tables leave their blocks for the new ones:
    the working database ends each rebuild with little free space, so publishing is a byte copy
    (not the slow rewrite) and the published file still keeps the size of the first publish."""
    import duckdb

    from orchestration.warehouse import COMPACT_FREE_FRACTION, drop_rebuilt_tables, ensure_work_db, publish

    work, target = tmp_path / "work" / "warehouse.duckdb", tmp_path / "serve" / "warehouse.duckdb"
    ensure_work_db(work)
    con = duckdb.connect(str(work))
    con.execute("create schema raw; create table raw.kept as select range as x from range(100000)")
    con.close()

    def rebuild():  # dbt's table materialization when the table is not there: a new table, renamed
        con = duckdb.connect(str(work))
        con.execute("create schema if not exists marts")
        for t in ("a", "b"):
            con.execute(f"create table marts.{t}__dbt_tmp as select range as x, md5(range::varchar) as h "
                        "from range(300000)")
            con.execute(f"alter table marts.{t}__dbt_tmp rename to {t}")
        con.execute("create or replace view marts.v as select count(*) as n from marts.a")
        con.close()

    sizes, done = [], []
    for i in range(3):
        dropped = drop_rebuilt_tables(work, [("marts", "a"), ("marts", "b"), ("marts", "never_built")])
        assert dropped == (0 if i == 0 else 2)
        rebuild()
        done.append(publish(work, target))
        sizes.append(target.stat().st_size)
    assert not any(d.compacted for d in done), done
    assert all(d.free_fraction <= COMPACT_FREE_FRACTION for d in done), done
    assert max(sizes) <= 1.05 * sizes[0], sizes
    assert query(target, "select n from marts.v") == [(300000,)]
    assert query(target, "select count(*) from raw.kept") == [(100000,)]  # what dbt does not build stays


def test_a_whole_build_drops_only_the_seeds_and_table_models_it_recreates():
    """Pure function over the manifest: views and incremental models (which keep their rows) are
    left, and so is anything dbt does not build (raw, audit, steward tables are not nodes)."""
    from orchestration.assets.dbt import _table_relations

    def node(kind, name, schema, materialized=None, alias=None):
        return {"resource_type": kind, "name": name, "schema": schema, "alias": alias,
                "config": {"materialized": materialized} if materialized else {}}

    manifest = {"nodes": {
        "seed.p.currencies": node("seed", "currencies", "seeds"),
        "model.p.stg_a": node("model", "stg_a", "staging", "table"),
        "model.p.mrr": node("model", "mrr", "marts", "table", alias="mrr_monthly"),
        "model.p.v": node("model", "v", "marts", "view"),
        "model.p.inc": node("model", "inc", "intermediate", "incremental"),
        "test.p.unique_x": node("test", "unique_x", "checks", "test"),
    }}
    assert sorted(_table_relations(manifest)) == [("marts", "mrr_monthly"), ("seeds", "currencies"),
                                                  ("staging", "stg_a")]
