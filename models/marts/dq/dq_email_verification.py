"""Offline email verification (metrics.md 10): one row per distinct normalised email of CRM people
and billing customers, with status, reason codes, a suggested correction for a likely typo, the
free-mail flag and how many records carry it.

Why Python: syntax is judged by the maintained email-validator library (deliverability look-ups
off, so no network), disposable domains come from the pinned disposable-email-domains package and
typo distances from rapidfuzz; none of these exist in SQL. Every reference list is a package
pinned in pyproject.toml or a seed (docs/email-verification.md), so the result is deterministic.
"""

import pyarrow as pa

# Fixed order of reason codes in `reasons`.
CODES = ("syntax", "disposable", "role", "typo", "free_mail")
INVALID = {"syntax", "disposable"}
RISKY = {"role", "typo"}


def _column(rel, name):
    return [r[0] for r in rel.project(name).fetchall()]


# A typo is one edit away from a common mail domain (OSA distance: a swap of two neighbouring
# letters, gmial.com, is one edit). Two edits reach real domains (hotmail.co.jp from
# hotmail.co.uk), so they are not reported.
TYPO_MAX_DISTANCE = 1


def suggest_domain(domain, common, known, osa):
    """The common mail domain `domain` is most likely a typo of, or None.

    A domain that is itself common, free-mail or a known company domain is no typo.
    Ties on distance go to the earlier domain of the seed (its rank)."""
    if domain in known:
        return None
    best = None
    for candidate in common:
        d = osa(domain, candidate, score_cutoff=TYPO_MAX_DISTANCE)
        if 0 < d <= TYPO_MAX_DISTANCE and (best is None or d < best[0]):
            best = (d, candidate)
    return None if best is None else best[1]


def verify(email, is_normalized, *, validate, disposable, roles, free, common, known, osa):
    """(status, reasons, suggested_email, is_free_mail) of one distinct email key."""
    if not is_normalized:
        return "invalid", ["syntax"], None, False
    try:
        validate(email, check_deliverability=False, allow_smtputf8=False)
    except Exception:  # email_validator.EmailNotValidError and its subclasses
        return "invalid", ["syntax"], None, False
    local, _, domain = email.rpartition("@")
    found = set()
    if domain in disposable:
        found.add("disposable")
    if local in roles:
        found.add("role")
    # a typo-squatting domain can be on the disposable list too (hotmial.com is): both apply
    suggestion = None
    sugg_domain = suggest_domain(domain, common, known, osa)
    if sugg_domain is not None:
        found.add("typo")
        suggestion = f"{local}@{sugg_domain}"
    is_free = domain in free
    if is_free:
        found.add("free_mail")
    reasons = [c for c in CODES if c in found]
    status = "invalid" if found & INVALID else "risky" if found & RISKY else "valid"
    return status, reasons, suggestion, is_free


def model(dbt, session):
    dbt.config(materialized="table")
    from disposable_email_domains import allowlist, blocklist
    from email_validator import validate_email
    from rapidfuzz.distance import OSA

    records = dbt.ref("int_dq__email_records")
    allow = {d.strip().lower() for d in _column(dbt.ref("disposable_domain_allowlist"), "domain") if d}
    disposable = {d.lower() for d in blocklist} - {d.lower() for d in allowlist} - allow
    roles = {r.strip().lower() for r in _column(dbt.ref("role_accounts"), "local_part") if r}
    free = {d.strip().lower() for d in _column(dbt.ref("free_email_domains"), "domain") if d}
    common_rows = dbt.ref("common_email_domains").order("rank, domain").project("domain").fetchall()
    common = [d.strip().lower() for (d,) in common_rows]
    known = set(common) | free | set(_column(dbt.ref("int_dq__email_domains_known"), "domain"))

    grouped = records.aggregate(
        "email, bool_and(is_normalized) as is_normalized, count(*) as records, "
        "count(*) filter (where object in ('Lead', 'Contact')) as crm_records, "
        "count(*) filter (where object = 'customer') as billing_records",
        "email",
    ).order("email").fetchall()

    out = {k: [] for k in ("email", "status", "reasons", "suggested_email", "is_free_mail", "records",
                           "crm_records", "billing_records", "domain")}
    for email, is_normalized, n, n_crm, n_billing in grouped:
        status, reasons, suggestion, is_free = verify(
            email, is_normalized, validate=validate_email, disposable=disposable, roles=roles, free=free,
            common=common, known=known, osa=OSA.distance)
        out["email"].append(email)
        out["status"].append(status)
        out["reasons"].append(reasons)
        out["suggested_email"].append(suggestion)
        out["is_free_mail"].append(is_free)
        out["records"].append(n)
        out["crm_records"].append(n_crm)
        out["billing_records"].append(n_billing)
        out["domain"].append(email.rpartition("@")[2] if is_normalized else None)
    schema = pa.schema([("email", pa.string()), ("status", pa.string()), ("reasons", pa.list_(pa.string())),
                        ("suggested_email", pa.string()), ("is_free_mail", pa.bool_()), ("records", pa.int64()),
                        ("crm_records", pa.int64()), ("billing_records", pa.int64()), ("domain", pa.string())])
    return pa.table(out, schema=schema)
