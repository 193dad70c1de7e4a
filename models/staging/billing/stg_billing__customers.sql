-- Stripe customers, latest version per id; deleted customers dropped (their invoices keep
-- their revenue under the customer id, see docs/decisions.md). Each document parsed once for its
-- text fields (decision 126).
{%- set paths = ['$.email', '$.name', '$.currency', '$.created', '$.metadata.crm_account_id', '$.address.country'] %}
with latest as (
    select * from {{ source('raw', 'billing_customers') }}
    {{ latest_version('id') }}
),
fields as (
    select id, record, _source_file, _loaded_at, {{ json_strs('record', paths) }} as f from latest
)
select
    id as customer_id,
    nullif(trim({{ json_pick('f', paths, '$.email') }}), '') as email,
    {{ normalize_email(json_pick('f', paths, '$.email')) }} as email_normalized,
    {{ normalize_domain("split_part(" ~ normalize_email(json_pick('f', paths, '$.email')) ~ ", '@', 2)") }} as email_domain,
    {{ json_pick('f', paths, '$.name') }} as customer_name,
    upper({{ json_pick('f', paths, '$.currency') }}) as currency,
    {{ epoch_s_to_timestamp(json_pick('f', paths, '$.created')) }} as created_at,
    {{ sf_id18(json_pick('f', paths, '$.metadata.crm_account_id')) }} as crm_account_id,
    {{ json_pick('f', paths, '$.address.country') }} as country,
    _source_file,
    _loaded_at
from fields
where not coalesce(cast({{ json_str('record', '$.deleted') }} as boolean), false)
