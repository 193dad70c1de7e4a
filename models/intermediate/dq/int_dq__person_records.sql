{# Live CRM person records (Leads and Contacts, converted leads included) with the keys the
   duplicate rules compare (metrics.md 10): the normalised email, the normalised full name and the
   company domain (a Contact's Account Website, a Lead's Website, else the email's domain when it
   is not free-mail). #}
with free as (
    select lower(trim(domain)) as domain from {{ ref('free_email_domains') }}
),

contacts as (
    select
        c.contact_id as record_id,
        'Contact' as object,
        c.email,
        c.email_normalized,
        c.first_name,
        c.last_name,
        a.account_name as company,
        a.website_domain as website_domain,
        c.account_id,
        c.created_at,
        c.last_modified_at
    from {{ ref('stg_crm__contact') }} as c
    left join {{ ref('stg_crm__account') }} as a
        on a.account_id = c.account_id
),

leads as (
    select
        lead_id as record_id,
        'Lead' as object,
        email,
        email_normalized,
        first_name,
        last_name,
        company,
        {{ normalize_domain('website') }} as website_domain,
        cast(null as {{ dbt.type_string() }}) as account_id,
        created_at,
        last_modified_at
    from {{ ref('stg_crm__lead') }}
),

records as (
    select * from contacts
    union all
    select * from leads
)

select
    r.record_id,
    r.object,
    r.email,
    r.email_normalized,
    split_part(r.email_normalized, '@', 2) as email_domain,
    r.first_name,
    r.last_name,
    {{ normalize_full_name('r.first_name', 'r.last_name') }} as full_name_normalized,
    r.company,
    r.account_id,
    coalesce(
        r.website_domain,
        case when f.domain is null then nullif(split_part(r.email_normalized, '@', 2), '') end
    ) as company_domain,
    case
        when r.website_domain is not null then 'website'
        when f.domain is null and r.email_normalized is not null then 'email'
    end as company_domain_source,
    f.domain is not null as is_free_mail,
    r.created_at,
    r.last_modified_at
from records as r
left join free as f
    on f.domain = split_part(r.email_normalized, '@', 2)
