"""Peak memory of a whole process tree: ``python -m orchestration.peak_tree -- CMD ARGS...``.

wait4() and ``/usr/bin/time -v`` report the largest resident set of any *single* process, but a
build is several at once (the CLI with Dagster, dbt, its threads' allocations). This samples the
summed RSS of the command and all its descendants from /proc every ``--interval`` seconds and
prints the peak of the sum, the peak of each process name, the wall time and the exit code.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree(root: int) -> dict[int, tuple[str, int]]:
    """pid -> (name, RSS bytes) for ``root`` and its descendants."""
    parents: dict[int, int] = {}
    info: dict[int, tuple[str, int]] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            rss_pages = int((d / "statm").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        parents[int(d.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        info[int(d.name)] = (name, rss_pages * PAGE)
    tree, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in info and pid not in tree:
            tree[pid] = info[pid]
            todo.extend(c for c, p in parents.items() if p == pid)
    return tree


def measure_tree(cmd: list[str], interval: float = 0.2, **popen) -> dict:
    """Run ``cmd``: its exit code, wall seconds, the peak of the summed RSS of its tree (bytes,
    and when), and the peak RSS of each process name."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, **popen)
    peak, peak_at, by_name = 0, 0.0, {}
    while proc.poll() is None:
        tree = _tree(proc.pid)
        total = sum(rss for _, rss in tree.values())
        if total > peak:
            peak, peak_at = total, time.perf_counter() - t0
        for name, rss in tree.values():
            by_name[name] = max(by_name.get(name, 0), rss)
        time.sleep(interval)
    return {"exit": proc.returncode, "wall": time.perf_counter() - t0, "peak": peak, "peak_at": peak_at,
            "by_name": by_name}


def describe(m: dict) -> str:
    return (f"exit {m['exit']}, wall {m['wall']:.1f} s, peak tree RSS {m['peak'] / 2**20:,.0f} MiB "
            f"(at {m['peak_at']:.1f} s); per process name: "
            + ", ".join(f"{n} {v / 2**20:,.0f} MiB" for n, v in sorted(m["by_name"].items(), key=lambda kv: -kv[1])))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="peak_tree", description=__doc__.splitlines()[0])
    p.add_argument("--interval", type=float, default=0.2)
    p.add_argument("cmd", nargs=argparse.REMAINDER)
    args = p.parse_args(argv)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        p.error("no command given")
    m = measure_tree(cmd, args.interval)
    print(f"peak_tree: {describe(m)}", file=sys.stderr)
    return m["exit"]


if __name__ == "__main__":
    sys.exit(main())
