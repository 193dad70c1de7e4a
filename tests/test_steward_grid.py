"""The steward review grid (issue 11): the decisions store on its own, then a steward deciding
through the real app in Chromium and the next real build applying the decisions."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from orchestration.app import steward_store as store
from orchestration.landing.files import discover

from conftest import PROJECT, SCREENSHOTS, query, run_cli

NOTE = 'same person, "Jon" is a nickname\nsecond line; ünïcode'


def _dup(a: str, b: str, decision: str = "accept") -> dict:
    return {"record_id_a": a, "record_id_b": b, "decision": decision}


def _visible(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.name.startswith((".", "_")))


# --- the store, pure -----------------------------------------------------------------------------

def test_record_writes_the_landing_format_and_reads_back(tmp_path):
    path = store.record(tmp_path, "duplicate_decisions", [_dup("00Q4x0001skK4MaEAK", "0034x0001rlhP6vAAE")],
                        " alice ", NOTE)
    assert path.parent == tmp_path / "steward" / "duplicate_decisions"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{6}\.\d{6}Z-[0-9a-f]{12}\.csv", path.name)
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and raw.decode("utf-8")  # UTF-8, no BOM
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert rows[0] == ["record_id_a", "record_id_b", "decision", "decided_by", "decided_at", "note"]
    assert rows[1][:4] == ["00Q4x0001skK4MaEAK", "0034x0001rlhP6vAAE", "accept", "alice"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00", rows[1][4])
    assert rows[1][5] == NOTE  # commas, doubled quotes and the newline survive RFC 4180 quoting
    assert b'"same person, ""Jon"" is a nickname\nsecond line; \xc3\xbcn\xc3\xafcode"\r\n' in raw

    [d] = store.history(tmp_path, "duplicate_decisions")
    assert d.key == ("0034x0001rlhP6vAAE", "00Q4x0001skK4MaEAK")  # unordered pair, smaller id first
    assert (d.decision, d.decided_by, d.note, d.file, d.line) == ("accept", "alice", NOTE, path.name, 2)
    assert d.decided_at.isoformat(timespec="microseconds") == rows[1][4]

    leak = store.record(tmp_path, "leakage_decisions", [
        {"leakage_type": "unpaid_invoice", "reference_id": "in_123", "decision": "Dismissed"},
        {"leakage_type": "won_not_billed", "reference_id": "0064x0001abcDEF", "decision": "confirmed"}], "bob")
    rows = list(csv.reader(io.StringIO(leak.read_text("utf-8"), newline="")))
    assert rows[0] == ["leakage_type", "reference_id", "decision", "decided_by", "decided_at", "note"]
    assert [r[:4] + r[5:] for r in rows[1:]] == [["unpaid_invoice", "in_123", "dismissed", "bob", ""],
                                                  ["won_not_billed", "0064x0001abcDEF", "confirmed", "bob", ""]]
    status = store.current_status(tmp_path, "leakage_decisions")
    assert status[("unpaid_invoice", "in_123")].decision == "dismissed"
    # a 15-character opportunity id is keyed by its 18-character form, as the staging model does
    assert status[("won_not_billed", store.sf_id18("0064x0001abcDEF"))].decision == "confirmed"


@pytest.mark.parametrize("kind, decisions, steward, message", [
    ("duplicate_decisions", [_dup("00Q4x0001skK4MaEAK", "0034x0001rlhP6vAAE", "maybe")], "a", "not a duplicate_decisions decision"),
    ("duplicate_decisions", [_dup("00Q4x0001skK4MaEAK", "0034x0001rlhP6vAAE")], "  ", "steward's name is empty"),
    ("duplicate_decisions", [_dup("00Q4x0001skK4Ma", "00Q4x0001skK4MaEAK")], "a", "cannot be a duplicate of itself"),
    ("duplicate_decisions", [_dup("bob@example.com", "0034x0001rlhP6vAAE")], "a", "not a Salesforce"),
    ("duplicate_decisions", [], "a", "no decisions"),
    ("leakage_decisions", [{"leakage_type": "lost_deal", "reference_id": "x", "decision": "resolved"}], "a", "not a leakage type"),
    ("leakage_decisions", [{"leakage_type": "unpaid_invoice", "reference_id": "", "decision": "resolved"}], "a", "reference_id is empty"),
    ("leakage_decisions", [{"leakage_type": "unpaid_invoice", "reference_id": "in_1", "decision": "accept"}], "a", "expected confirmed"),
    ("merge_decisions", [], "a", "unknown kind"),
])
def test_invalid_decisions_are_refused_before_anything_is_written(tmp_path, kind, decisions, steward, message):
    with pytest.raises(store.DecisionError, match=message):
        store.record(tmp_path, kind, decisions, steward, "a note")
    assert not (tmp_path / "steward").exists()


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")


def test_history_is_in_the_order_the_build_applies_decisions(tmp_path):
    """Latest decided_at, then later file, then later row wins (stg_steward__duplicate_decisions);
    hand-written files, 15-character ids and reversed pairs included; private files ignored."""
    folder = tmp_path / "steward" / "duplicate_decisions"
    a, b, c = "0034x0001rlhP6vAAE", "00Q4x0001skK4MaEAK", "00Q4x0001u9uZJ3EAM"
    head = "record_id_a,record_id_b,decision,decided_by,decided_at,note\n"
    # z-late.csv sorts last but its decision on (a, b) is the oldest: decided_at comes first.
    _write(folder / "z-late.csv", head + f"{a},{b},reject,zed,2025-01-01T00:00:00Z,old\n")
    # one file, the same instant twice: the later row wins; a reversed, 15-character pair is the same pair
    _write(folder / "2025-02-01.csv", head + f"{a},{b},accept,ann,2025-02-01T10:00:00+01:00,\n"
                                             f"{b[:15]},{a},reject,ann,2025-02-01T09:00:00Z,second row\n")
    # same instant as above (09:00 UTC) in a later file: this file wins over both rows
    _write(folder / "2025-03-01.csv", head + f"{b},{a},accept,bea,2025-02-01T09:00:00+00:00,later file\n"
                                             f"{a},{c},maybe,bea,2025-02-01T09:00:00Z,not a decision\n")
    _write(folder / ".2025-04-01.csv.partial", head + f"{a},{b},reject,tmp,2026-01-01T00:00:00Z,\n")
    _write(folder / "_notes.csv", head + f"{a},{b},reject,tmp,2026-01-01T00:00:00Z,\n")

    hist = store.history(tmp_path, "duplicate_decisions")
    assert [(d.decided_by, d.note) for d in hist] == [("zed", "old"), ("ann", ""), ("ann", "second row"),
                                                       ("bea", "later file")]
    assert {d.key for d in hist} == {(a, b)}
    assert store.current_status(tmp_path, "duplicate_decisions")[(a, b)].decision == "accept"
    # a decision the grid records now is later than all of them
    store.record(tmp_path, "duplicate_decisions", [_dup(b, a, "reject")], "cy")
    assert store.current_status(tmp_path, "duplicate_decisions")[(a, b)].decided_by == "cy"


def _ids(n: int, prefix: str) -> list[tuple[str, str]]:
    """n distinct pairs of 18-character ids."""
    return [(f"00Q{prefix}{i:014d}", f"003{prefix}{i:014d}") for i in range(n)]


def test_concurrent_threads_lose_nothing(tmp_path):
    per_thread, threads = 25, 8
    errors = []

    def work(t: int) -> None:
        try:
            for a, b in _ids(per_thread, f"{t}"):
                store.record(tmp_path, "duplicate_decisions", [_dup(a, b)], f"steward-{t}", "a, \"note\"")
        except Exception as exc:  # surfaced below: a thread's exception would otherwise vanish
            errors.append(exc)

    pool = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    assert not errors
    assert len(_visible(tmp_path / "steward" / "duplicate_decisions")) == per_thread * threads  # no file shared
    hist = store.history(tmp_path, "duplicate_decisions")
    assert len(hist) == per_thread * threads
    assert {d.key for d in hist} == {tuple(sorted(p)) for t in range(threads) for p in _ids(per_thread, f"{t}")}


WRITER = """
import sys
from pathlib import Path
from orchestration.app import steward_store as store
landing, proc, n, note_bytes = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
for i in range(n):
    store.record(landing, "leakage_decisions",
                 [{"leakage_type": "unpaid_invoice", "reference_id": f"in_{proc}_{i}", "decision": "resolved"}],
                 f"steward-{proc}", "x" * note_bytes)
"""


def _writer(landing: Path, proc: str, n: int, note_bytes: int = 10, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(landing), proc, str(n), str(note_bytes)],
                            cwd=PROJECT, env={**os.environ, **(env or {})}, stderr=subprocess.PIPE, text=True)


def test_concurrent_processes_lose_nothing(tmp_path):
    procs, per_proc = 4, 30
    running = [_writer(tmp_path, str(p), per_proc) for p in range(procs)]
    for p in running:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    hist = store.history(tmp_path, "leakage_decisions")
    assert sorted(d.key[1] for d in hist) == sorted(f"in_{p}_{i}" for p in range(procs) for i in range(per_proc))


def test_a_save_killed_mid_write_leaves_no_file_the_build_would_read(tmp_path):
    store.record(tmp_path, "leakage_decisions",
                 [{"leakage_type": "unpaid_invoice", "reference_id": "in_before", "decision": "confirmed"}], "ann")
    # the second save is SIGKILLed half-way through its 8 MB note (orchestration.warehouse.fault_point)
    p = _writer(tmp_path, "k", 2, note_bytes=8 << 20, env={"REVOPS_FAULT_POINT": f"{store.FAULT_MID_WRITE}:2"})
    p.communicate(timeout=300)
    assert p.returncode == -9
    folder = tmp_path / "steward" / "leakage_decisions"
    hidden = [f for f in folder.iterdir() if f.name.startswith(".")]
    assert len(hidden) == 1 and 0 < hidden[0].stat().st_size < 8 << 20  # the partial write, hidden
    assert len(_visible(folder)) == 2  # the first save and the killed process's completed one
    loadable = discover(tmp_path).files["steward_leakage_decisions"]
    assert sorted(lf.path.name for lf in loadable) == [f.name for f in _visible(folder)]
    assert [d.key[1] for d in store.history(tmp_path, "leakage_decisions")] == ["in_before", "in_k_0"]


# --- a steward in the browser, then the next build -----------------------------------------------

def _decide(page, base: str, prefix: str, row_id: str, decision: str, note: str, shot: str) -> None:
    """Open the review page, tick the row's checkbox, type the note, press the decision's button."""
    page.goto(f"{base}/review/{'duplicates' if prefix == 'dup' else 'leakage'}")
    row = page.locator(f'#{prefix}-grid .ag-center-cols-container .ag-row[row-id="{row_id}"]')
    row.wait_for(timeout=60_000)
    assert page.input_value(f"#{prefix}-steward") == "test-steward"  # prefilled with the app's --steward
    row.locator(".ag-selection-checkbox input").click()
    page.wait_for_function(f"document.querySelector('#{prefix}-selected').textContent === '1 row selected'")
    if note:
        page.fill(f"#{prefix}-note", note)
    page.click(f"#{prefix}-btn-{decision}")
    message = page.locator(f"#{prefix}-message")
    message.filter(has_text="1 decision").wait_for(timeout=30_000)
    assert "the next `revops build` applies it" in message.inner_text()
    # the grid shows the new status and the history panel the decision, before any build
    row.locator(f'[col-id="status"]').filter(has_text=decision).wait_for(timeout=30_000)
    assert "next build" in row.locator('[col-id="applies"]').inner_text()
    page.locator(f"#{prefix}-history").filter(has_text=f"{decision} by test-steward").wait_for(timeout=30_000)
    page.screenshot(path=str(SCREENSHOTS / shot), full_page=True)


def test_steward_decides_in_the_grid_and_the_next_build_applies_it(tmp_path, generated_landing, generated_warehouse,
                                                                   app_for, browser):
    wh = generated_warehouse
    # A candidate pair neither of whose records is in a cluster yet: once accepted, both records
    # are linked by the steward rule only, so both must show match_rule 'steward'.
    pairs = query(wh, """select record_id_a, record_id_b from marts.dq_duplicate_candidates c
                         where not exists (select 1 from marts.dq_duplicate_people p
                                           where p.record_id in (c.record_id_a, c.record_id_b))
                         order by match_probability desc, record_id_a""")
    findings = query(wh, "select leakage_type, reference_id from marts.revenue_leakage where review_status = 'open' "
                         "order by amount_at_risk_mrr desc, reference_id")
    assert pairs and findings, "the 300-account sample must have unclustered candidate pairs and open leakage findings"
    (a, b), (ltype, ref) = pairs[0], findings[0]

    landing = tmp_path / "landing"
    shutil.copytree(generated_landing, landing)
    base = app_for(wh, landing)
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        _decide(page, base, "dup", f"{a}|{b}", "accept", 'same person: "Bob" = Robert, checked by phone',
                "review-duplicates.png")
        _decide(page, base, "leak", f"{ltype}|{ref}", "dismissed", "", "review-leakage.png")
    finally:
        page.close()
    assert not problems, problems

    # one new file per save, beside the sample's own steward files
    written = {k: sorted({p.name for p in _visible(landing / "steward" / k)} -
                         {p.name for p in _visible(generated_landing / "steward" / k)}) for k in store.KINDS}
    assert all(len(files) == 1 for files in written.values()), written

    out = tmp_path / "w.duckdb"
    run_cli("build", "--landing", str(landing), "--warehouse", str(out), "--as-of", "2025-06-30", "--quiet")
    people = query(out, "select record_id, cluster_id, match_rule from marts.dq_duplicate_people "
                        "where record_id in (?, ?) order by record_id", [a, b])
    assert [r[0] for r in people] == sorted([a, b])
    assert people[0][1] == people[1][1] and {r[2] for r in people} == {"steward"}
    assert not query(out, "select 1 from marts.dq_duplicate_candidates where ? in (record_id_a, record_id_b) "
                          "or ? in (record_id_a, record_id_b)", [a, b])
    assert query(out, "select review_status, reviewed_by from marts.revenue_leakage "
                      "where leakage_type = ? and reference_id = ?", [ltype, ref]) == [("dismissed", "test-steward")]
    for k, [name] in written.items():
        assert query(out, "select status, rows_loaded, rows_rejected from audit.load_log where file = ?",
                     [f"steward/{k}/{name}"]) == [("loaded", 1, 0)]
