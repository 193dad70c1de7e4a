"""Marketing sources: web/form touches, daily ad spend, HubSpot email events."""

from __future__ import annotations

import bisect
import math

from . import vocab as V
from .util import DAY, HOUR, add_months, epoch, month_start, normalise_email, to_date, valid_syntax

TOUCH_COLUMNS = ("touch_id", "occurred_at", "touch_type", "channel", "anonymous_id", "email",
                 "utm_source", "utm_medium", "utm_campaign", "page_url", "referrer")
AD_COLUMNS = ("date", "platform", "account_id", "campaign_id", "campaign_name", "impressions", "clicks",
              "spend", "currency", "channel", "utm_campaign")
# free-text channel values a paid touch may carry, consistent with its utm_source
PAID_TEXT = {"google": ("Paid Search", "paid_search", "cpc", "google / cpc"),
             "bing": ("Paid Search", "paid_search", "cpc", "bing / cpc"),
             "linkedin": ("Paid Social", "paid_social", "linkedin / paid"),
             "facebook": ("Paid Social", "paid_social", "facebook / paid")}
CPM = {"google_ads": 28.0, "bing_ads": 19.0, "linkedin_ads": 62.0, "meta_ads": 9.5}
CTR = {"google_ads": 0.045, "bing_ads": 0.038, "linkedin_ads": 0.007, "meta_ads": 0.011}
# the UTC hours the background email campaigns go out at (send_time.py plants around them)
EMAIL_SEND_HOURS_UTC = (7, 9, 13, 14, 15, 16, 18)


PORTAL = 4455667  # the HubSpot portal of every generated email event


class Marketing:
    def __init__(self, ctx):
        self.ctx = ctx
        self.clock = ctx.clock
        self.rng = ctx.rng_marketing
        self.s_touches = ctx.sinks["marketing/touches"]
        self.s_ads = ctx.sinks["marketing/ad_spend"]
        self.s_email = ctx.sinks["marketing/email_events"]
        self.touch_min: dict[str, tuple] = {}  # normalised email -> (t, touch_id, canonical channel)
        self.audience: list[tuple] = []  # (t_created, email, offset_h, quality)
        self.counts = {"touches": 0, "ad_spend": 0, "email_events": 0}
        # paid campaigns by canonical channel: (first_t, last_t, platform, campaign utm)
        self.paid: dict[str, list] = {"paid_search": [], "paid_social": []}
        c = self.clock
        for platform, _acct, _cur, camps in V.AD_PLATFORMS:
            ch = "paid_search" if platform in ("google_ads", "bing_ads") else "paid_social"
            for cid, name, utm, override, share, m0, m1 in camps:
                t_a = add_months(c.t0, m0)
                t_b = add_months(c.t0, m1) if m1 is not None else c.tend + 400 * DAY
                if override in (None, "paid_search", "paid_social"):
                    self.paid[ch].append((t_a, t_b, platform, utm))

    # ------------------------------------------------------------------ touches
    def _touch_id(self) -> str:
        return f"t_{self.rng.getrandbits(64):016x}"

    def touch(self, t: int, ttype: str, canonical: str, *, email: str = "", anon: str = "",
              offset_h: int = 0, utm=None, page: str = "", referrer: str = "", norm: str | None = None,
              channel_text: str | None = None) -> None:
        if t > self.clock.tend:
            return
        rng = self.rng
        tid = self._touch_id()
        if channel_text is None and utm and utm[0] in PAID_TEXT:
            channel_text = rng.choice(PAID_TEXT[utm[0]])
        text = channel_text or rng.choice(V.CHANNEL_TEXT[canonical])
        occurred = self.clock.iso_offset(t, offset_h if rng.random() < 0.6 else 0)
        src, med, camp = utm or ("", "", "")
        if email and rng.random() < 0.04:
            email = email.upper()  # web forms keep whatever the visitor typed
        row = {"touch_id": tid, "occurred_at": occurred, "touch_type": ttype, "channel": text,
               "anonymous_id": anon, "email": email, "utm_source": src, "utm_medium": med,
               "utm_campaign": camp, "page_url": page, "referrer": referrer}
        self.s_touches.add_one(tid, t, row)
        self.counts["touches"] += 1
        if email:
            norm = normalise_email(email)
            cur = self.touch_min.get(norm)
            key = (t, tid, canonical)
            if cur is None or key[:2] < cur[:2]:
                self.touch_min[norm] = key

    def paid_utm(self, canonical: str, t: int):
        opts = [p for p in self.paid[canonical] if p[0] <= t < p[1]] or self.paid[canonical][:1]
        _a, _b, platform, utm = self.rng.choice(opts)
        src, med = V.PLATFORM_UTM_SOURCE[platform]
        return (src, med, utm)

    def person_journey(self, *, email: str, norm: str, channel: str, lead_source: str, t_lead: int,
                       offset_h: int, t_sql: int | None, later_until: int) -> None:
        """Touches of one identified person around lead creation (first touch = its channel)."""
        rng = self.rng
        anon = f"a_{rng.getrandbits(48):012x}"
        if channel != "unknown" and rng.random() < 0.5:
            for _ in range(rng.randrange(1, 4)):  # anonymous browsing before identification
                self.touch(t_lead - rng.randrange(HOUR, 20 * DAY), "page_view",
                           rng.choice(("organic_search", "direct", channel if channel in V.CHANNEL_TEXT else "direct")),
                           anon=anon, offset_h=offset_h, page=rng.choice(V.PAGES))
        web_first = V.CHANNEL_LEAD_SOURCES[channel][1] if channel in V.CHANNEL_LEAD_SOURCES else False
        if lead_source == "Webinar":
            self.touch(t_lead - rng.randrange(1, 120), "webinar_registered", "events", email=email, norm=norm,
                       offset_h=offset_h, page="https://www.quantaflow.io/webinars", channel_text="webinar")
        elif web_first and lead_source != "Phone Inquiry":
            utm = None
            if channel in ("paid_search", "paid_social"):
                utm = self.paid_utm(channel, t_lead)
                if rng.random() < 0.6:
                    self.touch(t_lead - rng.randrange(120, 3 * DAY), "ad_click", channel, email=email, norm=norm,
                               offset_h=offset_h, utm=utm, page="https://www.quantaflow.io/lp/revops")
            elif channel == "organic_search" and rng.random() < 0.5:
                self.touch(t_lead - rng.randrange(HOUR, 10 * DAY), "page_view", channel, email=email, norm=norm,
                           offset_h=offset_h, page=rng.choice(V.PAGES), referrer="https://www.google.com/")
            ttype = rng.choice(("form_submit", "form_submit", "content_download", "demo_request"))
            if channel == "email":
                ttype = "content_download"
                utm = ("hubspot", "email", "newsletter")
            self.touch(t_lead - rng.randrange(1, 90), ttype, channel, email=email, norm=norm, offset_h=offset_h,
                       utm=utm, page="https://www.quantaflow.io/demo" if ttype == "demo_request" else rng.choice(V.PAGES),
                       referrer="https://www.google.com/" if channel == "organic_search" else "")
        # after identification: site visits, webinar attendance, a demo request before SQL
        n_later = rng.choice((0, 1, 1, 2, 3))
        span = max(DAY, min(later_until, self.clock.tend) - t_lead)
        for _ in range(n_later):
            ch = rng.choice(("direct", "organic_search", "direct", "referral"))
            self.touch(t_lead + rng.randrange(HOUR, span), "page_view", ch, email=email if rng.random() < 0.7 else "",
                       anon=anon, norm=norm, offset_h=offset_h, page=rng.choice(V.PAGES))
        if lead_source == "Webinar" and rng.random() < 0.6:
            self.touch(t_lead + rng.randrange(DAY, 10 * DAY), "webinar_attended", "events", email=email, norm=norm,
                       offset_h=offset_h, page="https://www.quantaflow.io/webinars", channel_text="Webinar")
        if t_sql is not None and rng.random() < 0.5:
            self.touch(max(t_lead + 60, t_sql - rng.randrange(HOUR, 3 * DAY)), "demo_request", "direct", email=email, norm=norm,
                       offset_h=offset_h, page="https://www.quantaflow.io/demo")

    # ------------------------------------------------------------------ ad spend
    def ad_spend(self, scale_per_month_usd: float, season) -> None:
        rng, c = self.rng, self.clock
        rates = self.ctx.fx
        ndays = c.ndays
        for platform, acct, cur, camps in V.AD_PLATFORMS:
            for cid, name, utm, override, share, m0, m1 in camps:
                t_a = add_months(c.t0, m0)
                t_b = add_months(c.t0, m1) if m1 is not None else c.tend + DAY
                level = math.exp(rng.gauss(0, 0.15))
                for di in range(ndays):
                    t = c.t0 + di * DAY
                    if t < t_a or t >= t_b:
                        continue
                    d = to_date(t)
                    growth = 0.5 + 1.0 * di / ndays
                    wk = 0.6 if d.weekday() >= 5 else 1.0
                    usd = scale_per_month_usd / 30.4 * share * growth * season[d.month - 1] * wk * level
                    usd *= math.exp(rng.gauss(0, 0.22))
                    spend = usd if cur == "usd" else usd / rates.rate(cur, t)
                    impressions = max(1, int(usd / CPM[platform] * 1000 * math.exp(rng.gauss(0, 0.1))))
                    clicks = max(0, int(impressions * CTR[platform] * math.exp(rng.gauss(0, 0.15))))
                    channel = override or ""
                    if not channel and platform == "bing_ads" and di > ndays // 2:
                        channel = "paid_search"  # the Bing connector started filling it
                    row = {"date": c.ds(t), "platform": platform, "account_id": acct, "campaign_id": cid,
                           "campaign_name": name, "impressions": str(impressions), "clicks": str(clicks),
                           "spend": f"{spend:.2f}", "currency": cur.upper() if platform == "meta_ads" else cur,
                           "channel": channel,
                           "utm_campaign": "" if (platform == "meta_ads" and rng.random() < 0.2) else utm}
                    self.s_ads.add_one(f"{cid}|{di:05d}", t + 12 * HOUR, row)
                    self.counts["ad_spend"] += 1

    # ------------------------------------------------------------------ email events
    def register(self, t: int, email: str, offset_h: int, quality: str) -> None:
        if email:
            self.audience.append((t, email, offset_h, quality))

    def email_events(self, n_accounts: int) -> None:
        rng, c = self.rng, self.clock
        aud = sorted(self.audience, key=lambda a: (a[0], a[1]))
        times = [a[0] for a in aud]
        suppressed: set[int] = set()
        camp_id = 81234000
        t = c.t0 + 10 * DAY
        ms = 1000
        while t <= c.tend:
            for slot in range(2):
                d0 = month_start(to_date(t))
                day = rng.randrange(1, 27)
                hour = rng.choice(EMAIL_SEND_HOURS_UTC)
                ts = epoch(d0) + (day - 1) * DAY + hour * HOUR + rng.randrange(1800)
                if ts > c.tend or ts < c.t0:
                    continue
                camp_id += rng.randrange(3, 40)
                group = camp_id // 10
                n_elig = bisect.bisect_left(times, ts)
                if n_elig == 0:
                    continue
                m = min(n_elig, max(3, round(n_elig * 0.04)))
                picks = sorted(rng.sample(range(n_elig), m))
                kind = "newsletter" if slot == 0 else "nurture"
                subject = f"{'The RevOps Brief' if slot == 0 else 'Your forecast, simplified'} - {d0:%B %Y}"
                sender = {"id": f"{rng.getrandbits(128):032x}", "created": ts * ms}
                for i in picks:
                    if i in suppressed:
                        continue
                    _tc, email, off, quality = aud[i]
                    recip = email.strip().lower() if rng.random() < 0.95 else email.strip()
                    base = {"appId": 113, "appName": "BatchEmail", "emailCampaignGroupId": group,
                            "emailCampaignId": camp_id, "portalId": PORTAL, "recipient": recip,
                            "sentBy": sender}
                    t_s = ts + rng.randrange(0, 900)
                    if quality == "invalid_syntax":
                        self._ev(base, "DROPPED", t_s, dropReason="INVALID_TO_ADDRESS",
                                 dropMessage="The recipient address is invalid")
                        suppressed.add(i)
                        continue
                    self._ev(base, "SENT", t_s, subject=subject, **{"from": "QuantaFlow <news@quantaflow.io>"})
                    if quality == "typo":
                        self._ev(base, "BOUNCE", t_s + rng.randrange(2, 60), category="UNKNOWN_USER",
                                 status="5.1.1", response="550 5.1.1 The email account that you tried to reach does not exist")
                        suppressed.add(i)
                        continue
                    if rng.random() < 0.01:
                        self._ev(base, "BOUNCE", t_s + rng.randrange(2, 60), category="MAILBOX_FULL",
                                 status="4.2.2", response="452 4.2.2 Mailbox full")
                        continue
                    self._ev(base, "DELIVERED", t_s + rng.randrange(1, 40), response="250 2.0.0 OK", attempt=1)
                    if quality == "disposable":
                        continue
                    local_hour = ((t_s // HOUR) + off) % 24
                    local_wd = to_date(t_s + off * HOUR).weekday()
                    p_open = 0.14 + (0.12 if 8 <= local_hour <= 11 else 0.05 if 12 <= local_hour <= 16 else 0.0)
                    p_open *= 0.6 if local_wd >= 5 else 1.0
                    p_open *= 0.5 if quality == "role" else 1.0
                    if rng.random() < p_open:
                        t_o = t_s + int(math.exp(rng.gauss(8.0, 1.6)))
                        extra = open_fields(rng.choice(("computer", "computer", "mobile")))
                        self._ev(base, "OPEN", t_o, duration=rng.randrange(800, 40000), **extra)
                        if rng.random() < 0.2:
                            self._ev(base, "OPEN", t_o + rng.randrange(60, 3 * DAY), duration=rng.randrange(800, 20000), **extra)
                        if rng.random() < 0.24:
                            url = rng.choice(V.EMAIL_URLS)
                            t_c = t_o + rng.randrange(5, 600)
                            self._ev(base, "CLICK", t_c, url=url, **extra)
                            if rng.random() < 0.5 and t_c <= c.tend:
                                self.touch(t_c + 1, "email_click", "email", email=email.strip(),
                                           offset_h=off, utm=("hubspot", "email", f"{kind}-{camp_id}"), page=url,
                                           norm=None)
                        if rng.random() < 0.004:
                            self._ev(base, "UNSUBSCRIBED", t_o + rng.randrange(10, 300),
                                     portalSubscriptionStatus="UNSUBSCRIBED", source="SOURCE_UNSUBSCRIBE")
                            suppressed.add(i)
                        elif rng.random() < 0.0008:
                            self._ev(base, "SPAMREPORT", t_o + rng.randrange(10, 300))
                            suppressed.add(i)
            t = add_months(t, 1)

    def _ev(self, base: dict, etype: str, t: int, **fields) -> None:
        if t > self.clock.tend:
            return
        eid = f"{self.rng.getrandbits(128):032x}"
        eid = f"{eid[:8]}-{eid[8:12]}-4{eid[13:16]}-a{eid[17:20]}-{eid[20:32]}"
        ev = {"id": eid, "created": t * 1000 + self.rng.randrange(1000), "type": etype}
        ev.update(base)
        ev.update(fields)
        self.s_email.add_one(eid, t, ev)
        self.counts["email_events"] += 1


def open_fields(device: str) -> dict:
    """The device, location and browser fields HubSpot gives an OPEN or CLICK event."""
    return {"deviceType": device, "filteredEvent": False,
            "location": {"country": "", "state": "", "city": ""},
            "browser": {"name": "Google Chrome" if device == "computer" else "Apple Mail",
                        "family": "Chrome" if device == "computer" else "Apple Mail"}}


def email_quality(email: str, V=V) -> str:
    e = email.strip().lower()
    if not valid_syntax(e):
        return "invalid_syntax"
    local, domain = e.split("@")
    if domain in V.DISPOSABLE:
        return "disposable"
    if domain in V.TYPO_DOMAINS:
        return "typo"
    if local in V.ROLE_LOCAL:
        return "role"
    return "ok"
