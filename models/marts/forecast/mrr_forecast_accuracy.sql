-- Accuracy of the forecast method per horizon over the rolling-origin backtest (metrics.md 11).
select
    horizon,
    count(*) as backtests,
    cast(avg(cast(abs(forecast_mrr - actual_mrr) / nullif(actual_mrr, 0) as decimal(38, 18))) as double) as mape,
    cast(avg(cast((forecast_mrr - actual_mrr) / nullif(actual_mrr, 0) as decimal(38, 18))) as double) as bias,
    avg(case when actual_mrr between lower_80 and upper_80 then 1.0 else 0.0 end) as coverage_80,
    avg(case when actual_mrr between lower_95 and upper_95 then 1.0 else 0.0 end) as coverage_95
from {{ ref('mrr_forecast_backtest') }}
group by horizon
