{# The smaller of two comparable values, ignoring NULLs (NULL only when both are NULL).
   Portable: least() propagates NULLs on some engines and skips them on others. #}
{% macro least_not_null(a, b) -%}
  {{ return(adapter.dispatch('least_not_null', 'revops')(a, b)) }}
{%- endmacro %}
{% macro default__least_not_null(a, b) -%}
  (case when {{ a }} is null then {{ b }} when {{ b }} is null then {{ a }}
        when {{ a }} <= {{ b }} then {{ a }} else {{ b }} end)
{%- endmacro %}
