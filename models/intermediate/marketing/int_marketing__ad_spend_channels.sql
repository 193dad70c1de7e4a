{# Ad spend per month and canonical channel (metrics.md 8), converted to the reporting currency at
   the rate of the month's first day, like sm_cost (docs/decisions.md 17), so the channels add up
   to the ad-spend part of sm_cost. The canonical channel is the row's own channel column mapped
   by channel_mapping (an unmapped value is 'other'), else its platform mapped by the seed
   ad_platform_channels (an unmapped platform is 'other'). Spend after as_of_date is left out. #}
with spend as (
    select * from {{ ref('stg_marketing__ad_spend') }}
    where spend_date <= {{ as_of_date() }}
),

rates as (
    select cast({{ dbt.date_trunc('month', 'rate_date') }} as date) as month, currency, to_reporting
    from {{ ref('int_fx_rates_daily') }}
    where extract(day from rate_date) = 1
),

mapped as (
    select
        cast({{ dbt.date_trunc('month', 's.spend_date') }} as date) as month,
        case
            when s.channel_raw is not null then coalesce(cm.channel, 'other')
            else coalesce(pc.channel, 'other')
        end as channel,
        case when s.channel_raw is not null then 'channel_column' else 'platform' end as channel_source,
        s.currency,
        s.spend
    from spend as s
    left join {{ ref('channel_mapping') }} as cm
        on lower(trim(cm.channel_raw)) = s.channel_raw
    left join {{ ref('ad_platform_channels') }} as pc
        on lower(trim(pc.platform)) = s.platform
)

select
    m.month,
    m.channel,
    sum({{ amount_times_rate('m.spend', 'r.to_reporting') }}) as media_spend,
    count(*) as spend_rows,
    count(*) filter (where m.channel_source = 'platform') as rows_mapped_by_platform
from mapped as m
left join rates as r
    on r.month = m.month
    and r.currency = m.currency
group by m.month, m.channel
