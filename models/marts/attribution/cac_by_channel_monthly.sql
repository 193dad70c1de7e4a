{# Paid CAC and ROAS per month x canonical channel x attribution model (metrics.md 8): a row for
   every combination with media spend or attributed customers (each month x channel with spend
   has a row for all five models). media_spend is 0 for a channel without ad spend; paid_cac and
   roas are NULL where their denominator is 0. #}
with attributed as (
    select
        month,
        channel,
        model,
        -- summed as exact decimals: a double sum depends on the order DuckDB's threads add rows
        cast(sum(cast(weight as decimal(38, 18))) as double) as attributed_customers,
        sum(attributed_amount) as attributed_amount,
        sum(attributed_new_mrr) as attributed_new_mrr,
        count(distinct opportunity_id) as deals_touched
    from {{ ref('attribution_touches') }}
    group by month, channel, model
),

spend as (
    select month, channel, media_spend from {{ ref('int_marketing__ad_spend_channels') }}
),

models as (
    select * from (values ('first_touch'), ('last_touch'), ('linear'), ('position_based'), ('time_decay')) as m(model)
),

grid as (
    select month, channel, model from attributed
    union
    select s.month, s.channel, m.model from spend as s cross join models as m
)

select
    g.month,
    g.channel,
    g.model,
    cast(coalesce(s.media_spend, 0) as decimal(38, 6)) as media_spend,
    coalesce(a.attributed_customers, 0) as attributed_customers,
    cast(coalesce(a.attributed_amount, 0) as decimal(38, 6)) as attributed_amount,
    cast(coalesce(a.attributed_new_mrr, 0) as decimal(38, 6)) as attributed_new_mrr,
    coalesce(a.deals_touched, 0) as deals,
    cast(case when coalesce(a.attributed_customers, 0) > 0
              then coalesce(s.media_spend, 0) / a.attributed_customers end as decimal(38, 6)) as paid_cac,
    case when coalesce(s.media_spend, 0) > 0
         then cast(coalesce(a.attributed_amount, 0) / s.media_spend as double) end as roas
from grid as g
left join attributed as a
    on a.month = g.month and a.channel = g.channel and a.model = g.model
left join spend as s
    on s.month = g.month and s.channel = g.channel
