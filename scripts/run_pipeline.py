"""The main job behind `make run`: load the shop's data, build the warehouse, document it, draw the dashboard.

Two modes:

- the demo (no `--input`): generate the synthetic shop into `--data-dir` (reused
  when scale, seed and generator match), then load it;
- your own data (`--input DIR`): load the folder of raw files as it is. The
  pipeline only reads DIR: it never generates, writes, deletes or regenerates
  anything in it, and refuses to start when one of its outputs would land
  inside it.

Settings: `--timezone` is the zone of timestamps written without an offset (the
loader's `--assume-timezone`) and the reporting zone (dbt var
`reporting_timezone`); `--currency` the reporting currency (`reporting_currency`);
`--history-complete` says the export holds the shop's whole history (var
`history_complete`, default false); `--vars` further dbt vars as a YAML mapping.
The merged vars go to every dbt call. With `--input` the build is `dbt build
--exclude-resource-type unit_test` (models and data tests: unit tests test the
SQL, not the data, and `make test` runs them); the demo runs the whole build.

Each step runs as its own process (the generator, the loader, dbt, the
dashboard), so a failing step stops the pipeline with that step's own error and
exit code. The load and the build write a working copy next to the published
warehouse (`<name>.building.duckdb`), and the dashboard is drawn from it into
`<out>.building`; only when every step has passed is the working copy published
by an atomic rename over the file BI tools open (and the dashboard moved into
place), so a reader never sees a half-built warehouse: a connection opened
before the publish keeps reading the previous complete version, the next one
reads the new version, and a failed step leaves the published file untouched.
`--incremental` (a daily load of your own files) starts the working copy as a
byte copy of the published warehouse instead of an empty file, so the
incremental models add the new days; everything else is the same, publish
included. At the end it prints the effective settings, where the warehouse file, the docs
and the dashboard are, the rows per raw table, what dbt built, the data
coverage (marts.data_coverage, marts.kpi_coverage), the headline KPIs and how
long each step took.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytz
import yaml

from scripts.paths import ROOT

log = logging.getLogger("run_pipeline")

DEFAULT_DATA_DIR = Path("data/generated")
DEFAULT_WAREHOUSE = Path("warehouse/ecommerce.duckdb")
DEFAULT_DASHBOARD = Path("dashboard/index.html")
DEFAULT_SCALE = 1.0
DEFAULT_SEED = 42
TRUE_WORDS = ("true", "1", "yes", "on")
FALSE_WORDS = ("false", "0", "no", "off")
# the generator's exit code when it refuses its arguments or the output folder
GENERATOR_REFUSED = 2


class SettingsError(ValueError):
    """A bad option: the run stops before any step, with this message."""


class StepFailed(SystemExit):
    """A pipeline step exited non-zero; `returncode` is its exit code."""

    def __init__(self, name: str, returncode: int) -> None:
        super().__init__(f"step '{name}' failed with exit code {returncode}")
        self.returncode = returncode


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
            raise StepFailed(name, result.returncode)


# --------------------------------------------------------------------------- settings


def parse_bool(text: str, option: str) -> bool:
    """true/false, 1/0, yes/no, on/off (any case)."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SettingsError(f"{option}: expected true or false, got {text!r}")


def parse_vars(text: str | None) -> dict[str, Any]:
    """The `--vars` YAML mapping as a dict ({} when empty); SettingsError when it is not one."""
    if text is None or not text.strip():
        return {}
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        problem = " ".join(str(exc).split())
        raise SettingsError(
            f"--vars (VARS) is not valid YAML: {problem}. Expected a mapping such as "
            "'{churn_days: 120, pii_hash_salt: abc}'"
        ) from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SettingsError(
            f"--vars (VARS) must be a YAML mapping such as '{{churn_days: 120}}', "
            f"got a {type(value).__name__}: {text!r}"
        )
    keys = [key for key in value if not isinstance(key, str)]
    if keys:
        raise SettingsError(f"--vars (VARS): every var name must be text, got {keys!r}")
    return value


# the one list of accepted currency codes: dbt's settings check reads it too
CURRENCY_LIST = ROOT / "macros" / "settings" / "iso_4217_currencies.sql"


def iso_4217_currencies() -> frozenset[str]:
    """The active ISO-4217 codes of macros/settings/iso_4217_currencies.sql (`set codes = "..."`)."""
    found = re.search(r'set codes = "([A-Z\s]+)"', CURRENCY_LIST.read_text(encoding="utf-8"))
    if found is None:
        raise RuntimeError(f'{CURRENCY_LIST} holds no `set codes = "..."` list')
    return frozenset(found.group(1).split())


def check_timezone(name: str) -> str:
    """An IANA zone name as given; SettingsError when the zone is unknown.

    The same rule as dbt's settings check (macros/settings/setting_value.sql):
    one of pytz.all_timezones, case as written."""
    if name not in pytz.all_timezones_set:
        raise SettingsError(
            f"--timezone (TIMEZONE): unknown time zone {name!r} (expected an IANA name such as "
            "UTC, Europe/London or America/New_York)"
        )
    return name


def check_currency(code: str) -> str:
    """An active ISO-4217 code (iso_4217_currencies), upper-cased; SettingsError otherwise."""
    upper = code.strip().upper()
    if upper not in iso_4217_currencies():
        raise SettingsError(
            f"--currency (CURRENCY): expected an active ISO-4217 code such as GBP (listed in "
            f"{CURRENCY_LIST.relative_to(ROOT)}), got {code!r}"
        )
    return upper


def merge_vars(
    timezone: str | None,
    currency: str | None,
    history_complete: bool | None,
    extra: dict[str, Any],
) -> dict[str, Any]:
    """The dbt vars of a run: `extra` (--vars) with the options on top.

    An option and `--vars` that set the same var differently are an error
    rather than a silent choice. history_complete is always set (default false).
    """
    options = {
        "reporting_timezone": ("--timezone (TIMEZONE)", timezone),
        "reporting_currency": ("--currency (CURRENCY)", currency),
        "history_complete": ("--history-complete (HISTORY_COMPLETE)", history_complete),
    }
    merged = dict(extra)
    for var, (option, value) in options.items():
        if value is None:
            continue
        if var in extra and extra[var] != value:
            raise SettingsError(
                f"{var} is set twice, differently: {option} gives {value!r}, --vars (VARS) "
                f"{extra[var]!r}; set it once"
            )
        merged[var] = value
    merged.setdefault("history_complete", False)
    return merged


def vars_option(dbt_vars: dict[str, Any]) -> list[str]:
    """`--vars '{...}'` for a dbt command (one line of flow-style YAML), or nothing."""
    if not dbt_vars:
        return []
    text = yaml.safe_dump(dbt_vars, default_flow_style=True, sort_keys=True, width=1_000_000).strip()
    return ["--vars", text]


def dbt_commands(dbt: str, dbt_vars: dict[str, Any], own_data: bool) -> dict[str, list[str]]:
    """The dbt steps: build (models and data tests only on your own data) and docs.

    The same build serves a fresh working copy (every model built in full) and a
    copy of the published warehouse (`--incremental`: incremental models add the
    new days)."""
    build = [dbt, "build"]
    if own_data:
        build += ["--exclude-resource-type", "unit_test"]
    return {
        "dbt build": build + vars_option(dbt_vars),
        "dbt docs generate": [dbt, "docs", "generate", "--static", *vars_option(dbt_vars)],
    }


def project_var_defaults() -> dict[str, Any]:
    """The vars declared in dbt_project.yml ({} if it cannot be read)."""
    try:
        project = yaml.safe_load((ROOT / "dbt_project.yml").read_text())
    except (OSError, yaml.YAMLError):
        return {}
    found = project.get("vars") if isinstance(project, dict) else None
    return found if isinstance(found, dict) else {}


def effective_settings(dbt_vars: dict[str, Any]) -> dict[str, Any]:
    """Reporting zone, currency and history_complete as dbt will see them."""
    defaults = project_var_defaults()

    def pick(name: str, fallback: Any) -> Any:
        return dbt_vars.get(name, defaults.get(name, fallback))

    return {
        "reporting_timezone": pick("reporting_timezone", "UTC"),
        "reporting_currency": pick("reporting_currency", "USD"),
        "history_complete": pick("history_complete", False),
    }


def absolute(path: Path) -> Path:
    """The path made absolute against the current directory (subprocesses run in ROOT)."""
    return path if path.is_absolute() else Path.cwd() / path


def dbt_target_dir() -> Path:
    """Where dbt writes run_results.json and the docs: $DBT_TARGET_PATH or ROOT/target."""
    configured = os.environ.get("DBT_TARGET_PATH")
    if not configured:
        return ROOT / "target"
    return Path(configured) if Path(configured).is_absolute() else ROOT / configured


def check_input_dir(input_dir: Path, outputs: Sequence[Path]) -> Path:
    """The input folder, resolved; SettingsError when it is missing, not a folder,
    or when one of the pipeline's outputs (or dbt's target and log folders) would
    be written inside it."""
    if not input_dir.exists():
        raise SettingsError(
            f"--input (INPUT) {input_dir}: no such folder. Expected the folder of your raw files, "
            "one per contract table (docs/raw_contract.md; make contract-templates writes empty ones)"
        )
    if not input_dir.is_dir():
        raise SettingsError(
            f"--input (INPUT) {input_dir}: not a folder. Give the folder that holds the files "
            "(shop_orders.csv, ...), not a file"
        )
    folder = input_dir.resolve()
    dbt_dirs = [dbt_target_dir(), ROOT / os.environ.get("DBT_LOG_PATH", "logs")]
    for output in [*outputs, *dbt_dirs, ROOT]:
        if output.resolve().is_relative_to(folder):
            raise SettingsError(
                f"--input (INPUT) {input_dir}: the run would write {output} inside it, and the input "
                "folder is only ever read. Keep the raw files in a folder of their own"
            )
    for dbt_dir in dbt_dirs:
        if folder.is_relative_to(dbt_dir.resolve()):
            raise SettingsError(
                f"--input (INPUT) {input_dir}: it lies inside {dbt_dir}, which dbt writes. "
                "Keep the raw files in a folder of their own"
            )
    return folder


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--input",
        type=Path,
        default=None,
        help="folder of your own raw files (one per contract table); read only. "
        "Without it: the demo on generated data",
    )
    parser.add_argument(
        "--data-dir", type=Path, default=None, help=f"demo: where to generate (default {DEFAULT_DATA_DIR})"
    )
    parser.add_argument(
        "--scale", type=float, default=None, help=f"demo: data volume (default {DEFAULT_SCALE})"
    )
    parser.add_argument("--seed", type=int, default=None, help=f"demo: random seed (default {DEFAULT_SEED})")
    parser.add_argument(
        "--regenerate",
        action="store_true",
        help="demo: generate the data even if it is already there",
    )
    parser.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)
    parser.add_argument(
        "--dashboard-out", type=Path, default=DEFAULT_DASHBOARD, help="the dashboard HTML file"
    )
    parser.add_argument(
        "--timezone",
        default=None,
        help="IANA zone of timestamps without an offset, and the reporting zone (default UTC)",
    )
    parser.add_argument("--currency", default=None, help="reporting currency, ISO-4217 (default USD)")
    parser.add_argument(
        "--history-complete",
        nargs="?",
        const="true",
        default=None,
        metavar="BOOL",
        help="the data holds the shop's whole history (dbt var history_complete; default false)",
    )
    parser.add_argument("--vars", default=None, help="further dbt vars, a YAML mapping: '{churn_days: 120}'")
    parser.add_argument(
        "--earliest-date",
        default=None,
        metavar="YYYY-MM-DD",
        help="the loader's plausibility window starts here: rows dated earlier are rejected "
        "(default 2000-01-01; set it when your history starts earlier)",
    )
    parser.add_argument(
        "--incremental",
        action="store_true",
        help="a daily load: with --input, build on a copy of the published warehouse "
        "(incremental models add the new days) instead of a fresh one",
    )
    args = parser.parse_args(argv)
    demo_only = [
        option
        for option, value in (
            ("--data-dir", args.data_dir),
            ("--scale", args.scale),
            ("--seed", args.seed),
            ("--regenerate", args.regenerate or None),
        )
        if value is not None
    ]
    if args.input is not None and demo_only:
        parser.error(
            f"--input brings your own data and never generates: {', '.join(demo_only)} "
            "belong to the demo on generated data"
        )
    if args.incremental and args.input is None:
        parser.error(
            "--incremental (INCREMENTAL) is a daily load of your own files: give the folder with --input (INPUT)"
        )
    args.data_dir = args.data_dir or DEFAULT_DATA_DIR
    args.scale = DEFAULT_SCALE if args.scale is None else args.scale
    args.seed = DEFAULT_SEED if args.seed is None else args.seed
    for name in ("input", "data_dir", "warehouse", "dashboard_out"):
        if getattr(args, name) is not None:
            setattr(args, name, absolute(getattr(args, name)))
    try:
        timezone = check_timezone(args.timezone) if args.timezone else None
        currency = check_currency(args.currency) if args.currency else None
        history = (
            None
            if args.history_complete is None or not args.history_complete.strip()
            else parse_bool(args.history_complete, "--history-complete (HISTORY_COMPLETE)")
        )
        args.dbt_vars = merge_vars(timezone, currency, history, parse_vars(args.vars))
        args.assume_timezone = timezone or "UTC"
        if args.incremental and not args.warehouse.is_file():
            raise SettingsError(
                f"--incremental (INCREMENTAL): no published warehouse at {args.warehouse} to add the day to. "
                "Build it in full first: make run INPUT=<folder> (without INCREMENTAL)"
            )
        if args.input is not None:
            outputs = [
                args.warehouse,
                working_copy_of(args.warehouse),
                args.dashboard_out,
                staged_dashboard(args.dashboard_out),
            ]
            check_input_dir(args.input, outputs)
    except SettingsError as exc:
        parser.error(str(exc))
    return args


# --------------------------------------------------------------------------- warehouse files


def working_copy_of(published: Path) -> Path:
    """The file a build writes before it is published (same folder, so the rename is atomic)."""
    return published.with_name(published.stem + ".building" + published.suffix)


def copy_published(published: Path, working_copy: Path) -> None:
    """Start a daily (incremental) build from a byte copy of the published warehouse.

    Only the file's bytes are read: no DuckDB connection to the published file is
    opened, so a BI tool holding it open (read-only) neither blocks the copy nor is
    blocked by it. The published file is always checkpointed (publish() folds the
    write-ahead log in before the rename), so the one file is the whole database.
    """
    if published.with_name(published.name + ".wal").exists():
        raise RuntimeError(
            f"{published} has a write-ahead log: something other than `make run` wrote into it. "
            "Open it once read-write (duckdb.connect(path).execute('checkpoint')) or rebuild it in full"
        )
    shutil.copyfile(published, working_copy)


def staged_dashboard(out: Path) -> Path:
    """Where the pipeline draws the dashboard before it publishes (moved to `out` after)."""
    return out.with_name(out.name + ".building")


def discard(database: Path) -> None:
    """Remove a DuckDB file and its write-ahead log, if any."""
    for path in (database, database.with_name(database.name + ".wal")):
        path.unlink(missing_ok=True)


def checkpoint(database: Path) -> None:
    """Fold the write-ahead log into the database file; RuntimeError if one is left."""
    con = duckdb.connect(str(database))
    try:
        con.execute("checkpoint")
    finally:
        con.close()
    if database.with_name(database.name + ".wal").exists():
        raise RuntimeError(f"{database} still has a write-ahead log after a checkpoint")


def publish(working_copy: Path, published: Path) -> None:
    """Atomically replace the published warehouse with the finished working copy.

    The working copy is checkpointed first, so that the one file holds the whole
    database (no write-ahead log left behind), then renamed over the published
    file: `os.replace` is atomic within a file system. A reader that opened the
    published file before keeps its open file, i.e. the previous complete
    version; the next connection opens the new one.
    """
    checkpoint(working_copy)
    published.parent.mkdir(parents=True, exist_ok=True)
    os.replace(working_copy, published)
    published.with_name(published.name + ".wal").unlink(missing_ok=True)


def generator_mtime() -> float:
    """When the generator's code last changed: scripts/generate_data.py and the
    modules of scripts/generate/, if that package exists."""
    package = Path(__file__).resolve().parent
    files = [package / "generate_data.py", *(package / "generate").glob("**/*.py")]
    return max(path.stat().st_mtime for path in files if path.exists())


def data_is_current(data_dir: Path, scale: float, seed: int) -> bool:
    """True when data_dir already holds the full generated set made with this scale and
    seed by the current generator (a generator edited since then, or a profile's
    set, regenerates)."""
    truth = data_dir / "ground_truth.json"
    if not truth.exists():
        return False
    if truth.stat().st_mtime < generator_mtime():
        return False
    try:
        planted = json.loads(truth.read_text()).get("planted", {})
    except json.JSONDecodeError:
        return False
    return (
        float(planted.get("scale", -1)) == float(scale)
        and int(planted.get("seed", -1)) == seed
        and planted.get("profile", "full") == "full"
    )


# --------------------------------------------------------------------------- summary


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


def headline_lines(
    month: str | None,
    kpis: Sequence[tuple[str, str, float | None, float | None]],
    not_computable: set[str],
) -> list[str]:
    """The headline KPI table; a KPI the coverage lists as not computable reads so, not '-'."""
    if not month:
        return []
    lines = [
        "",
        f"headline KPIs of {month} (last complete month; all in marts.kpi_values)",
        f"{'kpi':<28}{'value':>16}{'target':>16}",
    ]
    for kpi_id, unit, value, target in kpis:
        shown = "not computable" if value is None and kpi_id in not_computable else format_kpi(unit, value)
        lines.append(f"{kpi_id:<28}{shown:>16}{format_kpi(unit, target):>16}")
    listed = {row[0] for row in kpis}
    for kpi_id in HEADLINE_KPIS:
        if kpi_id not in listed and kpi_id in not_computable:
            lines.append(f"{kpi_id:<28}{'not computable':>16}{'-':>16}")
    return lines


def read_coverage(warehouse: Path) -> tuple[Any, str]:
    """(Coverage, '') from marts.data_coverage and marts.kpi_coverage, or (None, why not)."""
    from scripts.build_dashboard import read_coverage as read_marts

    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        return None, f"cannot open {warehouse}: {exc}"
    try:
        return read_marts(con, "marts")
    finally:
        con.close()


def _wrapped(label: str, items: Sequence[str], indent: int = 4) -> list[str]:
    text = f"{label}{', '.join(items)}"
    return textwrap.wrap(
        text,
        width=100,
        initial_indent=" " * indent,
        subsequent_indent=" " * (indent + 4),
        break_on_hyphens=False,
    )


def _date(value: Any) -> str:
    return "?" if value is None else str(value)[:10]


def coverage_lines(coverage: Any, why_not: str, history_complete: Any) -> list[str]:
    """The summary's data coverage section (one line when the coverage marts are not there)."""
    lines = ["", "data coverage (marts.data_coverage, marts.kpi_coverage)"]
    if coverage is None:
        lines[-1] = f"data coverage: not available ({why_not})"
        return lines
    present, absent = coverage.present_tables, coverage.absent_tables
    lines.append(f"  tables present ({len(present)}):")
    for table in present:
        rows = table["row_count"] or 0
        span = (
            f"{_date(table['first_date'])}..{_date(table['last_date'])}"
            if table["first_date"] is not None or table["last_date"] is not None
            else "(no dates)"
        )
        lines.append(f"    {table['table_name']:<34}{rows:>12,} rows  {span}")
    if absent:
        names = [t["table_name"] + (" (REQUIRED)" if t["is_required"] else "") for t in absent]
        lines += _wrapped(f"tables absent ({len(absent)}): ", names, indent=2)
    else:
        lines.append("  tables absent: none")
    if coverage.empty_columns:
        lines += _wrapped("optional columns empty: ", coverage.empty_columns, indent=2)
    else:
        lines.append("  optional columns empty: none")
    computable = len(coverage.kpis) - len(coverage.not_computable)
    lines.append(f"  {computable} of {len(coverage.kpis)} KPIs computable")
    for missing, kpi_ids in coverage.not_computable_by_input().items():
        lines += _wrapped(f"not computable without {missing} ({len(kpi_ids)}): ", kpi_ids)
    history = "true" if history_complete is True else str(history_complete).lower()
    warm = coverage.warm_up_groups()
    if not warm:
        lines.append(f"  history_complete: {history}; no KPI waits for a warm-up")
    else:
        lines.append(f"  history_complete: {history}; KPIs complete only once they have enough history:")
        for (days, complete_from), kpi_ids in warm.items():
            when = f"complete from {complete_from}" if complete_from else "no complete period yet"
            lines += _wrapped(f"{days}-day warm-up, {when}: ", kpi_ids)
    return lines


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


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    own_data = args.input is not None

    building = working_copy_of(args.warehouse)
    discard(building)  # a failed earlier run's leftovers
    dashboard_building = staged_dashboard(args.dashboard_out)
    dashboard_building.unlink(missing_ok=True)
    env = dict(os.environ)
    env["WAREHOUSE_PATH"] = str(building)
    env.setdefault("DBT_PROFILES_DIR", str(ROOT))
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
    python = sys.executable
    dbt = str(Path(python).parent / "dbt")
    target = dbt_target_dir()

    total_start = time.perf_counter()
    timings = Timings()
    if args.incremental:
        start = time.perf_counter()
        copy_published(args.warehouse, building)
        timings.steps["copy warehouse"] = time.perf_counter() - start
    if own_data:
        source = args.input
        log.info("== input: %s (your own data; read only, nothing is generated)", source)
    else:
        source = args.data_dir
        generate_demo_data(args, timings, env, python)
    timings.run(
        "load",
        [
            python,
            "-m",
            "scripts.load_raw",
            "--input",
            str(source),
            "--database",
            str(building),
            "--assume-timezone",
            args.assume_timezone,
            "--in-place",
            *(["--earliest-date", args.earliest_date] if args.earliest_date else []),
        ],
        env,
    )
    commands = dbt_commands(dbt, args.dbt_vars, own_data)
    timings.run("dbt build", commands["dbt build"], env)
    build_counts = dbt_results(target / "run_results.json")
    timings.run("dbt docs generate", commands["dbt docs generate"], env)
    dashboard = [
        python,
        "-m",
        "scripts.build_dashboard",
        "--warehouse",
        str(building),
        "--out",
        str(dashboard_building),
        "--published-as",
        str(args.warehouse),
    ]
    if own_data:
        dashboard.append("--allow-empty-sections")
    checkpoint(building)  # the dashboard opens the working copy read-only
    timings.run("dashboard", dashboard, env)
    if not dashboard_building.exists():
        raise SystemExit(f"step 'dashboard' wrote no {dashboard_building}")
    start = time.perf_counter()
    publish(building, args.warehouse)
    args.dashboard_out.parent.mkdir(parents=True, exist_ok=True)
    os.replace(dashboard_building, args.dashboard_out)
    timings.steps["publish"] = time.perf_counter() - start
    total = time.perf_counter() - total_start

    settings = effective_settings(args.dbt_vars)
    rows = raw_row_counts(args.warehouse)
    lines = ["", "=" * 72, "make run: done", "=" * 72]
    if own_data:
        lines.append(f"input     : {args.input} (your own data; read only)")
    else:
        lines.append(f"data      : {args.data_dir} (generated demo: scale {args.scale}, seed {args.seed})")
    zone = settings["reporting_timezone"]
    if args.assume_timezone == zone:
        lines.append(f"time zone : {zone} (timestamps without an offset, and reporting)")
    else:
        lines.append(
            f"time zone : {args.assume_timezone} (timestamps without an offset); reporting in {zone}"
        )
    lines.append(f"currency  : {settings['reporting_currency']} (reporting)")
    lines.append(f"history_complete: {str(settings['history_complete']).lower()}")
    extra = {k: v for k, v in args.dbt_vars.items() if k not in settings}
    if extra:
        lines.append(f"dbt vars  : {vars_option(extra)[1]}")
    if args.incremental:
        lines.append(f"warehouse : {args.warehouse} (daily load: built on a copy of the published file)")
    else:
        lines.append(f"warehouse : {args.warehouse}")
    lines.append(f"docs      : {target / 'static_index.html'}  (one file, opens from disk)")
    lines.append(f"            {target / 'index.html'}  (site; serve with: make docs-serve)")
    lines.append(f"dashboard : {args.dashboard_out}  (opens from disk, offline)")
    lines.append("")
    lines.append(f"{'raw table':<34}{'input':>12}{'loaded':>12}{'rejected':>10}")
    for table, n_in, n_loaded, n_rejected in rows:
        lines.append(f"{table:<34}{n_in:>12,}{n_loaded:>12,}{n_rejected:>10,}")
    lines.append(
        f"{'total':<34}{sum(r[1] for r in rows):>12,}{sum(r[2] for r in rows):>12,}"
        f"{sum(r[3] for r in rows):>10,}"
    )
    if sum(r[3] for r in rows):
        lines.append("rejected rows, each with its reason: raw_rejects.rejected_rows")
    lines.append("")
    for kind in ("model", "seed", "test", "unit_test"):
        if kind in build_counts:
            summary = ", ".join(f"{n} {status}" for status, n in sorted(build_counts[kind].items()))
            lines.append(f"dbt {kind + 's':<11}: {summary}")
    coverage, why_not = read_coverage(args.warehouse)
    lines += coverage_lines(coverage, why_not, settings["history_complete"])
    not_computable = {k["kpi_id"] for k in coverage.not_computable} if coverage is not None else set()
    month, kpis = headline_kpis(args.warehouse)
    lines += headline_lines(month, kpis, not_computable)
    lines.append("")
    for step, seconds in timings.steps.items():
        lines.append(f"{step:<20}{seconds:>8.1f} s")
    lines.append(f"{'total':<20}{total:>8.1f} s")
    print("\n".join(lines))
    return 0


def generate_demo_data(args: argparse.Namespace, timings: Timings, env: dict[str, str], python: str) -> None:
    """The demo's data: generate it unless data_dir already holds this scale and seed."""
    if not args.regenerate and data_is_current(args.data_dir, args.scale, args.seed):
        log.info(
            "== generate: %s already holds scale %s seed %s; reusing it",
            args.data_dir,
            args.scale,
            args.seed,
        )
        return
    cmd = [
        python,
        "-m",
        "scripts.generate_data",
        "--out",
        str(args.data_dir),
        "--scale",
        str(args.scale),
        "--seed",
        str(args.seed),
    ]
    try:
        timings.run("generate", cmd, env)
    except StepFailed as exc:
        if exc.returncode != GENERATOR_REFUSED:
            raise
        raise SystemExit(
            f"{exc}: the generator refused (see its message above), e.g. to write into "
            f"{args.data_dir}, a folder it did not write. To build from your own files, use "
            "--input DIR (make run INPUT=DIR), which only reads the folder"
        ) from None


if __name__ == "__main__":
    sys.exit(main())
