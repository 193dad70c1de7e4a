{# Salesforce Leads: latest version per Id, deleted records dropped after picking it. #}
with latest as (
    select *
    from {{ source('raw', 'crm_lead') }}
    {{ latest_version(sf_id18('Id')) }}
)

select
    {{ sf_id18('Id') }} as lead_id,
    nullif(trim(Email), '') as email,
    {{ normalize_email('Email') }} as email_normalized,
    nullif(trim(Status), '') as status,
    nullif(trim(FirstName), '') as first_name,
    nullif(trim(LastName), '') as last_name,
    nullif(trim(Company), '') as company,
    nullif(trim(Website), '') as website,
    nullif(trim(LeadSource), '') as lead_source,
    {{ sf_id18('OwnerId') }} as owner_id,
    {{ parse_bool('IsConverted') }} as is_converted,
    {{ parse_date('ConvertedDate') }} as converted_date,
    {{ sf_id18('ConvertedAccountId') }} as converted_account_id,
    {{ sf_id18('ConvertedContactId') }} as converted_contact_id,
    {{ sf_id18('ConvertedOpportunityId') }} as converted_opportunity_id,
    {{ parse_utc_timestamp('CreatedDate') }} as created_at,
    {{ parse_utc_timestamp('LastModifiedDate') }} as last_modified_at
from latest
where not {{ parse_bool('IsDeleted') }}
