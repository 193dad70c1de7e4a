"""Where a build's dbt time went: node execution times from the newest ``run_results.json``.

Usage: ``python -m devtools.node_times [--run-results FILE] [--top N] [PATH_PART ...]``. Prints the
dbt wall time, the summed node time, and for the nodes whose file path (a test: the files of the
models it tests) contains one of the PATH_PARTs, their count and summed time with the largest
ones: "the build time these marts add". Run it right after ``revops build``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from orchestration.project import last_build_artifact, read_manifest


def node_files(manifest: dict, uid: str) -> str:
    node = manifest["nodes"].get(uid) or manifest.get("unit_tests", {}).get(uid) or {}
    if uid.startswith("test."):
        deps = node.get("depends_on", {}).get("nodes", [])
        return " ".join(manifest["nodes"][d].get("original_file_path", "") for d in deps if d in manifest["nodes"])
    return f"{node.get('original_file_path', '')} {uid}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m devtools.node_times", description=__doc__.splitlines()[0])
    ap.add_argument("--run-results", type=Path)
    ap.add_argument("--top", type=int, default=8)
    ap.add_argument("parts", nargs="*", help="path parts selecting nodes, e.g. models/marts/dq")
    args = ap.parse_args(argv)
    try:
        rr = json.loads((args.run_results or last_build_artifact("run_results.json")).read_text())
    except FileNotFoundError as exc:
        raise SystemExit(str(exc)) from None
    manifest = read_manifest()
    results = rr["results"]
    total = sum(r["execution_time"] for r in results)
    print(f"dbt: {len(results)} nodes, wall {rr['elapsed_time']:.1f} s, summed node time {total:.1f} s")
    if args.parts:
        sel = [r for r in results if any(p in node_files(manifest, r["unique_id"]) for p in args.parts)]
        print(f"selected: {len(sel)} nodes, summed node time {sum(r['execution_time'] for r in sel):.1f} s "
              f"({100 * sum(r['execution_time'] for r in sel) / total:.0f}%)")
        for r in sorted(sel, key=lambda r: -r["execution_time"])[: args.top]:
            print(f"  {r['execution_time']:6.1f} s  {r['unique_id']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
