{% set staged = revops.incremental_staging('marketing_email_events', ['email_event_id'], ['id']) %}
{%- set paths = ['$.type', '$.recipient', '$.created', '$.emailCampaignId', '$.url'] %}
-- Email events, latest version per id; each document parsed once (decision 126).
with latest as (
    select id, record, _source_file, _load_id, _loaded_at from {{ revops.raw_rows_to_stage(staged) }}
    {{ latest_version('id') }}
),
fields as (
    select id, _source_file, _load_id, _loaded_at, {{ json_strs('record', paths) }} as f from latest
)
select
    id as email_event_id,
    upper({{ json_pick('f', paths, '$.type') }}) as event_type,
    {{ json_pick('f', paths, '$.recipient') }} as recipient,
    {{ normalize_email(json_pick('f', paths, '$.recipient')) }} as recipient_normalized,
    {{ epoch_ms_to_timestamp(json_pick('f', paths, '$.created')) }} as occurred_at,
    {{ json_pick('f', paths, '$.emailCampaignId') }} as email_campaign_id,
    {{ json_pick('f', paths, '$.url') }} as url,
    _source_file,
    _load_id,
    _loaded_at
from fields
