"""Planted and realized truths of ground_truth.json that the web and marketing
KPIs measure, read from the KPI layer (marts.kpi_values) the way a BI user
would: whole-span values are the month rows' numerators and denominators
summed over every month (ground truth `realized` values cover the whole span,
in UTC, the default reporting time zone); page-load percentiles, which do not
add up, are compared per calendar year.

`realized` values are computed by the generator from its own rows with the KPI
dictionary's definitions, so counts must match exactly, rates to the 6 decimals
ground_truth.json keeps and money to the cent. `planted` values are the
probabilities the generator drew from: the warehouse can only match them within
sampling error, a binomial standard error sqrt(p (1 - p) / n) for the n sessions
or registrations the KPI counts at the scale the warehouse was built at (at
scale 0.02: about 1k-5k sessions per channel group, SE 0.002-0.007; about 60
registrations, SE about 0.06), checked with a 4-sigma band (a false alarm about
once in 16,000 checks per value).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

SIGMAS = 4.0
RATE_TOLERANCE = 1e-6  # ground_truth.json rounds rates to 6 decimals
CENT = 0.005
NATURAL_GROUPS = ("organic_search", "organic_social", "direct", "referral")


@pytest.fixture(scope="module")
def truth(built_warehouse: tuple[Path, Path]) -> dict:
    """ground_truth.json of the generated data the warehouse was built from."""
    return json.loads((built_warehouse[1] / "ground_truth.json").read_text())


def binomial_band(p: float, n: float) -> float:
    """Half-width of the SIGMAS band around a planted probability p for n trials."""
    return SIGMAS * math.sqrt(p * (1 - p) / n)


def span_parts(
    warehouse: duckdb.DuckDBPyConnection, kpi_id: str, dimension: str = "total"
) -> dict[str, tuple[float, float | None]]:
    """dimension_value -> (numerator, denominator) summed over every month of the span."""
    rows = warehouse.execute(
        """
        select dimension_value, sum(numerator), sum(denominator)
        from marts.kpi_values
        where kpi_id = ? and grain = 'month' and dimension = ?
        group by dimension_value
        """,
        [kpi_id, dimension],
    ).fetchall()
    return {value: (numerator or 0.0, denominator) for value, numerator, denominator in rows}


def span_total(warehouse: duckdb.DuckDBPyConnection, kpi_id: str) -> tuple[float, float | None]:
    """(numerator, denominator) of the total over the whole span."""
    return span_parts(warehouse, kpi_id)["total"]


def span_rate(warehouse: duckdb.DuckDBPyConnection, kpi_id: str) -> float:
    numerator, denominator = span_total(warehouse, kpi_id)
    return numerator / denominator


def test_sessions_bounce_conversion_natural_share(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    traffic = truth["realized"]["traffic"]
    assert span_total(warehouse, "sessions")[0] == traffic["sessions"]
    for kpi_id in ("bounce_rate", "session_conversion_rate", "natural_traffic_share"):
        numerator, denominator = span_total(warehouse, kpi_id)
        assert denominator == traffic["sessions"], kpi_id
        assert numerator / denominator == pytest.approx(traffic[kpi_id], abs=RATE_TOLERANCE), kpi_id


def test_sessions_by_month(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    rows = warehouse.execute(
        """
        select strftime(period_start, '%Y-%m'), numerator
        from marts.kpi_values
        where kpi_id = 'sessions' and grain = 'month' and dimension = 'total'
        """
    ).fetchall()
    observed = {month: sessions or 0 for month, sessions in rows}
    for month in truth["realized"]["monthly"]:
        assert observed.get(month["month"], 0) == month["sessions"], month["month"]


def test_sessions_by_channel_group(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    realized = truth["realized"]["traffic"]["by_channel_group"]
    sessions = span_parts(warehouse, "sessions", "traffic_channel_group")
    conversion = span_parts(warehouse, "session_conversion_rate", "traffic_channel_group")
    bounce = span_parts(warehouse, "bounce_rate", "traffic_channel_group")
    assert {g for g, (n, _) in sessions.items() if n} == {g for g, v in realized.items() if v["sessions"]}
    for group, expected in realized.items():
        if not expected["sessions"]:
            continue
        assert sessions[group][0] == expected["sessions"], group
        assert conversion[group][0] == expected["purchase_sessions"], group
        assert conversion[group][0] / conversion[group][1] == pytest.approx(
            expected["conversion_rate"], abs=RATE_TOLERANCE
        ), group
        assert bounce[group][0] / bounce[group][1] == pytest.approx(
            expected["bounce_rate"], abs=RATE_TOLERANCE
        ), group
    # natural traffic share is the natural groups' share of sessions
    natural = sum(sessions.get(g, (0, None))[0] for g in NATURAL_GROUPS)
    assert natural / span_total(warehouse, "sessions")[0] == pytest.approx(
        span_rate(warehouse, "natural_traffic_share"), abs=1e-12
    )


def test_conversion_and_bounce_near_planted(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    conversion = span_parts(warehouse, "session_conversion_rate", "traffic_channel_group")
    bounce = span_parts(warehouse, "bounce_rate", "traffic_channel_group")
    planted_conversion = truth["planted"]["session_conversion_by_channel_group"]
    for group, p in planted_conversion.items():
        buys, n = conversion[group]
        assert n >= 200, f"{group}: too few sessions ({n}) for a meaningful check"
        assert abs(buys / n - p) <= binomial_band(p, n), (group, buys / n, p, n)
    # The planted bounce probability holds for browsing sessions only; purchase and
    # sign-up sessions never bounce, so a group's bounce rate can only be at or below it.
    for group, p in truth["planted"]["browse_bounce_prob_by_channel_group"].items():
        bounces, n = bounce[group]
        assert bounces / n <= p + binomial_band(p, n), (group, bounces / n, p, n)


def test_ordered_funnel_and_abandonment(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    funnel = truth["realized"]["traffic"]["funnel_ordered"]
    steps = [
        ("funnel_product_view_rate", "product_view", "sessions"),
        ("funnel_add_to_cart_rate", "add_to_cart", "product_view"),
        ("funnel_begin_checkout_rate", "begin_checkout", "add_to_cart"),
        ("funnel_purchase_rate", "purchase", "begin_checkout"),
    ]
    for kpi_id, step, previous in steps:
        assert span_total(warehouse, kpi_id) == (funnel[step], funnel[previous]), kpi_id
    assert span_total(warehouse, "cart_abandonment_rate") == (
        funnel["add_to_cart"] - funnel["purchase"],
        funnel["add_to_cart"],
    )
    assert span_total(warehouse, "checkout_abandonment_rate") == (
        funnel["begin_checkout"] - funnel["purchase"],
        funnel["begin_checkout"],
    )


def test_product_view_conversion_by_dwell(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    realized = truth["realized"]["traffic"]["product_view_conversion_by_dwell"]
    observed = span_parts(warehouse, "product_view_conversion_by_dwell", "dwell_bucket")
    for bucket, expected in realized.items():
        converted, views = observed[bucket]
        assert views == expected["product_views"], bucket
        assert converted / views == pytest.approx(expected["conversion"], abs=RATE_TOLERANCE), bucket
    # the planted lift: long views convert far more often
    assert realized["ge_30s"]["conversion"] > 2 * realized["lt_30s"]["conversion"]


def test_page_load_percentiles_by_year(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    realized = truth["realized"]["traffic"]["page_load_ms"]
    rows = warehouse.execute(
        """
        select kpi_id, strftime(period_start, '%Y'), value
        from marts.kpi_values
        where kpi_id in ('page_load_p50_ms', 'page_load_p90_ms') and grain = 'year' and dimension = 'total'
            and value is not null
        """
    ).fetchall()
    observed = {(kpi_id, year): value for kpi_id, year, value in rows}
    assert {year for _, year in observed} == set(realized["by_year"])
    for year, expected in realized["by_year"].items():
        assert observed[("page_load_p50_ms", year)] == pytest.approx(expected["p50"], abs=RATE_TOLERANCE)
        assert observed[("page_load_p90_ms", year)] == pytest.approx(expected["p90"], abs=RATE_TOLERANCE)
    # a quantile of the whole span lies between the quantiles of its parts
    for kpi_id, key in (("page_load_p50_ms", "p50"), ("page_load_p90_ms", "p90")):
        per_year = [value for (k, _), value in observed.items() if k == kpi_id]
        assert min(per_year) - RATE_TOLERANCE <= realized[key] <= max(per_year) + RATE_TOLERANCE


def test_ad_clicks_impressions_and_spend(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    clicks: dict[str, int] = defaultdict(int)
    impressions: dict[str, int] = defaultdict(int)
    currencies: dict[str, set[str]] = defaultdict(set)
    spend: dict[str, float] = defaultdict(float)
    for row in truth["realized"]["marketing"]["spend_by_channel_currency"]:
        clicks[row["channel"]] += row["clicks"]
        impressions[row["channel"]] += row["impressions"]
        currencies[row["channel"]].add(row["currency"])
        spend[row["channel"]] += row["spend"]
    ctr = span_parts(warehouse, "ad_ctr", "ad_channel")
    cpc = span_parts(warehouse, "cpc", "ad_channel")
    # spend by channel reaches kpi_values as the numerator of cac_by_channel (derived)
    ad_spend = span_parts(warehouse, "cac_by_channel", "ad_channel")
    assert {c for c, (_, n) in ctr.items() if n} == set(clicks)
    for channel in clicks:
        assert ctr[channel] == (clicks[channel], impressions[channel]), channel
        assert cpc[channel][1] == clicks[channel], channel
        assert cpc[channel][0] == pytest.approx(ad_spend[channel][0], abs=CENT), channel
        # spend in the reporting currency (USD) is known exactly only for USD-only channels
        if currencies[channel] == {"USD"}:
            assert ad_spend[channel][0] == pytest.approx(spend[channel], abs=CENT), channel


def test_activity_participation_rate(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    participants, registrants = span_total(warehouse, "activity_participation_rate")
    assert participants / registrants == pytest.approx(
        truth["realized"]["marketing"]["activity_participation_rate"], abs=RATE_TOLERANCE
    )
    planted = truth["planted"]["activity_participation_rate"]
    assert abs(participants / registrants - planted) <= binomial_band(planted, registrants)
