{% set staged = revops.incremental_staging('crm_opportunity_history', ['opportunity_history_id'], [sf_id18('Id')]) %}
{# Salesforce OpportunityHistory: a snapshot of an opportunity written at every change of
   stage, amount, probability, forecast category or close date. #}
with latest as (
    select *
    from {{ revops.raw_rows_to_stage(staged) }}
    {{ latest_version(sf_id18('Id')) }}
)

select
    {{ sf_id18('Id') }} as opportunity_history_id,
    {{ sf_id18('OpportunityId') }} as opportunity_id,
    nullif(trim(StageName), '') as stage_name,
    {{ parse_decimal('Amount') }} as amount,
    {{ parse_decimal('Probability') }} as probability,
    nullif(trim(ForecastCategory), '') as forecast_category,
    {{ parse_date('CloseDate') }} as close_date,
    {{ parse_utc_timestamp('CreatedDate') }} as created_at,
    _source_file,
    _load_id,
    _loaded_at
from latest
