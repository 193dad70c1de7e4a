"""`make bench`: wall time and peak memory of `revops generate` and `revops build` at several sizes.

Each command runs as a child process; its peak RSS comes from wait4() (the largest resident set
of the process and the children it waited for, dbt included). Results are printed as a Markdown
table and appended to bench-results/bench.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REVOPS = Path(sys.executable).with_name("revops")


def measure(cmd: list[str]) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MiB, exit code) of one command."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        print(proc.stderr.read().decode()[-3000:], file=sys.stderr)
    return wall, usage.ru_maxrss / 1024, code


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench")
    p.add_argument("--sizes", default="2000,20000", help="comma-separated account counts")
    p.add_argument("--as-of", default="2025-06-30")
    p.add_argument("--rebuild", action="store_true", help="also time a second build on the same landing (no new files)")
    p.add_argument("--keep", help="keep landing folders and warehouses under this folder")
    args = p.parse_args(argv)
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="revops-bench-"))
    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        landing, wh = root / f"landing-{n}", root / f"wh-{n}" / "warehouse.duckdb"
        shutil.rmtree(landing, ignore_errors=True)
        shutil.rmtree(wh.parent, ignore_errors=True)
        steps = [("generate", [str(REVOPS), "generate", "--accounts", str(n), "--seed", "42", "--end-date", args.as_of,
                               "--out", str(landing)]),
                 ("build", [str(REVOPS), "build", "--landing", str(landing), "--warehouse", str(wh), "--as-of", args.as_of,
                            "--quiet"])]
        if args.rebuild:
            steps.append(("rebuild (nothing new)", steps[1][1]))
        for name, cmd in steps:
            wall, rss, code = measure(cmd)
            rows.append({"accounts": n, "step": name, "seconds": round(wall, 1), "peak_rss_mib": round(rss),
                         "exit": code})
            print(f"{n:>7} accounts  {name:<22} {wall:7.1f} s  {rss:7.0f} MiB  exit {code}", flush=True)
    print("\n| accounts | step | wall (s) | peak RSS (MiB) |\n|---:|---|---:|---:|")
    for r in rows:
        print(f"| {r['accounts']:,} | {r['step']} | {r['seconds']} | {r['peak_rss_mib']} |")
    out = Path("bench-results")
    out.mkdir(exist_ok=True)
    with open(out / "bench.jsonl", "a") as fh:
        for r in rows:
            fh.write(json.dumps({**r, "at": time.strftime("%Y-%m-%dT%H:%M:%S")}) + "\n")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return 0 if all(r["exit"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
