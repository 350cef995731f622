"""The main job behind `make run`: generate data, load it, build the warehouse, document it.

Each step runs as its own process (the generator, the loader, dbt), so a failing
step stops the pipeline with that step's own error and exit code. The load and
the build write a working copy next to the published warehouse
(`<name>.building.duckdb`); only when every step has passed is the working copy
published by an atomic rename over the file BI tools open, so a reader never
sees a half-built warehouse: a connection opened before the publish keeps
reading the previous complete version, the next one reads the new version, and
a failed build leaves the published file untouched. At the end it prints where
the warehouse file and the docs are, the rows per raw table, what dbt built,
the headline KPIs and how long each step took.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

log = logging.getLogger("run_pipeline")
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Timings:
    """Wall time per pipeline step, in seconds, in the order the steps ran."""

    steps: dict[str, float] = field(default_factory=dict)

    def run(self, name: str, cmd: list[str], env: dict[str, str]) -> None:
        log.info("== %s: %s", name, " ".join(cmd))
        start = time.perf_counter()
        result = subprocess.run(cmd, cwd=ROOT, env=env, check=False)
        self.steps[name] = time.perf_counter() - start
        if result.returncode != 0:
            raise SystemExit(f"step '{name}' failed with exit code {result.returncode}")


def working_copy_of(published: Path) -> Path:
    """The file a build writes before it is published (same folder, so the rename is atomic)."""
    return published.with_name(published.stem + ".building" + published.suffix)


def discard(database: Path) -> None:
    """Remove a DuckDB file and its write-ahead log, if any."""
    for path in (database, database.with_name(database.name + ".wal")):
        path.unlink(missing_ok=True)


def publish(working_copy: Path, published: Path) -> None:
    """Atomically replace the published warehouse with the finished working copy.

    The working copy is checkpointed first, so that the one file holds the whole
    database (no write-ahead log left behind), then renamed over the published
    file: `os.replace` is atomic within a file system. A reader that opened the
    published file before keeps its open file, i.e. the previous complete
    version; the next connection opens the new one.
    """
    con = duckdb.connect(str(working_copy))
    try:
        con.execute("checkpoint")
    finally:
        con.close()
    if working_copy.with_name(working_copy.name + ".wal").exists():
        raise RuntimeError(f"{working_copy} still has a write-ahead log after a checkpoint")
    published.parent.mkdir(parents=True, exist_ok=True)
    os.replace(working_copy, published)
    published.with_name(published.name + ".wal").unlink(missing_ok=True)


def data_is_current(data_dir: Path, scale: float, seed: int) -> bool:
    """True when data_dir already holds a generated set made with this scale and seed
    by the current generator (a generator edited since then regenerates)."""
    truth = data_dir / "ground_truth.json"
    if not truth.exists():
        return False
    if truth.stat().st_mtime < (ROOT / "scripts" / "generate_data.py").stat().st_mtime:
        return False
    try:
        planted = json.loads(truth.read_text()).get("planted", {})
    except json.JSONDecodeError:
        return False
    return float(planted.get("scale", -1)) == float(scale) and int(planted.get("seed", -1)) == seed


def raw_row_counts(warehouse: Path) -> list[tuple[str, int, int, int]]:
    """(table, input, loaded, rejected) per raw table, from the loader's summary."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(
            "select table_name, input_rows, loaded_rows, rejected_rows "
            "from raw_rejects.load_summary order by table_name"
        ).fetchall()
    finally:
        con.close()


HEADLINE_KPIS: tuple[str, ...] = (
    "gmv",
    "net_revenue",
    "orders",
    "aov",
    "gross_margin_pct",
    "new_customers",
    "session_conversion_rate",
    "net_revenue_growth_yoy",
    "nps",
    "csat",
    "on_time_delivery_rate",
)


def headline_kpis(warehouse: Path) -> tuple[str | None, list[tuple[str, str, float | None, float | None]]]:
    """The last complete month and its headline KPIs: (kpi_id, unit, value, target)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        month = con.execute(
            "select max(period_start) from marts.kpi_values "
            "where kpi_id = 'gmv' and grain = 'month' and dimension = 'total' and is_complete"
        ).fetchone()[0]
        if month is None:
            return None, []
        rows = con.execute(
            "select kpi_id, unit, value, target from marts.kpi_values "
            "where grain = 'month' and dimension = 'total' and period_start = ? and kpi_id in "
            f"({', '.join('?' for _ in HEADLINE_KPIS)})",
            [month, *HEADLINE_KPIS],
        ).fetchall()
    finally:
        con.close()
    order = {kpi: i for i, kpi in enumerate(HEADLINE_KPIS)}
    return str(month)[:7], sorted(rows, key=lambda row: order[row[0]])


def format_kpi(unit: str, value: float | None) -> str:
    if value is None:
        return "-"
    if unit == "rate":
        return f"{value:.1%}"
    if unit == "currency":
        return f"{value:,.2f}"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def dbt_results(run_results: Path) -> dict[str, dict[str, int]]:
    """Counts of dbt nodes by resource type and status from run_results.json."""
    counts: dict[str, dict[str, int]] = {}
    results = json.loads(run_results.read_text())["results"]
    for result in results:
        kind = result["unique_id"].split(".")[0]
        status = str(result["status"])
        counts.setdefault(kind, {}).setdefault(status, 0)
        counts[kind][status] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("data/generated"))
    parser.add_argument("--warehouse", type=Path, default=Path("warehouse/ecommerce.duckdb"))
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--regenerate",
        action="store_true",
        help="generate the data even if it is already there",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    building = working_copy_of(args.warehouse)
    discard(building)  # a failed earlier run's leftovers
    env = dict(os.environ)
    env["WAREHOUSE_PATH"] = str(building)
    env.setdefault("DBT_PROFILES_DIR", str(ROOT))
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
    python = sys.executable
    dbt = str(Path(python).parent / "dbt")

    total_start = time.perf_counter()
    timings = Timings()
    if args.regenerate or not data_is_current(args.data_dir, args.scale, args.seed):
        timings.run(
            "generate",
            [
                python,
                "scripts/generate_data.py",
                "--out",
                str(args.data_dir),
                "--scale",
                str(args.scale),
                "--seed",
                str(args.seed),
            ],
            env,
        )
    else:
        log.info(
            "== generate: %s already holds scale %s seed %s; reusing it",
            args.data_dir,
            args.scale,
            args.seed,
        )
    timings.run(
        "load",
        [
            python,
            "scripts/load_raw.py",
            "--input",
            str(args.data_dir),
            "--database",
            str(building),
        ],
        env,
    )
    timings.run("dbt build", [dbt, "build"], env)
    build_counts = dbt_results(ROOT / "target" / "run_results.json")
    timings.run("dbt docs generate", [dbt, "docs", "generate", "--static"], env)
    start = time.perf_counter()
    publish(building, args.warehouse)
    timings.steps["publish"] = time.perf_counter() - start
    total = time.perf_counter() - total_start

    rows = raw_row_counts(args.warehouse)
    lines = ["", "=" * 72, "make run: done", "=" * 72]
    lines.append(
        f"warehouse : {(ROOT / args.warehouse).resolve() if not args.warehouse.is_absolute() else args.warehouse}"
    )
    lines.append(f"docs      : {ROOT / 'target' / 'static_index.html'}  (one file, opens from disk)")
    lines.append(f"            {ROOT / 'target' / 'index.html'}  (site; serve with: make docs-serve)")
    lines.append(f"data      : {args.data_dir} (scale {args.scale}, seed {args.seed})")
    lines.append("")
    lines.append(f"{'raw table':<34}{'input':>12}{'loaded':>12}{'rejected':>10}")
    for table, n_in, n_loaded, n_rejected in rows:
        lines.append(f"{table:<34}{n_in:>12,}{n_loaded:>12,}{n_rejected:>10,}")
    lines.append(
        f"{'total':<34}{sum(r[1] for r in rows):>12,}{sum(r[2] for r in rows):>12,}"
        f"{sum(r[3] for r in rows):>10,}"
    )
    lines.append("")
    for kind in ("model", "seed", "test", "unit_test"):
        if kind in build_counts:
            summary = ", ".join(f"{n} {status}" for status, n in sorted(build_counts[kind].items()))
            lines.append(f"dbt {kind + 's':<11}: {summary}")
    month, kpis = headline_kpis(args.warehouse)
    if month:
        lines.append("")
        lines.append(f"headline KPIs of {month} (last complete month; all in marts.kpi_values)")
        lines.append(f"{'kpi':<28}{'value':>16}{'target':>16}")
        for kpi_id, unit, value, target in kpis:
            lines.append(f"{kpi_id:<28}{format_kpi(unit, value):>16}{format_kpi(unit, target):>16}")
    lines.append("")
    for step, seconds in timings.steps.items():
        lines.append(f"{step:<20}{seconds:>8.1f} s")
    lines.append(f"{'total':<20}{total:>8.1f} s")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
