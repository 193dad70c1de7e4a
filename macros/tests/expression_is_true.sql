{# Generic test: fails with the rows where the boolean expression is not true.
   Usage in YAML:  data_tests: [{expression_is_true: {expression: "mrr >= 0", where: "..."}}] #}
{% test expression_is_true(model, expression, column_name=none, where=none) %}
select *
from {{ model }}
where not coalesce(({{ expression }}), false)
{% if where %}and ({{ where }}){% endif %}
{% endtest %}
