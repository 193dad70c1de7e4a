"""Hand-made scenario tests/scenarios/people_basic through the real CLI (metrics.md 8 and 10).

as_of 2024-06-30, USD, attribution_lookback_days 365, duplicate_match_threshold 0.9.

Attribution
-----------
O1 New Business won 12000, created 2024-03-01 10:00, closed 2024-04-15; people: contacts Alice
(alice.anders@acme.com, and her lead L01 Alice.Anders@ACME.com) and Carol (CAROL.CHEN+news@Acme.com).
Window [2023-03-02 10:00, end of 2024-04-15]:
  t01 2023-02-01 out (before the window)     t06 2024-04-16 08:00 out (after the close day)
  t02 2024-01-10 10:00 'google ads' -> paid_search (Alice.Anders+promo@ACME.com: +tag and case)
  t03 2024-02-20 09:00 'webinar' -> events   t04 2024-02-20 11:00+02:00 = 09:00 UTC 'newsletter'
      -> email: tied in time, t03 before t04 by touch_id
  t05 2024-04-15 18:00 'direct' (on the close day: in)
  first t02 = 1; last t05 = 1; linear 1/4 each; position_based 0.4 / 0.1 / 0.1 / 0.4;
  time_decay d = 96, 55, 55, 0 days: 2^(-d/7) normalised.
O2 won 6000 closed 2024-05-20, contact Dan (dan.diaz@gmail.com): t07 2024-05-10 'linkedin' ->
  paid_social via D.A.N.Diaz@Gmail.com, t08 2024-05-12 'seo' -> organic_search via dandiaz@gmail.com
  (gmail dots). Two touches: position_based 50/50; time_decay d = 10, 8.
O3 won 2400 closed 2024-06-10, reached through converted lead L07 (frank@hooli.com): t09
  'partner', one touch: every model 1.
O4 won 3000 closed 2024-06-20 without people: one 'unknown' row per model, weight 1.
O5 (Renewal) and O6 (lost) are not attributed.
Ad spend: April google_ads 500 (no channel -> paid_search by platform); May linkedin_ads 300 with
channel paid_social, bing_ads 200 with channel 'Paid Search' (-> paid_search); June tiktok_ads 100
(no channel -> paid_social).

Emails (records: CRM + billing)
------
alice.anders@acme.com valid [] (C1, L01, cus_P1 = 3); dandiaz@gmail.com valid [free_mail] (2);
not an email -> kept trimmed, invalid [syntax]; x..y@acme.com invalid [syntax] (email-validator);
temp@mailinator.com invalid [disposable]; info@acme.com risky [role]; gina@gmail.con risky [typo]
-> gina@gmail.com; hank@hotmial.com invalid [disposable, typo] -> hank@hotmail.com (the list holds
typo-squatting domains); sales@yahoo.com (billing) risky [role, free_mail].

Duplicates
----------
email: C1+L01 (case; Contact survives though L01 is newer), C3+L02 (+tag), C4+L03 (gmail dots).
name_domain: L04 (Website initech.com) + L05 (no Website: email domain initech.com), both modified
2024-04-01 09:00: the oldest Id L04 survives. Chain: L07-L08 name_domain (Frank Fox @ hooli.com),
L08-L09 email (ffox@hooli.com = FFox@hooli.com): one cluster; L09 modified last survives; L07's
rule is name_domain, L08 and L09 email. steward: C2 (Bob) + L10 (Grace) accepted: both 'steward',
the Contact survives. L04-L06 accepted on 06-01 then rejected on 06-15 (written L06, L04): the
reject wins, L06 stays out and is never proposed. Candidate: L11 Bob Baker bob.baker@yahoo.com,
company Acme, vs C2 Bob Baker (Acme): proposed once (C2's cluster counts as one person).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

LANDING = Path(__file__).resolve().parent / "scenarios" / "people_basic" / "landing"
AS_OF = "2024-06-30"
MODELS = ("first_touch", "last_touch", "linear", "position_based", "time_decay")
O1, O2, O3, O4 = (f"006Dn000009Op{i}IAC" for i in (1, 2, 3, 4))


@pytest.fixture(scope="module")
def db(warehouse_for):
    con = duckdb.connect(str(warehouse_for(LANDING, AS_OF)), read_only=True)
    yield con
    con.close()


def td(days: list[int]) -> list[float]:
    raw = [2 ** (-d / 7) for d in days]
    return [w / sum(raw) for w in raw]


def test_attribution_weights_every_model(db):
    got = {(o, m, t): (ch, w, float(a)) for o, t, m, ch, w, a in db.execute(
        "select opportunity_id, touch_id, model, channel, weight, attributed_amount from marts.attribution_touches").fetchall()}
    decay1 = td([96, 55, 55, 0])
    decay2 = td([10, 8])
    expected = {
        (O1, "first_touch", "t02"): ("paid_search", 1.0), (O1, "last_touch", "t05"): ("direct", 1.0),
        (O1, "linear", "t02"): ("paid_search", 0.25), (O1, "linear", "t03"): ("events", 0.25),
        (O1, "linear", "t04"): ("email", 0.25), (O1, "linear", "t05"): ("direct", 0.25),
        (O1, "position_based", "t02"): ("paid_search", 0.4), (O1, "position_based", "t03"): ("events", 0.1),
        (O1, "position_based", "t04"): ("email", 0.1), (O1, "position_based", "t05"): ("direct", 0.4),
        (O1, "time_decay", "t02"): ("paid_search", decay1[0]), (O1, "time_decay", "t03"): ("events", decay1[1]),
        (O1, "time_decay", "t04"): ("email", decay1[2]), (O1, "time_decay", "t05"): ("direct", decay1[3]),
        (O2, "first_touch", "t07"): ("paid_social", 1.0), (O2, "last_touch", "t08"): ("organic_search", 1.0),
        (O2, "linear", "t07"): ("paid_social", 0.5), (O2, "linear", "t08"): ("organic_search", 0.5),
        (O2, "position_based", "t07"): ("paid_social", 0.5), (O2, "position_based", "t08"): ("organic_search", 0.5),
        (O2, "time_decay", "t07"): ("paid_social", decay2[0]), (O2, "time_decay", "t08"): ("organic_search", decay2[1]),
        **{(O3, m, "t09"): ("partner", 1.0) for m in MODELS},
        **{(O4, m, None): ("unknown", 1.0) for m in MODELS},
    }
    amount = {O1: 12000, O2: 6000, O3: 2400, O4: 3000}
    assert set(got) == set(expected)
    for k, (ch, w) in expected.items():
        assert got[k][0] == ch, k
        assert got[k][1] == pytest.approx(w, abs=1e-12), k
        assert got[k][2] == pytest.approx(w * amount[k[0]], abs=1e-5), k


def test_cac_by_channel_rows_spend_cac_roas_and_identity(db):
    rows = {(str(m), ch, mo): (float(s), c, float(a), None if cac is None else float(cac), roas)
            for m, ch, mo, s, c, a, cac, roas in db.execute(
                "select month, channel, model, media_spend, attributed_customers, attributed_amount, paid_cac, roas "
                "from marts.cac_by_channel_monthly").fetchall()}
    assert len(rows) == 44  # April 15, May 14, June 15 (see the docstring's channels x models)
    assert rows[("2024-04-01", "paid_search", "first_touch")] == (500.0, 1.0, 12000.0, 500.0, 24.0)
    assert rows[("2024-04-01", "paid_search", "last_touch")] == (500.0, 0.0, 0.0, None, 0.0)
    assert rows[("2024-04-01", "paid_search", "linear")] == (500.0, 0.25, 3000.0, 2000.0, 6.0)
    assert rows[("2024-04-01", "paid_search", "position_based")] == (500.0, 0.4, 4800.0, 1250.0, 9.6)
    assert rows[("2024-04-01", "direct", "last_touch")] == (0.0, 1.0, 12000.0, 0.0, None)
    for m in MODELS:
        assert rows[("2024-05-01", "paid_search", m)][:3] == (200.0, 0.0, 0.0)  # 'Paid Search' column wins over bing
        assert rows[("2024-06-01", "paid_social", m)][:3] == (100.0, 0.0, 0.0)  # tiktok by platform
        assert rows[("2024-06-01", "unknown", m)] == (0.0, 1.0, 3000.0, 0.0, None)
    assert rows[("2024-05-01", "paid_social", "first_touch")] == (300.0, 1.0, 6000.0, 300.0, 20.0)
    # identity: per month and model, channels add up to the won New Business deals of the month
    won = {"2024-04-01": (1, 12000.0), "2024-05-01": (1, 6000.0), "2024-06-01": (2, 5400.0)}
    for month, (n, amt) in won.items():
        for m in MODELS:
            cs = [v for (mo, _ch, mm), v in rows.items() if mo == month and mm == m]
            assert sum(v[1] for v in cs) == pytest.approx(n, abs=1e-12)
            assert sum(v[2] for v in cs) == pytest.approx(amt, abs=1e-5)


def test_email_verification_every_status_and_reason(db):
    got = {r[0]: r[1:] for r in db.execute(
        "select email, status, reasons, suggested_email, is_free_mail, records from marts.dq_email_verification").fetchall()}
    expected = {
        "alice.anders@acme.com": ("valid", [], None, False, 3),
        "bob.baker@yahoo.com": ("valid", ["free_mail"], None, True, 1),
        "bob@acme.com": ("valid", [], None, False, 1),
        "carol.chen@acme.com": ("valid", [], None, False, 2),
        "dandiaz@gmail.com": ("valid", ["free_mail"], None, True, 2),
        "erin.evans@initech.com": ("valid", [], None, False, 1),
        "erin@initech.com": ("valid", [], None, False, 1),
        "erinevans77@gmail.com": ("valid", ["free_mail"], None, True, 1),
        "ffox@hooli.com": ("valid", [], None, False, 2),
        "frank@hooli.com": ("valid", [], None, False, 1),
        "gina@gmail.con": ("risky", ["typo"], "gina@gmail.com", False, 1),
        "grace@umbrella.com": ("valid", [], None, False, 1),
        "hank@hotmial.com": ("invalid", ["disposable", "typo"], "hank@hotmail.com", False, 1),
        "info@acme.com": ("risky", ["role"], None, False, 1),
        "not an email": ("invalid", ["syntax"], None, False, 1),
        "sales@yahoo.com": ("risky", ["role", "free_mail"], None, True, 1),
        "temp@mailinator.com": ("invalid", ["disposable"], None, False, 1),
        "x..y@acme.com": ("invalid", ["syntax"], None, False, 1),
    }
    assert got == expected


def test_duplicate_clusters_rules_transitivity_survivors_and_steward(db):
    got = {r[1]: (r[0], r[2], r[3], r[4]) for r in db.execute(
        "select cluster_id, record_id, object, match_rule, is_survivor from marts.dq_duplicate_people").fetchall()}
    c1, c2, c3, c4 = "003Dn000009Ali1IAC", "003Dn000009Bob1IAC", "003Dn000009Car1IAC", "003Dn000009Dan1IAC"
    L = {i: f"00QDn000009L{i:02d}AMAC" for i in range(1, 18)}
    expected = {
        c1: (c1, "Contact", "email", True), L[1]: (c1, "Lead", "email", False),
        c3: (c3, "Contact", "email", True), L[2]: (c3, "Lead", "email", False),
        c4: (c4, "Contact", "email", True), L[3]: (c4, "Lead", "email", False),
        L[4]: (L[4], "Lead", "name_domain", True), L[5]: (L[4], "Lead", "name_domain", False),
        L[7]: (L[7], "Lead", "name_domain", False), L[8]: (L[7], "Lead", "email", False),
        L[9]: (L[7], "Lead", "email", True),
        c2: (c2, "Contact", "steward", True), L[10]: (c2, "Lead", "steward", False),
    }
    assert got == expected


def test_candidates_skip_clusters_and_rejected_pairs(db):
    got = db.execute("select record_id_a, record_id_b, match_probability, first_name_a, last_name_a, email_b, "
                     "company_b from marts.dq_duplicate_candidates").fetchall()
    assert len(got) == 1
    a, b, p, first, last, email_b, company_b = got[0]
    assert (a, b) == ("003Dn000009Bob1IAC", "00QDn000009L11AMAC")
    assert p >= 0.9 and (first, last, email_b, company_b) == ("Bob", "Baker", "bob.baker@yahoo.com", "Acme")


def test_steward_latest_decision_per_unordered_pair(db):
    got = db.execute("select record_id_a, record_id_b, decision from staging.stg_steward__duplicate_decisions "
                     "order by 1").fetchall()
    assert got == [("003Dn000009Bob1IAC", "00QDn000009L10AMAC", "accept"),
                   ("00QDn000009L04AMAC", "00QDn000009L06AMAC", "reject")]


def test_bad_steward_decision_is_rejected_with_file_row_and_field(db):
    # line 3 of the 2024-06-15 file says 'maybe': quarantined, so L11 stays a candidate (above)
    got = db.execute("select file, line, column_name, value, reason from audit.rejected_rows "
                     "where object = 'steward/duplicate_decisions'").fetchall()
    assert got == [("steward/duplicate_decisions/2024-06-15_decisions.csv", 3, "decision", "maybe",
                    "expected accept or reject")]
