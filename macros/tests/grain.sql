{# Generic test: the grain of a model, in one query (one dbt node instead of a not_null and a
   unique test per key column). Fails with one row per problem: a key that identifies more than one
   row ('duplicate key'), or a NULL in a key column or in one of the `not_null` columns
   ('null <column>'), with the row's key. Usage:
     data_tests:
       - grain:
           arguments:
             columns: [account_id, month]
             not_null: [mrr]
#}
{% test grain(model, columns, not_null=[]) %}
{%- set keys = columns | join(', ') %}
select 'duplicate key' as problem, {{ keys }}, count(*) as n_rows
from {{ model }}
group by {{ keys }}
having count(*) > 1
{%- for column in columns + not_null %}
union all
select 'null {{ column }}' as problem, {{ keys }}, 1 as n_rows
from {{ model }}
where {{ column }} is null
{%- endfor %}
{% endtest %}

{# Generic test: none of the columns is NULL, in one query. Fails with the column and the count. #}
{% test not_null_columns(model, columns) %}
{%- for column in columns %}
select '{{ column }}' as null_column, count(*) as n_rows
from {{ model }}
where {{ column }} is null
having count(*) > 0
{% if not loop.last %}union all{% endif %}
{%- endfor %}
{% endtest %}
