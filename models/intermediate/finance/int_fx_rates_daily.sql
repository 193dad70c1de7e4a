-- A conversion rate for every currency on every calendar day, so that joins are equalities.
-- A day without a row uses the latest earlier rate (landing.md); a day before a currency's
-- first rate uses its first rate (docs/decisions.md). USD is always 1.
{% set rc = reporting_currency() %}
with rates as (
    select rate_date, currency, usd_per_unit from {{ ref('stg_finance__fx_rates') }}
    where currency <> 'USD' and usd_per_unit > 0
),
bounds as (
    select
        least(coalesce(min(rate_date), {{ as_of_date() }}), {{ date_add_months(as_of_date(), -180) }}) as first_day,
        {{ date_add_months('greatest(coalesce(max(rate_date), ' ~ as_of_date() ~ '), ' ~ as_of_date() ~ ')', 120) }} as last_day
    from rates
),
days as (
    {{ date_series('bounds.first_day', 'bounds.last_day', 'day', 'rate_date', relation='bounds') }}
),
currencies as (
    select distinct currency from rates
    union select 'USD'
),
grid as (
    select days.rate_date, currencies.currency, rates.usd_per_unit
    from days
    cross join currencies
    left join rates on rates.currency = currencies.currency and rates.rate_date = days.rate_date
),
filled as (
    select
        rate_date,
        currency,
        case when currency = 'USD' then cast(1 as decimal(38, 10)) else coalesce(
            {{ last_value_ignore_nulls('usd_per_unit') }} over (
                partition by currency order by rate_date rows between unbounded preceding and current row),
            {{ first_value_ignore_nulls('usd_per_unit') }} over (
                partition by currency order by rate_date rows between unbounded preceding and unbounded following)
        ) end as usd_per_unit
    from grid
)
select
    f.rate_date,
    f.currency,
    f.usd_per_unit,
    cast(f.usd_per_unit as double) / cast(rc.usd_per_unit as double) as to_reporting
from filled as f
left join filled as rc
    on rc.rate_date = f.rate_date and rc.currency = {{ rc }}
