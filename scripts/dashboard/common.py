"""What the dashboard's parts share: its settings, the Chart and Section types, value formatting and chart style."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go

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


def _day(value: Any) -> str:
    return "" if value is None else str(value)[:10]


def _palette(i: int) -> str:
    colors = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf")
    return colors[i % len(colors)]
