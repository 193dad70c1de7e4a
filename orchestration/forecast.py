"""MRR forecasting method shared by the dbt Python models of the MRR forecast marts.

One method, used both for the published forecast and its rolling-origin backtest: an ETS model
(statsmodels ``ETSModel``: additive errors, additive damped trend) fitted to log MRR, so growth is
proportional and intervals widen multiplicatively; prediction intervals are statsmodels' analytic
ones on the log scale, mapped back with exp. Fitting is deterministic (same input, same numbers):
a fixed optimiser with a fixed start and no random simulation.
"""

from __future__ import annotations

import warnings

import numpy as np

METHOD = "statsmodels ETSModel(error=add, trend=add, damped) on log MRR"
MIN_HISTORY = 12
HORIZON = 12


def forecast(values, horizon: int = HORIZON) -> dict[str, np.ndarray]:
    """Forecast ``horizon`` steps after the monthly series ``values`` (oldest first).

    Returns arrays ``forecast``, ``lower_80``, ``upper_80``, ``lower_95``, ``upper_95``.
    A series with a non-positive value is modelled on its own scale instead of log.
    """
    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    y = np.asarray(values, dtype=float)
    use_log = bool(np.all(y > 0))
    z = np.log(y) if use_log else y
    if np.allclose(z, z[0]):
        # a constant series: ETS cannot estimate a variance; forecast it flat with no spread
        flat = np.full(horizon, y[-1])
        return {k: flat.copy() for k in ("forecast", "lower_80", "upper_80", "lower_95", "upper_95")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        series = pd.Series(z, index=pd.period_range("2000-01", periods=len(z), freq="M"))
        fit = ETSModel(series, error="add", trend="add", damped_trend=True).fit(disp=False, maxiter=2000)
        pred = fit.get_prediction(start=len(z), end=len(z) + horizon - 1)
        mean = np.asarray(pred.predicted_mean, dtype=float)
        out = {"forecast": mean}
        for level in (80, 95):
            frame = pred.summary_frame(alpha=1 - level / 100)
            out[f"lower_{level}"] = np.asarray(frame["pi_lower"], dtype=float)
            out[f"upper_{level}"] = np.asarray(frame["pi_upper"], dtype=float)
    if use_log:
        out = {k: np.exp(v) for k, v in out.items()}
    return out
