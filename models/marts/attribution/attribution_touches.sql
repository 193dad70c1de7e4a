{# Touch weights of the five attribution models per won New Business deal (metrics.md 8):
   first_touch / last_touch 100% to the first / last touch; linear 1/n each; position_based 40%
   first, 40% last, 20% split over the rest (one touch 100%, two 50/50); time_decay 2^(-d/7) with
   d = CloseDate - date(occurred_at) in whole days, normalised per deal. A deal without a touch in
   its window gets one row per model: touch_id NULL, channel 'unknown', weight 1. Rows of weight 0
   (first/last touch models) are left out. #}
with deals as (
    select * from {{ ref('int_attribution__won_deals') }}
),

touches as (
    select * from {{ ref('int_attribution__deal_touches') }}
),

decay as (
    select
        *,
        power(2.0, -cast(days_before_close as double) / 7.0) as decay_raw
    from touches
),

weighted as (
    select opportunity_id, touch_id, channel, 'first_touch' as model, 1.0 as weight
    from touches where touch_rank = 1
    union all
    select opportunity_id, touch_id, channel, 'last_touch', 1.0
    from touches where touch_rank = touch_count
    union all
    select opportunity_id, touch_id, channel, 'linear', 1.0 / touch_count
    from touches
    union all
    select opportunity_id, touch_id, channel, 'position_based',
        case
            when touch_count = 1 then 1.0
            when touch_count = 2 then 0.5
            when touch_rank = 1 or touch_rank = touch_count then 0.4
            else 0.2 / (touch_count - 2)
        end
    from touches
    union all
    select opportunity_id, touch_id, channel, 'time_decay',
        -- the total added in touch order: a double sum depends on the order rows arrive in
        decay_raw / sum(decay_raw) over (partition by opportunity_id order by touch_rank
                                         rows between unbounded preceding and unbounded following)
    from decay
),

untouched as (
    select d.opportunity_id, cast(null as {{ dbt.type_string() }}) as touch_id, 'unknown' as channel, m.model, 1.0 as weight
    from deals as d
    cross join (
        values ('first_touch'), ('last_touch'), ('linear'), ('position_based'), ('time_decay')
    ) as m(model)
    where not exists (select 1 from touches as t where t.opportunity_id = d.opportunity_id)
),

all_rows as (
    select * from weighted
    union all
    select * from untouched
)

select
    a.opportunity_id,
    a.touch_id,
    a.model,
    a.channel,
    cast(a.weight as double) as weight,
    cast(cast(a.weight as double) * cast(d.amount_reporting as double) as decimal(38, 6)) as attributed_amount,
    cast(cast(a.weight as double) * cast(d.amount_reporting as double) / 12.0 as decimal(38, 6)) as attributed_new_mrr,
    d.close_date,
    d.close_month as month
from all_rows as a
inner join deals as d
    on d.opportunity_id = a.opportunity_id
