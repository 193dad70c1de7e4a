-- Stripe invoices, latest version per id (a later extract's status supersedes an earlier one).
-- Money columns in major units of the invoice currency.
{% set staged = revops.incremental_staging('billing_invoices', ['invoice_id'], ['id']) %}
with latest as (
    select * from {{ revops.raw_rows_to_stage(staged) }}
    {{ latest_version('id') }}
)
select
    latest.id as invoice_id,
    {{ json_str('record', '$.customer') }} as customer_id,
    {{ json_str('record', '$.subscription') }} as subscription_id,
    {{ json_str('record', '$.status') }} as status,
    upper({{ json_str('record', '$.currency') }}) as currency,
    {{ epoch_s_to_timestamp(json_str('record', '$.created')) }} as created_at,
    {{ epoch_s_to_timestamp(json_str('record', '$.due_date')) }} as due_at,
    {{ epoch_s_to_timestamp(json_str('record', '$.status_transitions.paid_at')) }} as paid_at,
    cast({{ json_str('record', '$.subtotal') }} as decimal(38, 6)) / coalesce(cur.minor_unit_factor, 100) as subtotal,
    cast({{ json_str('record', '$.tax') }} as decimal(38, 6)) / coalesce(cur.minor_unit_factor, 100) as tax,
    cast({{ json_str('record', '$.total') }} as decimal(38, 6)) / coalesce(cur.minor_unit_factor, 100) as total,
    cast({{ json_str('record', '$.amount_paid') }} as decimal(38, 6)) / coalesce(cur.minor_unit_factor, 100) as amount_paid,
    cast({{ json_str('record', '$.amount_remaining') }} as decimal(38, 6)) / coalesce(cur.minor_unit_factor, 100) as amount_remaining,
    latest._source_file,
    latest._load_id,
    latest._loaded_at
from latest
left join {{ ref('currencies') }} as cur
    on cur.currency = upper({{ json_str('record', '$.currency') }})
