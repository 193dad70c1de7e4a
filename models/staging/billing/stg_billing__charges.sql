select
    charges.id as charge_id,
    {{ json_str('record', '$.customer') }} as customer_id,
    {{ json_str('record', '$.invoice') }} as invoice_id,
    upper({{ json_str('record', '$.currency') }}) as currency,
    cast({{ json_str('record', '$.amount') }} as decimal(38, 6)) / coalesce(cur.minor_unit_factor, 100) as amount,
    cast(coalesce({{ json_str('record', '$.amount_refunded') }}, '0') as decimal(38, 6)) / coalesce(cur.minor_unit_factor, 100) as amount_refunded,
    {{ json_str('record', '$.status') }} as status,
    {{ epoch_s_to_timestamp(json_str('record', '$.created')) }} as created_at,
    {{ json_str('record', '$.failure_code') }} as failure_code,
    charges._source_file
from {{ source('raw', 'billing_charges') }} as charges
left join {{ ref('currencies') }} as cur on cur.currency = upper({{ json_str('record', '$.currency') }})
{{ latest_version('charges.id') }}
