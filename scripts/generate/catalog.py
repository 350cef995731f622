"""The product catalogue."""

from __future__ import annotations

import numpy as np

from scripts.generate.arrays import lognormal, pick
from scripts.generate.business_clock import Calendar
from scripts.generate.constants import DAY, Frame
from scripts.generate.params import ADJECTIVES, BASE_RATE_TO_USD, BRANDS, CATEGORIES, CURRENCIES


def gen_products(rng: np.random.Generator, n: int, cal: Calendar) -> Frame:
    cat = pick(rng, [c[2] for c in CATEGORIES], n)
    median = np.array([c[1] for c in CATEGORIES])[cat]
    dollars = np.maximum(3, np.floor(lognormal(rng, median, 0.45, n))).astype(np.int64)
    list_cents = dollars * 100 - 1  # x.99 pricing
    cost = np.round(list_cents * rng.uniform(0.35, 0.62, n)).astype(np.int64)
    price = np.empty((n, len(CURRENCIES)), dtype=np.int64)
    for k, cur in enumerate(CURRENCIES):
        local = np.maximum(1, np.round(list_cents / BASE_RATE_TO_USD[cur] / 100.0))
        price[:, k] = local.astype(np.int64) * 100 - 1
    weight_g = np.maximum(
        50, np.round(lognormal(rng, np.array([c[3] for c in CATEGORIES])[cat], 0.5, n) * 1000)
    ).astype(np.int64)
    popularity = 1.0 / (np.arange(n) + 3.0) ** 1.0
    popularity = rng.permutation(popularity)
    return {
        "category": cat,
        "brand": rng.integers(0, len(BRANDS), n),
        "adjective": rng.integers(0, len(ADJECTIVES), n),
        "noun": rng.integers(0, 4, n),
        "list_cents": list_cents,
        "cost_cents": cost,
        "price": price,
        "weight_g": weight_g,
        "created_at": cal.epoch0 - rng.integers(30 * DAY, 900 * DAY, n),
        "active": rng.random(n) < 0.95,
        "popularity": popularity / popularity.sum(),
    }
