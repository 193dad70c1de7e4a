"""``generate()``: write a complete, deterministic landing folder plus its ground truth."""

from __future__ import annotations

import bisect
import datetime as dt
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from orchestration.landing import contract
from . import affinity, leakage_edges, people_quality, product, send_time, steward, truth
from .billing import Billing
from .crm import COLUMNS as CRM_COLUMNS
from .crm import MONTH_SEASON, Crm
from .finance import Fx, gtm_expenses
from .marketing import AD_COLUMNS, TOUCH_COLUMNS, Marketing
from .util import DAY, HOUR, Clock, Quota, SfIds, StripeIds, add_months_date
from .vocab import VOCABULARIES
from .writer import Sinks

YEARS = 3
_EXTRACT_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}_.+\.(csv|jsonl)(\.gz)?$")


@dataclass
class Context:
    clock: Clock
    seed: int
    n_accounts: int
    rng_crm: random.Random
    rng_billing: random.Random
    rng_marketing: random.Random
    np_rng: np.random.Generator
    sf_ids: SfIds
    stripe_ids: StripeIds
    sinks: Sinks
    quota: Quota = field(default_factory=Quota)
    fx: Fx | None = None
    marketing: Marketing | None = None
    billing: Billing | None = None
    summary: dict = field(default_factory=dict)
    vocabulary: str = "full"


def window(end_date: dt.date) -> tuple[dt.date, dt.date]:
    """Three years of history: from the first day of the month 36 months before end_date's month."""
    return add_months_date(dt.date(end_date.year, end_date.month, 1), -12 * YEARS), end_date


def _sample_times(rng: random.Random, n: int, clock: Clock, growth=(0.45, 1.0)) -> list[int]:
    """n instants in the window, denser over time (growth) and with seasonality/weekdays."""
    weights = []
    total = 0.0
    nd = clock.ndays
    for i in range(nd):
        t = clock.t0 + i * DAY
        d = clock.start + dt.timedelta(days=i)
        w = (growth[0] + growth[1] * i / nd) * MONTH_SEASON[d.month - 1] * (0.15 if d.weekday() >= 5 else 1.0)
        total += w
        weights.append(total)
    out = []
    for _ in range(n):
        i = bisect.bisect_left(weights, rng.random() * total)
        i = min(i, nd - 1)
        hour = rng.choice((7, 8, 9, 9, 10, 11, 13, 14, 14, 15, 16, 17, 19, 21))
        out.append(clock.t0 + i * DAY + hour * HOUR + rng.randrange(3600))
    out.sort()
    return [min(t, clock.tend) for t in out]


def _clean(out: Path) -> None:
    """Remove extract files a previous run left in the folders this generator owns."""
    for obj in contract.OBJECTS:
        folder = out / obj.source / obj.name
        if folder.is_dir():
            for f in folder.iterdir():
                if f.is_file() and _EXTRACT_NAME.match(f.name):
                    f.unlink()
    gt = out / "_meta" / "ground_truth.json"
    if gt.exists():
        gt.unlink()


def _make_sinks(clock: Clock) -> Sinks:
    s = Sinks(clock)
    for name, cols in CRM_COLUMNS.items():
        s.make("crm", name, "csv", cols, cadence="quarterly" if name in ("User", "Campaign") else "monthly")
    s.make("marketing", "touches", "csv", TOUCH_COLUMNS)
    s.make("marketing", "ad_spend", "csv", AD_COLUMNS, overlap=0)
    s.make("marketing", "email_events", "jsonl")
    for name in ("customers", "subscriptions", "invoices", "charges", "refunds"):
        s.make("billing", name, "jsonl")
    s.make("billing", "products", "jsonl", cadence="quarterly")
    s.make("billing", "prices", "jsonl", cadence="quarterly")
    s.make("finance", "gtm_expenses", "csv", ("month", "department", "category", "amount", "currency"),
           cadence="quarterly", overlap=0)
    s.make("finance", "fx_rates", "csv", ("date", "currency", "usd_per_unit"), overlap=0)
    people_quality.make_sinks(s)
    steward.make_sinks(s)
    # guard against contract drift: every contract object exists with all its columns
    for obj in contract.OBJECTS:
        if obj.folder == "product/usage_daily":
            missing = set(obj.column_names) - set(product.COLUMNS)
        else:
            sink = s[obj.folder]
            missing = set(obj.column_names) - set(sink.columns) if sink.columns else set()
        if missing:
            raise AssertionError(f"generator does not write {obj.folder} columns {sorted(missing)}")
    return s


def generate(out: Path, accounts: int = 2000, seed: int = 42, end_date: dt.date | None = None,
             vocabulary: str = "full") -> dict:
    """Write every landing object of the landing contract (docs/landing.md) under ``out`` and
    ``out/_meta/ground_truth.json``. Same arguments => byte-identical files.

    ``accounts`` is the number of CRM Account records; ``end_date`` (default: today) is the last
    day with events, and the window starts three years earlier. ``vocabulary="small"`` draws
    company and people names from a few words only (vocab.VOCABULARIES), so the random names run
    out early and the numbered fallbacks are used (for tests). Returns a summary of counts."""
    if accounts < 1:
        raise ValueError("accounts must be >= 1")
    if vocabulary not in VOCABULARIES:
        raise ValueError(f"vocabulary must be one of {sorted(VOCABULARIES)}")
    end_date = end_date or dt.date.today()
    out = Path(out)
    start, end = window(end_date)
    clock = Clock(start, end)
    out.mkdir(parents=True, exist_ok=True)
    _clean(out)
    sinks = _make_sinks(clock)
    try:
        return _run(out, clock, sinks, accounts, seed, start, end, vocabulary)
    finally:
        sinks.close()


def _run(out: Path, clock: Clock, sinks: Sinks, accounts: int, seed: int, start: dt.date, end: dt.date,
         vocabulary: str = "full") -> dict:
    ctx = Context(
        clock=clock, seed=seed, n_accounts=accounts,
        rng_crm=random.Random(f"{seed}|crm"), rng_billing=random.Random(f"{seed}|billing"),
        rng_marketing=random.Random(f"{seed}|marketing"),
        np_rng=np.random.default_rng([seed & 0xFFFFFFFF, 7]),
        sf_ids=SfIds(random.Random(f"{seed}|sfid")), stripe_ids=StripeIds(random.Random(f"{seed}|stripeid")),
        sinks=sinks, vocabulary=vocabulary,
    )
    ctx.fx = Fx(clock, random.Random(f"{seed}|fx"))
    ctx.marketing = Marketing(ctx)
    ctx.billing = Billing(ctx)
    crm = Crm(ctx)
    pq = people_quality.PeopleQuality(ctx)
    pq.attach(crm)
    trng = random.Random(f"{seed}|times")
    account_times = _sample_times(trng, accounts, clock)
    lead_times = _sample_times(trng, round(accounts * 2.3), clock)
    selfserve_times = _sample_times(trng, max(6, round(accounts * 0.09)), clock)
    crm.run(account_times, lead_times, selfserve_times)
    pq.plant(crm)

    mkt = ctx.marketing
    mkt.email_events(accounts)
    # planted best send slots: own random stream, email events only (metrics.md 11)
    send_slots = send_time.SendTimePlanter(ctx, random.Random(f"{seed}|send_time"))
    send_slots.plant(crm)
    mkt.ad_spend(scale_per_month_usd=accounts * 38.0, season=MONTH_SEASON)
    ctx.fx.write(sinks["finance/fx_rates"])

    leakage_reviews = steward.leakage_decisions(clock, ctx.seed, sinks["steward/leakage_decisions"], crm, ctx.billing)

    paying = crm.paying_intervals

    def paying_at(t: int) -> int:
        return sum(1 for a, b in paying if a <= t and (b is None or b > t))

    gtm_expenses(clock, random.Random(f"{seed}|gtm"), sinks["finance/gtm_expenses"], crm.headcount, paying_at,
                 MONTH_SEASON)

    usage_accounts = sorted(crm.usage_accounts, key=lambda a: a[0])
    _release(ctx, crm, pq)
    objects = {}
    for folder, sink in sinks.by_name.items():
        files = sink.write(out, seed)
        objects[folder] = {"files": files, "records": sink.records, "rows": sink.rows}
    labels, ends = sinks.monthly
    rows = product.usage_daily(clock, ctx.np_rng, usage_accounts, out, labels, ends)
    del usage_accounts
    objects["product/usage_daily"] = {"files": len(list((out / "product" / "usage_daily").glob("*.csv"))),
                                      "records": rows, "rows": rows}
    summary = {
        "out": str(out), "accounts": accounts, "seed": seed, "start_date": start.isoformat(),
        "end_date": end.isoformat(), "paying_accounts": crm.counts["paying_accounts"],
        "billing_customers": len(crm.customers), "opportunities": len(crm.opps),
        "objects": {k: objects[k] for k in sorted(objects)},
    }
    ctx.summary = {"paying_accounts": summary["paying_accounts"], "billing_customers": summary["billing_customers"],
                   "opportunities": summary["opportunities"],
                   "records": {k: v["records"] for k, v in summary["objects"].items()}}
    gt = truth.build(ctx, crm, ctx.billing, mkt)
    gt["people_quality"] = pq.truth()
    gt["dirt"]["leakage_reviews"] = leakage_reviews
    gt["product_affinity"] = affinity.truth(ctx.billing)
    gt["dirt"]["leakage_edges"] = leakage_edges.truth(crm)
    gt["send_time"] = send_slots.truth()
    meta = out / "_meta"
    meta.mkdir(exist_ok=True)
    with open(meta / "ground_truth.json", "w", encoding="utf-8") as f:
        write_json(f, gt, depth=3)
        f.write("\n")
    return summary


def _release(ctx: Context, crm: Crm, pq: people_quality.PeopleQuality) -> None:
    """Drop what only the simulation needed once every record is emitted (the extracts are written
    next, then the ground truth is assembled): its memory is reused by both."""
    ctx.sf_ids.used.clear()
    ctx.marketing.audience = []
    crm.release()
    pq.contacts = []


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def write_json(f, obj, depth: int) -> None:
    """Write ``_dumps(obj)`` to ``f`` piece by piece: the same text, but dicts and lists down to
    ``depth`` levels are written member by member, so the text of a large ground truth (about
    170 MB at 100,000 accounts) is never held in memory at once. A ``truth.Members`` is written as
    the JSON object of the pairs it yields (``_dumps`` cannot write it)."""
    if isinstance(obj, truth.Members):  # generated member by member; each value written whole
        sep = "{"
        for k, v in obj.items():
            f.write(f"{sep}{_dumps(k)}:{_dumps(v)}")
            sep = ","
        f.write("}" if sep == "," else "{}")
    elif depth > 0 and isinstance(obj, dict) and obj and all(isinstance(k, str) for k in obj):
        sep = "{"
        for k, v in obj.items():
            f.write(f"{sep}{_dumps(k)}:")
            write_json(f, v, depth - 1)
            sep = ","
        f.write("}")
    elif depth > 0 and isinstance(obj, list) and obj:
        sep = "["
        for v in obj:
            f.write(sep)
            write_json(f, v, depth - 1)
            sep = ","
        f.write("]")
    else:
        f.write(_dumps(obj))
