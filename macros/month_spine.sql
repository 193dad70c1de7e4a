{# Calendar months (first day, DATE) from the month of start_expr through the month of end_expr,
   with eval_date: the day MRR is measured for the month (its last day, or as_of_date for the
   month of as_of_date). Portable: the engine-specific part is date_series (dialect.sql). #}
{% macro month_spine(start_expr, end_expr) -%}
select
    spine.month,
    least(last_day(spine.month), {{ as_of_date() }}) as eval_date
from (
    {{ revops.date_series("cast(date_trunc('month', " ~ start_expr ~ ") as date)",
                          "cast(date_trunc('month', " ~ end_expr ~ ") as date)", 'month', 'month') }}
) as spine
{%- endmacro %}
