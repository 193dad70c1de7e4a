"""A build killed with SIGKILL at any point, then re-run, ends exactly where a clean build ends.

One sequence on one warehouse, each step a real `revops build` process:
1. killed inside ingestion, between the raw insert and the commit of a file (fault point);
2. re-run, killed from outside while dbt runs: its dbt child dies with it (no orphan);
3. re-run at once: nothing is left holding the working database, so it completes and publishes;
4. re-run killed inside publishing, after the copy and before the rename (fault point): the
   published file is still the previous one;
5. re-run: completes.
After every kill the working database is consistent (each file wholly loaded or not at all);
after 3 and 5 the warehouse equals the clean build of the same folder (shared fixture).
A dbt that does outlive its build (started some other way) makes a new build refuse or wait:
tests/test_hostile_input.py.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from conftest import PROJECT, REVOPS, query

AS_OF = "2025-06-30"


@pytest.fixture(scope="module")
def landing(generated_landing) -> Path:
    return generated_landing


@pytest.fixture(scope="module")
def clean(warehouse_for, landing) -> Path:
    return warehouse_for(landing, AS_OF)


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVOPS_")}
    env.update(extra)
    return env


def _start(landing: Path, wh: Path, *args: str, log: Path, **env) -> subprocess.Popen:
    fh = open(log, "w")
    return subprocess.Popen([str(REVOPS), "build", "--landing", str(landing), "--warehouse", str(wh), "--as-of", AS_OF, *args],
                            cwd=PROJECT, env=_env(**env), stdout=subprocess.DEVNULL, stderr=fh, text=True)


def _children(pid: int) -> list[int]:
    kids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(d.name))
    return kids


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _work(wh: Path) -> Path:
    from orchestration.settings import work_db_for

    return work_db_for(wh)


def assert_consistent(work: Path) -> None:
    """Every logged file has exactly its rows_loaded rows in raw; nothing in raw is unlogged."""
    from orchestration.landing.contract import OBJECTS

    con = duckdb.connect(str(work), read_only=True)
    try:
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables where table_schema = 'raw'").fetchall()}
        logged = {}
        for file, obj, status, loaded, n in con.execute(
                "select file, object, status, rows_loaded, count(*) over (partition by file) from audit.load_log").fetchall():
            assert n == 1, f"{file} logged {n} times"
            logged[file] = (obj, status, loaded)
        for obj in OBJECTS:
            if obj.table not in tables:
                continue
            per_file = dict(con.execute(f"select _source_file, count(*) from raw.{obj.table} group by 1").fetchall())
            for file, count in per_file.items():
                assert file in logged, f"raw.{obj.table} has {count} rows of unlogged {file}"
                assert logged[file][1] == "loaded" and logged[file][2] == count, (file, logged[file], count)
            for file, (o, status, loaded) in logged.items():
                if o == obj.folder and status == "loaded":
                    assert per_file.get(file, 0) == loaded, file
        for (file,) in con.execute("select distinct file from audit.rejected_rows").fetchall():
            assert file in logged, file
    finally:
        con.close()


def snapshot(db: Path) -> dict:
    """What must be equal to a clean build: audit (without run ids and times), raw contents
    (without lineage of the run), row counts of every relation, and the whole MRR table."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        snap = {
            "load_log": sorted(con.execute("select file, object, content_hash, rows_read, rows_loaded, rows_rejected, status, "
                                           "message from audit.load_log").fetchall()),
            "rejected_rows": sorted(con.execute("select file, line, column_name, value, reason from audit.rejected_rows").fetchall()),
            "mrr": con.execute("select * from marts.mrr_by_account_month order by all").fetchall(),
        }
        for schema, name in con.execute("select table_schema, table_name from information_schema.tables "
                                        "where table_schema in ('raw', 'staging', 'intermediate', 'marts', 'seeds') "
                                        "and table_name not like '%__dbt_%'").fetchall():
            snap[f"count {schema}.{name}"] = con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
            if schema == "raw":
                snap[f"rows {name}"] = sorted(map(repr, con.execute(
                    f'select * exclude (_load_id, _loaded_at) from raw."{name}"').fetchall()))
        return snap
    finally:
        con.close()


def assert_same(db: Path, clean: Path) -> None:
    got, want = snapshot(db), snapshot(clean)
    assert got.keys() == want.keys()
    diff = [k for k in want if got[k] != want[k]]
    assert not diff, diff
    assert want["mrr"], "the clean build has MRR rows to compare"


def test_killed_builds_recover_to_exactly_the_clean_result(landing, clean, tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    work = _work(wh)

    # 1. SIGKILL inside the 5th file's transaction (raw rows inserted, not committed)
    p = _start(landing, wh, log=tmp_path / "1.log", REVOPS_FAULT_POINT="ingest:before-commit:5")
    assert p.wait(timeout=300) == -signal.SIGKILL
    assert not wh.exists()
    assert_consistent(work)
    logged = query(work, "select count(*) from audit.load_log")[0][0]
    assert logged == 4, "files 1-4 committed, the 5th rolled back"

    # 2. SIGKILL from outside while `dbt build` (a child process) writes the working database
    p = _start(landing, wh, log=tmp_path / "2.log")
    deadline = time.time() + 300
    while not (orphans := [k for k in _children(p.pid) if "dbt build" in _cmdline(k)]):
        assert p.poll() is None and time.time() < deadline, (tmp_path / "2.log").read_text()
        time.sleep(0.1)
    time.sleep(4)  # some models built, others not
    os.kill(p.pid, signal.SIGKILL)
    assert p.wait(timeout=30) == -signal.SIGKILL
    assert not wh.exists()
    # the kernel kills dbt as its parent dies (dbt_child.py); give it a moment to exit
    deadline = time.time() + 10
    while any(_alive(k) for k in orphans) and time.time() < deadline:
        time.sleep(0.05)
    assert not any(_alive(k) for k in orphans), [_cmdline(k) for k in orphans]

    # 3. an immediate re-run (no --wait) finds nothing holding the working database: completes
    p = _start(landing, wh, log=tmp_path / "3.log")
    assert p.wait(timeout=600) == 0, (tmp_path / "3.log").read_text()[-3000:]
    assert_consistent(work)
    assert_same(wh, clean)
    published = hashlib.sha256(wh.read_bytes()).hexdigest()

    # 4. SIGKILL after the copy, before the rename: the published file is still the last good one
    # (--force: nothing is new, and a build with nothing new would not reach the publish step)
    p = _start(landing, wh, "--force", log=tmp_path / "4.log", REVOPS_FAULT_POINT="publish:before-rename")
    assert p.wait(timeout=600) == -signal.SIGKILL
    assert hashlib.sha256(wh.read_bytes()).hexdigest() == published
    leftovers = list(tmp_path.glob(".warehouse.duckdb.publishing-*"))
    assert leftovers, "the half-published copy is left for the next build to remove"
    assert query(wh, "select count(*) from marts.mrr_by_account_month")[0][0] > 0

    # 5. re-run: completes, removes the leftover, same result as a clean build (nothing is new
    # since build 3, whose file is published: the run skips dbt, and still removes the leftover)
    p = _start(landing, wh, log=tmp_path / "5.log")
    assert p.wait(timeout=600) == 0, (tmp_path / "5.log").read_text()[-3000:]
    assert not list(tmp_path.glob(".warehouse.duckdb.publishing-*"))
    assert_consistent(work)
    assert_same(wh, clean)
    # re-runs loaded nothing twice
    assert query(work, "select count(*) from audit.load_log") == query(clean, "select count(*) from audit.load_log")
