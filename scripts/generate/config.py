"""What a run is asked for (``Config``) and what it produces (``Generated``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa


@dataclasses.dataclass(frozen=True)
class Config:
    out: Path
    scale: float = 1.0
    seed: int = 42
    start: dt.date = dt.date(2024, 1, 1)
    end: dt.date = dt.date(2025, 12, 31)
    fmt: str = "csv"


@dataclasses.dataclass
class Generated:
    tables: dict[str, pa.Table]
    truth: dict[str, pa.Table]  # generator-side facts used to compute realized KPIs
    planted: dict[str, Any]
    experiments: list[dict[str, Any]]
    arrays: dict[str, Any]  # generator arrays behind the tables (traffic KPIs)
