-- One row per item of the latest version of each subscription; each item parsed once (decision 126).
{%- set paths = ['$.id', '$.price.id', '$.price', '$.price.product', '$.quantity'] %}
with subs as (
    select id, record from {{ source('raw', 'billing_subscriptions') }}
    {{ latest_version('id') }}
),
items as (
    select s.id as subscription_id, {{ unnest_list(json_items('s.record', '$.items.data[*]')) }} as item
    from subs as s
),
fields as (
    select subscription_id, {{ json_strs('item', paths) }} as f from items
)
select
    {{ json_pick('f', paths, '$.id') }} as subscription_item_id,
    subscription_id,
    coalesce({{ json_pick('f', paths, '$.price.id') }}, {{ json_pick('f', paths, '$.price') }}) as price_id,
    {{ json_pick('f', paths, '$.price.product') }} as product_id,
    cast(coalesce({{ json_pick('f', paths, '$.quantity') }}, '1') as bigint) as quantity
from fields
