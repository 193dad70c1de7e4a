{# OpportunityHistory snapshots of live opportunities, completed and classified.
   A snapshot column the export left empty carries the opportunity's latest earlier snapshot
   value, else (probability, forecast category) the stage's default from the seed
   opportunity_stages, else the current opportunity's value. A snapshot is closed when the seed
   says its StageName is closed or its forecast category maps to closed / omitted
   (metrics.md 6); it is won when the seed says its stage is won, or (stage not in the seed)
   its forecast category maps to closed. #}
with history as (
    select * from {{ ref('stg_crm__opportunity_history') }}
),

opportunities as (
    select * from {{ ref('int_crm__opportunities') }}
),

stages as (
    select * from {{ ref('opportunity_stages') }}
),

forecast_categories as (
    select * from {{ ref('forecast_categories') }}
),

carried as (
    select
        h.opportunity_history_id,
        h.opportunity_id,
        h.created_at,
        h.stage_name as snapshot_stage_name,
        {% for col in ['stage_name', 'amount', 'probability', 'forecast_category', 'close_date'] %}
        {{ last_value_ignore_nulls('h.' ~ col) }} over (
            partition by h.opportunity_id
            order by h.created_at, h.opportunity_history_id
            rows between unbounded preceding and current row
        ) as carried_{{ col }}{{ ',' if not loop.last }}
        {% endfor %}
    from history as h
    inner join opportunities as o
        on o.opportunity_id = h.opportunity_id
),

completed as (
    select
        c.opportunity_history_id,
        c.opportunity_id,
        c.created_at,
        coalesce(c.carried_stage_name, o.stage_name) as stage_name,
        coalesce(c.carried_amount, o.amount) as amount,
        c.carried_probability as probability_raw,
        c.carried_forecast_category as forecast_category_raw,
        coalesce(c.carried_close_date, o.close_date) as close_date,
        o.currency,
        o.probability as current_probability,
        o.forecast_category as current_forecast_category
    from carried as c
    inner join opportunities as o
        on o.opportunity_id = c.opportunity_id
),

classified as (
    select
        c.opportunity_history_id,
        c.opportunity_id,
        c.created_at,
        c.stage_name,
        c.amount,
        c.currency,
        coalesce(c.probability_raw, st.default_probability, c.current_probability) as probability,
        coalesce(c.forecast_category_raw, st.default_forecast_category, c.current_forecast_category)
            as forecast_category,
        c.close_date,
        st.is_closed as stage_is_closed,
        st.is_won as stage_is_won
    from completed as c
    left join stages as st
        on lower(trim(st.stage_name)) = lower(c.stage_name)
)

select
    c.opportunity_history_id,
    c.opportunity_id,
    c.created_at,
    c.stage_name,
    c.amount,
    c.currency,
    c.probability,
    c.forecast_category,
    lower(coalesce(fc.forecast_group, 'pipeline')) as forecast_group,
    c.close_date,
    (coalesce(c.stage_is_closed, false)
        or lower(coalesce(fc.forecast_group, '')) in ('closed', 'omitted')) as is_closed,
    coalesce(c.stage_is_won, lower(coalesce(fc.forecast_group, '')) = 'closed') as is_won
from classified as c
left join forecast_categories as fc
    on lower(trim(fc.forecast_category)) = lower(c.forecast_category)
