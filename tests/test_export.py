"""`revops export` (issue 11 item 3): import files for Salesforce and HubSpot.

Golden files under tests/golden/export/ were written by hand from the scenario READMEs and test
expectations (people_basic: duplicates and email verification; gtm_basic: leakage, upsell,
recommendations) in the formats docs/exports.md cites from the tools' documentation; every file
the CLI writes is compared with them byte for byte, manifest included. The splitting writer is
tested on its own with small limits and part contents written out literally.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SCENARIOS, run_cli
from orchestration.salesforce_ids import sf_id18
from orchestration.export.split import RowTooLarge, write_parts

GOLDEN = Path(__file__).resolve().parent / "golden" / "export"
# the as_of dates of test_people_scenario.py and test_gtm_scenario.py, so the builds are shared
PEOPLE_AS_OF = "2024-06-30"
GTM_AS_OF = "2025-04-15"


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def assert_same_tree(got: Path, golden: Path) -> None:
    g, w = tree(got), tree(golden)
    assert sorted(g) == sorted(w)
    for name in w:
        assert g[name] == w[name], f"{name} differs from its golden file"


@pytest.fixture(scope="module")
def people_wh(warehouse_for):
    return warehouse_for(SCENARIOS / "people_basic" / "landing", PEOPLE_AS_OF)


@pytest.fixture(scope="module")
def gtm_wh(warehouse_for):
    return warehouse_for(SCENARIOS / "gtm_basic" / "landing", GTM_AS_OF)


# --- the splitting writer -------------------------------------------------------------------

def parts_of(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.csv"))}


def test_split_by_rows_repeats_the_header(tmp_path):
    parts = write_parts(tmp_path, "t", ["Id", "Name"], [["1", "a"], ["2", "b"], ["3", "c"]], max_rows=2, max_bytes=None)
    assert [p.rows for p in parts] == [2, 1]
    assert parts_of(tmp_path) == {"t_part001.csv": b"Id,Name\n1,a\n2,b\n", "t_part002.csv": b"Id,Name\n3,c\n"}


def test_split_by_bytes_never_cuts_a_multi_line_value(tmp_path):
    # header 8 bytes, "1,x\n" 4, '2,"line one\nline two"\n' 22, "3,y\n" 4; limit 30:
    # 8 + 4 + 22 = 34 > 30 closes part 1 before the quoted record; 8 + 22 = 30 fits exactly.
    rows = [["1", "x"], ["2", "line one\nline two"], ["3", "y"]]
    write_parts(tmp_path, "t", ["Id", "Note"], rows, max_rows=None, max_bytes=30)
    assert parts_of(tmp_path) == {
        "t_part001.csv": b"Id,Note\n1,x\n",
        "t_part002.csv": b'Id,Note\n2,"line one\nline two"\n',
        "t_part003.csv": b"Id,Note\n3,y\n",
    }


def test_split_rows_and_bytes_together_count_utf8_bytes(tmp_path):
    # "1,\xc3\xa9\n" is 5 bytes (e-acute is two bytes in UTF-8); header "Id,V\n" 5:
    # rows limit 3, bytes limit 15 -> 5 + 5 + 5 = 15 fits two records, the third opens part 2
    rows = [["1", "é"], ["2", "é"], ["3", "é"], ["4", "e"]]
    write_parts(tmp_path, "u", ["Id", "V"], rows, max_rows=3, max_bytes=15)
    assert parts_of(tmp_path) == {
        "u_part001.csv": "Id,V\n1,é\n2,é\n".encode(),
        "u_part002.csv": "Id,V\n3,é\n4,e\n".encode(),
    }


def test_quoting_and_empty_file(tmp_path):
    write_parts(tmp_path, "q", ["Id", "Note"], [["5", 'say "hi", ok'], ["6", "#N/A"]], max_rows=None, max_bytes=None)
    write_parts(tmp_path, "e", ["Email"], [], max_rows=10, max_bytes=100)
    assert parts_of(tmp_path) == {"e_part001.csv": b"Email\n",
                                  "q_part001.csv": b'Id,Note\n5,"say ""hi"", ok"\n6,#N/A\n'}


def test_a_row_larger_than_the_limit_is_refused_and_leaves_no_temp_file(tmp_path):
    with pytest.raises(RowTooLarge):
        write_parts(tmp_path, "big", ["Id", "V"], [["1", "é" * 10]], max_rows=None, max_bytes=12)
    assert list(tmp_path.iterdir()) == []


def test_sf_id18_matches_the_macro():
    # the scenario's ids: 15 characters + the suffix the macro computes; 18 stays as it is
    assert sf_id18("003Dn000009Ali1") == "003Dn000009Ali1IAC"
    assert sf_id18("0065g00000Alpha") == "0065g00000AlphaAAB"
    assert sf_id18("00QDn000009L01AMAC") == "00QDn000009L01AMAC"
    assert sf_id18(" ") is None


# --- the CLI against the golden files --------------------------------------------------------

def test_people_basic_export_matches_golden(people_wh, tmp_path):
    out = tmp_path / "export"
    proc = run_cli("export", "--warehouse", str(people_wh), "--out", str(out))
    assert "9 import files written" in proc.stdout
    assert_same_tree(out, GOLDEN / "people_basic")


def test_gtm_basic_export_matches_golden_and_splits_without_stale_parts(gtm_wh, tmp_path):
    out = tmp_path / "export"
    run_cli("export", "--warehouse", str(gtm_wh), "--out", str(out))
    assert_same_tree(out, GOLDEN / "gtm_basic")
    # the same folder again with 5 rows per file: the opt-out list of 12 becomes 5 + 5 + 2
    run_cli("export", "--warehouse", str(gtm_wh), "--out", str(out), env={"REVOPS_EXPORT_MAX_ROWS": "5"})
    hub = out / "hubspot"
    got = {n: b for n, b in parts_of(hub).items() if n.startswith("opt_out")}
    assert got == {p.name: p.read_bytes() for p in sorted((GOLDEN / "split_rows5").glob("*.csv"))}
    manifest = (out / "manifest.csv").read_text().splitlines()
    assert "hubspot/opt_out_invalid_and_risky_part003.csv,HubSpot,Contact,opt-out list import,3,3,2" in manifest
    assert "hubspot/contacts_email_status_part004.csv,HubSpot,Contact,import (create and update),4,4,1" in manifest
    # and back to the documented limits: parts 002.. of the split export are gone
    run_cli("export", "--warehouse", str(gtm_wh), "--out", str(out))
    assert_same_tree(out, GOLDEN / "gtm_basic")
    assert not list(tmp_path.glob(".export.export-*"))


# --- refusals --------------------------------------------------------------------------------

def test_no_warehouse_is_refused(tmp_path):
    proc = run_cli("export", "--warehouse", str(tmp_path / "missing.duckdb"), "--out", str(tmp_path / "x"), check=False)
    assert proc.returncode != 0
    assert "no warehouse at" in proc.stderr and "revops build" in proc.stderr
    assert not (tmp_path / "x").exists()


def test_a_folder_with_other_files_is_not_replaced(gtm_wh, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    proc = run_cli("export", "--warehouse", str(gtm_wh), "--out", str(out), check=False)
    assert proc.returncode == 2 and "not empty and holds no revops export manifest" in proc.stderr
    assert tree(out) == {"notes.txt": b"keep me"}


def test_a_bad_limit_setting_is_refused(gtm_wh, tmp_path):
    proc = run_cli("export", "--warehouse", str(gtm_wh), "--out", str(tmp_path / "x"), check=False,
                   env={"REVOPS_EXPORT_MAX_BYTES": "ten"})
    assert proc.returncode == 2 and "REVOPS_EXPORT_MAX_BYTES='ten'" in proc.stderr
