{# The state of every opportunity at given instants ("history as of any instant", metrics.md 6).

   instants:        a relation or CTE name holding one row per instant
   instant_column:  its column with the instant (TIMESTAMP, naive UTC)

   Returns a SELECT (no leading WITH, so it can be a CTE body or a subquery) with one row per
   (instant, opportunity created strictly before the instant):
   - the latest int_crm__opportunity_history snapshot with created_at <= instant (ties: the
     greater history Id); state_source = 'history';
   - without a snapshot at or before the instant, the current opportunity row;
     state_source = 'current'.
   Columns: state_at, opportunity_id, account_id, opportunity_type, opportunity_created_at,
   state_source, opportunity_history_id, stage_name, forecast_category, forecast_group,
   probability, close_date, is_closed, is_won, currency, amount (native), fx_rate_to_reporting
   and amount_reporting (at the state's own CloseDate rate). Deleted opportunities are absent.
   Dispatched so that another adapter can override it. #}
{% macro opportunity_state_at(instants, instant_column='instant') -%}
  {{ return(adapter.dispatch('opportunity_state_at', 'revops')(instants, instant_column)) }}
{%- endmacro %}

{% macro default__opportunity_state_at(instants, instant_column) -%}
{%- set rc = reporting_currency() -%}
select
    s.state_at,
    s.opportunity_id,
    s.account_id,
    s.opportunity_type,
    s.opportunity_created_at,
    s.state_source,
    s.opportunity_history_id,
    s.stage_name,
    s.forecast_category,
    s.forecast_group,
    s.probability,
    s.close_date,
    s.is_closed,
    s.is_won,
    s.currency,
    s.amount,
    case when s.currency = {{ rc }} then 1 else fx.to_reporting end as fx_rate_to_reporting,
    cast(s.amount * (case when s.currency = {{ rc }} then 1 else fx.to_reporting end) as decimal(38, 6))
        as amount_reporting
from (
    select
        i.{{ instant_column }} as state_at,
        o.opportunity_id,
        o.account_id,
        o.opportunity_type,
        o.created_at as opportunity_created_at,
        case when h.opportunity_history_id is null then 'current' else 'history' end as state_source,
        h.opportunity_history_id,
        case when h.opportunity_history_id is null then o.stage_name else h.stage_name end as stage_name,
        case when h.opportunity_history_id is null then o.forecast_category else h.forecast_category end
            as forecast_category,
        case when h.opportunity_history_id is null then o.forecast_group else h.forecast_group end
            as forecast_group,
        case when h.opportunity_history_id is null
            then coalesce(o.probability, o.stage_default_probability) else h.probability end as probability,
        case when h.opportunity_history_id is null then o.close_date else h.close_date end as close_date,
        case when h.opportunity_history_id is null then o.state_is_closed else h.is_closed end as is_closed,
        case when h.opportunity_history_id is null then o.state_is_won else h.is_won end as is_won,
        o.currency,
        case when h.opportunity_history_id is null then o.amount else h.amount end as amount,
        row_number() over (
            partition by i.{{ instant_column }}, o.opportunity_id
            order by h.created_at desc nulls last, h.opportunity_history_id desc nulls last
        ) as state_rank
    from {{ instants }} as i
    inner join {{ ref('int_crm__opportunities') }} as o
        on o.created_at < i.{{ instant_column }}
    left join {{ ref('int_crm__opportunity_history') }} as h
        on h.opportunity_id = o.opportunity_id
        and h.created_at <= i.{{ instant_column }}
) as s
left join {{ ref('int_fx_rates_daily') }} as fx
    on fx.currency = s.currency
    and fx.rate_date = s.close_date
where s.state_rank = 1
{%- endmacro %}
