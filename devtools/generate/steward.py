"""Steward decisions in the sample data: the review grid's verdicts on planted revenue leakage.

A deterministic share of the planted findings gets a decision (some first `confirmed`, later
`dismissed` or `resolved`, so the latest-decision rule shows); the final decision of each finding
is recorded in the ground truth as its expected `review_status`.
"""

from __future__ import annotations

import random

from .util import DAY, HOUR

LEAKAGE_COLUMNS = ("leakage_type", "reference_id", "decision", "decided_by", "decided_at", "note")
STEWARDS = ("maria.lopez@quantaflow.io", "tom.becker@quantaflow.io", "revops-bot")


def make_sinks(sinks) -> None:
    sinks.make("steward", "leakage_decisions", "csv", LEAKAGE_COLUMNS, overlap=0)


def leakage_decisions(clock, seed: int, sink, crm, billing) -> list[dict]:
    """Write decisions for ~15% of the planted findings; returns the final decision per finding."""
    rng = random.Random(f"{seed}|steward")
    tend = clock.tend
    candidates = []
    for f in crm.won_not_billed:
        if f.get("judged"):
            candidates.append(("won_not_billed", f["opportunity_id"], f["close_date"]))
    for f in crm.billed_below:
        candidates.append(("billed_below_contract", f["opportunity_id"], f["close_date"]))
    for inv in billing.unpaid_invoices:
        candidates.append(("unpaid_invoice", inv["id"], None))
    final = []
    for kind, ref, _ in sorted(candidates):
        if rng.random() >= 0.15:
            continue
        t = tend - rng.randrange(2, 60) * DAY - rng.randrange(12 * HOUR)
        steps = [rng.choice(("confirmed", "dismissed", "resolved"))]
        if rng.random() < 0.3:
            steps.insert(0, "confirmed")
        versions = []
        for i, decision in enumerate(steps):
            ti = t + i * (rng.randrange(1, 5) * DAY)
            ti = min(ti, tend - HOUR)
            row = {"leakage_type": kind, "reference_id": ref, "decision": decision,
                   "decided_by": rng.choice(STEWARDS), "decided_at": clock.iso_offset(ti, rng.choice((0, 1, 2, -5))),
                   "note": "" if rng.random() < 0.5 else f"reviewed ({decision})"}
            versions.append((ti, row))
        # each decision is its own row (the grid appends); the key keeps versions apart
        for i, (ti, row) in enumerate(versions):
            sink.add_one(f"{kind}|{ref}|{i}", ti, row)
        final.append({"leakage_type": kind, "reference_id": ref, "review_status": steps[-1]})
    return final
