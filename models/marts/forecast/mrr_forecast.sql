-- The 12-month MRR forecast (metrics.md 11) with committed_mrr: MRR on as_of_date minus the MRR
-- (on as_of_date) of subscriptions set to cancel at period end whose current period ends on or
-- before the month's last day, the day that month's MRR is measured.
with mrr_now as (
    select coalesce(sum(mrr), 0) as mrr
    from {{ ref('int_billing__account_daily_mrr') }}
    where valid_from <= {{ as_of_date() }} and (valid_to is null or valid_to > {{ as_of_date() }})
),
cancelling as (
    select s.subscription_id, cast(s.current_period_end_at as date) as period_end_date, sum(l.mrr) as mrr
    from {{ ref('stg_billing__subscriptions') }} as s
    inner join {{ ref('int_billing__line_mrr') }} as l
        on l.subscription_id = s.subscription_id
       and l.start_date <= {{ as_of_date() }} and l.end_date > {{ as_of_date() }}
    where s.cancel_at_period_end
    group by s.subscription_id, cast(s.current_period_end_at as date)
)
select
    cast(f.month as date) as month,
    f.forecast_mrr,
    f.lower_80,
    f.upper_80,
    f.lower_95,
    f.upper_95,
    f.method,
    cast(round((select mrr from mrr_now) - coalesce((
        select sum(c.mrr) from cancelling as c
        where c.period_end_date <= last_day(cast(f.month as date))), 0), 6) as decimal(38, 6))
        as committed_mrr
from {{ ref('int_mrr_forecast__future') }} as f
