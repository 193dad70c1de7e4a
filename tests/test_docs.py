"""The documentation in docs/ travels with the code: every link into it resolves, every mart's
columns are the ones docs/metrics.md lists, every landing object's columns the ones
docs/landing.md lists. Reads files only (no warehouse)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from orchestration.landing import contract

PROJECT = Path(__file__).resolve().parents[1]
DOCS = PROJECT / "docs"


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def sections(path: Path) -> dict[str, str]:
    """Anchor -> the text under that heading (up to the next heading of any level)."""
    out: dict[str, str] = {}
    current, body = None, []
    for line in path.read_text().splitlines():
        m = re.match(r"^#{1,6} (.+)$", line)
        if m:
            if current is not None:
                out[current] = "\n".join(body)
            base = slug(m.group(1))
            current, n = base, 1
            while current in out:  # GitHub numbers repeated headings
                current, n = f"{base}-{n}", n + 1
            body = []
        else:
            body.append(line)
    if current is not None:
        out[current] = "\n".join(body)
    return out


def table_rows(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if line.startswith("|") and not re.match(r"^\|[-| ]+\|$", line):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows[1:] if rows else rows  # without the header row


def names(cell: str) -> list[str]:
    return [n.strip().strip("`") for n in cell.split(",") if n.strip()]


def links() -> list[tuple[str, str, str]]:
    """(where, doc file, anchor) for every link into docs/ from the README, docs and model YAML."""
    found = []
    for md in [PROJECT / "README.md", *DOCS.glob("*.md")]:
        for target, anchor in re.findall(r"\]\(([^)#\s]*\.md)?#([^)\s]+)\)", md.read_text()):
            doc = (md.parent / target).resolve() if target else md
            found.append((md.name, str(doc), anchor))
        for target in re.findall(r"\]\(([^)#\s]+\.md)\)", md.read_text()):
            if re.match(r"^[a-z]+://", target):  # a page on the web, not a file of the project
                continue
            found.append((md.name, str((md.parent / target).resolve()), ""))
    for yml in PROJECT.glob("models/**/*.yml"):
        for target, anchor in re.findall(r"(docs/\w+\.md)#([\w-]+)", yml.read_text()):
            found.append((str(yml.relative_to(PROJECT)), str(PROJECT / target), anchor))
    return found


def test_every_link_into_the_docs_resolves():
    found = links()
    assert any(a == "account" for _, _, a in found)  # the sources file is among them
    broken = []
    for where, doc, anchor in found:
        path = Path(doc)
        if not path.exists():
            broken.append(f"{where}: {doc} does not exist")
        elif anchor and anchor not in sections(path):
            broken.append(f"{where}: no heading for #{anchor} in {path.name}")
    assert broken == []


def test_no_reference_to_files_outside_the_repository():
    offenders = []
    for path in [PROJECT / "README.md", *DOCS.glob("*.md"), *PROJECT.glob("models/**/*.yml"),
                 *PROJECT.glob("models/**/*.sql"), *PROJECT.glob("orchestration/**/*.py")]:
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\.\./shared|(?<![\w.])/work/|shared/spec", line):
                offenders.append(f"{path.relative_to(PROJECT)}:{n}: {line.strip()}")
    assert offenders == []


def mart_models() -> dict[str, dict]:
    models = {}
    for yml in PROJECT.glob("models/marts/**/_*.yml"):
        for model in (yaml.safe_load(yml.read_text()) or {}).get("models", []):
            models[model["name"]] = model
    return models


def test_every_mart_points_at_its_definition_and_lists_the_same_columns():
    docs = sections(DOCS / "metrics.md")
    models = mart_models()
    assert "forecast_accuracy_quarterly" in models
    problems = []
    for name, model in sorted(models.items()):
        if not model.get("description", "").rstrip().endswith(f"Definition: docs/metrics.md#{name}"):
            problems.append(f"{name}: the model description does not end with 'Definition: docs/metrics.md#{name}'")
        if name not in docs:
            problems.append(f"{name}: docs/metrics.md has no heading ### `{name}`")
            continue
        documented = {n for row in table_rows(docs[name]) for n in names(row[0])}
        in_yaml = {c["name"] for c in model.get("columns", [])}
        if in_yaml - documented:
            problems.append(f"{name}: columns missing from docs/metrics.md: {sorted(in_yaml - documented)}")
        if documented - in_yaml:
            problems.append(f"{name}: docs/metrics.md lists columns the model does not have: {sorted(documented - in_yaml)}")
    assert problems == []


def test_every_landing_object_is_documented_with_its_columns():
    docs = sections(DOCS / "landing.md")
    problems = []
    for obj in contract.OBJECTS:
        anchor = obj.name.lower()
        if anchor not in docs:
            problems.append(f"{obj.folder}: docs/landing.md has no heading ### `{obj.name}`")
            continue
        rows = {n: row for row in table_rows(docs[anchor]) for n in names(row[0])}
        for col in obj.columns:
            if col.name not in rows:
                problems.append(f"{obj.folder}: column {col.name} is not documented")
            elif col.required != rows[col.name][-1].startswith("required"):
                problems.append(f"{obj.folder}: column {col.name} is {'' if col.required else 'not '}required in the contract")
        if obj.shape == "tabular" and set(rows) - set(obj.column_names):
            problems.append(f"{obj.folder}: documented columns not in the contract: {sorted(set(rows) - set(obj.column_names))}")
    assert problems == []


def test_the_slug_rule_matches_github():
    assert slug("`OpportunityHistory`") == "opportunityhistory"
    assert slug("What is rejected, and why") == "what-is-rejected-and-why"
    assert slug("Sales, forecast and funnel (metrics.md sections 6-7)") == "sales-forecast-and-funnel-metricsmd-sections-6-7"
