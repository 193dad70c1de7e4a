"""Time and peak memory of the linkage step alone (what dq_duplicate_candidates runs).

Usage: ``python -m devtools.bench_linkage --warehouse FILE [--threshold 0.9] [--memory-limit 1GiB]``.
Reads the person records of a built warehouse, then scores them with the stored model as the dbt
model does (which gives scoring half of dbt's memory limit: ``--memory-limit 1GiB`` for the
default 2 GiB; without it DuckDB's own default applies), and prints records, pairs, seconds and
the process's peak resident memory before and after.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from orchestration.dq.linkage import memory_bytes, score
from .train_linkage import load_features


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--warehouse", required=True, type=Path)
    ap.add_argument("--threshold", type=float, default=0.9)
    ap.add_argument("--memory-limit", help="memory_limit of scoring's DuckDB, e.g. 1GiB (spills to a temporary folder)")
    args = ap.parse_args(argv)
    limit = memory_bytes(args.memory_limit) if args.memory_limit else None
    spill = tempfile.mkdtemp(prefix="bench-linkage-") if limit else None
    feats = load_features(args.warehouse)
    import splink  # noqa: F401  (imported before measuring: its import is not the linkage)
    before = _peak_mib()
    t0 = time.perf_counter()
    pairs = score(feats, args.threshold, memory_limit_bytes=limit, spill_to=spill)
    secs = time.perf_counter() - t0
    if spill:
        shutil.rmtree(spill, ignore_errors=True)
    print(f"records {len(feats)}, pairs >= {args.threshold}: {len(pairs)} (probabilities sum "
          f"{pairs['match_probability'].sum():.6f}), linkage {secs:.1f} s, memory limit {args.memory_limit or 'DuckDB default'}, "
          f"peak RSS {before:.0f} MiB before, {_peak_mib():.0f} MiB after")
    return 0


if __name__ == "__main__":
    sys.exit(main())
