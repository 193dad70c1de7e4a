"""MRR forecasting method shared by the dbt Python models of the MRR forecast marts.

One method, used both for the published forecast and its rolling-origin backtest: a local linear
trend model, statsmodels ``SARIMAX`` ARIMA(1, 2, 1), fitted to the square root of total MRR.
The square root tames the variance of a young, fast-growing series (where a log scale explodes
and the raw scale under-covers - docs/decisions.md has the backtest comparison); intervals are
statsmodels' Gaussian prediction intervals on that scale, squared back (quantiles map exactly
through a monotone transform, so the point forecast is the median). Fitting is deterministic:
same input, same numbers (a fixed optimiser from fixed start parameters, no simulation).
"""

from __future__ import annotations

import warnings

import numpy as np

ORDER = (1, 2, 1)
METHOD = "statsmodels SARIMAX ARIMA(1,2,1) on sqrt(MRR)"
FALLBACK = "last value carried forward (fewer than 4 months or a constant series)"
MIN_HISTORY = 12
HORIZON = 12
LEVELS = (80, 95)


def forecast(values, horizon: int = HORIZON) -> dict[str, np.ndarray]:
    """Forecast ``horizon`` months after the monthly series ``values`` (oldest first).

    Returns arrays ``forecast``, ``lower_80``, ``upper_80``, ``lower_95``, ``upper_95`` and the
    ``method`` used (METHOD, or FALLBACK for a series too short or flat to fit).
    """
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    y = np.maximum(np.asarray(values, dtype=float), 0.0)
    z = np.sqrt(y)
    if len(z) < 4 or np.allclose(z, z[0]):
        # too short or constant: no variance to estimate; carry the last value with no spread
        flat = np.full(horizon, y[-1])
        out = {k: flat.copy() for k in ("forecast", "lower_80", "upper_80", "lower_95", "upper_95")}
        out["method"] = FALLBACK
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = SARIMAX(z, order=ORDER, trend="n").fit(disp=False)
        pred = fit.get_forecast(horizon)
        out = {"forecast": np.asarray(pred.predicted_mean, dtype=float)}
        for level in LEVELS:
            ci = np.asarray(pred.conf_int(alpha=1 - level / 100), dtype=float)
            out[f"lower_{level}"] = ci[:, 0]
            out[f"upper_{level}"] = ci[:, 1]
    out = {k: np.maximum(v, 0.0) ** 2 for k, v in out.items()}
    out["method"] = METHOD
    return out
