{#- MRR per account and month recomputed from the staged invoice lines by metrics.md 2, written
    apart from int_billing__line_mrr (and everything built on it) so the reconciliation suites
    (expectations/mrr_*_matches_invoice_lines.json) compare the marts with a second, independent
    derivation. A table built in the same dbt run as the marts, from the same staged tables
    (decision 112): its grain test and the two suites read it once instead of recomputing it. -#}
{#- the start of one billing interval ending at period end -#}
{%- set full_interval_start -%}
case l.recurring_interval
    when 'day' then {{ timestamp_add_days('l.period_end_at', '-l.recurring_interval_count') }}
    when 'week' then {{ timestamp_add_days('l.period_end_at', '-7 * l.recurring_interval_count') }}
    when 'month' then {{ timestamp_add_months('l.period_end_at', '-l.recurring_interval_count') }}
    when 'year' then {{ timestamp_add_months('l.period_end_at', '-12 * l.recurring_interval_count') }}
end
{%- endset %}
with lines as (
    select
        l.invoice_line_id, l.customer_id, l.currency,
        cast(l.period_start_at as date) as start_date,
        cast(l.period_end_at as date) as end_date,
        -- (amount - discounts) / minor-unit factor / interval months x prorate
        cast(l.amount_minor - l.discount_amount_minor as double)
            / coalesce(cur.minor_unit_factor, 100)
            / (l.recurring_interval_count * case l.recurring_interval
                  when 'day' then 12.0 / 365 when 'week' then 12.0 / 52
                  when 'month' then 1.0 when 'year' then 12.0 end)
            * case
                  when not l.is_proration then 1.0
                  -- (end - (end minus one billing interval)) / (end - start), in seconds
                  else coalesce(({{ epoch_seconds('l.period_end_at') }} - {{ epoch_seconds(full_interval_start) }})
                      / nullif({{ epoch_seconds('l.period_end_at') }} - {{ epoch_seconds('l.period_start_at') }}, 0), 0)
              end as native_mrr
    from {{ ref('stg_billing__invoice_lines') }} as l
    left join {{ ref('currencies') }} as cur on cur.currency = l.currency
    where l.invoice_status in ('paid', 'open')
      and l.is_recurring
      and coalesce(l.usage_type, 'licensed') = 'licensed'
),

converted as (
    -- at the rate of date(period.start)
    select lines.*, acc.account_id, lines.native_mrr * fx.to_reporting as mrr
    from lines
    left join {{ ref('int_billing__customer_accounts') }} as acc on acc.customer_id = lines.customer_id
    left join {{ ref('int_fx_rates_daily') }} as fx
        on fx.currency = lines.currency and fx.rate_date = lines.start_date
),

months as (
    {{ month_spine('(select min(start_date) from lines)', as_of_date()) }}
)

-- a line covers d when date(start) <= d < date(end); a negative account total counts as 0
select
    c.account_id,
    m.month,
    greatest(sum(c.mrr), 0) as mrr,
    count(*) filter (where c.mrr is null) as unpriced_lines
from converted as c
inner join months as m on m.eval_date >= c.start_date and m.eval_date < c.end_date
group by c.account_id, m.month
