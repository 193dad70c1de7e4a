{# metrics.md 11: an account with seat_utilisation >= 0.9 and usage_growth > 0 ranks above every
   account with seat_utilisation < 0.5. Returns the violating pairs. #}
{% test upsell_rank_guarantee(model) %}
select hot.account_id as hot_account, cold.account_id as cold_account, hot.rank as hot_rank, cold.rank as cold_rank
from {{ model }} as hot
inner join {{ model }} as cold on cold.seat_utilisation < 0.5 and cold.rank < hot.rank
where hot.seat_utilisation >= 0.9 and hot.usage_growth > 0
{% endtest %}
