"""How much of a landing file the readers will hold, and what a file past a limit is.

Hostile or broken files (a gzip bomb, a line or field of gigabytes) must not exhaust memory, so
every reader streams and stops at these limits. The defaults are far beyond anything a real
export holds (the largest extract of the 20,000-account sample is under 100 MB; the awkward
inputs the project must keep accepting are a 50 MB field and a 100 MB JSON line). A file past a
limit is rejected whole (``audit.load_log`` status ``rejected``, the message naming the limit and
the line) and the rest of the build goes on. They are settings (settings.py ``ENV_SIZES``,
``RevopsSettings``). See docs/decisions.md ("Read limits").
"""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1 << 20
GiB = 1 << 30


@dataclass(frozen=True)
class ReadLimits:
    # Bytes one file may expand to (after gzip; for a plain file, its size). Checked while
    # reading, so a bomb is stopped at the limit, not after.
    max_decompressed_bytes: int = 32 * GiB
    # Bytes of one physical line, of one CSV record (which may span lines inside quotes) and of
    # one JSON Lines record. A valid line is held whole while it is parsed (a few times its size);
    # a line past the limit is rejected by a first pass that keeps nothing (files.scan), so
    # rejecting it costs a few MiB whatever the limit.
    max_line_bytes: int = 256 * MiB
    # One field: a CSV value (counted in characters, which never exceed its bytes) or a Parquet
    # text/binary value (bytes).
    max_field_bytes: int = 128 * MiB
    # Memory DuckDB may use while staging and validating a file; beyond it DuckDB spills to its
    # temporary folder beside the working database instead of growing.
    loader_memory_bytes: int = 2 * GiB

    def __post_init__(self):
        for name in ("max_decompressed_bytes", "max_line_bytes", "max_field_bytes", "loader_memory_bytes"):
            v = getattr(self, name)
            if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
                raise ValueError(f"read limit {name} must be a positive whole number of bytes, got {v!r}")


DEFAULT_LIMITS = ReadLimits()


def size(n: int) -> str:
    """A byte count as people read it: 256 MiB, 1.5 GiB, 900 bytes."""
    for unit, scale in (("GiB", GiB), ("MiB", MiB), ("KiB", 1024)):
        if n >= scale:
            v = n / scale
            return f"{v:.0f} {unit}" if v == int(v) else f"{v:.1f} {unit}"
    return f"{n} bytes"
