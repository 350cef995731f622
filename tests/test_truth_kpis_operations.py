"""Planted and realized truths that the support, feedback, fulfilment, inventory
and payment KPIs must recover, read from marts.kpi_values.

ground_truth.json's `realized` values are computed by the generator from its own
rows with the KPI dictionary's definitions over the whole data span (UTC, test
accounts left out). A ratio KPI over the whole span is the sum of its monthly
numerators over the sum of its monthly denominators (total rows), so it must
match a realized value to 1e-6 (the generator rounds to 6 decimals) and a count
exactly. Planted probabilities are matched within four standard errors of the
sample behind the KPI (binomial SE sqrt(p (1 - p) / n) for a share; for a
lognormal median, the SE of the log of a sample median, 1.2533 sigma / sqrt(n)):
a correct build misses such a check about once in 16,000 runs, a wrong definition
(late parcels counted as on time, every channel in the 30-second share) by far more.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import duckdb
import pytest

REALIZED_TOLERANCE = 1e-6
STANDARD_ERRORS = 4.0
# z of the 90th percentile of a normal: ln(p90 / p50) = 1.2816 sigma for a lognormal
Z_90 = 1.2815516
# below this many answered tickets a year's p90 / p50 is too noisy to estimate sigma
MIN_ANSWERED_FOR_PLANTED = 30


@pytest.fixture(scope="module")
def truth(built_warehouse: tuple[Path, Path]) -> dict:
    """ground_truth.json of the generated data the warehouse was built from."""
    return json.loads((built_warehouse[1] / "ground_truth.json").read_text())


def whole_span(
    con: duckdb.DuckDBPyConnection, kpi_id: str, dimension: str = "total", dimension_value: str = "total"
) -> tuple[float, float | None]:
    """(numerator, denominator) of a component KPI summed over every month of the span."""
    numerator, denominator = con.execute(
        """
        select sum(numerator), sum(denominator)
        from marts.kpi_values
        where kpi_id = ? and grain = 'month' and dimension = ? and dimension_value = ?
        """,
        [kpi_id, dimension, dimension_value],
    ).fetchone()
    assert numerator is not None, f"{kpi_id} has no month rows in marts.kpi_values"
    return numerator, denominator


def whole_span_rate(con: duckdb.DuckDBPyConnection, kpi_id: str) -> tuple[float, float]:
    """(value, denominator) of a ratio KPI over the whole span."""
    numerator, denominator = whole_span(con, kpi_id)
    assert denominator, f"{kpi_id} has no denominator"
    return numerator / denominator, denominator


def proportion_tolerance(p: float, n: float) -> float:
    """Four standard errors of a share p estimated from n independent units."""
    return STANDARD_ERRORS * math.sqrt(p * (1 - p) / n)


@pytest.mark.parametrize(
    ("kpi_id", "realized_key"),
    [
        ("escalation_rate", "escalation_rate"),
        ("resolution_rate", "resolution_rate"),
        ("first_contact_resolution_rate", "first_contact_resolution_rate"),
        ("csat", "csat"),
        ("csat_rate", "csat_rate"),
        ("first_response_within_30s_rate", "chat_first_response_within_30s_share"),
    ],
)
def test_support_rates_match_realized(
    warehouse: duckdb.DuckDBPyConnection, truth: dict, kpi_id: str, realized_key: str
) -> None:
    value, _ = whole_span_rate(warehouse, kpi_id)
    assert value == pytest.approx(truth["realized"]["support"][realized_key], abs=REALIZED_TOLERANCE)


def test_support_tickets_and_resolution_rate_denominator(
    warehouse: duckdb.DuckDBPyConnection, truth: dict
) -> None:
    # tickets created reach kpi_values as the numerator of tickets_per_cs_fte
    tickets, _ = whole_span(warehouse, "tickets_per_cs_fte")
    assert tickets == truth["realized"]["support"]["tickets"]
    _, created = whole_span(warehouse, "resolution_rate")
    assert created == truth["realized"]["support"]["tickets"]


def test_chat_first_response_within_30s_matches_planted(
    warehouse: duckdb.DuckDBPyConnection, truth: dict
) -> None:
    value, answered_chats = whole_span_rate(warehouse, "first_response_within_30s_rate")
    planted = truth["planted"]["chat_first_response_within_30s_share"]
    assert abs(value - planted) <= proportion_tolerance(planted, answered_chats)


def test_first_response_medians_by_channel(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    """kpi_values has no whole-span percentile, so the realized whole-span median of
    each channel must lie between its yearly medians (the median of a union lies
    between the medians of its parts), and each yearly median must sit within four
    standard errors of the planted median on the log scale; sigma of each channel's
    lognormal is read from the same year's p90 / p50."""
    rows = warehouse.execute(
        """
        select
            medians.dimension_value,
            medians.period_start,
            medians.value as median_s,
            p90s.value as p90_s,
            answered.denominator as answered
        from marts.kpi_values as medians
        inner join marts.kpi_values as p90s
            on p90s.kpi_id = 'first_response_time_s_p90'
                and medians.grain = p90s.grain
                and medians.period_start = p90s.period_start
                and medians.dimension = p90s.dimension
                and medians.dimension_value = p90s.dimension_value
        inner join marts.kpi_values as answered
            on answered.kpi_id = 'first_response_time_s'
                and medians.grain = answered.grain
                and medians.period_start = answered.period_start
                and medians.dimension = answered.dimension
                and medians.dimension_value = answered.dimension_value
        where
            medians.kpi_id = 'first_response_time_s_median'
            and medians.grain = 'year'
            and medians.dimension = 'support_channel'
            and medians.value is not null
        """
    ).fetchall()
    realized = truth["realized"]["support"]["first_response_median_s_by_channel"]
    planted = truth["planted"]["first_response_median_s_by_channel"]
    assert {row[0] for row in rows} == set(realized)
    for channel, realized_median in realized.items():
        yearly = [row for row in rows if row[0] == channel]
        medians = [row[2] for row in yearly]
        assert min(medians) - REALIZED_TOLERANCE <= realized_median <= max(medians) + REALIZED_TOLERANCE, (
            channel
        )
        for _, year, median_s, p90_s, answered in yearly:
            if answered < MIN_ANSWERED_FOR_PLANTED:
                continue
            sigma = math.log(p90_s / median_s) / Z_90
            tolerance = STANDARD_ERRORS * 1.2533 * sigma / math.sqrt(answered)
            assert abs(math.log(median_s / planted[channel])) <= tolerance, (channel, year)


def test_reviews_match_realized(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    realized = truth["realized"]["reviews"]
    avg_rating, _ = whole_span_rate(warehouse, "avg_rating")
    negative, _ = whole_span_rate(warehouse, "negative_review_rate")
    assert avg_rating == pytest.approx(realized["mean_rating"], abs=REALIZED_TOLERANCE)
    assert negative == pytest.approx(realized["negative_review_rate"], abs=REALIZED_TOLERANCE)


def test_nps_matches_realized(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    nps, responses = whole_span_rate(warehouse, "nps")
    realized = truth["realized"]["nps"]
    assert responses == realized["responses"]
    assert nps == pytest.approx(realized["nps"], abs=REALIZED_TOLERANCE)


def test_yearly_nps_is_points_over_responses(warehouse: duckdb.DuckDBPyConnection) -> None:
    # the year rows must be recomputed from summed points and responses, on the -100..100 scale
    rows = warehouse.execute(
        """
        select value, numerator, denominator from marts.kpi_values
        where kpi_id = 'nps' and grain = 'year' and dimension = 'total' and denominator > 0
        """
    ).fetchall()
    assert rows
    for value, numerator, denominator in rows:
        assert value == pytest.approx(numerator / denominator, abs=REALIZED_TOLERANCE)
        assert -100 <= value <= 100


def test_on_time_delivery_rate_matches_realized_and_planted(
    warehouse: duckdb.DuckDBPyConnection, truth: dict
) -> None:
    rate, promised_deliveries = whole_span_rate(warehouse, "on_time_delivery_rate")
    assert rate == pytest.approx(truth["realized"]["orders"]["on_time_delivery_rate"], abs=REALIZED_TOLERANCE)
    planted = truth["planted"]["on_time_rate"]
    assert abs(rate - planted) <= proportion_tolerance(planted, promised_deliveries)


def test_payment_success_rate_matches_realized(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    rate, _ = whole_span_rate(warehouse, "payment_success_rate")
    assert rate == pytest.approx(truth["realized"]["orders"]["payment_success_rate"], abs=REALIZED_TOLERANCE)


def test_stockout_rate_matches_realized(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    rate, _ = whole_span_rate(warehouse, "stockout_rate")
    assert rate == pytest.approx(truth["realized"]["inventory"]["stockout_rate"], abs=REALIZED_TOLERANCE)


def test_complaint_rate_denominator_is_valid_orders(
    warehouse: duckdb.DuckDBPyConnection, truth: dict
) -> None:
    _, valid_orders = whole_span(warehouse, "complaint_rate")
    assert valid_orders == truth["realized"]["orders"]["valid_orders"]
