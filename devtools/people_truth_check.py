"""Check the attribution and data-quality marts against the generator's ground truth (issue 9).

Usage: ``python -m devtools.people_truth_check --landing DIR --warehouse FILE``; prints the
figures and exits 1 when a target is missed:

* deterministic duplicate clusters: precision and recall over record pairs, against clusters
  worked out here from the landing CRM files (latest version per Id, deleted dropped) with the
  rules of metrics.md 10 written again in Python (email; full name + company domain; the latest
  steward accepts), union-find for transitivity. Target 1.0 / 1.0.
* candidates: precision and recall of ``dq_duplicate_candidates`` on the planted near-duplicate
  pairs the steward did not decide (``people_quality.near_duplicates``; a pair counts when it
  joins the two planted records' people, a cluster being one person); planted near misses must
  never be proposed. Targets >= 0.95 / >= 0.9.
* email status accuracy on the planted addresses (``dirt.emails`` mapped to metrics.md codes and
  ``people_quality.emails``). Target 1.0.
* attribution identity: every won New Business deal of the truth closed by as_of has weights
  summing to 1 for each of the five models, and per month and model cac_by_channel_monthly adds up
  to the deals' count and amount (USD at the CloseDate rate).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import re
import sys
from collections import defaultdict
from pathlib import Path

import duckdb

from .truth_check import FxRates, load_truth

PROJECT = Path(__file__).resolve().parents[1]
MODELS = ("first_touch", "last_touch", "linear", "position_based", "time_decay")
_EMAIL = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~.-]+@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}")
CODE = {"syntax": "syntax", "disposable_domain": "disposable", "role_account": "role", "typo_domain": "typo"}
ORDER = ("syntax", "disposable", "role", "typo", "free_mail")


def norm_email(raw: str | None) -> str | None:
    e = (raw or "").strip().lower()
    if not _EMAIL.fullmatch(e):
        return None
    local, dom = e.split("@", 1)
    local = local.split("+", 1)[0]
    if dom in ("gmail.com", "googlemail.com"):
        local = local.replace(".", "")
    return f"{local}@{dom}"


def norm_domain(site: str | None) -> str | None:
    s = re.sub(r"^([a-z]+://)?(www\.)?", "", (site or "").strip().lower())
    s = re.sub(r"[/:?#].*$", "", s)
    return s or None


def norm_name(first: str | None, last: str | None) -> str | None:
    import unicodedata
    f, l_ = (first or "").strip(), (last or "").strip()
    if not f or not l_:
        return None
    s = unicodedata.normalize("NFKD", f"{f} {l_}")
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", s).lower()


def latest_rows(landing: Path, folder: str, key: str) -> dict[str, dict]:
    out: dict[str, dict] = {}
    d = landing / folder
    for path in sorted(d.glob("*.csv")) if d.is_dir() else ():
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                out[row[key]] = row
    return out


def expected_clusters(landing: Path) -> dict[str, str]:
    free = {r["domain"].strip().lower() for r in csv.DictReader(open(PROJECT / "seeds" / "free_email_domains.csv"))}
    accounts = {k: r for k, r in latest_rows(landing, "crm/Account", "Id").items() if r.get("IsDeleted", "false").lower() != "true"}
    records = {}
    for obj in ("Contact", "Lead"):
        for rid, r in latest_rows(landing, f"crm/{obj}", "Id").items():
            if r.get("IsDeleted", "false").lower() == "true":
                continue
            email = norm_email(r.get("Email"))
            site = norm_domain(accounts.get(r.get("AccountId") or "", {}).get("Website")) if obj == "Contact" else norm_domain(r.get("Website"))
            dom = site or (email.split("@")[1] if email and email.split("@")[1] not in free else None)
            records[rid] = (email, norm_name(r.get("FirstName"), r.get("LastName")), dom)
    parent = {r: r for r in records}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a, b):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    by_key = defaultdict(list)
    for rid, (email, name, dom) in records.items():
        if email:
            by_key[("e", email)].append(rid)
        if name and dom:
            by_key[("n", name, dom)].append(rid)
    for ids in by_key.values():
        for other in ids[1:]:
            union(ids[0], other)
    decisions = {}
    d = landing / "steward" / "duplicate_decisions"
    for path in sorted(d.glob("*.csv")) if d.is_dir() else ():
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                a, b = sorted((row["record_id_a"], row["record_id_b"]))
                when = dt.datetime.fromisoformat(row["decided_at"].replace("Z", "+00:00"))
                if (a, b) not in decisions or when >= decisions[(a, b)][0]:
                    decisions[(a, b)] = (when, row["decision"].strip().lower())
    for (a, b), (_w, dec) in decisions.items():
        if dec == "accept" and a in records and b in records:
            union(a, b)
    groups = defaultdict(list)
    for rid in records:
        groups[find(rid)].append(rid)
    return {rid: min(ids) for ids in groups.values() if len(ids) > 1 for rid in ids}


def _pairs(clusters: dict[str, str]) -> set[tuple[str, str]]:
    members = defaultdict(list)
    for rid, cid in clusters.items():
        members[cid].append(rid)
    return {(a, b) for ids in members.values() for a in ids for b in ids if a < b}


def pr(got: set, want: set) -> tuple[float, float]:
    tp = len(got & want)
    return (tp / len(got) if got else 1.0), (tp / len(want) if want else 1.0)


def check(landing: Path, warehouse: Path) -> tuple[list[str], list[str]]:
    truth = load_truth(landing)
    con = duckdb.connect(str(warehouse), read_only=True)
    lines, failures = [], []
    try:
        # --- deterministic clusters
        want = _pairs(expected_clusters(landing))
        mart = dict(con.execute("select record_id, cluster_id from marts.dq_duplicate_people").fetchall())
        p, r = pr(_pairs(mart), want)
        lines.append(f"duplicate clusters: {len(set(mart.values()))} clusters, {len(want)} expected record pairs; precision {p:.4f}, recall {r:.4f}")
        if p < 1 or r < 1:
            failures.append("deterministic clusters differ from the rules")
        # --- candidates
        pq = truth["people_quality"]
        ent = lambda x: mart.get(x, x)  # noqa: E731
        key = lambda a, b: tuple(sorted((ent(a), ent(b))))  # noqa: E731
        planted = {key(x["a"], x["b"]) for x in pq["near_duplicates"] if x["steward"] is None}
        misses = {key(x["a"], x["b"]) for x in pq["near_misses"]}
        cands = {key(a, b) for a, b in con.execute("select record_id_a, record_id_b from marts.dq_duplicate_candidates").fetchall()}
        p, r = pr(cands, planted)
        accepted = [x for x in pq["near_duplicates"] if x["steward"] == "accept"]
        joined = sum(1 for x in accepted if mart.get(x["a"]) is not None and mart.get(x["a"]) == mart.get(x["b"]))
        lines.append(f"candidates: {len(cands)} proposed, {len(planted)} planted undecided near-duplicates; precision {p:.4f}, "
                     f"recall {r:.4f}; near misses proposed {len(cands & misses)} of {len(misses)}; "
                     f"steward-accepted pairs clustered {joined} of {len(accepted)}")
        if p < 0.95 or r < 0.9 or cands & misses or joined != len(accepted):
            failures.append("candidates miss their targets")
        # --- emails
        from disposable_email_domains import blocklist
        free = {r_["domain"].strip().lower() for r_ in csv.DictReader(open(PROJECT / "seeds" / "free_email_domains.csv"))}
        planted_emails = {}
        for raw, e in truth["dirt"]["emails"].items():
            if all(rec.get("deleted") for rec in e["records"]):
                continue  # only on deleted records: not in the warehouse
            codes = {CODE[c] for c in e["reasons"]}
            dom = raw.rsplit("@", 1)[-1]
            if "syntax" not in codes:
                codes |= {"disposable"} if dom in blocklist else set()
                codes |= {"free_mail"} if dom in free else set()
            planted_emails[raw] = codes
        for raw, e in pq["emails"].items():
            planted_emails[raw] = set(e["reasons"])
        got = {em.lower(): (st, set(rs)) for em, st, rs in con.execute("select email, status, reasons from marts.dq_email_verification").fetchall()}
        ok = 0
        wrong = []
        for raw, codes in sorted(planted_emails.items()):
            status = "invalid" if codes & {"syntax", "disposable"} else "risky" if codes & {"role", "typo"} else "valid"
            k = norm_email(raw) or raw.strip().lower()
            if got.get(k) == (status, codes):
                ok += 1
            else:
                wrong.append(f"{raw}: expected {status} {sorted(codes)}, got {got.get(k)}")
        acc = ok / len(planted_emails) if planted_emails else 1.0
        lines.append(f"emails: {ok} of {len(planted_emails)} planted addresses with the expected status and reasons (accuracy {acc:.4f})")
        lines += ["  " + w for w in wrong[:20]]
        if acc < 1:
            failures.append("email statuses differ")
        # --- attribution identity
        as_of = dt.date.fromisoformat(truth["assumptions"]["as_of_date"])
        fx = FxRates.from_landing(landing)
        deals = {oid: o for oid, o in truth["opportunities"].items()
                 if not o["deleted"] and o["is_won"] and o["is_closed"] and o.get("type") == "New Business"
                 and dt.date.fromisoformat(o["close_date"]) <= as_of}
        sums = defaultdict(float)
        for oid, model, w in con.execute("select opportunity_id, model, weight from marts.attribution_touches").fetchall():
            sums[(oid, model)] += w
        bad = [k for k in ((o, m) for o in deals for m in MODELS) if abs(sums.get(k, 0) - 1) > 1e-9]
        extra = {o for o, _m in sums} - set(deals)
        want_m = defaultdict(lambda: [0, 0.0])
        for oid, o in deals.items():
            d = dt.date.fromisoformat(o["close_date"])
            want_m[d.replace(day=1)][0] += 1
            want_m[d.replace(day=1)][1] += fx.to_usd(o["amount"], o["currency"], d) or 0.0
        got_m = {(m, mo): (c, float(a or 0)) for m, mo, c, a in con.execute(
            "select month, model, sum(attributed_customers), sum(attributed_amount) from marts.cac_by_channel_monthly group by all").fetchall()}
        month_bad = [(m, mo) for m, (n, amt) in want_m.items() for mo in MODELS
                     if abs(got_m.get((m, mo), (0, 0))[0] - n) > 1e-6 or abs(got_m.get((m, mo), (0, 0))[1] - amt) > 0.05]
        lines.append(f"attribution: {len(deals)} won New Business deals x 5 models; weight sums off {len(bad)}, "
                     f"unexpected deals {len(extra)}, month x model identity off {len(month_bad)} of {len(want_m) * 5}")
        if bad or extra or month_bad:
            failures.append("attribution identity does not hold")
    finally:
        con.close()
    return lines, failures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m devtools.people_truth_check", description=__doc__.splitlines()[0])
    ap.add_argument("--landing", required=True, type=Path)
    ap.add_argument("--warehouse", required=True, type=Path)
    args = ap.parse_args(argv)
    lines, failures = check(args.landing, args.warehouse)
    print("\n".join(lines))
    if failures:
        print("FAILED: " + "; ".join(failures))
        return 1
    print("OK: every target met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
