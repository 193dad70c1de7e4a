-- Go-to-market expenses per month, department and category; a later extract restating the same
-- month x department x category x currency replaces the earlier figure.
select
    cast(trim(month) || '-01' as date) as expense_month,
    lower(trim(department)) as department,
    lower(trim(category)) as category,
    {{ parse_decimal('amount') }} as amount,
    upper(trim(currency)) as currency,
    _source_file
from {{ source('raw', 'finance_gtm_expenses') }}
{{ latest_version("trim(month), lower(trim(department)), lower(trim(category)), upper(trim(currency))") }}
