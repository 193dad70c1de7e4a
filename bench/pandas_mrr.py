"""Monthly MRR from the landing files with plain pandas: the yardstick `make bench` compares the
warehouse with (issue: "billing ingest + MRR models >= 5 x faster than the pandas peer").

It is written the way an analyst would write it: read the extracts, keep the latest version of
each record, flatten the invoice lines, apply the MRR definition of docs/metrics.md
section 2 with vectorised pandas, and total MRR per month (section 4, revenue_kpis_monthly.mrr).
No DuckDB, no dbt, nothing from the project's code; only the project's seeds are read (the
minor units of currencies.csv and the free-mail list of free_email_domains.csv), as an analyst
would copy them.

    python bench/pandas_mrr.py --landing DIR --as-of YYYY-MM-DD [--out CSV]

prints the seconds spent reading and computing (Python start-up and imports excluded) and
writes month,mrr rows to --out (or a summary to stdout).

The steps follow models/checks/chk_billing__account_mrr_recomputed.sql:
 1. invoices: latest version of each invoice id (later file in lexical order of name wins, then
    the later line), every line of it;
 2. recurring licensed lines of paid / open invoices: native MRR =
    (amount - discounts) / minor-unit factor / interval months x prorate;
 3. converted at the fx rate of date(period.start) (latest rate on or before the day; before a
    currency's first rate, its first rate; USD is 1);
 4. each month is measured on its last day (on as_of for the month of as_of); a line covers
    date(start) <= d < date(end);
 5. per CRM account (customer -> account: metadata.crm_account_id naming a CRM Account, else a
    unique non-free-mail email-domain match with an Account Website, else the customer itself),
    the sum of the covering lines, a negative total counting as 0; the month's MRR is the total
    over accounts. Months run from the first month with any MRR > 0 through the month of as_of.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pandas as pd

REPORTING_CURRENCY = "USD"  # dbt var reporting_currency (dbt_project.yml)
SEEDS = Path(__file__).resolve().parents[1] / "seeds"


# --- reading the landing folder --------------------------------------------------------------

def landing_files(folder: Path) -> list[Path]:
    """The extracts of one object, in the order they apply (lexical order of file name).
    Names starting with '.' or '_' are private files, not extracts."""
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "_"))),
                  key=lambda p: p.name)


def read_extracts(folder: Path) -> pd.DataFrame:
    """Every row of every extract of an object (CSV as text, JSON Lines as parsed objects),
    with _file and _line saying where it came from, in the order the versions apply."""
    frames = []
    for i, path in enumerate(landing_files(folder)):
        name = path.name.lower()
        if name.endswith((".csv", ".csv.gz")):
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        elif name.endswith((".jsonl", ".jsonl.gz")):
            df = pd.read_json(path, lines=True, dtype=False)
        elif name.endswith(".parquet"):
            df = pd.read_parquet(path)
        else:
            continue
        frames.append(df.assign(_file=i, _line=np.arange(1, len(df) + 1)))
    if not frames:
        return pd.DataFrame(columns=["_file", "_line"])
    return pd.concat(frames, ignore_index=True)


def latest(df: pd.DataFrame, key) -> pd.DataFrame:
    """Latest version of each record: rows are in file order then line order, so the last one."""
    return df.drop_duplicates(key, keep="last")


def col(df: pd.DataFrame, name: str) -> pd.Series:
    """A column, or nulls when no extract has it."""
    return df[name] if name in df.columns else pd.Series(None, index=df.index, dtype=object)


def text(s: pd.Series) -> pd.Series:
    """Trimmed text, empty string as null."""
    s = s.astype(object).where(s.notna()).map(lambda v: v if isinstance(v, str) or v is None else str(v))
    s = s.str.strip(" ")
    return s.where(s != "")


# --- identity: billing customer -> CRM account ----------------------------------------------

def sf_id18(ids: pd.Series) -> pd.Series:
    """Salesforce 15-character ids -> 18 characters (the suffix encodes which characters are
    upper-case letters, 5 per suffix character), so ids given either way join."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"

    def to18(v: str) -> str:
        return v + "".join(alphabet[sum(1 << i for i in range(5) if "A" <= v[c * 5 + i] <= "Z")] for c in range(3))

    ids = text(ids)
    short = ids.str.len() == 15
    return ids.mask(short, ids[short].map(to18))


EMAIL_RE = r"[a-z0-9!#$%&'*+/=?^_`{|}~.-]+@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}"


def domain(s: pd.Series) -> pd.Series:
    """Bare domain of a website / email domain: no scheme, no www., no path or port."""
    s = s.str.strip(" ").str.lower()
    s = s.str.replace(r"^([a-z]+://)?(www\.)?", "", regex=True, n=1).str.replace(r"[/:?#].*$", "", regex=True, n=1)
    return s.where(s != "")


def email_domain(emails: pd.Series) -> pd.Series:
    """Domain of a syntactically valid email (trimmed, lower-cased), else null."""
    e = emails.astype(object).where(emails.notna()).str.strip(" ").str.lower()
    valid = e.str.fullmatch(EMAIL_RE).fillna(False).astype(bool)
    return domain(e.where(valid).str.split("@", n=1).str[1])


def customer_accounts(landing: Path, invoice_customers: pd.Series) -> pd.Series:
    """account_id by billing customer id (landing.md "Identity across sources")."""
    accounts = read_extracts(landing / "crm" / "Account")
    if len(accounts):
        accounts = accounts.assign(account_id=sf_id18(col(accounts, "Id")))
        accounts = latest(accounts, "account_id")
        deleted = text(col(accounts, "IsDeleted")).str.lower().isin(["true", "1"])
        accounts = accounts[~deleted & accounts["account_id"].notna()]
        accounts = accounts.assign(website_domain=domain(text(col(accounts, "Website"))))
    else:
        accounts = pd.DataFrame({"account_id": pd.Series(dtype=object), "website_domain": pd.Series(dtype=object)})
    crm_ids = set(accounts["account_id"])
    # a domain names an account only when exactly one account has it, and never a free-mail one
    owners = accounts.dropna(subset=["website_domain"]).groupby("website_domain")["account_id"].agg(["min", "count"])
    free_mail = set(pd.read_csv(SEEDS / "free_email_domains.csv")["domain"])
    owner = owners.loc[(owners["count"] == 1) & ~owners.index.isin(free_mail), "min"]

    customers = read_extracts(landing / "billing" / "customers")
    if len(customers):
        customers = latest(customers, "id")
        deleted = col(customers, "deleted").astype(str).str.lower().eq("true")
        customers = customers[~deleted]
        meta = col(customers, "metadata").map(lambda m: m.get("crm_account_id") if isinstance(m, dict) else None)
        by_meta = sf_id18(meta).where(lambda s: s.isin(crm_ids))
        by_domain = email_domain(col(customers, "email")).map(owner)
        linked = pd.Series(by_meta.fillna(by_domain).values, index=customers["id"].values)
    else:
        linked = pd.Series(dtype=object)
    # every billing id (customers, and customers only seen on invoices) -> its account, or itself
    ids = pd.Index(linked.index).union(pd.Index(invoice_customers.dropna().unique()))
    linked = linked.reindex(ids)
    return linked.fillna(pd.Series(ids, index=ids))


# --- fx rates ----------------------------------------------------------------------------------

def fx_to_reporting(landing: Path, currency: pd.Series, day: pd.Series, as_of: date) -> pd.Series:
    """Rate converting one unit of `currency` into the reporting currency on `day`: the latest
    rate on or before the day, else the currency's first rate; USD is 1; a currency without
    rates has none. Days are covered from as_of - 15 years (or the first rate) through
    as_of + 10 years (or the last rate + 10 years), as int_fx_rates_daily builds its calendar."""
    raw = read_extracts(landing / "finance" / "fx_rates")
    rates = pd.DataFrame({
        "currency": text(col(raw, "currency")).str.upper(),
        "date": pd.to_datetime(text(col(raw, "date")), format="%Y-%m-%d").astype("datetime64[ns]"),
        "usd_per_unit": pd.to_numeric(text(col(raw, "usd_per_unit"))).round(10),  # decimal(38, 10)
    })
    rates = latest(rates, ["currency", "date"])  # a later extract's row for the same day wins
    rates = rates[(rates["currency"] != "USD") & (rates["usd_per_unit"] > 0)].dropna(subset=["date"])
    rates = rates.sort_values("date")

    asof = pd.Timestamp(as_of)
    first_day = min(rates["date"].min() if len(rates) else asof, asof - pd.DateOffset(years=15))
    last_day = max(rates["date"].max() if len(rates) else asof, asof) + pd.DateOffset(years=10)

    def usd_per_unit(cur: pd.Series) -> pd.Series:
        q = pd.DataFrame({"currency": cur.values, "date": day.astype("datetime64[ns]").values, "_i": np.arange(len(cur))})
        q = q.dropna(subset=["date"]).sort_values("date")
        back = pd.merge_asof(q, rates, on="date", by="currency", direction="backward")
        first = rates.groupby("currency")["usd_per_unit"].first()  # before the first rate: the first rate
        rate = back["usd_per_unit"].fillna(back["currency"].map(first))
        rate = rate.mask(back["currency"] == "USD", 1.0)
        rate = rate.where((back["date"] >= first_day) & (back["date"] <= last_day))
        return pd.Series(rate.values, index=back["_i"].values).reindex(range(len(cur)))

    rate = usd_per_unit(currency.reset_index(drop=True))
    if REPORTING_CURRENCY != "USD":
        rate = rate / usd_per_unit(pd.Series(REPORTING_CURRENCY, index=range(len(currency))))
    return pd.Series(rate.values, index=currency.index)


# --- invoice lines -----------------------------------------------------------------------------

def expand(objects: pd.Series, prefix: str, keys: list[str]) -> pd.DataFrame:
    """The given keys of a column of JSON objects as columns named prefix + key (nulls where a
    value is not an object or lacks the key). pd.DataFrame(list of dicts) does what
    pd.json_normalize does for one level, several times faster (json_normalize deep-copies every
    nested object)."""
    rows = [v if isinstance(v, dict) else {} for v in objects]
    return pd.DataFrame(rows, index=objects.index).reindex(columns=keys).add_prefix(prefix)


def invoice_lines(landing: Path) -> pd.DataFrame:
    """One row per line of the latest version of every invoice, with the fields MRR needs."""
    invoices = read_extracts(landing / "billing" / "invoices")
    if not len(invoices):
        return pd.DataFrame()
    invoices = latest(invoices, "id").reindex(columns=["id", "customer", "status", "currency", "lines"])
    invoices["line"] = invoices["lines"].map(lambda v: v.get("data") if isinstance(v, dict) else None)
    exploded = invoices.drop(columns="lines").explode("line").reset_index(drop=True)
    exploded = exploded[exploded["line"].map(lambda v: isinstance(v, dict))]
    line = expand(exploded["line"], "line.", ["id", "amount", "currency", "proration", "period", "price",
                                               "discount_amounts"])
    period = expand(line.pop("line.period"), "line.period.", ["start", "end"])
    price = expand(line.pop("line.price"), "line.price.", ["recurring"])  # a price given as an id: not expanded
    recurring = expand(price.pop("line.price.recurring"), "line.price.recurring.",
                       ["interval", "interval_count", "usage_type"])
    header = exploded[["id", "customer", "status", "currency"]].rename(
        columns={"id": "invoice_id", "customer": "customer_id", "status": "invoice_status",
                 "currency": "invoice_currency"})
    return pd.concat([header, line, period, recurring], axis=1)


INTERVAL_MONTHS = {"day": 12 / 365, "week": 12 / 52, "month": 1.0, "year": 12.0}


def line_mrr(lines: pd.DataFrame, landing: Path, as_of: date) -> pd.DataFrame:
    """customer_id, start, end, mrr (reporting currency) of every line that carries MRR."""
    usage = col(lines, "line.price.recurring.usage_type").fillna("licensed")
    interval = col(lines, "line.price.recurring.interval")
    keep = lines["invoice_status"].isin(["paid", "open"]) & interval.notna() & (usage == "licensed")
    lines = lines[keep]
    interval = interval[keep]
    count = pd.to_numeric(col(lines, "line.price.recurring.interval_count")).fillna(1)

    # sum of discount_amounts[].amount per line
    discounts = col(lines, "line.discount_amounts").explode()
    discounts = pd.to_numeric(discounts.map(lambda d: d.get("amount") if isinstance(d, dict) else None))
    discount = discounts.groupby(level=0).sum().reindex(lines.index, fill_value=0)

    currency = col(lines, "line.currency").str.upper().fillna(lines["invoice_currency"].str.upper())
    minor = pd.read_csv(SEEDS / "currencies.csv").set_index("currency")["minor_unit_factor"]
    factor = currency.map(minor).fillna(100)

    start = pd.to_datetime(pd.to_numeric(col(lines, "line.period.start")), unit="s")
    end = pd.to_datetime(pd.to_numeric(col(lines, "line.period.end")), unit="s")

    # prorate: (end - (end minus one billing interval)) / (end - start), in seconds
    proration = col(lines, "line.proration").astype(str).str.lower().eq("true")
    full_start = pd.Series(pd.NaT, index=lines.index, dtype="datetime64[ns]")
    for (unit, n), idx in lines[proration].groupby([interval[proration], count[proration]]).groups.items():
        n = int(n)
        step = {"day": pd.DateOffset(days=n), "week": pd.DateOffset(days=7 * n),
                "month": pd.DateOffset(months=n), "year": pd.DateOffset(months=12 * n)}.get(unit)
        if step is not None:
            full_start[idx] = end[idx] - step
    seconds = (end - start).dt.total_seconds()
    factor_p = ((end - full_start).dt.total_seconds() / seconds).where(seconds > 0, 0.0)
    prorate = factor_p.where(proration, 1.0)

    native = (pd.to_numeric(col(lines, "line.amount")) - discount) / factor / (count * interval.map(INTERVAL_MONTHS)) * prorate
    start_date = start.dt.floor("D")
    fx = fx_to_reporting(landing, currency, start_date, as_of)
    out = pd.DataFrame({
        "customer_id": lines["customer_id"], "currency": currency,
        "start": start_date, "end": end.dt.floor("D"), "mrr": native * fx,
    })
    return out.dropna(subset=["mrr", "start", "end"])


# --- the monthly series ------------------------------------------------------------------------

def monthly_mrr(landing: Path, as_of: date) -> pd.DataFrame:
    """Total MRR per month (reporting currency): columns month (date, first of month), mrr
    (Decimal, rounded to cents) and mrr_6dp (Decimal, the 6 decimals the warehouse keeps)."""
    landing = Path(landing)
    lines = invoice_lines(landing)
    empty = pd.DataFrame({"month": pd.Series(dtype=object), "mrr": pd.Series(dtype=object),
                          "mrr_6dp": pd.Series(dtype=object)})
    if not len(lines):
        return empty
    mrr = line_mrr(lines, landing, as_of)
    mrr = mrr[mrr["start"] <= pd.Timestamp(as_of)]
    if not len(mrr):
        return empty
    accounts = customer_accounts(landing, lines["customer_id"])
    mrr["account_id"] = mrr["customer_id"].map(accounts).fillna(mrr["customer_id"])

    # each month is measured on its last day, or on as_of in the month of as_of
    months = pd.date_range(mrr["start"].min().to_period("M").to_timestamp(), pd.Timestamp(as_of), freq="MS")
    eval_day = np.minimum(months + pd.offsets.MonthEnd(0), pd.Timestamp(as_of))

    # the months whose evaluation day a line covers (start <= day < end): a run of month indexes
    first = np.searchsorted(eval_day.values, mrr["start"].values, side="left")
    stop = np.searchsorted(eval_day.values, mrr["end"].values, side="left")
    n = np.clip(stop - first, 0, None)
    rows = np.repeat(np.arange(len(mrr)), n)
    offset = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    covered = mrr.iloc[rows][["account_id", "currency", "mrr"]].assign(month=first[rows] + offset)

    # per account and currency rounded to 6 decimals, as the warehouse keeps DECIMAL(38, 6);
    # counted in micro-units (integers) from here so the sums are exact. Python's round() (the
    # correctly rounded one, as DuckDB's round(x, 6)), not numpy's: an amount of 2 decimals times
    # a rate of 6 decimals often ends in 5 at the 7th decimal, where x * 1e6 lands on .5 exactly.
    by_currency = covered.groupby(["account_id", "month", "currency"])["mrr"].sum()
    micro = np.round(by_currency.map(lambda v: round(v, 6)) * 1_000_000).astype("int64")
    account = micro.groupby(level=["account_id", "month"]).sum().clip(lower=0)  # negative total counts 0
    paying = account[account > 0]
    if not len(paying):
        return empty
    start_month = paying.index.get_level_values("month").min()
    total = account.groupby(level="month").sum().reindex(range(start_month, len(months)), fill_value=0)

    mrr_6dp = [Decimal(int(v)).scaleb(-6) for v in total.values]
    return pd.DataFrame({
        "month": [d.date() for d in months[total.index]],
        "mrr": [v.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) for v in mrr_6dp],
        "mrr_6dp": mrr_6dp,
    })


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--landing", required=True, type=Path)
    ap.add_argument("--as-of", required=True, type=date.fromisoformat)
    ap.add_argument("--out", type=Path, help="write month,mrr rows to this CSV")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    result = monthly_mrr(args.landing, args.as_of)
    seconds = time.perf_counter() - t0
    print(f"pandas peer: {seconds:.2f} s reading + computing (Python start-up and imports excluded), "
          f"{len(result)} months")
    if args.out:
        result[["month", "mrr"]].to_csv(args.out, index=False)
        print(f"wrote {args.out}")
    else:
        print(result[["month", "mrr"]].to_string(index=False))
    print(json.dumps({"seconds": round(seconds, 3), "months": len(result)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
