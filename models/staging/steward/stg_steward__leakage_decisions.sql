{# Steward decisions on revenue-leakage findings (landing.md, steward/leakage_decisions): the
   latest decision per finding (leakage_type, reference_id) wins - latest decided_at, then the
   later file and row. Opportunity references are normalised to 18-character ids so that a
   15-character id typed by hand still matches its finding. #}
with typed as (
    select
        lower(trim(leakage_type)) as leakage_type,
        case
            when lower(trim(leakage_type)) in ('won_not_billed', 'billed_below_contract') then {{ sf_id18('reference_id') }}
            else trim(reference_id)
        end as reference_id,
        lower(trim(decision)) as decision,
        nullif(trim(decided_by), '') as decided_by,
        {{ parse_utc_timestamp('decided_at') }} as decided_at,
        nullif(trim(note), '') as note,
        _source_file,
        _line
    from {{ source('raw', 'steward_leakage_decisions') }}
)
select leakage_type, reference_id, decision, decided_by, decided_at, note, _source_file
from typed
qualify row_number() over (
    partition by leakage_type, reference_id order by decided_at desc, _source_file desc, _line desc) = 1
