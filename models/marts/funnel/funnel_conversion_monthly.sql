{# Funnel conversion by lead cohort (metrics.md 7): one row per cohort_month (month of the
   person's lead_at) x channel that has at least one person. Counts are people who reached
   each stage ever, as of as_of_date (funnel_people is already measured on that date).
   Step rates: mql / lead, sql / mql, opportunity / sql, customer / opportunity, and the overall
   customer / lead; NULL when the denominator is 0. #}
with people as (
    select
        cast({{ dbt.date_trunc('month', 'lead_at') }} as date) as cohort_month,
        channel,
        mql_at,
        sql_at,
        opportunity_at,
        customer_at
    from {{ ref('funnel_people') }}
    where lead_at is not null
),

counts as (
    select
        cohort_month,
        channel,
        count(*) as leads,
        count(mql_at) as mqls,
        count(sql_at) as sqls,
        count(opportunity_at) as opportunities,
        count(customer_at) as customers
    from people
    group by cohort_month, channel
)

select
    cohort_month,
    channel,
    leads,
    mqls,
    sqls,
    opportunities,
    customers,
    cast(mqls as double) / nullif(leads, 0) as lead_to_mql_rate,
    cast(sqls as double) / nullif(mqls, 0) as mql_to_sql_rate,
    cast(opportunities as double) / nullif(sqls, 0) as sql_to_opportunity_rate,
    cast(customers as double) / nullif(opportunities, 0) as opportunity_to_customer_rate,
    cast(customers as double) / nullif(leads, 0) as lead_to_customer_rate
from counts
