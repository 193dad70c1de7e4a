{# Current opportunities (IsDeleted excluded in staging) with their mapped stage and forecast
   group, the closedness of the current state by the same rule as history rows, the amount in
   the reporting currency at the CloseDate rate, and the sales cycle. #}
{% set rc = reporting_currency() %}
with opportunities as (
    select * from {{ ref('stg_crm__opportunity') }}
),

stages as (
    select * from {{ ref('opportunity_stages') }}
),

forecast_categories as (
    select * from {{ ref('forecast_categories') }}
),

fx as (
    select * from {{ ref('int_fx_rates_daily') }}
),

typed as (
    select
        o.opportunity_id,
        o.account_id,
        o.opportunity_name,
        o.opportunity_type,
        o.stage_name,
        o.forecast_category_name,
        coalesce(o.forecast_category_name, st.default_forecast_category) as forecast_category,
        lower(coalesce(fc.forecast_group, 'pipeline')) as forecast_group,
        o.probability,
        o.lead_source,
        o.campaign_id,
        o.owner_id,
        o.created_at,
        cast(o.created_at as date) as created_date,
        o.close_date,
        o.is_closed,
        o.is_won,
        (o.is_closed and not o.is_won) as is_lost,
        -- closedness of the current row as a state (metrics.md 6): the stage seed or the
        -- forecast category says closed; the IsClosed flag of the current row also counts
        (o.is_closed
            or coalesce(st.is_closed, false)
            or lower(coalesce(fc.forecast_group, '')) in ('closed', 'omitted')) as state_is_closed,
        (o.is_won or coalesce(st.is_won, false)) as state_is_won,
        st.default_probability as stage_default_probability,
        st.default_forecast_category as stage_default_forecast_category,
        coalesce(o.currency_iso_code, {{ rc }}) as currency,
        o.amount
    from opportunities as o
    left join stages as st
        on lower(trim(st.stage_name)) = lower(o.stage_name)
    left join forecast_categories as fc
        on lower(trim(fc.forecast_category))
            = lower(coalesce(o.forecast_category_name, st.default_forecast_category))
)

select
    t.*,
    case when t.currency = {{ rc }} then 1 else fx.to_reporting end as fx_rate_to_reporting,
    cast(t.amount * (case when t.currency = {{ rc }} then 1 else fx.to_reporting end) as decimal(38, 6))
        as amount_reporting,
    case when t.is_closed then {{ dbt.datediff('t.created_date', 't.close_date', 'day') }} end
        as sales_cycle_days
from typed as t
left join fx
    on fx.currency = t.currency
    and fx.rate_date = t.close_date
