-- Next products per account (metrics.md 11): every product an account with active items lacks,
-- scored by the best lift over pairs (a product it has -> that product) held together by at least
-- affinity_min_accounts accounts; only lift > 1. because_of is the product a of the best pair
-- (ties: higher confidence, then the smaller product id). rank 1 = best per account (ties:
-- higher confidence, then product id).
{% set min_accounts = revops.int_var('affinity_min_accounts', 5, 1, 1000000) %}
with holdings as (
    select distinct account_id, product_id
    from {{ ref('int_billing__active_items') }}
    where product_id is not null
),
rules as (
    select * from {{ ref('product_affinity') }}
    where accounts_with_both >= {{ min_accounts }} and lift > 1
),
candidates as (
    select h.account_id, r.product_b as product_id, r.product_a as because_of, r.lift, r.confidence
    from holdings as h
    inner join rules as r on r.product_a = h.product_id
    where not exists (
        select 1 from holdings as own where own.account_id = h.account_id and own.product_id = r.product_b)
),
best as (
    select * from candidates
    qualify row_number() over (
        partition by account_id, product_id order by lift desc, confidence desc, because_of) = 1
)
select
    account_id,
    product_id,
    because_of,
    lift,
    confidence,
    cast(row_number() over (partition by account_id order by lift desc, confidence desc, product_id) as integer) as rank
from best
