select
    id as subscription_id,
    {{ json_str('record', '$.customer') }} as customer_id,
    {{ json_str('record', '$.status') }} as status,
    {{ epoch_s_to_timestamp(json_str('record', '$.created')) }} as created_at,
    {{ epoch_s_to_timestamp(json_str('record', '$.start_date')) }} as started_at,
    {{ epoch_s_to_timestamp(json_str('record', '$.trial_start')) }} as trial_start_at,
    {{ epoch_s_to_timestamp(json_str('record', '$.trial_end')) }} as trial_end_at,
    {{ epoch_s_to_timestamp(json_str('record', '$.canceled_at')) }} as canceled_at,
    {{ epoch_s_to_timestamp(json_str('record', '$.ended_at')) }} as ended_at,
    coalesce(cast(json_extract(record, '$.cancel_at_period_end') as boolean), false) as cancel_at_period_end,
    {{ epoch_s_to_timestamp(json_str('record', '$.current_period_start')) }} as current_period_start_at,
    {{ epoch_s_to_timestamp(json_str('record', '$.current_period_end')) }} as current_period_end_at,
    cast(json_extract(record, '$.discount.coupon.percent_off') as decimal(18, 6)) as coupon_percent_off,
    cast(json_extract(record, '$.discount.coupon.amount_off') as bigint) as coupon_amount_off_minor,
    {{ json_str('record', '$.discount.coupon.duration') }} as coupon_duration,
    cast(json_extract(record, '$.discount.coupon.duration_in_months') as integer) as coupon_duration_in_months,
    cast(json_extract(record, '$.metadata') as json) as metadata,
    _source_file
from {{ source('raw', 'billing_subscriptions') }}
{{ latest_version('id') }}
