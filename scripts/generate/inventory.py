"""Inventory snapshots under a reorder-point policy driven by the real sales."""

from __future__ import annotations

import numpy as np

from scripts.generate.business_clock import Calendar
from scripts.generate.constants import Arr, Frame
from scripts.generate.params import COUNTRIES, INVENTORY_COVER_DAYS


def gen_inventory(rng: np.random.Generator, cal: Calendar, orders: Frame, lines: Frame, n_prod: int) -> Arr:
    """End-of-day stock per (day, product, warehouse) under a reorder-point
    policy driven by the real sales; a low reorder point means stockouts."""
    wh_of_order = 1 - np.isin(np.array(COUNTRIES)[orders["country"]], ("US", "CA", "CN")).astype(np.int64)
    lo = lines["order"]
    day = cal.day_of(orders["t"])[lo]
    series = lines["product"] * 2 + wh_of_order[lo]
    ns = n_prod * 2
    demand = (
        np.bincount(day * ns + series, weights=lines["qty"], minlength=cal.n_days * ns)
        .reshape(cal.n_days, ns)
        .round()
        .astype(np.int64)
    )
    mu = demand.sum(axis=0) / cal.n_days + 0.05
    # Reorder point in days of cover; below the lead time of 3-10 days it runs out.
    cover = rng.uniform(INVENTORY_COVER_DAYS[0], INVENTORY_COVER_DAYS[1], ns)
    reorder = np.ceil(mu * cover).astype(np.int64)
    qty = np.ceil(mu * rng.uniform(20, 40, ns)).astype(np.int64) + 3
    stock = reorder + qty // 2
    arrival = np.full(ns, -1, dtype=np.int64)
    lead = rng.integers(3, 11, (cal.n_days, ns))
    out = np.empty((cal.n_days, ns), dtype=np.int64)
    for d in range(cal.n_days):
        arrived = arrival == d
        stock = stock + np.where(arrived, qty, 0)
        arrival = np.where(arrived, -1, arrival)
        stock = np.maximum(stock - demand[d], 0)
        order_now = (stock <= reorder) & (arrival < 0)
        arrival = np.where(order_now, d + lead[d], arrival)
        out[d] = stock
    return out
