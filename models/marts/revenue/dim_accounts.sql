-- One row per account (metrics.md section 1): every CRM Account, plus every billing customer
-- that links to none (account_id = the billing customer id), so no revenue is dropped.
with crm as (
    select * from {{ ref('stg_crm__account') }}
),
links as (
    select * from {{ ref('int_billing__customer_accounts') }}
),
customers as (
    select * from {{ ref('stg_billing__customers') }}
),
billing_by_account as (
    select
        links.account_id,
        {{ sorted_string_agg('links.customer_id', "','") }} as billing_customer_ids,
        min(customers.customer_name) as customer_name,
        min(customers.country) as customer_country,
        {{ sorted_string_agg('links.link_method', "','", distinct=true) }} as link_methods
    from links
    left join customers on customers.customer_id = links.customer_id
    group by links.account_id
),
first_paid as (
    select account_id, min(month) as first_paid_month
    from {{ ref('mrr_by_account_month') }}
    where mrr > 0
    group by account_id
),
accounts as (
    select account_id, account_name as name, account_id as crm_account_id, industry,
           billing_country as country, owner_id, created_at
    from crm
    union all
    select links.account_id, min(customers.customer_name), null, null, min(customers.country), null,
           min(customers.created_at)
    from links
    left join customers on customers.customer_id = links.customer_id
    where links.crm_account_id is null
    group by links.account_id
)
select
    a.account_id,
    a.name,
    a.crm_account_id,
    b.billing_customer_ids,
    f.first_paid_month,
    a.industry,
    coalesce(a.country, b.customer_country) as country,
    coalesce(u.user_name, a.owner_id) as owner,
    a.owner_id,
    b.link_methods,
    a.crm_account_id is not null as is_crm_account,
    a.created_at
from accounts as a
left join billing_by_account as b on b.account_id = a.account_id
left join first_paid as f on f.account_id = a.account_id
left join {{ ref('stg_crm__user') }} as u on u.user_id = a.owner_id
