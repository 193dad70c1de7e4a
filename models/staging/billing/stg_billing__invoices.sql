-- Stripe invoices, latest version per id (a later extract's status supersedes an earlier one).
-- Money columns in major units of the invoice currency.
{% set staged = revops.incremental_staging('billing_invoices', ['invoice_id'], ['id']) %}
{%- set paths = ['$.customer', '$.subscription', '$.status', '$.currency', '$.created', '$.due_date',
                 '$.status_transitions.paid_at', '$.subtotal', '$.tax', '$.total', '$.amount_paid',
                 '$.amount_remaining'] %}
with latest as (
    select * from {{ revops.raw_rows_to_stage(staged) }}
    {{ latest_version('id') }}
),
fields as (
    -- every field in one parse of the document (decision 126)
    select id, _source_file, _load_id, _loaded_at, {{ json_strs('record', paths) }} as f
    from latest
)
select
    fields.id as invoice_id,
    {{ json_pick('f', paths, '$.customer') }} as customer_id,
    {{ json_pick('f', paths, '$.subscription') }} as subscription_id,
    {{ json_pick('f', paths, '$.status') }} as status,
    upper({{ json_pick('f', paths, '$.currency') }}) as currency,
    {{ epoch_s_to_timestamp(json_pick('f', paths, '$.created')) }} as created_at,
    {{ epoch_s_to_timestamp(json_pick('f', paths, '$.due_date')) }} as due_at,
    {{ epoch_s_to_timestamp(json_pick('f', paths, '$.status_transitions.paid_at')) }} as paid_at,
    cast({{ json_pick('f', paths, '$.subtotal') }} as decimal(38, 6)) / coalesce(cur.minor_unit_factor, 100) as subtotal,
    cast({{ json_pick('f', paths, '$.tax') }} as decimal(38, 6)) / coalesce(cur.minor_unit_factor, 100) as tax,
    cast({{ json_pick('f', paths, '$.total') }} as decimal(38, 6)) / coalesce(cur.minor_unit_factor, 100) as total,
    cast({{ json_pick('f', paths, '$.amount_paid') }} as decimal(38, 6)) / coalesce(cur.minor_unit_factor, 100) as amount_paid,
    cast({{ json_pick('f', paths, '$.amount_remaining') }} as decimal(38, 6)) / coalesce(cur.minor_unit_factor, 100) as amount_remaining,
    fields._source_file,
    fields._load_id,
    fields._loaded_at
from fields
left join {{ ref('currencies') }} as cur
    on cur.currency = upper({{ json_pick('f', paths, '$.currency') }})
