{# One row per person of the funnel (metrics.md 7), measured on as_of_date: only records,
   status changes and opportunities that exist by the end of as_of_date count.
   Stage entry timestamps (UTC):
   - lead_at: earliest CreatedDate of the person's Leads and Contacts;
   - mql_at / sql_at: first LeadHistory Status change (of the person's leads) to a status that
     the seed lead_status_stages maps to mql / sql;
   - opportunity_at: CreatedDate of the first Opportunity linked by a lead's
     ConvertedOpportunityId or a contact's OpportunityContactRole;
   - customer_at: CloseDate (00:00 UTC) of the first won New Business opportunity so linked.
   An earlier stage takes the later stage's timestamp when it is missing or later, so stage
   times never decrease. channel: the canonical channel (seed channel_mapping; an unmapped
   channel is 'other') of the person's earliest touch (matched on the normalised email of any
   of its records) at or before lead_at, else the earliest record LeadSource mapped by the seed
   lead_source_channels, else 'unknown'. #}
{% set as_of_end = "cast(" ~ date_add_days(as_of_date(), 1) ~ " as timestamp)" %}
with records as (
    select *
    from {{ ref('int_crm__person_records') }}
    where created_at < {{ as_of_end }}
),

persons as (
    select
        person_id,
        max(case when email_normalized = person_id then email_normalized end) as email,
        min(created_at) as lead_at,
        count(*) as record_count,
        count(case when record_type = 'Lead' then 1 end) as lead_count,
        count(case when record_type = 'Contact' then 1 end) as contact_count
    from records
    group by person_id
),

status_changes as (
    select
        r.person_id,
        lower(s.funnel_stage) as funnel_stage,
        h.created_at
    from {{ ref('stg_crm__lead_history') }} as h
    inner join records as r
        on r.record_type = 'Lead'
        and r.lead_id = h.lead_id
    inner join {{ ref('lead_status_stages') }} as s
        on lower(trim(s.lead_status)) = lower(h.new_value)
    where lower(h.field) = 'status'
        and h.created_at < {{ as_of_end }}
),

qualification as (
    select
        person_id,
        min(case when funnel_stage = 'mql' then created_at end) as mql_at,
        min(case when funnel_stage = 'sql' then created_at end) as sql_at
    from status_changes
    group by person_id
),

opportunity_links as (
    select r.person_id, r.converted_opportunity_id as opportunity_id
    from records as r
    where r.record_type = 'Lead'
        and r.converted_opportunity_id is not null
    union
    select r.person_id, ocr.opportunity_id
    from records as r
    inner join {{ ref('stg_crm__opportunity_contact_role') }} as ocr
        on ocr.contact_id = r.record_id
    where r.record_type = 'Contact'
),

opportunity_stages as (
    select
        l.person_id,
        min(o.created_at) as opportunity_at,
        min(case
                when o.is_won and o.is_closed and lower(o.opportunity_type) = 'new business'
                    and o.close_date <= {{ as_of_date() }}
                then cast(o.close_date as timestamp)
            end) as customer_at
    from opportunity_links as l
    inner join {{ ref('int_crm__opportunities') }} as o
        on o.opportunity_id = l.opportunity_id
    where o.created_at < {{ as_of_end }}
    group by l.person_id
),

raw_stages as (
    select
        p.person_id,
        p.email,
        p.record_count,
        p.lead_count,
        p.contact_count,
        p.lead_at as lead_at_raw,
        q.mql_at as mql_at_raw,
        q.sql_at as sql_at_raw,
        os.opportunity_at as opportunity_at_raw,
        os.customer_at
    from persons as p
    left join qualification as q on q.person_id = p.person_id
    left join opportunity_stages as os on os.person_id = p.person_id
),

filled_opportunity as (
    select *, {{ least_not_null('opportunity_at_raw', 'customer_at') }} as opportunity_at
    from raw_stages
),

filled_sql as (
    select *, {{ least_not_null('sql_at_raw', 'opportunity_at') }} as sql_at
    from filled_opportunity
),

filled_mql as (
    select *, {{ least_not_null('mql_at_raw', 'sql_at') }} as mql_at
    from filled_sql
),

filled as (
    select *, {{ least_not_null('lead_at_raw', 'mql_at') }} as lead_at
    from filled_mql
),

person_emails as (
    -- every normalised email of the person's records (a converted lead keeps its own email)
    select distinct person_id, email_normalized
    from records
    where email_normalized is not null
),

touch_channels as (
    select
        f.person_id,
        coalesce(cm.channel, 'other') as channel,
        row_number() over (partition by f.person_id order by t.occurred_at, t.touch_id) as touch_rank
    from filled as f
    inner join person_emails as pe
        on pe.person_id = f.person_id
    inner join {{ ref('stg_marketing__touches') }} as t
        on t.email_normalized = pe.email_normalized
        and t.occurred_at <= f.lead_at
    left join {{ ref('channel_mapping') }} as cm
        on lower(trim(cm.channel_raw)) = lower(trim(t.channel_raw))
),

lead_source_channels as (
    select
        r.person_id,
        lsc.channel,
        row_number() over (partition by r.person_id order by r.created_at, r.record_id) as source_rank
    from records as r
    inner join {{ ref('lead_source_channels') }} as lsc
        on lower(trim(lsc.lead_source)) = lower(r.lead_source)
)

select
    f.person_id,
    f.email,
    coalesce(tc.channel, lsc.channel, 'unknown') as channel,
    f.lead_at,
    f.mql_at,
    f.sql_at,
    f.opportunity_at,
    f.customer_at,
    case when tc.channel is not null then 'touch'
         when lsc.channel is not null then 'lead_source'
         else 'unknown' end as channel_source,
    f.record_count,
    f.lead_count,
    f.contact_count
from filled as f
left join touch_channels as tc
    on tc.person_id = f.person_id
    and tc.touch_rank = 1
left join lead_source_channels as lsc
    on lsc.person_id = f.person_id
    and lsc.source_rank = 1
