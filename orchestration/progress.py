"""Short progress lines for the CLI. Assets call ``say``; it prints only in a process where the
CLI turned it on (``configure``), so runs launched from the UI stay quiet apart from Dagster's
own logs."""

from __future__ import annotations

import sys
import time

_T0 = time.perf_counter()
_state = {"cli": False, "show": False}


def configure(cli: bool, show: bool) -> None:
    """``cli``: this process is ``revops build`` (it prints its own summary, so the raw dbt log is
    not echoed); ``show``: print progress lines."""
    _state.update(cli=cli, show=show)


def in_cli() -> bool:
    return _state["cli"]


def say(msg: str) -> None:
    if _state["show"]:
        print(f"[{time.perf_counter() - _T0:6.1f}s] {msg}", file=sys.stderr, flush=True)
