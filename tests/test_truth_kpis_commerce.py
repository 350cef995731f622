"""Planted and realized truths of the generator that the commerce KPIs must recover.

Reads the KPI table `marts.kpi_values` (one row per KPI, grain, period and
breakdown) of the built warehouse. ground_truth.json's `realized` values are
computed from the same rows as the warehouse over the whole span in UTC (the
default reporting time zone), so the KPIs must match them exactly (counts), to
1e-6 (ratios, rounded to 6 decimals in the JSON) or to the cent (money).
Whole-span figures are read from the year rows (2024 and 2025 hold every order)
or, per month, from the month rows. Planted probabilities are matched within
Z binomial standard errors of the realized sample.

The marts cap a completed refund at the value of what it refunds; the
generator's realized refunds are not capped, so the capped-off excess (0 on the
default data) is added back before comparing, as in test_truth_commerce.py.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import duckdb
import pytest

MONEY_TOLERANCE = 0.02  # realized money is rounded to cents
RATIO_TOLERANCE = 1e-6  # realized ratios are rounded to 6 decimals
Z = 4.0  # standard errors allowed between a planted probability and its sample
YEARS = ("2024-01-01", "2025-01-01")  # the generated orders' years


@pytest.fixture(scope="module")
def truth(built_warehouse: tuple[Path, Path]) -> dict:
    return json.loads((built_warehouse[1] / "ground_truth.json").read_text())


def whole_span(
    con: duckdb.DuckDBPyConnection, kpi_id: str, dimension: str = "total", dimension_value: str = "total"
) -> tuple[float, float | None]:
    """(sum of numerators, sum of denominators) of a KPI's 2024 and 2025 year rows."""
    rows = con.execute(
        """
        select numerator, denominator
        from marts.kpi_values
        where kpi_id = ? and grain = 'year' and dimension = ? and dimension_value = ?
            and period_start in (cast(? as date), cast(? as date))
        """,
        [kpi_id, dimension, dimension_value, *YEARS],
    ).fetchall()
    assert len(rows) == len(YEARS), (kpi_id, dimension, dimension_value, rows)
    assert all(numerator is not None for numerator, _ in rows), (kpi_id, "a year is NULL (incomplete?)", rows)
    numerator = sum(float(n) for n, _ in rows)
    denominators = [d for _, d in rows]
    denominator = None if any(d is None for d in denominators) else sum(float(d) for d in denominators)
    return numerator, denominator


def ratio(con: duckdb.DuckDBPyConnection, kpi_id: str) -> float:
    numerator, denominator = whole_span(con, kpi_id)
    assert denominator, kpi_id
    return numerator / denominator


def refund_excess(con: duckdb.DuckDBPyConnection) -> float:
    """Completed refunds above what they refund, which the marts cap off."""
    return float(
        con.execute("select coalesce(sum(refund_excess_amount), 0) from marts.fct_orders").fetchone()[0]
    )


def test_order_counts_match_realized(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    realized = truth["realized"]["orders"]
    assert whole_span(warehouse, "orders")[0] == realized["placed_orders"]
    assert whole_span(warehouse, "orders", "customer_type", "guest")[0] == realized["guest_orders"]
    for channel, orders in realized["by_sales_channel"].items():
        assert whole_span(warehouse, "orders", "sales_channel", channel)[0] == orders, channel


def test_order_ratios_match_realized(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    realized = truth["realized"]["orders"]
    assert ratio(warehouse, "cancellation_rate") == pytest.approx(
        realized["cancellation_rate"], abs=RATIO_TOLERANCE
    )
    assert ratio(warehouse, "refund_rate") == pytest.approx(realized["refund_rate"], abs=RATIO_TOLERANCE)
    assert ratio(warehouse, "aov") == pytest.approx(realized["aov_usd"], abs=RATIO_TOLERANCE)
    assert ratio(warehouse, "units_per_order") == pytest.approx(
        realized["units_per_order"], abs=RATIO_TOLERANCE
    )
    refunded, valid_merchandise = whole_span(warehouse, "refund_value_rate")
    assert (refunded + refund_excess(warehouse)) / valid_merchandise == pytest.approx(
        realized["refund_value_rate"], abs=RATIO_TOLERANCE
    )


def test_money_matches_realized(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    """GMV and net revenue in USD; GMV - net revenue = cancelled + refunded value."""
    realized = truth["realized"]["money_usd"]
    gmv = whole_span(warehouse, "gmv")[0]
    net_revenue = whole_span(warehouse, "net_revenue")[0]
    excess = refund_excess(warehouse)
    assert gmv == pytest.approx(realized["gmv"], abs=MONEY_TOLERANCE)
    assert net_revenue - excess == pytest.approx(realized["net_revenue"], abs=MONEY_TOLERANCE)
    assert gmv - (net_revenue - excess) == pytest.approx(
        realized["cancelled_value"] + realized["refunded_value"], abs=MONEY_TOLERANCE
    )


def test_product_categories_add_up_to_the_money_totals(warehouse: duckdb.DuckDBPyConnection) -> None:
    """The product_category breakdown (from order lines) and the totals (from orders)
    are computed from different grains; they must agree to the cent."""
    for kpi_id in ("gmv", "net_revenue"):
        total = whole_span(warehouse, kpi_id)[0]
        by_category = warehouse.execute(
            """
            select sum(numerator)
            from marts.kpi_values
            where kpi_id = ? and grain = 'year' and dimension = 'product_category'
            """,
            [kpi_id],
        ).fetchone()[0]
        assert float(by_category) == pytest.approx(total, abs=MONEY_TOLERANCE), kpi_id


def test_monthly_orders_and_money_match_realized(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    realized = {row["month"]: row for row in truth["realized"]["monthly"]}
    rows = warehouse.execute(
        """
        select
            strftime(period_start, '%Y-%m') as month,
            max(case when kpi_id = 'orders' then numerator end) as placed,
            max(case when kpi_id = 'gmv' then numerator end) as gmv,
            max(case when kpi_id = 'net_revenue' then numerator end) as net_revenue
        from marts.kpi_values
        where grain = 'month' and dimension = 'total' and kpi_id in ('orders', 'gmv', 'net_revenue')
        group by 1
        """
    ).fetchall()
    excess = dict(
        warehouse.execute(
            "select strftime(ordered_date, '%Y-%m'), sum(refund_excess_amount) from marts.fct_orders group by 1"
        ).fetchall()
    )
    observed = {month: (placed, gmv, net) for month, placed, gmv, net in rows if placed}
    assert set(observed) == set(realized)
    for month, (placed, gmv, net_revenue) in observed.items():
        expected = realized[month]
        assert placed == expected["placed_orders"], month
        assert gmv == pytest.approx(expected["gmv_usd"], abs=MONEY_TOLERANCE), month
        assert net_revenue - float(excess.get(month, 0)) == pytest.approx(
            expected["net_revenue_usd"], abs=MONEY_TOLERANCE
        ), month


def test_peak_day_orders_match_realized(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    """Mean placed orders per day inside the planted peak windows / outside, over
    days with orders (the generator's definition), from the day rows."""
    windows = truth["planted"]["peak_periods"]
    is_peak = " or ".join("(period_start between cast(? as date) and cast(? as date))" for _ in windows)
    bounds = [d for w in windows for d in (w["start_date"], w["end_date"])]
    peak, off_peak = warehouse.execute(
        f"""
        select
            avg(case when {is_peak} then numerator end),
            avg(case when not ({is_peak}) then numerator end)
        from marts.kpi_values
        where kpi_id = 'orders' and grain = 'day' and dimension = 'total' and numerator > 0
        """,
        bounds + bounds,
    ).fetchone()
    assert peak / off_peak == pytest.approx(
        truth["realized"]["orders"]["peak_vs_offpeak_daily_orders_ratio"], abs=RATIO_TOLERANCE
    )


def test_cancellation_rate_near_planted(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    """SE = sqrt(p (1 - p) / placed orders): about 0.0009 at scale 1, 0.006 at the
    test scale 0.02."""
    planted = truth["planted"]["cancellation_rate"]
    cancelled, placed = whole_span(warehouse, "cancellation_rate")
    standard_error = math.sqrt(planted * (1 - planted) / placed)
    assert abs(cancelled / placed - planted) <= Z * standard_error, (cancelled / placed, planted)


def test_signups_and_effective_new_customer_rate_match_realized(
    warehouse: duckdb.DuckDBPyConnection, truth: dict
) -> None:
    """Signups from 2024 on, and the share with a valid order within 72 hours.
    The KPI leaves the last days' rate NULL until their 72 hours are complete;
    the generator counts them with the orders it has, so their signups and
    effective signups are taken from the marts to compare the whole span."""
    realized = truth["realized"]["customers"]
    assert whole_span(warehouse, "new_signups")[0] == realized["signups_in_period"]
    effective, signups, open_days = warehouse.execute(
        """
        select
            sum(numerator),
            sum(denominator),
            list(period_start) filter (where not is_complete and period_start >= cast(? as date))
        from marts.kpi_values
        where kpi_id = 'effective_new_customer_rate' and grain = 'day' and dimension = 'total'
            and period_start >= cast(? as date)
        """,
        [YEARS[0], YEARS[0]],
    ).fetchone()
    tail_effective, tail_signups = warehouse.execute(
        """
        with first_valid as (
            select customer_id, min(ordered_at) as first_valid_ordered_at
            from marts.fct_orders
            where is_valid and customer_id is not null
            group by customer_id
        )
        select
            coalesce(sum(case when first_valid.first_valid_ordered_at
                <= customers.signup_at + interval 72 hour then 1 else 0 end), 0),
            count(*)
        from marts.dim_customers as customers
        left join first_valid on customers.customer_id = first_valid.customer_id
        where list_contains(?, customers.signup_date)
        """,
        [open_days or []],
    ).fetchone()
    assert len(open_days or []) <= 3  # only the days whose 72 hours run past the data
    assert float(signups) + tail_signups == realized["signups_in_period"]
    assert (float(effective) + tail_effective) / realized["signups_in_period"] == pytest.approx(
        realized["effective_new_customer_rate"], abs=RATIO_TOLERANCE
    )


def test_signups_by_acquisition_group_near_planted_mix(
    warehouse: duckdb.DuckDBPyConnection, truth: dict
) -> None:
    """Each account's acquisition channel group is drawn from the planted mix;
    over the 2024-2025 signups each group's share lies within Z SE =
    sqrt(p (1 - p) / signups) of its planted share (about 0.003 at scale 1,
    0.02 at the test scale 0.02)."""
    planted = truth["planted"]["acquisition_mix"]
    rows = dict(
        warehouse.execute(
            """
            select dimension_value, sum(numerator)
            from marts.kpi_values
            where kpi_id = 'new_signups' and grain = 'year' and dimension = 'acquisition_channel_group'
                and period_start in (cast(? as date), cast(? as date))
            group by 1
            """,
            list(YEARS),
        ).fetchall()
    )
    signups = sum(float(n) for n in rows.values())
    assert signups == truth["realized"]["customers"]["signups_in_period"]
    assert set(rows) <= set(planted)
    for group, p in planted.items():
        share = float(rows.get(group, 0)) / signups
        standard_error = math.sqrt(p * (1 - p) / signups)
        assert abs(share - p) <= Z * standard_error, (group, share, p)
