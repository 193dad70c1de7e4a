{# dbt vars reach SQL only through these macros: each checks the value's type and range and
   returns it ready to render (a quoted literal, or a validated Python number), so a wrong value
   fails compilation with a message naming the var, the value and what is expected, instead of
   being pasted into SQL. The same rules are in orchestration/validation.py, which checks the vars
   before a build starts; keep the two in step. #}

{% macro _bad_var(name, value, expected) -%}
  {%- set shown = ('"' ~ value ~ '"') if value is string else (value | tojson) -%}
  {{ exceptions.raise_compiler_error("dbt var " ~ name ~ " is " ~ shown ~ "; expected " ~ expected) }}
{%- endmacro %}

{% macro _is_number(v) -%}
  {{ return(v is number and v is not sameas true and v is not sameas false) }}
{%- endmacro %}

{# A number in [lo, hi], rendered as a quoted literal cast to an exact decimal (as a plain numeric
   literal would be, so results do not change; 6 decimals are kept). #}
{% macro number_var(name, default, lo, hi, sql_type='decimal(18, 6)') -%}
  {%- set v = var(name, default) -%}
  {%- if not revops._is_number(v) or v != v or v < lo or v > hi -%}
    {{ revops._bad_var(name, v, "a number from " ~ lo ~ " to " ~ hi) }}
  {%- endif -%}
  {{ return("cast('" ~ v ~ "' as " ~ sql_type ~ ")") }}
{%- endmacro %}

{# A whole number in [lo, hi], returned as a Python int (safe to render: it is only digits). #}
{% macro int_var(name, default, lo, hi) -%}
  {%- set v = var(name, default) -%}
  {%- if not revops._is_number(v) or v != (v | int) or v < lo or v > hi -%}
    {{ revops._bad_var(name, v, "a whole number from " ~ lo ~ " to " ~ hi) }}
  {%- endif -%}
  {{ return(v | int) }}
{%- endmacro %}

{# A three-letter ISO 4217 code, rendered as a quoted upper-case literal. #}
{% macro currency_var(name, default) -%}
  {%- set v = var(name, default) -%}
  {%- if v is not string or not modules.re.fullmatch('[A-Za-z]{3}', v) -%}
    {{ revops._bad_var(name, v, "a three-letter currency code such as USD") }}
  {%- endif -%}
  {{ return("'" ~ (v | upper) ~ "'") }}
{%- endmacro %}

{# A calendar date YYYY-MM-DD (a YAML date is accepted too), rendered as a quoted literal cast to
   date; `source` says where the value came from, for the message. #}
{% macro date_literal(name, v, source='') -%}
  {%- if v is not string and v.isoformat is defined -%}{%- set v = v.isoformat() -%}{%- endif -%}
  {%- set m = modules.re.fullmatch('(\d{4})-(\d{2})-(\d{2})', v) if v is string else none -%}
  {%- set ok = false -%}
  {%- if m -%}
    {%- set y, mo, d = m.group(1) | int, m.group(2) | int, m.group(3) | int -%}
    {%- set leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 -%}
    {%- set days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
    {%- set ok = y >= 1 and 1 <= mo <= 12 and 1 <= d <= days[mo - 1] -%}
  {%- endif -%}
  {%- if not ok -%}
    {{ revops._bad_var(name ~ source, v, "a calendar date like 2025-06-30") }}
  {%- endif -%}
  {{ return("cast('" ~ v ~ "' as date)") }}
{%- endmacro %}
