-- Best send time (metrics.md 11). A message is one (emailCampaignId, normalised recipient) with a
-- SENT event; its slot is the (first) SENT time in the recipient's local time zone - the IANA zone
-- of their country (the BillingCountry of their Contact's Account, else the address.country of a
-- billing customer with the same email), else UTC - so DST follows the zone's own rules.
-- Segment = the Industry of the recipient's Contact's Account ('unknown' without one), plus 'all'.
{% set min_messages = revops.int_var('send_time_min_messages', 30, 1, 1000000) %}
with events as (
    select
        email_campaign_id,
        coalesce(recipient_normalized, lower(trim(recipient))) as recipient_key,
        event_type,
        occurred_at
    from {{ ref('stg_marketing__email_events') }}
    where event_type in ('SENT', 'OPEN', 'CLICK') and email_campaign_id is not null and recipient is not null
),
messages as (
    select
        email_campaign_id,
        recipient_key,
        min(case when event_type = 'SENT' then occurred_at end) as sent_at,
        bool_or(event_type = 'OPEN') as is_opened,
        bool_or(event_type = 'CLICK') as is_clicked
    from events
    group by email_campaign_id, recipient_key
    having count(case when event_type = 'SENT' then 1 end) > 0
),
-- the recipient's Contact: the earliest created Contact with that email and an Account
contact_account as (
    select
        c.email_normalized as recipient_key,
        a.industry,
        a.billing_country
    from {{ ref('stg_crm__contact') }} as c
    inner join {{ ref('stg_crm__account') }} as a on a.account_id = c.account_id
    where c.email_normalized is not null
    qualify row_number() over (partition by c.email_normalized order by c.created_at, c.contact_id) = 1
),
customer_country as (
    select email_normalized as recipient_key, min(country) as country
    from {{ ref('stg_billing__customers') }}
    where email_normalized is not null and nullif(trim(country), '') is not null
    group by email_normalized
),
zones as (
    select lower(trim(country)) as country_key, upper(trim(iso2)) as iso2, time_zone
    from {{ ref('country_timezones') }}
),
zone_by_iso as (
    select iso2, min(time_zone) as time_zone from zones group by iso2
),
located as (
    select
        m.*,
        coalesce(ca.industry, 'unknown') as segment,
        coalesce(nullif(trim(ca.billing_country), ''), cc.country) as country
    from messages as m
    left join contact_account as ca on ca.recipient_key = m.recipient_key
    left join customer_country as cc on cc.recipient_key = m.recipient_key
),
local as (
    select
        located.*,
        coalesce(by_name.time_zone, by_iso.time_zone, 'UTC') as time_zone,
        {{ utc_to_local('sent_at', "coalesce(by_name.time_zone, by_iso.time_zone, 'UTC')") }} as sent_local
    from located
    left join zones as by_name on by_name.country_key = lower(trim(located.country))
    left join zone_by_iso as by_iso on by_iso.iso2 = upper(trim(located.country))
),
slots as (
    select segment, {{ iso_weekday('sent_local') }} as weekday, hour(sent_local) as local_hour, is_opened, is_clicked from local
    union all
    select 'all', {{ iso_weekday('sent_local') }}, hour(sent_local), is_opened, is_clicked from local
),
agg as (
    select
        segment,
        cast(weekday as integer) as weekday,
        cast(local_hour as integer) as local_hour,
        count(*) as messages,
        count(*) filter (where is_opened) as opened,
        count(*) filter (where is_clicked) as clicked
    from slots
    group by segment, weekday, local_hour
),
rated as (
    select
        agg.*,
        cast(opened as double) / messages as open_rate,
        cast(clicked as double) / messages as click_rate
    from agg
),
best as (
    select segment, weekday, local_hour
    from rated
    where messages >= {{ min_messages }}
    qualify row_number() over (
        partition by segment order by click_rate desc, open_rate desc, weekday, local_hour) = 1
)
select
    r.segment,
    r.weekday,
    r.local_hour,
    r.messages,
    r.opened,
    r.clicked,
    r.open_rate,
    r.click_rate,
    b.segment is not null as is_best_slot
from rated as r
left join best as b on b.segment = r.segment and b.weekday = r.weekday and b.local_hour = r.local_hour
