"""The business clock: ``Calendar`` maps business time, stretched by weekly and
yearly seasonality, growth and promotion peaks, to epoch seconds."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np

from scripts.generate.arrays import searchsorted_right
from scripts.generate.constants import DAY, HOUR, Arr
from scripts.generate.params import HOUR_PROFILE, PEAK_MULTIPLIER, PEAK_NAMES, WEEKDAY_FACTOR


def peak_windows(start: dt.date, end: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """Promotion peaks overlapping [start, end]: Singles' Day (11-11), Black
    Friday to Cyber Monday and year end (Dec 15-31).

    Black Friday is the day after US Thanksgiving (the 4th Thursday of
    November), which is the 4th Friday except when November starts on a Friday
    (e.g. 2024: Thanksgiving Nov 28, Black Friday Nov 29)."""
    out = []
    for year in range(start.year, end.year + 1):
        nov1 = dt.date(year, 11, 1)
        thanksgiving = nov1 + dt.timedelta(days=(3 - nov1.weekday()) % 7 + 21)
        black_friday = thanksgiving + dt.timedelta(days=1)
        for name, a, b in (
            ("singles_day", dt.date(year, 11, 11), dt.date(year, 11, 11)),
            ("black_friday_cyber_monday", black_friday, black_friday + dt.timedelta(days=3)),
            ("year_end", dt.date(year, 12, 15), dt.date(year, 12, 31)),
        ):
            if a <= end and b >= start:
                out.append((name, a, b))
    return out


@dataclasses.dataclass(frozen=True)
class Calendar:
    """Maps "business time" u (in average days since start) to epoch seconds.

    Day d of the period lasts weight[d] units of u (weights have mean 1), and
    within a day the hour profile stretches busy hours, so any process drawn
    uniformly in u follows the weekly, yearly, growth and peak shapes.
    """

    start: dt.date
    end: dt.date
    n_days: int
    epoch0: int
    now: int
    weight: Arr
    cum: Arr
    hour_cdf: Arr
    peak_code: Arr
    peaks: tuple[tuple[str, dt.date, dt.date], ...]

    @classmethod
    def build(cls, start: dt.date, end: dt.date) -> Calendar:
        n = (end - start).days + 1
        epoch_day0 = (start - dt.date(1970, 1, 1)).days
        days = np.arange(n)
        d64 = np.datetime64(start, "D") + days
        doy = (d64 - d64.astype("datetime64[Y]").astype("datetime64[D]")).astype(np.int64)
        weekday = (epoch_day0 + days + 3) % 7
        peaks = peak_windows(start, end)
        peak_code = np.full(n, -1, dtype=np.int64)
        mult = np.ones(n)
        for name, a, b in peaks:
            lo, hi = max(0, (a - start).days), min(n - 1, (b - start).days)
            k = PEAK_NAMES.index(name)
            peak_code[lo : hi + 1] = k
            mult[lo : hi + 1] = PEAK_MULTIPLIER[k]
        w = (
            WEEKDAY_FACTOR[weekday]
            * (1 + 0.12 * np.cos(2 * np.pi * (doy - 340) / 365.25))
            * (1 + 0.25 * days / 365.25)
            * mult
        )
        w = w * n / w.sum()
        cum = np.concatenate([[0.0], np.cumsum(w)])
        cum[-1] = float(n)
        hour_cdf = np.concatenate([[0.0], np.cumsum(HOUR_PROFILE) / HOUR_PROFILE.sum()])
        epoch0 = epoch_day0 * DAY
        return cls(start, end, n, epoch0, epoch0 + n * DAY, w, cum, hour_cdf, peak_code, tuple(peaks))

    def to_epoch(self, u: Arr) -> Arr:
        """Business time -> epoch seconds (u < 0: plain days before the start)."""
        u = np.asarray(u, dtype=float)
        day = np.clip(searchsorted_right(self.cum, u) - 1, 0, self.n_days - 1)
        frac = np.clip((u - self.cum[day]) / self.weight[day], 0.0, 1.0 - 1e-9)
        sec = np.interp(frac, self.hour_cdf, np.arange(25) * float(HOUR))
        t = self.epoch0 + day * DAY + sec.astype(np.int64)
        before = u < 0
        t[before] = self.epoch0 + np.floor(u[before] * DAY).astype(np.int64)
        return np.minimum(t, self.now - 1)

    def to_u(self, t: Arr) -> Arr:
        """Epoch seconds -> business time (inverse of ``to_epoch``)."""
        t = np.asarray(t, dtype=np.int64)
        rel = t - self.epoch0
        day = np.clip(rel // DAY, 0, self.n_days - 1)
        frac = np.interp(rel - day * DAY, np.arange(25) * float(HOUR), self.hour_cdf)
        u = self.cum[day] + frac * self.weight[day]
        return np.where(rel < 0, rel / DAY, u)

    def day_of(self, t: Arr) -> Arr:
        return (np.asarray(t, dtype=np.int64) - self.epoch0) // DAY
