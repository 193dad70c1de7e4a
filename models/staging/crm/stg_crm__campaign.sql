{# Salesforce Campaigns. #}
with latest as (
    select *
    from {{ source('raw', 'crm_campaign') }}
    {{ latest_version(sf_id18('Id')) }}
)

select
    {{ sf_id18('Id') }} as campaign_id,
    nullif(trim(Name), '') as campaign_name,
    nullif(trim(Type), '') as campaign_type,
    nullif(trim(Status), '') as status,
    {{ parse_date('StartDate') }} as start_date,
    {{ parse_date('EndDate') }} as end_date,
    {{ parse_decimal('BudgetedCost') }} as budgeted_cost,
    {{ parse_decimal('ActualCost') }} as actual_cost
from latest
