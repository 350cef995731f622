"""Planted truths the operational fact tables show, checked against ground_truth.json.

Each KPI is computed from the marts the way a BI user would (means of flags over
non-NULL rows) and compared with the generator's `realized` value (computed from
the generated rows with the dictionary's definitions; rounded to 6 decimals, so
compared within 1e-6) and with the `planted` parameter, within a tolerance of
four standard errors of the sample the marts hold: a correct build fails such a
check about once in 16,000 runs, while a wrong definition (late counted as on
time, all channels in the 30-second share) moves the value by far more at the
default scales.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import duckdb
import pytest

REALIZED_TOLERANCE = 1e-6
STANDARD_ERRORS = 4.0


@pytest.fixture(scope="module")
def truth(built_warehouse: tuple[Path, Path]) -> dict:
    """ground_truth.json of the generated data the warehouse was built from."""
    return json.loads((built_warehouse[1] / "ground_truth.json").read_text())


def proportion_tolerance(p: float, n: int) -> float:
    """Four standard errors of a share p estimated from n independent rows."""
    return STANDARD_ERRORS * math.sqrt(p * (1 - p) / n)


def test_on_time_delivery_rate(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    rate, deliveries = warehouse.execute(
        "select avg(cast(is_on_time as double)), count(is_on_time) from marts.fct_shipments"
    ).fetchone()
    assert rate == pytest.approx(truth["realized"]["orders"]["on_time_delivery_rate"], abs=REALIZED_TOLERANCE)
    planted = truth["planted"]["on_time_rate"]
    assert abs(rate - planted) <= proportion_tolerance(planted, deliveries)


def test_delivered_exactly_at_the_promise_is_on_time(warehouse: duckdb.DuckDBPyConnection) -> None:
    # the flag is the dictionary's "on or before the promised time", never NULL with both times set
    wrong = warehouse.execute(
        "select count(*) from marts.fct_shipments "
        "where delivered_at is not null and promised_delivery_at is not null "
        "and is_on_time is distinct from (delivered_at <= promised_delivery_at)"
    ).fetchone()[0]
    assert wrong == 0


def test_chat_first_response(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    median_s, within_30s, answered = warehouse.execute(
        "select median(first_response_seconds), "
        "avg(cast(is_first_response_within_30s as double)), "
        "count(is_first_response_within_30s) "
        "from marts.fct_support_tickets where channel = 'chat'"
    ).fetchone()
    realized = truth["realized"]["support"]
    assert median_s == pytest.approx(realized["chat_first_response_median_s"], abs=REALIZED_TOLERANCE)
    assert within_30s == pytest.approx(
        realized["chat_first_response_within_30s_share"], abs=REALIZED_TOLERANCE
    )

    planted = truth["planted"]
    share = planted["chat_first_response_within_30s_share"]
    assert abs(within_30s - share) <= proportion_tolerance(share, answered)
    # Response times are lognormal around the planted median; its sigma follows from the
    # planted share within 30 s: P(X <= 30) = Phi(ln(30 / median) / sigma). The sample
    # median's log has a standard error of about 1.2533 sigma / sqrt(n).
    median = planted["chat_first_response_median_s"]
    z = _normal_quantile(share)
    sigma = math.log(30 / median) / z
    assert abs(math.log(median_s / median)) <= STANDARD_ERRORS * 1.2533 * sigma / math.sqrt(answered)


def test_first_response_within_30s_is_for_chat_only(warehouse: duckdb.DuckDBPyConnection) -> None:
    flagged_elsewhere = warehouse.execute(
        "select count(*) from marts.fct_support_tickets "
        "where channel <> 'chat' and is_first_response_within_30s is not null"
    ).fetchone()[0]
    assert flagged_elsewhere == 0


def test_mean_rating_on_time_vs_late(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    # an order is late when any of its delivered parcels came after the promise
    rows = warehouse.execute(
        """
        with punctuality as (
            select order_id, bool_and(is_on_time) as is_on_time
            from marts.fct_shipments
            where is_on_time is not null
            group by order_id
        )
        select punctuality.is_on_time, avg(reviews.rating), stddev_samp(reviews.rating), count(*)
        from marts.fct_reviews as reviews
        inner join punctuality on reviews.order_id = punctuality.order_id
        group by punctuality.is_on_time
        """
    ).fetchall()
    by_punctuality = {on_time: (mean, sd, n) for on_time, mean, sd, n in rows}
    realized = truth["realized"]["reviews"]
    planted = truth["planted"]["review_rating_mean"]
    for on_time, key in ((True, "on_time"), (False, "late")):
        mean, sd, n = by_punctuality[on_time]
        assert mean == pytest.approx(realized[f"mean_rating_{key}"], abs=REALIZED_TOLERANCE), key
        assert abs(mean - planted[key]) <= STANDARD_ERRORS * sd / math.sqrt(n), key
    # the planted effect itself: late deliveries are rated clearly lower
    assert by_punctuality[False][0] < by_punctuality[True][0]


def test_nps_is_the_mean_of_points(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    nps, responses = warehouse.execute(
        "select avg(nps_points), count(*) from marts.fct_nps_responses"
    ).fetchone()
    realized = truth["realized"]["nps"]
    assert responses == realized["responses"]
    assert nps == pytest.approx(realized["nps"], abs=REALIZED_TOLERANCE)


def test_activity_participation_rate(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    rate, registrants = warehouse.execute(
        "select avg(cast(has_participated as double)), count(*) from marts.fct_activity_participants"
    ).fetchone()
    # Recomputed from raw with test accounts left out, independently of the mart.
    expected = warehouse.execute(
        """
        select avg(case when participants.participated_at is not null then 1.0 else 0.0 end)
        from raw.marketing_activity_participants as participants
        left join raw.shop_customers as customers on participants.customer_id = customers.customer_id
        where not coalesce(customers.is_test, false)
        """
    ).fetchone()[0]
    assert rate == pytest.approx(expected, abs=REALIZED_TOLERANCE)
    # The generator's realized value leaves out test accounts' registrations too.
    realized = truth["realized"]["marketing"]["activity_participation_rate"]
    assert rate == pytest.approx(realized, abs=REALIZED_TOLERANCE)
    planted = truth["planted"]["activity_participation_rate"]
    assert abs(rate - planted) <= proportion_tolerance(planted, registrants)


def _normal_quantile(p: float) -> float:
    """Inverse of the standard normal CDF (bisection on math.erf; exact enough here)."""
    low, high = -10.0, 10.0
    for _ in range(100):
        mid = (low + high) / 2
        if 0.5 * (1 + math.erf(mid / math.sqrt(2))) < p:
            low = mid
        else:
            high = mid
    return (low + high) / 2
