{# Every email value carried by a live CRM person record (Lead, Contact) or billing customer
   (metrics.md 10), keyed by its normalised email, or, for a value that is not an email at all,
   by the value as given (trimmed). #}
with records as (
    select contact_id as record_id, 'Contact' as object, email, email_normalized
    from {{ ref('stg_crm__contact') }}
    union all
    select lead_id, 'Lead', email, email_normalized
    from {{ ref('stg_crm__lead') }}
    union all
    select customer_id, 'customer', email, email_normalized
    from {{ ref('stg_billing__customers') }}
)

select
    record_id,
    object,
    email as email_raw,
    coalesce(email_normalized, email) as email,
    email_normalized is not null as is_normalized
from records
where email is not null
