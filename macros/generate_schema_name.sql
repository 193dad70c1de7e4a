{# Schemas are named exactly staging / intermediate / marts / seeds (the marts contract says
   `marts.<name>`), not dbt's default <target>_<custom>. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
  {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
