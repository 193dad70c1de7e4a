"""Bad and awkward landing files (tests/corpus/landing, written by tests/corpus/make_corpus.py).

The corpus is built once through the real CLI. Every file must get exactly the audit row stated
below, every quarantined row must be named by file, line, column and value, and the valid rows
of the same files must reach raw and staging. Strict mode must refuse to publish.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from pathlib import Path

import duckdb
import pytest

from conftest import PROJECT, query, run_cli

CORPUS = PROJECT / "tests" / "corpus" / "landing"
AS_OF = "2024-06-30"
A = "crm/Account/"


def acc(n: int) -> str:
    return f"0010000000{n:05d}AAA"


# file -> (status, rows_read, rows_loaded, rows_rejected, text the message must contain)
EXPECTED = {
    A + "2024-01-01_bom_crlf_quoted.csv": ("loaded", 4, 4, 0, ""),
    A + "2024-01-02_bad_values.csv": ("loaded", 10, 2, 8, "8 row(s) rejected"),
    A + "2024-01-03_extra_columns.csv": ("loaded", 2, 2, 0, ""),
    A + "2024-01-04_repeated_record.csv": ("loaded", 3, 3, 0, ""),
    A + "2024-01-05_copy_of_bom_crlf.csv": ("skipped_duplicate", 0, 0, 0, "same content as crm/Account/2024-01-01_bom_crlf_quoted.csv"),
    A + "2024-01-06_latin1.csv": ("rejected", 0, 0, 0, "not UTF-8: line 2 holds byte 0xe9"),
    A + "2024-01-07_missing_required.csv": ("rejected", 2, 0, 2, "missing required column(s) CreatedDate"),
    A + "2024-01-08_empty.csv": ("empty", 0, 0, 0, "no data rows"),
    A + "2024-01-09_header_only.csv": ("empty", 0, 0, 0, "no data rows"),
    A + "2024-01-10_long_fields.csv.gz": ("loaded", 2, 2, 0, ""),
    A + "2024-01-11_truncated.csv.gz": ("rejected", 0, 0, 0, "not a readable gzip file"),
    A + "2024-01-12_utf16.csv": ("rejected", 0, 0, 0, "UTF-16"),
    A + "2024-01-13_lowercase_header.csv": ("rejected", 1, 0, 1, "Id (found 'id': column names are case-sensitive)"),
    A + "2024-01-14_unclosed_quote.csv": ("loaded", 2, 1, 1, "1 row(s) rejected"),
    A + "2024-01-15_blank_lines_and_nul.csv": ("loaded", 3, 2, 1, "1 row(s) rejected"),
    A + "2024-01-16_typed.parquet": ("loaded", 2, 2, 0, ""),
    A + "2024-01-17_not_really.parquet": ("rejected", 0, 0, 0, "not a readable Parquet file"),
    "marketing/email_events/2024-01-01_events.jsonl": ("loaded", 11, 5, 6, "6 row(s) rejected"),
    "marketing/email_events/2024-01-02_events.jsonl.gz": ("loaded", 2, 2, 0, ""),
    "marketing/email_events/2024-01-03_not_json.jsonl": ("rejected", 2, 0, 2, "not JSON Lines"),
    "marketing/touches/2024-01-01_touches.csv": ("loaded", 3, 2, 1, ""),
    "marketing/touches/2024-01-02_touches.parquet": ("loaded", 1, 1, 0, ""),
    "billing/customers/2024-01-01_customers.jsonl": ("loaded", 3, 1, 2, ""),
    "billing/invoices/2024-01-01_invoices.jsonl": ("loaded", 6, 1, 5, ""),
    "billing/prices/2024-01-01_prices.jsonl": ("loaded", 1, 1, 0, ""),
    "finance/fx_rates/2024-01-01_fx.jsonl": ("loaded", 2, 1, 1, ""),
}

# (file, line, column_name, value, text the reason must contain)
REJECTED = [
    (A + "2024-01-02_bad_values.csv", 3, "CreatedDate", "2024-02-30T10:00:00.000Z", "Salesforce datetime"),
    (A + "2024-01-02_bad_values.csv", 4, "IsDeleted", "yes", "true/false"),
    (A + "2024-01-02_bad_values.csv", 5, "NumberOfEmployees", "1,000", "whole number"),
    (A + "2024-01-02_bad_values.csv", 6, "Id", "", "required value Id is empty"),
    (A + "2024-01-02_bad_values.csv", 7, "CreatedDate", "03/05/2024", "Salesforce datetime"),
    (A + "2024-01-02_bad_values.csv", 8, "LastModifiedDate", "2024-03-05 14:22:11", "Salesforce datetime"),
    (A + "2024-01-02_bad_values.csv", 10, "", f"{acc(12)},only three,fields", "expected 12 fields"),
    (A + "2024-01-02_bad_values.csv", 11, "NumberOfEmployees", "12.5", "whole number"),
    (A + "2024-01-14_unclosed_quote.csv", 3, "", "", "quoted field is not closed"),
    (A + "2024-01-15_blank_lines_and_nul.csv", 5, "Name", "Nul\\0Byte", "NUL character"),
    ("marketing/email_events/2024-01-01_events.jsonl", 4, "", '{"id": "e4", "type": "SENT",', "invalid JSON"),
    ("marketing/email_events/2024-01-01_events.jsonl", 5, "", "[1, 2]", "must be an object"),
    ("marketing/email_events/2024-01-01_events.jsonl", 6, "type", "", "required field type is missing"),
    ("marketing/email_events/2024-01-01_events.jsonl", 7, "created", "yesterday", "epoch milliseconds"),
    ("marketing/email_events/2024-01-01_events.jsonl", 8, "id", "", "required field id is empty"),
    ("marketing/email_events/2024-01-01_events.jsonl", 12, "created", "1704103200000.5", "epoch milliseconds"),
    ("marketing/touches/2024-01-01_touches.csv", 3, "occurred_at", "2024-01-05", "ISO 8601"),
    ("billing/customers/2024-01-01_customers.jsonl", 2, "created", "2024-01-01", "epoch seconds"),
    ("billing/customers/2024-01-01_customers.jsonl", 3, "deleted", "maybe", "true or false"),
    ("billing/invoices/2024-01-01_invoices.jsonl", 2, "lines.data", '{"not":"a list"}', "JSON array"),
    ("billing/invoices/2024-01-01_invoices.jsonl", 3, "lines.data[*].amount", "12.5", "whole number"),
    ("billing/invoices/2024-01-01_invoices.jsonl", 4, "status_transitions.paid_at", "soon", "epoch seconds"),
    ("billing/invoices/2024-01-01_invoices.jsonl", 5, "lines.data[*].period.start", "-1", "epoch seconds"),
    ("billing/invoices/2024-01-01_invoices.jsonl", 6, "lines.data[*].discount_amounts[*].amount", "ten", "whole number"),
    ("finance/fx_rates/2024-01-01_fx.jsonl", 2, "usd_per_unit", "1,27", "number"),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """(published warehouse, CLI result) of one build of the corpus."""
    out = tmp_path_factory.mktemp("corpus") / "warehouse.duckdb"
    proc = run_cli("build", "--landing", str(CORPUS), "--warehouse", str(out), "--as-of", AS_OF)
    return out, proc


@pytest.fixture(scope="module")
def log(corpus):
    rows = query(corpus[0], "select file, status, rows_read, rows_loaded, rows_rejected, message from audit.load_log")
    return {r[0]: r[1:] for r in rows}


def test_corpus_has_at_least_15_kinds_of_bad_or_awkward_files():
    assert len(EXPECTED) >= 15  # one kind of problem per file (see tests/corpus/make_corpus.py)
    on_disk = {p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*") if p.is_file()}
    assert set(EXPECTED) <= on_disk


def test_audit_tables_have_the_contract_columns(corpus):
    cols = [r[0] for r in query(corpus[0], "select column_name from information_schema.columns where table_schema = 'audit' "
                                           "and table_name = 'load_log' order by ordinal_position")]
    assert cols == ["file", "object", "content_hash", "rows_read", "rows_loaded", "rows_rejected", "status", "message",
                    "load_id", "loaded_at"]
    cols = [r[0] for r in query(corpus[0], "select column_name from information_schema.columns where table_schema = 'audit' "
                                           "and table_name = 'rejected_rows' order by ordinal_position")]
    assert cols[:5] == ["file", "line", "column_name", "value", "reason"]


def test_one_log_row_per_landing_file_and_rows_add_up(corpus, log):
    rows = query(corpus[0], "select file, count(*), sum(rows_read - rows_loaded - rows_rejected), count(distinct load_id), "
                            "min(length(content_hash)) from audit.load_log group by file")
    assert {r[0] for r in rows} == set(EXPECTED)  # ignored files and folders are not logged
    for file, n, diff, load_ids, hash_len in rows:
        assert (n, diff, load_ids, hash_len) == (1, 0, 1, 64), file


@pytest.mark.parametrize("file", sorted(EXPECTED))
def test_each_file_gets_the_expected_audit_row(log, file):
    status, read, loaded, rejected, text = EXPECTED[file]
    got = log[file]
    assert got[:4] == (status, read, loaded, rejected), got
    assert text in got[4]
    if status == "rejected":
        assert file in got[4]  # the reason names the file


def test_rejected_rows_name_file_line_column_and_value(corpus):
    got = query(corpus[0], "select file, line, column_name, value, reason from audit.rejected_rows")
    for file, line, column, value, reason in REJECTED:
        match = [g for g in got if g[:4] == (file, line, column, value)]
        assert match, (file, line, column, value)
        assert reason in match[0][4], match
    # rows_rejected counts rejected lines (a line may break several rules)
    per_file = query(corpus[0], "select file, count(distinct line) from audit.rejected_rows group by file")
    logged = dict(query(corpus[0], "select file, rows_rejected from audit.load_log where status = 'loaded' and rows_rejected > 0"))
    assert dict(per_file) == logged


def test_valid_rows_of_awkward_csv_files_arrive_in_raw_and_staging(corpus):
    wh = corpus[0]
    raw = dict(query(wh, "select Id, Name from raw.crm_account"))
    # BOM, CRLF, quoted comma, doubled quotes, quoted newline
    assert raw[acc(1)] == "Acme, Inc."
    assert raw[acc(2)] == 'Globex "The Big One" GmbH'
    assert raw[acc(3)] == "Multi\r\nline Ltd"
    # valid rows of files with bad rows, rows before an unclosed quote, rows around blank lines
    for n in (5, 11, 72, 75, 77):
        assert acc(n) in raw, n
    # nothing from rejected rows or files
    for n in (6, 7, 8, 9, 10, 12, 13, 40, 41, 42, 60, 70, 71, 73, 74, 76, 90):
        assert acc(n) not in raw, n
    stg = {r[0]: r[1:] for r in query(wh, "select account_id, account_name, created_at, number_of_employees from staging.stg_crm__account")}
    assert stg[acc(1)][0] == "Acme, Inc."
    assert acc(4) not in stg  # IsDeleted TRUE (any case)
    assert str(stg[acc(11)][1]) == "2024-03-05 14:22:11"


def test_extra_columns_are_kept_in_raw_extra(corpus):
    extra = dict(query(corpus[0], "select Id, _extra from raw.crm_account where _extra is not null"))
    assert json.loads(extra[acc(20)]) == {"Rating": "Hot", "Custom_Field__c": "x-1"}
    assert json.loads(extra[acc(21)]) == {"Rating": "Cold", "Custom_Field__c": ""}
    assert json.loads(extra[acc(80)]) == {"Region__c": "EMEA"}
    assert query(corpus[0], "select CreatedDate, Website from raw.crm_account where Id = ?", [acc(20)]) == [
        ("2024-01-05T08:00:00.000Z", None)]


def test_a_record_repeated_in_one_file_keeps_every_version_and_the_later_row_wins(corpus):
    wh = corpus[0]
    assert query(wh, "select Name, _line from raw.crm_account where Id = ? order by _line", [acc(30)]) == [
        ("Old Name", 2), ("New Name", 4)]
    assert query(wh, "select account_name from staging.stg_crm__account where account_id = ?", [acc(30)]) == [("New Name",)]
    # same for JSON: e1 appears on lines 1 and 11 of the events file
    assert query(wh, "select event_type, occurred_at::varchar from staging.stg_marketing__email_events where email_event_id = 'e1'") == [
        ("OPEN", "2024-01-01 11:00:00")]


def test_very_long_fields_and_gzip(corpus):
    wh = corpus[0]
    assert query(wh, "select length(Name), length(_extra ->> 'Description') from raw.crm_account where Id = ?", [acc(50)]) == [
        (100_000, 2_000_000)]
    assert query(wh, "select length(account_name) from staging.stg_crm__account where account_id = ?", [acc(50)]) == [(100_000,)]
    # the rejected value quoted in the audit is cut, not the data
    assert query(wh, "select max(length(value)) <= 600 from audit.rejected_rows") == [(True,)]


def test_parquet_typed_values_become_contract_text(corpus):
    wh = corpus[0]
    assert query(wh, "select CreatedDate, NumberOfEmployees, IsDeleted from raw.crm_account where Id = ? ", [acc(80)]) == [
        ("2024-01-06T09:30:00.000Z", "12", "false")]
    assert query(wh, "select created_at::varchar, number_of_employees from staging.stg_crm__account where account_id = ?", [acc(81)]) == [
        ("2024-01-06 23:59:59.25", None)]
    assert query(wh, "select occurred_at::varchar from staging.stg_marketing__touches where touch_id = 't10'") == [
        ("2024-01-06 07:00:00",)]


def test_json_documents_offsets_and_nested_fields(corpus):
    wh = corpus[0]
    assert {r[0] for r in query(wh, "select email_event_id from staging.stg_marketing__email_events")} == {
        "e1", "e2", "e3", "e7", "e20", "e21"}
    # +02:00 offset kept: 11:30+02:00 is 09:30 UTC
    assert query(wh, "select occurred_at::varchar from staging.stg_marketing__touches where touch_id = 't1'") == [
        ("2024-01-05 09:30:00",)]
    assert [r[0] for r in query(wh, "select invoice_line_id from staging.stg_billing__invoice_lines")] == ["il_1"]
    assert [r[0] for r in query(wh, "select customer_id from staging.stg_billing__customers")] == ["cus_1"]
    assert query(wh, "select currency, usd_per_unit::double from staging.stg_finance__fx_rates") == [("EUR", 1.1)]
    # records are stored as JSON, the key extracted
    assert query(wh, "select json_extract_string(record, '$.url') from raw.marketing_email_events where id = 'e21'") == [
        ("https://x.example/?a=1,b=2",)]


def test_folders_and_files_outside_the_contract_are_warned_about_and_ignored(corpus):
    err = corpus[1].stderr
    assert "crm/account: not an object of the landing contract; ignored" in err and "did you mean Account" in err
    assert "crm/Widget: not an object of the landing contract" in err
    assert "erp/: unknown source folder" in err
    assert "crm/Account/notes.txt: unsupported file type" in err
    assert "_manifest" not in err  # private files are ignored silently


def test_the_check_warns_and_the_summary_counts_rejections(corpus):
    out = corpus[1].stdout
    assert "26 new file(s)" in out and "30 rejected" in out and "7 file(s)" in out
    assert "raw/crm_account :: no_rejected_rows" in out


def _all_files(landing: Path):
    from orchestration.landing import files

    return files.discover(landing).files


def test_rerun_on_the_same_folder_loads_nothing_new(corpus, tmp_path):
    from orchestration.landing import loader

    db = tmp_path / "copy.duckdb"
    shutil.copyfile(corpus[0], db)
    con = duckdb.connect(str(db))
    try:
        before = con.execute("select (select count(*) from audit.load_log), (select count(*) from audit.rejected_rows), "
                             "(select count(*) from raw.crm_account), (select count(*) from raw.marketing_email_events)").fetchone()
        for table, todo in _all_files(CORPUS).items():
            result = loader.load_object(con, table, todo, "rerun")
            assert {f.status for f in result.files} <= {"unchanged"}, table
        after = con.execute("select (select count(*) from audit.load_log), (select count(*) from audit.rejected_rows), "
                            "(select count(*) from raw.crm_account), (select count(*) from raw.marketing_email_events)").fetchone()
    finally:
        con.close()
    assert after == before


def test_a_file_changed_under_the_same_name_replaces_its_earlier_version(tmp_path):
    from orchestration.landing import loader

    landing = tmp_path / "landing"
    folder = landing / "crm" / "Account"
    folder.mkdir(parents=True)
    header = "Id,Name,CreatedDate\n"
    (folder / "2024-01-01_a.csv").write_text(header + f"{acc(1)},One,2024-01-01T00:00:00Z\n{acc(2)},Two,bad\n")
    (folder / "2024-01-02_b.csv").write_text(header + f"{acc(3)},Three,2024-01-01T00:00:00Z\n")
    (folder / "2024-01-03_c.csv").write_text(header + f"{acc(3)},Three,2024-01-01T00:00:00Z\n")  # copy of b
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        first = loader.load_object(con, "crm_account", _all_files(landing)["crm_account"], "run1")
        assert [f.status for f in first.files] == ["loaded", "loaded", "skipped_duplicate"]
        # a is re-exported with other content; b is edited so its duplicate c must now load
        (folder / "2024-01-01_a.csv").write_text(header + f"{acc(1)},One again,2024-01-01T00:00:00Z\n")
        (folder / "2024-01-02_b.csv").write_text(header + f"{acc(4)},Four,2024-01-01T00:00:00Z\n")
        second = loader.load_object(con, "crm_account", _all_files(landing)["crm_account"], "run2")
        assert [f.status for f in second.files] == ["loaded", "loaded", "loaded"]
        assert "replaces 1 row(s)" in second.files[0].message
        assert con.execute("select _source_file, Id, Name from raw.crm_account order by 1, 2").fetchall() == [
            ("crm/Account/2024-01-01_a.csv", acc(1), "One again"),
            ("crm/Account/2024-01-02_b.csv", acc(4), "Four"),
            ("crm/Account/2024-01-03_c.csv", acc(3), "Three"),
        ]
        assert con.execute("select count(*) from audit.rejected_rows").fetchone() == (0,)  # a's old bad row went with it
        third = loader.load_object(con, "crm_account", _all_files(landing)["crm_account"], "run3")
        assert [f.status for f in third.files] == ["unchanged"] * 3
    finally:
        con.close()


def test_every_file_loads_in_one_transaction(tmp_path, monkeypatch):
    """A failure after the raw insert (here: the log insert) leaves neither rows nor log."""
    from orchestration.landing import loader

    landing = tmp_path / "landing"
    (landing / "crm" / "Account").mkdir(parents=True)
    (landing / "crm" / "Account" / "a.csv").write_text(f"Id,Name,CreatedDate\n{acc(1)},One,x\n{acc(2)},Two,2024-01-01T00:00:00Z\n")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(loader, "_log", boom)
    try:
        with pytest.raises(OSError):
            loader.load_object(con, "crm_account", _all_files(landing)["crm_account"], uuid.uuid4().hex)
        assert con.execute("select (select count(*) from raw.crm_account), (select count(*) from audit.rejected_rows), "
                           "(select count(*) from audit.load_log)").fetchone() == (0, 0, 0)
    finally:
        con.close()


def test_strict_build_fails_naming_files_and_rows_and_keeps_the_last_good_warehouse(corpus):
    wh = corpus[0]
    before = hashlib.sha256(wh.read_bytes()).hexdigest()
    proc = run_cli("build", "--landing", str(CORPUS), "--warehouse", str(wh), "--as-of", AS_OF, "--strict", check=False)
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert "strict mode" in out and "nothing is published" in out
    assert "crm/Account/2024-01-06_latin1.csv: file rejected" in out
    assert "crm/Account/2024-01-02_bad_values.csv line 3 column CreatedDate" in out
    assert "the last good warehouse is unchanged" in out
    assert hashlib.sha256(wh.read_bytes()).hexdigest() == before


def _load_all(landing: Path, db: Path, objects=None) -> duckdb.DuckDBPyConnection:
    from orchestration.landing import loader

    con = loader.connect(db)
    loader.ensure_tables(con)
    for table, todo in _all_files(landing).items():
        if objects is None or table in objects:
            loader.load_object(con, table, todo, "same")
    return con


def _contents(con) -> dict:
    from orchestration.landing.contract import OBJECTS

    out = {
        "log": sorted(con.execute("select file, status, rows_read, rows_loaded, rows_rejected, message from audit.load_log").fetchall()),
        "rejected": sorted(con.execute("select file, line, column_name, value, reason from audit.rejected_rows").fetchall()),
    }
    for obj in OBJECTS:
        out[obj.table] = sorted(map(repr, con.execute(f"select * exclude (_load_id, _loaded_at) from raw.{obj.table}").fetchall()))
    return out


@pytest.mark.parametrize("which", ["corpus", "generated"])
def test_readers_agree_whatever_the_path_chunk_and_batch_size(which, generated_landing, tmp_path, monkeypatch):
    """DuckDB's CSV reader (used for big simple files), the Python reader, and the Python reader
    with tiny chunks and batches stage exactly the same rows, lines and rejections."""
    from orchestration.landing import files, loader

    landing = CORPUS if which == "corpus" else generated_landing
    objects = None if which == "corpus" else {"crm_account", "crm_lead_history", "marketing_touches", "product_usage_daily",
                                              "marketing_email_events", "billing_invoices"}
    results = []
    variants = [("fast", True, files.CHUNK_BYTES, files.BATCH_ROWS), ("python", False, files.CHUNK_BYTES, files.BATCH_ROWS)]
    if which == "corpus":
        variants.append(("tiny", False, 64, 3))
    for name, fast, chunk, batch in variants:
        monkeypatch.setattr(loader, "FAST_CSV", fast)
        monkeypatch.setattr(loader, "FAST_CSV_MIN_BYTES", 0)
        monkeypatch.setattr(files, "CHUNK_BYTES", chunk)
        monkeypatch.setattr(files, "BATCH_ROWS", batch)
        con = _load_all(landing, tmp_path / f"{name}.duckdb", objects)
        try:
            results.append(_contents(con))
        finally:
            con.close()
    assert all(r == results[0] for r in results[1:])
    assert sum(len(v) for k, v in results[0].items() if k not in ("log", "rejected")) > 0
