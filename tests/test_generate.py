"""The sample-data generator writes the landing contract literally, deterministically, and its
ground truth agrees with the files (shared/spec/landing.md, devtools/generate/)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import pytest

from devtools.generate import generate, main
from devtools.generate.util import normalise_email, sf_checksum
from orchestration.landing import contract

END = dt.date(2025, 6, 15)
ACCOUNTS = 60
SEED = 11

SF_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000(Z|\+0000)$")
ISO_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTH = re.compile(r"^\d{4}-\d{2}$")
FILE_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}_(?P<obj>.+)\.(csv|jsonl)$")
SF_PREFIX = {"Account": "001", "Contact": "003", "Lead": "00Q", "Opportunity": "006", "User": "005",
             "Campaign": "701", "LeadHistory": "017", "OpportunityHistory": "008",
             "OpportunityContactRole": "00K", "CampaignMember": "00v"}
FREE_MAIL = {"gmail.com", "googlemail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com"}


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "landing"
    generate(out, accounts=ACCOUNTS, seed=SEED, end_date=END)
    return out


@pytest.fixture(scope="module")
def truth(landing) -> dict:
    return json.loads((landing / "_meta" / "ground_truth.json").read_text(encoding="utf-8"))


def _files(landing: Path, folder: str) -> list[Path]:
    return sorted((landing / folder).iterdir())


def _csv_rows(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        r = csv.DictReader(f)
        return list(r.fieldnames or []), list(r)


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _latest_csv(landing: Path, folder: str, key: str = "Id") -> dict[str, dict]:
    out = {}
    for f in _files(landing, folder):
        for row in _csv_rows(f)[1]:
            out[row[key]] = row
    return out


def _latest_jsonl(landing: Path, folder: str) -> dict[str, dict]:
    out = {}
    for f in _files(landing, folder):
        for obj in _jsonl(f):
            out[obj["id"]] = obj
    return out


def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _domain(website: str) -> str:
    w = re.sub(r"^https?://", "", website.strip().lower()).split("/")[0]
    return w[4:] if w.startswith("www.") else w


# ------------------------------------------------------------------------------ determinism

def test_same_arguments_give_byte_identical_files(landing, tmp_path):
    again = tmp_path / "again"
    generate(again, accounts=ACCOUNTS, seed=SEED, end_date=END)
    assert _digest(again) == _digest(landing)


def test_another_seed_gives_other_data(landing, tmp_path):
    other = tmp_path / "other"
    generate(other, accounts=ACCOUNTS, seed=SEED + 1, end_date=END)
    a, b = _digest(landing), _digest(other)
    assert a["_meta/ground_truth.json"] != b["_meta/ground_truth.json"]


def test_rerun_into_the_same_folder_replaces_previous_extracts(tmp_path):
    out = tmp_path / "l"
    generate(out, accounts=5, seed=1, end_date=END)
    generate(out, accounts=5, seed=1, end_date=dt.date(2024, 12, 31))
    names = [p.name for f in out.glob("*/*") if f.is_dir() for p in f.iterdir()]
    assert names and max(n[:10] for n in names) == "2024-12-31"


def test_cli_main_writes_a_landing_folder(tmp_path, capsys):
    out = tmp_path / "cli"
    rc = main(["--accounts", "5", "--seed", "3", "--end-date", "2024-12-31", "--out", str(out)])
    assert rc == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["accounts"] == 5 and summary["end_date"] == "2024-12-31"
    assert (out / "_meta" / "ground_truth.json").is_file()


# ------------------------------------------------------------------------------ contract shape

def test_every_contract_object_has_files_named_by_extract_date(landing):
    for obj in contract.OBJECTS:
        files = _files(landing, obj.folder)
        assert files, obj.folder
        for f in files:
            m = FILE_NAME.match(f.name)
            assert m and m.group("obj") == obj.name, f
        ext = files[0].suffix
        assert ext == (".jsonl" if obj.shape == "document" else ".csv"), obj.folder
        assert files[-1].name[:10] <= END.isoformat()


def _check_kind(kind: str, value, where: str) -> None:
    if value in ("", None):
        return
    if kind == contract.SF_DATETIME:
        assert SF_DATETIME.match(value), where
    elif kind == contract.ISO_DATETIME:
        assert ISO_OFFSET.match(value), where
    elif kind == contract.DATE:
        assert DATE.match(value), where
    elif kind == contract.MONTH:
        assert MONTH.match(value), where
    elif kind == contract.BOOL:
        assert value in ("true", "false", True, False), where
    elif kind == contract.INTEGER:
        assert re.match(r"^-?\d+$", str(value)), where
    elif kind == contract.NUMBER:
        float(value)
    elif kind == contract.EPOCH_S:
        assert isinstance(value, int) and 1_500_000_000 < value < 2_100_000_000, where
    elif kind == contract.EPOCH_MS:
        assert isinstance(value, int) and 1_500_000_000_000 < value < 2_100_000_000_000, where


def test_tabular_objects_have_the_contract_columns_and_value_formats(landing):
    for obj in contract.OBJECTS:
        if obj.shape != "tabular":
            continue
        for f in _files(landing, obj.folder):
            header, rows = _csv_rows(f)
            missing = [c for c in obj.required if c not in header]
            assert not missing, f"{f}: {missing}"
            for i, row in enumerate(rows):
                for col in obj.columns:
                    if col.name in row:
                        if col.not_null:
                            assert row[col.name] != "", f"{f}:{i} {col.name}"
                        _check_kind(col.kind, row[col.name], f"{f}:{i} {col.name}={row[col.name]!r}")


def test_document_objects_carry_the_contract_keys(landing):
    for obj in contract.OBJECTS:
        if obj.shape != "document":
            continue
        n = 0
        for f in _files(landing, obj.folder):
            for rec in _jsonl(f):
                n += 1
                if rec.get("deleted") is True:  # a deleted Stripe object is just id/object/deleted
                    assert set(rec) == {"id", "object", "deleted"}
                    continue
                missing = [c for c in obj.required if c not in rec]
                assert not missing, f"{f}: {missing}"
                for col in obj.columns:
                    if col.name in rec:
                        _check_kind(col.kind, rec[col.name], f"{f} {rec['id']} {col.name}")
        assert n, obj.folder


def test_salesforce_ids_are_18_chars_with_key_prefix_and_valid_checksum(landing):
    for name, prefix in SF_PREFIX.items():
        for rid in _latest_csv(landing, f"crm/{name}"):
            assert len(rid) == 18 and rid.startswith(prefix), (name, rid)
            assert sf_checksum(rid[:15]) == rid[15:], rid


def test_salesforce_exports_use_both_datetime_spellings_and_quote_every_field(landing):
    suffixes = set()
    for f in _files(landing, "crm/Lead"):
        text = f.read_bytes().decode("utf-8")
        assert text.startswith('"Id",') and text.endswith("\r\n")
        suffixes |= set(re.findall(r"\.000(Z|\+0000)\"", text))
    assert suffixes == {"Z", "+0000"}


def test_later_extracts_resend_records_with_updated_fields(landing):
    versions: dict[str, set] = {}
    for f in _files(landing, "crm/Lead"):
        for row in _csv_rows(f)[1]:
            versions.setdefault(row["Id"], set()).add((row["Status"], row["LastModifiedDate"]))
    assert any(len(v) > 1 for v in versions.values())
    invoices: dict[str, set] = {}
    for f in _files(landing, "billing/invoices"):
        for inv in _jsonl(f):
            invoices.setdefault(inv["id"], set()).add(inv["status"])
    assert any(len(s) > 1 for s in invoices.values())


# ------------------------------------------------------------------------------ Stripe objects

LINE_FIELDS = {"id", "type", "amount", "currency", "quantity", "proration", "period", "price", "subscription",
               "subscription_item", "discount_amounts"}


def test_invoice_lines_are_inlined_like_the_stripe_list_api(landing):
    invoices = _latest_jsonl(landing, "billing/invoices")
    kinds = set()
    for inv in invoices.values():
        assert inv["object"] == "invoice" and inv["currency"] == inv["currency"].lower()
        lines = inv["lines"]
        assert lines["object"] == "list" and lines["has_more"] is False
        assert inv["subtotal"] == sum(ln["amount"] for ln in lines["data"])
        disc = sum(d["amount"] for ln in lines["data"] for d in ln["discount_amounts"])
        assert inv["total"] == inv["subtotal"] - disc + (inv["tax"] or 0)
        for ln in lines["data"]:
            assert LINE_FIELDS <= set(ln), LINE_FIELDS - set(ln)
            assert ln["type"] in ("subscription", "invoiceitem") and isinstance(ln["proration"], bool)
            assert isinstance(ln["amount"], int) and ln["currency"] == inv["currency"]
            assert set(ln["period"]) == {"start", "end"} and ln["period"]["start"] <= ln["period"]["end"]
            price = ln["price"]
            assert price["object"] == "price" and price["currency"] == inv["currency"]
            rec = price["recurring"]
            if rec is None:
                kinds.add("one_time")
            else:
                assert rec["interval"] in ("day", "week", "month", "year") and rec["interval_count"] >= 1
                assert rec["usage_type"] in ("licensed", "metered")
                kinds.add(rec["usage_type"])
            for d in ln["discount_amounts"]:
                assert set(d) >= {"amount", "discount"}
                kinds.add("discount")
            if ln["proration"]:
                kinds.add("proration")
        if inv["total"] == 0 and any("Trial" in (ln["description"] or "") for ln in lines["data"]):
            kinds.add("trial")
        kinds.add(inv["status"])
    assert {"licensed", "metered", "one_time", "proration", "discount", "trial", "paid", "void"} <= kinds
    assert kinds & {"open", "uncollectible"}


def test_proration_lines_credit_old_and_charge_new_quantity_to_period_end(landing):
    invoices = _latest_jsonl(landing, "billing/invoices")
    pairs = 0
    for inv in invoices.values():
        pro = [ln for ln in inv["lines"]["data"] if ln["proration"]]
        if not pro:
            continue
        credit = [ln for ln in pro if ln["amount"] < 0]
        charge = [ln for ln in pro if ln["amount"] > 0]
        assert len(credit) == len(charge) == 1
        c, d = credit[0], charge[0]
        assert c["type"] == d["type"] == "invoiceitem"
        assert c["period"] == d["period"] and c["subscription_item"] == d["subscription_item"]
        unit = c["price"]["unit_amount"]
        # both lines cover the same fraction of the period at their own quantity
        frac_c = -c["amount"] / (unit * c["quantity"])
        frac_d = d["amount"] / (unit * d["quantity"])
        assert 0 < frac_c <= 1 and abs(frac_c - frac_d) < 0.01
        pairs += 1
    assert pairs


def test_jpy_is_zero_decimal(landing):
    prices = _latest_jsonl(landing, "billing/prices")
    by_key = {p["lookup_key"]: p for p in prices.values()}
    checked = 0
    for key, p in by_key.items():
        if p["currency"] == "jpy" and p["recurring"] and p["recurring"]["usage_type"] == "licensed":
            usd = by_key[key.replace("_jpy", "_usd")]
            yen_per_dollar = p["unit_amount"] / (usd["unit_amount"] / 100)
            assert 100 < yen_per_dollar < 200, key
            checked += 1
    assert checked
    jpy_lines = [ln for inv in _latest_jsonl(landing, "billing/invoices").values() if inv["currency"] == "jpy"
                 for ln in inv["lines"]["data"] if ln["type"] == "subscription"]
    assert jpy_lines
    for ln in jpy_lines:  # whole yen: amount = unit x quantity (0 for a trial period)
        assert ln["amount"] in (0, ln["price"]["unit_amount"] * ln["quantity"])


def test_deleted_stripe_customers_are_tombstones(landing, truth):
    customers = _latest_jsonl(landing, "billing/customers")
    deleted = truth["dirt"]["deleted"]["customers"]
    assert deleted
    for cid in deleted:
        assert customers[cid] == {"id": cid, "object": "customer", "deleted": True}


# ------------------------------------------------------------------------------ ground truth

def test_won_not_billed_opportunities_are_won_and_unbillable(landing, truth):
    opps = _latest_csv(landing, "crm/Opportunity")
    accounts = _latest_csv(landing, "crm/Account")
    customers = [c for c in _latest_jsonl(landing, "billing/customers").values() if not c.get("deleted")]
    entries = truth["dirt"]["won_not_billed"]
    assert {e["reason"] for e in entries} == {"never_billed", "billing_unlinked"}
    for e in entries:
        o = opps[e["opportunity_id"]]
        assert o["IsWon"] == "true" and o["Type"] == "New Business" and o["IsDeleted"] == "false"
        acc = o["AccountId"]
        assert e["account_id"] == acc
        site = _domain(accounts[acc]["Website"])
        for c in customers:
            assert c["metadata"].get("crm_account_id") != acc
            dom = c["email"].strip().lower().rsplit("@", 1)[-1]
            assert not site or dom in FREE_MAIL or dom != site


def test_billed_below_contract_opportunities_have_a_linked_customer(landing, truth):
    opps = _latest_csv(landing, "crm/Opportunity")
    customers = _latest_jsonl(landing, "billing/customers")
    entries = truth["dirt"]["billed_below_contract"]
    assert entries
    for e in entries:
        o = opps[e["opportunity_id"]]
        assert o["IsWon"] == "true" and o["Type"] == "New Business"
        assert e["reason"] in ("under_billed", "fx")
        assert e["billed_mrr"] < e["contract_mrr"] * 0.98 or e["reason"] == "fx"
        assert abs(float(o["Amount"]) / 12 - e["contract_mrr"]) < 0.01
        assert e["customer_id"] in customers


def test_unlinked_customers_have_no_metadata_and_no_matching_domain(landing, truth):
    customers = _latest_jsonl(landing, "billing/customers")
    sites = {_domain(a["Website"]) for a in _latest_csv(landing, "crm/Account").values()
             if a["Website"] and a["IsDeleted"] == "false"}
    unlinked = truth["dirt"]["unlinked_billing_customers"]
    assert {u["reason"] for u in unlinked} == {"self_serve", "crm_link_missing"}
    for u in unlinked:
        c = customers[u["customer_id"]]
        if c.get("deleted"):
            continue
        assert not c["metadata"].get("crm_account_id")
        dom = c["email"].strip().lower().rsplit("@", 1)[-1]
        assert dom in FREE_MAIL or dom not in sites


def test_billing_customers_link_to_their_intended_account(landing, truth):
    customers = _latest_jsonl(landing, "billing/customers")
    accounts = _latest_csv(landing, "crm/Account")
    links = {c["link"] for c in truth["billing_customers"].values()}
    assert links == {"metadata", "domain", "none"}
    for cid, t in truth["billing_customers"].items():
        c = customers[cid]
        if t["link"] == "metadata":
            assert c["metadata"]["crm_account_id"] == t["intended_crm_account_id"]
        elif t["link"] == "domain":
            assert "crm_account_id" not in c["metadata"]
            site = _domain(accounts[t["intended_crm_account_id"]]["Website"])
            assert c["email"].strip().lower().endswith("@" + site)
            same = [a for a in accounts.values() if a["Website"] and _domain(a["Website"]) == site
                    and a["IsDeleted"] == "false"]
            assert len(same) == 1


def test_deleted_records_are_flagged_in_their_latest_version(landing, truth):
    deleted = truth["dirt"]["deleted"]
    alive_before = 0
    for obj in ("Account", "Contact", "Lead", "Opportunity"):
        assert deleted[obj], obj
        latest = _latest_csv(landing, f"crm/{obj}")
        first = {}
        for f in _files(landing, f"crm/{obj}"):
            for row in _csv_rows(f)[1]:
                first.setdefault(row["Id"], row)
        for rid in deleted[obj]:
            assert latest[rid]["IsDeleted"] == "true"
            alive_before += first[rid]["IsDeleted"] == "false"
    assert alive_before  # an earlier extract had the record alive, a later one flags it


def test_duplicate_clusters_share_an_email_or_a_name_and_company(landing, truth):
    people = {**_latest_csv(landing, "crm/Lead"), **_latest_csv(landing, "crm/Contact")}
    clusters = truth["dirt"]["duplicate_clusters"]
    assert {c["match_rule"] for c in clusters} == {"email", "name_company"}
    for c in clusters:
        recs = [people[r["id"]] for r in c["records"]]
        assert all(r["IsDeleted"] == "false" for r in recs)
        assert c["survivor"] in [r["id"] for r in c["records"]]
        if c["match_rule"] == "email":
            assert len({normalise_email(r["Email"]) for r in recs}) == 1
            injected = [people[r["id"]]["Email"] for r in c["records"] if r["injected"]]
            assert len(set(injected)) == len(injected) >= 2  # the duplicate uses a variant spelling
        else:
            assert len({(r["FirstName"], r["LastName"]) for r in recs}) == 1
        if any(r["object"] == "Contact" for r in c["records"]):
            assert c["survivor"].startswith("003")


def test_email_findings_match_their_records(landing, truth):
    people = {**_latest_csv(landing, "crm/Lead"), **_latest_csv(landing, "crm/Contact")}
    customers = _latest_jsonl(landing, "billing/customers")
    reasons = set()
    for key, e in truth["dirt"]["emails"].items():
        reasons.update(e["reasons"])
        for r in e["records"]:
            if r["object"] == "customer" and r["deleted"]:
                continue  # a deleted customer is a tombstone without an email
            raw = customers[r["id"]]["email"] if r["object"] == "customer" else people[r["id"]]["Email"]
            assert normalise_email(raw) == key or raw.strip().lower() == key
        if "typo_domain" in e["reasons"]:
            assert e["suggestion"] in FREE_MAIL
    assert reasons == {"syntax", "disposable_domain", "role_account", "typo_domain"}


def test_opportunity_truth_is_the_latest_extract_state(landing, truth):
    opps = _latest_csv(landing, "crm/Opportunity")
    assert set(truth["opportunities"]) == set(opps)
    for oid, t in truth["opportunities"].items():
        o = opps[oid]
        assert (o["CloseDate"], o["StageName"], o["IsWon"] == "true", o["IsClosed"] == "true",
                o["IsDeleted"] == "true") == (t["close_date"], t["stage"], t["is_won"], t["is_closed"], t["deleted"])
        assert float(o["Amount"]) == t["amount"] and o["CurrencyIsoCode"] == t["currency"]
        for q, state in t["quarter_start_states"].items():
            assert q.endswith(("-01-01", "-04-01", "-07-01", "-10-01"))
            assert state[0] in ("Pipeline", "BestCase", "Commit", "Closed", "Omitted")


def test_people_truth_refers_to_live_records_with_ordered_stages(landing, truth):
    people = {**_latest_csv(landing, "crm/Lead"), **_latest_csv(landing, "crm/Contact")}
    channels = set()
    for key, p in truth["people"].items():
        for rid in p["records"]:
            assert people[rid]["IsDeleted"] == "false"
            if not key.startswith("id:"):
                assert normalise_email(people[rid]["Email"]) == key
        stamps = [p[k] for k in ("lead_at", "mql_at", "sql_at", "opportunity_at") if p[k]]
        assert stamps == sorted(stamps), key
        if p["customer_at"]:
            assert p["opportunity_at"] and p["customer_at"] >= p["opportunity_at"][:10]
        channels.add(p["channel"])
    assert {"paid_search", "events", "unknown"} <= channels


# ------------------------------------------------------------------------------ planted send slots

SEND_ACCOUNTS = 600  # nearly every segment is planted from this size up (the rest: not_planted)


@pytest.fixture(scope="module")
def send_landing(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("send") / "landing"
    generate(out, accounts=SEND_ACCOUNTS, seed=SEED, end_date=END)
    return out


def test_small_datasets_record_unplanted_send_slot_segments(truth):
    st = truth["send_time"]
    assert st["min_messages"] == 30
    for seg, n in st["not_planted"].items():
        assert n < 2 * st["min_messages"] and seg not in st["slots"]


def test_planted_send_slots_land_at_the_local_slot_of_each_recipient(send_landing):
    from zoneinfo import ZoneInfo

    from devtools.generate import send_time, vocab

    truth = json.loads((send_landing / "_meta" / "ground_truth.json").read_text(encoding="utf-8"))
    st = truth["send_time"]
    slots = st["slots"]
    assert set(slots) | set(st["not_planted"]) == set(vocab.INDUSTRIES) | {"unknown", "all"}
    assert "all" in slots and len(slots) >= 18
    assert len({(s["weekday"], s["local_hour"]) for k, s in slots.items() if k != "all"}) == len(slots) - 1
    assert (slots["all"]["weekday"], slots["all"]["local_hour"]) == (slots["unknown"]["weekday"],
                                                                     slots["unknown"]["local_hour"])
    zones = send_time.load_zones()
    contacts = [c for c in _latest_csv(send_landing, "crm/Contact").values()]
    accounts = _latest_csv(send_landing, "crm/Account")
    holders: dict[str, list[dict]] = {}
    for c in contacts:
        if c["Email"].strip():
            holders.setdefault(normalise_email(c["Email"]), []).append(c)
    campaign_segment = {c["email_campaign_id"]: seg for seg, s in slots.items() if seg != "all"
                        for c in s["campaigns"]}
    sent: dict[int, int] = {}
    dst_zone_in_both_offsets = set()
    for f in _files(send_landing, "marketing/email_events"):
        for ev in _jsonl(f):
            seg = campaign_segment.get(ev["emailCampaignId"])
            if seg is None:
                assert ev["emailCampaignId"] < send_time.FIRST_CAMPAIGN_ID
                continue
            if ev["type"] != "SENT":
                continue
            (contact,) = holders[normalise_email(ev["recipient"])]  # exactly one Contact holds it
            acc = accounts[contact["AccountId"]]
            assert contact["IsDeleted"] == "false" and acc["IsDeleted"] == "false"
            assert (acc["Industry"] or "unknown") == seg
            zone = send_time.zone_of(acc["BillingCountry"], zones)
            local = dt.datetime.fromtimestamp(ev["created"] // 1000, dt.timezone.utc).astimezone(ZoneInfo(zone))
            assert (local.isoweekday(), local.hour) == (slots[seg]["weekday"], slots[seg]["local_hour"])
            if zone == "America/New_York":
                dst_zone_in_both_offsets.add(local.utcoffset())
            sent[ev["emailCampaignId"]] = sent.get(ev["emailCampaignId"], 0) + 1
    for seg, s in slots.items():
        if seg != "all":
            assert s["messages"] >= 2 * st["min_messages"]
            assert {c["email_campaign_id"]: c["messages"] for c in s["campaigns"]} == {
                c["email_campaign_id"]: sent.get(c["email_campaign_id"], 0) for c in s["campaigns"]}
    assert len(dst_zone_in_both_offsets) == 2  # summer and standard time both planted
    # planted campaigns make no touches
    planted = {str(cid) for cid in campaign_segment}
    for f in _files(send_landing, "marketing/touches"):
        for row in _csv_rows(f)[1]:
            assert row["utm_campaign"].rsplit("-", 1)[-1] not in planted


def test_planting_send_slots_leaves_every_other_file_unchanged(send_landing, tmp_path, monkeypatch):
    from devtools.generate import send_time

    monkeypatch.setattr(send_time.SendTimePlanter, "plant", lambda self, crm: None)
    bare = tmp_path / "bare"
    generate(bare, accounts=SEND_ACCOUNTS, seed=SEED, end_date=END)
    a, b = _digest(send_landing), _digest(bare)
    keep = {k for k in a if not k.startswith(("marketing/email_events/", "_meta/"))}
    assert keep and {k: a[k] for k in keep} == {k: b[k] for k in keep if k in b}
    ta, tb = (json.loads((d / "_meta" / "ground_truth.json").read_text(encoding="utf-8")) for d in (send_landing, bare))
    for t in (ta, tb):
        t.pop("send_time")
        t["counts"]["records"].pop("marketing/email_events")
    assert ta == tb


# ------------------------------------------------------------------------------ name space exhaustion

SMALL_VOCAB_ACCOUNTS = 400  # far more companies than the small vocabulary has random names


def _random_company_names(names) -> int:
    """An upper bound on the distinct company names new_company can draw at random."""
    from devtools.generate import vocab

    legal = {x for forms in vocab.LEGAL.values() for x in forms}
    pairs = len(names.co_words_a) * len(names.co_words_b)
    return pairs * (len(legal) + 2) + sum(len(v) ** 2 for v in names.last_names.values())


def test_generation_past_the_end_of_the_name_space_finishes_with_unique_names(tmp_path):
    """With the small vocabulary the random company names (and user names) run out early; the
    generator must go on with numbered variants ("Blue Analytics 2 Inc.", blueanalytics2.com)
    rather than retry forever. Run as a subprocess with a timeout, so a generator that loops
    fails this test instead of hanging the suite."""
    import subprocess
    import sys

    from devtools.generate import vocab

    out = tmp_path / "small"
    proc = subprocess.run(
        [sys.executable, "-m", "devtools.generate", "--accounts", str(SMALL_VOCAB_ACCOUNTS), "--seed", str(SEED),
         "--end-date", END.isoformat(), "--out", str(out), "--vocabulary", "small", "--quiet"],
        cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True, timeout=90)
    assert proc.returncode == 0, proc.stderr
    truth = json.loads((out / "_meta" / "ground_truth.json").read_text(encoding="utf-8"))
    assert truth["generator"]["vocabulary"] == "small"
    small = vocab.VOCABULARIES["small"]

    # Salesforce ids: one record per id (records counts every key the generator wrote)
    for obj in ("Account", "Contact", "Lead", "User"):
        assert len(_latest_csv(out, f"crm/{obj}")) == truth["counts"]["records"][f"crm/{obj}"], obj

    # users: more than there are name pairs, each with its own username
    users = _latest_csv(out, "crm/User")
    assert len(users) > len(small.first_names["en"]) * len(small.last_names["en"])
    assert len({u["Username"] for u in users.values()}) == len(users)

    # companies: every account with people is its own company, with its own name and domain
    accounts = _latest_csv(out, "crm/Account")
    contacts = _latest_csv(out, "crm/Contact")
    with_people = {c["AccountId"] for c in contacts.values()}
    companies = [a for aid, a in accounts.items() if aid in with_people]
    names = [a["Name"] for a in companies]
    assert len(companies) > _random_company_names(small)  # past the end of the random names
    assert len(set(names)) == len(names)
    assert any(re.search(r" \d+( |$)", n) for n in names)  # numbered variants were used
    domains = [_domain(a["Website"]) for a in companies if a["Website"]]
    assert len(set(domains)) == len(domains)
    assert any(re.search(r"\d\.", d) for d in domains)

    # people: records sharing a normalised email are one person (a converted lead and its
    # contact, or a planted duplicate), never two people who drew the same address
    leads = _latest_csv(out, "crm/Lead")
    parent: dict[str, str] = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for lead in leads.values():
        if lead["ConvertedContactId"]:
            parent[find(lead["Id"])] = find(lead["ConvertedContactId"])
    for c in truth["dirt"]["duplicate_clusters"]:
        ids = [r["id"] for r in c["records"]]
        for rid in ids[1:]:
            parent[find(rid)] = find(ids[0])
    holders: dict[str, set[str]] = {}
    for rec in [*leads.values(), *contacts.values()]:
        if rec["IsDeleted"] == "false" and rec["Email"].strip() and "@" in rec["Email"]:
            holders.setdefault(normalise_email(rec["Email"]), set()).add(find(rec["Id"]))
    shared = {e: h for e, h in holders.items() if len(h) > 1}
    assert not shared, list(shared.items())[:5]
    assert len(holders) > 100 * len(small.first_names["en"]) * len(small.last_names["en"])  # from 3 x 3 names


def test_the_ground_truth_is_written_piece_by_piece_as_json_dumps_would(truth):
    import io

    from devtools.generate.core import write_json
    from devtools.generate.truth import Members

    samples = [truth, {}, [], {"a": [], "b": {}, "c": [1, 2.5, None, True, "é\u2028\"x\""], "d": {"e": [{"f": 1}]}},
               {1: "int key", "s": 2}, [[[]], {"k": [0.1, 1e-07]}]]
    for obj in samples:
        for depth in (0, 1, 2, 3, 5):
            buf = io.StringIO()
            write_json(buf, obj, depth)
            assert buf.getvalue() == json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    for items in ([], [("a", {"x": 1}), ("b", [2])]):
        buf = io.StringIO()
        write_json(buf, {"m": Members(lambda items=items: iter(items))}, 3)
        assert buf.getvalue() == json.dumps({"m": dict(items)}, ensure_ascii=False, separators=(",", ":"))
