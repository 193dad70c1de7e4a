{# Salesforce Users (opportunity / account owners): latest version per Id. #}
with latest as (
    select *
    from {{ source('raw', 'crm_user') }}
    {{ latest_version(sf_id18('Id')) }}
)

select
    {{ sf_id18('Id') }} as user_id,
    nullif(trim(Name), '') as user_name,
    nullif(trim(Email), '') as email,
    nullif(trim(Title), '') as title,
    nullif(trim(Department), '') as department,
    case when nullif(trim(IsActive), '') is not null then {{ parse_bool('IsActive') }} end as is_active,
    {{ sf_id18('ManagerId') }} as manager_id
from latest
