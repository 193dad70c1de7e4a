"""Salesforce files: duplicate people (an update file per object and the pairs to merge or
convert) and leakage flags on Opportunities, for Data Loader or a Bulk API 2.0 ingest job.

Format (Bulk API 2.0 Developer Guide, "Prepare CSV Files",
https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/datafiles_prepare_csv.htm):
the first row holds the field names, each the field's API name (standard) or API name with
``__c`` (custom); UTF-8; comma-delimited, LF line endings (the job's default ``lineEnding``);
values holding a delimiter, a quote or a line break are double-quoted; an empty value leaves the
field unchanged on update and ``#N/A`` sets it to null ("Valid CSV Record Rows",
datafiles_csv_valid_record_rows.htm). Dates are ``yyyy-MM-dd`` ("Valid Date Format in Records",
datafiles_date_format.htm). Ids are the 18-character form (ids.py).

Merging is a judgement call (docs/exports.md): neither Data Loader nor Bulk API 2.0 has a merge
operation; merging is the SOAP ``merge()`` call / Apex ``merge`` (Lead, Contact, Account; up to
three records per request, the same master repeated for more;
https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_merge.htm), and a
Lead is never merged into a Contact: it is converted into the existing Contact (LeadConvert with
a contactId). So the export writes (1) an update file per object that an admin loads with Data
Loader / Bulk API 2.0 to mark every duplicate with its survivor (custom fields), and (2) pairs
files for whatever merge tool the org uses: ``MasterRecordId,RecordToMergeId`` per same-object
pair (the MergeRequest's masterRecord / recordToMergeIds) and ``LeadId,ContactId,AccountId`` for
Leads whose survivor is a Contact.
"""

from __future__ import annotations

import duckdb

from .files import SALESFORCE, ExportFile
from ..salesforce_ids import sf_id18

CLEAR = "#N/A"  # Bulk API 2.0 / Data Loader: set the field to null


def _text(v) -> str:
    return "" if v is None else str(v)


def duplicate_updates(con: duckdb.DuckDBPyConnection) -> list[ExportFile]:
    """Per object, every record of a duplicate cluster: its survivor (cleared with #N/A on the
    survivor itself, so a record that became the survivor loses an old mark), the rule and the
    cluster."""
    rows = con.execute("""
        select object, record_id, survivor_record_id, is_survivor, match_rule, cluster_id
        from marts.dq_duplicate_people order by object, record_id""").fetchall()
    out = []
    for obj in ("Contact", "Lead"):
        body = [[sf_id18(rid), CLEAR if surv else sf_id18(survivor), rule, sf_id18(cluster)]
                for o, rid, survivor, surv, rule, cluster in rows if o == obj]
        out.append(ExportFile("salesforce", f"{obj}_duplicates_update", "Salesforce", obj, "update", [
            "Id", "RevOps_Duplicate_Of__c", "RevOps_Duplicate_Rule__c", "RevOps_Duplicate_Cluster__c"], body, SALESFORCE))
    return out


def merge_pairs(con: duckdb.DuckDBPyConnection) -> list[ExportFile]:
    rows = con.execute("""
        select d.object, s.object as survivor_object, d.survivor_record_id, d.record_id, c.account_id
        from marts.dq_duplicate_people as d
        join marts.dq_duplicate_people as s on s.record_id = d.survivor_record_id
        left join staging.stg_crm__contact as c on c.contact_id = d.survivor_record_id
        where not d.is_survivor
        order by d.survivor_record_id, d.record_id""").fetchall()
    out = []
    for obj in ("Contact", "Lead"):
        body = [[sf_id18(master), sf_id18(dup)] for o, so, master, dup, _ in rows if o == obj and so == obj]
        out.append(ExportFile("salesforce", f"{obj}_merge_pairs", "Salesforce", obj, "merge",
                              ["MasterRecordId", "RecordToMergeId"], body, SALESFORCE))
    body = [[sf_id18(dup), sf_id18(master), _text(sf_id18(account)), "true"]
            for o, so, master, dup, account in rows if o == "Lead" and so == "Contact"]
    out.append(ExportFile("salesforce", "Lead_convert_to_contact", "Salesforce", "Lead", "convert",
                          ["LeadId", "ContactId", "AccountId", "DoNotCreateOpportunity"], body, SALESFORCE))
    return out


def leakage_on_opportunities(con: duckdb.DuckDBPyConnection) -> ExportFile:
    """Findings whose reference is an Opportunity (won_not_billed, billed_below_contract). Open
    and confirmed findings set the flag; dismissed and resolved ones clear it with #N/A, so a
    flag from an earlier export does not outlive the steward's decision. Money to the cent,
    rounded in DuckDB's decimal arithmetic (half away from zero), never through a float."""
    rows = con.execute("""
        select reference_id, leakage_type,
               cast(round(amount_at_risk_mrr, 2) as decimal(18, 2))::varchar,
               strftime(detected_for_month, '%Y-%m-%d'), review_status, detail
        from marts.revenue_leakage
        where leakage_type in ('won_not_billed', 'billed_below_contract')
        order by reference_id, leakage_type""").fetchall()
    body = []
    for ref, kind, amount, month, status, detail in rows:
        flagged = status in ("open", "confirmed")
        values = [kind, amount, month, status, detail] if flagged else [CLEAR] * 5
        body.append([sf_id18(ref), *values])
    return ExportFile("salesforce", "Opportunity_leakage_update", "Salesforce", "Opportunity", "update", [
        "Id", "RevOps_Leakage_Type__c", "RevOps_Leakage_MRR_At_Risk__c", "RevOps_Leakage_Month__c",
        "RevOps_Leakage_Status__c", "RevOps_Leakage_Detail__c"], body, SALESFORCE)


def salesforce_files(con: duckdb.DuckDBPyConnection) -> list[ExportFile]:
    return [*duplicate_updates(con), *merge_pairs(con), leakage_on_opportunities(con)]
