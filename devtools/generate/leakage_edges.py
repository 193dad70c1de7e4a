"""Planted grace-window edges in the sample data (metrics.md 9, billing_grace_days = 30).

A few won New Business deals (judged, no trial, billed through a metadata link) start billing
exactly 30 days after CloseDate - the last day of the window, so no finding - or 31 days after,
just outside it, so `won_not_billed`. Drawn from their own random stream, so the rest of the
generated data keeps its random draws. Recorded in the ground truth under `dirt.leakage_edges`
(kept apart from `dirt.won_not_billed`, whose entries have no billing customer at all).
"""

from __future__ import annotations

import random

from .util import DAY

GRACE_DAYS = 30
SHARE = 0.03  # of eligible deals, split evenly between inside and outside


def billing_start(crm, opportunity_id: str, close_t: int, start: int, deal: dict, link: str, clean: bool) -> int:
    """The subscription start for a deal: ``start`` unchanged, or a planted edge."""
    state = crm.__dict__.setdefault("_leakage_edges", {"rng": random.Random(f"{crm.ctx.seed}|leakage_edges"),
                                                        "edges": []})
    close_day = close_t // DAY
    if clean or link != "metadata" or deal.get("trial") or close_day + GRACE_DAYS + 15 >= crm.c.tend // DAY:
        return start
    draw = state["rng"].random()
    if draw >= SHARE:
        return start
    offset = GRACE_DAYS if draw < SHARE / 2 else GRACE_DAYS + 1
    new_start = (close_day + offset) * DAY + (start % DAY)
    state["edges"].append({"opportunity_id": opportunity_id, "close_date": crm.ds(close_t),
                           "billing_start": crm.ds(new_start), "days_after_close": offset,
                           "expected": "won_not_billed" if offset > GRACE_DAYS else "none_or_contract_check"})
    return new_start


def is_late(crm, opportunity_id: str) -> bool:
    """True when the deal was planted just outside the window (its finding is won_not_billed)."""
    state = crm.__dict__.get("_leakage_edges")
    return bool(state) and any(e["opportunity_id"] == opportunity_id and e["days_after_close"] > GRACE_DAYS
                               for e in state["edges"][-3:])


def truth(crm) -> list[dict]:
    state = crm.__dict__.get("_leakage_edges")
    return sorted(state["edges"], key=lambda e: e["opportunity_id"]) if state else []
