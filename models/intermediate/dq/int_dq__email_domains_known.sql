{# Domains known to be real in this warehouse: CRM Account Website domains. A domain listed here
   is never reported as a typo of a common mail domain (a company may own mail.co or gmx.co). #}
select distinct website_domain as domain
from {{ ref('stg_crm__account') }}
where website_domain is not null
