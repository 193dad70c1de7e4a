"""Hand-made CRM scenario (tests/scenarios/crm_basic) through the real CLI, checked against
figures worked out by hand (metrics.md sections 6 and 7).

The scenario, as_of 2024-06-15, reporting currency USD
========================================================
Opportunities (current row after the later extract wins; history = OpportunityHistory rows):

  O1 Acme       New Business  12000 USD  created 2024-01-10 10:00  Closed Won  2024-03-20
       history  01-10 Prospecting/Pipeline close 03-31 | 02-15 Proposal/Best Case | 03-20 16:00 Closed Won
       cycle = 2024-03-20 - 2024-01-10 = 21 + 29 + 20 = 70 days
  O2 Hooli      New Business  20000 USD  created 2024-02-05 12:00  open (Negotiation, Best Case, 60 %)
       history  02-05 Qualification/Pipeline close 06-28 | 03-25 Negotiation/Commit 90 % close 06-28
                | 05-20 Negotiation/Best Case 60 % close 08-15   <- the close date slips out of Q2
  O3 Umbrella   New Business   9000 USD  created 2024-01-20 15:30  Closed Lost 2024-04-18
       history  01-20 Prospecting 8000 close 04-30 | 03-05 Value Proposition/Best Case 9000 50 % close 04-30
                | 04-18 Closed Lost/Omitted
  O4 Initech    Renewal       15000 (no currency = USD) created 2024-03-01 09:00 (+0000) Closed Won 2024-05-10
       history  03-01 09:00 Negotiation/Commit 90 % close 05-31 (OpportunityId given as a 15-char Id)
                | 05-10 Closed Won
       cycle = 2024-05-10 - 2024-03-01 = 31 + 30 + 9 = 70 days
  O5 Globex     New Business  10000 EUR  created 2024-02-20 10:00  Closed Won 2024-05-15
       history  02-20 Needs Analysis/Pipeline 20 % close 05-15 | 04-01 00:00:00 Proposal/Commit 75 %
                | 05-15 17:00 Closed Won
       EUR rates 01-01 1.10, 04-01 1.08, 05-14 1.085, 05-16 1.09 -> 05-15 uses 05-14: 1.085
       amount = 10000 x 1.085 = 10850 USD (every state of O5 has CloseDate 05-15 -> 10850 too)
       cycle = 2024-05-15 - 2024-02-20 = 10 + 31 + 30 + 14 = 85 days
  O6 Acme       Existing Bus.  5000 USD  created 2024-05-01 00:00:00 exactly, open, NO history
       (two rows in one file: the later one, 5000, wins over 4000)
  O7 Hooli dup  New Business   7000 USD  created 2024-01-25, Closed Won 02-10 -- DELETED by the
       later extract: excluded everywhere (else it would show in Feb pipeline and Feb wins)
  O8 Umbrella   Renewal        4000 USD  created 2024-04-05 09:00  Closed Lost 2024-05-28
       history  04-05 Qualification/Pipeline close 05-31 | 05-28 Closed Lost
  O9 Hooli      New Business   3000 USD  created 2024-03-10 10:00  open stage, ForecastCategory Omitted
       history  03-10 Prospecting/Pipeline 10 % close 06-30 | 04-20 Prospecting/Omitted 0 %
       (an open stage whose forecast category is Omitted is a CLOSED state for the pipeline)
  O10 Acme      Existing Bus.  2000 USD  created 2024-05-05 10:00  Closed Won 2024-05-15
       history  05-05 Proposal/Commit | 05-15 Closed Won; cycle = 10 days
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

LANDING = Path(__file__).resolve().parent / "scenarios" / "crm_basic" / "landing"
AS_OF = "2024-06-15"
MONEY = 0.005
RATE = 1e-6


@pytest.fixture(scope="module")
def db(warehouse_for):
    path = warehouse_for(LANDING, AS_OF)
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def rows(con, sql: str) -> list[dict]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def approx_money(x):
    return pytest.approx(x, abs=MONEY)


def approx_rate(x):
    return None if x is None else pytest.approx(x, abs=RATE)


# --------------------------------------------------------------------------------------------
# staging
# --------------------------------------------------------------------------------------------

def test_staging_latest_version_ids_and_deletions(db):
    # Acme comes as a 15-char Id in the first extract and an 18-char Id in the second: one
    # account, the later name wins.
    acc = rows(db, "select account_id, account_name, website_domain from staging.stg_crm__account order by account_id")
    assert len(acc) == 5
    acme = [a for a in acc if a["account_id"] == "001Dn000001Acm1IAC"]
    assert acme == [{"account_id": "001Dn000001Acm1IAC", "account_name": "Acme Corporation", "website_domain": "acme.com"}]
    assert {a["website_domain"] for a in acc} == {"acme.com", "globex.de", "initech.com", "umbrella.example", "hooli.com"}
    # the deleted opportunity and the deleted lead are gone; a later row in one file wins
    opp_ids = {r["opportunity_id"] for r in rows(db, "select opportunity_id from staging.stg_crm__opportunity")}
    assert "006Dn000001Opp7IAC" not in opp_ids and len(opp_ids) == 9
    assert rows(db, "select amount from staging.stg_crm__opportunity where opportunity_id = '006Dn000001Opp6IAC'")[0]["amount"] == 5000
    assert rows(db, "select count(*) as n from staging.stg_crm__lead where lead_id = '00QDn000001Led9MAC'")[0]["n"] == 0
    # 15-char foreign keys are normalised: O4's history rows point at the 18-char O4
    assert rows(db, "select count(*) as n from staging.stg_crm__opportunity_history "
                    "where opportunity_id = '006Dn000001Opp4IAC'")[0]["n"] == 2
    # '+0000' datetimes parse as UTC
    o4 = rows(db, "select created_at, currency_iso_code from staging.stg_crm__opportunity "
                  "where opportunity_id = '006Dn000001Opp4IAC'")[0]
    assert str(o4["created_at"]) == "2024-03-01 09:00:00" and o4["currency_iso_code"] is None
    # email normalisation on leads: ' Dave+webinar@INITECH.com ' -> dave@initech.com
    l5 = rows(db, "select email, email_normalized from staging.stg_crm__lead where lead_id = '00QDn000001Led5MAC'")[0]
    assert l5 == {"email": "Dave+webinar@INITECH.com", "email_normalized": "dave@initech.com"}


# --------------------------------------------------------------------------------------------
# sales_kpis_monthly
# --------------------------------------------------------------------------------------------

# Closed in M (current row IsClosed, CloseDate in M):
#   Mar: O1 won 12000 (70 d)                                   -> win_rate 1, value 1, median = mean = 70
#   Apr: O3 lost 9000                                          -> win_rate 0, value 0/9000 = 0
#   May: O4 won 15000 (70 d, Renewal), O5 won 10850 (85 d), O10 won 2000 (10 d), O8 lost 4000 (Renewal)
#        won 3, lost 1, win_rate 3/4 = 0.75, won_amount 27850, lost 4000,
#        win_rate_value 27850 / 31850, median(10, 70, 85) = 70, mean 165 / 3 = 55,
#        renewal_rate = 1 won / (1 + 1) = 0.5
#   Jan, Feb, Jun: nothing closed (O7 would be Feb, but it is deleted) -> rates NULL
#
# Open pipeline at the first instant of M (opportunities created strictly before it; state =
# latest history row at or before it, else the current row):
#   Jan 1: none                                                               -> 0, 0
#   Feb 1: O1 Prospecting 12000, O3 Prospecting 8000                          -> 2, 20000
#   Mar 1: O1 Proposal 12000, O3 8000, O2 Qualification 20000, O5 Needs Analysis 10850
#          (O4 is created Mar 1 09:00, after the instant)                     -> 4, 50850
#   Apr 1: O1 closed won; O3 Value Prop 9000, O2 Commit 20000, O5 row written exactly at
#          Apr 1 00:00 (at-or-before counts) 10850, O4 15000, O9 Pipeline 3000 -> 5, 57850
#   May 1: O3 closed lost, O9 Omitted = closed; O2 20000, O5 10850, O4 15000, O8 4000
#          (O6 created exactly May 1 00:00: not before the instant)           -> 4, 49850
#   Jun 1: O2 Best Case 20000; O6 has no history -> current row, open 5000;
#          O4, O5, O10 won, O8 lost, O9 omitted                                -> 2, 25000
#
# Velocity = open count x win_rate_ttm x avg_won_amount_ttm / avg_cycle_ttm over closed M-12..M-1:
#   Jan-Mar: nothing closed before -> NULL
#   Apr: closed in Mar: O1 won       -> 5 x 1 x 12000 / 70        = 857.142857...
#   May: O1 won, O3 lost             -> 4 x 0.5 x 12000 / 70      = 342.857142...
#   Jun: O1, O4, O5, O10 won; O3, O8 lost -> win rate 4/6, avg won (12000 + 15000 + 10850 + 2000) / 4
#        = 9962.5, avg cycle (70 + 70 + 85 + 10) / 4 = 58.75 -> 2 x 2/3 x 9962.5 / 58.75 = 226.0992907...
SALES_EXPECTED = {
    # month: (won, lost, won_amt, lost_amt, win_rate, win_rate_value, median, mean, open_n, open_amt, velocity, renewal_rate)
    "2024-01-01": (0, 0, 0, 0, None, None, None, None, 0, 0, None, None),
    "2024-02-01": (0, 0, 0, 0, None, None, None, None, 2, 20000, None, None),
    "2024-03-01": (1, 0, 12000, 0, 1.0, 1.0, 70, 70, 4, 50850, None, None),
    "2024-04-01": (0, 1, 0, 9000, 0.0, 0.0, None, None, 5, 57850, 5 * 1 * 12000 / 70, None),
    "2024-05-01": (3, 1, 27850, 4000, 0.75, 27850 / 31850, 70, 55, 4, 49850, 4 * 0.5 * 12000 / 70, 0.5),
    "2024-06-01": (0, 0, 0, 0, None, None, None, None, 2, 25000, 2 * (4 / 6) * 9962.5 / 58.75, None),
}


def test_sales_kpis_monthly(db):
    got = {str(r["month"]): r for r in rows(db, "select * from marts.sales_kpis_monthly order by month")}
    assert sorted(got) == sorted(SALES_EXPECTED)  # first opportunity's month .. as_of month
    for month, exp in SALES_EXPECTED.items():
        (won, lost, won_amt, lost_amt, win_rate, win_value, median, mean, open_n, open_amt, velocity, renewal) = exp
        r = got[month]
        assert (r["won_count"], r["lost_count"], r["open_pipeline_count"]) == (won, lost, open_n), month
        assert float(r["won_amount"]) == approx_money(won_amt), month
        assert float(r["lost_amount"]) == approx_money(lost_amt), month
        assert float(r["open_pipeline_amount"]) == approx_money(open_amt), month
        assert r["win_rate"] == approx_rate(win_rate), month
        assert r["win_rate_value"] == approx_rate(win_value), month
        assert r["sales_cycle_days_median"] == approx_rate(median), month
        assert r["sales_cycle_days_mean"] == approx_rate(mean), month
        assert r["pipeline_velocity_per_day"] == approx_rate(velocity), month
        assert r["renewal_rate"] == approx_rate(renewal), month


# --------------------------------------------------------------------------------------------
# forecast_accuracy_quarterly
# --------------------------------------------------------------------------------------------

# Quarters from the first opportunity's quarter (Q1 2024) through as_of's (Q2 2024).
# Q1: no opportunity exists at Jan 1 00:00 -> every forecast 0; actual = O1 12000
#     accuracy = 1 - |0 - 12000| / 12000 = 0, bias = -1
# Q2: states at Apr 1 00:00 with their CloseDate in Apr 1..Jun 30:
#     O2 Commit 20000 (close 06-28, 90 %), O5 Commit 10850 (05-15, 75 %), O4 Commit 15000 (05-31, 90 %),
#     O3 Best Case 9000 (04-30, 50 %), O9 Pipeline 3000 (06-30, 10 %); O1 closed won but close 03-20.
#     commit    = 20000 + 10850 + 15000                  = 45850
#     best_case = 45850 + 9000                           = 54850
#     weighted  = 18000 + 8137.5 + 13500 + 4500 + 300    = 44437.5
#     actual    = O4 15000 + O5 10850 + O10 2000         = 27850   (O2 slipped to August)
#     commit_accuracy    = 1 - 18000 / 27850;  commit_bias = 18000 / 27850
#     best_case_accuracy = 1 - 27000 / 27850;  weighted_accuracy = 1 - 16587.5 / 27850
FORECAST_EXPECTED = {
    "2024-01-01": dict(commit_forecast=0, best_case_forecast=0, weighted_forecast=0, actual=12000,
                       commit_accuracy=0.0, commit_bias=-1.0, best_case_accuracy=0.0, weighted_accuracy=0.0),
    "2024-04-01": dict(commit_forecast=45850, best_case_forecast=54850, weighted_forecast=44437.5, actual=27850,
                       commit_accuracy=1 - 18000 / 27850, commit_bias=18000 / 27850,
                       best_case_accuracy=1 - 27000 / 27850, weighted_accuracy=1 - 16587.5 / 27850),
}


def test_forecast_accuracy_quarterly(db):
    got = {str(r["quarter"]): r for r in rows(db, "select * from marts.forecast_accuracy_quarterly")}
    assert sorted(got) == sorted(FORECAST_EXPECTED)
    for quarter, exp in FORECAST_EXPECTED.items():
        r = got[quarter]
        for col in ("commit_forecast", "best_case_forecast", "weighted_forecast", "actual"):
            assert float(r[col]) == approx_money(exp[col]), (quarter, col)
        for col in ("commit_accuracy", "commit_bias", "best_case_accuracy", "weighted_accuracy"):
            assert r[col] == approx_rate(exp[col]), (quarter, col)


def test_forecast_counts_the_open_opportunities_closing_in_the_quarter(db):
    # Q1: no opportunity exists at Jan 1 00:00. Q2: the five open states listed above (O2, O5, O4,
    # O3, O9), all with their CloseDate in Apr 1..Jun 30; O1 is closed won.
    got = {str(r["quarter"]): r["open_opportunities_closing_in_quarter"]
           for r in rows(db, "select * from marts.forecast_accuracy_quarterly")}
    assert got == {"2024-01-01": 0, "2024-04-01": 5}


def test_forecast_actual_reconciles_with_monthly_wins(db):
    diff = rows(db, """
        select f.quarter, f.actual, sum(s.won_amount) as won
        from marts.forecast_accuracy_quarterly as f
        join marts.sales_kpis_monthly as s
          on s.month >= f.quarter and s.month < f.quarter + interval 3 month
        group by f.quarter, f.actual
        having abs(f.actual - sum(s.won_amount)) > 0.005""")
    assert diff == []


# --------------------------------------------------------------------------------------------
# funnel
# --------------------------------------------------------------------------------------------

# People (person_id = normalised email; a record without a valid email is its own person):
#  alice@acme.com  Lead L1 (01-03 09:00, converted into Contact C1 01-10 09:30, O1)
#      MQL 01-04 10:00, SQL 01-08 10:00, opp O1 created 01-10 10:00, customer O1 won 2024-03-20
#      earliest touch: t001 2024-01-03T09:30+01:00 = 08:30 UTC <= lead_at 09:00 -> 'Google Ads' -> paid_search
#  bob@hooli.com   Lead L2 bobby@hooli-mail.example (02-01 11:00) converted into Contact C2 bob@hooli.com
#      (02-05 12:00): ONE person despite different emails. Status straight to SQL 02-03 12:00 (skips
#      MQL -> mql_at filled = 02-03 12:00), opp O2 02-05 12:00, no win.
#      touch t003 on the lead's email 01-30 'cpc' -> paid_search
#  carol@globex.de Contact without a lead (02-18 10:00), O5 via contact role (02-20 10:00), won New
#      Business 05-15 -> mql = sql = opp = 02-20 10:00; touch t004 02-10 15:00 UTC 'Reseller' -> partner
#  dave@initech.com Lead L4 (03-02 10:00, Webinar) + duplicate L5 ' Dave+webinar@INITECH.com ' (03-12,
#      MQL 03-15 10:00). L4's MQL on 06-20 is after as_of: ignored. Touch t005 03-05 is after lead_at ->
#      earliest LeadSource 'Webinar' -> events
#  erin@initech.com Contact 2023-06-01 10:00, only a Renewal (O4, created 03-01 09:00) -> opp filled into
#      mql / sql, never a customer (not New Business); no touch, no LeadSource -> unknown
#  hank@umbrella.example Contact 01-20 15:00 (Employee Referral -> referral), lost O3 (01-20 15:30;
#      its contact role gives the 15-char Contact Id)
#  00QDn000001Led6MAC  lead without email (04-02, Phone Inquiry -> direct)
#  00QDn000001Led7MAC  lead 'not-an-email' (04-03, Purchased List -> other), MQL 04-05
#  frank@gmail.com Lead F.Rank@gmail.com (04-10; gmail dots ignored), touch 04-09 'linkedin' ->
#      paid_social, 'mql' 04-12, 'Sales Accepted' 04-20
#  ivy@hooli.com   Lead 04-20 (Web -> direct), MQL 04-25
#  (the deleted lead ghost@ is excluded)
PEOPLE_EXPECTED = {
    # person_id: (channel, lead_at, mql_at, sql_at, opportunity_at, customer_at)
    "alice@acme.com": ("paid_search", "2024-01-03 09:00:00", "2024-01-04 10:00:00", "2024-01-08 10:00:00",
                       "2024-01-10 10:00:00", "2024-03-20 00:00:00"),
    "bob@hooli.com": ("paid_search", "2024-02-01 11:00:00", "2024-02-03 12:00:00", "2024-02-03 12:00:00",
                      "2024-02-05 12:00:00", None),
    "carol@globex.de": ("partner", "2024-02-18 10:00:00", "2024-02-20 10:00:00", "2024-02-20 10:00:00",
                        "2024-02-20 10:00:00", "2024-05-15 00:00:00"),
    "dave@initech.com": ("events", "2024-03-02 10:00:00", "2024-03-15 10:00:00", None, None, None),
    "erin@initech.com": ("unknown", "2023-06-01 10:00:00", "2024-03-01 09:00:00", "2024-03-01 09:00:00",
                         "2024-03-01 09:00:00", None),
    "hank@umbrella.example": ("referral", "2024-01-20 15:00:00", "2024-01-20 15:30:00", "2024-01-20 15:30:00",
                              "2024-01-20 15:30:00", None),
    "00QDn000001Led6MAC": ("direct", "2024-04-02 10:00:00", None, None, None, None),
    "00QDn000001Led7MAC": ("other", "2024-04-03 10:00:00", "2024-04-05 10:00:00", None, None, None),
    "frank@gmail.com": ("paid_social", "2024-04-10 10:00:00", "2024-04-12 10:00:00", "2024-04-20 10:00:00",
                        None, None),
    "ivy@hooli.com": ("direct", "2024-04-20 10:00:00", "2024-04-25 10:00:00", None, None, None),
}


def _ts(v):
    return None if v is None else str(v)


def test_funnel_people(db):
    got = {r["person_id"]: r for r in rows(db, "select * from marts.funnel_people")}
    assert sorted(got) == sorted(PEOPLE_EXPECTED)
    for pid, (channel, *stamps) in PEOPLE_EXPECTED.items():
        r = got[pid]
        assert r["channel"] == channel, pid
        actual = [_ts(r[c]) for c in ("lead_at", "mql_at", "sql_at", "opportunity_at", "customer_at")]
        assert actual == stamps, pid
    assert got["alice@acme.com"]["email"] == "alice@acme.com"
    assert got["00QDn000001Led6MAC"]["email"] is None


# cohort_month x channel: leads, mqls, sqls, opportunities, customers (from the table above)
#   2023-06 unknown     erin                  1 1 1 1 0
#   2024-01 paid_search alice                 1 1 1 1 1
#   2024-01 referral    hank                  1 1 1 1 0
#   2024-02 paid_search bob                   1 1 1 1 0
#   2024-02 partner     carol                 1 1 1 1 1
#   2024-03 events      dave                  1 1 0 0 0
#   2024-04 direct      Led6, ivy             2 1 0 0 0   -> lead_to_mql 0.5, mql_to_sql 0, rest NULL
#   2024-04 other       Led7                  1 1 0 0 0
#   2024-04 paid_social frank                 1 1 1 0 0   -> sql_to_opportunity 0, opp_to_customer NULL
FUNNEL_EXPECTED = {
    ("2023-06-01", "unknown"): (1, 1, 1, 1, 0),
    ("2024-01-01", "paid_search"): (1, 1, 1, 1, 1),
    ("2024-01-01", "referral"): (1, 1, 1, 1, 0),
    ("2024-02-01", "paid_search"): (1, 1, 1, 1, 0),
    ("2024-02-01", "partner"): (1, 1, 1, 1, 1),
    ("2024-03-01", "events"): (1, 1, 0, 0, 0),
    ("2024-04-01", "direct"): (2, 1, 0, 0, 0),
    ("2024-04-01", "other"): (1, 1, 0, 0, 0),
    ("2024-04-01", "paid_social"): (1, 1, 1, 0, 0),
}


def _ratio(n, d):
    return None if d == 0 else n / d


def test_funnel_conversion_monthly(db):
    got = {(str(r["cohort_month"]), r["channel"]): r for r in rows(db, "select * from marts.funnel_conversion_monthly")}
    assert sorted(got) == sorted(FUNNEL_EXPECTED)
    for key, (leads, mqls, sqls, opps, customers) in FUNNEL_EXPECTED.items():
        r = got[key]
        assert (r["leads"], r["mqls"], r["sqls"], r["opportunities"], r["customers"]) == (leads, mqls, sqls, opps, customers), key
        assert r["lead_to_mql_rate"] == approx_rate(_ratio(mqls, leads)), key
        assert r["mql_to_sql_rate"] == approx_rate(_ratio(sqls, mqls)), key
        assert r["sql_to_opportunity_rate"] == approx_rate(_ratio(opps, sqls)), key
        assert r["opportunity_to_customer_rate"] == approx_rate(_ratio(customers, opps)), key
        assert r["lead_to_customer_rate"] == approx_rate(_ratio(customers, leads)), key
    direct = got[("2024-04-01", "direct")]
    assert direct["lead_to_mql_rate"] == approx_rate(0.5) and direct["mql_to_sql_rate"] == 0.0
    assert direct["sql_to_opportunity_rate"] is None


def test_opportunity_state_at_month_start(db):
    # The reusable state-at-instant piece, at Jun 1 00:00 and Apr 1 00:00:
    #   O6 has no history -> the current row; O5's row written exactly at Apr 1 00:00 is its state then;
    #   O9 is in an open stage but forecast category Omitted -> closed; O4 (created Mar 1 09:00) is there
    #   on Apr 1 but not on Mar 1.
    st = {(str(r["month"]), r["opportunity_id"]): r for r in rows(db, """
        select month, opportunity_id, state_source, stage_name, forecast_group, is_closed, amount_reporting
        from intermediate.int_crm__opportunity_state_monthly""")}
    o6 = st[("2024-06-01", "006Dn000001Opp6IAC")]
    assert (o6["state_source"], o6["is_closed"], float(o6["amount_reporting"])) == ("current", False, 5000)
    assert ("2024-05-01", "006Dn000001Opp6IAC") not in st
    o5 = st[("2024-04-01", "006Dn000001Opp5IAC")]
    assert (o5["stage_name"], o5["forecast_group"]) == ("Proposal/Price Quote", "commit")
    assert float(o5["amount_reporting"]) == approx_money(10850)
    o9 = st[("2024-05-01", "006Dn000001Opp9IAC")]
    assert (o9["stage_name"], o9["forecast_group"], o9["is_closed"]) == ("Prospecting", "omitted", True)
    assert ("2024-03-01", "006Dn000001Opp4IAC") not in st and ("2024-04-01", "006Dn000001Opp4IAC") in st
    assert not any(k[1] == "006Dn000001Opp7IAC" for k in st)
