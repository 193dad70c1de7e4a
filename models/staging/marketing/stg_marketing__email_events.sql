{% set staged = revops.incremental_staging('marketing_email_events', ['email_event_id'], ['id']) %}
select
    id as email_event_id,
    upper({{ json_str('record', '$.type') }}) as event_type,
    {{ json_str('record', '$.recipient') }} as recipient,
    {{ normalize_email(json_str('record', '$.recipient')) }} as recipient_normalized,
    {{ epoch_ms_to_timestamp(json_str('record', '$.created')) }} as occurred_at,
    {{ json_str('record', '$.emailCampaignId') }} as email_campaign_id,
    {{ json_str('record', '$.url') }} as url,
    _source_file,
    _load_id,
    _loaded_at
from {{ revops.raw_rows_to_stage(staged) }}
{{ latest_version('id') }}
