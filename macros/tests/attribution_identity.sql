{# Generic test (metrics.md 8): every won New Business deal is attributed exactly once per model,
   so per month and model the sums over channels of `customers` and `amount` equal the count and
   the amount of the deals (`deals_model`: one row per deal, with `month` and `amount`) closed
   that month. Fails with the month x model groups that differ (or that one side lacks). #}
{% test attribution_identity(model, deals_model, customers='attributed_customers', amount='attributed_amount',
                             deal_month='close_month', deal_amount='amount_reporting', tolerance=0.005) %}
with attributed as (
    select month, model as attribution_model, sum({{ customers }}) as customers, sum({{ amount }}) as amount
    from {{ model }}
    group by month, model
),
deals as (
    select d.{{ deal_month }} as month, m.attribution_model, count(*) as customers, sum(d.{{ deal_amount }}) as amount
    from {{ deals_model }} as d
    cross join (values ('first_touch'), ('last_touch'), ('linear'), ('position_based'), ('time_decay'))
        as m(attribution_model)
    group by 1, 2
)
select
    coalesce(a.month, d.month) as month,
    coalesce(a.attribution_model, d.attribution_model) as attribution_model,
    a.customers as attributed_customers,
    d.customers as won_deals,
    a.amount as attributed_amount,
    d.amount as won_amount
from attributed as a
full outer join deals as d
    on d.month = a.month and d.attribution_model = a.attribution_model
where abs(coalesce(cast(a.customers as double), 0) - coalesce(d.customers, 0)) > 0.000001
    or abs(coalesce(cast(a.amount as double), 0) - coalesce(cast(d.amount as double), 0)) > {{ tolerance }}
{% endtest %}
