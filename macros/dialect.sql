{# Engine dialect (issue 13). Every construct that DuckDB and Spark spell differently goes through
   one of these dispatched macros (or those in parsing.sql), so that a model holds no
   engine-specific function: `grep` over models/ finds none (tests/test_portable_models.py).
   Each has a duckdb__ body (the SQL the models held before, so DuckDB results do not change) and
   a spark__ body. What both engines spell the same way (cast, coalesce, nullif, extract, last_day,
   max_by, bool_or, split_part, percentile_cont ... within group, ||) stays in the models. #}

{# Calendar arithmetic. A DATE plus n months (the last day of the month when the day does not
   exist: 2025-01-31 + 1 month = 2025-02-28) or n days, as a DATE. #}
{% macro date_add_months(date_expr, n) -%}
  {{ return(adapter.dispatch('date_add_months', 'revops')(date_expr, n)) }}
{%- endmacro %}
{% macro duckdb__date_add_months(date_expr, n) -%}cast({{ date_expr }} + to_months({{ n }}) as date){%- endmacro %}
{% macro spark__date_add_months(date_expr, n) -%}add_months(cast({{ date_expr }} as date), {{ n }}){%- endmacro %}

{% macro date_add_days(date_expr, n) -%}
  {{ return(adapter.dispatch('date_add_days', 'revops')(date_expr, n)) }}
{%- endmacro %}
{% macro duckdb__date_add_days(date_expr, n) -%}cast({{ date_expr }} + to_days({{ n }}) as date){%- endmacro %}
{% macro spark__date_add_days(date_expr, n) -%}date_add(cast({{ date_expr }} as date), {{ n }}){%- endmacro %}

{# The same on a TIMESTAMP, keeping the time of day. #}
{% macro timestamp_add_months(ts_expr, n) -%}
  {{ return(adapter.dispatch('timestamp_add_months', 'revops')(ts_expr, n)) }}
{%- endmacro %}
{% macro duckdb__timestamp_add_months(ts_expr, n) -%}({{ ts_expr }} + to_months({{ n }})){%- endmacro %}
{% macro spark__timestamp_add_months(ts_expr, n) -%}timestampadd(MONTH, {{ n }}, {{ ts_expr }}){%- endmacro %}

{% macro timestamp_add_days(ts_expr, n) -%}
  {{ return(adapter.dispatch('timestamp_add_days', 'revops')(ts_expr, n)) }}
{%- endmacro %}
{% macro duckdb__timestamp_add_days(ts_expr, n) -%}({{ ts_expr }} + to_days({{ n }})){%- endmacro %}
{% macro spark__timestamp_add_days(ts_expr, n) -%}timestampadd(DAY, {{ n }}, {{ ts_expr }}){%- endmacro %}

{# Seconds since 1970-01-01 of a naive UTC timestamp, as a DOUBLE (microseconds kept). #}
{% macro epoch_seconds(ts_expr) -%}
  {{ return(adapter.dispatch('epoch_seconds', 'revops')(ts_expr)) }}
{%- endmacro %}
{% macro duckdb__epoch_seconds(ts_expr) -%}epoch({{ ts_expr }}){%- endmacro %}
{% macro spark__epoch_seconds(ts_expr) -%}(unix_micros(cast({{ ts_expr }} as timestamp)) / 1e6){%- endmacro %}

{# An amount (DECIMAL, 6 decimals) times a conversion rate, exact on both engines. DuckDB keeps
   every digit of a decimal product; Spark caps a product's precision at 38 by dropping decimals
   (decimal(38, 6) x decimal(38, 10) keeps 6), which moved summed ad spend in the 6th decimal and,
   divided by a time-decay weight near 4e-8, paid_cac by dollars. decimal(21, 6) x decimal(16, 10)
   is decimal(38, 16) on Spark (37, 16 on DuckDB): amounts below 1e15, rates below 1e6. #}
{% macro amount_times_rate(amount, rate) -%}
  (cast({{ amount }} as decimal(21, 6)) * cast({{ rate }} as decimal(16, 10)))
{%- endmacro %}

{# Whole calendar months from a to b, counted as month boundaries crossed (2025-01-31 to
   2025-02-01 is 1), as DuckDB's date_diff('month', a, b) counts them. The same arithmetic on both
   engines: no dispatch needed. #}
{% macro month_diff(a, b) -%}
  ((year({{ b }}) - year({{ a }})) * 12 + month({{ b }}) - month({{ a }}))
{%- endmacro %}

{# A naive UTC timestamp as the wall-clock time in time zone `tz_expr` (an IANA name), naive. #}
{% macro utc_to_local(ts_expr, tz_expr) -%}
  {{ return(adapter.dispatch('utc_to_local', 'revops')(ts_expr, tz_expr)) }}
{%- endmacro %}
{% macro duckdb__utc_to_local(ts_expr, tz_expr) -%}timezone({{ tz_expr }}, timezone('UTC', {{ ts_expr }})){%- endmacro %}
{% macro spark__utc_to_local(ts_expr, tz_expr) -%}
  cast(from_utc_timestamp(cast({{ ts_expr }} as timestamp_ltz), {{ tz_expr }}) as timestamp_ntz)
{%- endmacro %}

{# ISO day of the week: Monday 1 ... Sunday 7. #}
{% macro iso_weekday(ts_expr) -%}
  {{ return(adapter.dispatch('iso_weekday', 'revops')(ts_expr)) }}
{%- endmacro %}
{% macro duckdb__iso_weekday(ts_expr) -%}isodow({{ ts_expr }}){%- endmacro %}
{% macro spark__iso_weekday(ts_expr) -%}(((dayofweek({{ ts_expr }}) + 5) % 7) + 1){%- endmacro %}

{# A SELECT of one row per date from start_expr through end_expr (both DATEs, inclusive), the
   date in column `alias`, stepping by one `step` ('day' or 'month'); `relation` (optional) is a
   one-row relation the bounds are read from. #}
{% macro date_series(start_expr, end_expr, step='day', alias='series_date', relation=none) -%}
  {%- if step not in ('day', 'month') -%}
    {{ exceptions.raise_compiler_error("date_series: step must be 'day' or 'month', not " ~ step) }}
  {%- endif -%}
  {{ return(adapter.dispatch('date_series', 'revops')(start_expr, end_expr, step, alias, relation)) }}
{%- endmacro %}
{% macro duckdb__date_series(start_expr, end_expr, step, alias, relation) -%}
select cast(t.series_value as date) as {{ alias }}
from {% if relation %}{{ relation }}, {% endif %}range(
    cast({{ start_expr }} as timestamp), cast({{ end_expr }} as timestamp) + interval 1 day, interval 1 {{ step }}
) as t(series_value)
{%- endmacro %}
{#- sequence() fails when start > end, where range() is empty -#}
{% macro spark__date_series(start_expr, end_expr, step, alias, relation) -%}
select explode(case when cast({{ start_expr }} as date) <= cast({{ end_expr }} as date) then
    sequence(cast({{ start_expr }} as date), cast({{ end_expr }} as date), interval 1 {{ step }}) end) as {{ alias }}
{%- if relation %} from {{ relation }}{% endif %}
{%- endmacro %}

{# Window functions that skip NULLs. #}
{% macro last_value_ignore_nulls(expr) -%}
  {{ return(adapter.dispatch('last_value_ignore_nulls', 'revops')(expr)) }}
{%- endmacro %}
{% macro duckdb__last_value_ignore_nulls(expr) -%}last_value({{ expr }} ignore nulls){%- endmacro %}
{% macro spark__last_value_ignore_nulls(expr) -%}last_value({{ expr }}, true){%- endmacro %}

{% macro first_value_ignore_nulls(expr) -%}
  {{ return(adapter.dispatch('first_value_ignore_nulls', 'revops')(expr)) }}
{%- endmacro %}
{% macro duckdb__first_value_ignore_nulls(expr) -%}first_value({{ expr }} ignore nulls){%- endmacro %}
{% macro spark__first_value_ignore_nulls(expr) -%}first_value({{ expr }}, true){%- endmacro %}

{# The non-NULL values of expr joined by sep in ascending order (each value once when distinct);
   NULL when there are none. #}
{% macro sorted_string_agg(expr, sep, distinct=false) -%}
  {{ return(adapter.dispatch('sorted_string_agg', 'revops')(expr, sep, distinct)) }}
{%- endmacro %}
{% macro duckdb__sorted_string_agg(expr, sep, distinct) -%}
  string_agg({{ 'distinct ' if distinct }}{{ expr }}, {{ sep }} order by {{ expr }})
{%- endmacro %}
{% macro spark__sorted_string_agg(expr, sep, distinct) -%}
  case when count({{ expr }}) > 0 then
    array_join(array_sort({{ 'collect_set' if distinct else 'collect_list' }}({{ expr }})), {{ sep }}) end
{%- endmacro %}

{# Text: a number with `digits` decimals ('%.2f'), and a date as YYYY-MM-DD. #}
{% macro format_fixed(expr, digits) -%}
  {{ return(adapter.dispatch('format_fixed', 'revops')(expr, digits)) }}
{%- endmacro %}
{% macro duckdb__format_fixed(expr, digits) -%}printf('%.{{ digits }}f', {{ expr }}){%- endmacro %}
{#- format_string fails on DECIMAL and writes NULL as text; format_number (Java's DecimalFormat,
    half-even like printf) keeps NULL -#}
{% macro spark__format_fixed(expr, digits) -%}
  format_number(cast({{ expr }} as double), '0{{ "." ~ "0" * digits if digits > 0 }}')
{%- endmacro %}

{% macro iso_date_text(expr) -%}
  {{ return(adapter.dispatch('iso_date_text', 'revops')(expr)) }}
{%- endmacro %}
{% macro duckdb__iso_date_text(expr) -%}strftime({{ expr }}, '%Y-%m-%d'){%- endmacro %}
{% macro spark__iso_date_text(expr) -%}date_format({{ expr }}, 'yyyy-MM-dd'){%- endmacro %}

{# Regular expressions. `pattern` is the bare pattern (RE2 / Java syntax common to both), quoted here
   for the engine: DuckDB string literals keep backslashes, Spark's unescape them. #}
{% macro regex_literal(pattern) -%}
  {{ return(adapter.dispatch('regex_literal', 'revops')(pattern)) }}
{%- endmacro %}
{% macro duckdb__regex_literal(pattern) -%}'{{ pattern | replace("'", "''") }}'{%- endmacro %}
{% macro spark__regex_literal(pattern) -%}'{{ pattern | replace("\\", "\\\\") | replace("'", "\\'") }}'{%- endmacro %}

{# Whether the whole of expr matches pattern. #}
{% macro regexp_full_match(expr, pattern) -%}
  {{ return(adapter.dispatch('regexp_full_match', 'revops')(expr, pattern)) }}
{%- endmacro %}
{% macro duckdb__regexp_full_match(expr, pattern) -%}regexp_full_match({{ expr }}, {{ revops.regex_literal(pattern) }}){%- endmacro %}
{% macro spark__regexp_full_match(expr, pattern) -%}({{ expr }} rlike {{ revops.regex_literal('^(?:' ~ pattern ~ ')$') }}){%- endmacro %}

{# expr with every match of pattern replaced by repl (a plain string). #}
{% macro regexp_replace_all(expr, pattern, repl) -%}
  {{ return(adapter.dispatch('regexp_replace_all', 'revops')(expr, pattern, repl)) }}
{%- endmacro %}
{% macro duckdb__regexp_replace_all(expr, pattern, repl) -%}
  regexp_replace({{ expr }}, {{ revops.regex_literal(pattern) }}, '{{ repl }}', 'g')
{%- endmacro %}
{% macro spark__regexp_replace_all(expr, pattern, repl) -%}
  regexp_replace({{ expr }}, {{ revops.regex_literal(pattern) }}, '{{ repl }}')
{%- endmacro %}

{# Accents removed (é -> e). Spark has no strip_accents: its body maps the Latin-1 and Latin
   Extended-A letters whose canonical decomposition is an ASCII letter and combining marks, the
   same letters DuckDB's strip_accents changes in that range (letters such as ø or ł, which do not
   decompose, stay on both engines). #}
{% macro strip_accents(expr) -%}
  {{ return(adapter.dispatch('strip_accents', 'revops')(expr)) }}
{%- endmacro %}
{% macro duckdb__strip_accents(expr) -%}strip_accents({{ expr }}){%- endmacro %}
{% macro spark__strip_accents(expr) -%}
  translate({{ expr }}, 'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽž',
                        'AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaCcCcCcCcDdEeEeEeEeEeGgGgGgGgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOoRrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZz')
{%- endmacro %}
