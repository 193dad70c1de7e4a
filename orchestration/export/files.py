"""What an export file is, before it is written: its name, the tool and operation it is for, its
header and rows (already formatted as text), and the limits of that tool."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_rows: int | None  # data rows per file, header not counted
    max_bytes: int | None  # bytes per file, header included


# Salesforce Bulk API 2.0, "Upload Job Data" / "Prepare CSV Files": a request may carry at most
# 150 MB once base64-encoded, so upload at most 100 MB of CSV; there is no per-file row limit
# (the daily allocation of 150,000,000 records is not a file limit). Data Loader reads the same
# files. 100 MB is taken as 100,000,000 bytes, the smaller reading.
SALESFORCE = Limits(max_rows=None, max_bytes=100_000_000)

# HubSpot "Set up import files": 1,048,576 rows per file (the header row counted, as in a
# spreadsheet) on paid subscriptions and 20 MB per file with HubSpot's free tools (512 MB on
# Starter and above). The free-tools size is the default so that every account can load the
# files; REVOPS_EXPORT_MAX_BYTES raises it for a paid account.
HUBSPOT = Limits(max_rows=1_048_575, max_bytes=20_000_000)


@dataclass(frozen=True)
class ExportFile:
    folder: str  # salesforce or hubspot
    stem: str  # file name without _partNNN.csv
    tool: str
    object: str
    operation: str
    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    limits: Limits
