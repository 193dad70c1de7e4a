-- MRR of every recurring licensed invoice line (metrics.md section 2) on an invoice of ANY status,
-- in its native currency and in the reporting currency, with the dates it covers:
-- start_date <= d < end_date. int_billing__line_mrr keeps the paid and open ones (the lines that
-- carry MRR); revenue leakage also needs the recurring MRR of uncollectible invoices.
with lines as (
    select * from {{ ref('stg_billing__invoice_lines') }}
    where is_recurring
      and coalesce(usage_type, 'licensed') = 'licensed'
),
shaped as (
    select
        lines.*,
        coalesce(cur.minor_unit_factor, 100) as minor_unit_factor,
        recurring_interval_count * case recurring_interval
            when 'day' then 12.0 / 365
            when 'week' then 12.0 / 52
            when 'month' then 1.0
            when 'year' then 12.0
        end as interval_months,
        -- the start of one full billing interval ending at period end (calendar arithmetic)
        case recurring_interval
            when 'day' then {{ timestamp_add_days('period_end_at', '-recurring_interval_count') }}
            when 'week' then {{ timestamp_add_days('period_end_at', '-7 * recurring_interval_count') }}
            when 'month' then {{ timestamp_add_months('period_end_at', '-recurring_interval_count') }}
            when 'year' then {{ timestamp_add_months('period_end_at', '-12 * recurring_interval_count') }}
        end as full_interval_start_at
    from lines
    left join {{ ref('currencies') }} as cur on cur.currency = lines.currency
),
priced as (
    select
        shaped.*,
        case
            when not is_proration then 1.0
            when {{ epoch_seconds('period_end_at') }} - {{ epoch_seconds('period_start_at') }} <= 0 then 0.0
            else ({{ epoch_seconds('period_end_at') }} - {{ epoch_seconds('full_interval_start_at') }})
                 / ({{ epoch_seconds('period_end_at') }} - {{ epoch_seconds('period_start_at') }})
        end as prorate_factor
    from shaped
)
select
    priced.invoice_line_id,
    priced.invoice_id,
    priced.invoice_status,
    priced.customer_id,
    accounts.account_id,
    priced.subscription_id,
    priced.subscription_item_id,
    priced.price_id,
    priced.product_id,
    priced.currency,
    priced.quantity,
    priced.is_proration,
    priced.period_start_at,
    priced.period_end_at,
    cast(priced.period_start_at as date) as start_date,
    cast(priced.period_end_at as date) as end_date,
    priced.amount_minor,
    priced.discount_amount_minor,
    priced.interval_months,
    priced.prorate_factor,
    cast(priced.amount_minor - priced.discount_amount_minor as double)
        / priced.minor_unit_factor / priced.interval_months * priced.prorate_factor as native_mrr,
    fx.to_reporting as fx_rate,
    cast(priced.amount_minor - priced.discount_amount_minor as double)
        / priced.minor_unit_factor / priced.interval_months * priced.prorate_factor * fx.to_reporting as mrr
from priced
left join {{ ref('int_billing__customer_accounts') }} as accounts on accounts.customer_id = priced.customer_id
left join {{ ref('int_fx_rates_daily') }} as fx
    on fx.currency = priced.currency and fx.rate_date = cast(priced.period_start_at as date)
