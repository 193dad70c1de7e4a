{# Revenue leakage findings (metrics.md section 9), one row per finding, with the amount at risk in
   the reporting currency, a detail a person can act on and the steward's latest decision.
   Money comparisons are done in DECIMAL (x 12 instead of / 12) so threshold edges are exact. #}
{% set grace = revops.int_var('billing_grace_days', 30, 0, 365) %}
{% set tolerance = revops.number_var('contract_tolerance', 0.02, 0, 1) %}
{% set dunning = revops.int_var('dunning_days', 30, 0, 365) %}
{% set rc = reporting_currency() %}
with daily_mrr as (
    select * from {{ ref('int_billing__account_daily_mrr') }}
),
won_deals as (
    select
        o.opportunity_id,
        o.opportunity_name,
        o.account_id,
        o.close_date,
        {{ date_add_days('o.close_date', grace) }} as window_end,
        o.amount,
        o.currency,
        o.amount_reporting
    from {{ ref('int_crm__opportunities') }} as o
    where o.is_won
      and o.is_closed
      and lower(o.opportunity_type) = 'new business'
      -- judged only once the whole window [CloseDate, CloseDate + grace] lies before as_of_date
      and {{ date_add_days('o.close_date', grace) }} < {{ as_of_date() }}
),
billed_in_window as (
    select distinct w.opportunity_id
    from won_deals as w
    inner join daily_mrr as d
        on d.account_id = w.account_id
       and d.mrr > 0
       and d.valid_from <= w.window_end
       and (d.valid_to is null or d.valid_to > w.close_date)
),
mrr_at_window_end as (
    select w.opportunity_id, coalesce(max(d.mrr), 0) as mrr
    from won_deals as w
    left join daily_mrr as d
        on d.account_id = w.account_id
       and d.valid_from <= w.window_end
       and (d.valid_to is null or d.valid_to > w.window_end)
    group by w.opportunity_id
),
account_invoices as (
    select i.invoice_id, i.created_at, ca.account_id
    from {{ ref('stg_billing__invoices') }} as i
    inner join {{ ref('int_billing__customer_accounts') }} as ca on ca.customer_id = i.customer_id
    where i.status in ('open', 'paid')
),
last_invoice as (
    select
        w.opportunity_id,
        max_by(ai.invoice_id, ai.created_at) as invoice_id,
        max(ai.created_at) as created_at
    from won_deals as w
    inner join account_invoices as ai
        on ai.account_id = w.account_id and cast(ai.created_at as date) <= w.window_end
    group by w.opportunity_id
),
deals as (
    select
        w.*,
        b.opportunity_id is not null as billed_in_window,
        m.mrr as window_end_mrr,
        cast(round(w.amount_reporting / 12, 6) as decimal(38, 6)) as contract_mrr,
        li.invoice_id as last_invoice_id,
        li.created_at as last_invoice_at,
        'Opportunity ' || coalesce('"' || w.opportunity_name || '" ', '') || w.opportunity_id
            || ' (New Business) won ' || {{ iso_date_text('w.close_date') }} || ' for '
            || coalesce({{ format_fixed('w.amount', 2) }} || ' ' || w.currency || '/year', 'an unknown amount')
            || coalesce(' = ' || {{ format_fixed('w.amount_reporting / 12', 2) }} || ' ' || {{ rc }} || ' MRR', '')
            as deal_text
    from won_deals as w
    left join billed_in_window as b on b.opportunity_id = w.opportunity_id
    left join mrr_at_window_end as m on m.opportunity_id = w.opportunity_id
    left join last_invoice as li on li.opportunity_id = w.opportunity_id
),
won_not_billed as (
    select
        'won_not_billed' as leakage_type,
        account_id,
        opportunity_id as reference_id,
        cast(date_trunc('month', close_date) as date) as detected_for_month,
        contract_mrr as amount_at_risk_mrr,
        deal_text || '; account ' || coalesce(account_id, '(none)') || ' had no MRR on any day from '
            || {{ iso_date_text('close_date') }} || ' to ' || {{ iso_date_text('window_end') }}
            || ' (' || {{ grace }} || '-day grace window)'
            || coalesce('; its last invoice before then was ' || last_invoice_id || ' of '
                        || {{ iso_date_text('last_invoice_at') }}, '; it has no invoice by then')
            || '. Bill the deal or close it out.' as detail
    from deals
    where not billed_in_window
),
billed_below_contract as (
    select
        'billed_below_contract' as leakage_type,
        account_id,
        opportunity_id as reference_id,
        cast(date_trunc('month', close_date) as date) as detected_for_month,
        cast(contract_mrr - window_end_mrr as decimal(38, 6)) as amount_at_risk_mrr,
        deal_text || '; account ' || account_id || ' was billed MRR ' || {{ format_fixed('window_end_mrr', 2) }} || ' '
            || {{ rc }} || ' on ' || {{ iso_date_text('window_end') }} || ' (end of the ' || {{ grace }}
            || '-day grace window), ' || {{ format_fixed('contract_mrr - window_end_mrr', 2) }} || ' below contract'
            || coalesce(' (last invoice ' || last_invoice_id || ' of ' || {{ iso_date_text('last_invoice_at') }} || ')', '')
            || '. Check the price, quantity and discounts billed against the contract.' as detail
    from deals
    where billed_in_window
      and amount_reporting is not null
      -- MRR < Amount / 12 x (1 - tolerance), compared as MRR x 12 < Amount x (1 - tolerance)
      and window_end_mrr * 12 < amount_reporting * (1 - {{ tolerance }})
),
invoice_mrr as (
    select invoice_id, sum(mrr) as recurring_mrr
    from {{ ref('int_billing__recurring_line_mrr') }}
    group by invoice_id
),
unpaid as (
    select
        i.invoice_id,
        i.customer_id,
        ca.account_id,
        i.status,
        i.currency,
        i.total,
        i.amount_remaining,
        i.created_at,
        i.due_at,
        {{ dbt.datediff('cast(i.due_at as date)', as_of_date(), 'day') }} as days_past_due,
        cast(round(coalesce(im.recurring_mrr, 0), 6) as decimal(38, 6)) as recurring_mrr
    from {{ ref('stg_billing__invoices') }} as i
    left join {{ ref('int_billing__customer_accounts') }} as ca on ca.customer_id = i.customer_id
    left join invoice_mrr as im on im.invoice_id = i.invoice_id
    where cast(i.created_at as date) <= {{ as_of_date() }}
      and (
        (i.status = 'open' and {{ dbt.datediff('cast(i.due_at as date)', as_of_date(), 'day') }} > {{ dunning }})
        or i.status = 'uncollectible'
      )
),
unpaid_invoice as (
    select
        'unpaid_invoice' as leakage_type,
        account_id,
        invoice_id as reference_id,
        cast(date_trunc('month', coalesce(due_at, created_at)) as date) as detected_for_month,
        recurring_mrr as amount_at_risk_mrr,
        'Invoice ' || invoice_id || ' of customer ' || customer_id || ' (account ' || coalesce(account_id, customer_id)
            || '), created ' || {{ iso_date_text('created_at') }}
            || coalesce(', due ' || {{ iso_date_text('due_at') }}, '')
            || ', total ' || coalesce({{ format_fixed('total', 2) }}, '?') || ' ' || currency
            || ', ' || coalesce({{ format_fixed('amount_remaining', 2) }}, '?') || ' ' || currency || ' remaining, '
            || case
                 when status = 'uncollectible' then 'marked uncollectible'
                 else 'open ' || days_past_due || ' days past due (dunning after ' || {{ dunning }} || ' days)'
               end
            || '; recurring MRR ' || {{ format_fixed('recurring_mrr', 2) }} || ' ' || {{ rc }}
            || case when status = 'uncollectible' then '. Recover the debt or stop the service.'
                    else '. Chase the payment.' end as detail
    from unpaid
),
billing_without_crm as (
    select
        'billing_without_crm' as leakage_type,
        ca.account_id,
        ca.customer_id as reference_id,
        cast(date_trunc('month', {{ as_of_date() }}) as date) as detected_for_month,
        d.mrr as amount_at_risk_mrr,
        'Billing customer ' || ca.customer_id || coalesce(' "' || c.customer_name || '"', '')
            || coalesce(' <' || c.email || '>', '') || ' has MRR ' || {{ format_fixed('d.mrr', 2) }} || ' ' || {{ rc }}
            || ' on ' || {{ iso_date_text(as_of_date()) }} || ' but no CRM account ('
            || case ca.link_method
                 when 'missing_customer' then 'the customer is missing from the customer export'
                 else 'no metadata.crm_account_id naming an Account and no unique Account with its email domain'
               end
            || '). Create or link the CRM account so the revenue is owned.' as detail
    from {{ ref('int_billing__customer_accounts') }} as ca
    inner join daily_mrr as d
        on d.account_id = ca.customer_id
       and d.valid_from <= {{ as_of_date() }}
       and (d.valid_to is null or d.valid_to > {{ as_of_date() }})
       and d.mrr > 0
    left join {{ ref('stg_billing__customers') }} as c on c.customer_id = ca.customer_id
    where ca.crm_account_id is null
),
findings as (
    select * from won_not_billed
    union all select * from billed_below_contract
    union all select * from unpaid_invoice
    union all select * from billing_without_crm
)
select
    f.leakage_type,
    f.account_id,
    f.reference_id,
    f.detected_for_month,
    f.amount_at_risk_mrr,
    f.detail,
    coalesce(s.decision, 'open') as review_status,
    s.decided_by as reviewed_by,
    s.decided_at as reviewed_at,
    s.note as review_note
from findings as f
left join {{ ref('stg_steward__leakage_decisions') }} as s
    on s.leakage_type = f.leakage_type and s.reference_id = f.reference_id
