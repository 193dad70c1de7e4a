"""`revops export`: the warehouse's results as import files for Salesforce and HubSpot.

``write_exports(warehouse, out_dir)`` reads the published warehouse read-only and writes
(docs/exports.md describes each file and how to load it):

- ``salesforce/``: Contact / Lead duplicate update files, merge pairs, Leads to convert into
  their Contact, leakage flags on Opportunities, upsell and cross-sell Tasks;
- ``hubspot/``: contact email verification status, and an opt-out list of invalid and risky
  addresses;
- ``manifest.csv``: every file with its tool, object, operation, part number and data rows.

Every file goes through the splitting writer (split.py) with its tool's documented limits, which
REVOPS_EXPORT_MAX_ROWS / REVOPS_EXPORT_MAX_BYTES replace for every file.

A reader never mixes two exports: the whole export is written into a fresh sibling folder and
swapped in by renames (the old folder is renamed away, the new one into its place, the old one
deleted), so stale parts of a previous export are gone with it. Because the swap replaces the
folder, an existing OUT folder must hold only a previous export (its manifest.csv and the files
it lists); anything else is refused rather than deleted.
"""

from __future__ import annotations

import csv
import os
import shutil
import sys
from dataclasses import replace
from pathlib import Path

import duckdb

from .. import settings
from .files import ExportFile, Limits
from .hubspot import hubspot_files
from .salesforce import salesforce_files
from .split import RowTooLarge, encode_record, write_parts
from .tasks import task_file

MANIFEST = "manifest.csv"
MANIFEST_HEADER = ["file", "tool", "object", "operation", "part", "parts", "rows"]


class ExportRefused(Exception):
    """A condition the user must fix; the message says which."""


def _refuse(message: str):
    print(f"revops: {message}", file=sys.stderr)
    raise SystemExit(2)


def limit_overrides() -> dict:
    """The limits set by REVOPS_EXPORT_MAX_ROWS (data rows) / REVOPS_EXPORT_MAX_BYTES (bytes),
    whole numbers, to replace every file's documented limits; empty when unset."""
    out, given = {}, settings.export_limit_texts()
    for env, key, unit in ((settings.ENV_EXPORT_MAX_ROWS, "max_rows", "rows"),
                           (settings.ENV_EXPORT_MAX_BYTES, "max_bytes", "bytes")):
        text = given.get(env, "")
        if text:
            if not text.isdigit() or int(text) < 1:
                raise ExportRefused(f"{env}={text!r}: expected a whole number of {unit}, at least 1")
            out[key] = int(text)
    return out


def export_files(con: duckdb.DuckDBPyConnection) -> list[ExportFile]:
    return [*salesforce_files(con), task_file(con), *hubspot_files(con)]


def _previous_export(out_dir: Path) -> None:
    """Refuse an OUT folder that holds anything but a previous export."""
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise ExportRefused(f"{out_dir} is not a folder")
    present = {p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file()}
    if not present:
        return
    try:
        with open(out_dir / MANIFEST, newline="", encoding="utf-8") as f:
            records = list(csv.reader(f))
        if not records or records[0] != MANIFEST_HEADER:
            raise ValueError
        listed = {r[0] for r in records[1:]}
    except (OSError, ValueError, IndexError):
        raise ExportRefused(f"{out_dir} is not empty and holds no revops export manifest; "
                            "choose an empty or new folder") from None
    others = sorted(present - listed - {MANIFEST})
    if others:
        raise ExportRefused(f"{out_dir} holds files that are not part of the previous export "
                            f"(e.g. {others[0]}); move them or choose another folder")


def _write_all(files: list[ExportFile], stage: Path, overrides: dict) -> tuple[list[Path], list[list[str]]]:
    written, entries = [], []
    for f in files:
        folder = stage / f.folder
        folder.mkdir(parents=True, exist_ok=True)
        limits: Limits = replace(f.limits, **overrides)
        parts = write_parts(folder, f.stem, f.header, f.rows, max_rows=limits.max_rows, max_bytes=limits.max_bytes)
        for i, part in enumerate(parts, 1):
            rel = part.path.relative_to(stage).as_posix()
            written.append(Path(rel))
            entries.append([rel, f.tool, f.object, f.operation, str(i), str(len(parts)), str(part.rows)])
    return written, entries


def write_exports(warehouse: Path, out_dir: Path) -> list[Path]:
    try:
        overrides = limit_overrides()
        _previous_export(out_dir)
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            files = export_files(con)
        finally:
            con.close()
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        for stale in out_dir.parent.glob(f".{out_dir.name}.export-*"):
            shutil.rmtree(stale, ignore_errors=True)  # left by an export that was killed
        stage = out_dir.with_name(f".{out_dir.name}.export-new-{os.getpid()}")
        stage.mkdir()
        try:
            written, entries = _write_all(files, stage, overrides)
        except RowTooLarge as e:
            shutil.rmtree(stage, ignore_errors=True)
            raise ExportRefused(str(e)) from None
        (stage / MANIFEST).write_bytes(encode_record(MANIFEST_HEADER) + b"".join(encode_record(e) for e in entries))
        old = out_dir.with_name(f".{out_dir.name}.export-old-{os.getpid()}")
        if out_dir.exists():
            os.replace(out_dir, old)
        os.replace(stage, out_dir)
        shutil.rmtree(old, ignore_errors=True)
    except ExportRefused as e:
        _refuse(str(e))
    return [out_dir / p for p in written]
