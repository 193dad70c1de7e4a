-- Monthly revenue KPIs (metrics.md section 4), one row per month from the first month with any
-- MRR through the month of as_of_date. Ratios with a zero denominator are NULL.
{% set gm = revops.number_var('gross_margin', 0.8, 0, 1) %}
{% set lag = revops.int_var('cac_lag_months', 0, 0, 36) %}
with movements as (
    select * from {{ ref('mrr_by_account_month') }}
),
monthly as (
    select
        month,
        sum(prior_mrr) as starting_mrr,
        sum(mrr) as mrr,
        sum(new_mrr) as new_mrr,
        sum(expansion_mrr) as expansion_mrr,
        sum(contraction_mrr) as contraction_mrr,
        sum(churned_mrr) as churned_mrr,
        sum(reactivation_mrr) as reactivation_mrr,
        sum(fx_mrr) as fx_mrr,
        count(*) filter (where mrr > 0) as paying_customers,
        count(*) filter (where movement_type = 'new') as new_customers,
        count(*) filter (where movement_type = 'churn') as churned_customers,
        count(*) filter (where movement_type = 'reactivation') as reactivated_customers
    from movements
    group by month
),
ttm as (
    select
        cur.month,
        sum(cur.mrr) as ttm_current_mrr,
        sum(least(cur.mrr, base.mrr)) as ttm_capped_mrr,
        sum(base.mrr) as ttm_base_mrr
    from movements as cur
    inner join movements as base
        on base.account_id = cur.account_id
       and base.month = {{ date_add_months('cur.month', -12) }}
       and base.mrr > 0
    group by cur.month
),
rates as (
    select {{ dbt.date_trunc('month', 'rate_date') }} as month, currency, to_reporting
    from {{ ref('int_fx_rates_daily') }}
    where extract(day from rate_date) = 1
),
acquisition_spend as (
    select cast(date_trunc('month', spend_date) as date) as month, currency, sum(spend) as amount
    from {{ ref('stg_marketing__ad_spend') }}
    group by 1, 2
    union all
    select expense_month, currency, sum(amount)
    from {{ ref('stg_finance__gtm_expenses') }}
    where department in ('marketing', 'sales')
    group by 1, 2
),
acquisition_cost as (
    select
        {{ date_add_months('s.month', lag) }} as month,
        sum({{ amount_times_rate('s.amount', 'r.to_reporting') }}) as sm_cost
    from acquisition_spend as s
    left join rates as r on r.month = s.month and r.currency = s.currency
    group by 1
),
base as (
    select
        monthly.*,
        lag(paying_customers) over (order by month) as prior_paying_customers,
        min(month) over () as first_month
    from monthly
),
with_rates as (
    select
        base.*,
        cast(churned_customers as double) / nullif(prior_paying_customers, 0) as logo_churn_rate,
        cast(mrr as double) / nullif(paying_customers, 0) as arpa_value
    from base
)
select
    r.month,
    cast(r.starting_mrr as decimal(38, 6)) as starting_mrr,
    cast(r.mrr as decimal(38, 6)) as ending_mrr,
    cast(r.mrr as decimal(38, 6)) as mrr,
    cast(12 * r.mrr as decimal(38, 6)) as arr,
    cast(r.new_mrr as decimal(38, 6)) as new_mrr,
    cast(r.expansion_mrr as decimal(38, 6)) as expansion_mrr,
    cast(r.contraction_mrr as decimal(38, 6)) as contraction_mrr,
    cast(r.churned_mrr as decimal(38, 6)) as churned_mrr,
    cast(r.reactivation_mrr as decimal(38, 6)) as reactivation_mrr,
    cast(r.fx_mrr as decimal(38, 6)) as fx_mrr,
    r.paying_customers,
    r.new_customers,
    r.churned_customers,
    r.reactivated_customers,
    cast(r.arpa_value as decimal(38, 6)) as arpa,
    r.logo_churn_rate,
    cast(r.churned_mrr + r.contraction_mrr as double) / nullif(r.starting_mrr, 0) as gross_mrr_churn_rate,
    cast(r.churned_mrr + r.contraction_mrr - r.expansion_mrr - r.reactivation_mrr as double)
        / nullif(r.starting_mrr, 0) as net_mrr_churn_rate,
    cast(r.expansion_mrr as double) / nullif(r.starting_mrr, 0) as expansion_rate,
    cast(r.new_mrr + r.expansion_mrr as double) / nullif(r.churned_mrr + r.contraction_mrr, 0) as quick_ratio,
    case when r.month >= {{ date_add_months('r.first_month', 12) }}
        then cast(ttm.ttm_current_mrr as double) / nullif(ttm.ttm_base_mrr, 0) end as nrr_ttm,
    case when r.month >= {{ date_add_months('r.first_month', 12) }}
        then cast(ttm.ttm_capped_mrr as double) / nullif(ttm.ttm_base_mrr, 0) end as grr_ttm,
    cast(r.arpa_value * {{ gm }} / nullif(avg(r.logo_churn_rate) over (
        order by r.month rows between 6 preceding and 1 preceding), 0) as decimal(38, 6)) as ltv,
    -- NULL, not 0, for a month without any cost rows: unknown spend is not free acquisition
    cast(ac.sm_cost as decimal(38, 6)) as sm_cost,
    cast(ac.sm_cost / nullif(r.new_customers, 0) as decimal(38, 6)) as cac,
    cast(ac.sm_cost / nullif(r.new_customers, 0) as double)
        / nullif(cast(r.new_mrr as double) / nullif(r.new_customers, 0) * {{ gm }}, 0) as cac_payback_months,
    (r.arpa_value * {{ gm }} / nullif(avg(r.logo_churn_rate) over (
        order by r.month rows between 6 preceding and 1 preceding), 0))
        / nullif(cast(ac.sm_cost as double) / nullif(r.new_customers, 0), 0) as ltv_to_cac
from with_rates as r
left join ttm on ttm.month = r.month
left join acquisition_cost as ac on ac.month = r.month
order by r.month
