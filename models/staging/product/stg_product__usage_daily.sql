select
    {{ parse_date('date') }} as usage_date,
    {{ sf_id18('crm_account_id') }} as crm_account_id,
    {{ parse_int('active_users') }} as active_users,
    {{ parse_int('events') }} as events,
    _source_file
from {{ source('raw', 'product_usage_daily') }}
{{ latest_version("date, " ~ sf_id18('crm_account_id')) }}
