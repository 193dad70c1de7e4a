-- The monthly total MRR series the forecast is fitted on (metrics.md 11): ending_mrr of
-- revenue_kpis_monthly, the partial month of as_of_date excluded unless as_of_date is its last day.
select
    month,
    cast(mrr as double) as mrr,
    {{ as_of_date() }} as as_of_date,
    row_number() over (order by month) as seq
from {{ ref('revenue_kpis_monthly') }}
where month < cast(date_trunc('month', {{ as_of_date() }}) as date)
   or {{ as_of_date() }} = last_day({{ as_of_date() }})
