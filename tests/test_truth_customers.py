"""Planted customer loyalty in customer_segments.

The generator gives each acquisition channel group its own probability of
another order after each order (planted.repeat_order_prob_by_acquisition_group,
0.63 for display up to 0.89 for email). Buyers from high-repeat groups order
more often, so more of them must land in the frequency-driven segments
champions and loyal. Compared: the three groups planted most loyal against the
three planted least loyal, pooled (a few hundred buyers each at the test
scales; per-group shares would be too noisy). On the default data the
difference is about 0.25-0.3 with a standard error of 0.04-0.06, so requiring
it to exceed two standard errors fails by chance well under 1% of the time,
while a segment rule that ignored frequency would fail it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import duckdb
import pytest

GROUPS_COMPARED = 3
MIN_STANDARD_ERRORS = 2.0


@pytest.fixture(scope="module")
def truth(built_warehouse: tuple[Path, Path]) -> dict:
    return json.loads((built_warehouse[1] / "ground_truth.json").read_text())


def loyal_share(warehouse: duckdb.DuckDBPyConnection, groups: list[str]) -> tuple[float, int]:
    """(share of champions + loyal, buyers) among buyers acquired through groups."""
    placeholders = ", ".join("?" for _ in groups)
    n, loyal = warehouse.execute(
        f"""
        select count(*), count(*) filter (where segment in ('champions', 'loyal'))
        from marts.customer_segments
        where acquisition_channel_group in ({placeholders})
        """,
        groups,
    ).fetchone()
    return loyal / n, n


def test_high_repeat_groups_have_more_loyal_customers(
    warehouse: duckdb.DuckDBPyConnection, truth: dict
) -> None:
    planted = truth["planted"]["repeat_order_prob_by_acquisition_group"]
    ranked = sorted(planted, key=planted.get)
    low, high = ranked[:GROUPS_COMPARED], ranked[-GROUPS_COMPARED:]
    p_low, n_low = loyal_share(warehouse, low)
    p_high, n_high = loyal_share(warehouse, high)
    assert min(n_low, n_high) >= 50, (n_low, n_high)
    se = math.sqrt(p_low * (1 - p_low) / n_low + p_high * (1 - p_high) / n_high)
    assert p_high - p_low > MIN_STANDARD_ERRORS * se, (p_high, p_low, se)


def test_segments_partition_buyers(warehouse: duckdb.DuckDBPyConnection) -> None:
    """Every buyer of dim_customers has exactly one segment row, and the latest
    month of customer_segments_monthly counts the same buyers."""
    buyers, segmented, last_month = warehouse.execute(
        """
        select
            (select count(*) from marts.dim_customers where is_buyer),
            (select count(*) from marts.customer_segments),
            (select sum(customers) from marts.customer_segments_monthly
             where month_start_date = (select max(month_start_date) from marts.customer_segments_monthly))
        """
    ).fetchone()
    assert buyers == segmented == last_month
