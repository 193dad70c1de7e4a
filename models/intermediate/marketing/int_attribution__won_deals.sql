{# The deals attribution covers (metrics.md 8): won New Business opportunities closed on or before
   as_of_date, with their window start (CreatedDate - attribution_lookback_days) and their Amount
   in the reporting currency at the CloseDate rate. #}
{% set lookback = revops.int_var('attribution_lookback_days', 365, 1, 3650) %}
select
    opportunity_id,
    account_id,
    created_at,
    close_date,
    cast({{ dbt.date_trunc('month', 'close_date') }} as date) as close_month,
    cast({{ timestamp_add_days('created_at', -lookback) }} as timestamp) as window_start,
    -- CloseDate is a date: the window takes in the whole close day
    cast({{ timestamp_add_days('cast(close_date as timestamp)', 1) }} as timestamp) as window_end_exclusive,
    amount_reporting
from {{ ref('int_crm__opportunities') }}
where is_won
    and is_closed
    and lower(opportunity_type) = 'new business'
    and close_date <= {{ as_of_date() }}
