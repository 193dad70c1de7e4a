-- One rate per currency and date; a later extract's row for the same day wins.
select
    {{ parse_date('date') }} as rate_date,
    upper(trim(currency)) as currency,
    {{ parse_decimal('usd_per_unit', 10) }} as usd_per_unit,
    _source_file
from {{ source('raw', 'finance_fx_rates') }}
{{ latest_version('upper(trim(currency)), ' ~ parse_date('date')) }}
