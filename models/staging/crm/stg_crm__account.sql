{# Salesforce Accounts: latest version per Id, deleted records dropped after picking it. #}
with latest as (
    select *
    from {{ source('raw', 'crm_account') }}
    {{ latest_version(sf_id18('Id')) }}
)

select
    {{ sf_id18('Id') }} as account_id,
    nullif(trim(Name), '') as account_name,
    {{ parse_utc_timestamp('CreatedDate') }} as created_at,
    {{ parse_utc_timestamp('LastModifiedDate') }} as last_modified_at,
    nullif(trim(Website), '') as website,
    {{ normalize_domain('Website') }} as website_domain,
    nullif(trim(Industry), '') as industry,
    {{ parse_int('NumberOfEmployees') }} as number_of_employees,
    nullif(trim(BillingCountry), '') as billing_country,
    nullif(trim(Type), '') as account_type,
    {{ sf_id18('OwnerId') }} as owner_id,
    {{ sf_id18('ParentId') }} as parent_id
from latest
where not {{ parse_bool('IsDeleted') }}
