"""Product telemetry: daily active users and events per paying CRM account (vectorised)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .util import DAY, Clock

COLUMNS = ("date", "crm_account_id", "active_users", "events")
CHUNK_ROWS = 100_000


def usage_daily(clock: Clock, rng: np.random.Generator, accounts: list[tuple[str, list]], out: Path,
                labels: list[str], ends: list[int]) -> int:
    """Write usage_daily extracts (one file per monthly extract, rows of the days it covers).

    ``accounts``: (crm account id, [(t_from, t_to or None, seats), ...]) with the seat count of each
    subscription segment; a day is active when a segment covers it."""
    day0 = clock.t0 // DAY
    ndays = clock.tend // DAY - day0 + 1
    weekday = (np.arange(day0, day0 + ndays) + 3) % 7  # 0 = Monday
    wk_factor = np.where(weekday >= 5, 0.22, 1.0)
    acc_ids = sorted({a for a, _ in accounts})
    acc_index = {a: i for i, a in enumerate(acc_ids)}
    per_account = []  # (account index, days, active users, events) as compact int32 arrays
    for acc, segments in accounts:
        seats = np.zeros(ndays, dtype=np.int64)
        for t_from, t_to, q in segments:
            a = max(0, t_from // DAY - day0)
            b = ndays if (t_to is None or t_to > clock.tend) else max(0, t_to // DAY - day0)
            if b > a:
                seats[a:b] = np.maximum(seats[a:b], q)
        days = np.nonzero(seats)[0]
        if days.size == 0:
            continue
        n = days.size
        # adoption ramps up over the first weeks, then drifts; some accounts outgrow their seats
        base = rng.uniform(0.4, 0.95)
        if rng.random() < 0.1:
            base = rng.uniform(0.95, 1.15)
        ramp = np.minimum(1.0, 0.35 + np.arange(n) / 45.0)
        drift = np.cumsum(rng.normal(0, 0.01, n))
        util = np.clip(base * ramp + drift, 0.05, 1.2)
        s = seats[days]
        active = np.rint(s * util * wk_factor[days] * rng.lognormal(0, 0.08, n)).astype(np.int64)
        active = np.clip(active, 0, np.ceil(s * 1.2).astype(np.int64))
        events = np.rint(active * rng.lognormal(3.3, 0.35, n)).astype(np.int64)
        per_account.append((acc_index[acc], days.astype(np.int32), active.astype(np.int32),
                            events.astype(np.int32)))
    folder = out / "product" / "usage_daily"
    folder.mkdir(parents=True, exist_ok=True)
    header = ",".join(COLUMNS) + "\n"
    date_str = [clock.ds((day0 + i) * DAY) for i in range(ndays)]
    # extract k holds the days after extract k-1's snapshot up to its own
    bounds = [-1] + [e // DAY - day0 for e in ends]
    rows = 0
    for k, label in enumerate(labels):
        lo, hi = bounds[k] + 1, bounds[k + 1] + 1
        parts = []
        for ai, days, active, events in per_account:
            i0, i1 = np.searchsorted(days, lo), np.searchsorted(days, hi)
            if i1 > i0:
                parts.append((ai, days[i0:i1], active[i0:i1], events[i0:i1]))
        if not parts:
            continue
        day = np.concatenate([p[1] for p in parts])
        acc = np.concatenate([np.full(p[1].size, p[0], dtype=np.int32) for p in parts])
        au = np.concatenate([p[2] for p in parts])
        ev = np.concatenate([p[3] for p in parts])
        order = np.lexsort((acc, day))
        day, acc, au, ev = day[order], acc[order], au[order], ev[order]
        with open(folder / f"{label}_usage_daily.csv", "w", encoding="utf-8", newline="") as f:
            f.write(header)
            for i in range(0, order.size, CHUNK_ROWS):  # a chunk of lines at a time: bounded memory
                j = i + CHUNK_ROWS
                f.write("".join(f"{date_str[d]},{acc_ids[a]},{u},{e}\n" for d, a, u, e in
                                zip(day[i:j].tolist(), acc[i:j].tolist(), au[i:j].tolist(), ev[i:j].tolist())))
        rows += order.size
    if rows == 0:
        (folder / f"{labels[-1]}_usage_daily.csv").write_text(header, encoding="utf-8")
    return rows
