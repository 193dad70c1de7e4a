"""`revops docs`: dbt's documentation site (lineage, every model and column described)."""

from __future__ import annotations

from pathlib import Path


def docs_dir(warehouse: Path) -> Path:
    """Where the docs site of a published warehouse is written: beside it, private to it."""
    return warehouse.with_name(f".{warehouse.stem}.docs")


def generate_docs(warehouse: Path) -> Path:
    raise NotImplementedError


def serve_docs(site: Path, host: str, port: int) -> int:
    raise NotImplementedError
