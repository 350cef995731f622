"""Planted truths of the generator that the commerce marts must show.

The generator writes what it planted (`planted`) and what its rows realize under
the KPI dictionary's definitions (`realized`) into ground_truth.json. Realized
values are computed from the same rows, so the marts must match them to the
cent (or exactly, for counts); planted probabilities are matched within four
binomial standard errors of the realized sample, which a correct model misses
about once in 16,000 runs and a wrong definition (e.g. counting cancelled
orders as refunded, or pending refunds as completed) misses by far more.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import duckdb
import pytest

MONEY_TOLERANCE = 0.02  # realized money is rounded to cents; the marts keep 6 decimals
Z = 4.0  # standard errors allowed between a planted probability and its sample


@pytest.fixture(scope="module")
def truth(built_warehouse: tuple[Path, Path]) -> dict:
    return json.loads((built_warehouse[1] / "ground_truth.json").read_text())


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> float:
    return con.execute(sql).fetchone()[0]


def test_placed_valid_and_guest_order_counts(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    realized = truth["realized"]["orders"]
    placed, valid, cancelled, guest = warehouse.execute(
        "select count(*), count(*) filter (where is_valid), count(*) filter (where is_cancelled), "
        "count(*) filter (where is_guest) from marts.fct_orders"
    ).fetchone()
    assert placed == realized["placed_orders"]
    assert valid == realized["valid_orders"]
    assert cancelled == realized["cancelled_orders"]
    assert guest == realized["guest_orders"]


def test_cancellation_rate_matches_realized_and_planted(
    warehouse: duckdb.DuckDBPyConnection, truth: dict
) -> None:
    placed, cancelled = warehouse.execute(
        "select count(*), count(*) filter (where is_cancelled) from marts.fct_orders"
    ).fetchone()
    rate = cancelled / placed
    assert rate == pytest.approx(truth["realized"]["orders"]["cancellation_rate"], abs=1e-6)
    planted = truth["planted"]["cancellation_rate"]
    standard_error = math.sqrt(planted * (1 - planted) / placed)
    assert abs(rate - planted) <= Z * standard_error, (rate, planted, standard_error)


def test_refund_rate_matches_realized(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    valid, refunded = warehouse.execute(
        "select count(*), count(*) filter (where has_completed_refund) from marts.fct_orders where is_valid"
    ).fetchone()
    assert refunded / valid == pytest.approx(truth["realized"]["orders"]["refund_rate"], abs=1e-6)


def test_refund_rate_matches_planted_probabilities(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    """The planted refund probability depends on how the order was fulfilled: store
    orders have their own, shipped orders one for on-time and one for late
    delivery, undelivered orders cannot be returned yet; a share of requests is
    never completed. The expected refund rate is the mean of each valid order's
    planted probability of a completed refund. Orders of the data's last 45 days
    are left out: their refunds may not have been requested or completed before
    the data ends (censored), which biases the rate low at large scales."""
    planted = truth["planted"]
    request = planted["refund_prob"]
    completed_share = 1 - planted["refund_not_completed_share"]
    rows = warehouse.execute(
        """
        with shipments as (
            select
                order_id,
                max(delivered_at) as delivered_at,
                max(promised_delivery_at) as promised_delivery_at
            from staging.stg_shop__shipments
            group by order_id
        )
        select
            case
                when orders.sales_channel = 'store' then 'store'
                when shipments.delivered_at is null then 'undelivered'
                when shipments.delivered_at <= shipments.promised_delivery_at then 'on_time'
                else 'late'
            end as fulfilment,
            count(*) as orders,
            count(*) filter (where orders.has_completed_refund) as refunded
        from marts.fct_orders as orders
        left join shipments on orders.order_id = shipments.order_id
        where orders.is_valid
            and orders.ordered_at < (select max(ordered_at) from marts.fct_orders) - interval 45 day
        group by 1
        """
    ).fetchall()
    probability = {name: p * completed_share for name, p in request.items()} | {"undelivered": 0.0}
    valid = sum(n for _, n, _ in rows)
    refunded = sum(r for _, _, r in rows)
    expected = sum(probability[f] * n for f, n, _ in rows) / valid
    variance = sum(probability[f] * (1 - probability[f]) * n for f, n, _ in rows) / valid**2
    assert {f for f, _, _ in rows} <= set(probability)
    assert abs(refunded / valid - expected) <= Z * math.sqrt(variance), (refunded / valid, expected)


def test_money_per_currency_matches_realized(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    """GMV, cancelled value, refunded value and net revenue in each order currency.
    The marts cap a refund at the value of what it refunds; the generator's
    realized refunds are not capped, so the excess is added back before comparing."""
    rows = warehouse.execute(
        """
        with excess as (
            select order_id, sum(refund_excess_amount_local) as refund_excess_amount_local
            from marts.fct_order_items
            where is_valid
            group by order_id
        )
        select
            orders.currency,
            sum(orders.merchandise_amount_local) as gmv,
            sum(case when orders.is_cancelled then orders.merchandise_amount_local else 0 end) as cancelled_value,
            sum(orders.completed_refund_amount_local) as refunded_value,
            sum(case when orders.is_valid then orders.merchandise_amount_local else 0 end)
                - sum(orders.completed_refund_amount_local) as net_revenue,
            coalesce(sum(excess.refund_excess_amount_local), 0) as excess
        from marts.fct_orders as orders
        left join excess on orders.order_id = excess.order_id
        group by orders.currency
        """
    ).fetchall()
    realized = truth["realized"]["money_by_currency"]
    assert {row[0] for row in rows} == set(realized)
    for currency, gmv, cancelled, refunded, net, excess in rows:
        expected = realized[currency]
        assert float(gmv) == pytest.approx(expected["gmv"], abs=MONEY_TOLERANCE), currency
        assert float(cancelled) == pytest.approx(expected["cancelled_value"], abs=MONEY_TOLERANCE), currency
        assert float(refunded + excess) == pytest.approx(expected["refunded_value"], abs=MONEY_TOLERANCE), (
            currency
        )
        assert float(net - excess) == pytest.approx(expected["net_revenue"], abs=MONEY_TOLERANCE), currency


def test_money_in_reporting_currency_matches_realized(
    warehouse: duckdb.DuckDBPyConnection, truth: dict
) -> None:
    """In USD at the order day's rate (the realized figures use the UTC day, the
    project's default reporting time zone), and GMV - net revenue = cancelled +
    refunded value."""
    gmv, cancelled, refunded, net, excess = warehouse.execute(
        "select sum(merchandise_amount), sum(cancelled_amount), sum(completed_refund_amount), "
        "sum(net_revenue), sum(refund_excess_amount) from marts.fct_orders"
    ).fetchone()
    realized = truth["realized"]["money_usd"]
    assert float(gmv) == pytest.approx(realized["gmv"], abs=MONEY_TOLERANCE)
    assert float(cancelled) == pytest.approx(realized["cancelled_value"], abs=MONEY_TOLERANCE)
    assert float(refunded + excess) == pytest.approx(realized["refunded_value"], abs=MONEY_TOLERANCE)
    assert float(net - excess) == pytest.approx(realized["net_revenue"], abs=MONEY_TOLERANCE)
    assert float(gmv - net) == pytest.approx(float(cancelled + refunded), abs=MONEY_TOLERANCE)


def test_monthly_orders_and_money_match_realized(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    """Per month of the order day: placed and valid orders, GMV and net revenue
    (refunds dated by the order)."""
    realized = {row["month"]: row for row in truth["realized"]["monthly"]}
    rows = warehouse.execute(
        """
        select
            strftime(ordered_date, '%Y-%m') as month,
            count(*) as placed,
            count(*) filter (where is_valid) as valid,
            sum(merchandise_amount) as gmv,
            sum(net_revenue) - sum(refund_excess_amount) as net_revenue
        from marts.fct_orders
        group by 1
        """
    ).fetchall()
    assert {row[0] for row in rows} == set(realized)
    for month, placed, valid, gmv, net in rows:
        expected = realized[month]
        assert placed == expected["placed_orders"], month
        assert valid == expected["valid_orders"], month
        assert float(gmv) == pytest.approx(expected["gmv_usd"], abs=MONEY_TOLERANCE), month
        assert float(net) == pytest.approx(expected["net_revenue_usd"], abs=MONEY_TOLERANCE), month
