"""Salesforce record Ids in their 18-character form: the same rule as the sf_id18 macro
(macros/parsing.sql). The three suffix characters encode, per 5-character chunk of the
15-character Id, which characters are upper-case letters, so the Id survives tools that ignore
case (Salesforce "ID Field Type": the API returns 18-character Ids and accepts both)."""

from __future__ import annotations

SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def sf_id18(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip()
    if len(value) != 15:
        return value
    suffix = ""
    for chunk in range(3):
        bits = sum(1 << i for i, c in enumerate(value[chunk * 5:chunk * 5 + 5]) if "A" <= c <= "Z")
        suffix += SUFFIX[bits]
    return value + suffix
