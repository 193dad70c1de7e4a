"""Probabilistic record linkage of CRM people with splink 5 on DuckDB (metrics.md 10,
``marts.dq_duplicate_candidates``).

The model's parameters were set once (``python -m devtools.train_linkage``: u probabilities and
the prior estimated on generated data, m probabilities by judgement, see docs/decisions.md 72;
splink's EM gave a degenerate model here) and are stored in ``linkage_model.json`` beside this
file, so a build only scores pairs: it never trains, never samples at random and never needs the
network, and the same records always get the same probabilities.

Records are compared on features derived here (``features``): first name with nicknames mapped to
one canonical name, last name, the pair swapped (ForenameSurnameComparison has a level for that),
and the company: its domain (missing for free-mail, so neutral) or else its name. The email's user
name only blocks (finds pairs to compare); it is not evidence, because people with the same name
build the same user names (john.smith@ at two companies).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import duckdb
import pandas as pd

from ..settings import size_in_bytes

MODEL_JSON = Path(__file__).with_name("linkage_model.json")
FEATURES = ("record_id", "first_name", "last_name", "email", "email_user", "company_domain", "company_key")
_COMPANY_SUFFIX = re.compile(r"\b(inc|incorporated|llc|ltd|limited|gmbh|ag|sa|sas|bv|nv|kk|plc|corp|corporation|co|company|group)\b\.?")


def plain(text) -> str | None:
    """Lower-case, accents removed, non-letters to single spaces; None when nothing is left."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None
    s = unicodedata.normalize("NFKD", str(text))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = re.sub(r"[^a-z0-9]+", " ", s).strip()
    return s or None


PLACEHOLDER_COMPANIES = {"not provided", "n a", "na", "none", "unknown", "private", "self", "self employed", "individual"}


def company_key(name) -> str | None:
    s = plain(name)
    if s is None or s in PLACEHOLDER_COMPANIES:
        return None
    s = re.sub(r"\s+", " ", _COMPANY_SUFFIX.sub(" ", s)).strip()
    return s.replace(" ", "") or None


def _value(v):
    return None if v is None or pd.isna(v) else str(v)


def features(records: pd.DataFrame, nicknames: dict[str, str], role_locals: set[str]) -> pd.DataFrame:
    """The comparison columns of each record (columns of int_dq__person_records in, FEATURES out).
    Built as plain Python lists: pandas would turn a missing value into NaN, splink needs NULL."""
    rows = []
    for rec in records[["record_id", "first_name", "last_name", "email_normalized", "company_domain",
                        "company"]].itertuples(index=False):
        first = plain(_value(rec.first_name))
        first = None if first is None else nicknames.get(first, first)
        email = _value(rec.email_normalized)
        user = None if email is None else email.split("@", 1)[0]
        # a role mailbox's user name (info@, sales@) says nothing about the person
        if user is not None:
            user = None if user in role_locals else re.sub(r"[._-]", "", user)
        rows.append((str(rec.record_id), first, plain(_value(rec.last_name)), email, user or None,
                     _value(rec.company_domain), company_key(_value(rec.company))))
    return pd.DataFrame.from_records(rows, columns=list(FEATURES)).astype(object)


def settings():
    """The model's structure (comparisons and blocking rules), without trained parameters."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=[
            cl.ForenameSurnameComparison("first_name", "last_name", jaro_winkler_thresholds=[0.92]),
            # one comparison for the company, so a shared domain and a shared company name (which
            # say the same thing) are not counted twice
            cl.CustomComparison(
                output_column_name="company",
                comparison_levels=[
                    {"sql_condition": "(company_domain_l is null or company_domain_r is null) "
                                      "and (company_key_l is null or company_key_r is null)",
                     "label_for_charts": "company unknown", "is_null_level": True},
                    {"sql_condition": "company_domain_l = company_domain_r", "label_for_charts": "same company domain"},
                    {"sql_condition": "company_key_l = company_key_r", "label_for_charts": "same company name"},
                    {"sql_condition": "ELSE", "label_for_charts": "different company"},
                ],
            ),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("last_name", "substr(first_name, 1, 1)"),
            block_on("first_name", "company_key"),
            block_on("first_name", "company_domain"),
            block_on("email_user"),
            "l.first_name = r.last_name and l.last_name = r.first_name",
        ],
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
    )


# The share of dbt's DuckDB memory_limit that scoring's own DuckDB may hold before it spills: at
# 100,000 sample accounts (514,135 records) scoring without a limit grew to 4.5 GB beside dbt's
# database, half of dbt's 2 GiB held it to 1.8 GB, same pairs, same time (decision 120).
SCORING_MEMORY_SHARE = 0.5


def memory_bytes(setting: str) -> int:
    """Bytes of a DuckDB memory setting as ``current_setting('memory_limit')`` shows it
    (``2.0 GiB``, ``512.0 MiB``, ``2147483648B``)."""
    value = size_in_bytes(setting, whole=False)
    if value is None:
        raise ValueError(f"not a DuckDB memory size: {setting!r}")
    return value


def score(feats: pd.DataFrame, threshold: float, model_json: Path = MODEL_JSON, *,
          memory_limit_bytes: int | None = None, spill_to: str | Path | None = None) -> pd.DataFrame:
    """Pairs scored at or above ``threshold``: record_id_l < record_id_r, match_probability,
    match_weight. Runs in its own in-memory DuckDB with one thread, so the order of work (and the
    floating-point sums) never changes between runs. That DuckDB holds at most
    ``memory_limit_bytes`` and spills to ``spill_to`` beyond it (DuckDB's default limit is 80%
    of the machine's memory, which the blocked pairs of a large CRM reach)."""
    from splink import DuckDBAPI, Linker

    if len(feats) < 2:
        return pd.DataFrame({"record_id_l": [], "record_id_r": [], "match_probability": [], "match_weight": []})
    con = duckdb.connect(":memory:")
    try:
        con.execute("set threads = 1")
        if memory_limit_bytes is not None:
            con.execute(f"set memory_limit = '{int(memory_limit_bytes)}B'")
        if spill_to is not None:
            con.execute("set temp_directory = " + "'" + str(spill_to).replace("'", "''") + "'")
        db_api = DuckDBAPI(connection=con)
        df = db_api.register(feats, dataset_display_name="people")
        linker = Linker(df, str(model_json), validate_settings=True, log_level="ERROR")
        pred = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    finally:
        con.close()
    pred = pred[["record_id_l", "record_id_r", "match_probability", "match_weight"]].copy()
    swap = pred["record_id_l"] > pred["record_id_r"]
    pred.loc[swap, ["record_id_l", "record_id_r"]] = pred.loc[swap, ["record_id_r", "record_id_l"]].values
    return pred.sort_values(["record_id_l", "record_id_r"]).reset_index(drop=True)


def best_per_entity_pair(pairs, entity_of: dict[str, str], rejected: set[tuple[str, str]]):
    """One proposal per pair of people: records already in one duplicate cluster are one entity
    (its cluster), so a new record matching three records of a cluster is proposed once, by its
    most probable pair (ties: the smaller record ids). Pairs within one entity are dropped, and so
    are entity pairs a steward rejected through any of their records. ``pairs``: iterable of
    (record_id_a, record_id_b, probability, weight) with a < b."""
    def ent(r):
        return entity_of.get(r, r)

    def key(a, b):
        ea, eb = ent(a), ent(b)
        return (ea, eb) if ea <= eb else (eb, ea)

    blocked = {key(a, b) for a, b in rejected}
    best: dict[tuple[str, str], tuple] = {}
    for a, b, p, w in pairs:
        k = key(a, b)
        if k[0] == k[1] or k in blocked:
            continue
        cur = best.get(k)
        if cur is None or p > cur[2] or (p == cur[2] and (a, b) < (cur[0], cur[1])):
            best[k] = (a, b, p, w)
    return sorted(best.values())
