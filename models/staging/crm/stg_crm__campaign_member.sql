{# Salesforce CampaignMembers: a lead or contact in a campaign. #}
with latest as (
    select *
    from {{ source('raw', 'crm_campaign_member') }}
    {{ latest_version(sf_id18('Id')) }}
)

select
    {{ sf_id18('Id') }} as campaign_member_id,
    {{ sf_id18('CampaignId') }} as campaign_id,
    {{ sf_id18('LeadId') }} as lead_id,
    {{ sf_id18('ContactId') }} as contact_id,
    nullif(trim(Status), '') as status,
    {{ parse_bool('HasResponded') }} as has_responded,
    {{ parse_date('FirstRespondedDate') }} as first_responded_date,
    {{ parse_utc_timestamp('CreatedDate') }} as created_at
from latest
