"""Hand-worked acceptance test of the billing marts on tests/scenarios/billing_basic.

The scenario is described in tests/scenarios/billing_basic/README.md. Every expected figure
below was worked out by hand from shared/spec/metrics.md sections 1-5, and the working is in
the comments. The expectations are literal tables, not a second implementation. The only
code that looks like calculation does one of two jobs: it checks that the hand tables agree
with each other (test_hand_calculation_is_self_consistent), or it types out a ratio such as
F(2134, 6) instead of 355.666667.

as_of_date = 2025-03-15, default dbt vars (USD, gross_margin 0.8, cac_lag_months 0).
Money must match to the cent (|actual - expected| < 0.005) and rates to 1e-6.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from fractions import Fraction as F
from pathlib import Path

import pytest

SCENARIO = Path(__file__).resolve().parent / "scenarios" / "billing_basic"
LANDING = SCENARIO / "landing"
AS_OF = "2025-03-15"
GM = F(8, 10)  # gross_margin (dbt var default)

MONEY_TOL = 0.005
RATE_TOL = 1e-6

# --- accounts --------------------------------------------------------------------------------
ACME = "0015g00000AcMeAAAV"  # billing customer linked by email domain only
GLOBEX = "0015g00000GlBxQAAV"
INITECH = "0015g00000InTcHAAV"
UMBRELLA = "0015g00000UmBrLAAV"  # EUR
HOOLI_KK = "0015g00000HoKKjAAN"  # JPY; metadata beats the email domain (hooli.com = Hooli Inc)
HOOLI_INC = "0015g00000HoIncAAF"  # CRM only
WAYNE = "0015g00000WaYnEAAV"  # two Stripe customers
CYBER = "0015g00000CyBdNAAV"
SOYLENT = "0015g00000SoYlTAAV"  # metadata carries the 15-char id 0015g00000SoYlT
DOE = "0015g00000DoEcOAAV"  # CRM only, Website gmail.com (free-mail trap)
JANE = "cus_Jane01"  # unlinked gmail customer -> its own account


def m(yyyy_mm: str) -> dt.date:
    return dt.date.fromisoformat(yyyy_mm + "-01")


MONTHS = [f"2024-{i:02d}" for i in range(1, 13)] + [f"2025-{i:02d}" for i in range(1, 4)]

# =============================================================================================
# 1. Line MRR, worked per account (metrics.md section 2)
# =============================================================================================
# Line MRR = (amount - discounts) / minor unit / interval_months x prorate, converted at the
# rate of date(period.start). A line covers date(start) <= d < date(end). MRR(a, M) = the sum
# of the lines covering the last day of M (2025-03-15 for March 2025).
#
# ACME (USD): 10 seats x 2000 = 20000 cents per month -> 200.00. Periods run from the 10th to
#   the 10th. Upgrade at 2024-06-28 14:32:05, inside the period 2024-06-10 14:32:05 ->
#   2024-07-10 14:32:05. The proration lines have period 06-28 14:32:05 -> 07-10 14:32:05:
#     prorate = (07-10 - (07-10 minus 1 month = 06-10)) / (07-10 - 06-28) = 30 d / 12 d = 2.5
#     credit  -8000 (10 seats x 2000 x 12/30) -> -80.00 / 1 x 2.5 = -200.00
#     new    +12000 (15 seats x 2000 x 12/30) -> 120.00 / 1 x 2.5 = +300.00
#   On 2024-06-30: regular 200 - 200 + 300 = 300.00. From 2024-07-10: 15 x 2000 -> 300.00.
#   Jan-May 200; Jun-Dec 2024 and Jan-Mar 2025 300. The 2024-06 invoice is open, then paid
#   (two versions): it counts once, 200.
# WAYNE (USD): cus_Wayne01 pays 40000 -> 400.00 on the 20th, Jan 20 .. Jul 20 2024.
#   Jan-Jun 400. Jul 31 is not covered -> 0. Aug and Sep 0. cus_Wayne02 pays 35000 -> 350.00
#   on the 1st from 2024-10-01 (10-01 -> 11-01 covers 10-31) -> Oct 2024 - Mar 2025 350.
# GLOBEX (USD): annual (1200000 - 240000) / 100 / 12 = 800.00, period 2024-02-05 -> 2025-02-05
#   (covers 2025-01-31). Renewal 1200000 / 100 / 12 = 1000.00 from 2025-02-05.
#   Feb 2024 - Jan 2025 800; Feb and Mar 2025 1000.
# INITECH (USD): the trial line 2024-03-20 -> 04-03 has amount 0 -> Mar 31 is 0. Pro 15000 ->
#   150.00 on the 3rd, Apr 3 .. Nov 3 paid -> Apr-Oct 150. The onboarding fee (recurring null)
#   and the metered API lines (usage_type metered) carry nothing. The Nov 3 -> Dec 3 invoice is
#   uncollectible in the later extract -> Nov 30 is 0. Dec 2024 - Mar 2025 0.
# UMBRELLA (EUR): 5 x 10000 = 50000 cents -> EUR 500.00 on the 15th. From 2024-12-15 it is
#   4 seats -> EUR 400.00. Rate = the latest fx row on or before the 15th:
#     May 15 -> 05-01 1.08  -> 500 x 1.08  = 540.00
#     Jun 15 -> 06-14 1.07  -> 535.00   (the 06-16 row of 1.20 comes after; not used)
#     Jul 15 -> 07-01 1.09  -> 545.00
#     Aug 15 -> 08-15 1.10  -> 550.00   (a row on the date itself)
#     Sep 15 -> 08-15 1.10  -> 550.00   (no September row)
#     Oct 15 -> 10-01 1.09  -> 545.00
#     Nov 15 -> 11-01 1.05  -> 525.00
#     Dec 15 -> 12-01 1.04  -> 400 x 1.04 = 416.00
#     Jan 15 -> 01-01 1.03  -> 412.00
#     Feb 15 -> 02-01 1.04  -> 416.00
#     Mar 15 -> 03-01 1.085 -> 434.00   (the 2025-03-15 line starts on as_of_date, so it covers it)
# HOOLI_KK (JPY, zero-decimal): 2 x 15000 = 30000 -> JPY 30,000 x 0.0068 (2024-01-01, the
#   only JPY row) = 204.00, on the 1st from 2024-07-01 -> Jul 2024 - Mar 2025 204.
# JANE (USD, weekly): 3000 / 100 / (12/52) = 30 x 52 / 12 = 130.00. Consecutive weeks from
#   2024-08-05 to 2025-03-17 -> Aug 2024 - Mar 2025 130.
# CYBER (USD): 12 x 2000 = 24000 -> 240.00 on the 1st from 2024-09-01. The void 120-seat
#   invoice counts nothing. Feb 2025 (open, past due) and Mar 2025 (open) count.
#   -> Sep 2024 - Mar 2025 240.
# SOYLENT (USD): 9 x 2000 = 18000 -> 180.00 on the 20th, Nov 20 2024 .. Mar 20 2025
#   (cancelled). On 2025-03-15 the 02-20 -> 03-20 line still covers -> Nov 2024 - Mar 2025 180.
#
# month    ACME WAYNE GLOBEX INITECH UMBRELLA HOOLI JANE CYBER SOYLENT | total paying
# 2024-01   200  400                                                   |   600   2
# 2024-02   200  400   800                                             |  1400   3
# 2024-03   200  400   800     (0)                                     |  1400   3
# 2024-04   200  400   800     150                                     |  1550   4
# 2024-05   200  400   800     150     540                             |  2090   5
# 2024-06   300  400   800     150     535                             |  2185   5
# 2024-07   300    0   800     150     545     204                     |  1999   5
# 2024-08   300    0   800     150     550     204  130                |  2134   6
# 2024-09   300    0   800     150     550     204  130  240           |  2374   7
# 2024-10   300  350   800     150     545     204  130  240           |  2719   8
# 2024-11   300  350   800       0     525     204  130  240   180     |  2729   8
# 2024-12   300  350   800       0     416     204  130  240   180     |  2620   8
# 2025-01   300  350   800       0     412     204  130  240   180     |  2616   8
# 2025-02   300  350  1000       0     416     204  130  240   180     |  2820   8
# 2025-03   300  350  1000       0     434     204  130  240   180     |  2838   8

# =============================================================================================
# 2. marts.mrr_by_account_month (metrics.md section 3)
# =============================================================================================
# Rows run from the account's first month with MRR > 0 to 2025-03: ACME 15, WAYNE 15, GLOBEX 14,
# INITECH 12, UMBRELLA 11, HOOLI 9, JANE 8, CYBER 7, SOYLENT 5 -> 96 rows.
# Umbrella is the only multi-rate account. cc = month-M EUR MRR x (USD MRR / EUR MRR of M-1).
#   Jun: cc = 500 x 540/500 = 540 = prior -> flat, fx = 535 - 540 = -5
#   Jul: cc = 500 x 1.07 = 535 = prior -> flat, fx = +10; Aug flat +5; Sep flat 0;
#   Oct flat -5; Nov flat -20
#   Dec: cc = 400 x 525/500 = 420 < 525 -> contraction 525 - 420 = 105, fx = 416 - 420 = -4
#   Jan: cc = 400 x 416/400 = 416 = prior -> flat, fx = 412 - 416 = -4
#   Feb: cc = 400 x 1.03 = 412 -> flat, fx = +4; Mar: cc = 416 -> flat, fx = 434 - 416 = +18
MOVEMENT_COLUMN = {
    "new": "new_mrr",
    "expansion": "expansion_mrr",
    "contraction": "contraction_mrr",
    "churn": "churned_mrr",
    "reactivation": "reactivation_mrr",
}
AMOUNT_COLUMNS = ("new_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr", "reactivation_mrr", "fx_mrr")


def mv(account: str, month: str, mrr, prior, movement: str, amount=0, fx=0) -> dict:
    """One expected row: `amount` is the magnitude of the movement named by `movement`."""
    row = {"account_id": account, "month": m(month), "mrr": F(str(mrr)), "prior_mrr": F(str(prior)),
           "movement_type": movement, **{c: F(0) for c in AMOUNT_COLUMNS}}
    if movement in MOVEMENT_COLUMN:
        row[MOVEMENT_COLUMN[movement]] = F(str(amount))
    else:
        assert amount == 0, (account, month)
    row["fx_mrr"] = F(str(fx))
    return row


EXPECTED_MOVEMENTS = [
    # ACME: new 200, flat, +100 expansion in June (prorated upgrade), flat to the end
    mv(ACME, "2024-01", 200, 0, "new", 200),
    *[mv(ACME, mo, 200, 200, "flat") for mo in ("2024-02", "2024-03", "2024-04", "2024-05")],
    mv(ACME, "2024-06", 300, 200, "expansion", 100),
    *[mv(ACME, mo, 300, 300, "flat") for mo in MONTHS[6:]],
    # WAYNE: new 400; churn in July; inactive Aug-Sep; reactivation 350 (second customer)
    mv(WAYNE, "2024-01", 400, 0, "new", 400),
    *[mv(WAYNE, mo, 400, 400, "flat") for mo in ("2024-02", "2024-03", "2024-04", "2024-05", "2024-06")],
    mv(WAYNE, "2024-07", 0, 400, "churn", 400),
    mv(WAYNE, "2024-08", 0, 0, "inactive"),
    mv(WAYNE, "2024-09", 0, 0, "inactive"),
    mv(WAYNE, "2024-10", 350, 0, "reactivation", 350),
    *[mv(WAYNE, mo, 350, 350, "flat") for mo in MONTHS[10:]],
    # GLOBEX: new 800 (discounted year), flat; renewal at full price -> expansion 200
    mv(GLOBEX, "2024-02", 800, 0, "new", 800),
    *[mv(GLOBEX, mo, 800, 800, "flat") for mo in MONTHS[2:13]],  # 2024-03 .. 2025-01
    mv(GLOBEX, "2025-02", 1000, 800, "expansion", 200),
    mv(GLOBEX, "2025-03", 1000, 1000, "flat"),
    # INITECH: first MRR in April (the March trial is $0); churn in November (uncollectible)
    mv(INITECH, "2024-04", 150, 0, "new", 150),
    *[mv(INITECH, mo, 150, 150, "flat") for mo in ("2024-05", "2024-06", "2024-07", "2024-08", "2024-09", "2024-10")],
    mv(INITECH, "2024-11", 0, 150, "churn", 150),
    *[mv(INITECH, mo, 0, 0, "inactive") for mo in ("2024-12", "2025-01", "2025-02", "2025-03")],
    # UMBRELLA (EUR): see the constant-currency working above
    mv(UMBRELLA, "2024-05", "540", 0, "new", "540"),
    mv(UMBRELLA, "2024-06", "535", "540", "flat", fx="-5"),
    mv(UMBRELLA, "2024-07", "545", "535", "flat", fx="10"),
    mv(UMBRELLA, "2024-08", "550", "545", "flat", fx="5"),
    mv(UMBRELLA, "2024-09", "550", "550", "flat", fx="0"),
    mv(UMBRELLA, "2024-10", "545", "550", "flat", fx="-5"),
    mv(UMBRELLA, "2024-11", "525", "545", "flat", fx="-20"),
    mv(UMBRELLA, "2024-12", "416", "525", "contraction", "105", fx="-4"),
    mv(UMBRELLA, "2025-01", "412", "416", "flat", fx="-4"),
    mv(UMBRELLA, "2025-02", "416", "412", "flat", fx="4"),
    mv(UMBRELLA, "2025-03", "434", "416", "flat", fx="18"),
    # HOOLI_KK (JPY at a constant rate): new 204, flat
    mv(HOOLI_KK, "2024-07", 204, 0, "new", 204),
    *[mv(HOOLI_KK, mo, 204, 204, "flat") for mo in MONTHS[7:]],
    # JANE (weekly): new 130, flat
    mv(JANE, "2024-08", 130, 0, "new", 130),
    *[mv(JANE, mo, 130, 130, "flat") for mo in MONTHS[8:]],
    # CYBER: new 240, flat; the void invoice does not count, and the open ones (Feb, Mar 2025) do
    mv(CYBER, "2024-09", 240, 0, "new", 240),
    *[mv(CYBER, mo, 240, 240, "flat") for mo in MONTHS[9:]],
    # SOYLENT: new 180, flat through 2025-03, measured on 2025-03-15 while still paying
    mv(SOYLENT, "2024-11", 180, 0, "new", 180),
    *[mv(SOYLENT, mo, 180, 180, "flat") for mo in MONTHS[11:]],
]

# =============================================================================================
# 3. marts.revenue_kpis_monthly (metrics.md section 4)
# =============================================================================================
# Logo churn rate = churned / paying(M-1):
#   2024-01 NULL (paying in 2023-12 = 0); 07: 1/5 (Wayne); 11: 1/8 (Initech); every other month 0.
# LTV = arpa x 0.8 / mean(logo_churn_rate over M-6..M-1 where a rate exists):
#   up to 2024-07 every rate in the window is 0 or NULL -> the mean is 0 or absent -> NULL
#   2024-08: window Feb..Jul = 0,0,0,0,0,1/5 -> mean 1/30; ltv = 2134/6 x 0.8 x 30 = 8536
#   2024-09: Mar..Aug, mean 1/30 -> 2374/7 x 24 = 8139.428571
#   2024-10: Apr..Sep, mean 1/30 -> 2719/8 x 24 = 8157
#   2024-11: May..Oct, mean 1/30 -> 2729/8 x 24 = 8187
#   2024-12: Jun..Nov = 0,1/5,0,0,0,1/8 -> mean 13/240 -> 2620/8 x 0.8 x 240/13 = 4836.923077
#   2025-01: Jul..Dec = 1/5,0,0,0,1/8,0 -> 13/240 -> 2616/8 x 0.8 x 240/13 = 4829.538462
#   2025-02: Aug..Jan = 0,0,0,1/8,0,0 -> 1/48 -> 2820/8 x 0.8 x 48 = 13536
#   2025-03: Sep..Feb -> 1/48 -> 2838/8 x 0.8 x 48 = 13622.4
# NRR/GRR TTM (NULL before 2025-01, which is 12 months after the first month, 2024-01):
#   2025-01: base 2024-01 = ACME 200 + WAYNE 400 = 600; now 300 + 350 = 650
#            NRR 650/600; GRR (min(300,200) + min(350,400)) / 600 = 550/600
#   2025-02: base 2024-02 = ACME 200 + WAYNE 400 + GLOBEX 800 = 1400; now 300 + 350 + 1000 = 1650
#            NRR 1650/1400; GRR (200 + 350 + 800) / 1400 = 1350/1400
#   2025-03: base 2024-03 = the same three (INITECH was still in its $0 trial) -> 1650/1400, 1350/1400
# sm_cost = marketing + sales gtm_expenses + ad_spend, converted at the month's first-day rate
#   (customer_success is excluded). Base: 4000 + 6000 = 10000 per month.
#   2024-01 10000 + 500 tools + 1500 + 800 ads    = 12800
#   2024-02 10000 + 1200 ads                      = 11200
#   2024-04 10000 + 900 ads                       = 10900
#   2024-05 10000 + EUR 2000 x 1.08 (05-01) + 1000 ads = 13160
#   2024-07 10000 + 750.25 ads                    = 10750.25
#   2024-09 10000 + EUR 600 x 1.10 (09-01 -> row 08-15) = 10660
#   2024-11 10000 + 1250.50 sales other + 1100 ads = 12350.50
#   2025-02 10000 (the 800 customer_success tools row is excluded)
#   2025-03 10000 + 400 ads                       = 10400
#   other months 10000
# cac = sm_cost / new_customers; payback = cac / (new_mrr / new_customers x 0.8); ltv_to_cac = ltv / cac.
NULL = None


def K(month, *, starting, mrr, new=0, expansion=0, contraction=0, churned=0, reactivation=0, fx=0,
      paying, n_new=0, n_churned=0, n_reactivated=0, arpa, logo_churn, gross, net, expansion_rate,
      quick=NULL, nrr=NULL, grr=NULL, ltv=NULL, sm_cost, cac=NULL, payback=NULL, ltv_to_cac=NULL):
    f = lambda v: None if v is None else F(str(v)) if isinstance(v, (int, str)) else v  # noqa: E731
    return {
        "month": m(month), "starting_mrr": f(starting), "mrr": f(mrr), "new_mrr": f(new),
        "expansion_mrr": f(expansion), "contraction_mrr": f(contraction), "churned_mrr": f(churned),
        "reactivation_mrr": f(reactivation), "fx_mrr": f(fx), "paying_customers": paying,
        "new_customers": n_new, "churned_customers": n_churned, "reactivated_customers": n_reactivated,
        "arpa": f(arpa), "logo_churn_rate": f(logo_churn), "gross_mrr_churn_rate": f(gross),
        "net_mrr_churn_rate": f(net), "expansion_rate": f(expansion_rate), "quick_ratio": f(quick),
        "nrr_ttm": f(nrr), "grr_ttm": f(grr), "ltv": f(ltv), "sm_cost": f(sm_cost), "cac": f(cac),
        "cac_payback_months": f(payback), "ltv_to_cac": f(ltv_to_cac),
    }


EXPECTED_KPIS = [
    # ACME and WAYNE start
    K("2024-01", starting=0, mrr=600, new=600, paying=2, n_new=2, arpa=F(600, 2), logo_churn=NULL,
      gross=NULL, net=NULL, expansion_rate=NULL, sm_cost="12800", cac=F(12800, 2),
      payback=F(6400) / (F(600, 2) * GM)),  # 6400 / 240 = 26.666667
    # GLOBEX new 800
    K("2024-02", starting=600, mrr=1400, new=800, paying=3, n_new=1, arpa=F(1400, 3), logo_churn=F(0, 2),
      gross=0, net=0, expansion_rate=0, sm_cost="11200", cac=11200, payback=F(11200) / (800 * GM)),  # 17.5
    # INITECH on its $0 trial: nothing moves; no new customers -> cac NULL
    K("2024-03", starting=1400, mrr=1400, paying=3, arpa=F(1400, 3), logo_churn=F(0, 3), gross=0, net=0,
      expansion_rate=0, sm_cost="10000"),
    # INITECH new 150
    K("2024-04", starting=1400, mrr=1550, new=150, paying=4, n_new=1, arpa=F(1550, 4), logo_churn=F(0, 3),
      gross=0, net=0, expansion_rate=0, sm_cost="10900", cac=10900, payback=F(10900) / (150 * GM)),  # 90.833333
    # UMBRELLA new 540
    K("2024-05", starting=1550, mrr=2090, new=540, paying=5, n_new=1, arpa=F(2090, 5), logo_churn=F(0, 4),
      gross=0, net=0, expansion_rate=0, sm_cost="13160", cac=13160, payback=F(13160) / (540 * GM)),  # 30.462963
    # ACME expansion 100, UMBRELLA fx -5
    K("2024-06", starting=2090, mrr=2185, expansion=100, fx=-5, paying=5, arpa=F(2185, 5), logo_churn=F(0, 5),
      gross=0, net=F(-100, 2090), expansion_rate=F(100, 2090), sm_cost="10000"),
    # WAYNE churns 400, HOOLI new 204, UMBRELLA fx +10
    K("2024-07", starting=2185, mrr=1999, new=204, churned=400, fx=10, paying=5, n_new=1, n_churned=1,
      arpa=F(1999, 5), logo_churn=F(1, 5), gross=F(400, 2185), net=F(400, 2185), expansion_rate=0,
      quick=F(204, 400), sm_cost="10750.25", cac=F("10750.25"),
      payback=F("10750.25") / (204 * GM)),  # 65.871630; ltv NULL (window Jan..Jun has mean 0)
    # JANE new 130, UMBRELLA fx +5
    K("2024-08", starting=1999, mrr=2134, new=130, fx=5, paying=6, n_new=1, arpa=F(2134, 6), logo_churn=F(0, 5),
      gross=0, net=0, expansion_rate=0, ltv=F(2134, 6) * GM / F(1, 30),  # 8536
      sm_cost="10000", cac=10000, payback=F(10000) / (130 * GM),  # 96.153846
      ltv_to_cac=F(8536, 10000)),
    # CYBER new 240, UMBRELLA fx 0
    K("2024-09", starting=2134, mrr=2374, new=240, paying=7, n_new=1, arpa=F(2374, 7), logo_churn=F(0, 6),
      gross=0, net=0, expansion_rate=0, ltv=F(2374, 7) * GM / F(1, 30),  # 8139.428571
      sm_cost="10660", cac=10660, payback=F(10660) / (240 * GM),  # 55.520833
      ltv_to_cac=F(2374, 7) * GM / F(1, 30) / 10660),  # 0.763549
    # WAYNE reactivation 350, UMBRELLA fx -5; no new customers -> cac NULL
    K("2024-10", starting=2374, mrr=2719, reactivation=350, fx=-5, paying=8, n_reactivated=1, arpa=F(2719, 8),
      logo_churn=F(0, 7), gross=0, net=F(-350, 2374), expansion_rate=0,
      ltv=F(2719, 8) * GM / F(1, 30), sm_cost="10000"),  # ltv 8157
    # SOYLENT new 180, INITECH churn 150, UMBRELLA fx -20
    K("2024-11", starting=2719, mrr=2729, new=180, churned=150, fx=-20, paying=8, n_new=1, n_churned=1,
      arpa=F(2729, 8), logo_churn=F(1, 8), gross=F(150, 2719), net=F(150, 2719), expansion_rate=0,
      quick=F(180, 150), ltv=F(2729, 8) * GM / F(1, 30),  # 8187
      sm_cost="12350.50", cac=F("12350.50"), payback=F("12350.50") / (180 * GM),  # 85.767361
      ltv_to_cac=F(8187) / F("12350.50")),  # 0.662888
    # UMBRELLA contraction 105, fx -4
    K("2024-12", starting=2729, mrr=2620, contraction=105, fx=-4, paying=8, arpa=F(2620, 8), logo_churn=F(0, 8),
      gross=F(105, 2729), net=F(105, 2729), expansion_rate=0, quick=F(0, 105),
      ltv=F(2620, 8) * GM / F(13, 240), sm_cost="10000"),  # ltv 4836.923077
    # UMBRELLA fx -4
    K("2025-01", starting=2620, mrr=2616, fx=-4, paying=8, arpa=F(2616, 8), logo_churn=F(0, 8), gross=0, net=0,
      expansion_rate=0, nrr=F(650, 600), grr=F(550, 600), ltv=F(2616, 8) * GM / F(13, 240),  # 4829.538462
      sm_cost="10000"),
    # GLOBEX expansion 200 (renewal without coupon), UMBRELLA fx +4
    K("2025-02", starting=2616, mrr=2820, expansion=200, fx=4, paying=8, arpa=F(2820, 8), logo_churn=F(0, 8),
      gross=0, net=F(-200, 2616), expansion_rate=F(200, 2616), nrr=F(1650, 1400), grr=F(1350, 1400),
      ltv=F(2820, 8) * GM / F(1, 48), sm_cost="10000"),  # ltv 13536
    # UMBRELLA fx +18; measured on 2025-03-15 (SOYLENT still paying)
    K("2025-03", starting=2820, mrr=2838, fx=18, paying=8, arpa=F(2838, 8), logo_churn=F(0, 8), gross=0, net=0,
      expansion_rate=0, nrr=F(1650, 1400), grr=F(1350, 1400), ltv=F(2838, 8) * GM / F(1, 48),  # 13622.4
      sm_cost="10400"),
]
KPI_MONEY = ("starting_mrr", "mrr", "new_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr",
             "reactivation_mrr", "fx_mrr", "arpa", "ltv", "sm_cost", "cac")
KPI_COUNTS = ("paying_customers", "new_customers", "churned_customers", "reactivated_customers")
KPI_RATES = ("logo_churn_rate", "gross_mrr_churn_rate", "net_mrr_churn_rate", "expansion_rate", "quick_ratio",
             "nrr_ttm", "grr_ttm", "cac_payback_months", "ltv_to_cac")

# =============================================================================================
# 4. marts.cohort_retention (metrics.md section 5), read off the MRR table above
# =============================================================================================
# (cohort_month, cohort_customers, cohort_starting_mrr, [(retained, mrr) for months_since_start 0..])
EXPECTED_COHORTS = [
    # ACME + WAYNE: Jun (m5) = 300 + 400; Jul-Sep only ACME; from Oct ACME 300 + WAYNE 350
    ("2024-01", 2, 600, [(2, 600)] * 5 + [(2, 700)] + [(1, 300)] * 3 + [(2, 650)] * 6),
    ("2024-02", 1, 800, [(1, 800)] * 12 + [(1, 1000)] * 2),  # GLOBEX
    ("2024-04", 1, 150, [(1, 150)] * 7 + [(0, 0)] * 5),  # INITECH
    ("2024-05", 1, 540, [(1, v) for v in (540, 535, 545, 550, 550, 545, 525, 416, 412, 416, 434)]),  # UMBRELLA
    ("2024-07", 1, 204, [(1, 204)] * 9),  # HOOLI_KK
    ("2024-08", 1, 130, [(1, 130)] * 8),  # JANE
    ("2024-09", 1, 240, [(1, 240)] * 7),  # CYBER
    ("2024-11", 1, 180, [(1, 180)] * 5),  # SOYLENT
]

# =============================================================================================
# 5. marts.dim_accounts (metrics.md section 1)
# =============================================================================================
# first_paid_month = the first month with MRR > 0 (the cohort month); NULL without revenue.
EXPECTED_ACCOUNTS = {
    ACME: (ACME, {"cus_Acme01"}, "2024-01"),  # email domain acme-corp.com = www.acme-corp.com
    GLOBEX: (GLOBEX, {"cus_Globex01"}, "2024-02"),
    INITECH: (INITECH, {"cus_Initech01"}, "2024-04"),  # not 2024-03: the trial is $0
    UMBRELLA: (UMBRELLA, {"cus_Umbrella01"}, "2024-05"),
    HOOLI_KK: (HOOLI_KK, {"cus_HooliKK01"}, "2024-07"),
    HOOLI_INC: (HOOLI_INC, set(), None),  # keiri@hooli.com went to HOOLI_KK by metadata
    WAYNE: (WAYNE, {"cus_Wayne01", "cus_Wayne02"}, "2024-01"),  # metadata + email domain
    CYBER: (CYBER, {"cus_Cyber01"}, "2024-09"),
    SOYLENT: (SOYLENT, {"cus_Soylent01"}, "2024-11"),  # 15-char id in metadata
    DOE: (DOE, set(), None),  # Website gmail.com never captures a gmail customer
    JANE: (None, {"cus_Jane01"}, "2024-08"),  # unlinked -> its own account
}


# =============================================================================================
# Checks that need no warehouse
# =============================================================================================
def test_hand_calculation_is_self_consistent():
    """The hand tables must agree with one another before they can judge the pipeline."""
    by_key = {(r["account_id"], r["month"]): r for r in EXPECTED_MOVEMENTS}
    assert len(by_key) == len(EXPECTED_MOVEMENTS) == 96
    for r in EXPECTED_MOVEMENTS:
        # identity of section 3
        assert r["mrr"] == (r["prior_mrr"] + r["new_mrr"] + r["expansion_mrr"] + r["reactivation_mrr"]
                            - r["contraction_mrr"] - r["churned_mrr"] + r["fx_mrr"]), r
        prev = by_key.get((r["account_id"], m(MONTHS[MONTHS.index(r["month"].strftime("%Y-%m")) - 1])))
        if r["month"] != m("2024-01"):
            assert r["prior_mrr"] == (prev["mrr"] if prev else 0), r
    for k in EXPECTED_KPIS:
        rows = [r for r in EXPECTED_MOVEMENTS if r["month"] == k["month"]]
        assert k["mrr"] == sum(r["mrr"] for r in rows), k["month"]
        assert k["starting_mrr"] == sum(r["prior_mrr"] for r in rows), k["month"]
        for c in AMOUNT_COLUMNS:
            assert k[c] == sum(r[c] for r in rows), (k["month"], c)
        assert k["paying_customers"] == sum(1 for r in rows if r["mrr"] > 0)
        assert k["new_customers"] == sum(1 for r in rows if r["movement_type"] == "new")
        assert k["churned_customers"] == sum(1 for r in rows if r["movement_type"] == "churn")
        assert k["reactivated_customers"] == sum(1 for r in rows if r["movement_type"] == "reactivation")
        assert k["arpa"] == k["mrr"] / k["paying_customers"]
    assert [k["month"] for k in EXPECTED_KPIS] == [m(x) for x in MONTHS]
    for cohort, n, start, series in EXPECTED_COHORTS:
        members = [r for r in EXPECTED_MOVEMENTS if r["month"] == m(cohort) and r["movement_type"] == "new"]
        assert len(members) == n and sum(r["mrr"] for r in members) == start
        assert len(series) == MONTHS.index("2025-03") - MONTHS.index(cohort) + 1


# Required columns per object, copied from shared/spec/landing.md (not from the project).
REQUIRED_CSV = {
    ("crm", "Account"): {"Id", "Name", "CreatedDate"},
    ("crm", "User"): {"Id", "Name"},
    ("marketing", "ad_spend"): {"date", "platform", "account_id", "campaign_id", "campaign_name", "impressions",
                                "clicks", "spend", "currency"},
    ("finance", "gtm_expenses"): {"month", "department", "category", "amount", "currency"},
    ("finance", "fx_rates"): {"date", "currency", "usd_per_unit"},
}
REQUIRED_JSONL = {
    ("billing", "customers"): {"id", "email", "name", "currency", "created", "metadata", "address"},
    ("billing", "products"): {"id", "name", "metadata"},
    ("billing", "prices"): {"id", "product", "currency", "unit_amount", "recurring"},
    ("billing", "subscriptions"): {"id", "customer", "status", "created", "start_date", "trial_start", "trial_end",
                                   "canceled_at", "ended_at", "cancel_at_period_end", "current_period_start",
                                   "current_period_end", "items", "discount", "metadata"},
    ("billing", "invoices"): {"id", "customer", "subscription", "status", "currency", "created", "due_date",
                              "subtotal", "tax", "total", "amount_paid", "amount_remaining", "status_transitions",
                              "lines"},
}
LINE_FIELDS = {"id", "type", "amount", "currency", "quantity", "proration", "period", "price", "subscription",
               "subscription_item", "discount_amounts"}


def test_landing_files_follow_the_contract():
    files = sorted(p for p in LANDING.rglob("*") if p.is_file())
    assert files
    for p in files:
        source, obj = p.relative_to(LANDING).parts[:2]
        assert p.name[:10] == dt.date.fromisoformat(p.name[:10]).isoformat(), p  # YYYY-MM-DD...
        if p.suffix == ".csv":
            with p.open(encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.reader(fh))
            assert REQUIRED_CSV[(source, obj)] <= set(rows[0]), p
            assert all(len(r) == len(rows[0]) for r in rows), p
        else:
            assert p.suffix == ".jsonl", p
            for n, text in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
                rec = json.loads(text)
                assert REQUIRED_JSONL[(source, obj)] <= set(rec), (p, n)
                if obj == "invoices":
                    for ln in rec["lines"]["data"]:
                        assert LINE_FIELDS <= set(ln), (p, n, ln["id"])
                        assert ln["currency"] == rec["currency"] and ln["currency"].islower()
                    assert rec["subtotal"] == sum(ln["amount"] for ln in rec["lines"]["data"])


# =============================================================================================
# Checks against the built warehouse
# =============================================================================================
@pytest.fixture(scope="module")
def con(warehouse_for):
    import duckdb

    path = warehouse_for(LANDING, AS_OF)
    c = duckdb.connect(str(path), read_only=True)
    yield c
    c.close()


def _rows(con, sql: str) -> list[dict]:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _month(v) -> dt.date:
    """Months are DATE (first day of the month), not timestamps."""
    assert type(v) is dt.date and v.day == 1, f"month value {v!r} is not a first-of-month DATE"
    return v


def _diff(label: str, actual, expected, tol: float | None) -> str | None:
    """None when equal (NULL only equals NULL); else a description."""
    if expected is None or actual is None:
        return None if expected is None and actual is None else f"{label}: got {actual!r}, expected {expected!r}"
    if tol is None:
        return None if actual == expected else f"{label}: got {actual!r}, expected {expected!r}"
    if abs(float(actual) - float(expected)) < tol:
        return None
    return f"{label}: got {float(actual):.6f}, expected {float(expected):.6f}"


def _assert_no_problems(problems: list[str]):
    assert not problems, f"{len(problems)} mismatch(es):\n" + "\n".join(problems)


def test_mrr_by_account_month(con):
    actual = {(r["account_id"], _month(r["month"])): r for r in _rows(con, "select * from marts.mrr_by_account_month")}
    expected = {(r["account_id"], r["month"]): r for r in EXPECTED_MOVEMENTS}
    problems = [f"missing row {k}" for k in sorted(expected.keys() - actual.keys())]
    problems += [f"unexpected row {k}: mrr={actual[k]['mrr']} {actual[k]['movement_type']}"
                 for k in sorted(actual.keys() - expected.keys())]
    for key in sorted(expected.keys() & actual.keys()):
        a, e = actual[key], expected[key]
        label = f"{key[0]} {key[1]:%Y-%m}"
        problems.append(_diff(f"{label} movement_type", a["movement_type"], e["movement_type"], None))
        for c in ("mrr", "prior_mrr", *AMOUNT_COLUMNS):
            problems.append(_diff(f"{label} {c}", a[c], e[c], MONEY_TOL))
        problems.append(_diff(f"{label} arr", a["arr"], 12 * e["mrr"], MONEY_TOL))
    _assert_no_problems([p for p in problems if p])


def test_revenue_kpis_monthly(con):
    actual = {_month(r["month"]): r for r in _rows(con, "select * from marts.revenue_kpis_monthly")}
    expected = {k["month"]: k for k in EXPECTED_KPIS}
    problems = [f"missing month {k}" for k in sorted(expected.keys() - actual.keys())]
    problems += [f"unexpected month {k}" for k in sorted(actual.keys() - expected.keys())]
    for month in sorted(expected.keys() & actual.keys()):
        a, e = actual[month], expected[month]
        for c in KPI_MONEY:
            problems.append(_diff(f"{month:%Y-%m} {c}", a[c], e[c], MONEY_TOL))
        for c in KPI_COUNTS:
            problems.append(_diff(f"{month:%Y-%m} {c}", a[c], e[c], None))
        for c in KPI_RATES:
            problems.append(_diff(f"{month:%Y-%m} {c}", a[c], e[c], RATE_TOL))
        problems.append(_diff(f"{month:%Y-%m} ending_mrr", a.get("ending_mrr", a["mrr"]), e["mrr"], MONEY_TOL))
        problems.append(_diff(f"{month:%Y-%m} arr", a["arr"], 12 * e["mrr"], MONEY_TOL))
    _assert_no_problems([p for p in problems if p])


def test_cohort_retention(con):
    actual = {(_month(r["cohort_month"]), r["months_since_start"]): r
              for r in _rows(con, "select * from marts.cohort_retention")}
    expected = {}
    for cohort, n, start, series in EXPECTED_COHORTS:
        for k, (retained, mrr) in enumerate(series):
            expected[(m(cohort), k)] = {
                "cohort_customers": n, "retained_customers": retained, "logo_retention": F(retained, n),
                "cohort_starting_mrr": F(start), "mrr": F(mrr), "net_mrr_retention": F(mrr, start)}
    problems = [f"missing row {k}" for k in sorted(expected.keys() - actual.keys())]
    problems += [f"unexpected row {k}" for k in sorted(actual.keys() - expected.keys())]
    for key in sorted(expected.keys() & actual.keys()):
        a, e = actual[key], expected[key]
        label = f"cohort {key[0]:%Y-%m} +{key[1]}"
        for c in ("cohort_customers", "retained_customers"):
            problems.append(_diff(f"{label} {c}", a[c], e[c], None))
        for c in ("cohort_starting_mrr", "mrr"):
            problems.append(_diff(f"{label} {c}", a[c], e[c], MONEY_TOL))
        for c in ("logo_retention", "net_mrr_retention"):
            problems.append(_diff(f"{label} {c}", a[c], e[c], RATE_TOL))
    _assert_no_problems([p for p in problems if p])


def _id_set(v) -> set[str]:
    if v is None:
        return set()
    if isinstance(v, str):
        return {s.strip() for s in v.split(",") if s.strip()}
    return set(v)


def test_dim_accounts(con):
    actual = {r["account_id"]: r for r in _rows(con, "select * from marts.dim_accounts")}
    problems = [f"missing account {k}" for k in sorted(EXPECTED_ACCOUNTS.keys() - actual.keys())]
    problems += [f"unexpected account {k}" for k in sorted(actual.keys() - EXPECTED_ACCOUNTS.keys())]
    for acc in sorted(EXPECTED_ACCOUNTS.keys() & actual.keys()):
        crm, customers, first_paid = EXPECTED_ACCOUNTS[acc]
        a = actual[acc]
        problems.append(_diff(f"{acc} crm_account_id", a["crm_account_id"], crm, None))
        problems.append(_diff(f"{acc} billing_customer_ids", _id_set(a["billing_customer_ids"]), customers, None))
        got = None if a["first_paid_month"] is None else _month(a["first_paid_month"])
        problems.append(_diff(f"{acc} first_paid_month", got, first_paid and m(first_paid), None))
    _assert_no_problems([p for p in problems if p])


MONEY_COLUMNS = {
    "mrr_by_account_month": ("mrr", "arr", "prior_mrr", *AMOUNT_COLUMNS),
    "revenue_kpis_monthly": KPI_MONEY + ("ending_mrr", "arr"),
    "cohort_retention": ("cohort_starting_mrr", "mrr"),
}


def test_money_is_decimal_with_at_least_4_decimals(con):
    problems = []
    for table, columns in MONEY_COLUMNS.items():
        types = dict(con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'marts' and table_name = ?", [table]).fetchall())
        for c in columns:
            t = types.get(c)
            scale = int(t.split(",")[1].rstrip(") ")) if t and t.startswith("DECIMAL(") else -1
            if scale < 4:
                problems.append(f"marts.{table}.{c} is {t}, expected DECIMAL with >= 4 decimals")
    _assert_no_problems(problems)
