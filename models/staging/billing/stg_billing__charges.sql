{%- set paths = ['$.customer', '$.invoice', '$.currency', '$.amount', '$.amount_refunded', '$.status', '$.created',
                 '$.failure_code'] %}
-- Stripe charges, latest version per id; the latest document is parsed once (decision 126).
with latest as (
    select id, record, _source_file from {{ source('raw', 'billing_charges') }}
    {{ latest_version('id') }}
),
fields as (
    select id, _source_file, {{ json_strs('record', paths) }} as f from latest
)
select
    fields.id as charge_id,
    {{ json_pick('f', paths, '$.customer') }} as customer_id,
    {{ json_pick('f', paths, '$.invoice') }} as invoice_id,
    upper({{ json_pick('f', paths, '$.currency') }}) as currency,
    cast({{ json_pick('f', paths, '$.amount') }} as decimal(38, 6)) / coalesce(cur.minor_unit_factor, 100) as amount,
    cast(coalesce({{ json_pick('f', paths, '$.amount_refunded') }}, '0') as decimal(38, 6)) / coalesce(cur.minor_unit_factor, 100) as amount_refunded,
    {{ json_pick('f', paths, '$.status') }} as status,
    {{ epoch_s_to_timestamp(json_pick('f', paths, '$.created')) }} as created_at,
    {{ json_pick('f', paths, '$.failure_code') }} as failure_code,
    fields._source_file
from fields
left join {{ ref('currencies') }} as cur on cur.currency = upper({{ json_pick('f', paths, '$.currency') }})
