"""Build the KPI dashboard: one static, offline HTML page of Plotly charts read from the marts.

Usage::

    kpi-dashboard [--warehouse PATH] [--out PATH] [--schema marts]
    (also python -m scripts.build_dashboard)

The warehouse is opened read-only, so a BI tool or a build can hold it at the
same time. The page holds plotly.js inline (once) and loads nothing from the
internet: it opens from disk, offline. Sections: the three KPI layers (trend
against target, achievement), the web funnel, cohort retention, attribution
models side by side, experiment results, role scorecards, flagged anomalies,
when the table exists, the GMV forecast, and the data coverage (which raw tables
and columns the warehouse was built from, which KPIs they make computable; from
marts.data_coverage and marts.kpi_coverage, a one-line note when those are absent).

Every chart must have data. A missing warehouse, a missing mart or a mart with
no rows for a chart stops the build with exit code 2 and a message naming it;
no page is written then. `--allow-empty-sections` (what `make run INPUT=...`
uses: a shop's own export may lack optional tables) draws a section whose data
is empty as a note instead; missing marts still stop the build.

The code lives in the package ``scripts.dashboard``: ``data`` (reading the
marts), ``kpi_sections`` and ``analysis_sections`` (one function per section),
``coverage``, and ``page`` (the sections in order, rendered); this module is the
command and the names other code imports.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from scripts.dashboard.common import (
    DEFAULT_OUT,
    DEFAULT_SCHEMA,
    DEFAULT_WAREHOUSE,
    EXIT_NOT_READY,
    Chart,
    DashboardNotReady,
    Section,
    log,
)
from scripts.dashboard.coverage import Coverage, coverage_section, read_coverage
from scripts.dashboard.page import build_dashboard, build_sections, render_page

__all__ = [
    "Chart",
    "Coverage",
    "DashboardNotReady",
    "Section",
    "build_dashboard",
    "build_sections",
    "coverage_section",
    "main",
    "parse_args",
    "read_coverage",
    "render_page",
]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--warehouse", type=Path, default=Path(DEFAULT_WAREHOUSE), help="DuckDB file, opened read-only"
    )
    parser.add_argument("--out", type=Path, default=Path(DEFAULT_OUT), help="HTML file to write")
    parser.add_argument("--schema", default=DEFAULT_SCHEMA, help="schema of the marts")
    parser.add_argument(
        "--published-as",
        type=Path,
        default=None,
        help="the warehouse file the page names (default: --warehouse)",
    )
    parser.add_argument(
        "--allow-empty-sections",
        action="store_true",
        help="draw a note for a section without data instead of stopping (a shop's own data may "
        "lack optional tables); missing marts still stop the build",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)-7s %(message)s", datefmt="%H:%M:%S"
    )
    args = parse_args(argv)
    try:
        out = build_dashboard(
            args.warehouse, args.out, args.schema, args.published_as, args.allow_empty_sections
        )
    except DashboardNotReady as exc:
        log.error("dashboard not built: %s", exc)
        return EXIT_NOT_READY
    log.info("dashboard: %s", out.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
