-- Each account's MRR per month and currency: the sum of the recurring lines covering the
-- month's evaluation date (its last day, or as_of_date in the month of as_of_date).
-- Native and reporting-currency figures are kept per currency for the constant-currency
-- comparison of mrr_by_account_month.
with line_mrr as (
    select * from {{ ref('int_billing__line_mrr') }}
    where start_date <= {{ as_of_date() }}
),
months as (
    {{ month_spine('(select min(start_date) from line_mrr)', as_of_date()) }}
)
select
    line_mrr.account_id,
    months.month,
    months.eval_date,
    line_mrr.currency,
    cast(round(sum(line_mrr.native_mrr), 6) as decimal(38, 6)) as native_mrr,
    cast(round(sum(line_mrr.mrr), 6) as decimal(38, 6)) as mrr,
    count(*) as covering_lines
from line_mrr
inner join months
    on months.eval_date >= line_mrr.start_date
   and months.eval_date < line_mrr.end_date
group by line_mrr.account_id, months.month, months.eval_date, line_mrr.currency
