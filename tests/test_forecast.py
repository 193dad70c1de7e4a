"""The MRR forecast method (orchestration/forecast.py) as a pure function."""

from __future__ import annotations

import numpy as np

from orchestration.forecast import FALLBACK, METHOD, forecast


def _series(n=30):
    t = np.arange(n)
    return 10_000 + 400 * t + 300 * np.sin(2 * np.pi * t / 12) + 150 * np.cos(1.7 * t)


def test_same_input_same_numbers():
    a, b = forecast(_series(), 12), forecast(_series(), 12)
    assert a["method"] == b["method"] == METHOD
    for k in ("forecast", "lower_80", "upper_80", "lower_95", "upper_95"):
        assert np.array_equal(a[k], b[k]), k


def test_intervals_nest_and_widen():
    r = forecast(_series(), 12)
    assert np.all(r["lower_95"] <= r["lower_80"]) and np.all(r["lower_80"] <= r["forecast"])
    assert np.all(r["forecast"] <= r["upper_80"]) and np.all(r["upper_80"] <= r["upper_95"])
    width = r["upper_95"] - r["lower_95"]
    assert np.all(np.diff(width) > 0)
    # a steady upward trend is carried on
    assert r["forecast"][-1] > _series()[-1]


def test_short_or_flat_series_falls_back_to_the_last_value():
    for y in ([100.0, 200.0, 300.0], [500.0] * 20):
        r = forecast(y, 3)
        assert r["method"] == FALLBACK
        assert np.array_equal(r["forecast"], np.full(3, y[-1])) and np.array_equal(r["upper_95"], r["lower_95"])
