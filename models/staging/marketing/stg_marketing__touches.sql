{% set staged = revops.incremental_staging('marketing_touches', ['touch_id'], ['touch_id']) %}
select
    touch_id,
    {{ parse_utc_timestamp('occurred_at') }} as occurred_at,
    lower(trim(touch_type)) as touch_type,
    nullif(lower(trim(channel)), '') as channel_raw,
    nullif(trim(anonymous_id), '') as anonymous_id,
    nullif(trim(email), '') as email,
    {{ normalize_email('email') }} as email_normalized,
    nullif(trim(utm_source), '') as utm_source,
    nullif(trim(utm_medium), '') as utm_medium,
    nullif(trim(utm_campaign), '') as utm_campaign,
    nullif(trim(page_url), '') as page_url,
    nullif(trim(referrer), '') as referrer,
    _source_file,
    _load_id,
    _loaded_at
from {{ revops.raw_rows_to_stage(staged) }}
{{ latest_version('touch_id') }}
