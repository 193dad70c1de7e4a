{# Salesforce Opportunities (current state): latest version per Id, deleted records dropped
   after picking it. Amount stays in its own currency (currency_iso_code, null = the reporting
   currency); conversion happens in int_crm__opportunities. #}
with latest as (
    select *
    from {{ source('raw', 'crm_opportunity') }}
    {{ latest_version(sf_id18('Id')) }}
)

select
    {{ sf_id18('Id') }} as opportunity_id,
    {{ sf_id18('AccountId') }} as account_id,
    nullif(trim(Name), '') as opportunity_name,
    nullif(trim(Type), '') as opportunity_type,
    nullif(trim(StageName), '') as stage_name,
    {{ parse_decimal('Amount') }} as amount,
    upper(nullif(trim(CurrencyIsoCode), '')) as currency_iso_code,
    {{ parse_decimal('Probability') }} as probability,
    nullif(trim(ForecastCategoryName), '') as forecast_category_name,
    nullif(trim(LeadSource), '') as lead_source,
    {{ sf_id18('CampaignId') }} as campaign_id,
    {{ sf_id18('OwnerId') }} as owner_id,
    {{ parse_date('CloseDate') }} as close_date,
    {{ parse_utc_timestamp('CreatedDate') }} as created_at,
    {{ parse_utc_timestamp('LastModifiedDate') }} as last_modified_at,
    {{ parse_bool('IsClosed') }} as is_closed,
    {{ parse_bool('IsWon') }} as is_won
from latest
where not {{ parse_bool('IsDeleted') }}
