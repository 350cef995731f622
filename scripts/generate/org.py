"""Organisation: headcount per month and team."""

from __future__ import annotations

import datetime as dt

import numpy as np

from scripts.generate.business_clock import Calendar
from scripts.generate.constants import Arr
from scripts.generate.params import TEAMS


def month_starts(cal: Calendar) -> list[dt.date]:
    out, d = [], cal.start.replace(day=1)
    while d <= cal.end:
        out.append(d)
        d = (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def gen_headcount(
    rng: np.random.Generator,
    cal: Calendar,
    months: list[dt.date],
    orders_per_month: Arr,
    tickets_per_month: Arr,
    scale: float,
) -> Arr:
    """FTE (in tenths) per month and team, following volume where it should."""
    n = len(months)
    ops = 2 + orders_per_month / 900.0
    cs = 1 + tickets_per_month / 280.0
    mkt = np.full(n, 2 + 3 * min(scale, 10.0)) + np.arange(n) * 0.05
    eng = np.full(n, 4 + 4 * min(scale, 10.0) ** 0.5)
    fin = np.full(n, 1 + min(scale, 10.0) ** 0.5)
    fte = np.stack([ops, cs, mkt, eng, fin], axis=1) * rng.uniform(0.95, 1.05, (n, len(TEAMS)))
    return np.maximum(5, np.round(fte * 2) * 5).astype(np.int64)  # half-FTE steps
