"""Deterministic sample-data generator for the landing contract (docs/landing.md).

    from devtools.generate import generate
    generate(Path("data/landing"), accounts=2000, seed=42, end_date=date(2025, 6, 30))

or ``revops generate --accounts N --seed S --end-date YYYY-MM-DD --out DIR`` (see ``main``).
Writes ``<out>/<source>/<object>/YYYY-MM-DD_<object>.<csv|jsonl>`` extracts and
``<out>/_meta/ground_truth.json`` (what was injected, for tests).
"""

from .cli import main
from .core import generate

__all__ = ["generate", "main"]
