"""The landing contract as code agrees with the spec and with the dbt sources file."""

from __future__ import annotations

import re
from pathlib import Path

from orchestration.landing import contract, dbt_sources

SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec" / "landing.md"


def test_dbt_sources_file_is_generated_from_the_contract():
    committed = (Path(__file__).resolve().parents[1] / "models" / "staging" / "_sources.yml").read_text()
    assert committed == dbt_sources.render(), "run: .venv/bin/python -m orchestration.landing.dbt_sources"


def test_every_crm_object_of_the_spec_has_its_required_and_optional_columns():
    if not SPEC.exists():  # the spec sits beside the checkout on developer machines and in CI
        import pytest

        pytest.skip("shared/spec/landing.md not found beside the checkout")
    rows = re.findall(r"^\| `(\w+)` \| ([^|]+) \| ([^|]*) \|$", SPEC.read_text(), flags=re.M)
    crm = {name: (req, opt) for name, req, opt in rows if name[0].isupper()}
    assert len(crm) == 10
    for name, (req, opt) in crm.items():
        obj = contract.BY_FOLDER[f"crm/{name}"]
        assert set(obj.required) == {c.strip() for c in req.split(",")}, name
        assert set(obj.column_names) - set(obj.required) == {c.strip() for c in opt.split(",") if c.strip()}, name


def test_tables_and_folders_are_unique():
    assert len({o.table for o in contract.OBJECTS}) == len(contract.OBJECTS)
    assert len({o.folder for o in contract.OBJECTS}) == len(contract.OBJECTS)
    assert {o.source for o in contract.OBJECTS} == set(contract.SOURCES)
