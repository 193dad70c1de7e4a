{# Every live Lead and Contact with the person it belongs to (metrics.md 7):
   - a person is one normalised email across Contacts and Leads: person_id = the normalised email;
   - a record without a valid email is a person of its own: person_id = its record id;
   - a converted lead merges into its contact (ConvertedContactId, when that contact exists):
     it takes the contact's person_id, whatever its own email. #}
with contacts as (
    select * from {{ ref('stg_crm__contact') }}
),

leads as (
    select * from {{ ref('stg_crm__lead') }}
),

contact_records as (
    select
        contact_id as record_id,
        'Contact' as record_type,
        coalesce(email_normalized, contact_id) as person_id,
        email,
        email_normalized,
        lead_source,
        created_at,
        cast(null as {{ dbt.type_string() }}) as lead_id,
        contact_id,
        cast(null as {{ dbt.type_string() }}) as converted_opportunity_id,
        false as is_merged_by_conversion
    from contacts
),

lead_records as (
    select
        l.lead_id as record_id,
        'Lead' as record_type,
        coalesce(c.person_id, l.email_normalized, l.lead_id) as person_id,
        l.email,
        l.email_normalized,
        l.lead_source,
        l.created_at,
        l.lead_id,
        c.contact_id,
        l.converted_opportunity_id,
        (c.person_id is not null) as is_merged_by_conversion
    from leads as l
    left join contact_records as c
        on c.contact_id = l.converted_contact_id
)

select * from contact_records
union all
select * from lead_records
