{% set staged = revops.incremental_staging('product_usage_daily', ['usage_date', 'crm_account_id'],
                              [parse_date('date'), sf_id18('crm_account_id')]) %}
select
    {{ parse_date('date') }} as usage_date,
    {{ sf_id18('crm_account_id') }} as crm_account_id,
    {{ parse_int('active_users') }} as active_users,
    {{ parse_int('events') }} as events,
    _source_file,
    _load_id,
    _loaded_at
from {{ revops.raw_rows_to_stage(staged) }}
{{ latest_version("date, " ~ sf_id18('crm_account_id')) }}
