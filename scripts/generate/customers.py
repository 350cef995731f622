"""Customers: country and city, acquisition channel, sign-up time, test accounts, devices."""

from __future__ import annotations

import numpy as np

from scripts.generate.arrays import cumsum0, pick, subset
from scripts.generate.business_clock import Calendar
from scripts.generate.constants import Frame
from scripts.generate.params import (
    ACQUISITION_MIX,
    ACQUISITION_TEXT,
    CHANNEL_GROUPS,
    CITIES,
    COUNTRIES,
    COUNTRY_P,
    Params,
)


def gen_customers(rng: np.random.Generator, cal: Calendar, n: int, p: Params) -> Frame:
    country = pick(rng, COUNTRY_P, n)
    n_city = np.array([len(CITIES[c]) for c in COUNTRIES])
    city_start = cumsum0(n_city)[:-1]
    city = city_start[country] + (rng.random(n) * n_city[country]).astype(np.int64)
    group = pick(rng, [ACQUISITION_MIX[g] for g in CHANNEL_GROUPS], n)
    n_text = np.array([len(ACQUISITION_TEXT[g]) for g in CHANNEL_GROUPS])
    text = cumsum0(n_text)[:-1][group] + (rng.random(n) * n_text[group]).astype(np.int64)
    before = rng.random(n) < p.signup_before_start_share
    u = np.where(before, -rng.uniform(0.01, 365.0, n), rng.uniform(0.0, cal.n_days, n))
    signup_at = cal.to_epoch(u)
    age = np.clip(np.round(rng.normal(37, 12, n)), 16, 85).astype(np.int64)
    birth_year = np.where(rng.random(n) < 0.04, -1, cal.end.year - age)
    is_test = np.zeros(n, dtype=bool)
    n_test = max(2, round(p.test_account_share * n))
    is_test[rng.choice(n, size=n_test, replace=False)] = True
    frame = {
        "country": country,
        "city": city,
        "region_missing": rng.random(n) < 0.03,
        "gender": pick(rng, (0.48, 0.46, 0.06), n),
        "birth_year": birth_year,
        "group": group,
        "text": text,
        "signup_at": signup_at,
        "is_test": is_test,
        "n_anon": 1 + pick(rng, (0.55, 0.30, 0.15), n),
    }
    # Customer numbers follow signup order.
    frame = subset(frame, np.argsort(signup_at, kind="stable"))
    frame["u_signup"] = cal.to_u(frame["signup_at"])
    frame["anon_start"] = cumsum0(frame["n_anon"])[:-1]
    return frame
