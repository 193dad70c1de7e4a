{# Salesforce Contacts: latest version per Id, deleted records dropped after picking it. #}
with latest as (
    select *
    from {{ source('raw', 'crm_contact') }}
    {{ latest_version(sf_id18('Id')) }}
)

select
    {{ sf_id18('Id') }} as contact_id,
    {{ sf_id18('AccountId') }} as account_id,
    nullif(trim(Email), '') as email,
    {{ normalize_email('Email') }} as email_normalized,
    nullif(trim(FirstName), '') as first_name,
    nullif(trim(LastName), '') as last_name,
    nullif(trim(Title), '') as title,
    nullif(trim(LeadSource), '') as lead_source,
    {{ sf_id18('OwnerId') }} as owner_id,
    {{ parse_utc_timestamp('CreatedDate') }} as created_at,
    {{ parse_utc_timestamp('LastModifiedDate') }} as last_modified_at
from latest
where not {{ parse_bool('IsDeleted') }}
