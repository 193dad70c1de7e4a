"""Finance sources: daily FX rates (business days) and monthly go-to-market expenses."""

from __future__ import annotations

import math
import random

from .util import DAY, Clock, add_months_date, epoch, to_date

# usd_per_unit starting level, yearly drift amplitude of the slow trend
FX_SPEC = {"eur": (1.085, 0.045), "gbp": (1.265, 0.04), "jpy": (0.00705, 0.07)}
FX_DECIMALS = {"eur": 6, "gbp": 6, "jpy": 8}


class Fx:
    """A mean-reverting random walk around a slow trend, published on business days only.
    ``rate(cur, t)`` is the rate a reader derives for the date of t: the latest published one
    at or before it (landing.md), exactly as written in the file."""

    def __init__(self, clock: Clock, rng: random.Random):
        self.clock = clock
        self.first_day = clock.t0 // DAY - 30
        last_day = clock.tend // DAY
        self.n = last_day - self.first_day + 1
        self.eff: dict[str, list[float]] = {}
        self.rows: list[tuple[int, str, str]] = []  # (t, CURRENCY, value)
        for cur, (level, amp) in FX_SPEC.items():
            phase = rng.uniform(0, 2 * math.pi)
            period = rng.uniform(700, 1100)
            x = math.log(level)
            eff = []
            last = None
            for i in range(self.n):
                day = self.first_day + i
                target = math.log(level) + amp * math.sin(2 * math.pi * i / period + phase)
                x += 0.03 * (target - x) + rng.gauss(0, 0.0011)
                weekday = (day + 3) % 7  # 1970-01-01 was a Thursday -> 0 = Monday
                if weekday < 5 or last is None:
                    val = round(math.exp(x), FX_DECIMALS[cur])
                    last = val
                    self.rows.append((day * DAY, cur.upper(), f"{val:.{FX_DECIMALS[cur]}f}"))
                eff.append(last)
            self.eff[cur] = eff

    def rate(self, cur: str, t: int) -> float:
        cur = cur.lower()
        if cur == "usd":
            return 1.0
        i = t // DAY - self.first_day
        eff = self.eff[cur]
        return eff[min(max(i, 0), len(eff) - 1)]

    def write(self, sink) -> None:
        for t, cur, val in self.rows:
            sink.add_one(f"{t}|{cur}", t + 16 * 3600, {"date": self.clock.ds(t), "currency": cur,
                                                        "usd_per_unit": val})


def gtm_expenses(clock: Clock, rng: random.Random, sink, headcount, paying_at, season) -> int:
    """Monthly expense lines per department x category (USD, plus the EU sales team in EUR).
    ``headcount(t, role)`` counts active users of a role; ``paying_at(t)`` paying customers."""
    rows = 0
    d = clock.start
    while d <= clock.end:
        t = epoch(d)
        mid = t + 14 * DAY
        ae, sdr, mgr, mkt = (headcount(mid, r) for r in ("ae", "sdr", "manager", "marketing"))
        paying = paying_at(mid)
        noise = lambda s=0.06: math.exp(rng.gauss(0, s))  # noqa: E731
        ev_mult = 2.6 if d.month in (3, 6, 9, 10) else 0.6
        lines = [
            ("sales", "salaries", (ae * 10500 + sdr * 6200 + mgr * 14500) * 0.82 * noise(0.02), "USD"),
            ("sales", "salaries", (ae * 10500 + sdr * 6200) * 0.18 / 1.08 * noise(0.02), "EUR"),
            ("sales", "tools", (ae + sdr + mgr) * 165 * noise(0.03), "USD"),
            ("sales", "events", (ae + sdr) * 300 * noise(0.4) * season[d.month - 1], "USD"),
            ("sales", "other", (ae + sdr) * 420 * noise(0.25), "USD"),
            ("marketing", "salaries", mkt * 9800 * noise(0.02), "USD"),
            ("marketing", "tools", (2500 + mkt * 600) * noise(0.05), "USD"),
            ("marketing", "agencies", (4000 + mkt * 2500) * noise(0.3), "USD"),
            ("marketing", "events", (3000 + mkt * 2200) * ev_mult * noise(0.3), "USD"),
            ("marketing", "other", (800 + mkt * 300) * noise(0.3), "USD"),
            ("customer_success", "salaries", (max(1, paying // 45) * 8200) * noise(0.02), "USD"),
            ("customer_success", "tools", (600 + paying * 9) * noise(0.05), "USD"),
            ("customer_success", "other", (200 + paying * 3) * noise(0.3), "USD"),
        ]
        month = f"{d.year:04d}-{d.month:02d}"
        # finance books a month a few days after it ends
        booked = epoch(add_months_date(d, 1)) + 5 * DAY
        if booked > clock.tend:
            break  # the month is not closed yet
        for i, (dept, cat, amount, cur) in enumerate(lines):
            sink.add_one(f"{month}|{i:02d}", booked,
                         {"month": month, "department": dept, "category": cat, "amount": f"{amount:.2f}",
                          "currency": cur})
            rows += 1
        d = add_months_date(d, 1)
        if to_date(epoch(d)) > clock.end:
            break
    return rows
