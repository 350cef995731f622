"""Build the KPI dashboard: one static, offline HTML page of Plotly charts read from the marts.

Usage::

    python scripts/build_dashboard.py [--warehouse PATH] [--out PATH] [--schema marts]

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
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import logging
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import plotly.graph_objects as go
from plotly.subplots import make_subplots

log = logging.getLogger("build_dashboard")

DEFAULT_WAREHOUSE = "warehouse/ecommerce.duckdb"
DEFAULT_OUT = "dashboard/index.html"
DEFAULT_SCHEMA = "marts"
EXIT_NOT_READY = 2

# The KPIs shown per layer (kpi_values, month grain, total), three each.
LAYER_KPIS: dict[str, tuple[str, ...]] = {
    "strategic": ("gmv", "net_revenue", "new_customers"),
    "operational": ("sessions", "session_conversion_rate", "aov"),
    "functional": ("csat", "on_time_delivery_rate", "first_response_time_s"),
}
# Marts every section needs (issue 5's experiment_results and kpi_anomalies included).
REQUIRED_TABLES: tuple[str, ...] = (
    "kpi_values",
    "kpi_catalog",
    "funnel_daily",
    "cohort_retention_monthly",
    "attribution_channel",
    "experiment_results",
    "scorecard_monthly",
    "kpi_anomalies",
)
# Drawn only when present.
OPTIONAL_TABLES: tuple[str, ...] = ("gmv_forecast_daily",)
# The data coverage panel's marts (a note instead of the panel when one is absent).
COVERAGE_TABLES: tuple[str, ...] = ("data_coverage", "kpi_coverage")
# The anomaly chart always shows these KPIs, plus the KPI with the most anomalies flagged.
ANOMALY_KPIS: tuple[str, ...] = ("gmv",)
FUNNEL_STEPS: tuple[tuple[str, str], ...] = (
    ("sessions", "Sessions"),
    ("sessions_reaching_product_view", "Product view"),
    ("sessions_reaching_add_to_cart", "Add to cart"),
    ("sessions_reaching_begin_checkout", "Begin checkout"),
    ("sessions_reaching_purchase", "Purchase"),
)
FORECAST_HISTORY_DAYS = 120
COHORT_MONTHS_SHOWN = 12
# The achievement axis of the layer charts: the same scale in every chart, bars above it are cut.
ACHIEVEMENT_RANGE = (0.0, 1.5)
PLOT_CONFIG: dict[str, Any] = {"displaylogo": False, "responsive": True}
COLORS = {
    "value": "#1f77b4",
    "target": "#7f7f7f",
    "achievement": "#2ca02c",
    "anomaly": "#d62728",
    "band": "rgba(31, 119, 180, 0.15)",
}


class DashboardNotReady(Exception):
    """The warehouse, a mart or a chart's data is missing: exit code 2."""


@dataclass
class Chart:
    """One Plotly figure of a section."""

    chart_id: str
    figure: go.Figure
    caption: str = ""


@dataclass
class Section:
    """A titled block of the page: an intro, optional HTML (tiles, tables) and charts."""

    section_id: str
    title: str
    intro: str
    charts: list[Chart] = field(default_factory=list)
    extra_html: str = ""


# --------------------------------------------------------------------------- data access


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only; DashboardNotReady when it is missing or cannot be opened."""
    if not warehouse.is_file():
        raise DashboardNotReady(
            f"warehouse {warehouse} does not exist: build it first (make run, or make dbt-test for the test one)"
        )
    try:
        return duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        raise DashboardNotReady(f"cannot open warehouse {warehouse} read-only: {exc}") from exc


def existing_tables(con: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    """Names of the tables and views in the schema."""
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = ?", [schema]
    ).fetchall()
    return {row[0] for row in rows}


def check_tables(con: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    """Raise DashboardNotReady naming every required mart that is missing; return the tables present."""
    present = existing_tables(con, schema)
    missing = [table for table in REQUIRED_TABLES if table not in present]
    if missing:
        raise DashboardNotReady(
            f"the warehouse lacks {', '.join(f'{schema}.{t}' for t in missing)}: "
            "run a full dbt build (make run) on a branch that has these models"
        )
    for table in OPTIONAL_TABLES:
        if table not in present:
            log.warning("%s.%s is absent: its section is left out", schema, table)
    return present


def fetch(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any], what: str) -> list[dict[str, Any]]:
    """Rows of a query as dicts; DashboardNotReady when there are none (a chart needs data)."""
    cursor = con.execute(sql, list(params))
    columns = [d[0] for d in cursor.description]
    rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    if not rows:
        raise DashboardNotReady(f"no data for {what}: the chart would be empty")
    log.info("%-38s %6d rows", what, len(rows))
    return rows


@dataclass
class Coverage:
    """What the warehouse was built from and what that makes computable.

    ``tables``: the table rows of marts.data_coverage (column_name NULL);
    ``empty_columns``: ``table.column`` of the optional columns without a value
    in tables that are present; ``kpis``: marts.kpi_coverage.
    """

    tables: list[dict[str, Any]]
    empty_columns: list[str]
    kpis: list[dict[str, Any]]

    @property
    def present_tables(self) -> list[dict[str, Any]]:
        return [t for t in self.tables if t["is_present"]]

    @property
    def absent_tables(self) -> list[dict[str, Any]]:
        return [t for t in self.tables if not t["is_present"]]

    @property
    def not_computable(self) -> list[dict[str, Any]]:
        return [k for k in self.kpis if not k["is_computable"]]

    def not_computable_by_input(self) -> dict[str, list[str]]:
        """KPI ids not computable, grouped by their missing inputs (most KPIs first)."""
        groups: dict[str, list[str]] = {}
        for kpi in self.not_computable:
            groups.setdefault(kpi["missing_inputs"] or "(inputs not named)", []).append(kpi["kpi_id"])
        return {
            missing: sorted(kpi_ids)
            for missing, kpi_ids in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
        }

    def warm_up_groups(self) -> dict[tuple[int, str], list[str]]:
        """Computable KPI ids that need a warm-up of history, by (warm-up days, complete_from)."""
        groups: dict[tuple[int, str], list[str]] = {}
        for kpi in self.kpis:
            if kpi["complete_from"] is None or not kpi["is_computable"]:  # no warm-up applies
                continue
            key = (int(kpi["warm_up_days"] or 0), str(kpi["complete_from"])[:10])
            groups.setdefault(key, []).append(kpi["kpi_id"])
        return {key: sorted(kpi_ids) for key, kpi_ids in sorted(groups.items())}


def read_coverage(con: duckdb.DuckDBPyConnection, schema: str) -> tuple[Coverage | None, str]:
    """(Coverage, '') from the two coverage marts, or (None, why not) when they are absent or unreadable."""
    present = existing_tables(con, schema)
    missing = [f"{schema}.{t}" for t in COVERAGE_TABLES if t not in present]
    if missing:
        return None, f"the warehouse has no {' or '.join(missing)} (built before the coverage marts existed?)"
    # select *: a column added to the marts later does not break the panel; the
    # columns read below are those the marts document (source_file may be absent)
    try:
        tables = _dicts(con.execute(f"select * from {schema}.data_coverage where column_name is null"))
        empty = con.execute(
            f"""
            select c.table_name || '.' || c.column_name
            from {schema}.data_coverage as c
            inner join {schema}.data_coverage as t
                on t.table_name = c.table_name and t.column_name is null and t.is_present
            where c.column_name is not null and not c.is_required and not c.is_present
            order by c.table_name, c.column_name
            """
        ).fetchall()
        kpis = _dicts(con.execute(f"select * from {schema}.kpi_coverage"))
        needed = {
            "data_coverage": ({"table_name", "is_required", "is_present", "row_count"}, tables),
            "kpi_coverage": ({"kpi_id", "is_computable", "missing_inputs", "complete_from"}, kpis),
        }
        for mart, (columns, rows) in needed.items():
            lacking = sorted(columns - set(rows[0])) if rows else []
            if lacking:
                return None, f"{schema}.{mart} lacks column(s) {', '.join(lacking)}"
    except duckdb.Error as exc:
        return None, f"the coverage marts could not be read: {' '.join(str(exc).split())[:200]}"
    for row in tables:
        for name in ("source_file", "first_date", "last_date"):
            row.setdefault(name, None)
    for row in kpis:
        row.setdefault("kpi_name", row["kpi_id"])
        row.setdefault("layer", "")
        row.setdefault("warm_up_days", None)
    tables.sort(key=lambda t: (not t["is_present"], not t["is_required"], t["table_name"]))
    kpis.sort(key=lambda k: (str(k["layer"]), k["kpi_id"]))
    return Coverage(tables=tables, empty_columns=[row[0] for row in empty], kpis=kpis), ""


def _dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def column(rows: Sequence[dict[str, Any]], name: str) -> list[Any]:
    """One column of fetched rows, Decimals as floats."""
    return [_plain(row[name]) for row in rows]


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (int, float, str, bool, dt.date)):
        return value
    return float(value)


# --------------------------------------------------------------------------- formatting


def format_value(value: float | None, unit: str) -> str:
    """A KPI value for a tile: rates as %, currency with separators, seconds, counts."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if unit == "rate":
        return f"{value:.1%}"
    if unit == "currency":
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.2f}"
    if unit == "seconds":
        return f"{value:,.0f} s"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def tick_format(unit: str) -> str:
    """Plotly axis tick format for a KPI unit."""
    return {"rate": ".1%", "currency": ",.0f", "count": ",.0f", "seconds": ",.0f"}.get(unit, ",.2f")


def style(fig: go.Figure, title: str, height: int = 420, subplot_titles: bool = False) -> go.Figure:
    """Shared layout: title, height, white template, legend on top (above the subplot titles if any)."""
    fig.update_layout(
        title={"text": title, "x": 0.01},
        height=height,
        template="plotly_white",
        margin={"l": 60, "r": 30, "t": 115 if subplot_titles else 80, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.08 if subplot_titles else 1.02, "x": 0},
    )
    return fig


# --------------------------------------------------------------------------- sections


def kpi_layer_section(
    con: duckdb.DuckDBPyConnection,
    schema: str,
    layer: str,
    kpis: Sequence[str],
    skip_empty_kpis: bool = False,
) -> Section:
    """A layer's KPIs by month: value and target lines, achievement on a second axis, and tiles."""
    rows = fetch(
        con,
        f"""
        select v.kpi_id, c.kpi_name, v.unit, v.direction, v.period_start, v.value, v.target, v.achievement
        from {schema}.kpi_values as v
        inner join {schema}.kpi_catalog as c on v.kpi_id = c.kpi_id
        where v.grain = 'month' and v.dimension = 'total' and v.layer = ?
          and v.kpi_id in (select unnest(?)) and v.is_complete and v.value is not null
        order by v.kpi_id, v.period_start
        """,
        [layer, list(kpis)],
        f"{layer} KPIs (kpi_values, month)",
    )
    by_kpi = {kpi: [r for r in rows if r["kpi_id"] == kpi] for kpi in kpis}
    empty = [kpi for kpi, kpi_rows in by_kpi.items() if not kpi_rows]
    if empty and not skip_empty_kpis:
        raise DashboardNotReady(
            f"no complete monthly values in kpi_values for {layer} KPI(s) {', '.join(empty)}"
        )
    kpis = [kpi for kpi in kpis if by_kpi[kpi]]
    names = {kpi: by_kpi[kpi][0]["kpi_name"] for kpi in kpis}
    fig = make_subplots(
        rows=1,
        cols=len(kpis),
        subplot_titles=[names[k] for k in kpis],
        specs=[[{"secondary_y": True}] * len(kpis)],
        horizontal_spacing=0.09,
    )
    tiles = []
    for col, kpi in enumerate(kpis, start=1):
        kpi_rows = by_kpi[kpi]
        unit = kpi_rows[0]["unit"]
        months = column(kpi_rows, "period_start")
        first = col == 1
        fig.add_trace(
            go.Bar(
                x=months,
                y=column(kpi_rows, "achievement"),
                name="achievement (right axis)",
                marker_color=COLORS["achievement"],
                opacity=0.25,
                legendgroup="achievement",
                showlegend=first,
                hovertemplate="%{x|%b %Y}: %{y:.0%} of target<extra>achievement</extra>",
            ),
            row=1,
            col=col,
            secondary_y=True,
        )
        fig.add_trace(
            go.Scatter(
                x=months,
                y=column(kpi_rows, "value"),
                name="actual",
                mode="lines+markers",
                line={"color": COLORS["value"], "width": 2},
                legendgroup="actual",
                showlegend=first,
            ),
            row=1,
            col=col,
            secondary_y=False,
        )
        targets = [(m, t) for m, t in zip(months, column(kpi_rows, "target"), strict=True) if t is not None]
        if targets:
            fig.add_trace(
                go.Scatter(
                    x=[m for m, _ in targets],
                    y=[t for _, t in targets],
                    name="target",
                    mode="lines",
                    line={"color": COLORS["target"], "dash": "dash"},
                    legendgroup="target",
                    showlegend=first,
                ),
                row=1,
                col=col,
                secondary_y=False,
            )
        fig.update_yaxes(tickformat=tick_format(unit), row=1, col=col, secondary_y=False)
        fig.update_yaxes(
            tickformat=".0%", showgrid=False, range=list(ACHIEVEMENT_RANGE), row=1, col=col, secondary_y=True
        )
        tiles.append(kpi_tile(names[kpi], kpi_rows[-1], unit))
    style(fig, f"{layer.capitalize()} KPIs by month: actual vs target, achievement", 470, subplot_titles=True)
    left_out = f" Not drawn, no values: {', '.join(empty)} (see Data coverage)." if empty else ""
    return Section(
        section_id=f"layer-{layer}",
        title=f"{layer.capitalize()} layer",
        intro=(
            "Complete months only (kpi_values, grain month, dimension total). Lines: actual and target; "
            "bars: achievement (actual / target, or target / actual when lower is better) on the right axis, "
            f"drawn up to {ACHIEVEMENT_RANGE[1]:.0%} (hover for the exact value).{left_out}"
        ),
        charts=[Chart(f"chart-layer-{layer}", fig)],
        extra_html='<div class="tiles">' + "".join(tiles) + "</div>",
    )


def kpi_tile(name: str, row: dict[str, Any], unit: str) -> str:
    """A tile with the last complete month's value, target and achievement."""
    achievement = _plain(row["achievement"])
    status = "" if achievement is None else ("good" if achievement >= 1 else "bad")
    achieved = "no target" if achievement is None else f"{achievement:.0%} of target"
    month = row["period_start"].strftime("%b %Y")
    return (
        f'<div class="tile {status}"><div class="tile-name">{html.escape(name)}</div>'
        f'<div class="tile-value">{format_value(_plain(row["value"]), unit)}</div>'
        f'<div class="tile-sub">{month} · target {format_value(_plain(row["target"]), unit)}'
        f" · {achieved}</div></div>"
    )


def funnel_section(con: duckdb.DuckDBPyConnection, schema: str) -> Section:
    """Sessions reaching each funnel step, by device type, plus the monthly conversion trend."""
    sums = ", ".join(f"sum({step}) as {step}" for step, _ in FUNNEL_STEPS)
    rows = fetch(
        con,
        f"select device_type, {sums} from {schema}.funnel_daily group by device_type order by sessions desc",
        [],
        "funnel by device (funnel_daily)",
    )
    funnel = go.Figure()
    for row in rows:
        funnel.add_trace(
            go.Funnel(
                name=str(row["device_type"]),
                y=[label for _, label in FUNNEL_STEPS],
                x=[_plain(row[step]) for step, _ in FUNNEL_STEPS],
                textinfo="value+percent initial",
            )
        )
    style(funnel, "Sessions reaching each step, by device (whole period)", height=460)
    monthly = fetch(
        con,
        f"""
        select date_trunc('month', session_date) as month_start,
               sum(sessions_reaching_add_to_cart) / nullif(sum(sessions), 0) as add_to_cart_rate,
               sum(sessions_reaching_begin_checkout) / nullif(sum(sessions), 0) as begin_checkout_rate,
               sum(sessions_reaching_purchase) / nullif(sum(sessions), 0) as purchase_rate
        from {schema}.funnel_daily
        group by 1 order by 1
        """,
        [],
        "funnel rates by month (funnel_daily)",
    )
    trend = go.Figure()
    for name, label in (
        ("add_to_cart_rate", "add to cart"),
        ("begin_checkout_rate", "begin checkout"),
        ("purchase_rate", "purchase"),
    ):
        trend.add_trace(
            go.Scatter(
                x=column(monthly, "month_start"), y=column(monthly, name), name=label, mode="lines+markers"
            )
        )
    style(trend, "Share of sessions reaching a step, by month", height=380)
    trend.update_yaxes(tickformat=".1%")
    return Section(
        section_id="funnel",
        title="Web funnel",
        intro="Sessions that reached each step (funnel_daily), all channels and countries.",
        charts=[Chart("chart-funnel", funnel), Chart("chart-funnel-trend", trend)],
    )


def cohort_section(con: duckdb.DuckDBPyConnection, schema: str) -> Section:
    """Heat map of monthly retention: cohort month by months since first order."""
    rows = fetch(
        con,
        f"""
        select cohort_month, months_since_first_order, cohort_size, retained_customers, retention_rate
        from {schema}.cohort_retention_monthly
        where months_since_first_order between 1 and ?
        order by cohort_month, months_since_first_order
        """,
        [COHORT_MONTHS_SHOWN],
        "cohort retention (cohort_retention_monthly)",
    )
    cohorts = sorted({r["cohort_month"] for r in rows})
    offsets = list(range(1, max(r["months_since_first_order"] for r in rows) + 1))
    cell = {(r["cohort_month"], r["months_since_first_order"]): r for r in rows}
    z = [
        [_plain(cell[(c, o)]["retention_rate"]) if (c, o) in cell else None for o in offsets] for c in cohorts
    ]
    text = [[f"{v:.1%}" if v is not None else "" for v in z_row] for z_row in z]
    sizes = {r["cohort_month"]: r["cohort_size"] for r in rows}
    labels = [f"{c:%Y-%m} (n={sizes[c]:,})" for c in cohorts]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[f"M+{o}" for o in offsets],
            y=labels,
            text=text,
            texttemplate="%{text}",
            colorscale="Blues",
            colorbar={"title": "retained", "tickformat": ".0%"},
            hovertemplate="cohort %{y}<br>%{x}: %{z:.1%} retained<extra></extra>",
            zmin=0,
        )
    )
    style(fig, "Customers ordering again, by first-order month", height=max(420, 26 * len(cohorts) + 140))
    fig.update_yaxes(autorange="reversed")
    return Section(
        section_id="cohorts",
        title="Cohort retention",
        intro=(
            f"Share of each first-order-month cohort with a valid order k months later "
            f"(cohort_retention_monthly, k = 1..{COHORT_MONTHS_SHOWN}; month 0 is 100% by construction)."
        ),
        charts=[Chart("chart-cohorts", fig)],
    )


def attribution_section(con: duckdb.DuckDBPyConnection, schema: str) -> Section:
    """Conversions and net revenue credited to each channel by each attribution model."""
    rows = fetch(
        con,
        f"""
        select attribution_model, channel_group,
               sum(conversions) as conversions, sum(net_revenue) as net_revenue
        from {schema}.attribution_channel
        where is_complete
        group by all
        order by attribution_model, channel_group
        """,
        [],
        "attribution by model (attribution_channel)",
    )
    channels = sorted({r["channel_group"] for r in rows})
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=["Conversions credited", "Net revenue credited"],
        horizontal_spacing=0.08,
    )
    for i, model in enumerate(sorted({r["attribution_model"] for r in rows})):
        credited = {r["channel_group"]: r for r in rows if r["attribution_model"] == model}
        for col, measure in enumerate(("conversions", "net_revenue"), start=1):
            fig.add_trace(
                go.Bar(
                    x=channels,
                    y=[_plain(credited[c][measure]) if c in credited else 0 for c in channels],
                    name=model,
                    legendgroup=model,
                    showlegend=col == 1,
                    marker_color=_palette(i),
                ),
                row=1,
                col=col,
            )
    fig.update_layout(barmode="group")
    fig.update_yaxes(tickformat=",.0f")
    style(fig, "Channels credited by each attribution model (complete months)", 480, subplot_titles=True)
    return Section(
        section_id="attribution",
        title="Attribution models side by side",
        intro="Each model shares the same orders out differently (attribution_channel, complete months summed).",
        charts=[Chart("chart-attribution", fig)],
    )


def experiment_section(con: duckdb.DuckDBPyConnection, schema: str) -> Section:
    """Relative lift against control with its 95% CI, per experiment variant, for conversion and revenue."""
    rows = fetch(
        con,
        f"""
        select experiment_id, variant, assigned_visitors, has_sample_ratio_mismatch,
               conversion_relative_lift, conversion_relative_lift_ci_lower, conversion_relative_lift_ci_upper,
               conversion_p_value,
               revenue_per_visitor_relative_lift, revenue_per_visitor_relative_lift_ci_lower,
               revenue_per_visitor_relative_lift_ci_upper, revenue_per_visitor_p_value
        from {schema}.experiment_results
        where not is_control and conversion_relative_lift is not null
        order by experiment_id, variant
        """,
        [],
        "experiment variants (experiment_results)",
    )
    labels = [
        f"{r['experiment_id']} / {r['variant']}" + (" (SRM!)" if r["has_sample_ratio_mismatch"] else "")
        for r in rows
    ]
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=["Conversion rate, relative lift", "Revenue per visitor, relative lift"],
        shared_yaxes=True,
        horizontal_spacing=0.04,
    )
    for col, metric in enumerate(("conversion", "revenue_per_visitor"), start=1):
        lift = column(rows, f"{metric}_relative_lift")
        lower = column(rows, f"{metric}_relative_lift_ci_lower")
        upper = column(rows, f"{metric}_relative_lift_ci_upper")
        p_values = column(rows, f"{metric}_p_value")
        colors = [COLORS["achievement"] if p is not None and p < 0.05 else COLORS["target"] for p in p_values]
        fig.add_trace(
            go.Scatter(
                x=lift,
                y=labels,
                mode="markers",
                name="lift (green: p < 0.05)",
                showlegend=col == 1,
                marker={"size": 11, "color": colors},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [_gap(u, m) for u, m in zip(upper, lift, strict=True)],
                    "arrayminus": [_gap(m, lo) for m, lo in zip(lift, lower, strict=True)],
                },
                customdata=p_values,
                hovertemplate="%{y}: %{x:+.1%} (p = %{customdata:.3f})<extra></extra>",
            ),
            row=1,
            col=col,
        )
        fig.add_vline(x=0, line_dash="dot", line_color="#555", row=1, col=col)
    fig.update_xaxes(tickformat="+.0%")
    style(fig, "Treatment vs control: relative lift with 95% CI", 180 + 48 * len(rows), subplot_titles=True)
    fig.update_layout(margin={"l": 220})
    return Section(
        section_id="experiments",
        title="Experiment results",
        intro=(
            "Each non-control variant against control (experiment_results): dots are the relative lift, "
            "whiskers its 95% CI; SRM marks a sample-ratio mismatch (do not trust that readout)."
        ),
        charts=[Chart("chart-experiments", fig)],
    )


def _gap(high: float | None, low: float | None) -> float:
    return 0.0 if high is None or low is None else max(high - low, 0.0)


def scorecard_section(con: duckdb.DuckDBPyConnection, schema: str) -> Section:
    """Each role's monthly score (0-120, 100 = every KPI on target)."""
    rows = fetch(
        con,
        f"""
        select role, month_start, max(role_score) as role_score, max(season) as season
        from {schema}.scorecard_monthly
        where role_score is not null
        group by role, month_start
        order by role, month_start
        """,
        [],
        "role scores (scorecard_monthly)",
    )
    fig = go.Figure()
    for i, role in enumerate(sorted({r["role"] for r in rows})):
        role_rows = [r for r in rows if r["role"] == role]
        fig.add_trace(
            go.Scatter(
                x=column(role_rows, "month_start"),
                y=column(role_rows, "role_score"),
                name=role,
                mode="lines+markers",
                line={"color": _palette(i)},
                customdata=column(role_rows, "season"),
                hovertemplate="%{x|%b %Y} (%{customdata}): %{y:.1f}<extra>" + role + "</extra>",
            )
        )
    fig.add_hline(y=100, line_dash="dash", line_color=COLORS["target"], annotation_text="all on target")
    fig.update_yaxes(range=[0, 125])
    style(fig, "Role scorecards by month", height=400)
    return Section(
        section_id="scorecards",
        title="Scorecards",
        intro="Weighted achievement of each role's KPIs (scorecard_monthly): 100 means every KPI on target, 120 is the cap.",
        charts=[Chart("chart-scorecards", fig)],
    )


def anomaly_section(con: duckdb.DuckDBPyConnection, schema: str) -> Section:
    """Daily KPI lines with the expected range and the days flagged as anomalies."""
    top = con.execute(
        f"""
        select kpi_id from {schema}.kpi_anomalies where is_anomaly
        group by kpi_id order by count(*) desc, kpi_id limit 1
        """
    ).fetchall()
    kpis = list(dict.fromkeys([*ANOMALY_KPIS, *(r[0] for r in top)]))
    rows = fetch(
        con,
        f"""
        select a.kpi_id, c.kpi_name, c.unit, a.anomaly_date, a.value, a.expected_value,
               a.lower_bound, a.upper_bound, a.is_anomaly, a.anomaly_direction, a.anomaly_score
        from {schema}.kpi_anomalies as a
        inner join {schema}.kpi_catalog as c on a.kpi_id = c.kpi_id
        where a.kpi_id in (select unnest(?))
        order by a.kpi_id, a.anomaly_date
        """,
        [kpis],
        "anomaly scores (kpi_anomalies)",
    )
    kpis = [k for k in kpis if any(r["kpi_id"] == k for r in rows)]
    names = {r["kpi_id"]: r["kpi_name"] for r in rows}
    fig = make_subplots(
        rows=len(kpis), cols=1, subplot_titles=[names[k] for k in kpis], vertical_spacing=0.12
    )
    flagged_total: list[dict[str, Any]] = []
    for i, kpi in enumerate(kpis, start=1):
        kpi_rows = [r for r in rows if r["kpi_id"] == kpi]
        scored = [r for r in kpi_rows if r["expected_value"] is not None]
        first = i == 1
        if scored:
            fig.add_trace(
                go.Scatter(
                    x=column(scored, "anomaly_date") + column(scored, "anomaly_date")[::-1],
                    y=column(scored, "upper_bound") + column(scored, "lower_bound")[::-1],
                    fill="toself",
                    fillcolor=COLORS["band"],
                    line={"width": 0},
                    name="expected range",
                    legendgroup="range",
                    showlegend=first,
                    hoverinfo="skip",
                ),
                row=i,
                col=1,
            )
        fig.add_trace(
            go.Scatter(
                x=column(kpi_rows, "anomaly_date"),
                y=column(kpi_rows, "value"),
                name="daily value",
                mode="lines",
                line={"color": COLORS["value"], "width": 1.5},
                legendgroup="value",
                showlegend=first,
            ),
            row=i,
            col=1,
        )
        flagged = [r for r in kpi_rows if r["is_anomaly"]]
        flagged_total.extend(flagged)
        if flagged:
            fig.add_trace(
                go.Scatter(
                    x=column(flagged, "anomaly_date"),
                    y=column(flagged, "value"),
                    name="anomaly",
                    mode="markers",
                    marker={"color": COLORS["anomaly"], "size": 9, "symbol": "x"},
                    legendgroup="anomaly",
                    showlegend=not any(t.name == "anomaly" for t in fig.data),
                    customdata=column(flagged, "anomaly_score"),
                    hovertemplate="%{x|%Y-%m-%d}: %{y:,.2f} (score %{customdata:.1f})<extra>anomaly</extra>",
                ),
                row=i,
                col=1,
            )
        fig.update_yaxes(tickformat=tick_format(kpi_rows[0]["unit"]), row=i, col=1)
    style(
        fig,
        "Daily KPIs with expected range and flagged anomalies",
        300 * len(kpis) + 140,
        subplot_titles=True,
    )
    return Section(
        section_id="anomalies",
        title="Anomalies flagged",
        intro=(
            "Daily totals (kpi_anomalies): the band is the expected range from the same weekday's recent "
            f"history, crosses are days flagged as anomalies ({len(flagged_total)} on the KPIs shown)."
        ),
        charts=[Chart("chart-anomalies", fig)],
        extra_html=anomaly_table(flagged_total, names),
    )


def anomaly_table(flagged: Sequence[dict[str, Any]], names: dict[str, str], limit: int = 10) -> str:
    """The most recent flagged days as an HTML table."""
    if not flagged:
        return "<p>No day of these KPIs is flagged.</p>"
    latest = sorted(flagged, key=lambda r: r["anomaly_date"], reverse=True)[:limit]
    body = "".join(
        f"<tr><td>{r['anomaly_date']:%Y-%m-%d}</td><td>{html.escape(names[r['kpi_id']])}</td>"
        f"<td>{_plain(r['value']):,.2f}</td><td>{_plain(r['expected_value']):,.2f}</td>"
        f"<td>{html.escape(str(r['anomaly_direction']))}</td><td>{_plain(r['anomaly_score']):.1f}</td></tr>"
        for r in latest
    )
    return (
        '<table class="data"><thead><tr><th>day</th><th>KPI</th><th>value</th><th>expected</th>'
        f"<th>direction</th><th>score</th></tr></thead><tbody>{body}</tbody></table>"
    )


def forecast_section(con: duckdb.DuckDBPyConnection, schema: str) -> Section:
    """Recent daily GMV and the forecast with its interval."""
    forecast = fetch(
        con,
        f"""
        select target_date, forecast_gmv, forecast_lower_gmv, forecast_upper_gmv, interval_coverage,
               backtest_mape, origin_date
        from {schema}.gmv_forecast_daily order by target_date
        """,
        [],
        "GMV forecast (gmv_forecast_daily)",
    )
    origin = forecast[0]["origin_date"]
    actual = fetch(
        con,
        f"""
        select period_start, value from {schema}.kpi_values
        where kpi_id = 'gmv' and grain = 'day' and dimension = 'total' and value is not null
          and period_start > ? - to_days(?) and period_start <= ?
        order by period_start
        """,
        [origin, FORECAST_HISTORY_DAYS, origin],
        "recent daily GMV (kpi_values)",
    )
    coverage = _plain(forecast[0]["interval_coverage"])
    dates = column(forecast, "target_date")
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=dates + dates[::-1],
            y=column(forecast, "forecast_upper_gmv") + column(forecast, "forecast_lower_gmv")[::-1],
            fill="toself",
            fillcolor=COLORS["band"],
            line={"width": 0},
            name=f"{coverage:.0%} interval",
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=column(actual, "period_start"),
            y=column(actual, "value"),
            name="actual",
            mode="lines",
            line={"color": COLORS["value"]},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=dates,
            y=column(forecast, "forecast_gmv"),
            name="forecast",
            mode="lines",
            line={"color": COLORS["anomaly"], "dash": "dash"},
        )
    )
    fig.update_yaxes(tickformat=",.0f")
    style(fig, "Daily GMV: recent actuals and forecast", height=420)
    mape = _plain(forecast[0]["backtest_mape"])
    accuracy = f" The backtest's MAPE is {mape:.1%}." if mape is not None else ""
    return Section(
        section_id="forecast",
        title="GMV forecast",
        intro=f"Forecast from {origin:%Y-%m-%d} (gmv_forecast_daily) next to the last {FORECAST_HISTORY_DAYS} days.{accuracy}",
        charts=[Chart("chart-forecast", fig)],
    )


def coverage_section(con: duckdb.DuckDBPyConnection, schema: str) -> Section:
    """The data coverage panel: raw tables present and absent, empty optional columns,
    the KPIs not computable with their missing inputs, and the history warm-up."""
    coverage, why_not = read_coverage(con, schema)
    if coverage is None:
        return Section(
            section_id="coverage",
            title="Data coverage",
            intro=f"Not available: {why_not}.",
        )
    log.info("%-38s %6d tables, %d KPIs", "data coverage", len(coverage.tables), len(coverage.kpis))
    computable = len(coverage.kpis) - len(coverage.not_computable)
    with_files = any(t["source_file"] for t in coverage.tables)
    table_rows = "".join(
        f"<tr><td>{html.escape(str(t['table_name']))}</td>"
        f"<td>{'required' if t['is_required'] else 'optional'}</td>"
        + (f"<td>{html.escape(str(t['source_file'] or ''))}</td>" if with_files else "")
        + f"<td>{t['row_count'] or 0:,}</td><td>{_day(t['first_date'])}</td><td>{_day(t['last_date'])}</td></tr>"
        for t in coverage.present_tables
    )
    parts = [
        f'<p class="coverage-headline"><b>{computable} of {len(coverage.kpis)} KPIs computable</b> '
        f"from {len(coverage.present_tables)} of {len(coverage.tables)} raw tables.</p>",
        '<table class="data" id="coverage-tables"><thead><tr><th>table present</th><th>kind</th>'
        + ("<th>file</th>" if with_files else "")
        + "<th>rows</th><th>first date</th><th>last date</th></tr></thead>"
        f"<tbody>{table_rows}</tbody></table>",
    ]
    absent = [
        html.escape(str(t["table_name"])) + (" <b>(required)</b>" if t["is_required"] else "")
        for t in coverage.absent_tables
    ]
    parts.append(f"<p><b>Tables absent</b> (loaded empty): {', '.join(absent) if absent else 'none'}.</p>")
    empty = ", ".join(html.escape(c) for c in coverage.empty_columns) or "none"
    parts.append(f"<p><b>Optional columns without a value</b>: {empty}.</p>")
    groups = coverage.not_computable_by_input()
    if groups:
        names = {k["kpi_id"]: k["kpi_name"] or k["kpi_id"] for k in coverage.kpis}
        body = "".join(
            f"<tr><td>{html.escape(missing)}</td><td>{len(kpi_ids)}</td>"
            f"<td>{html.escape(', '.join(sorted(str(names[k]) for k in kpi_ids)))}</td></tr>"
            for missing, kpi_ids in groups.items()
        )
        parts.append(
            '<table class="data" id="coverage-kpis"><thead><tr><th>missing inputs</th><th>KPIs</th>'
            f"<th>not computable</th></tr></thead><tbody>{body}</tbody></table>"
        )
    else:
        parts.append("<p>Every KPI is computable from this data.</p>")
    warm = coverage.warm_up_groups()
    if warm:
        items = "".join(
            f"<li>{days}-day warm-up: complete from {start}: {html.escape(', '.join(kpi_ids))}</li>"
            for (days, start), kpi_ids in warm.items()
        )
        parts.append(
            "<p><b>History warm-up</b> (from the first day whose periods have enough history; "
            f"none with history_complete):</p><ul>{items}</ul>"
        )
    return Section(
        section_id="coverage",
        title="Data coverage",
        intro=(
            "What this warehouse was built from (marts.data_coverage) and which KPIs that makes computable "
            "(marts.kpi_coverage). A table absent from the export loads empty; the KPIs that need it read NULL."
        ),
        extra_html="".join(parts),
    )


def _day(value: Any) -> str:
    return "" if value is None else str(value)[:10]


def _palette(i: int) -> str:
    colors = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf")
    return colors[i % len(colors)]


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
