"""The page: every section in order, rendered into one offline HTML file."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

import duckdb

from scripts.dashboard.analysis_sections import (
    attribution_section,
    cohort_section,
    experiment_section,
    funnel_section,
)
from scripts.dashboard.common import DEFAULT_SCHEMA, LAYER_KPIS, PLOT_CONFIG, DashboardNotReady, Section, log
from scripts.dashboard.coverage import coverage_section, read_coverage
from scripts.dashboard.data import check_tables, connect
from scripts.dashboard.kpi_sections import (
    anomaly_section,
    forecast_section,
    kpi_layer_section,
    scorecard_section,
)

# --------------------------------------------------------------------------- page


def build_sections(
    con: duckdb.DuckDBPyConnection, schema: str, allow_empty_sections: bool = False
) -> list[Section]:
    """Every section, in page order; DashboardNotReady when a mart or a chart's data is missing
    (with allow_empty_sections, a section without data becomes a note; a missing mart still stops)."""
    present = check_tables(con, schema)
    builders: list[tuple[str, str, Callable[[], Section]]] = [
        (
            f"layer-{layer}",
            f"{layer.capitalize()} layer",
            partial(kpi_layer_section, con, schema, layer, kpis, allow_empty_sections),
        )
        for layer, kpis in LAYER_KPIS.items()
    ]
    builders += [
        ("funnel", "Web funnel", partial(funnel_section, con, schema)),
        ("cohorts", "Cohort retention", partial(cohort_section, con, schema)),
        ("attribution", "Attribution models side by side", partial(attribution_section, con, schema)),
        ("experiments", "Experiment results", partial(experiment_section, con, schema)),
        ("scorecards", "Scorecards", partial(scorecard_section, con, schema)),
        ("anomalies", "Anomalies flagged", partial(anomaly_section, con, schema)),
    ]
    if "gmv_forecast_daily" in present:
        builders.append(("forecast", "GMV forecast", partial(forecast_section, con, schema)))
    sections = []
    for section_id, title, build in builders:
        try:
            sections.append(build())
        except DashboardNotReady as exc:
            if not allow_empty_sections:
                raise
            log.warning("section %s not drawn: %s", section_id, exc)
            sections.append(
                Section(
                    section_id=section_id,
                    title=title,
                    intro=f"Not drawn: {exc}. The data it needs is not in this warehouse (see Data coverage).",
                )
            )
    sections.append(coverage_section(con, schema))
    return sections


PAGE_CSS = """
body { font-family: -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; margin: 0;
       color: #222; background: #f5f6f8; }
header { background: #1f2a44; color: #fff; padding: 18px 32px; }
header h1 { margin: 0 0 4px; font-size: 24px; }
header p { margin: 0; opacity: 0.8; font-size: 13px; }
nav { padding: 8px 32px; background: #fff; border-bottom: 1px solid #ddd; font-size: 14px; }
nav a { margin-right: 16px; color: #1f77b4; text-decoration: none; }
main { padding: 16px 32px 40px; }
section { background: #fff; border-radius: 6px; padding: 14px 20px 18px; margin-bottom: 18px;
          box-shadow: 0 1px 2px rgba(0,0,0,0.08); }
section h2 { margin: 4px 0 6px; font-size: 20px; }
section p.intro { margin: 0 0 10px; color: #555; font-size: 13px; }
.tiles { display: flex; gap: 12px; flex-wrap: wrap; margin-bottom: 8px; }
.tile { flex: 1 1 200px; border: 1px solid #e3e3e3; border-left: 5px solid #aaa; border-radius: 4px;
        padding: 8px 12px; }
.tile.good { border-left-color: #2ca02c; } .tile.bad { border-left-color: #d62728; }
.tile-name { font-size: 13px; color: #555; } .tile-value { font-size: 22px; font-weight: 600; }
.tile-sub { font-size: 12px; color: #777; }
table.data { border-collapse: collapse; font-size: 13px; margin-top: 8px; }
table.data th, table.data td { border-bottom: 1px solid #eee; padding: 4px 10px; text-align: right; }
table.data th:nth-child(-n+2), table.data td:nth-child(-n+2) { text-align: left; }
#coverage-kpis th:nth-child(3), #coverage-kpis td:nth-child(3) { text-align: left; }
footer { padding: 0 32px 24px; color: #777; font-size: 12px; }
"""


def render_page(
    sections: Sequence[Section], warehouse: Path, built_at: dt.datetime, headline: str = ""
) -> str:
    """The whole page: plotly.js inline once (with the first chart), every section after the other."""
    parts: list[str] = []
    plotly_js_included = False
    for section in sections:
        charts_html = []
        for chart in section.charts:
            charts_html.append(
                '<div class="chart">'
                + chart.figure.to_html(
                    full_html=False,
                    include_plotlyjs=not plotly_js_included,
                    div_id=chart.chart_id,
                    config=PLOT_CONFIG,
                )
                + "</div>"
            )
            plotly_js_included = True
        parts.append(
            f'<section id="{section.section_id}" class="dashboard-section">'
            f"<h2>{html.escape(section.title)}</h2>"
            f'<p class="intro">{html.escape(section.intro)}</p>'
            f"{section.extra_html}{''.join(charts_html)}</section>"
        )
    nav = "".join(f'<a href="#{s.section_id}">{html.escape(s.title)}</a>' for s in sections)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        "<title>E-commerce KPI dashboard</title>"
        f"<style>{PAGE_CSS}</style></head><body>"
        "<header><h1>E-commerce KPI dashboard</h1>"
        f"<p>Built {built_at:%Y-%m-%d %H:%M} UTC from {html.escape(warehouse.name)} (schema marts). "
        f"Static page: works offline.{html.escape(headline)}</p></header>"
        f"<nav>{nav}</nav><main>{''.join(parts)}</main>"
        "<footer>Definitions and formulas of every KPI: kpi_catalog and the dbt docs.</footer>"
        "</body></html>\n"
    )


def build_dashboard(
    warehouse: Path,
    out: Path,
    schema: str = DEFAULT_SCHEMA,
    published_as: Path | None = None,
    allow_empty_sections: bool = False,
) -> Path:
    """Read the marts, render the page and write it (atomically) to out; return out.

    published_as: the warehouse the page names (make run draws from the working
    copy it publishes afterwards under this name)."""
    con = connect(warehouse)
    try:
        sections = build_sections(con, schema, allow_empty_sections)
        coverage, _ = read_coverage(con, schema)
    finally:
        con.close()
    headline = ""
    if coverage is not None:
        computable = len(coverage.kpis) - len(coverage.not_computable)
        headline = (
            f" {computable} of {len(coverage.kpis)} KPIs computable from this data (see Data coverage)."
        )
    page = render_page(sections, published_as or warehouse, dt.datetime.now(dt.UTC), headline)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_text(page, encoding="utf-8")
    partial.replace(out)
    charts = sum(len(s.charts) for s in sections)
    log.info("wrote %d sections, %d charts, %.1f MB", len(sections), charts, len(page) / 1e6)
    return out
