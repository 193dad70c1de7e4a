"""Planted best send slots for ``marts.email_send_time`` (metrics.md 11).

Every Industry segment gets a known local slot (ISO weekday, local hour), all different, and the
segment 'unknown' (Contacts of Accounts without an Industry) one more whose hour no background
campaign reaches in any generated country's zone; it also becomes the best slot of 'all'. Each
planted segment receives a few extra HubSpot campaigns whose SENT events land at that local slot
in every recipient's own IANA zone (the same seed file and country resolution as the mart, so DST
follows the zone's rules), with a click rate far above the background's (~0.04): 0.5 for an
Industry, 0.9 for 'unknown' (so 'all' picks the 'unknown' slot over every Industry slot).

Recipients are chosen so the mart resolves them exactly as planned: live Contacts with a clean
address (syntax-valid, no role/disposable/typo domain) whose normalised email is held by no other
Contact (deleted or not) and by no planted duplicate cluster, on a live Account whose
BillingCountry the seed matches. A segment is planted (and recorded in the truth) only when its
campaigns reach at least ``2 * MIN_MESSAGES`` messages. Everything here draws from its own random
stream, writes only email events (no touches), so every other generated file stays identical.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path
from zoneinfo import ZoneInfo

from . import vocab as V
from .marketing import EMAIL_SEND_HOURS_UTC, PORTAL, open_fields
from .util import DAY, normalise_email, valid_syntax

SEED_FILE = Path(__file__).resolve().parents[2] / "seeds" / "country_timezones.csv"
MIN_MESSAGES = 30  # dbt var send_time_min_messages (default)
P_OPEN = {"industry": 0.7, "unknown": 0.95}
P_CLICK = {"industry": 0.5, "unknown": 0.9}  # overall click rate (CLICK only after an OPEN)
MAX_CAMPAIGNS = 4  # per segment; 2 normally, more only when a segment is small
SHARE = 0.5  # of the eligible recipients each campaign goes to (all of them up to FLOOR)
FLOOR = 80
FIRST_CAMPAIGN_ID = 82_000_000  # background campaign ids stay below 81_240_000
UTC = dt.timezone.utc


def load_zones(path: Path = SEED_FILE) -> tuple[dict[str, str], dict[str, str]]:
    """(lower(trim(country)) -> zone, upper(trim(iso2)) -> min zone): the mart's two lookups."""
    by_name: dict[str, str] = {}
    by_iso: dict[str, str] = {}
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            by_name.setdefault(row["country"].strip().lower(), row["time_zone"])
            iso = row["iso2"].strip().upper()
            by_iso[iso] = min(by_iso.get(iso, row["time_zone"]), row["time_zone"])
    return by_name, by_iso


def zone_of(country: str, zones) -> str | None:
    by_name, by_iso = zones
    c = (country or "").strip()
    if not c:
        return None
    return by_name.get(c.lower()) or by_iso.get(c.upper())


def quiet_hours(clock, zones) -> list[int]:
    """Local hours, fewest first, by how many (zone, day, background send hour) reach them in the
    zones of the generated countries and UTC (recipients without a country)."""
    names = {zone_of(r[0], zones) for r in V.COUNTRIES} | {"UTC"}
    hits = {h: 0 for h in range(24)}
    for name in sorted(n for n in names if n):
        z = ZoneInfo(name)
        for i in range(0, clock.ndays, 7):
            day = dt.datetime.fromtimestamp(clock.t0 + i * DAY, UTC)
            for h in EMAIL_SEND_HOURS_UTC:
                hits[day.replace(hour=h).astimezone(z).hour] += 1
    return sorted(range(24), key=lambda h: (hits[h], h))


def _latest(rec, tend: int):
    row = None
    for t, r in rec.versions:
        if t <= tend:
            row = r
    return row


def eligible_recipients(crm, zones) -> dict[str, list[tuple]]:
    """segment -> [(created t, email, zone name)] in Contact creation order."""
    tend = crm.c.tend
    holders: dict[str, int] = {}
    for rec in crm.contact_recs:
        row = _latest(rec, tend)
        if row is not None and row.get("Email", "").strip():
            n = normalise_email(row["Email"])
            holders[n] = holders.get(n, 0) + 1
    clustered = {n for cl in crm.dup_clusters for n in cl["norms"]}
    out: dict[str, list[tuple]] = {}
    for rec in crm.contact_recs:
        row = _latest(rec, tend)
        if row is None or row.get("IsDeleted") == "true":
            continue
        email = row.get("Email", "").strip()
        if not email or not valid_syntax(email):
            continue
        norm = normalise_email(email)
        local, _, domain = norm.partition("@")
        if (holders.get(norm) != 1 or norm in clustered or domain in V.DISPOSABLE or domain in V.TYPO_DOMAINS
                or local in V.ROLE_LOCAL):
            continue
        acc = crm.account_recs.get(row.get("AccountId", ""))
        arow = _latest(acc, tend) if acc is not None else None
        if arow is None or arow.get("IsDeleted") == "true":
            continue
        zone = zone_of(arow.get("BillingCountry", ""), zones)
        if zone is None:
            continue
        segment = arow.get("Industry", "").strip() or "unknown"
        out.setdefault(segment, []).append((rec.versions[0][0], email.lower(), zone))
    return out


def _slot_date(end: dt.date, weeks_back: int, weekday: int) -> dt.date:
    d = end - dt.timedelta(days=7 * weeks_back)
    return d - dt.timedelta(days=(d.isoweekday() - weekday) % 7)


class SendTimePlanter:
    def __init__(self, ctx, rng):
        self.ctx, self.rng, self.clock = ctx, rng, ctx.clock
        self.sink = ctx.sinks["marketing/email_events"]
        self.zones = load_zones()
        self.slots: dict[str, dict] = {}
        self.skipped: dict[str, int] = {}
        self.camp_id = FIRST_CAMPAIGN_ID

    def plant(self, crm) -> None:
        rng = self.rng
        candidates = [(wd, h) for wd in range(1, 6) for h in range(8, 18)]
        picks = rng.sample(candidates, len(V.INDUSTRIES))
        plan = {ind: (wd, h, "industry") for ind, (wd, h) in zip(V.INDUSTRIES, picks)}
        quiet = quiet_hours(self.clock, self.zones)[0]
        plan["unknown"] = (rng.randrange(1, 6), quiet, "unknown")
        pools = eligible_recipients(crm, self.zones)
        for segment in (*V.INDUSTRIES, "unknown"):
            wd, h, kind = plan[segment]
            self._plant_segment(segment, wd, h, kind, pools.get(segment, []))
        if "unknown" in self.slots:
            u = self.slots["unknown"]
            self.slots["all"] = {"weekday": u["weekday"], "local_hour": u["local_hour"], "via": "unknown"}

    def _plant_segment(self, segment, wd, h, kind, pool) -> None:
        rng, c = self.rng, self.clock
        # campaigns a quarter apart going back from ~5 weeks before end_date: one in summer
        # time and one in standard time for the zones with DST
        sends = []
        for j in range(MAX_CAMPAIGNS):
            d = _slot_date(c.end, 5 + 13 * j, wd)
            if dt.datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp() < c.t0 + 2 * DAY:
                break
            elig = [p for p in pool if p[0] < dt.datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp() - DAY]
            m = len(elig) if len(elig) <= FLOOR else max(FLOOR, round(SHARE * len(elig)))
            sends.append((d, sorted(rng.sample(range(len(elig)), m)), elig))
            total = sum(len(s[1]) for s in sends)
            if j >= 1 and total >= 2 * MIN_MESSAGES:
                break
        total = sum(len(s[1]) for s in sends)
        if total < 2 * MIN_MESSAGES:
            self.skipped[segment] = total
            return
        messages = opened = clicked = 0
        zones: dict[str, int] = {}
        campaigns = []
        for d, picks, elig in sends:
            self.camp_id += 1
            cid = self.camp_id
            sender = {"id": f"{rng.getrandbits(128):032x}", "created": None}
            subject = f"QuantaFlow for {segment if kind == 'industry' else 'your team'} - {d:%B %Y}"
            n_sent = 0
            for i in picks:
                _t, email, zname = elig[i]
                z = ZoneInfo(zname)
                local = dt.datetime(d.year, d.month, d.day, h, rng.randrange(45), rng.randrange(60), tzinfo=z)
                t_s = int(local.astimezone(UTC).timestamp())
                back = dt.datetime.fromtimestamp(t_s, UTC).astimezone(z)
                if (back.isoweekday(), back.hour) != (wd, h) or t_s > c.tend:
                    continue  # a DST gap (never for the planted hours) or past the window
                if sender["created"] is None:
                    sender["created"] = t_s * 1000
                base = {"appId": 113, "appName": "BatchEmail", "emailCampaignGroupId": cid // 10,
                        "emailCampaignId": cid, "portalId": PORTAL, "recipient": email, "sentBy": sender}
                self._ev(base, "SENT", t_s, subject=subject, **{"from": "QuantaFlow <news@quantaflow.io>"})
                self._ev(base, "DELIVERED", t_s + rng.randrange(1, 40), response="250 2.0.0 OK", attempt=1)
                n_sent += 1
                zones[zname] = zones.get(zname, 0) + 1
                if rng.random() < P_OPEN[kind]:
                    t_o = t_s + int(math.exp(rng.gauss(7.5, 1.0)))
                    extra = open_fields(rng.choice(("computer", "computer", "mobile")))
                    opened += self._ev(base, "OPEN", t_o, duration=rng.randrange(800, 40000), **extra)
                    if rng.random() < P_CLICK[kind] / P_OPEN[kind]:
                        clicked += self._ev(base, "CLICK", t_o + rng.randrange(5, 600), url=rng.choice(V.EMAIL_URLS),
                                            **extra)
            messages += n_sent
            campaigns.append({"email_campaign_id": cid, "local_date": d.isoformat(), "messages": n_sent})
        self.slots[segment] = {"weekday": wd, "local_hour": h, "messages": messages, "opened": opened,
                               "clicked": clicked, "campaigns": campaigns,
                               "zones": dict(sorted(zones.items()))}

    def _ev(self, base: dict, etype: str, t: int, **fields) -> bool:
        if t > self.clock.tend:
            return False
        rng = self.rng
        eid = f"{rng.getrandbits(128):032x}"
        eid = f"{eid[:8]}-{eid[8:12]}-4{eid[13:16]}-b{eid[17:20]}-{eid[20:32]}"
        ev = {"id": eid, "created": t * 1000 + rng.randrange(1000), "type": etype}
        ev.update(base)
        ev.update(fields)
        self.sink.add_one(eid, t, ev)
        return True

    def truth(self) -> dict:
        return {
            "min_messages": MIN_MESSAGES,
            "slots": self.slots,
            "not_planted": self.skipped,
            "notes": "planted best send slot per segment of marts.email_send_time (weekday ISO 1 = Monday, "
                     "local_hour in the recipient's zone): extra campaigns (ids from 82000000) at that slot with "
                     f"click rate {P_CLICK['industry']} (Industry segments) / {P_CLICK['unknown']} ('unknown', "
                     "at an hour no background campaign reaches; hence also the best slot of 'all'). "
                     "not_planted: segments whose eligible recipients gave fewer than 2 * min_messages messages",
        }
