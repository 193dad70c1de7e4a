"""Short progress lines for the CLI. Assets call ``say``; it prints only when the CLI asked for
it (REVOPS_PROGRESS=1), so runs launched from the UI stay quiet apart from Dagster's own logs."""

from __future__ import annotations

import os
import sys
import time

_T0 = time.perf_counter()


def say(msg: str) -> None:
    if os.environ.get("REVOPS_PROGRESS") == "1":
        print(f"[{time.perf_counter() - _T0:6.1f}s] {msg}", file=sys.stderr, flush=True)
