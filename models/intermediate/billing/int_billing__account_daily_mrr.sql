-- Each account's daily MRR (metrics.md section 2) as a step function: one row per interval of
-- days [valid_from, valid_to) over which the sum of the covering recurring lines is constant.
-- Built from +MRR at each line's first day and -MRR at its end instead of a row per day, so a
-- question like "MRR > 0 on any day of a window" is one interval overlap. valid_to NULL = open
-- ended (no line covers those days: MRR 0). Before an account's first valid_from its MRR is 0.
with lines as (
    select account_id, start_date, end_date, mrr
    from {{ ref('int_billing__line_mrr') }}
    where end_date > start_date and mrr is not null
),
deltas as (
    select account_id, start_date as change_date, mrr as delta from lines
    union all
    select account_id, end_date as change_date, -mrr as delta from lines
),
by_day as (
    select account_id, change_date, sum(delta) as delta
    from deltas
    group by account_id, change_date
),
running as (
    select
        account_id,
        change_date as valid_from,
        lead(change_date) over (partition by account_id order by change_date) as valid_to,
        sum(delta) over (partition by account_id order by change_date rows between unbounded preceding and current row)
            as running_mrr
    from by_day
)
select
    account_id,
    valid_from,
    valid_to,
    -- rounding as int_mrr__account_currency_monthly does, so float residue of +x-x is exactly 0
    cast(round(running_mrr, 6) as decimal(38, 6)) as signed_mrr,
    greatest(cast(round(running_mrr, 6) as decimal(38, 6)), 0) as mrr
from running
