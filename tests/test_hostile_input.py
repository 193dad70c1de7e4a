"""Hostile input and faults (issue 8): each numbered failure of the issue, built as its
reproduction describes.

One real `revops build` is shared: the small generated landing folder plus one hostile file of
each kind at the default limits (a gzip holding a 1 GiB field, a zero-byte .gz, names with
undecodable bytes and control characters, links leading outside, binary and nested Parquet
columns). Every hostile file must get its audit row and message, the build must exit 0 without a
traceback, and the marts must equal those of the clean build of the same folder (the loaded
hostile files only restate records already there). Bombs past a limit are shown with lowered
limits on the real loader and DuckDB (quick), and one run at the default limits measures the
memory of a process reading a 1 GiB field.
"""

from __future__ import annotations

import csv
import fcntl
import gzip
import io
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import PROJECT, REVOPS, query, run_cli

AS_OF = "2025-06-30"
A = "crm/Account/"
HEADER = "Id,Name,CreatedDate\n"


def acc(n: int) -> str:
    return f"0010000000{n:05d}AAA"


def row(n: int) -> str:
    return f"{acc(n)},Company {n},2024-01-01T00:00:00.000Z\n"


def field_bomb(path: Path, field_bytes: int) -> None:
    """A .csv.gz whose second line holds one field of ``field_bytes`` (written in pieces, so the
    test itself never holds it)."""
    piece = b"x" * (16 << 20)
    with gzip.GzipFile(path, "wb", compresslevel=1, mtime=0) as gz:
        gz.write(f'{HEADER}{acc(1)},"'.encode())
        left = field_bytes
        while left > 0:
            gz.write(piece[:min(left, len(piece))])
            left -= len(piece)
        gz.write(b'",2024-01-01T00:00:00.000Z\n')


def rows_bomb(path: Path, members: int, rows: int) -> None:
    """Valid rows, expanding far beyond the file's size: ``members`` gzip members, each the same
    ``rows`` rows (the header only in the first), as the issue's 4 GB reproduction."""
    body = "".join(row(i) for i in range(rows)).encode()
    member = gzip.compress(body, compresslevel=9, mtime=0)
    with open(path, "wb") as fh:
        fh.write(gzip.compress(HEADER.encode(), mtime=0))
        for _ in range(members):
            fh.write(member)


def _load(landing: Path, db: Path, limits=None) -> dict:
    """Every object of ``landing`` loaded by the real loader; the load log by file."""
    from orchestration.landing import files, loader
    from orchestration.landing.limits import DEFAULT_LIMITS

    con = loader.connect(db, limits or DEFAULT_LIMITS)
    try:
        for table, todo in files.discover(landing).files.items():
            loader.load_object(con, table, todo, "t", limits or DEFAULT_LIMITS)
        return {r[0]: r[1:] for r in con.execute(
            "select file, status, rows_read, rows_loaded, rows_rejected, message from audit.load_log").fetchall()}
    finally:
        con.close()


# --- 1. bounded reading ---------------------------------------------------------------------------

def test_files_past_a_lowered_limit_are_rejected_naming_the_limit_and_line_and_the_rest_loads(tmp_path):
    from orchestration.landing.limits import ReadLimits

    landing = tmp_path / "landing"
    (landing / A).mkdir(parents=True)
    (landing / "marketing" / "email_events").mkdir(parents=True)
    (landing / A / "2024-01-01_valid.csv").write_text(HEADER + row(1) + row(2))
    rows_bomb(landing / A / "2024-01-02_rows_bomb.csv.gz", members=64, rows=20_000)  # ~60 MB of valid rows
    field_bomb(landing / A / "2024-01-03_field_bomb.csv.gz", 3 << 20)
    # every line and every field is short enough, the record (quoted line breaks) is not
    (landing / A / "2024-01-04_long_record.csv").write_text(
        HEADER + ",".join('"' + "short line\n" * 18_000 + '"' for _ in range(10)) + "\n")
    (landing / A / "2024-01-05_wide_field.csv").write_text(HEADER + f"{acc(5)},{'n' * 300_000},2024-01-01T00:00:00.000Z\n")
    pq.write_table(pa.table({"Id": [acc(6)], "Name": ["p" * 300_000], "CreatedDate": ["2024-01-01T00:00:00.000Z"]}),
                   landing / A / "2024-01-06_long_value.parquet")
    (landing / "marketing" / "email_events" / "2024-01-01_long.jsonl").write_text(
        '{"id":"e1","type":"SENT","recipient":"a@b.co","created":1,"emailCampaignId":1}\n'
        + '{"id":"e2","pad":"' + "j" * 2_000_000 + '"}\n')
    limits = ReadLimits(max_decompressed_bytes=16 << 20, max_line_bytes=1 << 20, max_field_bytes=256 << 10)
    t0 = time.perf_counter()
    log = _load(landing, tmp_path / "w.duckdb", limits)
    assert time.perf_counter() - t0 < 60
    assert log[A + "2024-01-01_valid.csv"][:4] == ("loaded", 2, 2, 0)
    expect = {
        "2024-01-02_rows_bomb.csv.gz": "the file expands to more than 16 MiB (limit max_decompressed_bytes)",
        "2024-01-03_field_bomb.csv.gz": "line 2 is longer than 1 MiB (limit max_line_bytes)",
        "2024-01-04_long_record.csv": "the CSV record starting on line 2 is longer than 1 MiB",
        "2024-01-05_wide_field.csv": "line 2: a field is longer than 256 KiB (limit max_field_bytes)",
        "2024-01-06_long_value.parquet": "row 1, column Name: a field is longer than 256 KiB (limit max_field_bytes)",
    }
    for name, text in expect.items():
        status, read, loaded, rejected, message = log[A + name]
        assert (status, loaded) == ("rejected", 0), (name, log[A + name])
        assert text in message and message.startswith(A + name), message
    # the line named is the one holding the first byte past the limit
    body = "".join(row(i) for i in range(20_000)).encode()
    expanded = (HEADER.encode() + body * 16)[:16 << 20]
    line = expanded.count(b"\n") + 1
    assert f": line {line}: the file expands" in log[A + "2024-01-02_rows_bomb.csv.gz"][4]
    events = log["marketing/email_events/2024-01-01_long.jsonl"]
    assert events[0] == "rejected" and "line 2 is longer than 1 MiB (limit max_line_bytes)" in events[4]


PEAK_SCRIPT = """
import sys
from pathlib import Path
sys.path.insert(0, "tests")
from test_hostile_input import _load
log = _load(Path(sys.argv[1]), Path(sys.argv[2]))
# VmHWM: the high-water mark of this process's own memory (ru_maxrss would not do: Linux carries
# the parent's peak across fork and exec, so a child of a big pytest process reports the parent's)
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(repr(log))
print(hwm)
"""


def _peak_while_loading(landing: Path, db: Path) -> tuple[dict, float]:
    """(load log, peak resident memory in MiB) of a fresh process loading ``landing``."""
    proc = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, str(landing), str(db)], cwd=PROJECT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout.strip().splitlines()
    return eval(out[-2]), int(out[-1]) / 1024


def test_a_one_gib_field_at_the_default_limits_is_rejected_in_bounded_memory(tmp_path):
    """The issue's 4 GB field, at 1 GiB, through each reader that meets it: the CSV first pass
    before DuckDB's reader, the Python CSV reader (a name DuckDB cannot open) and the JSON Lines
    reader. Rejecting it must cost about a chunk of memory, not the 256 MiB line limit (before,
    the Python readers buffered the whole line up to the limit, and copied it). The growth is
    measured against the same process loading only the valid files, so it does not depend on
    the machine's import footprint."""
    from orchestration.landing.limits import DEFAULT_LIMITS

    valid_csv = HEADER + row(1)
    valid_jsonl = '{"id":"e1","type":"SENT","recipient":"a@b.co","created":1,"emailCampaignId":1}\n'
    base, bombs = tmp_path / "base", tmp_path / "bombs"
    for landing in (base, bombs):
        (landing / A).mkdir(parents=True)
        (landing / "marketing" / "email_events").mkdir(parents=True)
        (landing / A / "2024-01-02_valid.csv").write_text(valid_csv)
        (landing / "marketing" / "email_events" / "2024-01-02_valid.jsonl").write_text(valid_jsonl)
    field_bomb(bombs / A / "2024-01-01_field_bomb.csv.gz", 1 << 30)
    shutil.copy(bombs / A / "2024-01-01_field_bomb.csv.gz", bombs / A / "2024-01-01_python[reader].csv.gz")
    with gzip.GzipFile(bombs / "marketing" / "email_events" / "2024-01-01_line_bomb.jsonl.gz", "wb",
                       compresslevel=1, mtime=0) as gz:
        gz.write(valid_jsonl.encode() + b'{"id":"e2","pad":"')
        piece = b"j" * (16 << 20)
        for _ in range((1 << 30) // len(piece)):
            gz.write(piece)
        gz.write(b'"}\n')
    base_log, base_mib = _peak_while_loading(base, tmp_path / "base.duckdb")
    log, peak_mib = _peak_while_loading(bombs, tmp_path / "bombs.duckdb")
    for name in (A + "2024-01-01_field_bomb.csv.gz", A + "2024-01-01_python[reader].csv.gz",
                 "marketing/email_events/2024-01-01_line_bomb.jsonl.gz"):
        assert log[name][0] == "rejected", (name, log[name])
        assert "line 2 is longer than 256 MiB (limit max_line_bytes)" in log[name][4], log[name]
    for name, entry in base_log.items():
        assert log[name] == entry
        assert entry[:4] == ("loaded", 1, 1, 0)
    growth = peak_mib - base_mib
    # the readers hold about three 8 MiB chunks and a 16 MiB line start (files.LONG_LINE_BYTES)
    assert growth < DEFAULT_LIMITS.max_line_bytes / 2**20 / 4, (
        f"peak {peak_mib:.0f} MiB rejecting 1 GiB lines vs {base_mib:.0f} MiB loading only the valid files")


def test_read_limits_are_settings_checked_before_any_work(tmp_path):
    """A malformed or impossible limit ends the CLI at once: exit 2, one line naming the setting,
    the value and what is expected, nothing built."""
    landing = tmp_path / "landing"
    (landing / A).mkdir(parents=True)
    (landing / A / "2024-01-01_valid.csv").write_text(HEADER + row(1))
    wh = tmp_path / "wh" / "warehouse.duckdb"
    for var, value in (("REVOPS_MAX_LINE_BYTES", "lots"), ("REVOPS_MAX_FIELD_BYTES", "0"),
                       ("REVOPS_MAX_DECOMPRESSED_BYTES", "-5GiB"), ("REVOPS_LOADER_MEMORY_BYTES", "1MiB"),
                       ("REVOPS_DBT_MEMORY_BYTES", "2 GB of memory")):
        proc = run_cli("build", "--landing", str(landing), "--warehouse", str(wh), "--as-of", AS_OF,
                       env={var: value}, check=False)
        assert proc.returncode == 2, (var, proc.stdout[-2000:], proc.stderr[-2000:])
        lines = proc.stderr.strip().splitlines()
        assert lines == [f"revops: {var} = {value!r}: expected a size in bytes of at least "
                         f"{'64 MiB' if 'MEMORY' in var else '1 KiB'}, written as a whole number or with a unit "
                         "(e.g. 268435456, 256MiB, 2GB)"], lines
        assert not wh.parent.exists(), "nothing was started"


def test_revops_ui_checks_the_settings_before_starting(tmp_path):
    """The UI's code location reads the same settings: `revops ui` refuses a bad one at once (exit
    2, one line) instead of starting a webserver whose code location cannot load."""
    for env, expected in (({"REVOPS_MAX_LINE_BYTES": "lots"}, "revops: REVOPS_MAX_LINE_BYTES = 'lots': expected a size"),
                          ({"REVOPS_DBT_VARS": '{"gross_margin": "x"}'},
                           'revops: REVOPS_DBT_VARS: dbt var gross_margin is "x"; expected a number from 0 to 1')):
        proc = run_cli("ui", "--port", "3999", env={**env, "DAGSTER_HOME": str(tmp_path / "home")}, check=False,
                       timeout=60)
        assert proc.returncode == 2, (env, proc.stdout[-2000:], proc.stderr[-2000:])
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(expected), lines
        assert "Dagster UI" not in proc.stdout


def test_a_limit_lowered_through_its_setting_rejects_a_file_naming_the_limit(tmp_path):
    """REVOPS_MAX_LINE_BYTES reaches the loader of a real build: the long line's file is rejected
    naming the limit and the line, the rest is built and published."""
    landing = tmp_path / "landing"
    (landing / A).mkdir(parents=True)
    (landing / A / "2024-01-01_valid.csv").write_text(HEADER + row(1) + row(2))
    (landing / A / "2024-01-02_long.csv").write_text(HEADER + row(3) + f"{acc(4)},{'n' * 5000},2024-01-01T00:00:00.000Z\n")
    wh = tmp_path / "wh" / "warehouse.duckdb"
    proc = run_cli("build", "--landing", str(landing), "--warehouse", str(wh), "--as-of", AS_OF, "--quiet",
                   env={"REVOPS_MAX_LINE_BYTES": "4KiB"}, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    log = {r[0]: r[1:] for r in query(wh, "select file, status, rows_loaded, message from audit.load_log")}
    assert log[A + "2024-01-01_valid.csv"][:2] == ("loaded", 2)
    status, loaded, message = log[A + "2024-01-02_long.csv"]
    assert (status, loaded) == ("rejected", 0)
    assert "line 3 is longer than 4 KiB (limit max_line_bytes)" in message
    assert query(wh, "select count(*) from raw.crm_account") == [(2,)]


def test_dbt_gets_a_memory_limit_and_a_spill_folder_beside_the_working_database(tmp_path):
    """dbt's DuckDB is opened with the dbt_memory_bytes limit and spills into the working
    database's folder (the fixed relative path target/work, a link in the folder dbt runs in, so
    the profile never changes between builds of different warehouses and dbt keeps its partial
    parse)."""
    from orchestration.settings import dbt_process_environment

    import datetime as dt
    import yaml

    output = yaml.safe_load((PROJECT / "profiles.yml").read_text())["revops"]["outputs"]["default"]
    config = output["config_options"]
    assert config["memory_limit"].startswith("{{ env_var('REVOPS_DBT_MEMORY_LIMIT'")
    assert output["path"] == "target/work/warehouse.duckdb"
    assert config["temp_directory"] == "target/work/dbt.tmp"
    with dbt_process_environment(dt.date(2025, 6, 30), 512 << 20):
        env = dict(os.environ)
    assert env["REVOPS_DBT_MEMORY_LIMIT"] == f"{512 << 20}B"
    assert "REVOPS_DBT_MEMORY_LIMIT" not in os.environ
    # what dbt's database is then opened with (dbt-duckdb passes config_options to duckdb.connect)
    con = duckdb.connect(config={"memory_limit": env["REVOPS_DBT_MEMORY_LIMIT"],
                                 "temp_directory": str(tmp_path / config["temp_directory"])})
    assert con.execute("select current_setting('memory_limit')").fetchone()[0] == "512.0 MiB"


def test_the_dbt_profile_is_the_same_for_the_parse_and_every_build():
    """dbt hashes the profile's rendered values and starts a full re-parse (~4.5 s) when they
    differ from the saved parse's: every env_var the profile reads must get the same value in the
    prepared parse and in a build of any warehouse, and the paths must not follow the warehouse."""
    import datetime as dt
    import re

    from orchestration.settings import dbt_parse_environment, dbt_process_environment

    text = (PROJECT / "profiles.yml").read_text()
    read = set(re.findall(r"env_var\('(\w+)'", text))
    assert read == {"REVOPS_DBT_MEMORY_LIMIT"}, read
    parse_env = dbt_parse_environment()
    for as_of in (dt.date(2025, 6, 30), dt.date(2024, 1, 31)):
        with dbt_process_environment(as_of):
            build_env = dict(os.environ)
        assert {v: build_env.get(v) for v in read} == {v: parse_env.get(v) for v in read}
    assert "{{" not in text.split("path:")[1].splitlines()[0]
    # a dbt started without the build's environment renders the default: the same spelling
    from orchestration.settings import DEFAULT_DBT_MEMORY_BYTES, dbt_memory_limit

    assert f"env_var('REVOPS_DBT_MEMORY_LIMIT', '{dbt_memory_limit(DEFAULT_DBT_MEMORY_BYTES)}')" in text


def test_no_model_or_macro_reads_an_env_var_while_dbt_parses():
    """dbt re-parses every file whose parse read an env var whose value has since changed: the
    as-of date read through env_var() at parse time cost every build with a new date a re-parse of
    the 15 models that use it. Each env_var() in models/ and macros/ is read at run time only."""
    import re

    unguarded = []
    for path in [*(PROJECT / "models").rglob("*.sql"), *(PROJECT / "macros").rglob("*.sql")]:
        for n, line in enumerate(path.read_text().splitlines(), 1):
            for m in re.finditer(r"env_var\(", line):
                if not re.search(r"\bexecute\s+and\b", line[:m.start()]):
                    unguarded.append(f"{path.relative_to(PROJECT)}:{n}")
    assert unguarded == [], unguarded


# --- the shared build: every hostile file at once, at the default limits ------------------------------

OUTSIDE_ROW = f"{acc(99001)},Outside Corp,2024-01-01T00:00:00.000Z\n"


@pytest.fixture(scope="module")
def hostile(generated_landing, tmp_path_factory):
    """(landing, published warehouse, CLI result) of one build of the generated folder plus one
    hostile file of each kind."""
    base = tmp_path_factory.mktemp("hostile")
    landing = base / "landing"
    shutil.copytree(generated_landing, landing)
    acc_dir = landing / A
    first = sorted(acc_dir.iterdir())[0]
    with open(first, newline="") as fh:
        records = csv.reader(fh)
        header, record = next(records), next(records)
    prefix = first.name.split("_")[0] + "_"  # sorts next to the file the record comes from

    def copy_of_record(line_end: str) -> bytes:
        """The record again: loaded, it changes nothing downstream (line ends differ so the
        copies are not duplicates of each other)."""
        buf = io.StringIO()
        csv.writer(buf, lineterminator=line_end).writerows([header, record])
        return buf.getvalue().encode()

    field_bomb(acc_dir / f"{prefix}zz_field_bomb.csv.gz", 1 << 30)
    (acc_dir / f"{prefix}zz_zero.csv.gz").write_bytes(b"")
    with open(os.fsencode(acc_dir) + f"/{prefix}\xff\xfebytes.csv".encode("latin-1"), "wb") as fh:
        fh.write(copy_of_record("\r\n"))
    (acc_dir / f"{prefix}ctl\x1b[31m\nname.csv").write_bytes(copy_of_record("\n"))
    outside = base / "outside"
    outside.mkdir()
    (outside / "acc.csv").write_text(HEADER + OUTSIDE_ROW)
    os.symlink(outside / "acc.csv", acc_dir / f"{prefix}zz_link_out.csv")
    os.symlink("/etc/passwd", acc_dir / f"{prefix}zz_passwd.csv")
    # an object folder that is a link to a folder outside (only upsell_candidates reads usage_daily)
    shutil.move(landing / "product" / "usage_daily", outside / "usage_daily")
    os.symlink(outside / "usage_daily", landing / "product" / "usage_daily")
    name_col = header.index("Name")
    good = pa.table({h: (pa.array([v.encode()], pa.binary()) if i == name_col else pa.array([v]))
                     for i, (h, v) in enumerate(zip(header, record))})
    pq.write_table(good, acc_dir / f"{prefix}zz_binary_utf8.parquet")
    bad = pa.table({"Id": [acc(99002)], "Name": pa.array([b"\xff\xfebin"], pa.binary()),
                    "CreatedDate": ["2024-01-01T00:00:00.000Z"]})
    pq.write_table(bad, acc_dir / f"{prefix}zz_binary_bad.parquet")
    pq.write_table(pa.table({"Id": [acc(99003)], "Name": pa.array([{"first": "x"}]),
                             "CreatedDate": ["2024-01-01T00:00:00.000Z"]}), acc_dir / f"{prefix}zz_nested.parquet")
    wh = base / "wh" / "warehouse.duckdb"
    proc = run_cli("build", "--landing", str(landing), "--warehouse", str(wh), "--as-of", AS_OF, check=False)
    return landing, wh, proc, prefix, record


@pytest.fixture(scope="module")
def hostile_log(hostile):
    return {r[0]: r[1:] for r in query(hostile[1], "select file, status, rows_read, rows_loaded, rows_rejected, message "
                                                   "from audit.load_log")}


def test_the_build_with_hostile_files_succeeds_without_a_traceback(hostile):
    proc = hostile[2]
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "Built and published" in proc.stdout


def test_the_valid_rest_is_built_and_published_as_in_the_clean_build(hostile, warehouse_for, generated_landing):
    clean = warehouse_for(generated_landing, AS_OF)
    tables = [r[0] for r in query(clean, "select table_name from information_schema.tables where table_schema = 'marts' "
                                         "order by 1")]
    assert "upsell_candidates" in tables
    for t in tables:
        if t == "upsell_candidates":  # needs usage_daily, which the hostile folder links outside
            assert query(hostile[1], "select count(*) from marts.upsell_candidates") == [(0,)]
            continue
        got = query(hostile[1], f'select * from marts."{t}" order by all')
        want = query(clean, f'select * from marts."{t}" order by all')
        assert got == want, t
    assert query(hostile[1], "select count(*) from raw.crm_account where Id in (?, ?, ?)",
                 [acc(99001), acc(99002), acc(99003)]) == [(0,)]


def test_1_a_gzip_holding_a_1_gib_field_is_rejected_at_the_default_line_limit(hostile, hostile_log):
    status, read, loaded, rejected, message = hostile_log[A + hostile[3] + "zz_field_bomb.csv.gz"]
    assert (status, loaded) == ("rejected", 0)
    assert "line 2 is longer than 256 MiB (limit max_line_bytes)" in message


def test_2_names_with_undecodable_bytes_or_control_characters_load_under_a_printable_name(hostile, hostile_log):
    prefix, record = hostile[3], hostile[4]
    for name in (f"{prefix}\\xff\\xfebytes.csv", f"{prefix}ctl\\x1b[31m\\x0aname.csv"):
        assert hostile_log[A + name][:4] == ("loaded", 1, 1, 0), name
        assert query(hostile[1], "select Id from raw.crm_account where _source_file = ?", [A + name]) == [(record[0],)]
    assert all(ch.isprintable() for f in hostile_log for ch in f)


def test_3_links_leading_outside_the_landing_folder_are_not_read(hostile, hostile_log):
    prefix = hostile[3]
    for name, target in (("zz_link_out.csv", "outside/acc.csv"), ("zz_passwd.csv", "/etc/passwd")):
        status, read, loaded, rejected, message = hostile_log[A + prefix + name]
        assert (status, read, loaded) == ("rejected", 0, 0)
        assert "is a symbolic link to" in message and target in message and "outside the landing folder" in message
    status, read, loaded, _, message = hostile_log["product/usage_daily"]
    assert (status, read) == ("rejected", 0) and "nothing under it is read" in message
    assert "outside/usage_daily, outside the landing folder" in message
    assert query(hostile[1], "select count(*) from raw.product_usage_daily") == [(0,)]
    assert not [f for f in hostile_log if f.startswith("product/usage_daily/")]


def test_4_broken_gzip_and_parquet_columns_that_cannot_hold_text(hostile, hostile_log):
    prefix = hostile[3]
    status, *_, message = hostile_log[A + prefix + "zz_zero.csv.gz"]
    assert status == "rejected" and "not a readable gzip file: it is empty (0 bytes)" in message
    status, *_, message = hostile_log[A + prefix + "zz_binary_bad.parquet"]
    assert status == "rejected" and "row 1, column Name: the column is binary and this value is not UTF-8" in message
    status, *_, message = hostile_log[A + prefix + "zz_nested.parquet"]
    assert status == "rejected" and "column Name has the nested Parquet type" in message
    assert hostile_log[A + prefix + "zz_binary_utf8.parquet"][:4] == ("loaded", 1, 1, 0)
    name = query(hostile[1], "select Name from raw.crm_account where _source_file = ?", [A + prefix + "zz_binary_utf8.parquet"])
    assert name == [(hostile[4][3],)]


def test_2_printable_names_map_back_to_their_bytes():
    from orchestration.landing.files import display_name

    assert display_name("2025-07-05_Account.csv") == "2025-07-05_Account.csv"
    assert display_name(os.fsdecode(b"a\xff\xfeb.csv")) == "a\\xff\\xfeb.csv"
    assert display_name("a\nb\x1b\u202ec.csv") == "a\\x0ab\\x1b\\u202ec.csv"
    assert display_name("Ünïcødé – ok.csv") == "Ünïcødé – ok.csv"
    # a literal backslash cannot be mistaken for an escape
    assert display_name("a\\xff.csv") == "a\\\\xff.csv" != display_name(os.fsdecode(b"a\xff.csv"))


# --- 5. dbt vars -------------------------------------------------------------------------------------

def test_5_dbt_vars_are_checked_by_type_and_range():
    import yaml

    from orchestration.validation import DBT_VARS, validate_dbt_vars

    declared = yaml.safe_load((PROJECT / "dbt_project.yml").read_text())["vars"]
    assert set(DBT_VARS) == set(declared)
    assert validate_dbt_vars({k: v for k, v in declared.items()}) == []
    assert validate_dbt_vars({"gross_margin": 0.75, "cac_lag_months": 3, "reporting_currency": "eur",
                              "as_of_date": "2024-02-29"}) == []
    assert validate_dbt_vars({"gross_margin": "x"}) == ['dbt var gross_margin is "x"; expected a number from 0 to 1']
    bad = {"gross_margin": 1.5, "cac_lag_months": 1.5, "reporting_currency": "US'D", "as_of_date": "2023-02-29",
           "dunning_days": True, "grossmargin": 0.7}
    problems = validate_dbt_vars(bad)
    assert len(problems) == len(bad)
    for name, value in bad.items():
        assert any(name in p and (str(value) in p or repr(value) in p) for p in problems), name
    assert "unknown dbt var 'grossmargin'" in " ".join(problems)
    assert validate_dbt_vars(["x"]) and validate_dbt_vars({"contract_tolerance": float("nan")})


def test_5_a_bad_dbt_var_fails_dbt_compilation_naming_the_var_not_a_binder_error(tmp_path):
    from orchestration.dbt_child import wrapper_path

    for value, text in (('{"gross_margin": "x"}', 'dbt var gross_margin is "x"; expected a number from 0 to 1'),
                        ('{"as_of_date": "2024-06-30\'); drop table x; --"}', "dbt var as_of_date is")):
        proc = subprocess.run([wrapper_path(), "parse", "--quiet", "--target-path", str(tmp_path / "target"),
                               "--profiles-dir", str(PROJECT), "--vars", value],
                              cwd=PROJECT, capture_output=True, text=True, timeout=300)
        assert proc.returncode != 0
        assert "Compilation Error" in proc.stdout and text in proc.stdout, proc.stdout[-2000:]


# --- 6. no orphans: a dbt that outlives its build is seen, whatever the timing -----------------------

def _hold_running_lock(work: Path) -> subprocess.Popen:
    """A process holding the lock a running dbt holds (dbt_child.py), as the dbt of a killed build
    would if it had survived."""
    from orchestration.dbt_child import RUNNING_LOCK

    work.mkdir(parents=True, exist_ok=True)
    code = (f"import fcntl, os, sys, time; fh = open({str(work / RUNNING_LOCK)!r}, 'a+'); "
            "fcntl.flock(fh, fcntl.LOCK_EX); fh.truncate(0); fh.write(f'pid {os.getpid()}'); fh.flush(); "
            "print('held', flush=True); sys.stdin.read()")
    holder = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_6_a_build_refuses_while_a_dbt_of_an_earlier_build_runs_and_waits_with_wait(tmp_path):
    from orchestration.settings import work_db_for
    from orchestration.warehouse import build_lock

    wh = tmp_path / "warehouse.duckdb"
    holder = _hold_running_lock(work_db_for(wh).parent)
    try:
        proc = run_cli("build", "--landing", str(tmp_path), "--warehouse", str(wh), "--as-of", AS_OF, check=False)
        assert proc.returncode == 3, proc.stderr[-2000:]
        assert f"is still open in process {holder.pid} (dbt)" in proc.stderr and "--wait" in proc.stderr
        assert "Traceback" not in proc.stderr
        entered = threading.Event()

        def build():
            with build_lock(wh, wait=True):
                entered.set()

        t = threading.Thread(target=build)
        t.start()
        time.sleep(1.5)
        assert not entered.is_set(), "waits while the dbt runs"
        holder.stdin.close()
        holder.wait(timeout=10)
        t.join(timeout=10)
        assert entered.is_set(), "goes on once it is gone"
    finally:
        holder.kill()
        holder.wait()


def _orphan_survives(die_with_parent: bool) -> bool:
    """Start parent -> child, SIGKILL the parent: does the child outlive it?"""
    setup = "from orchestration.dbt_child import _die_with_parent; _die_with_parent(); " if die_with_parent else ""
    child_code = f"import time; {setup}print('ready', flush=True); time.sleep(60)"
    code = ("import subprocess, sys, time; "
            f"c = subprocess.Popen([sys.executable, '-c', {child_code!r}], stdout=subprocess.PIPE, text=True); "
            "c.stdout.readline(); print(c.pid, flush=True); time.sleep(60)")
    parent = subprocess.Popen([sys.executable, "-c", code], cwd=PROJECT, stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    deadline = time.time() + 5
    while time.time() < deadline:
        try:
            state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        if state == "Z":
            return False
        time.sleep(0.05)
    os.kill(child, 9)
    return True


def test_6_the_dbt_wrapper_makes_its_process_die_with_its_parent():
    """What revops-dbt does before it becomes dbt (the kill test shows it with the real dbt)."""
    from orchestration.dbt_child import wrapper_path

    assert wrapper_path().endswith("revops-dbt"), "revops-dbt is not installed: run make setup"
    assert _orphan_survives(die_with_parent=False), "without it a child outlives a killed parent"
    assert not _orphan_survives(die_with_parent=True)
