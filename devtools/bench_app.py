"""Time the report app: `revops app` process start to the first page with all its charts drawn,
then each report page's load (navigation to every chart drawn) in Debian's Chromium.

    python -m devtools.bench_app --warehouse W --landing L
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from devtools.ui_process import free_port, wait_for_http
from orchestration.app import charts

CHROMIUM = "/usr/bin/chromium"
REVOPS = Path(sys.executable).with_name("revops")
CHARTS_DRAWN = """() => { const g = [...document.querySelectorAll('.js-plotly-plot')];
    return g.length > 0 && g.every(e => e.querySelectorAll('g.trace, g.hm').length > 0); }"""


GRID_FILLED = """() => document.querySelectorAll('.ag-center-cols-container .ag-row').length > 0"""
REVIEW_PAGES = ("review/duplicates", "review/leakage")


def _wait_drawn(page, timeout: float = 600, ready: str = CHARTS_DRAWN) -> None:
    deadline = time.monotonic() + timeout
    while not page.evaluate(ready):
        if time.monotonic() > deadline:
            raise SystemExit(f"charts of {page.url} not drawn within {timeout:.0f} s")
        time.sleep(0.05)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--warehouse", required=True)
    ap.add_argument("--landing", required=True)
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with sync_playwright() as pw:
        # The browser starts before the clock: its own start-up is not the app's.
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        t0 = time.monotonic()
        proc = subprocess.Popen([str(REVOPS), "app", "--warehouse", args.warehouse, "--landing", args.landing,
                                 "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for_http(url + "/", proc, timeout=300, poll=0.05)
            page.goto(url + "/")
            _wait_drawn(page)
            first = time.monotonic() - t0
            print(f"app start to first page drawn: {first:.2f} s")
            loads = {}
            for page_id, _ in charts.PAGES:
                t = time.monotonic()
                page.goto(f"{url}/{page_id}")
                _wait_drawn(page)
                loads[page_id] = time.monotonic() - t
                print(f"  /{page_id}: {loads[page_id]:.2f} s ({len(charts.charts_on(page_id))} charts)")
            for page_id in REVIEW_PAGES:  # the review grids: until their first rows show
                t = time.monotonic()
                page.goto(f"{url}/{page_id}")
                _wait_drawn(page, ready=GRID_FILLED)
                loads[page_id] = time.monotonic() - t
                print(f"  /{page_id}: {loads[page_id]:.2f} s (grid)")
            worst = max(loads, key=loads.get)
            print(f"largest page load: /{worst} {loads[worst]:.2f} s")
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
