{# Generic test: per group, sum(expression) equals `value` within `tolerance`. Fails with the
   groups that differ. Usage: group_sum_equals: {arguments: {expression: weight,
   group_by: [opportunity_id, model], value: 1}} #}
{% test group_sum_equals(model, expression, group_by, value, tolerance=0.000001) %}
select {{ group_by | join(', ') }}, sum({{ expression }}) as total
from {{ model }}
group by {{ group_by | join(', ') }}
having abs(coalesce(cast(sum({{ expression }}) as double), 0) - {{ value }}) > {{ tolerance }}
{% endtest %}
