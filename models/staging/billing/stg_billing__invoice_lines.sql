-- One row per line of the latest version of each invoice (lines are inlined in the invoice).
-- Amounts stay in minor units here; int_billing__line_mrr converts them.
{% set staged = revops.incremental_staging('billing_invoices', ['invoice_id'], ['id']) %}
with latest as (
    select id, record, _source_file, _load_id, _loaded_at from {{ revops.raw_rows_to_stage(staged) }}
    {{ latest_version('id') }}
),
lines as (
    select
        latest.id as invoice_id,
        {{ json_str('latest.record', '$.customer') }} as customer_id,
        {{ json_str('latest.record', '$.status') }} as invoice_status,
        upper({{ json_str('latest.record', '$.currency') }}) as invoice_currency,
        latest._source_file,
        latest._load_id,
        latest._loaded_at,
        unnest(cast(json_extract(latest.record, '$.lines.data') as json[])) as line
    from latest
)
select
    {{ json_str('line', '$.id') }} as invoice_line_id,
    invoice_id,
    customer_id,
    invoice_status,
    {{ json_str('line', '$.type') }} as line_type,
    cast({{ json_str('line', '$.amount') }} as bigint) as amount_minor,
    coalesce(
        (select sum(cast(json_extract_string(d, '$.amount') as bigint))
         from (select unnest(cast(json_extract(line, '$.discount_amounts') as json[])) as d)),
        0
    ) as discount_amount_minor,
    coalesce(upper({{ json_str('line', '$.currency') }}), invoice_currency) as currency,
    cast({{ json_str('line', '$.quantity') }} as bigint) as quantity,
    coalesce(cast(json_extract(line, '$.proration') as boolean), false) as is_proration,
    {{ epoch_s_to_timestamp(json_str('line', '$.period.start')) }} as period_start_at,
    {{ epoch_s_to_timestamp(json_str('line', '$.period.end')) }} as period_end_at,
    coalesce({{ json_str('line', '$.price.id') }}, {{ json_str('line', '$.price') }}) as price_id,
    {{ json_str('line', '$.price.product') }} as product_id,
    json_type(line, '$.price.recurring') = 'OBJECT' as is_recurring,
    {{ json_str('line', '$.price.recurring.interval') }} as recurring_interval,
    coalesce(cast({{ json_str('line', '$.price.recurring.interval_count') }} as integer), 1) as recurring_interval_count,
    {{ json_str('line', '$.price.recurring.usage_type') }} as usage_type,
    {{ json_str('line', '$.subscription') }} as subscription_id,
    {{ json_str('line', '$.subscription_item') }} as subscription_item_id,
    _source_file,
    _load_id,
    _loaded_at
from lines
