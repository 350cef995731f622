"""The semantic layer (MetricFlow) validates and answers what marts.kpi_values holds.

`mf validate-configs` must pass (semantic checks and the checks against the
built warehouse), and `mf query` for a sample of metrics, at month grain, in
total and by a breakdown, must return the value of the same KPI, month and
breakdown in kpi_values: money to the cent, everything else to 1e-9. Only
complete months with a value are compared (kpi_values NULLs the others), and
every such month must come back from MetricFlow.

mf is the one installed next to the running Python (dbt-metricflow); without
it the tests skip. mf reads target/semantic_manifest.json, so the tests run
`dbt parse` first, unless `make test` says it has just done so
(SEMANTIC_MANIFEST_CURRENT=1: its pytest workers must not rewrite target/
while another test reads it). Both use the profile's read-only `bi` target (DBT_TARGET=bi),
which attaches the file at WAREHOUSE_PATH under the fixed name `ecommerce`: mf
then works beside an open reader and against a copy of the warehouse under
another name, which two tests check.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MF = BIN / "mf"
DBT = BIN / "dbt"

pytestmark = pytest.mark.skipif(
    not MF.exists(),
    reason=f"MetricFlow CLI not installed at {MF} (pip install dbt-metricflow, see requirements.lock)",
)

MONEY_TOLERANCE = 0.005  # to the cent
OTHER_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Query:
    """One `mf query`: metrics at month grain, optionally by one breakdown."""

    name: str
    metrics: tuple[str, ...]
    group_by: str | None = None  # MetricFlow's name of the breakdown
    dimension: str = "total"  # kpi_values.dimension it equals


# metric -> the kpi_id whose monthly value it must equal
KPI_OF_METRIC = {"gmv_mtd": "gmv"}

QUERIES = (
    Query(
        "totals",
        (
            "gmv",
            "net_revenue",
            "orders",
            "aov",
            "units_per_order",
            "cancellation_rate",
            "refund_rate",
            "gross_margin_pct",
            "new_customers",
            "gmv_mtd",
            "net_revenue_growth_mom",
            "new_signups",
            "sessions",
            "bounce_rate",
            "session_conversion_rate",
            "cart_abandonment_rate",
            "escalation_rate",
            "csat",
            "nps",
            "avg_rating",
            "refund_value_rate",
            "cross_sell_rate",
            "repeat_revenue_share",
            "funnel_product_view_rate",
            "funnel_add_to_cart_rate",
            "funnel_begin_checkout_rate",
            "funnel_purchase_rate",
            "checkout_abandonment_rate",
            "natural_traffic_share",
            "first_response_time_s",
            "first_response_within_30s_rate",
            "resolution_time_h",
            "resolution_rate",
            "first_contact_resolution_rate",
            "csat_rate",
            "negative_review_rate",
            "negative_review_resolution_rate",
            "review_response_time_h",
        ),
    ),
    Query(
        "orders_by_sales_channel",
        ("gmv", "orders", "aov", "cancellation_rate"),
        "order__sales_channel",
        "sales_channel",
    ),
    Query(
        "money_by_country",
        ("gmv", "net_revenue", "gross_margin_pct"),
        "customer__country_code",
        "country_code",
    ),
    Query(
        "sessions_by_traffic_channel_group",
        ("sessions", "bounce_rate", "session_conversion_rate"),
        "session__traffic_channel_group",
        "traffic_channel_group",
    ),
    Query(
        "tickets_by_support_channel",
        ("escalation_rate", "csat"),
        "ticket__support_channel",
        "support_channel",
    ),
)


@pytest.fixture(scope="module")
def mf_env(built_warehouse: tuple[Path, Path]) -> dict[str, str]:
    """Environment for dbt and mf on the test warehouse, after a `dbt parse` into target/.

    `make test` has just parsed it so (`make semantic`) and says so with
    SEMANTIC_MANIFEST_CURRENT=1: the parse is then skipped, so that no test
    rewrites the project's target/ while another pytest worker reads it."""
    env = dict(os.environ)
    env.update(
        WAREHOUSE_PATH=str(built_warehouse[0]),
        DBT_TARGET="bi",
        DBT_PROFILES_DIR=str(ROOT),
        DBT_PROJECT_DIR=str(ROOT),
        DBT_SEND_ANONYMOUS_USAGE_STATS="False",
    )
    parsed = (ROOT / "target" / "semantic_manifest.json").is_file()
    if not (parsed and os.environ.get("SEMANTIC_MANIFEST_CURRENT") == "1"):
        run([str(DBT), "parse", "--quiet"], env)
    return env


def run(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a command in the project root; fail the test with its output if it fails."""
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(cmd)} exited {result.returncode}:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )
    return result


def mf_query(query: Query, env: dict[str, str], out: Path) -> list[dict[str, str]]:
    """The rows of `mf query` (metric_time__month, [breakdown], metrics...) as read from its CSV."""
    group_by = ["metric_time__month"] + ([query.group_by] if query.group_by else [])
    run(
        [
            str(MF),
            "query",
            "--metrics",
            ",".join(query.metrics),
            "--group-by",
            ",".join(group_by),
            "--csv",
            str(out),
            "--quiet",
        ],
        env,
    )
    with out.open(newline="") as handle:
        return list(csv.DictReader(handle))


def as_month(text: str) -> dt.date:
    """MetricFlow writes metric_time__month as a timestamp ('2025-01-01 00:00:00')."""
    return dt.date.fromisoformat(text[:10])


def test_validate_configs_passes(mf_env: dict[str, str]) -> None:
    """`mf validate-configs` (semantic and warehouse validations) exits 0."""
    result = run([str(MF), "validate-configs"], mf_env)
    assert "ERRORS: 0" in result.stdout


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_mf_query_equals_kpi_values(
    query: Query, mf_env: dict[str, str], built_warehouse: tuple[Path, Path], tmp_path: Path
) -> None:
    """Each metric of the query equals its KPI in kpi_values for every complete month and breakdown value."""
    rows = mf_query(query, mf_env, tmp_path / f"{query.name}.csv")
    # (kpi_id, month, dimension_value) -> MetricFlow's value; a NULL breakdown is kpi_values' 'unknown'
    semantic: dict[tuple[str, dt.date, str], float | None] = {}
    for row in rows:
        month = as_month(row["metric_time__month"])
        value_of_breakdown = (row[query.group_by] or "unknown") if query.group_by else "total"
        for metric in query.metrics:
            kpi_id = KPI_OF_METRIC.get(metric, metric)
            semantic[(kpi_id, month, value_of_breakdown)] = float(row[metric]) if row[metric] != "" else None

    kpi_ids = sorted({KPI_OF_METRIC.get(m, m) for m in query.metrics})
    with duckdb.connect(str(built_warehouse[0]), read_only=True) as con:
        expected = con.execute(
            """
            select kpi_id, period_start, dimension_value, value, unit
            from marts.kpi_values
            where grain = 'month'
                and dimension = ?
                and kpi_id in (select unnest(?))
                and is_complete
                and value is not null
            order by kpi_id, period_start, dimension_value
            """,
            [query.dimension, kpi_ids],
        ).fetchall()

    # every KPI of the query has complete months to compare (and the breakdown its values)
    assert {row[0] for row in expected} == set(kpi_ids), f"kpi_values lacks complete months for {kpi_ids}"
    if query.group_by:
        assert len({row[2] for row in expected}) > 1, f"{query.dimension} has a single value in kpi_values"

    mismatches = []
    for kpi_id, month, dimension_value, value, unit in expected:
        actual = semantic.get((kpi_id, month, dimension_value))
        tolerance = MONEY_TOLERANCE if unit == "currency" else OTHER_TOLERANCE
        if actual is None or not math.isclose(actual, value, rel_tol=0, abs_tol=tolerance):
            mismatches.append(f"{kpi_id} {month} {dimension_value}: kpi_values {value}, mf {actual}")
    shown = "\n".join(mismatches[:20])
    assert not mismatches, f"{len(mismatches)} of {len(expected)} values differ ({query.dimension}):\n{shown}"


def test_mf_reads_a_warehouse_held_open_and_under_another_name(
    mf_env: dict[str, str], built_warehouse: tuple[Path, Path], tmp_path: Path
) -> None:
    """The read-only `bi` target: mf answers while a BI reader holds the file open,
    and from a copy of the warehouse under another file name, with the same numbers."""
    query = Query("gmv_by_month", ("gmv",))
    with duckdb.connect(str(built_warehouse[0]), read_only=True) as reader:
        reader.execute("select count(*) from marts.kpi_values").fetchone()
        beside_reader = mf_query(query, mf_env, tmp_path / "beside_reader.csv")
    moved = tmp_path / "shop_copy.duckdb"
    moved.write_bytes(built_warehouse[0].read_bytes())
    elsewhere = mf_query(query, {**mf_env, "WAREHOUSE_PATH": str(moved)}, tmp_path / "elsewhere.csv")
    assert beside_reader, "mf returned no rows"
    assert sorted(map(tuple, (r.values() for r in elsewhere))) == sorted(
        map(tuple, (r.values() for r in beside_reader))
    )
