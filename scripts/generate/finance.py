"""Exchange rates."""

from __future__ import annotations

import numpy as np

from scripts.generate.business_clock import Calendar
from scripts.generate.constants import Arr
from scripts.generate.params import BASE_RATE_TO_USD, CURRENCIES


def gen_fx(rng: np.random.Generator, cal: Calendar) -> Arr:
    """Daily USD value of one unit of each currency (mean-reverting walk)."""
    rates = np.ones((cal.n_days, len(CURRENCIES)))
    shocks = rng.normal(0.0, 0.004, (cal.n_days, len(CURRENCIES)))
    x = np.zeros(len(CURRENCIES))
    for d in range(cal.n_days):
        x = 0.98 * x + shocks[d]
        rates[d] = np.array([BASE_RATE_TO_USD[c] for c in CURRENCIES]) * np.exp(x)
    rates[:, CURRENCIES.index("USD")] = 1.0
    return np.round(rates * 1e6).astype(np.int64)
