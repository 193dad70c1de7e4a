{# Incremental staging of the large raw objects (issue 12, decision 123).

   A staged object keeps the latest version of each key (latest_version). Which raw rows can
   change that since the last build is known from the lineage every raw row carries
   (_source_file, _load_id, _loaded_at), so an incremental build re-stages only the keys that:
   - have a raw row loaded after the newest row the table holds (a new or re-delivered file), or
   - have a row in the table whose file version is no longer loaded (a file whose content
     changed replaces its rows: the key's latest version may now be older, or gone).
   For each such key, every raw row of the key is read again and de-duplicated as in a full
   build, then the key's rows in the table are replaced (strategy replace_keys below). So an
   incremental build gives the rows of a full refresh (tests/test_incremental.py), in a time
   that follows the new files instead of everything ever loaded.

   A model opts in with {%- set staged = revops.incremental_staging(<raw table>, [<key columns>], [<raw keys>]) -%}
   and reads {{ revops.raw_rows_to_stage(staged) }} where it read the source. Each raw key
   expression gives, on a raw row, the value of the key column of the rows it stages to (so a key's
   rows are all the raw rows its latest_version() partitions can come from), and the model
   carries the lineage columns _source_file, _load_id and _loaded_at of the version it keeps.
   A changed model or macro is not enough for dbt to rebuild such a table: the build passes
   --full-refresh when the code differs from the last whole build's (orchestration/assets/dbt.py). #}

{# Configures the model and returns what raw_rows_to_stage needs (passed explicitly, not read
   back from the config: a dbt unit test of the model has its own config). #}
{% macro incremental_staging(raw_table, unique_key, raw_keys) -%}
  {{ return(adapter.dispatch('incremental_staging', 'revops')(raw_table, unique_key, raw_keys)) }}
{%- endmacro %}
{% macro duckdb__incremental_staging(raw_table, unique_key, raw_keys) -%}
  {%- do config(materialized='incremental', incremental_strategy='replace_keys', unique_key=unique_key,
                on_schema_change='fail', meta={'incremental_from_raw': {'table': raw_table, 'keys': raw_keys}}) -%}
  {{ return({'table': raw_table, 'unique_key': unique_key, 'keys': raw_keys}) }}
{%- endmacro %}
{#- Spark (issue 13): a whole table each build. replace_keys deletes rows, which plain Parquet
    tables cannot do (Delta or Iceberg tables could: a cluster's profile may add them later). -#}
{% macro spark__incremental_staging(raw_table, unique_key, raw_keys) -%}
  {%- do config(materialized='table') -%}
  {{ return({'table': raw_table, 'unique_key': unique_key, 'keys': raw_keys}) }}
{%- endmacro %}

{% macro _incremental_spec() -%}
  {%- set spec = (config.get('meta') or {}).get('incremental_from_raw') -%}
  {%- if not spec -%}
    {{ exceptions.raise_compiler_error(model.name ~ ": an incremental staging model needs meta.incremental_from_raw (macros/incremental.sql)") }}
  {%- endif -%}
  {{ return(spec) }}
{%- endmacro %}

{% macro _key_list(unique_key) -%}
  {{ return([unique_key] if unique_key is string else unique_key) }}
{%- endmacro %}

{# The keys of `this` to stage again, as columns __k0, __k1, ... (NULL keys included: a set
   operation and IS NOT DISTINCT FROM treat NULL as a value, as the full build's PARTITION BY does). #}
{% macro changed_keys(raw_relation, raw_keys, this_keys) -%}
  select {% for e in raw_keys %}{{ e }} as __k{{ loop.index0 }}{{ ", " if not loop.last }}{% endfor %}
  from {{ raw_relation }}
  where _loaded_at > (select coalesce(max(_loaded_at), '-infinity'::timestamp) from {{ this }})
  union
  select {% for c in this_keys %}staged.{{ c }}{{ ", " if not loop.last }}{% endfor %}
  from {{ this }} as staged
  anti join (select distinct _source_file, _load_id from {{ raw_relation }}) as still_loaded
    on staged._source_file is not distinct from still_loaded._source_file
   and staged._load_id is not distinct from still_loaded._load_id
{%- endmacro %}

{# The raw rows a build stages: all of them in a full build, those of the changed keys otherwise. #}
{% macro raw_rows_to_stage(spec) -%}
  {%- set raw_relation = source('raw', spec['table']) -%}
  {%- if is_incremental() -%}
    (select raw_row.* from {{ raw_relation }} as raw_row
     semi join ({{ revops.changed_keys(raw_relation, spec['keys'], spec['unique_key']) }}) as changed
       on {% for e in spec['keys'] %}({{ e }}) is not distinct from changed.__k{{ loop.index0 }}{{ " and " if not loop.last }}{% endfor %})
  {%- else -%}
    {{ raw_relation }}
  {%- endif -%}
{%- endmacro %}

{# dbt's custom incremental strategy `replace_keys`: remove every row of the changed keys (also
   those whose key has no row in the new batch: a version with no lines, a key whose only file
   was replaced without it), then insert the batch. The changed keys are computed again here from
   the same state the batch was built from (nothing is written in between). #}
{% macro get_incremental_replace_keys_sql(arg_dict) -%}
  {%- set spec = revops._incremental_spec() -%}
  {%- set keys = revops._key_list(arg_dict['unique_key']) -%}
  {%- set target = arg_dict['target_relation'] -%}
  {%- set cols = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
  delete from {{ target }} as staged_row
  using ({{ revops.changed_keys(source('raw', spec['table']), spec['keys'], keys) }}) as changed
  where {% for c in keys %}staged_row.{{ c }} is not distinct from changed.__k{{ loop.index0 }}{{ " and " if not loop.last }}{% endfor %};
  insert into {{ target }} ({{ cols }})
  select {{ cols }} from {{ arg_dict['temp_relation'] }}
{%- endmacro %}
