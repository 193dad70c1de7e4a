select
    refunds.id as refund_id,
    {{ json_str('record', '$.charge') }} as charge_id,
    upper({{ json_str('record', '$.currency') }}) as currency,
    cast({{ json_str('record', '$.amount') }} as decimal(38, 6)) / coalesce(cur.minor_unit_factor, 100) as amount,
    {{ json_str('record', '$.status') }} as status,
    {{ json_str('record', '$.reason') }} as reason,
    {{ epoch_s_to_timestamp(json_str('record', '$.created')) }} as created_at,
    refunds._source_file
from {{ source('raw', 'billing_refunds') }} as refunds
left join {{ ref('currencies') }} as cur on cur.currency = upper({{ json_str('record', '$.currency') }})
{{ latest_version('refunds.id') }}
