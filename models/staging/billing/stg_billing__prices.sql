select
    id as price_id,
    {{ json_str('record', '$.product') }} as product_id,
    upper({{ json_str('record', '$.currency') }}) as currency,
    cast({{ json_str('record', '$.unit_amount') }} as bigint) as unit_amount_minor,
    {{ json_has_value('record', '$.recurring') }} as is_recurring,
    {{ json_str('record', '$.recurring.interval') }} as recurring_interval,
    cast({{ json_str('record', '$.recurring.interval_count') }} as integer) as recurring_interval_count,
    {{ json_str('record', '$.recurring.usage_type') }} as usage_type,
    _source_file
from {{ source('raw', 'billing_prices') }}
{{ latest_version('id') }}
