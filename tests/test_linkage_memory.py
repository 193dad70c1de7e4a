"""Duplicate scoring's own DuckDB is bounded (decision 120): dq_duplicate_candidates gives it half
of dbt's memory limit and a spill folder, and the pairs do not depend on the limit."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from devtools.train_linkage import load_features
from orchestration.dq.linkage import memory_bytes, score


@pytest.mark.parametrize("shown, expected", [
    ("2.0 GiB", 2 << 30), ("512.0 MiB", 512 << 20), ("2147483648B", 2147483648), ("1.5 GB", 1_500_000_000),
    ("16 KiB", 16 << 10),
])
def test_memory_settings_read_as_duckdb_shows_them(shown, expected):
    assert memory_bytes(shown) == expected


def test_what_duckdb_shows_for_the_dbt_default_reads_back_as_that_many_bytes():
    con = duckdb.connect(config={"memory_limit": "2147483648B"})
    assert memory_bytes(con.execute("select current_setting('memory_limit')").fetchone()[0]) == 2147483648


@pytest.mark.parametrize("bad", ["", "lots", "2 parsecs", "GiB"])
def test_a_setting_that_is_no_size_is_an_error_naming_it(bad):
    with pytest.raises(ValueError, match="not a DuckDB memory size"):
        memory_bytes(bad)


def test_the_limit_reaches_scoring_and_leaves_the_pairs_unchanged(generated_warehouse, tmp_path):
    feats = load_features(generated_warehouse)
    assert len(feats) > 1000
    free = score(feats, 0.9)
    bounded = score(feats, 0.9, memory_limit_bytes=64 << 20, spill_to=tmp_path / "spill")
    assert len(free) > 100
    pd.testing.assert_frame_equal(free, bounded)
    # a limit below what DuckDB needs at all fails: the setting is applied, not ignored
    with pytest.raises(Exception, match="Out of Memory Error"):  # splink wraps DuckDB's error
        score(feats, 0.9, memory_limit_bytes=4 << 20, spill_to=tmp_path / "spill")
