{# Links between CRM person records (metrics.md 10), one row per linked pair and rule:
   - email: records sharing a normalised email;
   - name_domain: records sharing a normalised full name and company domain;
   - steward: a pair a steward accepted (steward/duplicate_decisions, latest decision per pair).
   Records sharing a key are linked to the key's smallest Id (a star, not every pair), which
   connects the same records with far fewer links. #}
with records as (
    select * from {{ ref('int_dq__person_records') }}
),

rule_keys as (
    select record_id, 'email' as match_rule, email_normalized as match_key
    from records
    where email_normalized is not null
    union all
    select record_id, 'name_domain', full_name_normalized || ' @ ' || company_domain
    from records
    where full_name_normalized is not null and company_domain is not null
),

anchors as (
    select match_rule, match_key, min(record_id) as anchor_id
    from rule_keys
    group by match_rule, match_key
    having count(*) > 1
),

rule_links as (
    select k.record_id as record_id_a, a.anchor_id as record_id_b, k.match_rule, k.match_key
    from rule_keys as k
    inner join anchors as a
        on a.match_rule = k.match_rule
        and a.match_key = k.match_key
    where k.record_id <> a.anchor_id
),

steward_links as (
    select d.record_id_a, d.record_id_b, 'steward' as match_rule, cast(null as {{ dbt.type_string() }}) as match_key
    from {{ ref('stg_steward__duplicate_decisions') }} as d
    inner join records as ra on ra.record_id = d.record_id_a
    inner join records as rb on rb.record_id = d.record_id_b
    where d.decision = 'accept'
)

select * from rule_links
union all
select * from steward_links
