"""Planted truths the web models show: conversion and bounce by traffic channel
group, identity-stitching conflicts and the dwell-conversion lift.

`realized` values in ground_truth.json are computed by the generator from its
own rows with the KPI dictionary's definitions, so the warehouse must match them
exactly (counts) or to rounding (rates, rounded to 6 decimals there). Test
traffic: the generator leaves out every session of an anonymous id ever seen
logged in as a test customer; the warehouse leaves out sessions of anonymous
ids stitched (first login wins, DECISIONLOG D27) to a test customer. The two
agree on generated data because planted shared devices never involve a test
account; if they ever did, the session counts below would differ and say so.

`planted` values are probabilities the generator drew from, so the warehouse
can only match them within sampling error: a binomial standard error
sqrt(p (1 - p) / n) for the n sessions or views at the scale the warehouse was
built at (about 2k-4k sessions per channel at scale 0.02), and a 4-sigma band
(a false alarm about once in 16 000 checks per value).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import duckdb
import pytest

SIGMAS = 4.0
REALIZED_RATE_TOLERANCE = 1e-6  # ground_truth.json rounds rates to 6 decimals


@pytest.fixture(scope="module")
def truth(built_warehouse: tuple[Path, Path]) -> dict:
    return json.loads((built_warehouse[1] / "ground_truth.json").read_text())


def binomial_band(p: float, n: int) -> float:
    """Half-width of the SIGMAS band around a planted probability p for n trials."""
    return SIGMAS * math.sqrt(p * (1 - p) / n)


def sessions_by_channel(warehouse: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int, int]]:
    """channel_group -> (sessions, purchase sessions, bounces) from fct_sessions."""
    rows = warehouse.execute(
        """
        select
            channel_group,
            count(*),
            count(*) filter (where has_purchase),
            count(*) filter (where is_bounce)
        from marts.fct_sessions
        group by channel_group
        """
    ).fetchall()
    return {group: (n, buys, bounces) for group, n, buys, bounces in rows}


def test_session_totals_match_realized(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    traffic = truth["realized"]["traffic"]
    sessions, bounce_rate, conversion = warehouse.execute(
        "select count(*), avg(case when is_bounce then 1.0 else 0.0 end),"
        " avg(case when has_purchase then 1.0 else 0.0 end) from marts.fct_sessions"
    ).fetchone()
    assert sessions == traffic["sessions"]
    assert bounce_rate == pytest.approx(traffic["bounce_rate"], abs=REALIZED_RATE_TOLERANCE)
    assert conversion == pytest.approx(traffic["session_conversion_rate"], abs=REALIZED_RATE_TOLERANCE)


def test_ordered_funnel_matches_realized(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    expected = truth["realized"]["traffic"]["funnel_ordered"]
    row = warehouse.execute(
        """
        select sum(sessions), sum(sessions_reaching_product_view), sum(sessions_reaching_add_to_cart),
            sum(sessions_reaching_begin_checkout), sum(sessions_reaching_purchase)
        from marts.funnel_daily
        """
    ).fetchone()
    steps = ["sessions", "product_view", "add_to_cart", "begin_checkout", "purchase"]
    assert dict(zip(steps, map(int, row), strict=True)) == {s: expected[s] for s in steps}
    # out-of-order add_to_cart events exist in the data, so ordering matters
    assert expected["add_to_cart"] < truth["realized"]["traffic"]["funnel_unordered"]["add_to_cart"]


def test_conversion_by_channel_matches_realized(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    realized = truth["realized"]["traffic"]["by_channel_group"]
    observed = sessions_by_channel(warehouse)
    # every session maps to a generated channel group: none is unassigned
    assert set(observed) == {g for g, v in realized.items() if v["sessions"]}
    for group, expected in realized.items():
        n, buys, bounces = observed.get(group, (0, 0, 0))
        assert (n, buys) == (expected["sessions"], expected["purchase_sessions"]), group
        if n:
            assert buys / n == pytest.approx(expected["conversion_rate"], abs=REALIZED_RATE_TOLERANCE), group
            assert bounces / n == pytest.approx(expected["bounce_rate"], abs=REALIZED_RATE_TOLERANCE), group


def test_conversion_by_channel_near_planted(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    planted = truth["planted"]["session_conversion_by_channel_group"]
    observed = sessions_by_channel(warehouse)
    for group, p in planted.items():
        n, buys, _ = observed[group]
        assert n >= 200, f"{group}: too few sessions ({n}) for a meaningful check"
        assert abs(buys / n - p) <= binomial_band(p, n), (group, buys / n, p, n)
    # the planted ordering that matters to a reader: email converts best, display worst
    rates = {g: observed[g][1] / observed[g][0] for g in planted}
    assert max(rates, key=rates.get) == max(planted, key=planted.get)
    assert min(rates, key=rates.get) == min(planted, key=planted.get)


def test_bounce_near_planted(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    """The planted bounce probability applies to browsing sessions only; sign-up
    sessions and checkouts abandoned by the experiments never bounce and cannot
    be told apart from browsing in the data. So among sessions without a purchase
    the bounce share can only be at or below the planted probability (one-sided
    bound), and the channel planted to bounce most (display) bounces most."""
    planted = truth["planted"]["browse_bounce_prob_by_channel_group"]
    rows = warehouse.execute(
        """
        select channel_group, count(*), count(*) filter (where is_bounce)
        from marts.fct_sessions
        where not has_purchase
        group by channel_group
        """
    ).fetchall()
    shares = {}
    for group, n, bounces in rows:
        p = planted[group]
        shares[group] = bounces / n
        assert bounces / n <= p + binomial_band(p, n), (group, bounces / n, p, n)
    assert max(shares, key=shares.get) == max(planted, key=planted.get)


def test_stitching_conflicts(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    conflicts = warehouse.execute(
        "select count(*) from intermediate.int_anonymous_ids_stitched where has_identity_conflict"
    ).fetchone()[0]
    assert conflicts == truth["realized"]["traffic"]["stitching_conflicts"]
    # planted shared devices can only be lost (a clashing session dropped), never gained
    assert 0 < conflicts <= truth["planted"]["stitching_conflicts"]
    # every session of a conflicted device counts for one customer only
    split = warehouse.execute(
        """
        select count(*) from (
            select anonymous_id from marts.fct_sessions
            group by anonymous_id having count(distinct user_id) > 1
        )
        """
    ).fetchone()[0]
    assert split == 0


PRODUCT_VIEWS = """
    with views as (
        select e.session_id, e.product_id, e.dwell_ms >= 30000 as is_long
        from staging.stg_web__events as e
        inner join marts.fct_sessions as s using (session_id)
        where e.event_name = 'product_view' and e.dwell_ms is not null
    ),
    bought as (
        select distinct s.session_id, i.product_id
        from marts.fct_sessions as s
        inner join staging.stg_shop__order_items as i on i.order_id = s.purchase_order_id
    )
    select
        views.is_long,
        bought.product_id is not null as is_bought,
        count(*) as n
    from views
    left join bought using (session_id, product_id)
    group by all
"""


def test_long_dwell_product_views_convert_more(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    """product_view_conversion_by_dwell: share of product views whose product is
    in the order the same session placed (fct_sessions.purchase_order_id)."""
    counts = {(bool(is_long), bool(b)): n for is_long, b, n in warehouse.execute(PRODUCT_VIEWS).fetchall()}
    realized = truth["realized"]["traffic"]["product_view_conversion_by_dwell"]
    conversion = {}
    for label, is_long in (("ge_30s", True), ("lt_30s", False)):
        views = counts.get((is_long, True), 0) + counts.get((is_long, False), 0)
        conversion[label] = counts.get((is_long, True), 0) / views
        assert views == realized[label]["product_views"], label
        assert conversion[label] == pytest.approx(realized[label]["conversion"], abs=REALIZED_RATE_TOLERANCE)
    assert conversion["ge_30s"] > 2 * conversion["lt_30s"]

    # planted: the share of views lasting 30 s or more, for bought and other views
    planted = truth["planted"]["dwell_ge_30s_share"]
    for key, is_bought in (("bought", True), ("other", False)):
        n = counts.get((True, is_bought), 0) + counts.get((False, is_bought), 0)
        share = counts.get((True, is_bought), 0) / n
        assert abs(share - planted[key]) <= binomial_band(planted[key], n), (key, share, planted[key], n)

    # the session grain shows it too: sessions whose product views average 30 s or more convert more
    long_rate, short_rate = warehouse.execute(
        """
        select
            avg(case when has_purchase then 1.0 else 0.0 end)
                filter (where product_view_dwell_ms >= 30000 * product_view_count),
            avg(case when has_purchase then 1.0 else 0.0 end)
                filter (where product_view_dwell_ms < 30000 * product_view_count)
        from marts.fct_sessions
        where product_view_count > 0
        """
    ).fetchone()
    assert long_rate > 2 * short_rate


def test_no_unassigned_or_test_traffic(warehouse: duckdb.DuckDBPyConnection) -> None:
    """Generated utm and referrers all map through the seed; no test account's session is a fact."""
    unassigned, test_sessions = warehouse.execute(
        """
        select
            count(*) filter (where s.channel_group = 'unassigned'),
            count(*) filter (where c.is_test)
        from marts.fct_sessions as s
        left join staging.stg_shop__customers as c using (customer_id)
        """
    ).fetchone()
    assert unassigned == 0
    assert test_sessions == 0
