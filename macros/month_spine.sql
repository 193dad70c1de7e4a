{# Calendar months (first day, DATE) from the month of start_expr through the month of end_expr,
   with eval_date: the day MRR is measured for the month (its last day, or as_of_date for the
   month of as_of_date). #}
{% macro month_spine(start_expr, end_expr) -%}
  {{ return(adapter.dispatch('month_spine', 'revops')(start_expr, end_expr)) }}
{%- endmacro %}
{% macro default__month_spine(start_expr, end_expr) -%}
select
    cast(m as date) as month,
    least(cast(m + interval 1 month - interval 1 day as date), {{ as_of_date() }}) as eval_date
from range(
    cast(date_trunc('month', {{ start_expr }}) as timestamp),
    cast(date_trunc('month', {{ end_expr }}) as timestamp) + interval 1 day,
    interval 1 month
) as t(m)
{%- endmacro %}
