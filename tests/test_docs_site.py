"""`revops docs`: dbt's documentation site for the published warehouse, served on 127.0.0.1 and
linked from the app; looked at in a real headless Chromium."""

from __future__ import annotations

import json
import shutil
import subprocess
from urllib.parse import unquote

import duckdb

from conftest import REVOPS, SCREENSHOTS, free_port, query, run_cli, wait_for_http
from orchestration.docs_site import docs_dir



def test_docs_site_describes_every_mart_and_serves_it(generated_warehouse, generated_landing, browser, app_for):
    run_cli("docs", "--no-serve", "--warehouse", str(generated_warehouse))
    site = generated_warehouse.with_name(f".{generated_warehouse.stem}.docs")
    manifest = json.loads((site / "manifest.json").read_text())
    catalog = json.loads((site / "catalog.json").read_text())

    marts = [r[0] for r in query(generated_warehouse, "select table_name from information_schema.tables "
                                                      "where table_schema = 'marts' order by 1")]
    assert len(marts) >= 20
    for mart in marts:
        node = manifest["nodes"][f"model.revops.{mart}"]
        assert node["description"].strip(), f"{mart} has no description"
        cat = catalog["nodes"][f"model.revops.{mart}"]["columns"]
        real = {r[0] for r in query(generated_warehouse, f"select column_name from information_schema.columns "
                                                         f"where table_schema = 'marts' and table_name = '{mart}'")}
        assert {c.lower() for c in cat} == real, mart  # the catalog is the published table itself
        undocumented = real - {c.lower() for c, v in node["columns"].items() if v["description"].strip()}
        assert not undocumented, f"{mart}: columns without a description: {sorted(undocumented)}"
    # lineage: a mart's parents reach back to the raw sources
    assert any(p.startswith("source.revops.raw.") for p in
               manifest["parent_map"]["model.revops.stg_billing__invoices"])

    port = free_port()
    proc = subprocess.Popen([str(REVOPS), "docs", "--warehouse", str(generated_warehouse), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/", proc, timeout=120)
        page = browser.new_page()
        errors, outside, missing = [], [], []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(f"http://127.0.0.1:{port}/") else None)
        page.on("response", lambda r: missing.append(unquote(r.url)) if r.status >= 400 else None)
        page.goto(f"http://127.0.0.1:{port}/#!/model/model.revops.mrr_by_account_month")
        page.get_by_text("movement_type").first.wait_for(timeout=30_000)
        page.screenshot(path=str(SCREENSHOTS / "dbt-docs.png"), full_page=False)
        assert not errors, errors
        assert not [u for u in outside if not u.startswith("data:")], outside  # no tracker, no CDN
        # dbt's own site asks for a few image paths before its templates are filled in
        # (".../{{ getIcon(...) }}"); every other file it asks for is served
        assert all("{{" in u or "${" in u for u in missing), missing
        page.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)

    # the app links to the same site
    app = app_for(generated_warehouse, generated_landing)
    page = browser.new_page()
    response = page.goto(app + "/dbt-docs/index.html#!/model/model.revops.mrr_by_account_month")
    assert response.status == 200
    page.get_by_text("movement_type").first.wait_for(timeout=30_000)
    page.close()


def test_docs_are_generated_while_a_reader_holds_the_published_file(generated_warehouse, tmp_path):
    """dbt-duckdb opens its main database read-write whatever the profile says: the docs profile
    attaches the published file read-only instead (decision 121), so a BI tool that holds the file
    open neither blocks the catalog nor is locked out by it."""
    wh = tmp_path / "warehouse.duckdb"
    shutil.copy(generated_warehouse, wh)
    reader = duckdb.connect(str(wh), read_only=True)
    try:
        proc = run_cli("docs", "--warehouse", str(wh), "--no-serve", check=False)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
        assert reader.execute("select count(*) from marts.mrr_by_account_month").fetchone()[0] > 0
    finally:
        reader.close()
    catalog = json.loads((docs_dir(wh) / "catalog.json").read_text())
    assert "model.revops.mrr_by_account_month" in catalog["nodes"]
    assert not wh.with_name(wh.name + ".wal").exists()  # nothing was written to the published file
