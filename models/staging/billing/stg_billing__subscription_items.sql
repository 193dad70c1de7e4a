-- One row per item of the latest version of each subscription.
with subs as (
    select id, record from {{ source('raw', 'billing_subscriptions') }}
    {{ latest_version('id') }}
),
items as (
    select s.id as subscription_id, unnest(cast(json_extract(s.record, '$.items.data') as json[])) as item
    from subs as s
)
select
    {{ json_str('item', '$.id') }} as subscription_item_id,
    subscription_id,
    coalesce({{ json_str('item', '$.price.id') }}, {{ json_str('item', '$.price') }}) as price_id,
    {{ json_str('item', '$.price.product') }} as product_id,
    cast(coalesce({{ json_str('item', '$.quantity') }}, '1') as bigint) as quantity
from items
