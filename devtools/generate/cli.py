"""``revops generate``: command-line entry of the sample-data generator."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

DEFAULT_OUT = Path("data/landing")


def _date(s: str) -> dt.date:
    try:
        return dt.date.fromisoformat(s)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {s!r}") from e


def _positive(s: str) -> int:
    n = int(s)
    if n < 1:
        raise argparse.ArgumentTypeError("must be >= 1")
    return n


def parser(prog: str = "revops generate") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog,
        description="Write a deterministic sample landing folder (all five sources, about three years of "
                    "history up to --end-date) and _meta/ground_truth.json.")
    p.add_argument("--accounts", type=_positive, default=2000, help="number of CRM Accounts (default 2000)")
    p.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    p.add_argument("--end-date", type=_date, default=None,
                   help="last day with events, YYYY-MM-DD (default: today, UTC)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"landing folder to write (default {DEFAULT_OUT})")
    p.add_argument("--vocabulary", choices=("full", "small"), default="full",
                   help="name lists: full (default) or small, a few words only, so the random company and "
                        "people names run out early and the numbered variants are used (for tests)")
    p.add_argument("--quiet", action="store_true", help="print nothing on success")
    return p


def main(argv: list[str] | None = None) -> int:
    from .core import generate

    args = parser().parse_args(argv)
    end = args.end_date or dt.datetime.now(dt.timezone.utc).date()
    t = time.perf_counter()
    summary = generate(args.out, accounts=args.accounts, seed=args.seed, end_date=end, vocabulary=args.vocabulary)
    if not args.quiet:
        summary["seconds"] = round(time.perf_counter() - t, 2)
        json.dump(summary, sys.stdout, indent=2)
        sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
