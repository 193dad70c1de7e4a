"""Upsell candidates and product recommendations as Salesforce Tasks a rep loads with Data Loader
or a Bulk API 2.0 insert job (same CSV rules as salesforce.py).

Fields (Object Reference, Task,
https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_task.htm):
Subject (255 characters), WhatId (the related Account, 18-character Id), OwnerId (Assigned To:
the Account's owner; empty when unknown, so Salesforce assigns the loading user), Status (picklist;
"Not Started" is the standard default), Priority (picklist High / Normal / Low), Description
(Comments). ActivityDate (due date) is left out: the warehouse does not record its as_of date,
and a date invented here would be wrong; the rep sets it.

Only accounts that exist in the CRM are written (a billing customer without a CRM account has no
Id to relate a Task to; revenue_leakage flags those as billing_without_crm). Upsell candidates
with suggested_offer 'none' get no task. Rows: upsell by rank, then recommendations by account
and rank.
"""

from __future__ import annotations

import duckdb

from .files import SALESFORCE, ExportFile
from ..salesforce_ids import sf_id18

OFFER_SUBJECT = {"add_seats": "Upsell: add seats", "upgrade_plan": "Upsell: upgrade plan",
                 "annual_plan": "Upsell: annual plan"}


def task_file(con: duckdb.DuckDBPyConnection) -> ExportFile:
    upsell = con.execute("""
        select u.account_id, a.owner_id, u.suggested_offer, u.is_hot = 1, u.reason, u.rank,
               printf('%.3f', u.score)
        from marts.upsell_candidates as u
        join staging.stg_crm__account as a on a.account_id = u.account_id
        where u.suggested_offer <> 'none'
        order by u.rank""").fetchall()
    recs = con.execute("""
        select r.account_id, a.owner_id, coalesce(p.product_name, r.product_id), r.product_id,
               coalesce(b.product_name, r.because_of), r.because_of,
               printf('%.2f', r.lift), printf('%.3f', r.confidence), r.rank
        from marts.product_recommendations as r
        join staging.stg_crm__account as a on a.account_id = r.account_id
        left join staging.stg_billing__products as p on p.product_id = r.product_id
        left join staging.stg_billing__products as b on b.product_id = r.because_of
        order by r.account_id, r.rank""").fetchall()
    body = []
    for account, owner, offer, hot, reason, rank, score in upsell:
        body.append([OFFER_SUBJECT[offer], sf_id18(account), sf_id18(owner) or "", "Not Started",
                     "High" if hot else "Normal", f"{reason} (upsell rank {rank}, score {score})"])
    for account, owner, name, pid, because, because_id, lift, conf, rank in recs:
        body.append([f"Cross-sell: {name}", sf_id18(account), sf_id18(owner) or "", "Not Started", "Normal",
                     f"Recommend {name} ({pid}): the account has {because} ({because_id}); accounts with "
                     f"{because} hold {name} at lift {lift}, confidence {conf} (recommendation {rank} "
                     f"for this account)"])
    return ExportFile("salesforce", "Task_upsell_insert", "Salesforce", "Task", "insert", [
        "Subject", "WhatId", "OwnerId", "Status", "Priority", "Description"], body, SALESFORCE)
