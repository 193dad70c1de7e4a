{# Seeds on Spark (issue 13). dbt-spark's session connection pastes seed values into the INSERT
   with Python's % and no escaping, so a value with an apostrophe (Côte d'Ivoire, in
   country_timezones) breaks the statement. This writes each value as an escaped literal. #}
{% macro spark__load_csv_rows(model, agate_table) %}
  {%- set column_override = model['config'].get('column_types', {}) -%}
  {%- set statements = [] -%}
  {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
    {%- set sql -%}
      insert into {{ this.render() }} values
      {% for row in chunk -%}
        ({%- for col_name in agate_table.column_names -%}
          {%- set type = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) -%}
          {%- set value = row[loop.index0] -%}
          cast({{ revops.spark_literal(value) }} as {{ type }}){{ ',' if not loop.last }}
        {%- endfor -%}){{ ',' if not loop.last }}
      {% endfor %}
    {%- endset -%}
    {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
    {%- if loop.first -%}{%- do statements.append(sql) -%}{%- endif -%}
  {%- endfor -%}
  {{ return(statements[0]) }}
{% endmacro %}

{% macro spark_literal(value) -%}
  {%- if value is none -%}null
  {%- elif value is sameas true or value is sameas false -%}{{ 'true' if value else 'false' }}
  {%- elif value is number -%}{{ value }}
  {%- else -%}'{{ (value | string) | replace("\\", "\\\\") | replace("'", "\\'") }}'
  {%- endif -%}
{%- endmacro %}
