"""A/B experiments: 50/50 assignment and the planted effect on purchases."""

from __future__ import annotations

from typing import Any

import numpy as np

from scripts.generate.arrays import concat_frames
from scripts.generate.business_clock import Calendar
from scripts.generate.constants import DAY, KIND_PURCHASE, Arr, Frame
from scripts.generate.params import EXPERIMENTS


def run_experiments(
    rng: np.random.Generator, cal: Calendar, sess: Frame
) -> tuple[Frame, Arr, list[dict[str, Any]]]:
    """Assign visitors 50/50 at their first session in each window and apply the
    planted effect: in control, 1 - 1/lift of the purchases do not happen.

    Returns (assignments, mask of purchase sessions turned into abandoned
    checkouts, experiment definitions)."""
    frames, defs = [], []
    abandon = np.zeros(len(sess["kind"]), dtype=bool)
    for e, (exp_id, f0, f1, lift) in enumerate(EXPERIMENTS):
        ws = cal.epoch0 + round(f0 * cal.n_days) * DAY
        we = cal.epoch0 + round(f1 * cal.n_days) * DAY
        defs.append({"experiment_id": exp_id, "start_at": ws, "end_at": we, "lift": lift})
        in_win = np.flatnonzero((sess["start"] >= ws) & (sess["start"] < we))
        order = in_win[np.lexsort((sess["start"][in_win], sess["anon"][in_win]))]
        vis, first = np.unique(sess["anon"][order], return_index=True)
        first_start = sess["start"][order][first]
        assigned = np.maximum(ws, first_start - rng.integers(1, 60, len(vis)))
        treat = rng.random(len(vis)) < 0.5
        frames.append({"exp": np.full(len(vis), e), "anon": vis, "treat": treat, "at": assigned})
        if lift != 1.0:
            pos = np.searchsorted(vis, sess["anon"][in_win])
            hit = (sess["kind"][in_win] == KIND_PURCHASE) & ~treat[pos]
            hit &= rng.random(len(in_win)) < 1.0 - 1.0 / lift
            abandon[in_win[hit]] = True
    return concat_frames(frames), abandon, defs
