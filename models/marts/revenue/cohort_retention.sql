-- Logo and MRR retention per cohort (first month with MRR > 0) and months since start
-- (metrics.md section 5), through the month of as_of_date.
with movements as (
    select * from {{ ref('mrr_by_account_month') }}
),
cohorts as (
    select first_month as cohort_month, count(distinct account_id) as cohort_customers,
           sum(mrr) filter (where month = first_month) as cohort_starting_mrr
    from movements
    group by first_month
)
select
    m.first_month as cohort_month,
    cast({{ month_diff('m.first_month', 'm.month') }} as integer) as months_since_start,
    c.cohort_customers,
    count(*) filter (where m.mrr > 0) as retained_customers,
    cast(count(*) filter (where m.mrr > 0) as double) / c.cohort_customers as logo_retention,
    cast(c.cohort_starting_mrr as decimal(38, 6)) as cohort_starting_mrr,
    cast(sum(m.mrr) as decimal(38, 6)) as mrr,
    cast(sum(m.mrr) as double) / nullif(c.cohort_starting_mrr, 0) as net_mrr_retention
from movements as m
inner join cohorts as c on c.cohort_month = m.first_month
group by m.first_month, m.month, c.cohort_customers, c.cohort_starting_mrr
order by 1, 2
