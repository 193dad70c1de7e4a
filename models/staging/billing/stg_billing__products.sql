select
    id as product_id,
    {{ json_str('record', '$.name') }} as product_name,
    {{ json_value('record', '$.metadata') }} as metadata,
    _source_file
from {{ source('raw', 'billing_products') }}
{{ latest_version('id') }}
