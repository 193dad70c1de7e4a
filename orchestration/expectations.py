"""Great Expectations suites kept as data (expectations/*.json) and run on pandas DataFrames.

A suite file names the asset it checks, whether a failure blocks publishing, a SQL query that
returns the rows to validate (it may join or reconcile several tables) and a list of GX
expectations by their snake_case type::

    {"name": "mrr_by_account_month", "asset": ["marts", "mrr_by_account_month"], "blocking": true,
     "description": "...", "query": "select ... from marts.mrr_by_account_month",
     "row_id": ["account_id", "month"],
     "expectations": [{"type": "expect_column_values_to_not_be_null",
                       "kwargs": {"column": "account_id"}, "meta": {"why": "..."}}]}

``query`` is a string or a list of lines (joined with newlines). It names the relations it reads
as dbt does, ``{{ ref('model_or_seed') }}`` and ``{{ source('raw', 'table') }}``, never by schema:
they are resolved from dbt's manifest (target/manifest.json) to ``schema.identifier``, and the
assets they belong to become the check's upstream in Dagster (``Suite.reads``), so the lineage in
the UI names what the check really reads. ``row_id`` (optional) names the columns that identify a
row in failure messages. A query may use the named parameter ``$as_of_date`` (the build's
as_of_date, a DATE).

GX 1.x runs in an ephemeral context on a pandas DataFrame read from DuckDB (stack-notes.md: GX's
SQL datasource over duckdb-engine returns empty metrics). ``great_expectations`` takes 3-4 s to
import, so it is imported lazily, once per process, and only when a suite is validated.
Everything here is a plain function of its inputs; the Dagster wiring is in assets/checks.py.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .settings import expectations_dir, quiet_third_party_telemetry

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")  # a valid Dagster check name
PARAM_RE = re.compile(r"\$(as_of_date)\b")
RELATION_RE = re.compile(
    r"\{\{\s*(?P<kind>ref|source)\(\s*(?P<args>(?:'[^']*'|\"[^\"]*\")(?:\s*,\s*(?:'[^']*'|\"[^\"]*\"))*)\s*\)\s*\}\}")
SAMPLE_SIZE = 5  # unexpected values shown per failed expectation
FAILING_ROWS = 10  # failing rows shown per failed suite (metadata "failing_rows")


class SuiteError(ValueError):
    """A suite file that is not well-formed."""


@dataclass(frozen=True)
class Suite:
    name: str
    asset: tuple[str, ...]
    blocking: bool
    description: str
    query: str
    expectations: tuple[dict, ...]
    row_id: tuple[str, ...] = ()
    path: Path | None = None
    reads: tuple[tuple[str, ...], ...] = ()  # asset keys of the relations the query reads


@dataclass
class SuiteResult:
    suite: str
    passed: bool
    evaluated: int = 0  # expectations evaluated
    failed: int = 0  # expectations failed
    rows: int = 0  # rows the query returned
    failures: list[str] = field(default_factory=list)  # human-readable, one per failed expectation
    error: str | None = None  # the query or the validation could not run
    seconds: float = 0.0
    failing_rows: str = ""  # a sample of the rows that failed, as a markdown table

    def summary(self) -> str:
        if self.error:
            return f"suite {self.suite} could not run: {self.error}"
        if self.passed:
            return f"{self.evaluated} expectation(s) passed on {self.rows} row(s)"
        return f"{self.failed} of {self.evaluated} expectation(s) failed on {self.rows} row(s)"

    def failure_text(self) -> str:
        """What failed, one line per expectation (empty when the suite passed)."""
        if self.error:
            return self.summary()
        if self.passed:
            return ""
        return self.summary() + ":\n" + "\n".join(f"- {f}" for f in self.failures)


# --------------------------------------------------------------------------- relations

Relations = dict[tuple[str, ...], tuple[str, tuple[str, ...]]]  # ("ref", name) -> (sql name, asset key)


def relations_from_manifest(manifest: dict) -> Relations:
    """What ``ref``/``source`` resolve to, from a parsed dbt manifest: ``schema.identifier`` (no
    database part: the published file and test copies are opened under other names) and the
    asset key Dagster gives the relation (assets/dbt.py RevopsTranslator: [schema, name] for
    models and seeds, [source, table] for sources)."""
    out: Relations = {}
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") in ("model", "seed", "snapshot"):
            ident = node.get("alias") or node["name"]
            out[("ref", node["name"])] = (f"{node['schema']}.{ident}", (node["schema"], node["name"]))
    for src in manifest.get("sources", {}).values():
        ident = src.get("identifier") or src["name"]
        out[("source", src["source_name"], src["name"])] = (
            f"{src['schema']}.{ident}", (src["source_name"], src["name"]))
    return out


def resolve_relations(query: str, relations: Relations) -> tuple[str, tuple[tuple[str, ...], ...]]:
    """The query with every ``{{ ref('x') }}`` / ``{{ source('raw', 't') }}`` replaced by its
    relation, and the asset keys it reads (in order of first use)."""
    reads: list[tuple[str, ...]] = []

    def sub(m: re.Match) -> str:
        args = tuple(a.strip()[1:-1] for a in re.findall(r"'[^']*'|\"[^\"]*\"", m.group("args")))
        key = (m.group("kind"), *args)
        if key not in relations:
            call = f"{m.group('kind')}({', '.join(repr(a) for a in args)})"
            raise SuiteError(f"{call}: no such dbt {'model or seed' if key[0] == 'ref' else 'source'} in the manifest")
        sql, asset = relations[key]
        if asset not in reads:
            reads.append(asset)
        return sql

    return RELATION_RE.sub(sub, query), tuple(reads)


def manifest_relations() -> Relations:
    """The relations of this project's dbt manifest (parsed first when missing or stale)."""
    from .project import prepare_manifest, read_manifest

    if "relations" not in _RELATIONS:
        _RELATIONS["relations"] = relations_from_manifest(read_manifest(prepare_manifest()))
    return _RELATIONS["relations"]


_RELATIONS: dict[str, Relations] = {}


# --------------------------------------------------------------------------- loading


def suites_dir() -> Path:
    return expectations_dir()


def parse_suite(data: Any, path: Path | None = None, relations: Relations | None = None) -> Suite:
    """Check a suite's structure (without importing GX) and return it."""
    where = f"{path}: " if path else ""
    if not isinstance(data, dict):
        raise SuiteError(f"{where}a suite is a JSON object")
    required = {"name": str, "asset": list, "blocking": bool, "description": str, "query": (str, list),
                "expectations": list}
    for key, typ in required.items():
        if key not in data:
            raise SuiteError(f"{where}missing key {key!r}")
        if not isinstance(data[key], typ):
            raise SuiteError(f"{where}{key!r} has the wrong type ({type(data[key]).__name__})")
    query = data["query"]
    if isinstance(query, list):  # a long query may be written as a list of lines
        if not all(isinstance(line, str) for line in query):
            raise SuiteError(f"{where}query must be a string or a list of strings")
        query = "\n".join(query)
    unknown = set(data) - set(required) - {"row_id", "$comment"}
    if unknown:
        raise SuiteError(f"{where}unknown key(s) {sorted(unknown)}")
    name = data["name"]
    if not NAME_RE.match(name):
        raise SuiteError(f"{where}name {name!r} must be lower snake_case (it is the Dagster check name)")
    if path is not None and path.stem != name:
        raise SuiteError(f"{where}file name must be {name}.json")
    asset = data["asset"]
    if not asset or not all(isinstance(p, str) and p for p in asset):
        raise SuiteError(f"{where}asset must be a non-empty list of strings, e.g. [\"marts\", \"dim_accounts\"]")
    if not data["description"].strip() or not query.strip():
        raise SuiteError(f"{where}description and query must not be empty")
    if not data["expectations"]:
        raise SuiteError(f"{where}a suite needs at least one expectation")
    for i, e in enumerate(data["expectations"]):
        if not isinstance(e, dict) or not isinstance(e.get("type"), str):
            raise SuiteError(f"{where}expectation {i} needs a string 'type'")
        if set(e) - {"type", "kwargs", "meta"}:
            raise SuiteError(f"{where}expectation {i} has unknown key(s) {sorted(set(e) - {'type', 'kwargs', 'meta'})}")
        if not isinstance(e.get("kwargs", {}), dict) or not isinstance(e.get("meta", {}), dict):
            raise SuiteError(f"{where}expectation {i}: kwargs and meta must be objects")
    row_id = data.get("row_id", [])
    if not isinstance(row_id, list) or not all(isinstance(c, str) for c in row_id):
        raise SuiteError(f"{where}row_id must be a list of column names")
    reads: tuple[tuple[str, ...], ...] = ()
    if RELATION_RE.search(query) or "{{" in query:
        try:
            query, reads = resolve_relations(query, manifest_relations() if relations is None else relations)
        except SuiteError as exc:
            raise SuiteError(f"{where}{exc}") from None
        if "{{" in query:
            raise SuiteError(f"{where}only {{{{ ref('name') }}}} and {{{{ source('raw', 'table') }}}} may be templated")
    return Suite(name=name, asset=tuple(asset), blocking=data["blocking"], description=data["description"].strip(),
                 query=query, expectations=tuple(data["expectations"]), row_id=tuple(row_id), path=path,
                 reads=reads)


def load_suites(folder: Path | None = None, relations: Relations | None = None) -> list[Suite]:
    """Every *.json suite of the folder, sorted by name; names are unique. ``relations``:
    what ref/source resolve to (default: this project's manifest)."""
    folder = Path(folder) if folder else suites_dir()
    suites = []
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text())
        except json.JSONDecodeError as exc:
            raise SuiteError(f"{path}: invalid JSON: {exc}") from None
        suites.append(parse_suite(data, path, relations))
    seen: dict[str, Path | None] = {}
    for s in suites:
        if s.name in seen:
            raise SuiteError(f"suite {s.name!r} defined twice ({seen[s.name]}, {s.path})")
        seen[s.name] = s.path
    return sorted(suites, key=lambda s: s.name)


# --------------------------------------------------------------------------- GX (lazy)

_GX: dict[str, Any] = {}


def prefetch_gx() -> None:
    """Start importing GX (and its ephemeral context) in a background thread, so a check step
    that follows does not wait for it. The dbt step calls this: its process mostly waits on the
    dbt subprocess meanwhile."""
    if "module" in _GX or "prefetch" in _GX:
        return

    def run():
        try:
            _batch_definition()
            # GX loads much of itself on the first validation: pay that here too, on one row
            import pandas as pd

            warm = Suite(name="gx_warm_up", asset=("gx",), blocking=False, description="", query="",
                         expectations=({"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "x"}},))
            validate_dataframe(warm, pd.DataFrame({"x": [1]}))
        except Exception:  # noqa: BLE001 - the check step imports again and reports the error
            pass

    _GX["prefetch"] = threading.Thread(target=run, name="gx-prefetch", daemon=True)
    _GX["prefetch"].start()


def _wait_for_prefetch() -> None:
    t = _GX.get("prefetch")
    if t is not None and t is not threading.current_thread():
        t.join()


def _without_pyspark_for_gx() -> None:
    """GX imports pyspark whenever it is installed (the spark extra, docs/spark.md): 0.5 s and
    pyspark's pandas FutureWarning in every build. The suites validate pandas frames only, so
    GX is shown no pyspark (a None in sys.modules makes its `import pyspark` fail), unless this
    process already uses it."""
    if "pyspark" not in sys.modules:
        sys.modules["pyspark"] = None  # type: ignore[assignment]


def _gx():
    """great_expectations, imported once per process, with analytics off."""
    _wait_for_prefetch()
    if "module" not in _GX:
        quiet_third_party_telemetry()
        _without_pyspark_for_gx()
        import great_expectations as gx

        _GX["module"] = gx
    return _GX["module"]


def _batch_definition():
    """One ephemeral context with a pandas datasource, reused for every validation."""
    _wait_for_prefetch()
    if "batch_definition" not in _GX:
        gx = _gx()
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )

        config = DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
            analytics_enabled=False,
            progress_bars=ProgressBarsConfig(globally=False),
        )
        context = gx.get_context(mode="ephemeral", project_config=config)
        asset = context.data_sources.add_pandas("revops_warehouse").add_dataframe_asset("query_result")
        _GX["batch_definition"] = asset.add_batch_definition_whole_dataframe("whole_dataframe")
    return _GX["batch_definition"]


def expectation_class(type_name: str):
    """The GX 1.x Expectation class of a snake_case type, e.g. expect_column_values_to_not_be_null."""
    _gx()
    from great_expectations.expectations.registry import get_expectation_impl

    try:
        return get_expectation_impl(type_name)
    except Exception:
        import great_expectations.expectations as gxe

        cls = getattr(gxe, "".join(p.capitalize() for p in type_name.split("_")), None)
        if cls is None:
            raise SuiteError(f"unknown expectation type {type_name!r}") from None
        return cls


def build_expectation(spec: dict):
    cls = expectation_class(spec["type"])
    try:
        return cls(**spec.get("kwargs", {}), meta=spec.get("meta") or None)
    except Exception as exc:  # pydantic validation of the kwargs
        raise SuiteError(f"{spec['type']}: invalid kwargs {spec.get('kwargs')}: {exc}") from None


def build_gx_suite(suite: Suite):
    gx = _gx()
    _batch_definition()  # an ExpectationSuite needs an active (ephemeral) context
    gx_suite = gx.ExpectationSuite(name=suite.name)
    for spec in suite.expectations:
        gx_suite.add_expectation(build_expectation(spec))
    return gx_suite


# --------------------------------------------------------------------------- validating


def _fmt(v: Any) -> str:
    if v is None:
        return "null"
    import pandas as pd

    if pd.api.types.is_scalar(v) and pd.isna(v):  # NaN, NaT, pd.NA
        return "null"
    if isinstance(v, float):
        return "null" if math.isnan(v) else format(v, ".10g")
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):  # numpy scalars
        try:
            return _fmt(v.item())
        except (ValueError, AttributeError):
            pass
    if isinstance(v, dt.datetime) or type(v).__name__ == "Timestamp":
        if getattr(v, "tzinfo", None) is None and (v.hour, v.minute, v.second, v.microsecond) == (0, 0, 0, 0):
            return v.date().isoformat()
        return v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dict):
        return " ".join(f"{k}={_fmt(x)}" for k, x in v.items())
    if isinstance(v, (list, tuple)):
        return "(" + ", ".join(_fmt(x) for x in v) + ")"
    return str(v)


def _describe(cfg_type: str, kwargs: dict) -> str:
    target = kwargs.get("column") or kwargs.get("column_list")
    if target is None and "column_A" in kwargs:
        target = f"{kwargs['column_A']}, {kwargs['column_B']}"
    rest = {k: v for k, v in kwargs.items()
            if k not in ("column", "column_list", "column_A", "column_B", "batch_id", "result_format")
            and v is not None and v is not False}
    parts = ([target if isinstance(target, str) else _fmt(target)] if target is not None else [])
    parts += [f"{k}={_fmt(v)}" for k, v in rest.items()]
    return f"{cfg_type}({', '.join(parts)})"


def _failure_line(r, row_id: list[str] = ()) -> str:
    cfg = r.expectation_config
    text = _describe(cfg.type, dict(cfg.kwargs))
    res = r.result or {}
    exc = r.exception_info or {}
    if exc.get("raised_exception"):
        text += f": raised {exc.get('exception_message')}"
    elif "unexpected_count" in res:
        text += f": {res['unexpected_count']} of {res.get('element_count')} row(s) unexpected"
        rows = res.get("partial_unexpected_index_list") or []
        if rows and isinstance(rows[0], dict):  # the row's identifying columns first, then the value
            shown = [_fmt({**{k: row[k] for k in row_id if k in row}, **row}) for row in rows[:SAMPLE_SIZE]]
        else:
            shown = [_fmt(v) for v in (res.get("partial_unexpected_list") or [])[:SAMPLE_SIZE]]
        if shown:
            text += ", e.g. " + "; ".join(shown)
    elif "observed_value" in res:
        text += f": observed {_fmt(res['observed_value'])}"
    why = (cfg.meta or {}).get("why")
    if why:
        text += f" (why: {why})"
    return text


def failing_rows(df, failed_results, row_id: list[str] = ()):
    """The rows of ``df`` that GX reported unexpected (its partial unexpected index list: the
    DataFrame index, or the row_id columns of each row when the suite names them), at most
    FAILING_ROWS, first failed expectation first."""
    import pandas as pd

    picked: list = []
    for r in failed_results:
        idx = (r.result or {}).get("partial_unexpected_index_list") or []
        if not idx:
            continue
        if isinstance(idx[0], dict):
            keys = pd.DataFrame([{k: row.get(k) for k in row_id} for row in idx]).drop_duplicates()
            if keys.empty or not len(keys.columns):
                continue
            try:
                found = df.reset_index(names="__row").merge(keys, on=list(keys.columns), how="inner")["__row"]
            except (ValueError, TypeError, KeyError):  # keys of types merge cannot compare
                continue
            picked += list(found)
        else:
            picked += [i for i in idx if i in df.index]
    order = list(dict.fromkeys(picked))[:FAILING_ROWS]
    return df.loc[order]


def markdown_table(df) -> str:
    """A small DataFrame as a markdown table (values formatted as in failure messages)."""
    if df is None or df.empty:
        return ""

    def cell(v) -> str:
        return _fmt(v).replace("|", "\\|").replace("\n", " ")

    cols = [str(c) for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False, name=None)]
    return "\n".join(lines)


def validate_dataframe(suite: Suite, df) -> SuiteResult:
    """Run the suite's expectations on a DataFrame."""
    t0 = time.perf_counter()
    row_id = [c for c in suite.row_id if c in df.columns]
    result_format: dict[str, Any] = {"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_SIZE}
    if row_id:
        result_format["unexpected_index_column_names"] = row_id
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": df})
    validation = batch.validate(build_gx_suite(suite), result_format=result_format)
    failed = [r for r in validation.results if not r.success]
    return SuiteResult(
        failing_rows=markdown_table(failing_rows(df, failed, row_id)),
        suite=suite.name,
        passed=bool(validation.success),
        evaluated=len(validation.results),
        failed=len(failed),
        rows=len(df),
        failures=[_failure_line(r, row_id) for r in failed],
        seconds=time.perf_counter() - t0,
    )


# --------------------------------------------------------------------------- warehouse


def query_params(sql: str, as_of: dt.date | None) -> dict[str, Any]:
    names = set(PARAM_RE.findall(sql))
    if names and as_of is None:
        raise ValueError("this query needs $as_of_date")
    return {n: as_of for n in names}


def fetch(con, suite: Suite, as_of: dt.date | None = None):
    """The suite's rows as a pandas DataFrame, from an open DuckDB connection."""
    return con.execute(suite.query, query_params(suite.query, as_of)).df()


def _connect_read_only(db: Path, wait_seconds: float = 30.0):
    import duckdb

    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return duckdb.connect(str(db), read_only=True)
        except duckdb.IOException as exc:  # another process writes the file right now
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def read_frames(db: Path, suites: list[Suite], as_of: dt.date | None = None) -> tuple[dict, dict]:
    """Each suite's rows from the DuckDB file, opened read-only and closed before returning:
    ({suite name: DataFrame}, {suite name: error text for queries that failed})."""
    frames: dict[str, Any] = {}
    errors: dict[str, str] = {}
    con = _connect_read_only(Path(db))
    try:
        for s in suites:
            try:
                frames[s.name] = fetch(con, s, as_of)
            except Exception as exc:  # noqa: BLE001 - reported as the check's failure
                errors[s.name] = f"query failed: {type(exc).__name__}: {exc}".strip()
    finally:
        con.close()
    return frames, errors


def validate_frames(suites: list[Suite], frames: dict, errors: dict) -> list[SuiteResult]:
    """Validate what read_frames returned; a suite whose query or validation failed is a failed
    result with an error."""
    results = []
    for s in suites:
        if s.name in errors or s.name not in frames:
            results.append(SuiteResult(suite=s.name, passed=False, error=errors.get(s.name, "no rows were read")))
            continue
        try:
            results.append(validate_dataframe(s, frames[s.name]))
        except Exception as exc:  # noqa: BLE001
            results.append(SuiteResult(suite=s.name, passed=False, error=f"validation failed: {type(exc).__name__}: {exc}"))
    return results


def run_suites(db: Path, suites: list[Suite], as_of: dt.date | None = None) -> list[SuiteResult]:
    """Run each suite's query on the DuckDB file and validate the rows."""
    frames, errors = read_frames(db, suites, as_of)
    return validate_frames(suites, frames, errors)
