"""Time and peak memory of the linkage step alone (what dq_duplicate_candidates runs).

Usage: ``python -m devtools.bench_linkage --warehouse FILE [--threshold 0.9]``. Reads the
person records of a built warehouse, then scores them with the stored model as the dbt model does,
and prints records, pairs, seconds and the process's peak resident memory before and after.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

from orchestration.dq.linkage import score
from .train_linkage import load_features


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--warehouse", required=True, type=Path)
    ap.add_argument("--threshold", type=float, default=0.9)
    args = ap.parse_args(argv)
    feats = load_features(args.warehouse)
    import splink  # noqa: F401  (imported before measuring: its import is not the linkage)
    before = _peak_mib()
    t0 = time.perf_counter()
    pairs = score(feats, args.threshold)
    secs = time.perf_counter() - t0
    print(f"records {len(feats)}, pairs >= {args.threshold}: {len(pairs)}, linkage {secs:.1f} s, "
          f"peak RSS {before:.0f} MiB before, {_peak_mib():.0f} MiB after")
    return 0


if __name__ == "__main__":
    sys.exit(main())
