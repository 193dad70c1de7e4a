"""HubSpot files: the email verification status of every contact address, and an opt-out
(suppression) list of the invalid and risky ones.

Format (HubSpot Knowledge Base, "Set up import files",
https://knowledge.hubspot.com/import-and-export/set-up-your-import-file): a .csv with one header
row whose column headers correspond to HubSpot properties (a custom property must exist first),
fewer than 1,000 columns, UTF-8; contacts are de-duplicated on Email, so Email is the unique key
that updates an existing contact; 1,048,576 rows per file and 20 MB (free tools) or 512 MB
(paid) per file. Headers are property internal names (``email``, ``revops_email_status``); a
multiple-checkboxes property takes its values separated by semicolons (HubSpot properties API,
https://developers.hubspot.com/docs/api/crm/properties). An empty cell leaves a property as it
is: an import never clears a value.

Opt-out list (HubSpot Knowledge Base, "Import an opt-out list",
https://knowledge.hubspot.com/marketing-email/import-an-opt-out-list): a CSV with an Email column;
the addresses become ineligible for marketing email and are not added as contacts.

Addresses: HubSpot matches the address a contact has, not this warehouse's normalised form (which
drops +tags and Gmail dots), so each file lists every address as carried by a CRM or billing
record, trimmed and lower-cased, with the status of its normalised email. A value that is not an
email at all (kept as given by dq_email_verification) is left out: HubSpot rejects the row.
"""

from __future__ import annotations

import duckdb

from .files import HUBSPOT, ExportFile

_ADDRESSES = """
    select distinct lower(trim(r.email_raw)) as address, v.status, v.reasons, v.suggested_email
    from intermediate.int_dq__email_records as r
    join marts.dq_email_verification as v on v.email = r.email
    where r.is_normalized
"""


def email_status(con: duckdb.DuckDBPyConnection) -> ExportFile:
    rows = con.execute(f"""
        select address, status, array_to_string(reasons, ';'), coalesce(suggested_email, '')
        from ({_ADDRESSES}) order by address""").fetchall()
    return ExportFile("hubspot", "contacts_email_status", "HubSpot", "Contact", "import (create and update)", [
        "email", "revops_email_status", "revops_email_reasons", "revops_suggested_email"],
        [list(r) for r in rows], HUBSPOT)


def suppression_list(con: duckdb.DuckDBPyConnection) -> ExportFile:
    rows = con.execute(f"""
        select address from ({_ADDRESSES}) where status in ('invalid', 'risky') order by address""").fetchall()
    return ExportFile("hubspot", "opt_out_invalid_and_risky", "HubSpot", "Contact", "opt-out list import",
                      ["Email"], [list(r) for r in rows], HUBSPOT)


def hubspot_files(con: duckdb.DuckDBPyConnection) -> list[ExportFile]:
    return [email_status(con), suppression_list(con)]
