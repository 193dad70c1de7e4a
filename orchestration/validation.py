"""Checks of dbt vars before a build starts (pure functions: the settings call them).

The rules are the ones the dbt macros in macros/vars.sql apply when they render a var into SQL;
checking them here first means a wrong value is reported before any file is ingested, in the
words of the message dbt would give, instead of failing late or being pasted into SQL.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class VarRule:
    kind: str  # "number", "int", "currency", "date"
    lo: float | None = None
    hi: float | None = None
    nullable: bool = False

    def expected(self) -> str:
        if self.kind == "number":
            return f"a number from {self.lo:g} to {self.hi:g}"
        if self.kind == "int":
            return f"a whole number from {self.lo:g} to {self.hi:g}"
        if self.kind == "currency":
            return "a three-letter currency code such as USD"
        return "a calendar date like 2025-06-30" + (" (or null)" if self.nullable else "")


# Every var in dbt_project.yml `vars:`; ranges as in macros/vars.sql for those models use.
DBT_VARS: dict[str, VarRule] = {
    "as_of_date": VarRule("date", nullable=True),
    "reporting_currency": VarRule("currency"),
    "gross_margin": VarRule("number", 0, 1),
    "cac_lag_months": VarRule("int", 0, 36),
    "attribution_lookback_days": VarRule("int", 1, 3650),
    "billing_grace_days": VarRule("int", 0, 365),
    "contract_tolerance": VarRule("number", 0, 1),
    "dunning_days": VarRule("int", 0, 365),
    "duplicate_match_threshold": VarRule("number", 0, 1),
    "affinity_min_accounts": VarRule("int", 1, 1000000),
    "send_time_min_messages": VarRule("int", 1, 1000000),
}


def _shown(value) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and not (isinstance(v, float) and not math.isfinite(v))


def _ok(rule: VarRule, v) -> bool:
    if v is None:
        return rule.nullable
    if rule.kind == "number":
        return _is_number(v) and rule.lo <= v <= rule.hi
    if rule.kind == "int":
        return _is_number(v) and float(v).is_integer() and rule.lo <= v <= rule.hi
    if rule.kind == "currency":
        return isinstance(v, str) and re.fullmatch(r"[A-Za-z]{3}", v) is not None
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return True
    if not isinstance(v, str) or re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) is None:
        return False
    try:
        dt.date.fromisoformat(v)
    except ValueError:
        return False
    return True


def validate_dbt_vars(values: dict) -> list[str]:
    """One message per problem (empty when every var is fine): an unknown name (a typo would
    otherwise be ignored silently), or a value of the wrong type or out of range. Each message
    names the var, the value and what is expected."""
    if not isinstance(values, dict):
        return [f"dbt vars must be a JSON object of name: value pairs, got {type(values).__name__}"]
    problems = []
    for name, v in values.items():
        rule = DBT_VARS.get(name)
        if rule is None:
            problems.append(f"unknown dbt var {name!r} (given {_shown(v)}); expected one of {', '.join(sorted(DBT_VARS))}")
        elif not _ok(rule, v):
            problems.append(f"dbt var {name} is {_shown(v)}; expected {rule.expected()}")
    return problems
