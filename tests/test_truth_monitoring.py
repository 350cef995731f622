"""Planted truths that the KPI anomaly rule and the GMV forecast must recover.

The generator multiplies the traffic and orders of every promotion peak day by
planted.peak_day_multiplier (Singles' Day 2.6, Black Friday to Cyber Monday
2.2, year end 1.45) on top of smooth weekly, yearly and growth shapes, so:

- the first day of each Singles' Day and Black Friday window must be flagged
  by kpi_anomalies, above its expected range, in sessions, orders or GMV.
  Sessions carry the most units (about 50-130 a day at scale 0.05), so a
  2.2x day sits far above its same-weekday median there (robust z 12-19 at
  scale 0.05, 21-24 at scale 1); the check asks for any of the three KPIs;
- ordinary days (outside every promotion window and outside the two weeks
  after a window, which may still move the window) are rarely flagged: under a
  normal noise a 3.5 robust z-score is crossed on 0.05 % of days; the small
  test data's counts of a few orders a day are far from normal (a step from 2
  to 7 orders is 'far'; measured 1.6-5 % at scale 0.05, 1.3-1.9 % at scale 1),
  so the bound is 10 %; and the median |score| of ordinary days must be near
  a normal's 0.67 (below 1.2);
- the GMV forecast's backtest (forecasts of already known days from origins
  before them, a held-out period for each origin) must match the actuals: the
  total actual / forecast over the backtest within 0.10 (the method's own bias
  on the default data is 0.04) plus 3 sampling standard errors of a sum of the
  backtest window's orders (compound Poisson: relative SE = sqrt((1 + cv^2) /
  orders), cv the coefficient of variation of an order's GMV, doubled in
  variance because the forecast is measured on samples of similar size). Each
  origin's 28-day total gets 0.15 plus 3 standard errors of its own orders.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import duckdb
import pytest

PEAK_KPIS = ("sessions", "orders", "gmv")
ORDINARY_ANOMALY_SHARE = 0.10
ORDINARY_MEDIAN_ABS_SCORE = 1.2
SIGMAS = 3.0
TOTAL_BIAS_ALLOWANCE = 0.10
ORIGIN_BIAS_ALLOWANCE = 0.15


@pytest.fixture(scope="module")
def truth(built_warehouse: tuple[Path, Path]) -> dict:
    return json.loads((built_warehouse[1] / "ground_truth.json").read_text())


def _peak_starts(truth: dict) -> list[tuple[str, dt.date]]:
    return [
        (period["name"], dt.date.fromisoformat(period["start_date"]))
        for period in truth["planted"]["peak_periods"]
        if period["name"] in ("singles_day", "black_friday_cyber_monday")
    ]


def test_peak_days_are_anomalies(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    starts = _peak_starts(truth)
    assert starts
    for name, day in starts:
        rows = warehouse.execute(
            """
            select kpi_id, is_anomaly, anomaly_direction, value, expected_value
            from marts.kpi_anomalies
            where anomaly_date = ? and kpi_id in ('sessions', 'orders', 'gmv')
            """,
            [day],
        ).fetchall()
        assert {row[0] for row in rows} == set(PEAK_KPIS), (name, day, rows)
        flagged = [row[0] for row in rows if row[1] and row[2] == "above"]
        assert flagged, (name, day, rows)
        # sessions rise by at least a third of the planted lift above the usual day
        multiplier = truth["planted"]["peak_day_multiplier"][name]
        sessions = next(row for row in rows if row[0] == "sessions")
        assert sessions[3] / sessions[4] >= 1 + (multiplier - 1) / 3, (name, day, sessions)


def test_ordinary_days_are_rarely_anomalies(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    windows = [
        (dt.date.fromisoformat(p["start_date"]), dt.date.fromisoformat(p["end_date"]) + dt.timedelta(days=14))
        for p in truth["planted"]["peak_periods"]
    ]
    for kpi_id in PEAK_KPIS:
        rows = warehouse.execute(
            """
            select anomaly_date, is_anomaly, anomaly_score
            from marts.kpi_anomalies
            where kpi_id = ? and anomaly_score is not null
            """,
            [kpi_id],
        ).fetchall()
        ordinary = [row for row in rows if not any(start <= row[0] <= end for start, end in windows)]
        assert len(ordinary) > 300, (kpi_id, len(ordinary))
        share = sum(1 for row in ordinary if row[1]) / len(ordinary)
        assert share <= ORDINARY_ANOMALY_SHARE, (kpi_id, share)
        scores = sorted(abs(row[2]) for row in ordinary)
        assert scores[len(scores) // 2] <= ORDINARY_MEDIAN_ABS_SCORE, (kpi_id, scores[len(scores) // 2])


def _order_value_cv(warehouse: duckdb.DuckDBPyConnection) -> float:
    return float(
        warehouse.execute(
            "select stddev_pop(merchandise_amount) / avg(merchandise_amount) from marts.fct_orders"
        ).fetchone()[0]
    )


def _orders_between(warehouse: duckdb.DuckDBPyConnection, first: dt.date, last: dt.date) -> float:
    return float(
        warehouse.execute(
            """
            select sum(value) from marts.kpi_values
            where kpi_id = 'orders' and grain = 'day' and dimension = 'total'
                and period_start between ? and ?
            """,
            [first, last],
        ).fetchone()[0]
    )


def test_backtest_forecasts_match_held_out_days(warehouse: duckdb.DuckDBPyConnection) -> None:
    cv = _order_value_cv(warehouse)
    origins = warehouse.execute(
        """
        select origin_date, min(target_date), max(target_date), sum(actual_gmv), sum(forecast_gmv), count(*)
        from marts.gmv_forecast_backtest
        group by origin_date
        order by origin_date
        """
    ).fetchall()
    assert len(origins) == 13, origins
    for origin, first, last, actual, forecast, days in origins:
        assert days == min(28, (max(o[2] for o in origins) - origin).days), (origin, days)
        orders = _orders_between(warehouse, first, last)
        se = math.sqrt(2 * (1 + cv**2) / orders)
        assert abs(actual / forecast - 1) <= ORIGIN_BIAS_ALLOWANCE + SIGMAS * se, (
            origin,
            actual / forecast,
            se,
        )
    first = min(o[1] for o in origins)
    last = max(o[2] for o in origins)
    actual = sum(o[3] for o in origins)
    forecast = sum(o[4] for o in origins)
    se = math.sqrt(2 * (1 + cv**2) / _orders_between(warehouse, first, last))
    assert abs(actual / forecast - 1) <= TOTAL_BIAS_ALLOWANCE + SIGMAS * se, (actual / forecast, se)


def test_live_forecast_covers_the_horizon(warehouse: duckdb.DuckDBPyConnection) -> None:
    last_complete = warehouse.execute(
        """
        select max(period_start) from marts.kpi_values
        where kpi_id = 'gmv' and grain = 'day' and dimension = 'total' and is_complete
        """
    ).fetchone()[0]
    rows = warehouse.execute(
        """
        select target_date, horizon_days, forecast_gmv, forecast_lower_gmv, forecast_upper_gmv,
            has_yearly_factor, backtest_mape
        from marts.gmv_forecast_daily
        order by target_date
        """
    ).fetchall()
    assert [row[1] for row in rows] == list(range(1, 29))
    assert rows[0][0] == last_complete + dt.timedelta(days=1)
    for row in rows:
        assert 0 < row[3] <= row[2] <= row[4], row
        assert row[5], row  # two years of data: a yearly factor for every day
    # the next four weeks are forecast at the level of the last weeks, not of a different order
    recent = warehouse.execute(
        """
        select avg(value) from marts.kpi_values
        where kpi_id = 'gmv' and grain = 'day' and dimension = 'total' and is_complete
            and period_start > ? - interval 56 day
        """,
        [last_complete],
    ).fetchone()[0]
    mean_forecast = sum(row[2] for row in rows) / len(rows)
    assert 0.5 <= mean_forecast / recent <= 1.5, (mean_forecast, recent)
