{# Upsell candidates (metrics.md 11): accounts with MRR > 0 on as_of_date and usage rows in the 28
   days ending on it, with seat utilisation, usage growth, tenure and months to renewal, and a
   transparent score (weights in _gtm__models.yml and docs/decisions.md):

     score = 0.5 x hot + 0.5 x (0.4 x u + 0.3 x g + 0.15 x t + 0.15 x r)

   hot = 1 when seat_utilisation >= 0.9 and usage_growth > 0, else 0;
   u = seat_utilisation capped to [0, 1] (0 without seats); g = usage_growth capped to [0, 1]
   (0 when NULL or negative); t = min(tenure_months, 24) / 24; r = 1 - months_to_renewal / 12
   floored at 0 (0 for monthly-only accounts).
   A hot account scores at least 0.5 + 0.5 x 0.4 x 0.9 = 0.68, every other account at most 0.5, so
   every hot account ranks above every account with seat_utilisation < 0.5 (the spec's guarantee). #}
with daily_mrr as (
    select * from {{ ref('int_billing__account_daily_mrr') }}
    where valid_from <= {{ as_of_date() }} and (valid_to is null or valid_to > {{ as_of_date() }}) and mrr > 0
),
usage as (
    select
        crm_account_id as account_id,
        avg(case when usage_date > {{ date_add_days(as_of_date(), -28) }} then active_users end) as avg_active_users_28d,
        avg(case when usage_date <= {{ date_add_days(as_of_date(), -28) }} then active_users end) as avg_active_users_prior_28d,
        count(case when usage_date > {{ date_add_days(as_of_date(), -28) }} then 1 end) as usage_days_28d
    from {{ ref('stg_product__usage_daily') }}
    where usage_date > {{ date_add_days(as_of_date(), -56) }} and usage_date <= {{ as_of_date() }}
    group by crm_account_id
),
items as (
    select
        account_id,
        sum(case when is_licensed then quantity end) as licensed_seats,
        min(case when recurring_interval = 'year' then current_period_end_date end) as yearly_period_end,
        bool_or(recurring_interval = 'year') as has_yearly
    from {{ ref('int_billing__active_items') }}
    group by account_id
),
measured as (
    select
        m.account_id,
        i.licensed_seats,
        u.avg_active_users_28d,
        cast(u.avg_active_users_28d / nullif(i.licensed_seats, 0) as double) as seat_utilisation,
        cast(u.avg_active_users_28d / nullif(u.avg_active_users_prior_28d, 0) - 1 as double) as usage_growth,
        cast({{ month_diff('a.first_paid_month', as_of_date()) }} as integer) as tenure_months,
        i.yearly_period_end,
        -- whole months from as_of_date to the period end: the largest k with as_of + k months <= end
        case when i.yearly_period_end is not null then
            {{ month_diff(as_of_date(), 'i.yearly_period_end') }}
            - case when {{ date_add_months(as_of_date(), month_diff(as_of_date(), 'i.yearly_period_end')) }}
                        > i.yearly_period_end then 1 else 0 end
        end as months_to_renewal,
        m.mrr
    from daily_mrr as m
    inner join usage as u on u.account_id = m.account_id and u.usage_days_28d > 0
    left join items as i on i.account_id = m.account_id
    left join {{ ref('dim_accounts') }} as a on a.account_id = m.account_id
),
scored as (
    select
        measured.*,
        case when seat_utilisation >= 0.9 and usage_growth > 0 then 1 else 0 end as is_hot,
        least(greatest(coalesce(seat_utilisation, 0), 0), 1) as u_part,
        least(greatest(coalesce(usage_growth, 0), 0), 1) as g_part,
        least(coalesce(tenure_months, 0), 24) / 24.0 as t_part,
        case when months_to_renewal is null then 0 else greatest(1 - months_to_renewal / 12.0, 0) end as r_part
    from measured
),
final as (
    select
        scored.*,
        round(0.5 * is_hot + 0.5 * (0.4 * u_part + 0.3 * g_part + 0.15 * t_part + 0.15 * r_part), 6) as score,
        case
            when seat_utilisation >= 0.9 then 'add_seats'
            when usage_growth >= 0.25 then 'upgrade_plan'
            when months_to_renewal is null and tenure_months >= 6 and coalesce(seat_utilisation, 0) >= 0.5 then 'annual_plan'
            else 'none'
        end as suggested_offer
    from scored
)
select
    account_id,
    cast(row_number() over (order by score desc, account_id) as integer) as rank,
    score,
    licensed_seats,
    avg_active_users_28d,
    seat_utilisation,
    usage_growth,
    tenure_months,
    months_to_renewal,
    concat_ws('; ',
        case when seat_utilisation is not null then
            {{ format_fixed('avg_active_users_28d', 1) }} || ' active users a day over the last 28 days on '
            || licensed_seats || ' licensed seats (' || {{ format_fixed('100 * seat_utilisation', 0) }} || '% used)'
        else {{ format_fixed('avg_active_users_28d', 1) }} || ' active users a day over the last 28 days, no licensed seats' end,
        case when usage_growth is not null then
            'usage ' || case when usage_growth >= 0 then 'up ' else 'down ' end
            || {{ format_fixed('100 * abs(usage_growth)', 0) }} || '% on the 28 days before' end,
        case when tenure_months is not null then 'customer for ' || tenure_months || ' months' end,
        case when months_to_renewal is not null then 'annual plan renews in ' || months_to_renewal || ' months'
             else 'monthly billing only' end,
        case suggested_offer
            when 'add_seats' then 'offer more seats'
            when 'upgrade_plan' then 'offer the next plan up'
            when 'annual_plan' then 'offer an annual plan'
            else 'no offer yet' end
    ) as reason,
    suggested_offer,
    is_hot,
    mrr
from final
