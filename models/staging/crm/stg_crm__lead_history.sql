{# Salesforce LeadHistory: one row per field change of a lead (Field = 'Status' dates status changes). #}
with latest as (
    select *
    from {{ source('raw', 'crm_lead_history') }}
    {{ latest_version(sf_id18('Id')) }}
)

select
    {{ sf_id18('Id') }} as lead_history_id,
    {{ sf_id18('LeadId') }} as lead_id,
    nullif(trim(Field), '') as field,
    nullif(trim(OldValue), '') as old_value,
    nullif(trim(NewValue), '') as new_value,
    {{ parse_utc_timestamp('CreatedDate') }} as created_at
from latest
