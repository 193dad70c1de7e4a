"""Estimate the linkage model once and store it (``orchestration/dq/linkage_model.json``).

Usage: ``python -m devtools.train_linkage --warehouse FILE`` on a warehouse built from
generated data (``revops generate --accounts 20000`` then ``revops build``). u probabilities come
from random sampling with a fixed seed, m probabilities from expectation maximisation on blocked
pairs, the prior from pairs the deterministic rules link. Builds only read the stored JSON.

m probabilities are set here (``M_PROBABILITIES``), not estimated: EM on the generated CRM
converged to a degenerate model (the many converted-lead / contact pairs of one person dominate
every blocked sample, so "same first name, other last name at the same company" came out as
strong evidence of a match and family members were merged). The m values below say how often
each level occurs among true duplicates, which is judgement written down; u (how often among
non-matches) and the prior are estimated from the data.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb

from orchestration.dq.linkage import MODEL_JSON, features, settings

SEED = 20250101


def load_features(warehouse: Path):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        records = con.execute("select * from intermediate.int_dq__person_records order by record_id").df()
        nick = dict(con.execute("select lower(nickname), lower(canonical) from seeds.first_name_nicknames").fetchall())
        roles = {r[0] for r in con.execute("select lower(local_part) from seeds.role_accounts").fetchall()}
    finally:
        con.close()
    return features(records, nick, roles)


M_PROBABILITIES = {
    # exact both, swapped, both Jaro-Winkler >= 0.92, exact last name only, exact first name only, else
    "first_name_last_name": [0.80, 0.06, 0.10, 0.005, 0.02, 0.015],
    # same domain, same company name (one side without a domain), different company
    "company": [0.85, 0.10, 0.05],
}


def _set_m(model: dict) -> dict:
    for comp in model["comparisons"]:
        ms = iter(M_PROBABILITIES[comp["output_column_name"]])
        for level in comp["comparison_levels"]:
            if not level.get("is_null_level"):
                level["m_probability"] = next(ms)
    return model


def train(feats, out: Path = MODEL_JSON) -> dict:
    from splink import DuckDBAPI, Linker, block_on

    con = duckdb.connect(":memory:")
    con.execute("set threads = 1")
    db_api = DuckDBAPI(connection=con)
    df = db_api.register(feats, dataset_display_name="people")
    linker = Linker(df, settings(), log_level="WARNING")
    linker.training.estimate_probability_two_random_records_match(
        [block_on("email"), block_on("first_name", "last_name", "company_domain")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=SEED)
    model = _set_m(linker.misc.save_model_to_json(overwrite=True))
    con.close()
    out.write_text(json.dumps(model, indent=2, sort_keys=True) + "\n")
    return model


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--warehouse", required=True, type=Path)
    ap.add_argument("--out", type=Path, default=MODEL_JSON)
    args = ap.parse_args(argv)
    model = train(load_features(args.warehouse), args.out)
    print(f"wrote {args.out}: prior {model['probability_two_random_records_match']:.3g}")
    print(json.dumps([c["output_column_name"] for c in model["comparisons"]]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
