"""Salesforce simulator: users, campaigns, accounts, people, leads, opportunities.

The unit of simulation is an Account: its origin (a converted inbound lead or an outbound
contact), its contacts, its New Business opportunity and, when won, its Stripe customer and the
follow-up Existing Business / Renewal opportunities the billing life produces. Unconverted leads
(and the companies behind them) are simulated separately. Dirt is injected where a real org
would get it, and every injection is recorded for the ground truth.
"""

from __future__ import annotations

import bisect
import math
import unicodedata

from . import leakage_edges
from . import vocab as V
from .affinity import addon_for
from .marketing import email_quality
from .util import (DAY, HOUR, add_months, epoch, money, normalise_email, num, quarter_start, to_date,
                   valid_syntax, weighted)

COLUMNS = {
    "Account": ("Id", "IsDeleted", "MasterRecordId", "Name", "Type", "ParentId", "BillingCountry", "Website",
                "Industry", "NumberOfEmployees", "CurrencyIsoCode", "OwnerId", "CreatedDate", "CreatedById",
                "LastModifiedDate", "LastModifiedById", "SystemModstamp"),
    "Contact": ("Id", "IsDeleted", "MasterRecordId", "AccountId", "LastName", "FirstName", "MailingCountry",
                "Email", "Title", "LeadSource", "HasOptedOutOfEmail", "OwnerId", "CreatedDate", "CreatedById",
                "LastModifiedDate", "SystemModstamp"),
    "Lead": ("Id", "IsDeleted", "MasterRecordId", "LastName", "FirstName", "Title", "Company", "Country",
             "Email", "Website", "LeadSource", "Status", "OwnerId", "IsConverted", "ConvertedDate",
             "ConvertedAccountId", "ConvertedContactId", "ConvertedOpportunityId", "IsUnreadByOwner",
             "CreatedDate", "CreatedById", "LastModifiedDate", "SystemModstamp"),
    "LeadHistory": ("Id", "IsDeleted", "LeadId", "CreatedById", "CreatedDate", "Field", "DataType", "OldValue",
                    "NewValue"),
    "Opportunity": ("Id", "IsDeleted", "AccountId", "Name", "StageName", "Amount", "Probability",
                    "ExpectedRevenue", "CloseDate", "Type", "LeadSource", "IsClosed", "IsWon", "ForecastCategory",
                    "ForecastCategoryName", "CurrencyIsoCode", "CampaignId", "OwnerId", "CreatedDate",
                    "CreatedById", "LastModifiedDate", "SystemModstamp", "FiscalQuarter", "FiscalYear",
                    "Loss_Reason__c"),
    "OpportunityHistory": ("Id", "OpportunityId", "CreatedById", "CreatedDate", "StageName", "Amount",
                           "ExpectedRevenue", "CloseDate", "Probability", "ForecastCategory", "SystemModstamp",
                           "IsDeleted"),
    "OpportunityContactRole": ("Id", "OpportunityId", "ContactId", "Role", "IsPrimary", "CreatedDate",
                               "CreatedById", "LastModifiedDate", "SystemModstamp", "IsDeleted"),
    "User": ("Id", "Username", "LastName", "FirstName", "Name", "CompanyName", "Department", "Title", "Email",
             "IsActive", "ManagerId", "UserType", "CreatedDate", "LastModifiedDate"),
    "Campaign": ("Id", "IsDeleted", "Name", "ParentId", "Type", "Status", "StartDate", "EndDate",
                 "BudgetedCost", "ActualCost", "IsActive", "OwnerId", "CreatedDate", "LastModifiedDate"),
    "CampaignMember": ("Id", "IsDeleted", "CampaignId", "LeadId", "ContactId", "Status", "HasResponded",
                       "CreatedDate", "LastModifiedDate", "FirstRespondedDate"),
}
SHOWCASE_COUNTRIES = ("United States", "United Kingdom", "Germany", "Japan")
MONTH_SEASON = (1.05, 1.05, 1.10, 1.0, 1.0, 0.92, 0.78, 0.72, 1.05, 1.15, 1.10, 0.82)
TRADE_SHOWS = ("SaaStr Annual", "Dreamforce", "RevOps Summit", "Pavilion CRO Summit", "Web Summit",
               "B2B Marketing Expo", "Gartner Sales Conference", "Forecasting World")
# Random draws of a company or user name before a numbered variant is taken ("Blue Analytics 2
# Inc.", blueanalytics2.com): generous while no draw has ever failed that often, so datasets whose
# name space is far from used up are drawn exactly as before the bound existed (2,000 accounts
# need at most 5 draws, 20,000 at most 148 with seed 7); few once a draw has failed, because the
# space is then nearly used up and further draws mostly collide (decision 113).
FRESH_DRAWS = 512
SATURATED_DRAWS = 12
LEAD_COMPANIES_REUSED = 200  # an unconverted lead may come from one of the latest 200 lead companies
WEBINAR_TOPICS = ("Forecast accuracy", "NRR deep dive", "Pipeline hygiene", "CAC payback", "Territory planning",
                  "Revenue leakage", "Cohort analysis", "Attribution that works")


def _ascii(s: str) -> str:
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return "".join(ch for ch in s.lower() if ch.isalnum())


class Rec:
    __slots__ = ("key", "versions")

    def __init__(self, key: str, t: int, row: dict):
        self.key = key
        self.versions = [(t, row)]

    @property
    def row(self) -> dict:
        return self.versions[-1][1]

    def keep_only(self, fields: tuple[str, ...], tend: int) -> None:
        """Once emitted, keep only what later readers use (send_time.py, people_quality.py): the
        first, the latest-at-``tend`` and the last version, each with ``fields`` only."""
        v = self.versions
        at_end = max((i for i, (t, _) in enumerate(v) if t <= tend), default=0)
        self.versions = [(v[i][0], KeptRow((f, v[i][1][f]) for f in fields))
                         for i in sorted({0, at_end, len(v) - 1})]


class KeptRow(dict):
    """The fields ``Rec.keep_only`` kept of an emitted record: reading any other is an error
    rather than a silent default (add the field to KEPT_FIELDS instead)."""

    def get(self, key, default=None):
        if key not in self:
            raise KeyError(f"{key!r} is not kept of emitted records (crm.KEPT_FIELDS)")
        return self[key]


class PersonRec:
    """A Lead or Contact for the people ground truth (truth.py reads it like the dict it was):
    slots take a third of a dict's memory, and there are about 4.5 per account."""

    __slots__ = ("key", "object", "id", "created", "mql", "sql", "conv_opp", "lead_source")

    def __init__(self, **fields):
        for k, v in fields.items():
            setattr(self, k, v)

    def __getitem__(self, k):
        return getattr(self, k)

    def __setitem__(self, k, v):
        setattr(self, k, v)


class RecordInfo:
    """What the ground truth needs of a Lead or Contact ("deleted", "lastmod", "converted"), read
    and written like the dict it was; slots take a third of a dict's memory."""

    __slots__ = ("deleted", "lastmod", "converted")

    def __contains__(self, k) -> bool:
        return hasattr(self, k)

    def __getitem__(self, k):
        try:
            return getattr(self, k)
        except AttributeError:
            raise KeyError(k) from None

    def __setitem__(self, k, v) -> None:
        setattr(self, k, v)

    def get(self, k, default=None):
        return getattr(self, k, default)


# the fields of emitted Contacts and Accounts that send_time.py and people_quality.py read later
KEPT_FIELDS = {"Contact": ("AccountId", "Email", "IsDeleted"), "Account": ("BillingCountry", "Industry", "IsDeleted")}


class Crm:
    def __init__(self, ctx):
        self.ctx = ctx
        self.c = ctx.clock
        self.rng = ctx.rng_crm
        self.ids = ctx.sf_ids
        self.sf = ctx.clock.sf
        self.ds = ctx.clock.ds
        self.mkt = ctx.marketing
        self.q = ctx.quota
        self.bill = ctx.billing
        self.n_accounts = ctx.n_accounts
        self.sink = {name: ctx.sinks[f"crm/{name}"] for name in COLUMNS}
        # ground-truth collectors
        self.people_recs: list = []  # PersonRec or dict
        self.ocr_by_contact: dict[str, list[str]] = {}
        self.by_norm: dict[str, list] = {}  # normalised valid email -> [(object, id)]
        self.email_records: list[tuple] = []  # (raw email, object, id)
        self.record_info: dict[str, RecordInfo] = {}  # Lead/Contact id -> "deleted", "lastmod", "converted"
        self.opps: dict[str, dict] = {}
        self.dup_clusters: list[dict] = []
        self.won_not_billed: list[dict] = []
        self.billed_below: list[dict] = []
        self.customers: dict[str, dict] = {}
        self.deleted = {"Account": [], "Contact": [], "Lead": [], "Opportunity": [], "customers": []}
        self.fc_flags = {"slipped": [], "sandbagged": [], "optimistic_commit": []}
        self.usage_accounts: list[tuple] = []  # (crm account id, [(t_from, t_to, seats)])
        self.paying_intervals: list[tuple] = []  # (t_from, t_to) of active subscriptions, all customers
        self.names_used: set[str] = set()
        self.domains_used: set[str] = set()
        self.emails_used: set[str] = set()
        self.vocab = V.VOCABULARIES[getattr(ctx, "vocabulary", "full")]
        self.draws = FRESH_DRAWS  # random name draws before a numbered variant (FRESH_DRAWS)
        self.name_numbers: dict[str, int] = {}  # base of a numbered variant -> last number given
        self.account_companies: list[tuple] = []  # (company, account id)
        self.account_recs: dict[str, Rec] = {}  # account id -> Rec (accounts with people; send_time.py)
        self.contact_recs: list[Rec] = []  # every Contact in creation order (send_time.py)
        self._lead_members: dict[str, Rec] = {}  # lead id -> its CampaignMember, until emitted
        self.lead_companies: list[dict] = []  # the latest LEAD_COMPANIES_REUSED companies of unconverted leads
        self.counts = {"accounts": 0, "paying_accounts": 0}
        self._users()
        self._campaigns()

    def release(self) -> None:
        """Drop the state only the simulation needs (core._release): uniqueness sets, retained
        records and companies. The ground-truth collectors stay."""
        for name in ("names_used", "domains_used", "emails_used", "name_numbers"):
            getattr(self, name).clear()
        self.account_recs, self.contact_recs, self.account_companies, self.lead_companies = {}, [], [], []
        self.usage_accounts, self._owner_cache = [], {}

    # ------------------------------------------------------------------ records
    def new(self, obj: str, prefix: str, t: int, row: dict, key: str | None = None) -> Rec:
        rid = key or self.ids.new(prefix, t)
        row["Id"] = rid
        if obj not in ("LeadHistory", "OpportunityHistory"):
            if "CreatedDate" in COLUMNS[obj]:
                row["CreatedDate"] = self.sf(t)
            if "LastModifiedDate" in COLUMNS[obj]:
                row["LastModifiedDate"] = row["CreatedDate"]
            if "SystemModstamp" in COLUMNS[obj]:
                row["SystemModstamp"] = row["CreatedDate"]
        if "IsDeleted" in COLUMNS[obj]:
            row.setdefault("IsDeleted", "false")
        return Rec(rid, t, row)

    def upd(self, rec: Rec, t: int, **changes) -> None:
        lt, last = rec.versions[-1]
        new = dict(last)
        new.update(changes)
        t = max(t, lt)
        if "LastModifiedDate" in last:
            new["LastModifiedDate"] = self.sf(t)
        if "SystemModstamp" in last:
            new["SystemModstamp"] = self.sf(t)
        if t == lt:
            rec.versions[-1] = (t, new)
        else:
            rec.versions.append((t, new))

    def emit(self, obj: str, rec: Rec) -> None:
        self.sink[obj].add(rec.key, rec.versions)
        if obj in ("Lead", "Contact"):
            last = None
            for t, row in rec.versions:
                if t <= self.c.tend:
                    last = (t, row)
            info = self.record_info.setdefault(rec.key, RecordInfo())
            if last is not None:
                info["lastmod"] = last[0]
                info["deleted"] = last[1].get("IsDeleted") == "true"

    # ------------------------------------------------------------------ users
    def _users(self) -> None:
        rng, c, n = self.rng, self.c, self.n_accounts
        t_base = c.t0 - 400 * DAY + 9 * HOUR
        self.users: list[dict] = []
        self.by_role: dict[str, list[dict]] = {}
        span = c.tend - c.t0

        def add(role, title, dept, hire, manager=None, leave=None):
            lang = "en"
            suffix = ""
            for _ in range(self.draws):
                first = rng.choice(self.vocab.first_names[lang])
                last = rng.choice(self.vocab.last_names[lang])
                if f"u|{first}|{last}" not in self.names_used:
                    self.names_used.add(f"u|{first}|{last}")
                    break
            else:
                # every name drawn is taken: the same name again, with a numbered username
                self.draws = SATURATED_DRAWS
                n = self._number(f"u|{first}|{last}", lambda k: f"u|{first}|{last}|{k}" not in self.names_used)
                self.names_used.add(f"u|{first}|{last}|{n}")
                suffix = str(n)
            uid = self.ids.new("005", hire)
            email = f"{_ascii(first)}.{_ascii(last)}{suffix}@{V.VENDOR_DOMAIN}"
            u = {"id": uid, "role": role, "hire": hire, "leave": leave, "manager": manager}
            row = {"Username": email, "LastName": last, "FirstName": first, "Name": f"{first} {last}",
                   "CompanyName": "QuantaFlow", "Department": dept, "Title": title, "Email": email,
                   "IsActive": "true", "ManagerId": manager or "", "UserType": "Standard"}
            rec = self.new("User", "005", hire, row, key=uid)
            if leave is not None and leave <= c.tend:
                self.upd(rec, leave, IsActive="false")
            self.sink["User"].add(uid, rec.versions)
            self.users.append(u)
            self.by_role.setdefault(role, []).append(u)
            return uid

        self.integration_user = add("system", "Integration User", "IT", t_base - 30 * DAY)
        vp = add("vp", "VP Sales", "Sales", t_base)
        add("system", "Salesforce Administrator", "Revenue Operations", t_base, vp)
        n_ae = max(3, round(n / 110))
        n_sdr = max(2, round(n / 260))
        n_mgr = max(1, math.ceil(n_ae / 7))
        n_mkt = max(2, round(n / 450))
        n_cs = max(1, round(n / 380))
        mgrs = [add("manager", "Sales Manager", "Sales", t_base + i * 40 * DAY if i else t_base, vp)
                for i in range(n_mgr)]
        for role, count, title, dept in (("ae", n_ae, "Account Executive", "Sales"),
                                         ("sdr", n_sdr, "Sales Development Representative", "Sales"),
                                         ("marketing", n_mkt, "Marketing Manager", "Marketing"),
                                         ("cs", n_cs, "Customer Success Manager", "Customer Success")):
            for i in range(count):
                if i < 2:
                    hire = t_base + i * 3 * DAY
                else:
                    hire = c.t0 + int(span * math.sqrt(i / count) * 0.95) - rng.randrange(60) * DAY
                leave = None
                if i >= 2 and rng.random() < 0.15:
                    leave = hire + rng.randrange(200, 700) * DAY
                add(role, title, dept, hire + 9 * HOUR, rng.choice(mgrs), leave)
        self._owner_cache: dict[tuple, list[str]] = {}

    def owner(self, role: str, t: int) -> str:
        key = (role, t // (30 * DAY))
        lst = self._owner_cache.get(key)
        if lst is None:
            lst = [u["id"] for u in self.by_role[role] if u["hire"] <= t and (u["leave"] is None or u["leave"] > t)]
            if not lst:
                lst = [self.by_role[role][0]["id"]]
            self._owner_cache[key] = lst
        return self.rng.choice(lst)

    def headcount(self, t: int, role: str) -> int:
        return sum(1 for u in self.by_role.get(role, ()) if u["hire"] <= t and (u["leave"] is None or u["leave"] > t))

    # ------------------------------------------------------------------ campaigns
    def _campaigns(self) -> None:
        rng, c = self.rng, self.c
        self.camps: dict[str, list[tuple[int, str]]] = {}
        owner = self.by_role["marketing"][0]["id"]

        def add(kind, name, ctype, start, end, budget):
            created = start - 20 * DAY
            cid = self.ids.new("701", created)
            row = {"Name": name, "ParentId": "", "Type": ctype, "Status": "Planned", "StartDate": self.ds(start),
                   "EndDate": self.ds(end), "BudgetedCost": num(budget), "ActualCost": "", "IsActive": "true",
                   "OwnerId": owner}
            rec = self.new("Campaign", "701", created, row, key=cid)
            self.upd(rec, start, Status="In Progress")
            if end <= c.tend:
                self.upd(rec, end + HOUR, Status="Completed", ActualCost=num(budget * rng.uniform(0.75, 1.15)),
                         IsActive="false")
            self.sink["Campaign"].add(cid, rec.versions)
            self.camps.setdefault(kind, []).append((start, cid))

        scale = max(1.0, self.n_accounts / 2000)
        m = 0
        d = c.start
        while epoch(d) <= c.tend:
            t = epoch(d)
            topic = WEBINAR_TOPICS[m % len(WEBINAR_TOPICS)]
            add("webinar", f"Webinar - {topic} ({d:%Y-%m})", "Webinar", t + 14 * DAY + 16 * HOUR,
                t + 14 * DAY + 18 * HOUR, 2500 * scale)
            if d.month in (1, 4, 7, 10):
                q = (d.month - 1) // 3 + 1
                show = TRADE_SHOWS[(m // 3) % len(TRADE_SHOWS)]
                add("tradeshow", f"{show} {d.year}", "Trade Show", t + 40 * DAY, t + 42 * DAY, 30000 * scale)
                add("seminar", f"Executive Roundtable Q{q} {d.year}", "Conference", t + 55 * DAY, t + 55 * DAY, 6000 * scale)
                add("syndication", f"Content Syndication Q{q} {d.year}", "Content Syndication", t, t + 89 * DAY,
                    9000 * scale)
                add("email", f"Nurture - Q{q} {d.year}", "Email", t, t + 89 * DAY, 1000 * scale)
            m += 1
            d = d.replace(year=d.year + (d.month == 12), month=d.month % 12 + 1)
        add("partner", "Partner Referral Program", "Partners", c.t0 - 30 * DAY, c.tend + 365 * DAY, 50000 * scale)
        for platform, _a, _c, camps in V.AD_PLATFORMS:
            for cid, name, utm, override, share, m0, m1 in camps:
                start = add_months(c.t0, m0)
                end = add_months(c.t0, m1) if m1 is not None else c.tend + 365 * DAY
                add("ad", f"Paid - {name}", "Advertisement", start, end, 100000 * share * scale)
        for v in self.camps.values():
            v.sort()

    def campaign_for(self, lead_source: str, channel: str, t: int) -> str | None:
        kind = {"Webinar": "webinar", "Trade Show": "tradeshow", "Seminar - Internal": "seminar",
                "Seminar - Partner": "seminar", "Purchased List": "syndication",
                "Partner Referral": "partner"}.get(lead_source)
        if kind is None and channel in ("paid_search", "paid_social"):
            kind = "ad"
        if kind is None and channel == "email":
            kind = "email"
        if kind is None:
            return None
        lst = self.camps[kind]
        i = bisect.bisect_right(lst, (t, "~")) - 1
        if kind == "ad":
            cands = [x for x in lst if x[0] <= t] or lst[:1]
            return self.rng.choice(cands)[1]
        return lst[max(i, 0)][1]

    # ------------------------------------------------------------------ companies & people
    def _number(self, base: str, free) -> int:
        """The next number for a numbered variant of ``base`` that ``free(n)`` accepts. Numbers
        count up per base, so the first candidate is nearly always free; the loop is bounded
        because each number gives a different name, and fewer names than the bound are taken."""
        n = self.name_numbers.get(base, 1)
        for _ in range(len(self.names_used) + len(self.domains_used) + len(self.emails_used) + 2):
            n += 1
            if free(n):
                self.name_numbers[base] = n
                return n
        raise AssertionError(f"no free numbered variant of {base!r}")  # unreachable (pigeonhole)

    def new_company(self, country_row=None) -> dict:
        rng = self.rng
        row = country_row or weighted(rng, [(r, r[1]) for r in V.COUNTRIES])
        country, _w, cur, lang, tlds, off, _dst = row
        if country == "United States" and rng.random() < 0.35:
            off = V.US_WEST
        name_lang = lang
        words_a, words_b, last_names = self.vocab.co_words_a, self.vocab.co_words_b, self.vocab.last_names
        for _ in range(self.draws):
            a, b = rng.choice(words_a), rng.choice(words_b)
            legal = rng.choice(V.LEGAL[name_lang])
            r = rng.random()
            if r < 0.012:
                l1, l2 = rng.choice(last_names[name_lang]), rng.choice(last_names[name_lang])
                name = f"{l1}, {l2} & Partners"
                slug = _ascii(l1 + l2)
            elif r < 0.02:
                name = f'The "{a}" {b} Company'
                slug = _ascii(a + b)
            elif r < 0.03 and lang == "ja":
                name = f"株式会社{a}{b}"
                slug = _ascii(a + b)
            else:
                name = f"{a} {b} {legal}".strip()
                slug = _ascii(a + b)
            if name in self.names_used:
                continue
            tld = rng.choice(tlds)
            domain = slug + tld
            if domain in self.domains_used:
                domain = f"{slug}{rng.choice(('hq', 'app', 'group', 'global', str(rng.randrange(2, 99))))}{tld}"
                if domain in self.domains_used:
                    continue
            break
        else:
            # the random names are (nearly) used up: a numbered variant of the last draw, e.g.
            # "Blue Analytics 2 Inc." at blueanalytics2.com; numbers never run out
            self.draws = SATURATED_DRAWS
            slug = _ascii(a + b)
            tld = rng.choice(tlds)
            n = self._number(slug, lambda k: f"{a} {b} {k} {legal}".strip() not in self.names_used
                             and f"{slug}{k}{tld}" not in self.domains_used)
            name, domain = f"{a} {b} {n} {legal}".strip(), f"{slug}{n}{tld}"
        self.names_used.add(name)
        self.domains_used.add(domain)
        fmt = rng.random()
        if fmt < 0.45:
            website = f"https://www.{domain}"
        elif fmt < 0.65:
            website = f"http://{domain}"
        elif fmt < 0.8:
            website = f"www.{domain}"
        elif fmt < 0.92:
            website = domain
        else:
            website = f"https://{domain}/"
        emp = int(min(60000, max(3, math.exp(rng.gauss(math.log(120), 1.3)))))
        return {"name": name, "domain": domain, "website": website, "country": country, "currency": cur,
                "lang": lang, "offset": off, "employees": emp, "industry": rng.choice(V.INDUSTRIES),
                "names": set(), "dst": _dst}

    def offset_at(self, co: dict, t: int) -> int:
        if co["dst"]:
            m = to_date(t).month
            if 4 <= m <= 10:
                return co["offset"] + 1
        return co["offset"]

    def new_person(self, co: dict, freemail_p: float = 0.1) -> dict:
        rng = self.rng
        lang = co["lang"]
        for _ in range(50):
            first = rng.choice(self.vocab.first_names[lang])
            last = rng.choice(self.vocab.last_names[lang])
            if (first, last) not in co["names"]:
                break
        co["names"].add((first, last))
        fa, la = _ascii(first), _ascii(last)
        for attempt in range(30):
            if rng.random() < freemail_p:
                dom = rng.choice(("gmail.com", "gmail.com", "gmail.com", "yahoo.com", "outlook.com",
                                  "hotmail.com", "icloud.com", "googlemail.com"))
                local = rng.choice((f"{fa}.{la}", f"{fa}{la}", f"{fa[0]}{la}", f"{fa}_{la}"))
                local += str(rng.randrange(1, 99)) if (attempt or rng.random() < 0.5) else ""
            else:
                dom = co["domain"]
                local = rng.choice((f"{fa}.{la}", f"{fa}.{la}", f"{fa[0]}{la}", f"{fa}", f"{fa}_{la}",
                                    f"{fa}{la[0]}"))
                if attempt:
                    local += str(attempt)
            email = f"{local}@{dom}"
            norm = normalise_email(email)
            if norm not in self.emails_used and local not in V.ROLE_LOCAL:
                break
        else:
            email = f"{fa}.{la}.{rng.getrandbits(40):x}@{co['domain']}"
            norm = normalise_email(email)
            if norm in self.emails_used:
                email, norm = self.numbered_email(email)
        self.emails_used.add(norm)
        return {"first": first, "last": last, "email": email, "norm": norm, "co": co,
                "title": rng.choice(V.TITLES)}

    def dirty_email(self, p: dict, kind: str) -> None:
        """Replace a person's email with a dirty one (kind: syntax, disposable, role, typo, empty)."""
        rng = self.rng
        fa, la = _ascii(p["first"]), _ascii(p["last"])
        for attempt in range(30):
            sfx = str(attempt) if attempt else ""
            if kind == "syntax":
                base = f"{fa}.{la}{sfx}"
                dom = p["co"]["domain"]
                email = rng.choice((f"{base}{dom}", f"{base}@@{dom}", f"{base}@{dom.split('.')[0]}",
                                    f"{fa} {la}{sfx}@{dom}", f"{base}@{dom.replace('.', ',')}", f"{base}@{dom}."))
            elif kind == "disposable":
                email = f"{fa}{la[:1]}{rng.randrange(10, 999)}{sfx}@{rng.choice(V.DISPOSABLE)}"
            elif kind == "role":
                email = f"{V.ROLE_LOCAL[(attempt + rng.randrange(8)) % 8]}{sfx if attempt >= 8 else ''}@{p['co']['domain']}"
            elif kind == "typo":
                email = f"{fa}.{la}{rng.randrange(1, 99)}{sfx}@{rng.choice(list(V.TYPO_DOMAINS))}"
            else:
                p["email"], p["norm"] = "", ""
                return
            norm = normalise_email(email)
            if norm not in self.emails_used:
                break
        else:
            email, norm = self.numbered_email(email)
        self.emails_used.add(norm)
        p["email"], p["norm"] = email, norm

    def numbered_email(self, email: str) -> tuple[str, str]:
        """(email, normalised) of a numbered variant of ``email`` (a digit run before the ``+`` or
        ``@`` of its local part, or at its end) whose normalised form is not taken yet."""
        at = email.rfind("@")
        cut = email.find("+", 0, at) if at > 0 else -1
        cut = cut if cut > 0 else (at if at > 0 else len(email))
        head, tail = email[:cut], email[cut:]

        def free(k):
            return normalise_email(f"{head}{k}{tail}") not in self.emails_used
        e = f"{head}{self._number('@' + head + tail, free)}{tail}"
        return e, normalise_email(e)

    def email_variant(self, email: str) -> str:
        rng = self.rng
        local, _, dom = email.partition("@")
        if dom in V.GMAIL_DOMAINS and rng.random() < 0.6:
            if "." in local:
                return local.replace(".", "") + "@" + dom
            i = rng.randrange(1, max(2, len(local) - 1))
            return local[:i] + "." + local[i:] + "@" + dom
        k = rng.random()
        if k < 0.3:
            return ".".join(x.capitalize() for x in local.split(".")) + "@" + dom.capitalize()
        if k < 0.55:
            return " " + email if rng.random() < 0.5 else email + " "
        if k < 0.85:
            return f"{local}+{rng.choice(('webinar', 'news', 'crm', 'test', 'q4'))}@{dom}"
        return email.upper()

    def _track_email(self, email: str, obj: str, rid: str, converted=False) -> None:
        if not email:
            return
        self.email_records.append((email, obj, rid))
        if valid_syntax(email):
            self.by_norm.setdefault(normalise_email(email), []).append((obj, rid))

    def person_key(self, email: str, rid: str) -> str:
        return normalise_email(email) if (email and valid_syntax(email)) else f"id:{rid}"

    # ------------------------------------------------------------------ leads & contacts
    def make_lead(self, p: dict, t_lead: int, *, channel: str, lead_source: str, path: str,
                  t_convert: int | None = None, email: str | None = None, journey: bool = True,
                  campaign: str | None = None, t_final: int | None = None) -> tuple[Rec, dict]:
        rng, c = self.rng, self.c
        co = p["co"]
        email = p["email"] if email is None else email
        owner = self.owner("sdr", t_lead)
        company = co["name"]
        if p["email"].endswith(V.FREE_MAIL) and rng.random() < 0.3:
            company = "[not provided]"
        row = {"LastName": p["last"], "FirstName": p["first"], "Title": p["title"] if rng.random() < 0.8 else "",
               "Company": company, "Country": co["country"], "Email": email,
               "Website": co["website"] if rng.random() < 0.55 else "", "LeadSource": lead_source,
               "Status": V.S_OPEN, "OwnerId": owner, "IsConverted": "false", "ConvertedDate": "",
               "ConvertedAccountId": "", "ConvertedContactId": "", "ConvertedOpportunityId": "",
               "IsUnreadByOwner": "true", "CreatedById": self.integration_user}
        rec = self.new("Lead", "00Q", t_lead, row)
        lid = rec.key
        # status path
        changes: list[tuple[int, str]] = []
        if path == "convert":
            seq = [V.S_WORKING]
            if rng.random() < 0.8:
                seq.append(V.S_MQL)
            if rng.random() < 0.88:
                seq.append(V.S_SQL)
            span = t_convert - t_lead
            pts = sorted(rng.random() for _ in seq)
            prev = t_lead
            for s, x in zip(seq, pts):
                t = max(prev + 1, t_lead + int(span * (0.05 + 0.9 * x)))
                changes.append((t, s))
                prev = t
        else:
            seq = {"open": [], "working": [V.S_WORKING], "mql": [V.S_WORKING, V.S_MQL],
                   "sql": [V.S_WORKING, V.S_MQL, V.S_SQL],
                   "nc_working": [V.S_WORKING, V.S_NOT_CONVERTED],
                   "nc_mql": [V.S_WORKING, V.S_MQL, V.S_NOT_CONVERTED],
                   "nc_sql": [V.S_WORKING, V.S_SQL, V.S_NOT_CONVERTED],
                   "nc_direct": [V.S_NOT_CONVERTED]}[path]
            t = t_lead
            for s in seq:
                gap = {V.S_WORKING: rng.uniform(0.05, 6), V.S_MQL: rng.uniform(1, 45), V.S_SQL: rng.uniform(2, 30),
                       V.S_NOT_CONVERTED: rng.uniform(5, 150)}[s]
                t = t + int(gap * DAY)
                changes.append((t, s))
        changes = [(t, s) for t, s in changes if t <= c.tend]
        old = V.S_OPEN
        mql_t = sql_t = None
        hist = [(t_lead, "created", "", "")]
        for t, s in changes:
            hist.append((t, "Status", old, s))
            self.upd(rec, t, Status=s, IsUnreadByOwner="false")
            if s == V.S_MQL and mql_t is None:
                mql_t = t
            if s == V.S_SQL and sql_t is None:
                sql_t = t
            old = s
        if path == "convert":
            hist.append((t_convert, "Status", old, V.S_CONVERTED))
            hist.append((t_convert, "leadConverted", "", ""))
        for t, field, ov, nv in hist:
            hid = self.ids.new("017", t)
            self.sink["LeadHistory"].add_one(hid, t, {
                "Id": hid, "IsDeleted": "false", "LeadId": lid, "CreatedById": owner if field != "created" else self.integration_user,
                "CreatedDate": self.sf(t), "Field": field, "DataType": "DynamicEnum" if field == "Status" else "",
                "OldValue": ov, "NewValue": nv})
        pr = PersonRec(key=self.person_key(email, lid), object="Lead", id=lid, created=t_lead, mql=mql_t,
                       sql=sql_t, conv_opp=None, lead_source=lead_source)
        if campaign:
            self._lead_members[lid] = self.campaign_member(campaign, t_lead, lead_id=lid)
        self.people_recs.append(pr)
        self._track_email(email, "Lead", lid)
        info = self.record_info.setdefault(lid, RecordInfo())
        info["converted"] = path == "convert"
        if email:
            self.mkt.register(t_lead, email, self.offset_at(co, t_lead), email_quality(email))
        if journey and email and valid_syntax(email):
            self.mkt.person_journey(email=email.strip(), norm=normalise_email(email), channel=channel,
                                    lead_source=lead_source, t_lead=t_lead, offset_h=self.offset_at(co, t_lead),
                                    t_sql=sql_t, later_until=t_lead + 240 * DAY)
        return rec, pr

    def campaign_member(self, campaign: str, t: int, lead_id: str = "", contact_id: str = "") -> Rec:
        rng = self.rng
        responded = rng.random() < 0.8
        row = {"CampaignId": campaign, "LeadId": lead_id, "ContactId": contact_id,
               "Status": "Responded" if responded else "Sent", "HasResponded": "true" if responded else "false",
               "FirstRespondedDate": self.ds(t) if responded else ""}
        rec = self.new("CampaignMember", "00v", t, row)
        self._pending_members.append(rec)
        return rec

    def make_contact(self, p: dict, acc_id: str, t: int, lead_source: str, owner: str,
                     email: str | None = None) -> Rec:
        email = p["email"] if email is None else email
        row = {"AccountId": acc_id, "LastName": p["last"], "FirstName": p["first"],
               "MailingCountry": p["co"]["country"], "Email": email, "Title": p["title"],
               "LeadSource": lead_source, "HasOptedOutOfEmail": "false", "OwnerId": owner,
               "CreatedById": owner}
        rec = self.new("Contact", "003", t, row)
        self.contact_recs.append(rec)
        self.people_recs.append(PersonRec(key=self.person_key(email, rec.key), object="Contact", id=rec.key,
                                          created=t, mql=None, sql=None, conv_opp=None, lead_source=lead_source))
        self._track_email(email, "Contact", rec.key)
        self.record_info.setdefault(rec.key, RecordInfo())["converted"] = False
        if email:
            self.mkt.register(t, email, self.offset_at(p["co"], t), email_quality(email))
        return rec

    # ------------------------------------------------------------------ opportunities
    def make_opp(self, acc_id: str, t0: int, *, otype: str, acv: float, cur: str, win: bool, T: int,
                 name: str, owner: str, lead_source: str = "", campaign: str = "", start_stage: int = 0,
                 slip_ok: bool = True, contacts: list = (), deleted_at: int | None = None,
                 behaviour_ok: bool = True) -> dict:
        rng, c = self.rng, self.c
        oid = self.ids.new("006", t0)
        n_open = len(V.OPEN_STAGES)
        last = n_open - 1 if win else min(n_open - 1, start_stage + int(rng.expovariate(1 / 2.2)))
        path = [start_stage] + [s for s in range(start_stage + 1, last + 1) if s == last or rng.random() > 0.3]
        span = max(T - t0, 2 * HOUR)
        final_day = T // DAY
        ev: list[tuple[int, dict]] = []
        pts = sorted(rng.random() for _ in path[1:])
        for s, x in zip(path[1:], pts):
            ev.append((t0 + 1 + int((span - 2) * (0.03 + 0.94 * x)), {"stage": s}))
        slip = slip_ok and rng.random() < 0.28 and span > 25 * DAY
        if slip:
            c0 = max(t0 // DAY + 7, final_day - rng.randrange(20, 100))
            dates = [c0]
            if rng.random() < 0.3 and final_day - c0 > 30:
                dates.append(c0 + (final_day - c0) // 2)
            dates.append(final_day)
            for prev, nxt in zip(dates, dates[1:]):
                tp = prev * DAY - rng.randrange(0, 7 * DAY)
                tp = min(max(tp, t0 + HOUR), T - HOUR)
                ev.append((tp, {"close": nxt}))
            close0 = c0
        else:
            close0 = max(t0 // DAY + 1, final_day + rng.randrange(-5, 25))
        amt0 = acv
        if rng.random() < 0.35:
            f = rng.uniform(0.7, 1.3)
            step = 1000 if cur == "jpy" else 10
            amt0 = max(step, round(acv * f / step) * step)
            ev.append((t0 + int(span * rng.uniform(0.2, 0.9)), {"amount": acv}))
        sandbag = behaviour_ok and win and rng.random() < 0.12
        optimistic = behaviour_ok and (not win or slip) and rng.random() < 0.3
        omit_early = (not win) and rng.random() < 0.15
        if omit_early:
            ev.append((T - rng.randrange(HOUR, max(2 * HOUR, span // 4)), {"fc": "Omitted"}))
        ev.sort(key=lambda e: e[0])
        # build states
        state = {"stage": path[0], "close": close0, "amount": amt0, "prob": None, "fc": None}
        states: list[tuple[int, dict]] = []

        def derived(st):
            sname, prob, fc = V.OPEN_STAGES[st["stage"]]
            if st.get("fc_forced"):
                fc = st["fc_forced"]
            elif sandbag:
                fc = "Pipeline" if st["stage"] < n_open - 1 else "Best Case"
            elif optimistic and st["stage"] >= 3:
                fc = "Commit"
            return sname, prob, fc

        states.append((t0, dict(state)))
        for t, chg in ev:
            if "stage" in chg:
                state["stage"] = chg["stage"]
            if "close" in chg:
                state["close"] = chg["close"]
            if "amount" in chg:
                state["amount"] = chg["amount"]
            if "fc" in chg:
                state["fc_forced"] = chg["fc"]
            if states[-1][0] == t:
                states[-1] = (t, dict(state))
            else:
                states.append((t, dict(state)))
        final = dict(state, close=final_day, amount=acv if win else state["amount"], closed=True)
        states.append((max(T, states[-1][0] + 1), final))
        # rows
        prob_jitter = rng.random() < 0.1
        hist_rows = []
        opp_versions = []
        camp = campaign if campaign else ""
        base = {"Id": oid, "IsDeleted": "false", "AccountId": acc_id, "Name": name, "Type": otype, "LeadSource": lead_source,
                "CurrencyIsoCode": cur.upper(), "CampaignId": camp, "OwnerId": owner, "CreatedById": owner,
                "CreatedDate": self.sf(t0), "Loss_Reason__c": ""}
        q_states = {}
        quarters = []
        q = quarter_start(to_date(t0))
        q = q if epoch(q) > t0 else _next_q(q)
        while epoch(q) <= c.tend:
            quarters.append(epoch(q))
            q = _next_q(q)
        had_commit = False
        is_closed = is_won = False
        limit = c.tend if deleted_at is None else min(c.tend, deleted_at)
        for t, st in states:
            if st.get("closed"):
                sname, prob, fc = V.STAGE_WON if win else V.STAGE_LOST
            else:
                sname, prob, fc = derived(st)
                if prob_jitter and 10 < prob < 90:
                    prob = prob + rng.choice((-5, 5, 10))
            amount = st["amount"]
            close = st["close"]
            amt_s = money(int(round(amount)), "jpy") if cur == "jpy" else num(amount)
            exp_rev = amount * prob / 100
            close_s = self.ds(close * DAY)
            cd = to_date(close * DAY)
            row = dict(base, StageName=sname, Amount=amt_s, Probability=str(prob),
                       ExpectedRevenue=num(exp_rev) if cur != "jpy" else str(int(round(exp_rev))),
                       CloseDate=close_s, IsClosed="true" if st.get("closed") else "false",
                       IsWon="true" if (st.get("closed") and win) else "false",
                       ForecastCategory=V.FORECAST_API[fc], ForecastCategoryName=fc,
                       FiscalQuarter=str((cd.month - 1) // 3 + 1), FiscalYear=str(cd.year),
                       LastModifiedDate=self.sf(t), SystemModstamp=self.sf(t))
            if st.get("closed") and not win:
                row["Loss_Reason__c"] = rng.choice(V.LOSS_REASONS)
            opp_versions.append((t, row))
            if t <= limit:
                if fc == "Commit":
                    had_commit = True
                hid = self.ids.new("008", t)
                hist_rows.append((hid, t, {"Id": hid, "OpportunityId": oid, "CreatedById": owner,
                                           "CreatedDate": self.sf(t), "StageName": sname, "Amount": amt_s,
                                           "ExpectedRevenue": row["ExpectedRevenue"], "CloseDate": close_s,
                                           "Probability": str(prob), "ForecastCategory": V.FORECAST_API[fc],
                                           "SystemModstamp": self.sf(t), "IsDeleted": "false"}))
                is_closed = bool(st.get("closed"))
                is_won = is_closed and win
        # quarter-start states (latest history row at or before the quarter's first instant)
        hi = 0
        for qt in quarters:
            while hi + 1 < len(hist_rows) and hist_rows[hi + 1][1] <= qt:
                hi += 1
            if hist_rows and hist_rows[0][1] <= qt:
                h = hist_rows[hi][2]
                q_states[self.ds(qt)] = [h["ForecastCategory"], h["StageName"], _numv(h["Amount"]),
                                         h["CloseDate"], int(h["Probability"])]
                if h["StageName"] in ("Closed Won", "Closed Lost"):
                    break
        if deleted_at is not None and deleted_at <= c.tend:
            lt, lrow = opp_versions[-1] if opp_versions[-1][0] <= deleted_at else \
                [v for v in opp_versions if v[0] <= deleted_at][-1]
            opp_versions = [v for v in opp_versions if v[0] <= deleted_at]
            opp_versions.append((deleted_at, dict(lrow, IsDeleted="true", LastModifiedDate=self.sf(deleted_at),
                                                  SystemModstamp=self.sf(deleted_at))))
            self.deleted["Opportunity"].append(oid)
        self.sink["Opportunity"].add(oid, opp_versions)
        for hid, t, hrow in hist_rows:
            self.sink["OpportunityHistory"].add_one(hid, t, hrow)
        # contact roles (contacts created no later than the opportunity)
        primary_done = False
        for cid, ct, is_primary in contacts:
            if ct > t0 or (not is_primary and rng.random() < 0.4):
                continue
            t_r = t0 if is_primary else t0 + rng.randrange(0, 5 * DAY)
            if t_r > c.tend:
                continue
            rid = self.ids.new("00K", t_r)
            self.sink["OpportunityContactRole"].add_one(rid, t_r, {
                "Id": rid, "OpportunityId": oid, "ContactId": cid,
                "Role": "Decision Maker" if (is_primary and not primary_done) else rng.choice(V.OCR_ROLES),
                "IsPrimary": "true" if (is_primary and not primary_done) else "false",
                "CreatedDate": self.sf(t_r), "CreatedById": owner, "LastModifiedDate": self.sf(t_r),
                "SystemModstamp": self.sf(t_r), "IsDeleted": "false"})
            primary_done = primary_done or is_primary
            if deleted_at is None:
                self.ocr_by_contact.setdefault(cid, []).append(oid)
        # slipped / sandbagged / optimistic (observed up to end_date)
        obs = [s for t, s in states if t <= c.tend]
        slipped = any(_qkey(b["close"]) > _qkey(a["close"]) for a, b in zip(obs, obs[1:]) if not b.get("closed"))
        if deleted_at is None:
            if slipped:
                self.fc_flags["slipped"].append(oid)
            if sandbag and is_won:
                self.fc_flags["sandbagged"].append(oid)
            if optimistic and had_commit and (slipped or (is_closed and not is_won)):
                self.fc_flags["optimistic_commit"].append(oid)
        last_row = [r for t, r in opp_versions if t <= c.tend][-1] if opp_versions[0][0] <= c.tend else None
        truth = {"account_id": acc_id, "type": otype, "created": self.sf(t0)[:19] + "Z",
                 "close_date": last_row["CloseDate"] if last_row else None,
                 "stage": last_row["StageName"] if last_row else None,
                 "is_closed": is_closed, "is_won": is_won, "amount": _numv(last_row["Amount"]) if last_row else None,
                 "currency": cur.upper(), "deleted": deleted_at is not None and deleted_at <= c.tend,
                 "quarter_start_states": q_states}
        if opp_versions[0][0] <= c.tend:
            self.opps[oid] = truth
        truth["_t0"] = t0
        truth["_T"] = T
        truth["_id"] = oid
        truth["_won_final"] = is_won
        return truth

    # ------------------------------------------------------------------ main flows
    def run(self, account_times: list[int], lead_times: list[int], selfserve_times: list[int]) -> None:
        self._pending_members: list[Rec] = []
        rng = self.rng
        for i, t in enumerate(account_times):
            if i > 10 and self.q(rng, "deleted_account", 0.01):
                self.duplicate_account(t)
            elif i < len(SHOWCASE_COUNTRIES):
                # the first accounts cover every billing currency with a clean won deal, so even a
                # tiny dataset bills usd, gbp, eur and jpy
                row = next(r for r in V.COUNTRIES if r[0] == SHOWCASE_COUNTRIES[i])
                self.account(t, country_row=row, showcase=True)
            else:
                self.account(t)
            self._flush_members()
        for t in lead_times:
            self.unconverted_lead(t)
            self._flush_members()
        for t in selfserve_times:
            self.self_serve(t)

    def _flush_members(self) -> None:
        for rec in self._pending_members:
            self.sink["CampaignMember"].add(rec.key, rec.versions)
        self._pending_members = []
        self._lead_members = {}

    def duplicate_account(self, t: int) -> None:
        """An account created by mistake (a near-duplicate of an existing one) and deleted."""
        rng = self.rng
        co, _acc_id = rng.choice(self.account_companies) if self.account_companies else (self.new_company(), "")
        owner = self.owner("ae", t)
        row = {"Name": co["name"].replace(",", "").replace(" Inc.", ", Inc") + (" (dup)" if rng.random() < 0.3 else ""),
               "Type": "Prospect", "ParentId": "", "BillingCountry": co["country"], "Website": "",
               "Industry": co["industry"], "NumberOfEmployees": "", "CurrencyIsoCode": co["currency"].upper(),
               "OwnerId": owner, "CreatedById": owner, "LastModifiedById": owner, "MasterRecordId": ""}
        rec = self.new("Account", "001", t, row)
        t_del = t + rng.randrange(HOUR, 20 * DAY)
        if t_del <= self.c.tend:
            self.upd(rec, t_del, IsDeleted="true")
            self.deleted["Account"].append(rec.key)
        self.sink["Account"].add(rec.key, rec.versions)
        self.counts["accounts"] += 1

    def account(self, t_acc: int, country_row=None, showcase: bool = False) -> None:
        n_contacts = len(self.contact_recs)
        self._account(t_acc, country_row, showcase)
        acc = self.account_recs[self.account_companies[-1][1]]
        for rec in (acc, *self.contact_recs[n_contacts:]):  # emitted: later readers need little of them
            rec.keep_only(KEPT_FIELDS["Account" if rec is acc else "Contact"], self.c.tend)

    def _account(self, t_acc: int, country_row=None, showcase: bool = False) -> None:
        rng, c = self.rng, self.c
        co = self.new_company(country_row)
        owner = self.owner("ae", t_acc)
        website = co["website"] if rng.random() < 0.9 else ""
        acc_row = {"Name": co["name"], "Type": "Prospect", "ParentId": "", "BillingCountry": co["country"],
                   "Website": website, "Industry": co["industry"] if rng.random() < 0.85 else "",
                   "NumberOfEmployees": str(co["employees"]) if rng.random() < 0.8 else "",
                   "CurrencyIsoCode": co["currency"].upper(), "OwnerId": owner, "CreatedById": owner,
                   "LastModifiedById": owner, "MasterRecordId": ""}
        acc = self.new("Account", "001", t_acc, acc_row)
        acc_id = acc.key
        self.account_companies.append((co, acc_id))
        self.account_recs[acc_id] = acc
        self.counts["accounts"] += 1
        cur = co["currency"]
        contacts: list[tuple[str, int, bool]] = []
        contact_recs: list[tuple[Rec, dict]] = []
        p = self.new_person(co, freemail_p=0.08)
        origin = "lead" if (rng.random() < 0.72 or showcase) else "direct"
        campaign = ""
        lead_rec = None
        if origin == "lead":
            channel = weighted(rng, V.CHANNEL_MIX)
            lead_source = rng.choice(V.CHANNEL_LEAD_SOURCES[channel][0])
            age = min(200.0, max(0.3, math.exp(rng.gauss(math.log(25), 0.9))))
            t_lead = max(c.t0 - 60 * DAY, t_acc - int(age * DAY))
            campaign = self.campaign_for(lead_source, channel, t_lead) or ""
            lead_rec, lead_pr = self.make_lead(p, t_lead, channel=channel, lead_source=lead_source, path="convert",
                                               t_convert=t_acc, campaign=campaign or None)
            with_opp = rng.random() < 0.93 or showcase
        else:
            channel = "outbound"
            lead_source = "" if rng.random() < 0.7 else rng.choice(("Employee Referral", "Partner Referral",
                                                                     "Trade Show", "Other", "Phone Inquiry"))
            with_opp = rng.random() < 0.88
        contact = self.make_contact(p, acc_id, t_acc, lead_source, owner)
        contacts.append((contact.key, t_acc, True))
        contact_recs.append((contact, p))
        if origin == "direct" and p["email"]:
            self.mkt.person_journey(email=p["email"], norm=p["norm"], channel="unknown", lead_source=lead_source,
                                    t_lead=t_acc, offset_h=self.offset_at(co, t_acc), t_sql=None,
                                    later_until=t_acc + 200 * DAY)
        # more contacts over the account's life
        n_extra = weighted(rng, ((0, 0.3), (1, 0.35), (2, 0.22), (3, 0.13)))
        for _ in range(n_extra):
            t_c = t_acc + (0 if rng.random() < 0.4 else rng.randrange(DAY, 500 * DAY))
            if t_c > c.tend:
                continue
            p2 = self.new_person(co, freemail_p=0.05)
            if rng.random() < 0.004:
                self.dirty_email(p2, "role")
            ls2 = "" if rng.random() < 0.6 else rng.choice(V.LEAD_SOURCES)
            crec = self.make_contact(p2, acc_id, t_c, ls2, owner)
            contacts.append((crec.key, t_c, False))
            contact_recs.append((crec, p2))
            if self.q(rng, "deleted_contact", 0.02):
                t_del = t_c + rng.randrange(30, 500) * DAY
                if t_del <= c.tend:
                    self.upd(crec, t_del, IsDeleted="true")
                    self.deleted["Contact"].append(crec.key)
        contacts.sort(key=lambda x: x[1])
        # --- New Business
        nb_won = None
        opp_truths = []
        if with_opp:
            t_opp = t_acc if origin == "lead" else t_acc + rng.randrange(HOUR, 14 * DAY)
            if t_opp <= c.tend:
                deal = self._deal(co, t_opp)
                res = self._nb_opp(acc_id, co, t_opp, deal, owner, lead_source, campaign, contacts, channel,
                                   force_win=showcase)
                opp_truths.append(res)
                if lead_rec is not None:
                    self.upd(lead_rec, t_acc, IsConverted="true", ConvertedDate=self.ds(t_acc),
                             ConvertedAccountId=acc_id, ConvertedContactId=contact.key,
                             ConvertedOpportunityId=res["_id"], Status=V.S_CONVERTED)
                    lead_pr["conv_opp"] = res["_id"]
                if res["_won_final"]:
                    nb_won = (res, deal)
                elif res["is_closed"] and rng.random() < 0.22:
                    t2 = t_opp + (res["_T"] - t_opp) + rng.randrange(90, 300) * DAY
                    if t2 <= c.tend:
                        deal2 = self._deal(co, t2)
                        res2 = self._nb_opp(acc_id, co, t2, deal2, self.owner("ae", t2), lead_source, "",
                                            contacts, channel, win_mult=0.9)
                        opp_truths.append(res2)
                        if res2["_won_final"]:
                            nb_won = (res2, deal2)
                if self.q(rng, "deleted_opportunity", 0.015):  # a duplicate opportunity created by mistake, then deleted
                    t_d = t_opp + rng.randrange(HOUR, 3 * DAY)
                    if t_d <= c.tend:
                        won_dup = res["_won_final"] and rng.random() < 0.3
                        self.make_opp(acc_id, t_d if not won_dup else res["_T"] + HOUR, otype="New Business",
                                      acv=deal["acv"], cur=cur, win=True,
                                      T=(t_d + 30 * DAY) if not won_dup else res["_T"] + 2 * HOUR,
                                      name=f"{co['name']} - New Business", owner=owner, slip_ok=False,
                                      deleted_at=(t_d if not won_dup else res["_T"] + HOUR) + rng.randrange(DAY, 10 * DAY),
                                      behaviour_ok=False, start_stage=0 if not won_dup else 7)
        if lead_rec is not None and lead_rec.key in self._lead_members:
            self.upd(self._lead_members[lead_rec.key], t_acc, ContactId=contact.key)
        if lead_rec is not None and lead_rec.row["IsConverted"] != "true":
            self.upd(lead_rec, t_acc, IsConverted="true", ConvertedDate=self.ds(t_acc), ConvertedAccountId=acc_id,
                     ConvertedContactId=contact.key, Status=V.S_CONVERTED)
        # --- dirt: duplicate people around this account
        for crec, pp in contact_recs:
            if not pp["email"] or not valid_syntax(pp["email"]):
                continue
            ct = crec.versions[0][0]
            if self.q(rng, "dup_lead_after_contact", 0.035):  # the same person comes back through a form
                t_d = ct + rng.randrange(20, 400) * DAY
                if t_d <= c.tend:
                    variant = self.email_variant(pp["email"])
                    lr, _ = self.make_lead(pp, t_d, channel="unknown", lead_source=rng.choice(("Web", "Webinar", "")),
                                           path=rng.choice(("open", "working", "nc_direct")), email=variant,
                                           journey=False)
                    self.mkt.touch(t_d - rng.randrange(1, 60), "form_submit", "direct", email=variant.strip(),
                                   offset_h=self.offset_at(co, t_d), page="https://www.quantaflow.io/demo")
                    self.emit("Lead", lr)
                    self.dup_clusters.append({"match_rule": "email", "kind": "lead_after_contact",
                                              "norms": [pp["norm"]], "ids": [crec.key, lr.key]})
            elif self.q(rng, "dup_contact_twice", 0.015):  # a rep creates the contact a second time
                t_d = ct + rng.randrange(1, 300) * DAY
                if t_d <= c.tend:
                    variant = self.email_variant(pp["email"])
                    dup = self.make_contact(pp, acc_id, t_d, crec.row["LeadSource"], self.owner("ae", t_d), email=variant)
                    self.emit("Contact", dup)
                    self.dup_clusters.append({"match_rule": "email", "kind": "contact_twice",
                                              "norms": [pp["norm"]], "ids": [crec.key, dup.key]})
            elif (pp["email"].split("@")[1] == co["domain"]
                  and self.q(rng, "dup_name_company_contact", 0.012)):  # same name+company, other address
                t_d = ct + rng.randrange(5, 300) * DAY
                if t_d <= c.tend:
                    alt = self._alt_email(pp)
                    if alt:
                        lr, _ = self.make_lead(pp, t_d, channel="unknown", lead_source=rng.choice(("Web", "Trade Show")),
                                               path=rng.choice(("open", "working", "nc_direct")), email=alt,
                                               journey=False)
                        self.emit("Lead", lr)
                        self.dup_clusters.append({"match_rule": "name_company", "kind": "name_company",
                                                  "norms": [pp["norm"], normalise_email(alt)],
                                                  "ids": [crec.key, lr.key]})
        # --- billing for the won New Business deal
        if nb_won is not None:
            self._bill(acc, co, nb_won[0], nb_won[1], contacts, contact_recs, owner, clean=showcase)
        for crec, _pp in contact_recs:
            self.emit("Contact", crec)
        if lead_rec is not None:
            self.emit("Lead", lead_rec)
        self.sink["Account"].add(acc_id, acc.versions)

    def _alt_email(self, p: dict) -> str | None:
        fa, la = _ascii(p["first"]), _ascii(p["last"])
        dom = p["co"]["domain"]
        for local in (f"{fa}.{la}", f"{fa[0]}{la}", f"{fa}{la}", f"{fa[0]}.{la}", f"{fa}_{la}", f"{la}.{fa}"):
            e = f"{local}@{dom}"
            n = normalise_email(e)
            if n not in self.emails_used:
                self.emails_used.add(n)
                return e
        return None

    def _deal(self, co: dict, t: int) -> dict:
        rng = self.rng
        seats = int(min(400, max(2, round(math.exp(rng.gauss(math.log(11), 0.85))))))
        seats = min(seats, max(2, co["employees"]))
        r = rng.random()
        tier = "enterprise" if (seats > 60 and r < 0.6) or r < 0.12 else ("starter" if r < 0.42 and seats < 40 else "professional")
        interval = "year" if rng.random() < (0.65 if tier == "enterprise" else 0.35) else "month"
        coupon = None
        if rng.random() < 0.25:
            d = to_date(t)
            if t < self.c.t0 + 365 * DAY:
                coupon = "LAUNCH20"
            elif d.month in (10, 11, 12):
                coupon = "Q4DEAL15"
            else:
                coupon = "WELCOME10"
        addon = None
        kind = addon_for(tier, rng.random())  # planted tier -> add-on affinity (affinity.py)
        if kind == "analytics_addon":
            addon = ("analytics_addon", seats if rng.random() < 0.6 else max(1, seats // 2))
        elif kind == "connectors_addon":
            addon = ("connectors_addon", max(1, seats // 3))
        return {"seats": seats, "tier": tier, "interval": interval, "coupon": coupon, "addon": addon,
                "metered": interval == "month" and rng.random() < 0.2,
                "onboarding": rng.random() < (0.5 if interval == "year" else 0.15),
                "trial": rng.random() < 0.08, "cur": co["currency"]}

    def _acv_minor(self, deal: dict, t: int) -> int:
        b = self.bill
        cur, iv = deal["cur"], deal["interval"]
        p = b.prices[b.tier_price_key(deal["tier"], cur, iv, t)][0]["unit_amount"]
        yearly = p * deal["seats"] * (12 if iv == "month" else 1)
        if deal["addon"]:
            pa = b.prices[(deal["addon"][0], cur, iv, 1)][0]["unit_amount"]
            yearly += pa * deal["addon"][1] * (12 if iv == "month" else 1)
        if deal["coupon"]:
            pct = V.COUPONS[deal["coupon"]][1]
            yearly = yearly - round(yearly * pct / 100)
        return yearly

    def _nb_opp(self, acc_id, co, t_opp, deal, owner, lead_source, campaign, contacts, channel, win_mult=1.0,
                force_win=False):
        rng = self.rng
        seats = deal["seats"]
        median = 38 * (seats / 10) ** 0.3
        cycle = min(300.0, max(7.0, math.exp(rng.gauss(math.log(median), 0.55))))
        T = t_opp + int(cycle * DAY) + rng.randrange(-6 * HOUR, 6 * HOUR)
        d = to_date(T)
        if rng.random() < 0.35:  # pulled to the end of the quarter
            qe = _next_q(quarter_start(d))
            t_qe = epoch(qe) - rng.randrange(1, 10) * DAY + rng.randrange(9 * HOUR, 20 * HOUR)
            if t_qe > T:
                T = t_qe
                d = to_date(T)
        p_win = 0.37 * {"partner": 1.25, "referral": 1.2, "events": 1.0, "paid_search": 0.92, "paid_social": 0.85,
                        "outbound": 0.85}.get(channel, 1.0) * win_mult
        p_win *= 1.0 if seats < 50 else 0.85
        p_win += 0.08 if d.month >= 10 else (-0.05 if d.month in (7, 8) else 0.0)
        win = rng.random() < p_win or force_win
        if not win:
            T = t_opp + int((T - t_opp) * rng.uniform(0.3, 1.0))
        # deal price is quoted at the price list of the (expected) start
        deal["acv_minor"] = self._acv_minor(deal, T)
        deal["acv"] = deal["acv_minor"] / V.MINOR_FACTOR[deal["cur"]]
        deal["t_quote"] = T
        name = f"{co['name']} - {deal['tier'].capitalize()} {deal['seats']} seats"
        return self.make_opp(acc_id, t_opp, otype="New Business", acv=deal["acv"], cur=deal["cur"], win=win, T=T,
                             name=name, owner=owner, lead_source=lead_source, campaign=campaign,
                             contacts=contacts)

    def _bill(self, acc: Rec, co: dict, opp: dict, deal: dict, contacts, contact_recs, owner, clean=False) -> None:
        rng, c, b = self.rng, self.c, self.bill
        close_t = opp["_T"]
        acc_id = acc.key
        oid = opp["_id"]
        close_day = close_t // DAY
        judged = close_day + 30 < c.tend // DAY
        self.upd(acc, close_t, Type="Customer - Direct")
        contract_mrr = deal["acv"] / 12
        base_truth = {"opportunity_id": oid, "account_id": acc_id, "close_date": self.ds(close_t),
                      "amount": deal["acv"], "currency": deal["cur"].upper(), "judged": judged}
        if not clean and self.q(rng, "won_never_billed", 0.03):
            self.won_not_billed.append(dict(base_truth, reason="never_billed"))
            opp["billing"] = {"customer": None, "contract_mrr": round(contract_mrr, 4), "reason": "never_billed"}
            return
        link = "metadata"
        if clean:
            pass
        elif self.q(rng, "billing_unlinked", 0.05):
            link = "none"
        elif acc.row["Website"] and self.q(rng, "billing_domain_link", 0.115):
            link = "domain"
        primary = contact_recs[0][1]
        start = close_t + rng.randrange(0, 7 * DAY)
        start = leakage_edges.billing_start(self, oid, close_t, start, deal, link, clean)  # planted edges
        if link == "metadata" or link == "domain":
            if link == "domain" or rng.random() < 0.2:
                email = f"{rng.choice(('billing', 'accounts', 'finance'))}@{co['domain']}"
                if link == "domain" and rng.random() < 0.5 and primary["email"].endswith("@" + co["domain"]):
                    email = primary["email"].strip().lower()
            else:
                email = primary["email"].strip() or f"billing@{co['domain']}"
        else:
            fa, la = _ascii(primary["first"]), _ascii(primary["last"])
            email = f"{fa}.{la}.{rng.randrange(10, 99)}@gmail.com"
            if normalise_email(email) in self.emails_used:
                email = f"{fa}{la}{rng.randrange(100, 999)}@gmail.com"
                if normalise_email(email) in self.emails_used:
                    email = self.numbered_email(email)[0]
            self.emails_used.add(normalise_email(email))
        meta_late = None
        if link == "metadata" and rng.random() < 0.1:
            meta_late = start + rng.randrange(10, 60) * DAY
        cust = b.new_customer(start - rng.randrange(60, 3 * HOUR), email=email, name=co["name"], currency=deal["cur"],
                              country=co["country"], crm_account_id=acc_id if link == "metadata" else None,
                              metadata_from=meta_late)
        under = not clean and link != "none" and deal["seats"] >= 3 and self.q(rng, "under_billed", 0.04)
        q = deal["seats"] if not under else max(1, min(deal["seats"] - 1, round(deal["seats"] * rng.uniform(0.55, 0.8))))
        res = b.run_subscription(
            cust, start, tier=deal["tier"], interval=deal["interval"], seats=q, coupon=deal["coupon"],
            trial_days=14 if deal["trial"] else 0, addon=deal["addon"], metered=deal["metered"],
            onboarding=deal["onboarding"],
            collection="send_invoice" if (deal["interval"] == "year" and rng.random() < 0.6) else "charge_automatically",
            churn_hazard=0.02 if deal["seats"] < 20 else 0.011, upgrade_rate=0.07, downgrade_rate=0.02,
            renew_prob=0.87, metadata={"crm_opportunity_id": oid} if link == "metadata" and rng.random() < 0.5 else {})
        segments = [tuple(s) for s in res.seats]
        # contract check at the end of the grace window (reporting currency USD, tolerance 2%)
        g_day = close_day + 30
        fx = self.ctx.fx
        contract_usd = contract_mrr * fx.rate(deal["cur"], close_t)
        if judged:
            # observed: the subscription lines covering the last day of the grace window
            billed = 0.0
            rate_start = None
            for ps, pe, mrr in res.periods:
                if ps // DAY <= g_day < pe // DAY:
                    billed += mrr
                    rate_start = ps
            billed_usd = billed * fx.rate(deal["cur"], rate_start) if rate_start is not None else 0.0
        else:
            # the window is still open at end_date: only the intended billing is known
            billed = self._acv_minor(dict(deal, seats=q), deal["t_quote"]) / V.MINOR_FACTOR[deal["cur"]] / 12
            billed_usd = billed * fx.rate(deal["cur"], close_t)
        opp["billing"] = {"customer": cust["id"], "link": link, "contract_mrr": round(contract_mrr, 4),
                          "billed_mrr_at_grace_end": round(billed, 4), "billed_seats": q, "contract_seats": deal["seats"]}
        future = cust["versions"][0][0] > c.tend
        if future:
            # closed in the last days: the Stripe customer only appears after end_date
            opp["billing"] = {"customer": None, "contract_mrr": round(contract_mrr, 4),
                              "reason": "billing_starts_after_end_date"}
        elif link == "none":
            self.won_not_billed.append(dict(base_truth, reason="billing_unlinked", customer_id=cust["id"]))
        elif leakage_edges.is_late(self, oid):
            pass  # billed from day 31: won_not_billed, recorded in dirt.leakage_edges
        elif billed_usd < contract_usd * 0.98 - 1e-6 and (judged or under) and not future:
            self.billed_below.append(dict(base_truth, customer_id=cust["id"], contract_mrr=round(contract_mrr, 4),
                                          billed_mrr=round(billed, 4),
                                          contract_mrr_usd=round(contract_usd, 4), billed_mrr_usd=round(billed_usd, 4),
                                          reason="under_billed" if under else "fx"))
        elif under:
            # under-billing that FX happens to hide is no finding of the warehouse: keep it visible here
            opp["billing"]["under_billed_but_not_below_tolerance"] = True
        if not future:
            self.customers[cust["id"]] = {"intended_crm_account_id": acc_id, "link": link,
                                          "metadata_added_later": meta_late is not None,
                                          "currency": deal["cur"].upper(), "opportunity_id": oid,
                                          "ever_mrr": res.ever_mrr, "deleted": False, "self_serve": False,
                                          "_email": email}
        # follow-up opportunities from the billing life
        self._followups(acc_id, co, res, deal, contacts, owner, close_t)
        ended = res.ended_at
        # reactivation months after churn (self-serve, no opportunity)
        if res.churned and ended is not None and ended <= c.tend and rng.random() < 0.22:
            t_re = ended + rng.randrange(60, 240) * DAY + rng.randrange(DAY)
            if t_re <= c.tend:
                res2 = b.run_subscription(cust, t_re, tier=deal["tier"], interval="month",
                                          seats=max(1, round(q * rng.uniform(0.5, 1.0))),
                                          coupon="FIRSTMONTH50" if rng.random() < 0.3 else None,
                                          churn_hazard=0.025, upgrade_rate=0.05, renew_prob=0.85)
                segments += [tuple(s) for s in res2.seats]
                res.ever_mrr = res.ever_mrr or res2.ever_mrr
                ended = res2.ended_at
                self.customers[cust["id"]]["reactivated"] = True
                self.customers[cust["id"]]["ever_mrr"] = res.ever_mrr
        if ended is not None and ended <= c.tend:
            self.upd(acc, ended, Type="Former Customer")
        if not future:
            self.counts["paying_accounts"] += 1
        self.usage_accounts.append((acc_id, segments))
        for s in segments:
            self.paying_intervals.append((s[0], s[1]))
        b.finish_customer(cust)

    def _followups(self, acc_id, co, res, deal, contacts, owner, close_t) -> None:
        rng, c = self.rng, self.c
        cur = deal["cur"]
        f = V.MINOR_FACTOR[cur]
        last_eb = close_t
        for ev in res.crm_events:
            if ev[0] == "upgrade" and rng.random() < 0.6:
                _k, tc, old, new, unit_y = ev
                t0 = max(last_eb + DAY, tc - rng.randrange(10, 45) * DAY)
                if t0 >= tc or t0 > c.tend:
                    continue
                acv = (new - old) * unit_y / f
                self.make_opp(acc_id, t0, otype="Existing Business", acv=acv, cur=cur, win=True, T=tc,
                              name=f"{co['name']} - Expansion +{new - old} seats", owner=self.owner("ae", t0),
                              start_stage=2, slip_ok=False, contacts=[x for x in contacts if x[1] <= t0] or [],
                              behaviour_ok=False)
                last_eb = tc
            elif ev[0] == "renewal":
                _k, pe, renew, decision, new_q, acv_minor = ev
                t0 = pe - 90 * DAY - rng.randrange(0, 10 * DAY)
                if t0 > c.tend:
                    continue
                T = (pe - rng.randrange(0, 20 * DAY)) if renew else decision
                T = max(T, t0 + DAY)
                self.make_opp(acc_id, t0, otype="Renewal", acv=acv_minor / f, cur=cur, win=renew, T=T,
                              name=f"{co['name']} - Renewal {to_date(pe).year}", owner=self.owner("ae", t0),
                              start_stage=3, slip_ok=rng.random() < 0.5,
                              contacts=[x for x in contacts if x[1] <= t0], behaviour_ok=True)
        # an expansion attempt that goes nowhere
        end = res.ended_at or c.tend
        if end - close_t > 200 * DAY and rng.random() < 0.25:
            t0 = close_t + rng.randrange(100, int((end - close_t) / DAY)) * DAY
            if t0 <= c.tend:
                acv = deal["acv"] * rng.uniform(0.1, 0.4)
                self.make_opp(acc_id, t0, otype="Existing Business", acv=round(acv, 0), cur=cur, win=False,
                              T=t0 + rng.randrange(20, 90) * DAY, name=f"{co['name']} - Add-on expansion",
                              owner=self.owner("ae", t0), start_stage=1,
                              contacts=[x for x in contacts if x[1] <= t0])

    def unconverted_lead(self, t_lead: int) -> None:
        rng, c = self.rng, self.c
        r = rng.random()
        if r < 0.08 and self.account_companies:
            co = rng.choice(self.account_companies)[0]
        elif r < 0.3 and self.lead_companies:
            co = rng.choice(self.lead_companies[-LEAD_COMPANIES_REUSED:])
        else:
            co = self.new_company()
            self.lead_companies.append(co)
            if len(self.lead_companies) >= 2 * LEAD_COMPANIES_REUSED:  # older ones are never drawn again
                del self.lead_companies[:-LEAD_COMPANIES_REUSED]
        p = self.new_person(co, freemail_p=0.18)
        dirt = None
        for kind, p_kind in (("syntax", 0.012), ("disposable", 0.012), ("role", 0.01), ("typo", 0.009),
                             ("empty", 0.009)):
            if self.q(rng, f"email_{kind}", p_kind):
                dirt = kind
                break
        if dirt:
            self.dirty_email(p, dirt)
        channel = weighted(rng, V.CHANNEL_MIX)
        lead_source = rng.choice(V.CHANNEL_LEAD_SOURCES[channel][0])
        if dirt == "empty":
            lead_source = rng.choice(("Phone Inquiry", "Trade Show", "Purchased List"))
            channel = V.LEAD_SOURCE_CHANNEL[lead_source]
        path = weighted(rng, (("open", 0.15), ("working", 0.22), ("mql", 0.16), ("sql", 0.04), ("nc_working", 0.2),
                              ("nc_mql", 0.12), ("nc_sql", 0.04), ("nc_direct", 0.07)))
        campaign = self.campaign_for(lead_source, channel, t_lead)
        rec, pr = self.make_lead(p, t_lead, channel=channel, lead_source=lead_source, path=path,
                                 campaign=campaign)
        p_del = 0.3 if dirt in ("syntax", "disposable") else 0.025
        if self.q(rng, "deleted_lead", p_del):
            t_del = t_lead + rng.randrange(HOUR, 90 * DAY)
            if t_del <= c.tend:
                self.upd(rec, t_del, IsDeleted="true")
                self.deleted["Lead"].append(rec.key)
        self.emit("Lead", rec)
        if dirt or not p["email"]:
            return
        if self.q(rng, "dup_lead_twice", 0.03):  # the same person fills a form again with a variant of the address
            t_d = t_lead + rng.randrange(3, 300) * DAY
            if t_d <= c.tend:
                variant = self.email_variant(p["email"])
                lr, _ = self.make_lead(p, t_d, channel="unknown", lead_source=lead_source, path="open",
                                       email=variant, journey=False)
                self.mkt.touch(t_d - rng.randrange(1, 60), "form_submit", "direct", email=variant.strip(),
                               offset_h=self.offset_at(co, t_d), page=rng.choice(V.PAGES))
                self.emit("Lead", lr)
                self.dup_clusters.append({"match_rule": "email", "kind": "lead_twice", "norms": [p["norm"]],
                                          "ids": [rec.key, lr.key]})
        elif p["email"].split("@")[1] == co["domain"] and self.q(rng, "dup_name_company_lead", 0.01):
            t_d = t_lead + rng.randrange(3, 300) * DAY
            if t_d <= c.tend:
                alt = self._alt_email(p)
                if alt:
                    lr, _ = self.make_lead(p, t_d, channel="unknown", lead_source=lead_source, path="open",
                                           email=alt, journey=False)
                    self.emit("Lead", lr)
                    self.dup_clusters.append({"match_rule": "name_company", "kind": "name_company",
                                              "norms": [p["norm"], normalise_email(alt)], "ids": [rec.key, lr.key]})

    def self_serve(self, t: int) -> None:
        """A Stripe customer that signed up on the website: no CRM account behind it."""
        rng, c, b = self.rng, self.c, self.bill
        co = self.new_company()
        p = self.new_person(co, freemail_p=0.5)
        email = p["email"]
        if rng.random() < 0.05:
            self.dirty_email(p, rng.choice(("typo", "role")))
            email = p["email"]
        cust = b.new_customer(t, email=email, name=f"{p['first']} {p['last']}" if rng.random() < 0.6 else co["name"],
                              currency=co["currency"], country=co["country"], crm_account_id=None)
        entry = {"intended_crm_account_id": None, "link": "none", "metadata_added_later": False,
                 "currency": co["currency"].upper(), "opportunity_id": None, "ever_mrr": False, "deleted": False,
                 "self_serve": True, "_email": email}
        self.customers[cust["id"]] = entry
        deleted_at = None
        if not self.q(rng, "selfserve_without_subscription", 0.28):
            trial = rng.random() < 0.7
            coupon = None
            rc = rng.random()
            if rc < 0.15:
                coupon = "FIRSTMONTH50"
            elif rc < 0.23:
                coupon = "SAVE100"
            elif rc < 0.26:
                coupon = "PARTNER100"
            elif rc < 0.3:
                coupon = "ONBOARD500"
            res = b.run_subscription(cust, t + rng.randrange(60, 2 * HOUR),
                                     tier="starter" if rng.random() < 0.7 else "professional", interval="month",
                                     seats=rng.randrange(1, 6), coupon=coupon, trial_days=14 if trial else 0,
                                     trial_converts=(not trial) or rng.random() < 0.6, metered=rng.random() < 0.1,
                                     churn_hazard=0.035, upgrade_rate=0.04, downgrade_rate=0.01)
            entry["ever_mrr"] = res.ever_mrr
            for s in res.seats:
                if res.ever_mrr:
                    self.paying_intervals.append((s[0], s[1]))
        elif self.q(rng, "deleted_customer", 0.4, warmup=1):
            deleted_at = t + rng.randrange(10, 200) * DAY
            if deleted_at > c.tend:
                deleted_at = None
        if deleted_at is not None:
            entry["deleted"] = True
            self.deleted["customers"].append(cust["id"])
        b.finish_customer(cust, deleted_at=deleted_at)


def _next_q(q):
    m = q.month + 3
    return q.replace(year=q.year + (m > 12), month=(m - 1) % 12 + 1)


def _qkey(day: int) -> int:
    d = to_date(day * DAY)
    return d.year * 4 + (d.month - 1) // 3


def _numv(s: str):
    if s == "" or s is None:
        return None
    f = float(s)
    return int(f) if f == int(f) else f
