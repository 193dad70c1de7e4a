{# Every touch of a won New Business deal's people inside its window (metrics.md 8).
   A deal's people: its OpportunityContactRole contacts and the leads converted into it
   (ConvertedOpportunityId), each taken as its whole person (int_crm__person_records), so a touch
   matches the normalised email of any record of that person. A touch reached through two people
   counts once. Touches are ranked by occurred_at, then touch_id. #}
with deals as (
    select * from {{ ref('int_attribution__won_deals') }}
),

records as (
    select * from {{ ref('int_crm__person_records') }}
),

deal_records as (
    select ocr.opportunity_id, r.person_id
    from {{ ref('stg_crm__opportunity_contact_role') }} as ocr
    inner join records as r
        on r.record_type = 'Contact'
        and r.record_id = ocr.contact_id
    union
    select r.converted_opportunity_id as opportunity_id, r.person_id
    from records as r
    where r.record_type = 'Lead'
        and r.converted_opportunity_id is not null
),

deal_emails as (
    select distinct dr.opportunity_id, r.email_normalized
    from deal_records as dr
    inner join records as r
        on r.person_id = dr.person_id
    where r.email_normalized is not null
),

matched as (
    select distinct
        d.opportunity_id,
        t.touch_id,
        t.occurred_at,
        t.touch_type,
        t.channel_raw,
        d.close_date
    from deals as d
    inner join deal_emails as de
        on de.opportunity_id = d.opportunity_id
    inner join {{ ref('stg_marketing__touches') }} as t
        on t.email_normalized = de.email_normalized
        and t.occurred_at >= d.window_start
        and t.occurred_at < d.window_end_exclusive
)

select
    m.opportunity_id,
    m.touch_id,
    m.occurred_at,
    m.touch_type,
    coalesce(cm.channel, 'other') as channel,
    row_number() over (partition by m.opportunity_id order by m.occurred_at, m.touch_id) as touch_rank,
    count(*) over (partition by m.opportunity_id) as touch_count,
    {{ dbt.datediff('cast(m.occurred_at as date)', 'm.close_date', 'day') }} as days_before_close
from matched as m
left join {{ ref('channel_mapping') }} as cm
    on lower(trim(cm.channel_raw)) = m.channel_raw
