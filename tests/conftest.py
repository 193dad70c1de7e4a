"""Shared fixtures: warehouses built once per test session through the real CLI.

Building is the expensive part (Dagster + dbt start-up, a full `dbt build`), so each distinct
(landing folder, as_of) is built once and shared by every test that asks for it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import pytest

from devtools.ui_process import free_port, wait_for_http  # noqa: F401 (tests import them from here)

PROJECT = Path(__file__).resolve().parents[1]
REVOPS = Path(sys.executable).with_name("revops")
SCENARIOS = PROJECT / "tests" / "scenarios"
# Browser tests write a screenshot of every page they look at here (git-ignored).
SCREENSHOTS = PROJECT / "test-output" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package: `make test` installs it when missing

# Every build of the session records its runs in one throw-away Dagster instance, not in the
# project's data/dagster_home (a test that needs its own sets DAGSTER_HOME itself). Under
# pytest-xdist (`make test` runs two workers) each worker gets its own: a worker inherits the
# environment of the controller, which has loaded this file too.
_OWN_HOME = "REVOPS_TEST_OWN_DAGSTER_HOME"  # REVOPS_*: run_cli keeps it from the CLI it starts
if "DAGSTER_HOME" not in os.environ or os.environ.get(_OWN_HOME) not in (None, os.environ.get("PYTEST_XDIST_WORKER", "")):
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    os.environ["DAGSTER_HOME"] = tempfile.mkdtemp(prefix=f"revops-test-dagster-{worker}")
    os.environ[_OWN_HOME] = worker


def run_cli(*args: str, env: dict | None = None, check: bool = True, timeout: int = 900) -> subprocess.CompletedProcess:
    """Run the installed `revops` CLI as a user would, capturing its output."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("REVOPS_")}
    full_env.update(env or {})
    proc = subprocess.run([str(REVOPS), *args], cwd=PROJECT, env=full_env, capture_output=True, text=True,
                          timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"revops {' '.join(args)} exited {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}")
    return proc


@contextlib.contextmanager
def _made_once(tmp_path_factory, key: str):
    """A folder for ``key`` shared by every worker of the session (pytest-xdist runs two), made by
    the first worker that asks: yields (folder, True) to that worker, which fills it, and
    (folder, False) to every later one, which reuses it. A worker that asks while another fills
    it waits; a failed fill leaves no mark, so the next one tries again and fails the same way."""
    base = tmp_path_factory.getbasetemp()
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared"
    root.mkdir(parents=True, exist_ok=True)
    folder = root / hashlib.sha256(key.encode()).hexdigest()[:16]
    with open(f"{folder}.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = Path(f"{folder}.done")
        if done.exists():
            yield folder, False
            return
        shutil.rmtree(folder, ignore_errors=True)  # what a failed fill left
        folder.mkdir()
        yield folder, True
        done.write_text(key)


@pytest.fixture(scope="session")
def warehouse_for(tmp_path_factory):
    """Factory: warehouse_for(landing_dir, as_of) -> path of the published DuckDB file, built once
    per session (across workers) for each (landing, as_of)."""

    def _build(landing: Path, as_of: str) -> Path:
        key = (str(Path(landing).resolve()), as_of)
        with _made_once(tmp_path_factory, f"warehouse {key}") as (folder, first):
            out = folder / "warehouse.duckdb"
            if first:
                run_cli("build", "--landing", key[0], "--warehouse", str(out), "--as-of", as_of, "--quiet")
        return out

    return _build


def copy_of_warehouse(built: Path, folder: Path) -> Path:
    """A private copy of a warehouse that warehouse_for built, with its working database, in a new
    ``folder``: a test that builds on top of it starts from that build without running it again."""
    shutil.copytree(built.parent, folder, symlinks=True)
    return folder / built.name


@pytest.fixture(scope="session")
def generated_landing(tmp_path_factory) -> Path:
    """Sample data at a small size, generated once per session through the CLI."""
    with _made_once(tmp_path_factory, "generated landing 300 7 2025-06-30") as (folder, first):
        out = folder / "landing"
        if first:
            run_cli("generate", "--accounts", "300", "--seed", "7", "--end-date", "2025-06-30", "--out", str(out))
    return out


@pytest.fixture(scope="session")
def generated_warehouse(warehouse_for, generated_landing) -> Path:
    return warehouse_for(generated_landing, "2025-06-30")


def query(db: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="session")
def app_for():
    """Factory: app_for(warehouse, landing) -> base URL of a `revops app` started through the
    real CLI on a free port of 127.0.0.1 (one per (warehouse, landing), stopped at the end)."""
    running: dict[tuple[str, str], tuple[subprocess.Popen, str]] = {}

    def _start(warehouse: Path, landing: Path, steward: str = "test-steward") -> str:
        key = (str(warehouse), str(landing))
        if key not in running:
            port = free_port()
            env = {k: v for k, v in os.environ.items() if not k.startswith("REVOPS_")}
            log = open(Path(tempfile.mkdtemp(prefix="revops-app-")) / "app.log", "w")
            proc = subprocess.Popen([str(REVOPS), "app", "--warehouse", str(warehouse), "--landing", str(landing),
                                     "--port", str(port), "--steward", steward],
                                    cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT)
            url = f"http://127.0.0.1:{port}"
            running[key] = (proc, url)
            wait_for_http(url + "/", proc)
        return running[key][1]

    yield _start
    for proc, _ in running.values():
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (Debian's, driven by Playwright) for the session's browser tests."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: `make test` installs Debian's chromium package"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            yield b
        finally:
            b.close()


# The files that run several builds of their own, longest first: with `--dist loadfile
# --no-loadscope-reorder` (Makefile) the two workers start on them, and the short files fill in
# at the end, instead of one worker starting a three-minute file when the other has finished.
# The second one needs no sample warehouse: the first worker builds it meanwhile.
LONG_FILES_FIRST = ("test_publish.py", "test_one_build_everywhere.py", "test_ingest_kill.py", "test_hostile_input.py",
                    "test_generated_warehouse.py", "test_expectations.py", "test_steward_grid.py", "test_export.py",
                    "test_ingest_corpus.py")


def pytest_collection_modifyitems(items):
    rank = {name: i for i, name in enumerate(LONG_FILES_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest keep their order
