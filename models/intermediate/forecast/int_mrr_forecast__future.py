"""Total MRR for the 12 months after the month of as_of_date, from orchestration.forecast."""

import pandas as pd

from orchestration.forecast import HORIZON, forecast


def model(dbt, session):
    dbt.config(materialized="table")
    series = dbt.ref("int_mrr_forecast__series").df().sort_values("month")
    columns = ["month", "forecast_mrr", "lower_80", "upper_80", "lower_95", "upper_95", "method"]
    if len(series) < 2:
        # no series (e.g. no billing data): an empty table with the real column types
        empty = {c: pd.Series(dtype="float64") for c in columns}
        empty["month"] = pd.Series(dtype="datetime64[ns]")
        empty["method"] = pd.Series(dtype="str")
        return pd.DataFrame(empty)
    as_of_date = pd.Timestamp(series["as_of_date"].iloc[0])
    first = (as_of_date.to_period("M") + 1).to_timestamp()
    last_fitted = pd.Timestamp(series["month"].iloc[-1])
    # when the current month is not fitted (partial), it is the first step of the forecast
    steps_before = (first.to_period("M") - last_fitted.to_period("M")).n - 1
    out = forecast(series["mrr"].to_numpy(), HORIZON + steps_before)
    months = pd.period_range(first.to_period("M"), periods=HORIZON, freq="M").to_timestamp()
    return pd.DataFrame({
        "month": months.date,
        "forecast_mrr": out["forecast"][steps_before:],
        "lower_80": out["lower_80"][steps_before:],
        "upper_80": out["upper_80"][steps_before:],
        "lower_95": out["lower_95"][steps_before:],
        "upper_95": out["upper_95"][steps_before:],
        "method": out["method"],
    })
