"""Probable duplicate people the deterministic rules miss (metrics.md 10): pairs of live Leads /
Contacts that splink scores at or above the dbt var ``duplicate_match_threshold`` and that are not
already in one cluster of dq_duplicate_people (an accepted steward pair is in one), nor rejected
by a steward (never proposed again). Records of one cluster count as one person: each pair of
people is proposed once, by its most probable record pair. The compared fields stand side by
side.

The linkage model is stored in the repo (orchestration/dq/linkage_model.json, set once by
devtools/train_linkage.py, docs/decisions.md 72); here it only scores, in a private in-memory DuckDB
(with half of dbt's memory limit, spilling beside dbt's database), so a build is deterministic and
offline. Scoring logic: orchestration/dq/linkage.py.
"""

import pandas as pd
import pyarrow as pa

SIDE = ("object", "first_name", "last_name", "email", "company", "company_domain")


def model(dbt, session):
    dbt.config(materialized="table")
    from orchestration.dq.linkage import SCORING_MEMORY_SHARE, best_per_entity_pair, features, memory_bytes, score

    threshold = float(dbt.config.get("duplicate_match_threshold") or 0.9)
    records = dbt.ref("int_dq__person_records").order("record_id").df()
    nick = dict(dbt.ref("first_name_nicknames").project("lower(trim(nickname)), lower(trim(canonical))").fetchall())
    roles = {r[0] for r in dbt.ref("role_accounts").project("lower(trim(local_part))").fetchall()}
    clusters = dict(dbt.ref("dq_duplicate_people").project("record_id, cluster_id").fetchall())
    rejected = set(dbt.ref("stg_steward__duplicate_decisions").filter("decision = 'reject'")
                   .project("record_id_a, record_id_b").fetchall())

    # scoring's own DuckDB gets a share of dbt's memory and spills beside dbt's (decision 120)
    limit, temp = session.execute("select current_setting('memory_limit'), current_setting('temp_directory')").fetchone()
    scored = score(features(records, nick, roles), threshold,
                   memory_limit_bytes=int(memory_bytes(limit) * SCORING_MEMORY_SHARE),
                   spill_to=f"{temp}/linkage" if temp else None)
    pairs = best_per_entity_pair(scored.itertuples(index=False), clusters, rejected)
    by_id = records.set_index("record_id")
    cols = {"record_id_a": [], "record_id_b": [], "match_probability": [], "match_weight": []}
    for side in ("a", "b"):
        for f in SIDE:
            cols[f"{f}_{side}"] = []
    for a, b, p, w in pairs:
        cols["record_id_a"].append(a)
        cols["record_id_b"].append(b)
        cols["match_probability"].append(float(p))
        cols["match_weight"].append(float(w))
        for side, rid in (("a", a), ("b", b)):
            row = by_id.loc[rid]
            for f in SIDE:
                src = "email_normalized" if f == "email" and not pd.isna(row.get("email_normalized")) else f
                v = row.get(src)
                cols[f"{f}_{side}"].append(None if v is None or pd.isna(v) else str(v))
    schema = [("record_id_a", pa.string()), ("record_id_b", pa.string()), ("match_probability", pa.float64()),
              ("match_weight", pa.float64())] + [(f"{f}_{s}", pa.string()) for s in ("a", "b") for f in SIDE]
    return pa.table(cols, schema=pa.schema(schema))
