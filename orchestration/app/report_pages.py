"""(to be written) pages of the app: see server.Page."""

from __future__ import annotations


def pages(ctx) -> list:
    return []


def register_callbacks(app, ctx) -> None:
    return None
