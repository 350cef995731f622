"""The analysis sections: web funnel, cohort retention, attribution models and experiments."""

from __future__ import annotations

import duckdb
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from scripts.dashboard.common import (
    COHORT_MONTHS_SHOWN,
    COLORS,
    FUNNEL_STEPS,
    Chart,
    Section,
    _palette,
    style,
)
from scripts.dashboard.data import _plain, column, fetch
from scripts.dashboard.kpi_sections import _gap


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
