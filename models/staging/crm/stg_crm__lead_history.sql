{% set staged = revops.incremental_staging('crm_lead_history', ['lead_history_id'], [sf_id18('Id')]) %}
{# Salesforce LeadHistory: one row per field change of a lead (Field = 'Status' dates status changes). #}
with latest as (
    select *
    from {{ revops.raw_rows_to_stage(staged) }}
    {{ latest_version(sf_id18('Id')) }}
)

select
    {{ sf_id18('Id') }} as lead_history_id,
    {{ sf_id18('LeadId') }} as lead_id,
    nullif(trim(Field), '') as field,
    nullif(trim(OldValue), '') as old_value,
    nullif(trim(NewValue), '') as new_value,
    {{ parse_utc_timestamp('CreatedDate') }} as created_at,
    _source_file,
    _load_id,
    _loaded_at
from latest
