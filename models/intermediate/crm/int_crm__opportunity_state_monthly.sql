{# The state of every opportunity at the first instant (00:00 UTC) of every month, from the
   month of the first opportunity's CreatedDate through the month of as_of_date. Quarter starts
   are month starts, flagged is_quarter_start. Built with the reusable macro
   opportunity_state_at (macros/crm/opportunity_state_at.sql). #}
with months as (
    {{ month_spine(
        "(select min(cast(created_at as date)) from " ~ ref('int_crm__opportunities') ~ ")",
        as_of_date()) }}
),

instants as (
    select
        month,
        cast(month as timestamp) as instant
    from months
),

states as (
    {{ opportunity_state_at('instants', 'instant') }}
)

select
    cast(s.state_at as date) as month,
    (extract(month from s.state_at) in (1, 4, 7, 10)) as is_quarter_start,
    s.*
from states as s
