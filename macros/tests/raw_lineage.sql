{# Generic source test, one per raw table (generated into models/staging/_sources.yml from the
   landing contract): every row has its record key (when the object has one) and its lineage
   columns, and a landing file's line is loaded once. Staging picks a record's latest version by
   key, then file and line, so a row failing here would be silently dropped or double-counted.
   Fails with the offending rows and what is wrong with each. #}
{% test raw_lineage(model, lineage_columns, key_column=none) %}
with duplicated as (
    select _source_file, _line
    from {{ model }}
    group by _source_file, _line
    having count(*) > 1
)
select
    t._source_file,
    t._line,
    concat_ws(', '
        {%- if key_column %}, case when t.{{ adapter.quote(key_column) }} is null then '{{ key_column }} is null' end{% endif %}
        {%- for c in lineage_columns %}, case when t.{{ adapter.quote(c) }} is null then '{{ c }} is null' end{% endfor %},
        case when d._line is not null then '(_source_file, _line) loaded more than once' end
    ) as problem
from {{ model }} as t
left join duplicated as d
    on d._source_file = t._source_file and d._line = t._line
where d._line is not null
    {%- if key_column %} or t.{{ adapter.quote(key_column) }} is null{% endif %}
    {%- for c in lineage_columns %} or t.{{ adapter.quote(c) }} is null{% endfor %}
{% endtest %}
