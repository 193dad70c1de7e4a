"""The fingerprint a build with nothing new is recognised by (orchestration/build_inputs.py):
pure tests on a small DuckDB file, no build. That such a build then skips dbt and keeps the
published file is tested end to end in test_generated_warehouse.py; that a new landing file is
built and published, in test_publish.py."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration import build_inputs

AS_OF = dt.date(2025, 6, 30)


def _work(path: Path, files: list[tuple[str, str]]) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema if not exists audit")
    con.execute("create or replace table audit.load_log (file varchar, object varchar, content_hash varchar, "
                "rows_read bigint, rows_loaded bigint, rows_rejected bigint, status varchar, message varchar, "
                "load_id varchar, loaded_at timestamp)")
    for f, h in files:
        con.execute("insert into audit.load_log values (?, 'crm/Account', ?, 2, 2, 0, 'loaded', null, 'run-1', now())",
                    [f, h])
    con.close()
    return path


def _fp(work: Path, **overrides) -> str:
    settings = {"as_of": AS_OF, "dbt_vars": {}, "strict": False, "export_parquet": ""} | overrides
    return build_inputs.fingerprint(work, **settings)


def test_the_fingerprint_changes_with_every_input_and_nothing_else(tmp_path):
    work = _work(tmp_path / "w.duckdb", [("crm/Account/a.csv", "h1")])
    base = _fp(work)
    assert _fp(work) == base  # stable
    assert _fp(work, as_of=dt.date(2025, 7, 1)) != base
    assert _fp(work, dbt_vars={"gross_margin": 0.75}) != base
    assert _fp(work, dbt_vars={"a": 1, "b": 2}) == _fp(work, dbt_vars={"b": 2, "a": 1})
    assert _fp(work, strict=True) != base
    assert _fp(work, export_parquet="/tmp/x") != base
    more = _work(tmp_path / "more.duckdb", [("crm/Account/a.csv", "h1"), ("crm/Account/b.csv", "h2")])
    assert _fp(more) != base  # a new loaded file
    changed = _work(tmp_path / "changed.duckdb", [("crm/Account/a.csv", "h9")])
    assert _fp(changed) != base  # the same file name with new content


def test_the_code_digest_follows_models_macros_seeds_and_python_but_not_tests(tmp_path):
    root = tmp_path / "project"
    for name in ("models/m.sql", "macros/x.sql", "seeds/s.csv", "orchestration/a.py", "tests/t.py", "docs/d.md"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("1")
    base = build_inputs.code_digest(root)
    for name in ("tests/t.py", "docs/d.md"):
        (root / name).write_text("2")
        assert build_inputs.code_digest(root) == base, name
    for name in ("models/m.sql", "macros/x.sql", "seeds/s.csv", "orchestration/a.py"):
        (root / name).write_text("2")
        changed = build_inputs.code_digest(root)
        assert changed != base, name
        base = changed
    (root / "models" / "new.sql").write_text("select 1")
    assert build_inputs.code_digest(root) != base


def test_a_build_is_unchanged_only_when_both_files_hold_the_same_record_of_these_inputs(tmp_path):
    work = _work(tmp_path / "work.duckdb", [("crm/Account/a.csv", "h1")])
    published = tmp_path / "published.duckdb"
    fp = _fp(work)
    assert build_inputs.unchanged_since(work, published, fp) is None  # nothing published yet
    build_inputs.record(work, fp, "run-1", "code")
    assert build_inputs.unchanged_since(work, published, fp) is None
    shutil.copyfile(work, published)  # what publishing does
    assert build_inputs.unchanged_since(work, published, fp) == "run-1"
    assert build_inputs.unchanged_since(work, published, _fp(work, strict=True)) is None
    # a dbt run that starts forgets the record first: if it fails, nothing is skipped next time
    build_inputs.forget(work)
    assert build_inputs.unchanged_since(work, published, fp) is None
    # a build whose checks blocked the publish: the working database is newer than the file
    build_inputs.record(work, _fp(work, as_of=dt.date(2025, 7, 1)), "run-2", "code")
    assert build_inputs.unchanged_since(work, published, _fp(work, as_of=dt.date(2025, 7, 1))) is None


@pytest.mark.parametrize("content", [b"", b"not a duckdb file"])
def test_an_unreadable_published_file_is_never_taken_as_current(tmp_path, content):
    work = _work(tmp_path / "work.duckdb", [("crm/Account/a.csv", "h1")])
    fp = _fp(work)
    build_inputs.record(work, fp, "run-1", "code")
    published = tmp_path / "published.duckdb"
    published.write_bytes(content)
    assert build_inputs.unchanged_since(work, published, fp) is None
