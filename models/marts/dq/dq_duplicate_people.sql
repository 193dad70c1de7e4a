{# Duplicate people (metrics.md 10): clusters of two or more live CRM Leads / Contacts linked by
   a shared normalised email, a shared normalised full name and company domain, or a steward's
   accepted pair, transitively. match_rule is the first rule, in the order email, name_domain,
   steward, that links the record to another record of its cluster. The survivor: a Contact
   before a Lead, then the most recently modified (a record without LastModifiedDate counts as
   modified at its CreatedDate), then the oldest (smallest) Id. #}
with clusters as (
    select * from {{ ref('int_dq__duplicate_clusters') }}
),

records as (
    select * from {{ ref('int_dq__person_records') }}
),

links as (
    select record_id_a as record_id, match_rule from {{ ref('int_dq__duplicate_links') }}
    union
    select record_id_b, match_rule from {{ ref('int_dq__duplicate_links') }}
),

record_rules as (
    select
        record_id,
        case min(case match_rule when 'email' then 1 when 'name_domain' then 2 else 3 end)
            when 1 then 'email' when 2 then 'name_domain' else 'steward' end as match_rule
    from links
    group by record_id
),

ranked as (
    select
        c.cluster_id,
        c.record_id,
        r.object,
        rr.match_rule,
        c.cluster_size,
        r.email_normalized,
        r.full_name_normalized,
        r.company_domain,
        coalesce(r.last_modified_at, r.created_at) as last_modified_at,
        row_number() over (
            partition by c.cluster_id
            order by case when r.object = 'Contact' then 0 else 1 end,
                coalesce(r.last_modified_at, r.created_at) desc nulls last,
                c.record_id
        ) as survivor_rank
    from clusters as c
    inner join records as r on r.record_id = c.record_id
    inner join record_rules as rr on rr.record_id = c.record_id
)

select
    cluster_id,
    record_id,
    object,
    match_rule,
    survivor_rank = 1 as is_survivor,
    max(case when survivor_rank = 1 then record_id end) over (partition by cluster_id) as survivor_record_id,
    cluster_size,
    email_normalized,
    full_name_normalized,
    company_domain,
    last_modified_at
from ranked
where cluster_size >= 2
