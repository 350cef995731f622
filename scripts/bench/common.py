"""What the benchmark's run and its report share: labels, the daily build, a measured step."""

from __future__ import annotations

import logging
from dataclasses import dataclass

log = logging.getLogger("benchmark")

INCREMENTAL_LABEL = (
    "`dbt build` without --full-refresh after loading one more daily delivery "
    "(scripts/generate_increment.py: late and changed rows included)"
)
SKIPPED_LABEL = "not run (--no-incremental)"
# What a scheduled production run executes, full refresh or daily: models, seeds,
# snapshots and data tests. Unit tests check the SQL's logic on fixed fixtures,
# not the data; dbt recommends running them in development and CI only, and
# `make test` does (their cost does not grow with the data).
DAILY_BUILD = ["build", "--exclude-resource-type", "unit_test"]


@dataclass
class StepResult:
    """One measured step: wall seconds and the peak resident memory of its process tree."""

    name: str
    seconds: float
    peak_mb: float
