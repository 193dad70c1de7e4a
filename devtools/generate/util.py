"""Time, ID and formatting helpers shared by the generator modules.

All instants are integer Unix epoch seconds (UTC); calendar work goes through ``datetime.date``
only where months are involved. No wall clock is read anywhere.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
import re
import sys

import numpy as np

DAY = 86400
HOUR = 3600
EPOCH_DATE = dt.date(1970, 1, 1)
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SF_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def epoch(d: dt.date) -> int:
    return (d - EPOCH_DATE).days * DAY


def to_date(t: int) -> dt.date:
    return EPOCH_DATE + dt.timedelta(days=t // DAY)


def add_months_date(d: dt.date, k: int, anchor_day: int | None = None) -> dt.date:
    m = d.month - 1 + k
    y = d.year + m // 12
    m = m % 12 + 1
    day = min(anchor_day or d.day, calendar.monthrange(y, m)[1])
    return dt.date(y, m, day)


def add_months(t: int, k: int) -> int:
    """``t`` plus ``k`` calendar months (Stripe billing-cycle arithmetic: the anchor day is
    clamped to the month's length; computed from the anchor each time, never chained)."""
    d = to_date(t)
    return epoch(add_months_date(d, k)) + t % DAY


def quarter_start(d: dt.date) -> dt.date:
    return dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def month_start(d: dt.date) -> dt.date:
    return dt.date(d.year, d.month, 1)


class Clock:
    """The generated window and fast date/datetime formatting with a per-day string cache."""

    def __init__(self, start: dt.date, end: dt.date):
        self.start = start
        self.end = end
        self.t0 = epoch(start)
        self.tend = epoch(end) + DAY - 1  # events happen up to end_date 23:59:59 UTC
        self.base_day = self.t0 // DAY - 1200
        n = (self.tend // DAY + 2000) - self.base_day
        self._ds = [(EPOCH_DATE + dt.timedelta(days=self.base_day + i)).isoformat() for i in range(n)]
        self.ndays = (end - start).days + 1

    def ds(self, t: int) -> str:
        """YYYY-MM-DD of instant t."""
        i = t // DAY - self.base_day
        if 0 <= i < len(self._ds):
            return self._ds[i]
        return to_date(t).isoformat()

    def sf(self, t: int) -> str:
        """Salesforce export datetime: 2024-03-05T14:22:11.000Z."""
        d, r = divmod(t, DAY)
        h, r = divmod(r, 3600)
        m, s = divmod(r, 60)
        return f"{self.ds(t)}T{h:02d}:{m:02d}:{s:02d}.000Z"

    def iso_offset(self, t: int, offset_h: int) -> str:
        """ISO 8601 with an explicit offset, e.g. 2024-03-05T16:22:11+02:00."""
        lt = t + offset_h * HOUR
        d, r = divmod(lt, DAY)
        h, r = divmod(r, 3600)
        m, s = divmod(r, 60)
        sign = "+" if offset_h >= 0 else "-"
        return f"{self.ds(lt)}T{h:02d}:{m:02d}:{s:02d}{sign}{abs(offset_h):02d}:00"


def b62(n: int, width: int) -> str:
    out = []
    for _ in range(width):
        n, r = divmod(n, 62)
        out.append(B62[r])
    return "".join(reversed(out))


def sf_checksum(id15: str) -> str:
    out = []
    for i in range(3):
        flags = 0
        for j, c in enumerate(id15[5 * i:5 * i + 5]):
            if "A" <= c <= "Z":
                flags |= 1 << j
        out.append(_SF_SUFFIX[flags])
    return "".join(out)


class IntSet:
    """A set of int64 values in 8 bytes each (a Python set of ints takes about 70): a sorted
    array plus a small set of the latest additions, merged into the array when it fills up."""

    RECENT = 1 << 16

    def __init__(self):
        self.sorted = np.empty(0, dtype=np.int64)
        self.recent: set[int] = set()

    def __len__(self) -> int:
        return self.sorted.size + len(self.recent)

    def __contains__(self, n: int) -> bool:
        if n in self.recent:
            return True
        a = self.sorted
        i = int(a.searchsorted(n))
        return i < a.size and int(a[i]) == n

    def add(self, n: int) -> None:
        """Add ``n``, which must not be in the set yet."""
        self.recent.add(n)
        if len(self.recent) >= self.RECENT:
            new = np.fromiter(self.recent, dtype=np.int64, count=len(self.recent))
            new.sort()
            self.sorted = np.insert(self.sorted, self.sorted.searchsorted(new), new)
            self.recent = set()


class SfIds:
    """18-character Salesforce IDs: key prefix + pod + a base-62 counter derived from the
    creation instant (so IDs sort by creation time, like real ones) + case checksum."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: dict[str, IntSet] = {}

    def new(self, prefix: str, t: int) -> str:
        used = self.used.get(prefix)
        if used is None:
            used = self.used[prefix] = IntSet()
        n = max(t, 0) * 64 + self.rng.randrange(64)
        for _ in range(len(used) + 1):  # n, n+1, ..., n+len(used): one of them is free
            if n not in used:
                break
            n += 1
        used.add(n)
        id15 = prefix + "4x0" + b62(n, 9)
        return id15 + sf_checksum(id15)


class StripeIds:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def new(self, prefix: str, n: int = 24) -> str:
        x = self.rng.getrandbits(6 * n)
        out = []
        for _ in range(n):
            x, r = divmod(x, 62)
            out.append(B62[r])
        return prefix + "".join(out)


def money(minor: int, currency: str) -> str:
    """Major-unit decimal string of a minor-unit integer (JPY has no minor unit)."""
    if currency == "jpy":
        return str(minor)
    s = f"{minor / 100:.2f}"
    return s[:-3] if s.endswith(".00") else s


def num(x: float) -> str:
    """Compact decimal: integers without a fraction, else 2 decimals."""
    r = round(x, 2)
    if r == int(r):
        return str(int(r))
    return f"{r:.2f}"


def weighted(rng: random.Random, pairs):
    """Pick a value from ((value, weight), ...)."""
    total = 0.0
    for _, w in pairs:
        total += w
    x = rng.random() * total
    for v, w in pairs:
        x -= w
        if x < 0:
            return v
    return pairs[-1][0]


# --- email normalisation / classification (landing.md "Identity across sources") --------------
_SYNTAX = re.compile(r"^[a-z0-9._%+'\-]+@[a-z0-9\-]+(\.[a-z0-9\-]+)*\.[a-z]{2,}$")


def normalise_email(e: str) -> str:
    """The normalised form of an address (interned: the generator keeps each one in several
    places, one copy is enough)."""
    e = e.strip().lower()
    if e.count("@") != 1:
        return sys.intern(e)
    local, domain = e.split("@")
    if "+" in local:
        local = local[: local.index("+")]
    if domain in ("gmail.com", "googlemail.com"):
        local = local.replace(".", "")
    return sys.intern(f"{local}@{domain}")


def valid_syntax(e: str) -> bool:
    return bool(_SYNTAX.match(e.strip().lower()))


class Quota:
    """Bernoulli draws that guarantee at least one hit per kind once a few candidates were seen,
    so every kind of dirt exists even in tiny datasets (deterministic: no extra state but counts)."""

    def __init__(self, warmup: int = 3):
        self.warmup = warmup
        self.seen: dict[str, int] = {}
        self.hits: dict[str, int] = {}

    def __call__(self, rng: random.Random, kind: str, p: float, warmup: int | None = None) -> bool:
        n = self.seen.get(kind, 0) + 1
        self.seen[kind] = n
        hit = rng.random() < p
        if not hit and self.hits.get(kind, 0) == 0 and n >= (warmup or self.warmup):
            hit = True
        if hit:
            self.hits[kind] = self.hits.get(kind, 0) + 1
        return hit
