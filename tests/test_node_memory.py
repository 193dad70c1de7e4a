"""devtools.node_memory lays memory samples over dbt's node times (pure functions, no build)."""

from __future__ import annotations

from devtools.node_memory import node_spans, rises


def _result(uid: str, start: str, end: str) -> dict:
    return {"unique_id": uid, "timing": [{"name": "compile", "started_at": start, "completed_at": start},
                                         {"name": "execute", "started_at": start, "completed_at": end}]}


def test_the_node_during_which_memory_rose_most_comes_first():
    rr = {"results": [_result("model.a", "2026-01-01T00:00:00Z", "2026-01-01T00:00:10Z"),
                      _result("model.b", "2026-01-01T00:00:10Z", "2026-01-01T00:00:20Z"),
                      {"unique_id": "test.skipped", "timing": []}]}
    spans = node_spans(rr)
    assert [s[2] for s in spans] == ["model.a", "model.b"] and spans[0][1] - spans[0][0] == 10
    t0 = spans[0][0]
    # a: 100 -> 300 (+200); b starts at 300 and peaks at 900 (+600)
    samples = [(t0 + t, rss) for t, rss in [(0, 100), (5, 300), (10, 300), (15, 900), (20, 400)]]
    top = rises(samples, spans)
    assert [(uid, rise, high) for high, rise, uid, _ in top] == [("model.b", 600, 900), ("model.a", 200, 300)]
