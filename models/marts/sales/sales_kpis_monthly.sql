{# Monthly sales KPIs (metrics.md 6). One row per month from the month of the first
   opportunity's CreatedDate through the month of as_of_date.
   "Closed in M" = the current row is closed (IsClosed) with CloseDate in M, and (measured on
   as_of_date) CloseDate <= as_of_date. Amounts in the reporting currency at the CloseDate rate. #}
with opportunities as (
    select * from {{ ref('int_crm__opportunities') }}
),

months as (
    {{ month_spine(
        "(select min(cast(created_at as date)) from " ~ ref('int_crm__opportunities') ~ ")",
        as_of_date()) }}
),

closed as (
    select
        cast({{ dbt.date_trunc('month', 'close_date') }} as date) as close_month,
        opportunities.*
    from opportunities
    where is_closed
        and close_date <= {{ as_of_date() }}
),

closed_in_month as (
    select
        m.month,
        count(case when c.is_won then 1 end) as won_count,
        count(case when c.is_lost then 1 end) as lost_count,
        coalesce(sum(case when c.is_won then c.amount_reporting end), 0) as won_amount,
        coalesce(sum(case when c.is_lost then c.amount_reporting end), 0) as lost_amount,
        percentile_cont(0.5) within group (
            order by case when c.is_won then c.sales_cycle_days end) as sales_cycle_days_median,
        avg(case when c.is_won then cast(c.sales_cycle_days as double) end) as sales_cycle_days_mean,
        count(case when c.is_won and lower(c.opportunity_type) = 'renewal' then 1 end) as renewal_won_count,
        count(case when c.is_lost and lower(c.opportunity_type) = 'renewal' then 1 end) as renewal_lost_count
    from months as m
    left join closed as c
        on c.close_month = m.month
    group by m.month
),

ttm as (
    -- opportunities closed in M-12..M-1
    select
        m.month,
        count(case when c.is_won then 1 end) as won_count_ttm,
        count(case when c.is_lost then 1 end) as lost_count_ttm,
        avg(case when c.is_won then c.amount_reporting end) as avg_won_amount_ttm,
        avg(case when c.is_won then cast(c.sales_cycle_days as double) end) as avg_cycle_days_ttm
    from months as m
    left join closed as c
        on c.close_month >= {{ date_add_months('m.month', -12) }}
        and c.close_month < m.month
    group by m.month
),

pipeline as (
    select
        month,
        count(*) as open_pipeline_count,
        sum(amount_reporting) as open_pipeline_amount
    from {{ ref('int_crm__opportunity_state_monthly') }}
    where not is_closed
    group by month
),

joined as (
    select
        m.month,
        c.won_count,
        c.lost_count,
        cast(c.won_amount as decimal(38, 6)) as won_amount,
        cast(c.lost_amount as decimal(38, 6)) as lost_amount,
        cast(c.won_count as double) / nullif(c.won_count + c.lost_count, 0) as win_rate,
        cast(c.won_amount as double) / nullif(cast(c.won_amount + c.lost_amount as double), 0) as win_rate_value,
        cast(c.sales_cycle_days_median as double) as sales_cycle_days_median,
        c.sales_cycle_days_mean,
        coalesce(p.open_pipeline_count, 0) as open_pipeline_count,
        cast(coalesce(p.open_pipeline_amount, 0) as decimal(38, 6)) as open_pipeline_amount,
        cast(t.won_count_ttm as double) / nullif(t.won_count_ttm + t.lost_count_ttm, 0) as win_rate_ttm,
        cast(t.avg_won_amount_ttm as decimal(38, 6)) as avg_won_amount_ttm,
        t.avg_cycle_days_ttm,
        c.renewal_won_count,
        c.renewal_lost_count,
        cast(c.renewal_won_count as double)
            / nullif(c.renewal_won_count + c.renewal_lost_count, 0) as renewal_rate
    from months as m
    inner join closed_in_month as c on c.month = m.month
    inner join ttm as t on t.month = m.month
    left join pipeline as p on p.month = m.month
)

select
    month,
    won_count,
    lost_count,
    won_amount,
    lost_amount,
    win_rate,
    win_rate_value,
    sales_cycle_days_median,
    sales_cycle_days_mean,
    open_pipeline_count,
    open_pipeline_amount,
    open_pipeline_count * win_rate_ttm * cast(avg_won_amount_ttm as double)
        / nullif(avg_cycle_days_ttm, 0) as pipeline_velocity_per_day,
    renewal_rate,
    win_rate_ttm,
    avg_won_amount_ttm,
    avg_cycle_days_ttm,
    renewal_won_count,
    renewal_lost_count
from joined
