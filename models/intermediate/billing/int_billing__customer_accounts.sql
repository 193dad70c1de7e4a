-- Which account each billing customer belongs to (metrics.md section 1, landing.md "Identity"):
-- 1. metadata.crm_account_id naming an existing CRM Account;
-- 2. else the customer email's domain matching exactly one Account Website domain, never for
--    free-mail domains;
-- 3. else the customer is an account of its own (account_id = customer id).
-- Customers that only appear on invoices (deleted or never exported) are accounts of their own.
with customers as (
    select * from {{ ref('stg_billing__customers') }}
),
crm_accounts as (
    select account_id, website_domain from {{ ref('stg_crm__account') }}
),
domain_owner as (
    select website_domain, min(account_id) as account_id, count(*) as n_accounts
    from crm_accounts
    where website_domain is not null
    group by website_domain
),
billing_ids as (
    select customer_id from customers
    union
    select customer_id from {{ ref('stg_billing__invoices') }} where customer_id is not null
),
linked as (
    select
        b.customer_id,
        c.email_domain,
        by_meta.account_id as meta_account_id,
        case
            when free.domain is null and domain_owner.n_accounts = 1 then domain_owner.account_id
        end as domain_account_id,
        c.customer_id is null as is_missing_customer
    from billing_ids as b
    left join customers as c on c.customer_id = b.customer_id
    left join crm_accounts as by_meta on by_meta.account_id = c.crm_account_id
    left join domain_owner on domain_owner.website_domain = c.email_domain
    left join {{ ref('free_email_domains') }} as free on free.domain = c.email_domain
)
select
    customer_id,
    coalesce(meta_account_id, domain_account_id) as crm_account_id,
    coalesce(meta_account_id, domain_account_id, customer_id) as account_id,
    case
        when meta_account_id is not null then 'metadata'
        when domain_account_id is not null then 'email_domain'
        when is_missing_customer then 'missing_customer'
        else 'unlinked'
    end as link_method
from linked
