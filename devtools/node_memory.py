"""Which dbt node a build's memory peak belongs to: ``python -m devtools.node_memory -- revops build ...``.

Runs the command, samples the resident memory of its process tree (and of its dbt process) from
/proc every ``--interval`` seconds, then lays the samples over the nodes' start and end times in
the newest ``run_results.json`` and prints the peaks and the nodes during which dbt's memory rose
the most (the highest RSS while the node ran, less the RSS when it started). Found
``dq_duplicate_candidates`` at 100,000 accounts (decision 120).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import time

from orchestration.peak_tree import _tree
from orchestration.project import last_build_artifact

MiB = 2**20


def _ts(text: str) -> float:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=dt.timezone.utc).timestamp()


def node_spans(run_results: dict) -> list[tuple[float, float, str]]:
    """(start, end, unique_id) of every node, from its compile start to its execute end."""
    spans = []
    for r in run_results.get("results", []):
        timing = {t["name"]: t for t in r.get("timing", [])}
        run = timing.get("execute")
        if run and run.get("started_at") and run.get("completed_at"):
            spans.append((_ts(timing.get("compile", run)["started_at"]), _ts(run["completed_at"]), r["unique_id"]))
    return spans


def rises(samples: list[tuple[float, int]], spans: list[tuple[float, float, str]]) -> list[tuple[int, int, str, float]]:
    """(highest RSS while the node ran, rise over the RSS at its start, unique_id, seconds),
    largest rise first. ``samples``: (time, RSS bytes) in time order."""
    out = []
    for start, end, uid in spans:
        inside = [rss for t, rss in samples if start <= t <= end]
        if not inside:
            continue
        before = [rss for t, rss in samples if t <= start]
        out.append((max(inside), max(inside) - (before[-1] if before else 0), uid, end - start))
    return sorted(out, key=lambda r: -r[1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--interval", type=float, default=0.5)
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("cmd", nargs=argparse.REMAINDER, help="the build command, after --")
    args = ap.parse_args(argv)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        ap.error("give the command to run after --")
    proc = subprocess.Popen(cmd)
    dbt_samples, tree_peak = [], 0
    while proc.poll() is None:
        tree = _tree(proc.pid)
        tree_peak = max(tree_peak, sum(rss for _, rss in tree.values()))
        dbt_samples.append((time.time(), sum(rss for name, rss in tree.values() if name == "dbt")))
        time.sleep(args.interval)
    top = rises(dbt_samples, node_spans(json.loads(last_build_artifact("run_results.json").read_text())))
    print(f"node_memory: exit {proc.returncode}, peak tree RSS {tree_peak / MiB:,.0f} MiB, "
          f"peak dbt RSS {max((r for _, r in dbt_samples), default=0) / MiB:,.0f} MiB")
    for high, rise, uid, secs in top[: args.top]:
        print(f"  {rise / MiB:+7,.0f} MiB to {high / MiB:7,.0f} MiB  {secs:6.1f} s  {uid}")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
