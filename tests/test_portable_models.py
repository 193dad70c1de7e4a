"""Models hold no engine-specific SQL (issue 13, decision 127): every construct that DuckDB and
Spark spell differently goes through a dispatched macro in macros/ (dialect.sql, parsing.sql),
so the same models can run on either engine. A pure check of the files: no warehouse needed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# DuckDB spellings with another spelling (or none) on Spark, each with the macro to use instead.
DUCKDB_ONLY = {
    r"\bepoch\s*\(": "epoch_seconds",
    r"\bto_(days|months|years)\s*\(": "date_add_days / date_add_months / timestamp_add_*",
    r"\binterval\s+'?\d|\binterval\s+'?\{\{|\*\s*interval\b": "date_add_* / timestamp_add_*",
    r"\brange\s*\(|\bgenerate_series\s*\(": "date_series",
    r"\bignore\s+nulls\b": "last_value_ignore_nulls / first_value_ignore_nulls",
    r"\bstring_agg\s*\(|\blistagg\s*\(": "sorted_string_agg",
    r"\bdate_?diff\s*\(\s*'month'": "month_diff",
    r"\bprintf\s*\(|\bformat\s*\(": "format_fixed",
    r"\bstrftime\s*\(|\bstrptime\s*\(": "iso_date_text",
    r"\bisodow\s*\(|\bdayofweek\s*\(": "iso_weekday",
    r"\bjson_\w+\s*\(|\bget_json_object\s*\(|->>": "json_str / json_strs / json_value / json_has_value",
    r"\bunnest\s*\(|\bexplode\s*\(": "unnest_list",
    r"\blist_\w+\s*\(": "a dispatched macro",
    r"\bregexp_full_match\s*\(|\brlike\b": "regexp_full_match",
    r"\bstrip_accents\s*\(": "strip_accents",
    r"\bmake_timestamp\s*\(|\btimestamp_(seconds|millis)\s*\(": "epoch_s_to_timestamp / epoch_ms_to_timestamp",
    r"\barg_(max|min)\s*\(": "max_by / min_by (both engines)",
    r"::": "cast(... as ...)",
    r"\bvarchar\b|\btimestamptz\b|\bhugeint\b": "dbt.type_string() / parse_utc_timestamp",
    r"\bexclude\s*\(|\bunion\s+(all\s+)?by\s+name\b|\b(semi|anti)\s+join\b": "explicit columns / exists",
    r"\bregexp_replace\s*\(": "regexp_replace_all",
    r"\bas\s+json\b": "as_json",
    r"\btimezone\s*\(|\bfrom_utc_timestamp\s*\(": "utc_to_local",
}


def _sql_of(path: Path) -> str:
    """The file's own SQL: comments (Jinja, -- and /* */) and Jinja tags and expressions (macro
    calls, whose SQL the macros hold) blanked, lines kept."""
    text = path.read_text()
    blank = lambda m: re.sub(r"[^\n]", " ", m.group(0))  # noqa: E731
    text = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", blank, text, flags=re.S)
    text = re.sub(r"/\*.*?\*/", blank, text, flags=re.S)
    return re.sub(r"--[^\n]*", blank, text)


def _model_files() -> list[Path]:
    return sorted((ROOT / "models").rglob("*.sql"))


def test_the_check_sees_the_models():
    assert len(_model_files()) >= 40


@pytest.mark.parametrize("pattern", sorted(DUCKDB_ONLY))
def test_no_model_uses_an_engine_specific_construct(pattern):
    found = []
    for path in _model_files():
        for number, line in enumerate(_sql_of(path).splitlines(), start=1):
            if re.search(pattern, line, flags=re.I):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, f"use {DUCKDB_ONLY[pattern]} (macros/dialect.sql) instead:\n" + "\n".join(found)


def test_the_patterns_catch_what_they_name():
    """Each pattern finds the construct it stands for (a pattern that matches nothing proves nothing)."""
    samples = {
        r"\bepoch\s*\(": "epoch(ts)", r"\bto_(days|months|years)\s*\(": "ts - to_months(1)",
        r"\binterval\s+'?\d|\binterval\s+'?\{\{|\*\s*interval\b": "d + interval 1 month",
        r"\brange\s*\(|\bgenerate_series\s*\(": "from range(a, b, c)",
        r"\bignore\s+nulls\b": "last_value(x ignore nulls)", r"\bstring_agg\s*\(|\blistagg\s*\(": "string_agg(x, ',')",
        r"\bdate_?diff\s*\(\s*'month'": "datediff('month', a, b)", r"\bprintf\s*\(|\bformat\s*\(": "printf('%.2f', x)",
        r"\bstrftime\s*\(|\bstrptime\s*\(": "strftime(d, '%Y')", r"\bisodow\s*\(|\bdayofweek\s*\(": "isodow(ts)",
        r"\bjson_\w+\s*\(|\bget_json_object\s*\(|->>": "json_extract(r, '$.a')",
        r"\bunnest\s*\(|\bexplode\s*\(": "unnest(xs)", r"\blist_\w+\s*\(": "list_sum(xs)",
        r"\bregexp_full_match\s*\(|\brlike\b": "regexp_full_match(s, 'a')", r"\bstrip_accents\s*\(": "strip_accents(s)",
        r"\bmake_timestamp\s*\(|\btimestamp_(seconds|millis)\s*\(": "make_timestamp(1)",
        r"\barg_(max|min)\s*\(": "arg_max(a, b)", r"::": "x::date", r"\bvarchar\b|\btimestamptz\b|\bhugeint\b": "cast(x as varchar)",
        r"\bexclude\s*\(|\bunion\s+(all\s+)?by\s+name\b|\b(semi|anti)\s+join\b": "select * exclude (a)",
        r"\bregexp_replace\s*\(": "regexp_replace(s, 'a', 'b', 'g')",
        r"\bas\s+json\b": "cast(x as json)", r"\btimezone\s*\(|\bfrom_utc_timestamp\s*\(": "timezone('UTC', ts)",
    }
    assert set(samples) == set(DUCKDB_ONLY)
    for pattern, sample in samples.items():
        assert re.search(pattern, sample, flags=re.I), pattern
    assert not re.search(r"\bepoch\s*\(", "{{ epoch_seconds('ts') }}")


def test_no_model_uses_dbt_s_dateadd():
    """dbt-spark's dateadd goes through unix seconds and back (to_timestamp), a timestamp with
    the session's zone: date_add_days / date_add_months keep DATE and TIMESTAMP as they are."""
    found = [f"{p.relative_to(ROOT)}" for p in _model_files() if re.search(r"\bdbt\.dateadd\s*\(", p.read_text())]
    assert not found, found
