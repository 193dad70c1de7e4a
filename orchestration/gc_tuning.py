"""Python's cyclic garbage collector, tuned for a short-lived process that imports Dagster, dbt
and GX (a few million long-lived objects) and then makes few cycles.

Measured on an empty forced build (decision 118): with the default
thresholds (700, 10, 10) the CLI process spent 1.65 s in 1,578 collections, 8 of them full ones
that walk every imported object; and at exit the interpreter's last full collection took 2.0 s
more, after the summary was printed. With a larger first generation and everything frozen before
exit: 0.5 s in 20 collections, and 0.1 s from the last line to the exit.
"""

from __future__ import annotations

import contextlib
import gc

# A collection of the youngest generation every 50,000 allocations net of frees, not every 700:
# the garbage this process makes is mostly acyclic (freed by reference counting anyway).
THRESHOLDS = (50_000, 20, 100)


def tune_for_short_process() -> None:
    gc.set_threshold(*THRESHOLDS)


PYTHON_DEFAULTS = (700, 10, 10)


@contextlib.contextmanager
def python_defaults():
    """Python's own thresholds for a while: loading landing files makes cyclic garbage that holds
    large buffers but few container objects, so under THRESHOLDS a collection came too seldom to
    free it. Ingesting 100,000 accounts (`python -m orchestration.peak_tree`, decision 125) peaked
    at 5.85 GB with THRESHOLDS and 2.73 GB with these."""
    saved = gc.get_threshold()
    gc.set_threshold(*PYTHON_DEFAULTS)
    try:
        yield
    finally:
        gc.set_threshold(*saved)


def skip_collection_at_exit() -> None:
    """Move every live object to the permanent generation, which no collection walks, so the
    interpreter's final collection has nothing to scan. Finalizers and atexit still run."""
    gc.freeze()
