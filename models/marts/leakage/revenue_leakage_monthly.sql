-- Open revenue leakage per month and type (metrics.md section 9): findings whose review_status is
-- still `open`, by the month they are for (detected_for_month).
select
    detected_for_month as month,
    leakage_type,
    count(*) as findings,
    cast(sum(coalesce(amount_at_risk_mrr, 0)) as decimal(38, 6)) as amount_at_risk_mrr
from {{ ref('revenue_leakage') }}
where review_status = 'open'
group by detected_for_month, leakage_type
