-- One row per line of the latest version of each invoice (lines are inlined in the invoice).
-- Amounts stay in minor units here; int_billing__line_mrr converts them.
-- Each document is parsed once for the invoice's fields and its lines, and each line once for
-- its own fields (decision 126).
{% set staged = revops.incremental_staging('billing_invoices', ['invoice_id'], ['id']) %}
{%- set invoice_paths = ['$.customer', '$.status', '$.currency'] %}
{%- set line_paths = ['$.id', '$.type', '$.amount', '$.currency', '$.quantity', '$.period.start', '$.period.end',
                      '$.price.id', '$.price', '$.price.product', '$.price.recurring.interval',
                      '$.price.recurring.interval_count', '$.price.recurring.usage_type', '$.subscription',
                      '$.subscription_item'] %}
{%- set json_paths = ['$.proration', '$.price.recurring'] %}
with latest as (
    select id, record, _source_file, _load_id, _loaded_at from {{ revops.raw_rows_to_stage(staged) }}
    {{ latest_version('id') }}
),
lines as (
    select
        latest.id as invoice_id,
        {{ json_strs('latest.record', invoice_paths) }} as invoice_f,
        latest._source_file,
        latest._load_id,
        latest._loaded_at,
        {{ unnest_list(json_items('latest.record', '$.lines.data[*]')) }} as line
    from latest
),
line_fields as (
    select
        *,
        {{ json_strs('line', line_paths) }} as f,
        {{ json_values('line', json_paths) }} as j
    from lines
)
select
    {{ json_pick('f', line_paths, '$.id') }} as invoice_line_id,
    invoice_id,
    {{ json_pick('invoice_f', invoice_paths, '$.customer') }} as customer_id,
    {{ json_pick('invoice_f', invoice_paths, '$.status') }} as invoice_status,
    {{ json_pick('f', line_paths, '$.type') }} as line_type,
    cast({{ json_pick('f', line_paths, '$.amount') }} as bigint) as amount_minor,
    {{ json_sum_bigint('line', '$.discount_amounts[*].amount') }} as discount_amount_minor,
    coalesce(upper({{ json_pick('f', line_paths, '$.currency') }}),
             upper({{ json_pick('invoice_f', invoice_paths, '$.currency') }})) as currency,
    cast({{ json_pick('f', line_paths, '$.quantity') }} as bigint) as quantity,
    coalesce(cast({{ json_pick('j', json_paths, '$.proration') }} as boolean), false) as is_proration,
    {{ epoch_s_to_timestamp(json_pick('f', line_paths, '$.period.start')) }} as period_start_at,
    {{ epoch_s_to_timestamp(json_pick('f', line_paths, '$.period.end')) }} as period_end_at,
    coalesce({{ json_pick('f', line_paths, '$.price.id') }}, {{ json_pick('f', line_paths, '$.price') }}) as price_id,
    {{ json_pick('f', line_paths, '$.price.product') }} as product_id,
    {{ json_is_object(json_pick('j', json_paths, '$.price.recurring')) }} as is_recurring,
    {{ json_pick('f', line_paths, '$.price.recurring.interval') }} as recurring_interval,
    coalesce(cast({{ json_pick('f', line_paths, '$.price.recurring.interval_count') }} as integer), 1) as recurring_interval_count,
    {{ json_pick('f', line_paths, '$.price.recurring.usage_type') }} as usage_type,
    {{ json_pick('f', line_paths, '$.subscription') }} as subscription_id,
    {{ json_pick('f', line_paths, '$.subscription_item') }} as subscription_item_id,
    _source_file,
    _load_id,
    _loaded_at
from line_fields
