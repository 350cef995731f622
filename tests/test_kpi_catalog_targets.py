"""The user-edited KPI seeds beside the catalog, checked as files (no warehouse).

seeds/kpi_targets.csv and seeds/scorecard_weights.csv must name catalog KPIs at
grains and breakdowns the catalog reports, at real period starts; the shipped
targets cover both generated years and every scored KPI every month, quarter
targets of an additive KPI add up to its year target, and each role's weights
for a season sum to 1. The catalog itself is checked in tests/test_kpi_catalog.py.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest

from tests.test_kpi_catalog import read_seed

SEASONS = {"peak", "off_peak", "all"}
TARGET_GRAINS = {"month", "quarter", "year"}
# KPIs the shipped targets must cover in both years of the generated data
TARGETED_BOTH_YEARS = [
    "gmv",
    "net_revenue",
    "orders",
    "sessions",
    "gross_margin_pct",
    "csat",
    "resolution_rate",
    "first_response_time_s",
    "escalation_rate",
    "effective_new_customer_rate",
    "repurchase_rate",
    "stockout_rate",
    "on_time_delivery_rate",
    "inventory_turnover",
    "avg_rating",
]
GENERATED_YEARS = (2024, 2025)


@pytest.fixture(scope="module")
def catalog() -> dict[str, dict[str, str]]:
    return {row["kpi_id"]: row for row in read_seed("kpi_definitions")}


@pytest.fixture(scope="module")
def targets() -> list[dict[str, str]]:
    return read_seed("kpi_targets")


@pytest.fixture(scope="module")
def weights() -> list[dict[str, str]]:
    return read_seed("scorecard_weights")


# --------------------------------------------------------------------------- #
# targets and weights
# --------------------------------------------------------------------------- #


def period_start_is_valid(grain: str, start: date) -> bool:
    if start.day != 1:
        return False
    if grain == "quarter":
        return start.month in (1, 4, 7, 10)
    if grain == "year":
        return start.month == 1
    return grain == "month"


def test_targets_fit_the_catalog(catalog: dict[str, dict[str, str]], targets: list[dict[str, str]]) -> None:
    keys = set()
    for line, row in enumerate(targets, start=2):
        where = f"kpi_targets.csv line {line}"
        kpi = catalog.get(row["kpi_id"])
        assert kpi is not None, where
        assert kpi["is_computable"] == "true", where
        assert row["grain"] in TARGET_GRAINS, where
        assert row["grain"] in kpi["grains"].split("|"), where
        assert period_start_is_valid(row["grain"], date.fromisoformat(row["period_start"])), where
        assert bool(row["dimension"]) == bool(row["dimension_value"]), where
        if row["dimension"]:
            assert row["dimension"] in kpi["breakdowns"].split("|")[1:], where
        float(row["target"])
        key = (row["kpi_id"], row["grain"], row["period_start"], row["dimension"], row["dimension_value"])
        assert key not in keys, where
        keys.add(key)


def test_targets_cover_both_generated_years(targets: list[dict[str, str]]) -> None:
    covered = {
        (row["kpi_id"], int(row["period_start"][:4]))
        for row in targets
        if row["grain"] == "year" and not row["dimension"]
    }
    missing = [(k, y) for k in TARGETED_BOTH_YEARS for y in GENERATED_YEARS if (k, y) not in covered]
    assert not missing


def test_scored_kpis_have_a_target_every_month(
    targets: list[dict[str, str]], weights: list[dict[str, str]]
) -> None:
    total_targets = [row for row in targets if not row["dimension"]]
    for kpi_id in {row["kpi_id"] for row in weights}:
        for year in GENERATED_YEARS:
            for month in range(1, 13):
                quarter_start = date(year, 3 * ((month - 1) // 3) + 1, 1)
                periods = {
                    ("month", date(year, month, 1).isoformat()),
                    ("quarter", quarter_start.isoformat()),
                    ("year", date(year, 1, 1).isoformat()),
                }
                assert any(
                    row["kpi_id"] == kpi_id and (row["grain"], row["period_start"]) in periods
                    for row in total_targets
                ), (kpi_id, year, month)


def test_additive_targets_of_a_period_add_up(
    catalog: dict[str, dict[str, str]], targets: list[dict[str, str]]
) -> None:
    # quarter targets of a summed KPI that cover a whole year add up to its year target
    by_key: dict[tuple[str, int], dict[str, float]] = defaultdict(dict)
    for row in targets:
        if catalog[row["kpi_id"]]["aggregation"] == "sum" and not row["dimension"]:
            by_key[(row["kpi_id"], int(row["period_start"][:4]))][f"{row['grain']}:{row['period_start']}"] = (
                float(row["target"])
            )
    for (kpi_id, year), found in by_key.items():
        quarters = [v for k, v in found.items() if k.startswith("quarter:")]
        year_target = found.get(f"year:{year}-01-01")
        if len(quarters) == 4 and year_target is not None:
            assert sum(quarters) == pytest.approx(year_target), (kpi_id, year)


def test_weights_fit_the_catalog(catalog: dict[str, dict[str, str]], weights: list[dict[str, str]]) -> None:
    keys = set()
    for line, row in enumerate(weights, start=2):
        where = f"scorecard_weights.csv line {line}"
        kpi = catalog.get(row["kpi_id"])
        assert kpi is not None, where
        assert kpi["is_computable"] == "true", where
        assert "month" in kpi["grains"].split("|"), where
        assert row["season"] in SEASONS, where
        assert Decimal("0") < Decimal(row["weight"]) <= Decimal("1"), where
        key = (row["role"], row["kpi_id"], row["season"])
        assert key not in keys, where
        keys.add(key)


def test_weights_sum_to_one(weights: list[dict[str, str]]) -> None:
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in weights:
        sums[(row["role"], row["season"])] += Decimal(row["weight"])
    assert sums
    assert {k: v for k, v in sums.items() if v != Decimal("1")} == {}


def test_every_role_is_scored_in_every_season(weights: list[dict[str, str]]) -> None:
    seasons: dict[str, set[str]] = defaultdict(set)
    for row in weights:
        seasons[row["role"]].add(row["season"])
    assert {"sales", "customer_service", "store_manager"} <= set(seasons)
    for role, found in seasons.items():
        assert "all" in found or {"peak", "off_peak"} <= found, role


def test_peak_weights_shift_to_gmv(weights: list[dict[str, str]]) -> None:
    weight = {(r["role"], r["kpi_id"], r["season"]): Decimal(r["weight"]) for r in weights}
    for role in ("sales", "store_manager"):
        assert weight[(role, "gmv", "peak")] > weight[(role, "gmv", "off_peak")], role
        assert weight[(role, "gross_margin_pct", "off_peak")] > weight[(role, "gross_margin_pct", "peak")], (
            role
        )
    # the dictionary's sales weights are the off-peak baseline; peak shifts to gmv
    dictionary_sales = {
        "gmv": "0.30",
        "gross_margin_pct": "0.25",
        "effective_new_customer_rate": "0.20",
        "repurchase_rate": "0.25",
    }
    for kpi_id, value in dictionary_sales.items():
        assert weight[("sales", kpi_id, "off_peak")] == Decimal(value), kpi_id
    dictionary_cs = {
        "csat": "0.40",
        "resolution_rate": "0.30",
        "first_response_time_s": "0.20",
        "escalation_rate": "0.10",
    }
    for kpi_id, expected in dictionary_cs.items():
        assert weight[("customer_service", kpi_id, "all")] == Decimal(expected), kpi_id
