{%- set paths = ['$.customer', '$.status', '$.created', '$.start_date', '$.trial_start', '$.trial_end',
                 '$.canceled_at', '$.ended_at', '$.current_period_start', '$.current_period_end',
                 '$.discount.coupon.duration'] %}
{%- set json_paths = ['$.cancel_at_period_end', '$.discount.coupon.percent_off', '$.discount.coupon.amount_off',
                      '$.discount.coupon.duration_in_months', '$.metadata'] %}
-- Stripe subscriptions, latest version per id; the latest document is parsed once for its text
-- fields and once for its JSON ones (decision 126).
with latest as (
    select id, record, _source_file from {{ source('raw', 'billing_subscriptions') }}
    {{ latest_version('id') }}
),
fields as (
    select id, _source_file, {{ json_strs('record', paths) }} as f, {{ json_values('record', json_paths) }} as j
    from latest
)
select
    id as subscription_id,
    {{ json_pick('f', paths, '$.customer') }} as customer_id,
    {{ json_pick('f', paths, '$.status') }} as status,
    {{ epoch_s_to_timestamp(json_pick('f', paths, '$.created')) }} as created_at,
    {{ epoch_s_to_timestamp(json_pick('f', paths, '$.start_date')) }} as started_at,
    {{ epoch_s_to_timestamp(json_pick('f', paths, '$.trial_start')) }} as trial_start_at,
    {{ epoch_s_to_timestamp(json_pick('f', paths, '$.trial_end')) }} as trial_end_at,
    {{ epoch_s_to_timestamp(json_pick('f', paths, '$.canceled_at')) }} as canceled_at,
    {{ epoch_s_to_timestamp(json_pick('f', paths, '$.ended_at')) }} as ended_at,
    coalesce(cast({{ json_pick('j', json_paths, '$.cancel_at_period_end') }} as boolean), false) as cancel_at_period_end,
    {{ epoch_s_to_timestamp(json_pick('f', paths, '$.current_period_start')) }} as current_period_start_at,
    {{ epoch_s_to_timestamp(json_pick('f', paths, '$.current_period_end')) }} as current_period_end_at,
    cast({{ json_pick('j', json_paths, '$.discount.coupon.percent_off') }} as decimal(18, 6)) as coupon_percent_off,
    cast({{ json_pick('j', json_paths, '$.discount.coupon.amount_off') }} as bigint) as coupon_amount_off_minor,
    {{ json_pick('f', paths, '$.discount.coupon.duration') }} as coupon_duration,
    cast({{ json_pick('j', json_paths, '$.discount.coupon.duration_in_months') }} as integer) as coupon_duration_in_months,
    {{ as_json(json_pick('j', json_paths, '$.metadata')) }} as metadata,
    _source_file
from fields
