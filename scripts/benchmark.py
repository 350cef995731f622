"""Benchmark the warehouse at several data scales: generate, load, dbt build, and the DuckDB floor.

For every scale it generates a data set, loads it through the raw contract,
runs `dbt build --full-refresh` (unit tests excluded, see DAILY_BUILD), then
one "incremental day" (see below), and records per step the wall time and the peak memory (maximum resident set size)
of the step's own process tree: each step is a child process waited for with
`os.wait4`, whose resource usage covers the child and everything it waited for.
It also counts the rows of every raw table and every mart.

dbt runs as the main job runs it (scripts/pipeline/dbt_session.py, D287): one
process parses the project ("dbt parse"), then runs the build with the parsed
manifest, and after the full build `dbt docs generate --no-compile` ("docs");
each step is timed on its own, so "dbt build" and "incremental day" leave the
parse out (the main job runs it during the load).

The floor: the compiled SQL of every model (from the manifest of that build),
run in DAG order as `create or replace table|view ... as <sql>` in one DuckDB
connection on a copy of the freshly loaded raw data, without dbt. The gap
between that and `dbt build` is dbt's overhead plus what dbt does on top
(the data tests, contracts, docs persisted as comments).

The incremental day: the data set is cut into two daily deliveries with
scripts/generate_increment.py, the shop as known at the end of its second-last
day and at the end of its last day (late and changed rows included). The
full build and the floor run on the first delivery; then the second delivery
is loaded ("load increment") and `dbt build` runs without --full-refresh: the
incremental models add the new day and rebuild the lookback window, every
other model is rebuilt, and every data test runs again, those of the
incremental models on the rows the day rebuilt (KPI_TESTS_SCOPE=rebuilt, as the
pipeline's daily run does). Both builds leave out
the unit tests (DAILY_BUILD: they test the SQL, not the data, and belong to
CI). Where each build spends its time (incremental models, other models, data
tests, seeds) is recorded from dbt's run_results.json.

Results go to benchmarks/results.json (merged: scales not run this time keep
their earlier entries) and benchmarks/results.md (rendered from the JSON).
Timings are never asserted anywhere; they depend on the machine and its load.

The results files (merge, Markdown tables) are written by ``scripts/bench/report.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import graphlib
import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

from scripts.bench.common import DAILY_BUILD, INCREMENTAL_LABEL, SKIPPED_LABEL, StepResult, log
from scripts.bench.report import merge_results, render_markdown
from scripts.paths import ROOT
from scripts.pipeline.dbt_session import BUILD_STEP, DOCS_STEP, PARSE_STEP, process_command


def parse_scales(text: str) -> list[float]:
    """'1,3,10' -> [1.0, 3.0, 10.0]; duplicates dropped, order kept; every scale > 0."""
    scales: list[float] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        value = float(part)
        if value <= 0:
            raise ValueError(f"a scale must be positive, got {part!r}")
        if value not in scales:
            scales.append(value)
    if not scales:
        raise ValueError("no scale given")
    return scales


def scale_slug(scale: float) -> str:
    """A file-name and SQL-identifier safe name for a scale: 1 -> 's1', 0.05 -> 's0_05'."""
    text = f"{scale:g}".replace(".", "_").replace("-", "_")
    return f"s{text}"


def maxrss_to_mb(maxrss: int, system: str | None = None) -> float:
    """ru_maxrss is in kilobytes on Linux and in bytes on macOS."""
    system = system or platform.system()
    return maxrss / (1024 * 1024) if system == "Darwin" else maxrss / 1024


def run_measured(name: str, cmd: list[str], env: dict[str, str], cwd: Path = ROOT) -> StepResult:
    """Run one step as its own child process; wall time and peak RSS of its process tree."""
    log.info("== %s: %s", name, " ".join(cmd))
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"step '{name}' failed with exit code {proc.returncode}")
    result = StepResult(name, round(seconds, 2), round(maxrss_to_mb(usage.ru_maxrss), 1))
    log.info("   %s: %.1f s, peak %.0f MB", name, result.seconds, result.peak_mb)
    return result


def run_dbt_measured(
    names: dict[str, str], commands: dict[str, list[str]], env: dict[str, str]
) -> list[StepResult]:
    """dbt's steps as the main job runs them (scripts/pipeline/dbt_session.py): one process
    parses, then runs the build (and the docs) with that manifest. Each step's wall time
    is the process's own measure; the peak memory is the whole process tree's.
    ``names`` maps the process's step names to the benchmark's."""
    fd, name = tempfile.mkstemp(prefix="bench_dbt_", suffix=".json")
    os.close(fd)
    results = Path(name)
    cmd = process_command(sys.executable, results, commands)
    log.info("== %s: %s", " + ".join(names.values()), " ".join(cmd))
    try:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.PIPE)
        try:
            assert proc.stdin is not None
            proc.stdin.write(b"go\n")
            proc.stdin.close()
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        returncode = os.waitstatus_to_exitcode(status)
        outcome = json.loads(results.read_text() or "{}")
    finally:
        results.unlink(missing_ok=True)
    if returncode != 0:
        raise SystemExit(f"step '{outcome.get('failed', 'dbt')}' failed with exit code {returncode}")
    peak = round(maxrss_to_mb(usage.ru_maxrss), 1)
    steps = [StepResult(names[step], round(seconds, 2), peak) for step, seconds in outcome["seconds"].items()]
    for step in steps:
        log.info("   %s: %.1f s, peak %.0f MB", step.name, step.seconds, step.peak_mb)
    return steps


def models_in_dag_order(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The manifest's models, parents before children (ties broken by unique_id)."""
    models = {uid: node for uid, node in manifest["nodes"].items() if node["resource_type"] == "model"}
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for uid in sorted(models):
        parents = sorted(p for p in models[uid]["depends_on"]["nodes"] if p in models)
        sorter.add(uid, *parents)
    order: list[str] = []
    sorter.prepare()
    while sorter.is_active():
        ready = sorted(sorter.get_ready())
        order.extend(ready)
        sorter.done(*ready)
    return [models[uid] for uid in order]


def floor_statement(node: dict[str, Any]) -> str:
    """The DDL the floor runs for one model: its compiled SQL as a table or a view."""
    materialized = node["config"]["materialized"]
    if materialized not in ("table", "view", "incremental"):
        raise ValueError(f"{node['unique_id']}: cannot run a {materialized} model in the floor")
    kind = "view" if materialized == "view" else "table"
    sql = node.get("compiled_code")
    if not sql:
        raise ValueError(f"{node['unique_id']} has no compiled SQL; run dbt build first")
    return f"create or replace {kind} {node['relation_name']} as (\n{sql.rstrip().rstrip(';')}\n)"


def incremental_model_count(manifest: dict[str, Any]) -> int:
    return sum(
        1
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"]["materialized"] == "incremental"
    )


def model_seconds(run_results: dict[str, Any]) -> float:
    """Sum of dbt's own execution time of every model in a run (tests excluded)."""
    return round(
        sum(r["execution_time"] for r in run_results["results"] if r["unique_id"].startswith("model.")),
        2,
    )


def seconds_by_kind(run_results: dict[str, Any], manifest: dict[str, Any]) -> dict[str, float]:
    """dbt's execution time of one run, summed per kind of node (threads add up, so not wall time)."""
    kinds: dict[str, float] = {}
    for result in run_results["results"]:
        uid = result["unique_id"]
        node = manifest["nodes"].get(uid, {})
        if uid.startswith("model."):
            materialized = node.get("config", {}).get("materialized")
            kind = "incremental models" if materialized == "incremental" else "other models"
        elif uid.startswith("unit_test."):
            kind = "unit tests"
        elif uid.startswith("test."):
            kind = "data tests"
        else:
            kind = uid.split(".", 1)[0] + "s"
        kinds[kind] = kinds.get(kind, 0.0) + result["execution_time"]
    return {kind: round(seconds, 2) for kind, seconds in sorted(kinds.items())}


def warning_count(run_results: dict[str, Any]) -> int:
    """Nodes of one run that ended in a warning (a test with severity warn that found rows)."""
    return sum(1 for result in run_results["results"] if str(result["status"]) == "warn")


def slowest_nodes(run_results: dict[str, Any], count: int = 5) -> dict[str, float]:
    """The run's slowest nodes by dbt's execution time, by name."""
    ranked = sorted(run_results["results"], key=lambda r: -r["execution_time"])[:count]
    return {r["unique_id"].split(".")[-1]: round(r["execution_time"], 2) for r in ranked}


def last_day(data_dir: Path) -> dt.date:
    """The generated data set's last day, from its ground_truth.json."""
    truth = json.loads((data_dir / "ground_truth.json").read_text())
    end = truth.get("planted", {}).get("end_date")
    if not end:
        raise SystemExit(f"{data_dir}/ground_truth.json has no end_date")
    return dt.date.fromisoformat(end)


def run_floor(manifest_path: Path, snapshot: Path, built: Path) -> dict[str, Any]:
    """Run every model's compiled SQL in DAG order in one connection; returns the timings.

    The snapshot (raw data only) is attached under the database name dbt used, so
    the fully qualified names in the compiled SQL resolve to it; seeds are copied
    from the built warehouse first, untimed (dbt loads them from CSV, a tiny step).
    """
    manifest = json.loads(manifest_path.read_text())
    nodes = models_in_dag_order(manifest)
    database = nodes[0]["database"]
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach '{snapshot}' as \"{database}\"")
        con.execute(f"attach '{built}' as built (read_only)")
        con.execute(f'use "{database}"')
        schemas = {n["schema"] for n in manifest["nodes"].values() if n["resource_type"] in ("model", "seed")}
        for schema in sorted(schemas):
            con.execute(f'create schema if not exists "{database}"."{schema}"')
        for seed in manifest["nodes"].values():
            if seed["resource_type"] == "seed":
                con.execute(
                    f"create or replace table {seed['relation_name']} as "
                    f'select * from built."{seed["schema"]}"."{seed["alias"]}"'
                )
        per_model: dict[str, float] = {}
        start = time.perf_counter()
        for node in nodes:
            t0 = time.perf_counter()
            con.execute(floor_statement(node))
            per_model[node["name"]] = round(time.perf_counter() - t0, 3)
        seconds = time.perf_counter() - start
    finally:
        con.close()
    return {"seconds": round(seconds, 2), "models": len(nodes), "per_model": per_model}


def row_counts(warehouse: Path) -> tuple[dict[str, int], dict[str, int]]:
    """(rows loaded per raw table, rows per mart) of a built warehouse."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        raw = dict(
            con.execute("select table_name, loaded_rows from raw_rejects.load_summary order by 1").fetchall()
        )
        marts = con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'marts' and table_catalog = current_database() order by 1"
        ).fetchall()
        mart_rows = {
            name: con.execute(f'select count(*) from marts."{name}"').fetchone()[0] for (name,) in marts
        }
    finally:
        con.close()
    return {k: int(v) for k, v in raw.items()}, mart_rows


def discard(database: Path) -> None:
    for path in (database, database.with_name(database.name + ".wal")):
        path.unlink(missing_ok=True)


def release(path: Path, keep: bool) -> None:
    """Remove a generated folder or a DuckDB file (with its WAL) unless --keep."""
    if keep:
        return
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        discard(path)


def tool_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    versions = {"python": platform.python_version()}
    for package in ("dbt-core", "dbt-duckdb", "duckdb"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = "?"
    return versions


def machine() -> dict[str, Any]:
    mem_gb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    return {"cpus": os.cpu_count(), "memory_gb": mem_gb, "system": platform.platform()}


def git_commit() -> str:
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return result.stdout.strip() or "?"


def benchmark_scale(
    scale: float, seed: int, work_dir: Path, keep: bool, incremental: bool = True
) -> dict[str, Any]:
    """Every measured step at one scale; returns that scale's result entry."""
    slug = scale_slug(scale)
    data_dir = work_dir / "data" / f"bench_{slug}"
    warehouse = work_dir / "warehouse" / f"bench_{slug}.duckdb"
    snapshot = work_dir / "warehouse" / f"bench_{slug}.raw.duckdb"
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    for path in (warehouse, snapshot):
        discard(path)
    deliveries = [data_dir.with_name(data_dir.name + suffix) for suffix in ("_day_before", "_last_day")]
    for path in (data_dir, *deliveries):
        shutil.rmtree(path, ignore_errors=True)
    env = dict(os.environ)
    env["WAREHOUSE_PATH"] = str(warehouse)
    env.setdefault("DBT_PROFILES_DIR", str(ROOT))
    env.setdefault("DBT_PROJECT_DIR", str(ROOT))
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "False"
    env["KPI_TESTS_SCOPE"] = "all"
    python = sys.executable
    target = ROOT / "target"

    steps: list[StepResult] = []
    started = dt.datetime.now(dt.UTC)
    gen = [python, "-m", "scripts.generate_data", "--out", str(data_dir), "--scale", f"{scale:g}"]
    steps.append(run_measured("generate", [*gen, "--seed", str(seed)], env))
    end = last_day(data_dir)
    cut = [python, "-m", "scripts.generate_increment", "--increment-of", str(data_dir), "--through"]
    for name, out, through in (
        ("deliver day before", deliveries[0], end - dt.timedelta(days=1)),
        ("deliver last day", deliveries[1], end),
    ):
        steps.append(run_measured(name, [*cut, str(through), "--out", str(out)], env))
    # unless --keep, each input goes as soon as it has been used: at scale 10 the
    # three CSV copies take 18 GB of disk that DuckDB needs for spilling
    release(data_dir, keep)
    load = [python, "-m", "scripts.load_raw", "--database", str(warehouse), "--input"]
    steps.append(run_measured("load", [*load, str(deliveries[0])], env))
    release(deliveries[0], keep)
    shutil.copyfile(warehouse, snapshot)  # raw data only: the floor's starting point
    full = {
        "parse": ["parse"],
        "build": [*DAILY_BUILD, "--full-refresh"],
        "docs": ["docs", "generate", "--static", "--no-compile"],
    }
    names = {PARSE_STEP: "dbt parse", BUILD_STEP: "dbt build", DOCS_STEP: "docs"}
    steps += run_dbt_measured(names, full, env)
    manifest_path = work_dir / "warehouse" / f"bench_{slug}.manifest.json"
    shutil.copyfile(target / "manifest.json", manifest_path)
    manifest = json.loads(manifest_path.read_text())
    full_results = json.loads((target / "run_results.json").read_text())
    floor_json = work_dir / "warehouse" / f"bench_{slug}.floor.json"
    floor_cmd = [
        python,
        "-m",
        "scripts.benchmark",
        "--floor-of",
        str(manifest_path),
        "--snapshot",
        str(snapshot),
        "--built",
        str(warehouse),
        "--floor-out",
        str(floor_json),
    ]
    steps.append(run_measured("floor", floor_cmd, env))
    floor = json.loads(floor_json.read_text())
    release(snapshot, keep)
    entry_incremental: dict[str, Any] = {"label": SKIPPED_LABEL}
    if incremental:
        steps.append(run_measured("load increment", [*load, str(deliveries[1])], env))
        release(deliveries[1], keep)
        daily_env = {**env, "KPI_TESTS_SCOPE": "rebuilt"}
        day = {"parse": ["parse"], "build": DAILY_BUILD}
        names = {PARSE_STEP: "incremental parse", BUILD_STEP: "incremental day"}
        steps += run_dbt_measured(names, day, daily_env)
        day_results = json.loads((target / "run_results.json").read_text())
        entry_incremental = {
            "label": INCREMENTAL_LABEL,
            "through": end.isoformat(),
            "seconds_by_kind": seconds_by_kind(day_results, manifest),
            "slowest_nodes": slowest_nodes(day_results),
            "warnings": warning_count(day_results),
        }
    raw, marts = row_counts(warehouse)
    slowest = sorted(floor["per_model"].items(), key=lambda kv: -kv[1])[:5]
    entry = {
        "scale": scale,
        "seed": seed,
        "date": started.date().isoformat(),
        "started_at": started.isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "machine": machine(),
        "versions": tool_versions(),
        "steps": {s.name: {"seconds": s.seconds, "peak_mb": s.peak_mb} for s in steps},
        "dbt_model_seconds": model_seconds(full_results),
        "full_build_seconds_by_kind": seconds_by_kind(full_results, manifest),
        "full_build_warnings": warning_count(full_results),
        "incremental_models": incremental_model_count(manifest),
        "incremental_label": entry_incremental["label"],
        "incremental": entry_incremental,
        "floor_models": floor["models"],
        "floor_slowest_models": dict(slowest),
        "raw_rows": raw,
        "mart_rows": marts,
    }
    # most inputs are gone already; the warehouse (and, with --no-incremental, a delivery) are not
    for path in (data_dir, *deliveries, warehouse, snapshot):
        release(path, keep)
    if not keep:
        for path in (manifest_path, floor_json):
            path.unlink(missing_ok=True)
    return entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,3,10", help="comma-separated scales (default 1,3,10)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--out", type=Path, default=Path("benchmarks/results"), help="writes <out>.json and <out>.md"
    )
    parser.add_argument("--work-dir", type=Path, default=Path("."), help="data/ and warehouse/ go under it")
    parser.add_argument("--keep", action="store_true", help="keep the generated data and warehouses")
    parser.add_argument(
        "--no-incremental",
        action="store_true",
        help="skip loading the last day and the incremental build",
    )
    parser.add_argument("--render-only", action="store_true", help="re-render <out>.md from <out>.json")
    # internal: the floor, run as its own process so that its memory is measured like a step
    parser.add_argument("--floor-of", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--snapshot", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--built", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--floor-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    if args.floor_of:
        floor = run_floor(args.floor_of, args.snapshot, args.built)
        args.floor_out.write_text(json.dumps(floor))
        return 0

    json_path, md_path = args.out.with_suffix(".json"), args.out.with_suffix(".md")
    old = json.loads(json_path.read_text()) if json_path.exists() else {"scales": []}
    if not args.render_only:
        try:
            scales = parse_scales(args.scales)
        except ValueError as exc:
            parser.error(str(exc))
        for scale in scales:
            entry = benchmark_scale(scale, args.seed, args.work_dir, args.keep, not args.no_incremental)
            old = merge_results(old, [entry])
            json_path.parent.mkdir(parents=True, exist_ok=True)
            json_path.write_text(json.dumps(old, indent=2) + "\n")  # after each scale: a crash keeps the rest
            md_path.write_text(render_markdown(old))
    md_path.write_text(render_markdown(old))
    print(md_path.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
