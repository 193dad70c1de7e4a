"""`make bench`: wall time and peak memory of `revops generate` and `revops build` at several sizes.

Each command runs as a child process; its peak RSS comes from wait4() (the largest resident set
of the process and the children it waited for, dbt included). Results are printed as a Markdown
table and appended to bench-results/bench.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REVOPS = Path(sys.executable).with_name("revops")


def measure(cmd: list[str], env: dict | None = None) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MiB, exit code) of one command."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        print(proc.stderr.read().decode()[-3000:], file=sys.stderr)
    return wall, usage.ru_maxrss / 1024, code


def _gql(port: int, query: str, variables: dict | None = None) -> dict:
    import urllib.request

    req = urllib.request.Request(f"http://127.0.0.1:{port}/graphql",
                                 data=json.dumps({"query": query, "variables": variables or {}}).encode(),
                                 headers={"Content-Type": "application/json"})
    body = json.loads(urllib.request.urlopen(req, timeout=30).read())
    if "errors" in body:
        raise RuntimeError(body["errors"])
    return body["data"]


def _ui_build(port: int, landing: Path, wh: Path, as_of: str) -> float:
    """Seconds from launching build_warehouse through the UI's GraphQL API to the run's end."""
    location = _gql(port, "{ workspaceOrError { ... on Workspace { locationEntries { name } } } }")[
        "workspaceOrError"]["locationEntries"][0]["name"]
    t0 = time.perf_counter()
    out = _gql(port, "mutation($p: ExecutionParams!) { launchRun(executionParams: $p) { __typename "
                     "... on LaunchRunSuccess { run { runId } } } }",
               {"p": {"selector": {"repositoryLocationName": location, "repositoryName": "__repository__",
                                   "jobName": "build_warehouse"},
                      "runConfigData": {"resources": {"settings": {"config": {
                          "landing_dir": str(landing), "warehouse": str(wh), "as_of_date": as_of}}}}}})["launchRun"]
    run_id = out["run"]["runId"]
    while True:
        status = _gql(port, "query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }",
                      {"id": run_id})["runOrError"]["status"]
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            break
        time.sleep(0.25)
    if status != "SUCCESS":
        raise RuntimeError(f"UI run {run_id} ended {status}")
    return time.perf_counter() - t0


def ui_vs_cli(root: Path, accounts: int, as_of: str) -> list[dict]:
    """A build launched from the UI against the same build from the CLI, on fresh warehouses (both
    ingest everything), interleaved CLI, UI, CLI, UI so that load on the machine hits both."""
    from .ui_process import free_port, stop

    landing = root / f"landing-{accounts}"
    if not landing.exists():
        measure([str(REVOPS), "generate", "--accounts", str(accounts), "--seed", "42", "--end-date", as_of,
                 "--out", str(landing)])
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVOPS_")}
    env["DAGSTER_HOME"] = str(root / "dagster_home")
    ui = subprocess.Popen([str(REVOPS), "ui", "--port", str(port), "--warehouse", str(root / "ui-default.duckdb")],
                          env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    rows = []
    try:
        deadline = time.time() + 180
        while True:
            try:
                _gql(port, "{ assetNodes { id } }")
                break
            except Exception:
                if time.time() > deadline:
                    raise
                time.sleep(1)
        for i in range(2):
            wh = root / f"cli-{accounts}-{i}" / "warehouse.duckdb"
            wall, rss, code = measure([str(REVOPS), "build", "--landing", str(landing), "--warehouse", str(wh),
                                       "--as-of", as_of, "--quiet"], env=env)
            rows.append({"accounts": accounts, "step": "build from the CLI", "seconds": round(wall, 1),
                         "peak_rss_mib": round(rss), "exit": code})
            print(f"{accounts:>7} accounts  build from the CLI      {wall:7.1f} s", flush=True)
            wall = _ui_build(port, landing, root / f"ui-{accounts}-{i}" / "warehouse.duckdb", as_of)
            rows.append({"accounts": accounts, "step": "build launched from the UI", "seconds": round(wall, 1),
                         "peak_rss_mib": None, "exit": 0})
            print(f"{accounts:>7} accounts  build launched from UI  {wall:7.1f} s", flush=True)
    finally:
        stop(ui)
    cli = [r["seconds"] for r in rows if r["step"] == "build from the CLI"]
    uis = [r["seconds"] for r in rows if r["step"] == "build launched from the UI"]
    print(f"UI / CLI build time at {accounts:,} accounts: {sum(uis) / sum(cli):.2f} "
          f"(UI {', '.join(map(str, uis))} s; CLI {', '.join(map(str, cli))} s)")
    return rows


def fixed_cost(root: Path, accounts: int, as_of: str) -> list[dict]:
    """A build of an empty landing folder against a build of `accounts` sample accounts, fresh
    warehouses, interleaved empty, full, empty, full."""
    landing, empty = root / f"landing-{accounts}", root / "landing-empty"
    empty.mkdir(parents=True, exist_ok=True)
    if not landing.exists():
        measure([str(REVOPS), "generate", "--accounts", str(accounts), "--seed", "42", "--end-date", as_of,
                 "--out", str(landing)])
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVOPS_")}
    env.setdefault("DAGSTER_HOME", str(root / "dagster_home"))
    Path(env["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(2):
        for name, folder in (("build, empty landing", empty), (f"build, {accounts:,} accounts", landing)):
            wh = root / f"fixed-{folder.name}-{i}" / "warehouse.duckdb"
            wall, rss, code = measure([str(REVOPS), "build", "--landing", str(folder), "--warehouse", str(wh),
                                       "--as-of", as_of, "--quiet"], env=env)
            rows.append({"accounts": 0 if folder is empty else accounts, "step": name, "seconds": round(wall, 1),
                         "peak_rss_mib": round(rss), "exit": code})
            print(f"{name:<28} {wall:7.1f} s  {rss:7.0f} MiB  exit {code}", flush=True)
    e = [r["seconds"] for r in rows if r["accounts"] == 0]
    f = [r["seconds"] for r in rows if r["accounts"] != 0]
    print(f"empty-landing build / {accounts:,}-account build: {sum(e) / sum(f):.2f} "
          f"(empty {', '.join(map(str, e))} s; full {', '.join(map(str, f))} s)")
    return rows


def hostile(root: Path, accounts: int, as_of: str, bomb_gib: float = 1.0) -> list[dict]:
    """Peak memory of the whole process tree (dbt included, orchestration/peak_tree.py) of three
    builds on fresh warehouses: (c) `accounts` generated accounts; (a) the same plus a gzip of
    valid Account rows expanding to `bomb_gib` GiB; (b) that plus a gzip holding one field of
    `bomb_gib` GiB (rejected at max_line_bytes). Written as tests/test_hostile_input.py writes them."""
    import gzip

    from orchestration.peak_tree import describe, measure_tree

    base = root / f"landing-{accounts}"
    if not base.exists():
        measure([str(REVOPS), "generate", "--accounts", str(accounts), "--seed", "42", "--end-date", as_of,
                 "--out", str(base)])
    acc_dir = "crm/Account"
    header = "Id,Name,CreatedDate\n"
    rows_landing, field_landing = root / "landing-rows-bomb", root / "landing-rows-and-field-bomb"
    for folder in (rows_landing, field_landing):
        if not folder.exists():
            shutil.copytree(base, folder)
    # (a) valid rows: members of ~64 MiB (the same 1.1 M rows, Ids unique within a member)
    body = "".join(f"0019{i:011d}AAA,Bench Company {i},2024-01-01T00:00:00.000Z\n" for i in range(1_100_000)).encode()
    member = gzip.compress(body, compresslevel=6, mtime=0)
    members = max(1, round(bomb_gib * 2**30 / len(body)))
    for folder in (rows_landing, field_landing):
        with open(folder / acc_dir / "2099-01-01_rows_bomb.csv.gz", "wb") as fh:
            fh.write(gzip.compress(header.encode(), mtime=0))
            for _ in range(members):
                fh.write(member)
    # (b) one field of bomb_gib GiB
    piece = b"x" * (16 << 20)
    with gzip.GzipFile(field_landing / acc_dir / "2099-01-02_field_bomb.csv.gz", "wb", compresslevel=1, mtime=0) as gz:
        gz.write((header + '0019999999999999AAA,"').encode())
        for _ in range(int(bomb_gib * 2**30) // len(piece)):
            gz.write(piece)
        gz.write(b'",2024-01-01T00:00:00.000Z\n')
    print(f"valid-rows gzip: {members} members, {members * len(body) / 2**30:.2f} GiB, {members * 1_100_000:,} rows",
          flush=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVOPS_")}
    env.setdefault("DAGSTER_HOME", str(root / "dagster_home"))
    Path(env["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
    rows = []
    for name, folder in (("(c) generated only", base), ("(a) + 1 GiB gzip of valid rows", rows_landing),
                         ("(b) + also a 1 GiB field", field_landing)):
        wh = root / f"hostile-{folder.name}" / "warehouse.duckdb"
        shutil.rmtree(wh.parent, ignore_errors=True)
        cmd = [str(REVOPS), "build", "--landing", str(folder), "--warehouse", str(wh), "--as-of", as_of, "--quiet"]
        m = measure_tree(cmd, env=env, stdout=subprocess.DEVNULL)
        by = m["by_name"]
        rows.append({"accounts": accounts, "step": f"build {name}", "seconds": round(m["wall"], 1),
                     "peak_rss_mib": round(m["peak"] / 2**20), "exit": m["exit"],
                     "revops_mib": round(by.get("revops", 0) / 2**20), "dbt_mib": round(by.get("dbt", 0) / 2**20)})
        print(f"{name:<34} {describe(m)}", flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench")
    p.add_argument("--sizes", default="2000,20000", help="comma-separated account counts")
    p.add_argument("--as-of", default="2025-06-30")
    p.add_argument("--rebuild", action="store_true", help="also time a second build on the same landing (no new files)")
    p.add_argument("--keep", help="keep landing folders and warehouses under this folder")
    p.add_argument("--ui", action="store_true", help="compare a build launched from the UI with the CLI's (first size)")
    p.add_argument("--fixed-cost", action="store_true",
                   help="compare an empty-landing build with a build of the first size")
    p.add_argument("--hostile", action="store_true",
                   help="peak tree memory of a build of the first size, plus a 1 GiB gzip of valid rows, plus a 1 GiB field")
    p.add_argument("--bomb-gib", type=float, default=1.0, help="size of the --hostile files (GiB, expanded)")
    args = p.parse_args(argv)
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="revops-bench-"))
    rows = []
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.ui:
        rows += ui_vs_cli(root, sizes[0], args.as_of)
    if args.fixed_cost:
        rows += fixed_cost(root, sizes[0], args.as_of)
    if args.hostile:
        rows += hostile(root, sizes[0], args.as_of, args.bomb_gib)
    for n in ([] if args.ui or args.fixed_cost or args.hostile else sizes):
        landing, wh = root / f"landing-{n}", root / f"wh-{n}" / "warehouse.duckdb"
        shutil.rmtree(landing, ignore_errors=True)
        shutil.rmtree(wh.parent, ignore_errors=True)
        steps = [("generate", [str(REVOPS), "generate", "--accounts", str(n), "--seed", "42", "--end-date", args.as_of,
                               "--out", str(landing)]),
                 ("build", [str(REVOPS), "build", "--landing", str(landing), "--warehouse", str(wh), "--as-of", args.as_of,
                            "--quiet"])]
        if args.rebuild:
            steps.append(("rebuild (nothing new)", steps[1][1]))
        for name, cmd in steps:
            wall, rss, code = measure(cmd)
            rows.append({"accounts": n, "step": name, "seconds": round(wall, 1), "peak_rss_mib": round(rss),
                         "exit": code})
            print(f"{n:>7} accounts  {name:<22} {wall:7.1f} s  {rss:7.0f} MiB  exit {code}", flush=True)
    print("\n| accounts | step | wall (s) | peak RSS (MiB) |\n|---:|---|---:|---:|")
    for r in rows:
        print(f"| {r['accounts']:,} | {r['step']} | {r['seconds']} | {r['peak_rss_mib'] or ''} |")
    out = Path("bench-results")
    out.mkdir(exist_ok=True)
    with open(out / "bench.jsonl", "a") as fh:
        for r in rows:
            fh.write(json.dumps({**r, "at": time.strftime("%Y-%m-%dT%H:%M:%S")}) + "\n")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return 0 if all(r["exit"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
