{# Connected components of the duplicate links (transitive: a-b by email and b-c by name_domain
   put a, b and c in one cluster). The walk collects, for every linked record, every record it
   reaches; UNION (set semantics) stops it once no new (record, reached) pair appears, so it
   terminates on chains and cycles alike. A cluster's id is its smallest record Id. #}
with recursive links as (
    select record_id_a as a, record_id_b as b from {{ ref('int_dq__duplicate_links') }}
    union
    select record_id_b, record_id_a from {{ ref('int_dq__duplicate_links') }}
),

walk(record_id, reached) as (
    select distinct a, a from links
    union
    select l.b, w.reached
    from walk as w
    inner join links as l
        on l.a = w.record_id
)

select record_id, min(reached) as cluster_id, count(*) as cluster_size
from walk
group by record_id
