-- MRR of every recurring invoice line (metrics.md section 2): the recurring licensed lines of paid
-- and open invoices, in native and reporting currency, with the dates they cover:
-- start_date <= d < end_date.
select
    invoice_line_id, invoice_id, customer_id, account_id, subscription_id, subscription_item_id,
    price_id, product_id, currency, quantity, is_proration, period_start_at, period_end_at,
    start_date, end_date, amount_minor, discount_amount_minor, interval_months, prorate_factor,
    native_mrr, fx_rate, mrr
from {{ ref('int_billing__recurring_line_mrr') }}
where invoice_status in ('paid', 'open')
