{# Typing helpers for staging. Raw values are VARCHAR (tabular objects) or JSON (documents);
   empty strings mean null. Dispatched so another adapter can override them. #}

{% macro as_of_date() -%}
  {#- dbt var as_of_date wins; else $REVOPS_AS_OF (set by the CLI); else the run's start date (UTC). -#}
  {%- if var('as_of_date', none) not in (none, '') -%}{{ revops.date_literal('as_of_date', var('as_of_date')) }}
  {#- `execute` first: dbt re-parses every file whose parse read an env var that has changed
      since, so reading the environment at parse time cost each build with a new date a re-parse of
      the models using this macro. At run time the value is read as before. -#}
  {%- elif execute and env_var('REVOPS_AS_OF', '') != '' -%}{{ revops.date_literal('as_of_date', env_var('REVOPS_AS_OF'), ' (from REVOPS_AS_OF)') }}
  {%- else -%}cast('{{ run_started_at.strftime("%Y-%m-%d") }}' as date){%- endif -%}
{%- endmacro %}

{% macro reporting_currency() -%}{{ revops.currency_var('reporting_currency', 'USD') }}{%- endmacro %}

{# Salesforce / ISO datetimes with a Z, +0000 or +02:00 offset -> naive UTC timestamp.
   Going through timestamptz keeps the offset (a plain timestamp cast drops it); the dbt
   profile sets TimeZone to UTC. #}
{% macro parse_utc_timestamp(col) -%}
  {{ return(adapter.dispatch('parse_utc_timestamp', 'revops')(col)) }}
{%- endmacro %}
{% macro duckdb__parse_utc_timestamp(col) -%}
  cast(cast(nullif(trim({{ col }}), '') as timestamptz) as timestamp)
{%- endmacro %}
{% macro spark__parse_utc_timestamp(col) -%}
  cast(cast(nullif(trim({{ col }}), '') as timestamp_ltz) as timestamp_ntz)
{%- endmacro %}

{% macro parse_date(col) -%}cast(nullif(trim({{ col }}), '') as date){%- endmacro %}

{% macro parse_bool(col) -%}
  (lower(trim(coalesce({{ col }}, ''))) in ('true', '1'))
{%- endmacro %}

{% macro parse_decimal(col, scale=6) -%}cast(nullif(trim({{ col }}), '') as decimal(38, {{ scale }})){%- endmacro %}

{% macro parse_int(col) -%}cast(cast(nullif(trim({{ col }}), '') as double) as bigint){%- endmacro %}

{# Unix epoch seconds / milliseconds -> naive UTC timestamp. #}
{% macro epoch_s_to_timestamp(expr) -%}
  {{ return(adapter.dispatch('epoch_s_to_timestamp', 'revops')(expr)) }}
{%- endmacro %}
{% macro duckdb__epoch_s_to_timestamp(expr) -%}
  make_timestamp(cast({{ expr }} as bigint) * 1000000)
{%- endmacro %}
{% macro spark__epoch_s_to_timestamp(expr) -%}
  cast(timestamp_seconds(cast({{ expr }} as bigint)) as timestamp_ntz)
{%- endmacro %}
{% macro epoch_ms_to_timestamp(expr) -%}
  {{ return(adapter.dispatch('epoch_ms_to_timestamp', 'revops')(expr)) }}
{%- endmacro %}
{% macro duckdb__epoch_ms_to_timestamp(expr) -%}make_timestamp(cast({{ expr }} as bigint) * 1000){%- endmacro %}
{% macro spark__epoch_ms_to_timestamp(expr) -%}cast(timestamp_millis(cast({{ expr }} as bigint)) as timestamp_ntz){%- endmacro %}

{# JSON field extraction from a raw document. path is a JSONPath like '$.metadata.crm_account_id'. #}
{% macro json_str(col, path) -%}
  {{ return(adapter.dispatch('json_str', 'revops')(col, path)) }}
{%- endmacro %}
{% macro duckdb__json_str(col, path) -%}json_extract_string({{ col }}, '{{ path }}'){%- endmacro %}
{% macro spark__json_str(col, path) -%}get_json_object({{ col }}, '{{ path }}'){%- endmacro %}

{# Many fields of one document in one parse (decision 126): json_strs(col, paths) is the list of
   json_extract_string(col, path) for each path, in order, and json_pick(list, paths, path) the one
   for `path`. Each json_str call parses the whole document again; an invoice's ~15 fields and each
   of its lines' ~15 cost that many parses. #}
{% macro json_strs(col, paths) -%}
  {{ return(adapter.dispatch('json_strs', 'revops')(col, paths)) }}
{%- endmacro %}
{% macro duckdb__json_strs(col, paths) -%}
  json_extract_string({{ col }}, [{% for p in paths %}'{{ p }}'{{ ', ' if not loop.last }}{% endfor %}])
{%- endmacro %}
{% macro spark__json_strs(col, paths) -%}
  array({% for p in paths %}get_json_object({{ col }}, '{{ p }}'){{ ', ' if not loop.last }}{% endfor %})
{%- endmacro %}
{# The items of the JSON array at `path` (a path ending in [*]), as a list of JSON values to unnest. #}
{% macro json_items(col, path) -%}
  {{ return(adapter.dispatch('json_items', 'revops')(col, path)) }}
{%- endmacro %}
{% macro duckdb__json_items(col, path) -%}json_extract({{ col }}, '{{ path }}'){%- endmacro %}
{#- the array's text parsed as an array of strings keeps each item's JSON text -#}
{% macro spark__json_items(col, path) -%}
  {%- if not path.endswith('[*]') -%}
    {{ exceptions.raise_compiler_error("json_items: the path must end in [*], not " ~ path) }}
  {%- endif -%}
  from_json(get_json_object({{ col }}, '{{ path[:-3] }}'), 'array<string>')
{%- endmacro %}
{# One row per item of a list (json_items), in the select list. #}
{% macro unnest_list(expr) -%}
  {{ return(adapter.dispatch('unnest_list', 'revops')(expr)) }}
{%- endmacro %}
{% macro duckdb__unnest_list(expr) -%}unnest({{ expr }}){%- endmacro %}
{% macro spark__unnest_list(expr) -%}explode({{ expr }}){%- endmacro %}
{# The sum of the integers at `path` (a path through an array, e.g. '$.discount_amounts[*].amount');
   0 when there are none. #}
{% macro json_sum_bigint(col, path) -%}
  {{ return(adapter.dispatch('json_sum_bigint', 'revops')(col, path)) }}
{%- endmacro %}
{% macro duckdb__json_sum_bigint(col, path) -%}
  coalesce(list_sum(list_transform(json_extract_string({{ col }}, '{{ path }}'), lambda a: cast(a as bigint))), 0)
{%- endmacro %}
{% macro spark__json_sum_bigint(col, path) -%}
  {%- set parts = path.split('[*].') -%}
  {%- if parts | length != 2 or '[' in parts[1] -%}
    {{ exceptions.raise_compiler_error("json_sum_bigint: the path must be <array>[*].<field>, not " ~ path) }}
  {%- endif -%}
  coalesce(aggregate(from_json(get_json_object({{ col }}, '{{ parts[0] }}'), 'array<struct<{{ parts[1] }}: bigint>>'),
                     cast(0 as bigint), (total, item) -> total + coalesce(item.{{ parts[1] }}, 0)), 0)
{%- endmacro %}
{# The same for JSON values (json_extract: objects, arrays, booleans and numbers kept as JSON). #}
{% macro json_values(col, paths) -%}
  {{ return(adapter.dispatch('json_values', 'revops')(col, paths)) }}
{%- endmacro %}
{% macro duckdb__json_values(col, paths) -%}
  json_extract({{ col }}, [{% for p in paths %}'{{ p }}'{{ ', ' if not loop.last }}{% endfor %}])
{%- endmacro %}
{#- get_json_object returns objects, arrays, numbers and booleans as their JSON text -#}
{% macro spark__json_values(col, paths) -%}{{ revops.spark__json_strs(col, paths) }}{%- endmacro %}

{# One JSON value (object, array, number, boolean kept as JSON) at `path`. #}
{% macro json_value(col, path) -%}
  {{ return(adapter.dispatch('json_value', 'revops')(col, path)) }}
{%- endmacro %}
{% macro duckdb__json_value(col, path) -%}json_extract({{ col }}, '{{ path }}'){%- endmacro %}
{% macro spark__json_value(col, path) -%}get_json_object({{ col }}, '{{ path }}'){%- endmacro %}

{# A JSON value's text as the engine's JSON type (Spark has none: it stays a string). #}
{% macro as_json(expr) -%}
  {{ return(adapter.dispatch('as_json', 'revops')(expr)) }}
{%- endmacro %}
{% macro duckdb__as_json(expr) -%}cast({{ expr }} as json){%- endmacro %}
{% macro spark__as_json(expr) -%}{{ expr }}{%- endmacro %}

{# Whether the document has a non-null value at `path`. #}
{% macro json_has_value(col, path) -%}
  {{ return(adapter.dispatch('json_has_value', 'revops')(col, path)) }}
{%- endmacro %}
{% macro duckdb__json_has_value(col, path) -%}
  (json_extract({{ col }}, '{{ path }}') is not null and json_type({{ col }}, '{{ path }}') <> 'NULL')
{%- endmacro %}
{% macro spark__json_has_value(col, path) -%}(get_json_object({{ col }}, '{{ path }}') is not null){%- endmacro %}

{# Whether a JSON value (json_values) is an object; NULL for NULL. #}
{% macro json_is_object(expr) -%}
  {{ return(adapter.dispatch('json_is_object', 'revops')(expr)) }}
{%- endmacro %}
{% macro duckdb__json_is_object(expr) -%}(json_type({{ expr }}) = 'OBJECT'){%- endmacro %}
{% macro spark__json_is_object(expr) -%}coalesce(startswith(ltrim({{ expr }}), '{'), false){%- endmacro %}
{% macro json_pick(list_col, paths, path) -%}
  {{ return(adapter.dispatch('json_pick', 'revops')(list_col, paths, path)) }}
{%- endmacro %}
{% macro json_pick_index(list_col, paths, path) -%}
  {%- if path not in paths -%}
    {{ exceptions.raise_compiler_error("json_pick: " ~ path ~ " is not one of the paths extracted into " ~ list_col) }}
  {%- endif -%}
  {{ return(paths.index(path) + 1) }}
{%- endmacro %}
{% macro duckdb__json_pick(list_col, paths, path) -%}{{ list_col }}[{{ revops.json_pick_index(list_col, paths, path) }}]{%- endmacro %}
{% macro spark__json_pick(list_col, paths, path) -%}element_at({{ list_col }}, {{ revops.json_pick_index(list_col, paths, path) }}){%- endmacro %}

{# A normalised email (landing.md "Identity across sources"): trimmed, lower-cased, +tag removed,
   dots ignored in the local part of gmail.com and googlemail.com addresses (the two domains stay
   distinct, as landing.md says). NULL when the value is not a syntactically valid address
   (local@domain.tld), so such a record is a person of its own. #}
{% macro normalize_email(col) -%}
  (case
     when {{ revops.regexp_full_match('lower(trim(' ~ col ~ '))',
            "[a-z0-9!#$%&'*+/=?^_`{|}~.-]+@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\\.[a-z]{2,}") }} then
       (case
          when split_part(lower(trim({{ col }})), '@', 2) in ('gmail.com', 'googlemail.com')
            then replace(split_part(split_part(lower(trim({{ col }})), '@', 1), '+', 1), '.', '')
          else split_part(split_part(lower(trim({{ col }})), '@', 1), '+', 1)
        end) || '@' || split_part(lower(trim({{ col }})), '@', 2)
   end)
{%- endmacro %}

{# The bare domain of a website or email domain: no scheme, www., path, port; lower-case. #}
{% macro normalize_domain(col) -%}
  nullif({{ revops.regexp_replace_all(revops.regexp_replace_all('lower(trim(' ~ col ~ '))', '^([a-z]+://)?(www\\.)?', ''),
                                      '[/:?#].*$', '') }}, '')
{%- endmacro %}

{# Salesforce 15-character (case-sensitive) IDs -> their 18-character form, so that IDs given
   either way join. The three suffix characters encode, per 5-character chunk, which
   characters are upper-case letters. #}
{% macro sf_id18(col) -%}
  (case when length(trim({{ col }})) = 15 then trim({{ col }})
  {%- for chunk in range(3) %}
    || substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345', 1
      {%- for i in range(5) %} + (case when substr(trim({{ col }}), {{ chunk * 5 + i + 1 }}, 1) between 'A' and 'Z' then {{ 2 ** i }} else 0 end){% endfor %}, 1)
  {%- endfor %}
   else nullif(trim({{ col }}), '') end)
{%- endmacro %}

{# Keep the latest version of each record: later file (lexical order) wins, then later row. #}
{% macro latest_version(key) -%}
  qualify row_number() over (partition by {{ key }} order by _source_file desc, _line desc) = 1
{%- endmacro %}

{# A person's full name for duplicate matching (metrics.md 10): first and last name joined by one
   space, accents removed, lower-case, runs of whitespace collapsed. NULL unless both parts are
   given, so a bare surname never links two records. #}
{% macro normalize_full_name(first, last) -%}
  (case when nullif(trim({{ first }}), '') is not null and nullif(trim({{ last }}), '') is not null then
     lower({{ revops.strip_accents(revops.regexp_replace_all('trim(' ~ first ~ ") || ' ' || trim(" ~ last ~ ')', '\\s+', ' ')) }})
   end)
{%- endmacro %}
