{# Steward decisions on duplicate pairs (landing.md steward/duplicate_decisions). A pair is
   unordered: (a, b) and (b, a) are the same pair, keyed with the smaller Id first. The latest
   decision per pair wins: latest decided_at, then the later file, then the later row. #}
with decisions as (
    select
        {{ sf_id18('record_id_a') }} as id_a,
        {{ sf_id18('record_id_b') }} as id_b,
        lower(trim(decision)) as decision,
        nullif(trim(decided_by), '') as decided_by,
        {{ parse_utc_timestamp('decided_at') }} as decided_at,
        nullif(trim(note), '') as note,
        _source_file,
        _line
    from {{ source('raw', 'steward_duplicate_decisions') }}
)

select
    least(id_a, id_b) as record_id_a,
    greatest(id_a, id_b) as record_id_b,
    decision,
    decided_by,
    decided_at,
    note,
    _source_file
from decisions
where id_a <> id_b
qualify row_number() over (
    partition by least(id_a, id_b), greatest(id_a, id_b)
    order by decided_at desc, _source_file desc, _line desc
) = 1
