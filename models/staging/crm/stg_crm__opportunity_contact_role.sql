{# Salesforce OpportunityContactRole: links contacts to opportunities. #}
with latest as (
    select *
    from {{ source('raw', 'crm_opportunity_contact_role') }}
    {{ latest_version(sf_id18('Id')) }}
)

select
    {{ sf_id18('Id') }} as opportunity_contact_role_id,
    {{ sf_id18('OpportunityId') }} as opportunity_id,
    {{ sf_id18('ContactId') }} as contact_id,
    nullif(trim(Role), '') as role,
    {{ parse_bool('IsPrimary') }} as is_primary
from latest
