"""`make bench-floors`: each build figure of issue 12 against its floor, measured in one run.

At each size (``--sizes``), on a generated landing folder (seed 7, end date = as-of):

- **full build**: ``revops build`` on a fresh warehouse (wall, peak RSS of the whole process tree);
- **read floor**: DuckDB alone reading every landing file once into a table per object;
- **compiled-SQL floor**: the compiled SQL of every SQL model of that build, run in dependency
  order on a copy of its working database (Python models left out: their dbt time is shown);
- **nothing new**: a second build (no new file) and a ``--force`` rebuild;
- **one more extract**: a build of the folder without each object's newest file, then a build
  after adding those files back (the daily or monthly extract of a real pipeline);
- **published size** after the first, the forced and one more forced build;
- **billing ingest + MRR models** (ingestion of the raw objects ``mrr_by_account_month`` reads,
  plus the summed dbt time of its models) against ``bench/pandas_mrr.py``, the plain pandas
  peer computing the same monthly MRR from the same files, when that script exists.

Ratios are printed first, then the seconds; rows go to bench-results/floors.jsonl. The machine's
load moves the seconds; ratios measured in one sitting move less.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from orchestration.peak_tree import measure_tree
from orchestration.project import last_build_artifact, read_manifest

PROJECT = Path(__file__).resolve().parents[1]
REVOPS = Path(sys.executable).with_name("revops")
PEER = PROJECT / "bench" / "pandas_mrr.py"
_INGEST_LINE = re.compile(r"ingest (\S+): .*\(([\d.]+)s\)\s*$")


def _env(root: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVOPS_")}
    env["DAGSTER_HOME"] = str(root / "dagster_home")
    Path(env["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
    return env


def build(root: Path, landing: Path, wh: Path, as_of: str, *extra: str) -> dict:
    """One CLI build: wall, peak tree RSS, exit, and its per-object ingest seconds."""
    log = wh.parent.with_name(wh.parent.name + f"-{time.time_ns()}.log")
    wh.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as out:
        m = measure_tree([str(REVOPS), "build", "--landing", str(landing), "--warehouse", str(wh), "--as-of", as_of,
                          *extra], stdout=out, stderr=subprocess.STDOUT, env=_env(root))
    text = log.read_text()
    if m["exit"] != 0:
        print(text[-3000:], file=sys.stderr)
    ingest = {mm.group(1): float(mm.group(2)) for line in text.splitlines() if (mm := _INGEST_LINE.search(line))}
    return {"wall": m["wall"], "peak": m["peak"], "exit": m["exit"], "ingest": ingest,
            "skipped": "Nothing new since run" in text}


def read_floor(landing: Path, db: Path) -> float:
    """Seconds for DuckDB alone to read every landing file once into one table per object."""
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    con.execute("set enable_progress_bar = false")
    t0 = time.perf_counter()
    try:
        for source in sorted(p for p in landing.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))):
            for obj in sorted(p for p in source.iterdir() if p.is_dir()):
                files = sorted(str(f) for f in obj.iterdir() if f.is_file() and not f.name.startswith("."))
                csv = [f for f in files if f.endswith((".csv", ".csv.gz"))]
                jsonl = [f for f in files if f.endswith((".jsonl", ".jsonl.gz", ".ndjson"))]
                name = f"{source.name}_{obj.name}"
                if csv:
                    con.execute(f'create table "{name}_csv" as select * from read_csv(?, union_by_name = true)', [csv])
                if jsonl:
                    con.execute(f'create table "{name}_json" as select * from '
                                "read_json(?, format = 'newline_delimited', union_by_name = true)", [jsonl])
    finally:
        con.close()
    return time.perf_counter() - t0


def _run_manifest() -> dict:
    return read_manifest(last_build_artifact("manifest.json"))


def _run_results() -> dict:
    return json.loads(last_build_artifact("run_results.json").read_text())


def _models_in_order(manifest: dict) -> list[dict]:
    nodes = {u: n for u, n in manifest["nodes"].items() if n["resource_type"] == "model"}
    done, order = set(), []

    def visit(uid: str) -> None:
        if uid in done or uid not in nodes:
            return
        done.add(uid)
        for dep in nodes[uid]["depends_on"]["nodes"]:
            visit(dep)
        order.append(nodes[uid])

    for uid in sorted(nodes):
        visit(uid)
    return order


def sql_floor(work_db: Path, scratch: Path) -> tuple[float, int, list[str]]:
    """Seconds to run every SQL model's compiled code of the last build, in dependency order, on
    a copy of its working database; the number run and the Python models left out."""
    scratch.mkdir(parents=True, exist_ok=True)
    copy = scratch / work_db.name  # the same catalog name the compiled code refers to
    shutil.copyfile(work_db, copy)
    manifest = _run_manifest()
    con = duckdb.connect(str(copy), config={"memory_limit": "2GB"})
    skipped, n = [], 0
    t0 = time.perf_counter()
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute("set enable_progress_bar = false")
        for node in _models_in_order(manifest):
            if node.get("language") == "python":
                skipped.append(node["name"])
                continue
            code = node.get("compiled_code")
            if not code:
                raise RuntimeError(f"{node['unique_id']} has no compiled code in the run's manifest")
            relation = node["relation_name"]
            con.execute(f"create or replace table {relation} as ({code})")
            n += 1
    finally:
        con.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return time.perf_counter() - t0, n, skipped


def _ancestors(manifest: dict, name: str) -> set[str]:
    uid = next(u for u, n in manifest["nodes"].items() if n["resource_type"] == "model" and n["name"] == name)
    seen, todo = set(), [uid]
    while todo:
        u = todo.pop()
        if u in seen:
            continue
        seen.add(u)
        todo.extend(manifest["nodes"].get(u, {}).get("depends_on", {}).get("nodes", []))
    return seen


def billing_mrr_seconds(ingest: dict[str, float]) -> tuple[float, list[str]]:
    """Ingest seconds of the raw objects behind mrr_by_account_month plus the summed dbt time of
    its models and seeds (summed over dbt's threads: an upper bound of their share of the wall)."""
    from orchestration.landing import contract

    manifest = _run_manifest()
    wanted = _ancestors(manifest, "mrr_by_account_month")
    times = {r["unique_id"]: r["execution_time"] for r in _run_results()["results"]}
    dbt_s = sum(times.get(u, 0.0) for u in wanted)
    objects = sorted(contract.BY_TABLE[manifest["sources"][u]["name"]].folder
                     for u in wanted if u.startswith("source."))
    return dbt_s + sum(ingest.get(o, 0.0) for o in objects), objects


def peer_seconds(landing: Path, as_of: str) -> dict | None:
    if not PEER.exists():
        return None
    m = measure_tree([sys.executable, str(PEER), "--landing", str(landing), "--as-of", as_of],
                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return {"wall": m["wall"], "peak": m["peak"], "exit": m["exit"]}


def hold_back_newest(landing: Path, held: Path) -> list[Path]:
    """A hard-linked copy of ``landing`` without the newest file of each object folder; returns
    the held-back files (their paths in ``landing``)."""
    shutil.rmtree(held, ignore_errors=True)
    shutil.copytree(landing, held, copy_function=os.link)
    newest = []
    for obj in sorted({f.parent for f in held.rglob("*") if f.is_file() and not f.name.startswith((".", "_"))
                       and not any(part.startswith("_") for part in f.relative_to(held).parts)}):
        files = sorted(f for f in obj.iterdir() if f.is_file() and not f.name.startswith("."))
        if len(files) > 1:
            files[-1].unlink()
            newest.append(landing / files[-1].relative_to(held))
    return newest


def run_size(root: Path, n: int, as_of: str, landing: Path | None) -> dict:
    if landing is None:
        landing = root / f"landing-{n}"
        if not landing.exists():
            subprocess.run([str(REVOPS), "generate", "--accounts", str(n), "--seed", "7", "--end-date", as_of,
                            "--out", str(landing)], check=True, stdout=subprocess.DEVNULL)
    r: dict = {"accounts": n, "landing": str(landing)}
    wh = root / f"wh-{n}" / "warehouse.duckdb"
    shutil.rmtree(wh.parent, ignore_errors=True)
    say = lambda k, b: print(f"{n:>7} accounts  {k:<34} {b['wall']:7.1f} s  {b['peak'] / 2**20:7.0f} MiB  "  # noqa: E731
                             f"exit {b['exit']}", flush=True)
    r["full"] = build(root, landing, wh, as_of)
    say("full build", r["full"])
    r["size_1"] = wh.stat().st_size
    r["billing_mrr"], r["billing_objects"] = billing_mrr_seconds(r["full"]["ingest"])
    work = wh.parent / f".{wh.stem}.work" / "warehouse.duckdb"
    r["sql_floor"], r["sql_models"], r["python_models"] = sql_floor(work, root / "sqlfloor" / "x")
    print(f"{n:>7} accounts  {'compiled-SQL floor':<34} {r['sql_floor']:7.1f} s  ({r['sql_models']} SQL models; "
          f"Python models not included: {', '.join(r['python_models'])})", flush=True)
    r["noop"] = build(root, landing, wh, as_of)
    say("second build, nothing new" + (" (skipped)" if r["noop"]["skipped"] else ""), r["noop"])
    r["force"] = build(root, landing, wh, as_of, "--force")
    say("second build --force", r["force"])
    r["size_2"] = wh.stat().st_size
    r["force2"] = build(root, landing, wh, as_of, "--force")
    say("third build --force", r["force2"])
    r["size_3"] = wh.stat().st_size
    r["read_floor"] = read_floor(landing, root / "readfloor.duckdb")
    (root / "readfloor.duckdb").unlink(missing_ok=True)
    print(f"{n:>7} accounts  {'read floor (DuckDB alone)':<34} {r['read_floor']:7.1f} s", flush=True)
    held = root / f"landing-{n}-held"
    newest = hold_back_newest(landing, held)
    wh2 = root / f"wh-{n}-day" / "warehouse.duckdb"
    shutil.rmtree(wh2.parent, ignore_errors=True)
    r["before_extract"] = build(root, held, wh2, as_of)
    say("build without the newest extracts", r["before_extract"])
    for f in newest:
        os.link(f, held / f.relative_to(landing))
    r["extract_files"] = len(newest)
    r["one_more_extract"] = build(root, held, wh2, as_of)
    say(f"build after {len(newest)} newest extract files", r["one_more_extract"])
    shutil.rmtree(held, ignore_errors=True)
    shutil.rmtree(wh2.parent, ignore_errors=True)
    r["peer"] = peer_seconds(landing, as_of)
    if r["peer"]:
        say("pandas MRR peer (bench/pandas_mrr.py)", r["peer"])
    return r


def report(r: dict) -> list[str]:
    full = r["full"]["wall"]
    floor = r["read_floor"] + r["sql_floor"]
    lines = [f"### {r['accounts']:,} accounts", "", "| figure | measured | target |", "|---|---:|---|",
             f"| full build / (read floor + compiled-SQL floor) | {full / floor:.2f} | <= 2.0 |",
             f"| build after one more extract / full build | {r['one_more_extract']['wall'] / full:.2f} | <= 0.15 |",
             f"| build with nothing new / full build | {r['noop']['wall'] / full:.2f} | <= 0.10 |",
             f"| forced rebuild, nothing new / full build | {r['force']['wall'] / full:.2f} | (no target) |",
             f"| published size after 3 builds / after the first | {r['size_3'] / r['size_1']:.3f} | within 5% |"]
    if r.get("peer"):
        lines.append(f"| pandas peer / (billing ingest + MRR models) | {r['peer']['wall'] / r['billing_mrr']:.2f} | >= 5 |")
    lines += ["", "| step | seconds | peak tree RSS (MiB) |", "|---|---:|---:|"]
    for key, label in (("full", "full build"), ("noop", "second build, nothing new"), ("force", "second build --force"),
                       ("force2", "third build --force"), ("before_extract", "build without the newest extracts"),
                       ("one_more_extract", f"build after adding {r['extract_files']} newest extract files"),
                       ("peer", "pandas MRR peer")):
        if r.get(key):
            lines.append(f"| {label} | {r[key]['wall']:.1f} | {r[key]['peak'] / 2**20:,.0f} |")
    lines += [f"| read floor: DuckDB alone reading every landing file once | {r['read_floor']:.1f} | |",
              f"| compiled-SQL floor: {r['sql_models']} SQL models on the loaded tables | {r['sql_floor']:.1f} | |",
              f"| billing ingest ({', '.join(r['billing_objects'])}) + MRR models (dbt node time) | {r['billing_mrr']:.1f} | |",
              f"| published file after builds 1, 2, 3 (MB) | {r['size_1'] / 1e6:.1f}, {r['size_2'] / 1e6:.1f}, "
              f"{r['size_3'] / 1e6:.1f} | |"]
    return lines


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m devtools.bench_floors", description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="20000", help="comma-separated account counts")
    p.add_argument("--as-of", default="2025-06-30")
    p.add_argument("--landing", type=Path, help="use this landing folder (one size) instead of generating")
    p.add_argument("--keep", type=Path, help="keep landing folders and warehouses under this folder")
    args = p.parse_args(argv)
    root = args.keep or Path(tempfile.mkdtemp(prefix="revops-floors-"))
    root.mkdir(parents=True, exist_ok=True)
    results = [run_size(root, int(n), args.as_of, args.landing) for n in args.sizes.split(",")]
    print()
    for r in results:
        print("\n".join(report(r)) + "\n")
    out = PROJECT / "bench-results"
    out.mkdir(exist_ok=True)
    with open(out / "floors.jsonl", "a") as fh:
        for r in results:
            fh.write(json.dumps({**r, "at": time.strftime("%Y-%m-%dT%H:%M:%S")}, default=str) + "\n")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    ok = all(r[k]["exit"] == 0 for r in results for k in ("full", "noop", "force", "force2", "before_extract",
                                                          "one_more_extract"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
