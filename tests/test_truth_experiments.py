"""Planted experiment truths in experiment_results.

`realized.experiments` in ground_truth.json counts, per experiment and arm, the
assigned visitors, the sessions starting at/after the assignment and before the
window end, purchase sessions, converting visitors and their GMV (USD), from the
generator's own rows. experiment_results defines the window end as the UTC
midnight after the last assignment, which is the planted end_at (windows are
whole UTC days and visitors are assigned at their first session in it), so the
counts must match exactly and GMV to the cent.

`planted.experiments` holds the designs: a 50/50 split, the checkout
experiment's true relative lift (0.15, of session-level purchase conversion)
and an A/A experiment (lift 0). The statistical checks and why they are safe:

- the planted lift inside the 95% CI of the visitor-conversion relative lift:
  the visitor-level effect is a little smaller than the session-level one (a
  visitor with several purchases stays one converter), but the interval at
  1.4k visitors per arm (scale 0.05) is about +-0.4 wide, so 0.15 sits in it
  unless the sample is off by ~2 sigma;
- the A/A experiment not significant at 0.05 - by construction a 5% false
  alarm rate per seed, fixed here by the seed of `make test`;
- no sample-ratio mismatch at alpha 0.001 on a true 50/50 split (a 0.1% false
  alarm rate).
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

REALIZED_RATE_TOLERANCE = 1e-6  # ground_truth.json rounds rates to 6 decimals
STATISTIC_TOLERANCE = 2e-6  # experiment_results rounds statistics to 6 decimals


@pytest.fixture(scope="module")
def truth(built_warehouse: tuple[Path, Path]) -> dict:
    return json.loads((built_warehouse[1] / "ground_truth.json").read_text())


def results(warehouse: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], dict]:
    """(experiment_id, variant) -> the row of marts.experiment_results as a dict."""
    cursor = warehouse.execute("select * from marts.experiment_results")
    names = [d[0] for d in cursor.description]
    return {(row[1], row[2]): dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def phi(x: float) -> float:
    """Standard normal CDF (exact, through math.erf)."""
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def test_counts_match_realized(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    rows = results(warehouse)
    realized = truth["realized"]["experiments"]
    assert {e for e, _ in rows} == set(realized)
    for experiment_id, arms in realized.items():
        for variant in ("control", "treatment"):
            row, expected = rows[(experiment_id, variant)], arms[variant]
            observed = (
                row["assigned_visitors"],
                row["sessions"],
                row["purchase_sessions"],
                row["converted_visitors"],
            )
            wanted = (
                expected["visitors"],
                expected["sessions"],
                expected["purchase_sessions"],
                expected["converted_visitors"],
            )
            assert observed == wanted, (experiment_id, variant)
            assert float(row["gmv"]) == pytest.approx(expected["gmv_usd"], abs=0.01), (experiment_id, variant)
            assert row["conversion_rate"] == pytest.approx(
                expected["visitor_conversion"], abs=REALIZED_RATE_TOLERANCE
            )
        treatment = rows[(experiment_id, "treatment")]
        # the generator's relative lift is a ratio of 6-decimal rates; recompute it from its counts
        c, t = arms["control"], arms["treatment"]
        lift = (t["converted_visitors"] / t["visitors"]) / (c["converted_visitors"] / c["visitors"]) - 1
        assert treatment["conversion_relative_lift"] == pytest.approx(lift, abs=STATISTIC_TOLERANCE)
        assert lift == pytest.approx(arms["relative_lift_visitor_conversion"], abs=1e-4)
        assert treatment["actual_share"] == pytest.approx(arms["treatment_share"], abs=STATISTIC_TOLERANCE)


def test_windows_are_the_planted_ones(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    rows = results(warehouse)
    for design in truth["planted"]["experiments"]:
        start = datetime.fromisoformat(design["start_at"]).astimezone(UTC).replace(tzinfo=None)
        end = datetime.fromisoformat(design["end_at"]).astimezone(UTC).replace(tzinfo=None)
        for variant in design["variants"]:
            row = rows[(design["experiment_id"], variant)]
            assert row["window_end_at"] == end
            assert start <= row["window_start_at"] < end
            assert row["expected_share"] == pytest.approx(design["split"])


def test_planted_lift_inside_interval(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    rows = results(warehouse)
    for design in truth["planted"]["experiments"]:
        row = rows[(design["experiment_id"], "treatment")]
        lift = design["true_relative_lift"]
        assert row["conversion_relative_lift_ci_lower"] <= lift <= row["conversion_relative_lift_ci_upper"], (
            design["experiment_id"],
            row["conversion_relative_lift_ci_lower"],
            row["conversion_relative_lift_ci_upper"],
        )


def test_aa_experiment_not_significant(warehouse: duckdb.DuckDBPyConnection, truth: dict) -> None:
    rows = results(warehouse)
    aa = [d["experiment_id"] for d in truth["planted"]["experiments"] if d["true_relative_lift"] == 0]
    assert aa, "the generator plants an A/A experiment"
    for experiment_id in aa:
        row = rows[(experiment_id, "treatment")]
        assert row["conversion_p_value"] > 0.05
        assert row["revenue_per_visitor_p_value"] > 0.05
        assert row["conversion_lift_ci_lower"] <= 0 <= row["conversion_lift_ci_upper"]


def test_no_sample_ratio_mismatch(warehouse: duckdb.DuckDBPyConnection) -> None:
    for key, row in results(warehouse).items():
        assert not row["has_sample_ratio_mismatch"], key
        assert row["srm_p_value"] > 0.001, key


def test_statistics_agree_with_exact_formulas(warehouse: duckdb.DuckDBPyConnection) -> None:
    """The SQL normal CDF (Abramowitz-Stegun erf, |error| < 1.5e-7) against
    math.erf, on the real counts: z-test, its p-value and the SRM p-value."""
    rows = results(warehouse)
    for experiment_id in {e for e, _ in rows}:
        c, t = rows[(experiment_id, "control")], rows[(experiment_id, "treatment")]
        n_c, n_t = c["assigned_visitors"], t["assigned_visitors"]
        x_c, x_t = c["converted_visitors"], t["converted_visitors"]
        pooled = (x_c + x_t) / (n_c + n_t)
        z = (x_t / n_t - x_c / n_c) / math.sqrt(pooled * (1 - pooled) * (1 / n_c + 1 / n_t))
        assert t["conversion_z_score"] == pytest.approx(z, abs=STATISTIC_TOLERANCE)
        assert t["conversion_p_value"] == pytest.approx(2 * (1 - phi(abs(z))), abs=STATISTIC_TOLERANCE)
        expected = (n_c + n_t) / 2
        chi = ((n_c - expected) ** 2 + (n_t - expected) ** 2) / expected
        assert t["srm_chi_square"] == pytest.approx(chi, abs=STATISTIC_TOLERANCE)
        assert t["srm_p_value"] == pytest.approx(2 * (1 - phi(math.sqrt(chi))), abs=STATISTIC_TOLERANCE)
