-- Each account's active subscription items on as_of_date (metrics.md section 11): items of
-- subscriptions created by then whose status is active, trialing or past_due, or whose current
-- period covers as_of_date (date(current_period_start) <= as_of < date(current_period_end)),
-- with their price's product and whether the price is licensed recurring (a seat).
with subs as (
    select
        s.*,
        ca.account_id
    from {{ ref('stg_billing__subscriptions') }} as s
    left join {{ ref('int_billing__customer_accounts') }} as ca on ca.customer_id = s.customer_id
    where cast(coalesce(s.created_at, s.started_at) as date) <= {{ as_of_date() }}
      and (
        s.status in ('active', 'trialing', 'past_due')
        or (cast(s.current_period_start_at as date) <= {{ as_of_date() }}
            and {{ as_of_date() }} < cast(s.current_period_end_at as date))
      )
)
select
    coalesce(subs.account_id, subs.customer_id) as account_id,
    subs.customer_id,
    subs.subscription_id,
    subs.status as subscription_status,
    cast(subs.current_period_end_at as date) as current_period_end_date,
    subs.cancel_at_period_end,
    i.subscription_item_id,
    i.price_id,
    coalesce(i.product_id, p.product_id) as product_id,
    i.quantity,
    p.recurring_interval,
    coalesce(p.is_recurring, false) and coalesce(p.usage_type, 'licensed') = 'licensed' as is_licensed
from subs
inner join {{ ref('stg_billing__subscription_items') }} as i on i.subscription_id = subs.subscription_id
left join {{ ref('stg_billing__prices') }} as p on p.price_id = i.price_id
