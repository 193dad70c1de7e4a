{# Spark (issue 13): the raw tables are Parquet datasets the loader wrote, one per landing object
   (<raw_dir>/<table>.parquet). This registers each source table of the project over its dataset in
   the Spark catalog, so the models read source('raw', ...) as on DuckDB.
   dbt run-operation register_raw_parquet --args '{raw_dir: /path/to/raw}' --target spark #}
{% macro register_raw_parquet(raw_dir) -%}
  {%- set schemas = [] -%}
  {%- for node in graph.sources.values() if node.source_name == 'raw' -%}
    {%- if node.schema not in schemas -%}
      {%- do run_query('create schema if not exists ' ~ node.schema) -%}
      {%- do schemas.append(node.schema) -%}
    {%- endif -%}
    {%- do run_query('drop table if exists ' ~ node.schema ~ '.' ~ node.identifier) -%}
    {%- do run_query("create table " ~ node.schema ~ "." ~ node.identifier ~ " using parquet location '"
                     ~ raw_dir ~ "/" ~ node.identifier ~ ".parquet'") -%}
  {%- endfor -%}
  {{ log("registered " ~ (graph.sources.values() | selectattr('source_name', 'equalto', 'raw') | list | length)
         ~ " raw tables from " ~ raw_dir, info=true) }}
{%- endmacro %}
