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
The merged vars go to every dbt call. The build is `dbt build
--exclude-resource-type unit_test` (models and data tests: unit tests test the
SQL, not the data, and `make test` runs them); on `--incremental` the data tests
of incremental models read only the rows a daily run rebuilds (environment
KPI_TESTS_SCOPE=rebuilt). The docs reuse the build's compilation (`dbt docs
generate --no-compile`). dbt's three steps run in one process
(``pipeline.dbt_session``): it parses the project once, while the data is
generated and loaded, and builds and writes the docs with that manifest once
the load has passed.

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
coverage (marts.data_coverage, marts.kpi_coverage), the unresolved references
(marts.data_references), the headline KPIs and how
long each step took.

The parts live in ``scripts/pipeline/``: ``settings`` (options, dbt vars, the step
runner), ``dbt_session`` (dbt's parse, build and docs in one process), ``files``
(the working copy and its atomic publish) and ``summary`` (what is printed at
the end); this module is the command: its options and the
steps in order.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from scripts.paths import ROOT
from scripts.pipeline.dbt_session import DbtSession
from scripts.pipeline.files import (
    checkpoint,
    copy_published,
    data_is_current,
    discard,
    publish,
    staged_dashboard,
    working_copy_of,
)
from scripts.pipeline.settings import (
    DEFAULT_DASHBOARD,
    DEFAULT_DATA_DIR,
    DEFAULT_SCALE,
    DEFAULT_SEED,
    DEFAULT_WAREHOUSE,
    GENERATOR_REFUSED,
    SettingsError,
    StepFailed,
    Timings,
    absolute,
    check_currency,
    check_input_dir,
    check_timezone,
    dbt_commands,
    dbt_target_dir,
    effective_settings,
    log,
    merge_vars,
    parse_bool,
    parse_vars,
    vars_option,
)
from scripts.pipeline.summary import (
    coverage_lines,
    dbt_results,
    headline_kpis,
    headline_lines,
    raw_row_counts,
    read_coverage,
    reference_lines,
    unresolved_references,
)


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
    # a daily run tests only the rows it rebuilt in the incremental models; any
    # other run tests every row (macros/settings/tests_scope.sql)
    env["KPI_TESTS_SCOPE"] = "rebuilt" if args.incremental else "all"
    env.setdefault("DBT_PROFILES_DIR", str(ROOT))
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
    python = sys.executable
    target = dbt_target_dir()

    total_start = time.perf_counter()
    timings = Timings()
    if args.incremental:
        start = time.perf_counter()
        copy_published(args.warehouse, building)
        timings.steps["copy warehouse"] = time.perf_counter() - start
    # dbt parses the project while the data is generated and loaded (one core
    # each); it builds only once the load has passed
    dbt = start_dbt_session(python, dbt_commands(args.dbt_vars), env)
    try:
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
    except BaseException:
        dbt.stop()
        raise
    dbt.run_build_and_docs(timings)
    build_counts = dbt_results(target / "run_results.json")
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
    lines += reference_lines(unresolved_references(args.warehouse))
    not_computable = {k["kpi_id"] for k in coverage.not_computable} if coverage is not None else set()
    month, kpis = headline_kpis(args.warehouse)
    lines += headline_lines(month, kpis, not_computable)
    lines.append("")
    for step, seconds in timings.steps.items():
        lines.append(f"{step:<24}{seconds:>8.1f} s")
    lines.append(f"{'total':<24}{total:>8.1f} s")
    print("\n".join(lines))
    return 0


def start_dbt_session(python: str, commands: dict[str, list[str]], env: dict[str, str]) -> DbtSession:
    """dbt's process of this run (pipeline.dbt_session): it parses now, builds when told."""
    return DbtSession.start(python, commands, env)


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
