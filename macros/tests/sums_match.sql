{# Generic test: per group, sum(expression) over the model equals sum(compare_expression) over
   compare_model within `tolerance` (a group missing on one side counts as 0). Fails with the
   groups that differ. Usage:
     data_tests:
       - sums_match:
           arguments:
             expression: actual
             group_by: quarter
             compare_model: ref('other_model')
             compare_expression: won_amount
             compare_group_by: "cast(date_trunc('quarter', month) as date)"
#}
{% test sums_match(model, expression, group_by, compare_model, compare_expression, compare_group_by=none, tolerance=0.005) %}
with left_side as (
    select {{ group_by }} as group_key, sum({{ expression }}) as total
    from {{ model }}
    group by {{ group_by }}
),
right_side as (
    select {{ compare_group_by or group_by }} as group_key, sum({{ compare_expression }}) as total
    from {{ compare_model }}
    group by {{ compare_group_by or group_by }}
)
select
    coalesce(l.group_key, r.group_key) as group_key,
    l.total as model_total,
    r.total as compare_total
from left_side as l
full outer join right_side as r
    on r.group_key = l.group_key
where abs(coalesce(cast(l.total as double), 0) - coalesce(cast(r.total as double), 0)) > {{ tolerance }}
{% endtest %}
