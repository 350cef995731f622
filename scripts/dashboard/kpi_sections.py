"""The KPI sections: the three KPI layers, role scorecards, flagged anomalies and the GMV forecast."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import duckdb
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from scripts.dashboard.common import (
    ACHIEVEMENT_RANGE,
    ANOMALY_KPIS,
    COLORS,
    FORECAST_HISTORY_DAYS,
    Chart,
    DashboardNotReady,
    Section,
    _palette,
    format_value,
    style,
    tick_format,
)
from scripts.dashboard.data import _plain, column, fetch

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
