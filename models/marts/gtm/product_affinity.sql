-- Ordered product pairs over the accounts with any active item on as_of_date (metrics.md 11):
-- support, confidence and lift. Pairs no account holds together are left out.
with holdings as (
    select distinct account_id, product_id
    from {{ ref('int_billing__active_items') }}
    where product_id is not null
),
n as (
    select count(distinct account_id) as n_accounts from {{ ref('int_billing__active_items') }}
),
per_product as (
    select product_id, count(*) as accounts_with
    from holdings
    group by product_id
),
pairs as (
    select a.product_id as product_a, b.product_id as product_b, count(*) as accounts_with_both
    from holdings as a
    inner join holdings as b on b.account_id = a.account_id and b.product_id <> a.product_id
    group by a.product_id, b.product_id
)
select
    pairs.product_a,
    pairs.product_b,
    pa.accounts_with as accounts_with_a,
    pb.accounts_with as accounts_with_b,
    pairs.accounts_with_both,
    n.n_accounts,
    cast(pairs.accounts_with_both as double) / n.n_accounts as support,
    cast(pairs.accounts_with_both as double) / pa.accounts_with as confidence,
    (cast(pairs.accounts_with_both as double) / pa.accounts_with) / (cast(pb.accounts_with as double) / n.n_accounts) as lift
from pairs
cross join n
inner join per_product as pa on pa.product_id = pairs.product_a
inner join per_product as pb on pb.product_id = pairs.product_b
