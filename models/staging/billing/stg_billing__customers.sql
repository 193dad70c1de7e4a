-- Stripe customers, latest version per id; deleted customers dropped (their invoices keep
-- their revenue under the customer id, see docs/decisions.md).
with latest as (
    select * from {{ source('raw', 'billing_customers') }}
    {{ latest_version('id') }}
)
select
    id as customer_id,
    nullif(trim({{ json_str('record', '$.email') }}), '') as email,
    {{ normalize_email(json_str('record', '$.email')) }} as email_normalized,
    {{ normalize_domain("split_part(" ~ normalize_email(json_str('record', '$.email')) ~ ", '@', 2)") }} as email_domain,
    {{ json_str('record', '$.name') }} as customer_name,
    upper({{ json_str('record', '$.currency') }}) as currency,
    {{ epoch_s_to_timestamp(json_str('record', '$.created')) }} as created_at,
    {{ sf_id18(json_str('record', '$.metadata.crm_account_id')) }} as crm_account_id,
    {{ json_str('record', '$.address.country') }} as country,
    _source_file,
    _loaded_at
from latest
where not coalesce(cast(json_extract(record, '$.deleted') as boolean), false)
