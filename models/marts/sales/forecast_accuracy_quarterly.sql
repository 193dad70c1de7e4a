{# Forecast accuracy per calendar quarter (metrics.md 6). One row per quarter from the quarter
   of the first opportunity's CreatedDate through the quarter of as_of_date.
   Forecasts come from every opportunity's state at the quarter's first instant (00:00 UTC of
   its first day, via int_crm__opportunity_state_monthly / opportunity_state_at); the actual
   from the current rows: won opportunities whose final CloseDate is in the quarter (and, as
   in sales_kpis_monthly, on or before as_of_date). Money in the reporting currency at the
   CloseDate rate (a state's own CloseDate for forecasts). #}
with quarters as (
    select distinct cast({{ dbt.date_trunc('quarter', 'month') }} as date) as quarter
    from (
        {{ month_spine(
            "(select min(cast(created_at as date)) from " ~ ref('int_crm__opportunities') ~ ")",
            as_of_date()) }}
    ) as months
),

states as (
    select *
    from {{ ref('int_crm__opportunity_state_monthly') }}
    where is_quarter_start
        and close_date >= month
        and close_date < {{ date_add_months('month', 3) }}
),

forecasts as (
    select
        month as quarter,
        sum(case when (not is_closed and forecast_group = 'commit') or (is_closed and is_won)
            then amount_reporting end) as commit_forecast,
        sum(case when (not is_closed and forecast_group in ('commit', 'best_case')) or (is_closed and is_won)
            then amount_reporting end) as best_case_forecast,
        sum(case when not is_closed
            then amount_reporting * cast(probability as decimal(38, 6)) / 100 end) as weighted_forecast,
        count(case when not is_closed then 1 end) as open_opportunities_closing_in_quarter
    from states
    group by month
),

actuals as (
    select
        cast({{ dbt.date_trunc('quarter', 'close_date') }} as date) as quarter,
        sum(amount_reporting) as actual,
        count(*) as won_count
    from {{ ref('int_crm__opportunities') }}
    where is_won
        and is_closed
        and close_date <= {{ as_of_date() }}
    group by 1
),

joined as (
    select
        q.quarter,
        cast(coalesce(f.commit_forecast, 0) as decimal(38, 6)) as commit_forecast,
        cast(coalesce(f.best_case_forecast, 0) as decimal(38, 6)) as best_case_forecast,
        cast(coalesce(f.weighted_forecast, 0) as decimal(38, 6)) as weighted_forecast,
        cast(coalesce(a.actual, 0) as decimal(38, 6)) as actual,
        coalesce(a.won_count, 0) as won_count,
        coalesce(f.open_opportunities_closing_in_quarter, 0) as open_opportunities_closing_in_quarter
    from quarters as q
    left join forecasts as f on f.quarter = q.quarter
    left join actuals as a on a.quarter = q.quarter
)

select
    quarter,
    commit_forecast,
    best_case_forecast,
    weighted_forecast,
    actual,
    1 - abs(cast(commit_forecast - actual as double)) / nullif(cast(actual as double), 0) as commit_accuracy,
    cast(commit_forecast - actual as double) / nullif(cast(actual as double), 0) as commit_bias,
    1 - abs(cast(best_case_forecast - actual as double)) / nullif(cast(actual as double), 0) as best_case_accuracy,
    cast(best_case_forecast - actual as double) / nullif(cast(actual as double), 0) as best_case_bias,
    1 - abs(cast(weighted_forecast - actual as double)) / nullif(cast(actual as double), 0) as weighted_accuracy,
    cast(weighted_forecast - actual as double) / nullif(cast(actual as double), 0) as weighted_bias,
    won_count,
    open_opportunities_closing_in_quarter
from joined
