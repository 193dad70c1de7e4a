-- MRR and its movements per account and month (metrics.md section 3), from the account's first
-- month with MRR > 0 through the month of as_of_date. Every amount is DECIMAL(38, 6) and the
-- movements are derived by exact decimal subtraction, so the identity
-- mrr = prior + new + expansion + reactivation - contraction - churned + fx holds exactly.
with by_currency as (
    select * from {{ ref('int_mrr__account_currency_monthly') }}
),
account_month as (
    select account_id, month, sum(mrr) as signed_mrr
    from by_currency
    group by account_id, month
),
first_month as (
    select account_id, min(month) as first_month
    from account_month
    where signed_mrr > 0
    group by account_id
),
months as (
    {{ month_spine('(select min(first_month) from first_month)', as_of_date()) }}
),
grid as (
    select f.account_id, f.first_month, m.month
    from first_month as f
    inner join months as m on m.month >= f.first_month
),
measured as (
    select
        grid.account_id,
        grid.month,
        grid.first_month,
        coalesce(am.signed_mrr, 0) as signed_mrr,
        greatest(coalesce(am.signed_mrr, 0), 0) as mrr
    from grid
    left join account_month as am on am.account_id = grid.account_id and am.month = grid.month
),
with_prior as (
    select
        measured.*,
        coalesce(lag(mrr) over (partition by account_id order by month), 0) as prior_mrr
    from measured
),
-- Month-M native MRR per currency at the currency's M-1 effective rate (its M rate where the
-- currency is new to the account).
constant_currency as (
    select
        cur.account_id,
        cur.month,
        sum(coalesce(cast(round(
            cur.native_mrr * coalesce(
                cast(prev.mrr as double) / nullif(cast(prev.native_mrr as double), 0),
                cast(cur.mrr as double) / nullif(cast(cur.native_mrr as double), 0)
            ), 6) as decimal(38, 6)), 0)) as cc_mrr
    from by_currency as cur
    left join by_currency as prev
        on prev.account_id = cur.account_id
       and prev.currency = cur.currency
       and prev.month = {{ date_add_months('cur.month', -1) }}
    group by cur.account_id, cur.month
),
classified as (
    select
        w.*,
        coalesce(cc.cc_mrr, 0) as cc_mrr,
        case
            when w.prior_mrr = 0 and w.mrr > 0 and w.month = w.first_month then 'new'
            when w.prior_mrr = 0 and w.mrr > 0 then 'reactivation'
            when w.prior_mrr > 0 and w.mrr = 0 then 'churn'
            when w.prior_mrr > 0 and w.mrr > 0 and coalesce(cc.cc_mrr, 0) > w.prior_mrr then 'expansion'
            when w.prior_mrr > 0 and w.mrr > 0 and coalesce(cc.cc_mrr, 0) < w.prior_mrr then 'contraction'
            when w.prior_mrr > 0 and w.mrr > 0 then 'flat'
            else 'inactive'
        end as movement_type
    from with_prior as w
    left join constant_currency as cc on cc.account_id = w.account_id and cc.month = w.month
)
select
    account_id,
    month,
    cast(mrr as decimal(38, 6)) as mrr,
    cast(12 * mrr as decimal(38, 6)) as arr,
    cast(prior_mrr as decimal(38, 6)) as prior_mrr,
    movement_type,
    cast(case when movement_type = 'new' then mrr else 0 end as decimal(38, 6)) as new_mrr,
    cast(case when movement_type = 'expansion' then cc_mrr - prior_mrr else 0 end as decimal(38, 6)) as expansion_mrr,
    cast(case when movement_type = 'contraction' then prior_mrr - cc_mrr else 0 end as decimal(38, 6)) as contraction_mrr,
    cast(case when movement_type = 'churn' then prior_mrr else 0 end as decimal(38, 6)) as churned_mrr,
    cast(case when movement_type = 'reactivation' then mrr else 0 end as decimal(38, 6)) as reactivation_mrr,
    cast(case when movement_type in ('expansion', 'contraction', 'flat') then mrr - cc_mrr else 0 end as decimal(38, 6)) as fx_mrr,
    cast(case when movement_type in ('expansion', 'contraction', 'flat') then cc_mrr end as decimal(38, 6)) as constant_currency_mrr,
    cast(signed_mrr as decimal(38, 6)) as signed_mrr,
    first_month
from classified
