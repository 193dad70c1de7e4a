-- Daily ad spend per platform and campaign; a later extract of the same day x platform x
-- account x campaign replaces the earlier row.
select
    {{ parse_date('date') }} as spend_date,
    lower(trim(platform)) as platform,
    account_id as ad_account_id,
    campaign_id,
    campaign_name,
    {{ parse_int('impressions') }} as impressions,
    {{ parse_int('clicks') }} as clicks,
    {{ parse_decimal('spend') }} as spend,
    upper(trim(currency)) as currency,
    nullif(lower(trim(channel)), '') as channel_raw,
    nullif(trim(utm_campaign), '') as utm_campaign,
    _source_file
from {{ source('raw', 'marketing_ad_spend') }}
{{ latest_version("date, lower(trim(platform)), account_id, campaign_id") }}
