"""Rolling-origin backtest of the MRR forecast method (metrics.md 11): every origin month with at
least 12 months of the series up to and including it forecasts the next 1-12 months that have
actuals, with the same method as mrr_forecast."""

import pandas as pd

from orchestration.forecast import HORIZON, MIN_HISTORY, forecast


def model(dbt, session):
    dbt.config(materialized="table")
    series = dbt.ref("int_mrr_forecast__series").df().sort_values("month").reset_index(drop=True)
    rows = []
    values = series["mrr"].to_numpy()
    months = [pd.Timestamp(m).date() for m in series["month"]]
    for o in range(MIN_HISTORY - 1, len(series) - 1):
        steps = min(HORIZON, len(series) - 1 - o)
        out = forecast(values[: o + 1], steps)
        for h in range(1, steps + 1):
            rows.append({
                "origin_month": months[o], "horizon": h, "month": months[o + h],
                "forecast_mrr": float(out["forecast"][h - 1]), "actual_mrr": float(values[o + h]),
                "lower_80": float(out["lower_80"][h - 1]), "upper_80": float(out["upper_80"][h - 1]),
                "lower_95": float(out["lower_95"][h - 1]), "upper_95": float(out["upper_95"][h - 1]),
            })
    columns = ["origin_month", "horizon", "month", "forecast_mrr", "actual_mrr", "lower_80", "upper_80",
               "lower_95", "upper_95"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["horizon"] = frame["horizon"].astype("int64")
    if frame.empty:  # typed columns for an empty series (dates stay DATE otherwise)
        for c in ("origin_month", "month"):
            frame[c] = pd.to_datetime(frame[c])
    for c in columns[3:]:
        frame[c] = frame[c].astype("float64")
    return frame
