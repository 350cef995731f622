"""Sessions and web events: candidate sessions of every kind, their events in
funnel order with dwell and load times, and devices kept apart by the session timeout."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from scripts.generate.arrays import (
    concat_frames,
    pick,
    pick_sorted,
    sort_by,
    stable_argsort,
    subset,
)
from scripts.generate.business_clock import Calendar
from scripts.generate.constants import (
    KIND_ABANDONED,
    KIND_BROWSE,
    KIND_CONFLICT,
    KIND_PURCHASE,
    KIND_SIGNUP,
    LOGIN_EVENT,
    LOGIN_NONE,
    LOGIN_REMEMBERED,
    LOGIN_SIGNUP,
    SESSION_TIMEOUT_S,
    Arr,
    Frame,
)
from scripts.generate.experiments import run_experiments
from scripts.generate.params import (
    _G,
    CHANNEL_GROUPS,
    CONVERSION,
    COUNTRY_P,
    DEVICE_P,
    Params,
)
from scripts.generate.session_events import build_session_events


def visitor_sessions(
    rng: np.random.Generator, cal: Calendar, n: int, first_visitor: int, p: Params
) -> tuple[Arr, Arr, Frame]:
    """n browsing sessions of anonymous visitors who never sign up (heavy-tailed
    visit counts): their anonymous ids, start times, and the visitors."""
    n_vis = max(1, round(n / p.sessions_per_anonymous_visitor))
    a_vis = first_visitor + pick_sorted(rng, rng.lognormal(0.0, 1.0, n_vis), n)
    t_vb = cal.to_epoch(rng.uniform(0.0, cal.n_days, n))
    visitors = {
        "cust": np.full(n_vis, -1, dtype=np.int64),
        "device": pick(rng, DEVICE_P, n_vis),
        "country": pick(rng, COUNTRY_P, n_vis),
    }
    return a_vis, t_vb, visitors


def _session_frame(kind: int, a: Arr, c: Arr, login: Arr, group: Arr, order: Arr, anchor: Arr) -> Frame:
    """Candidate sessions of one kind, in the narrow types the simulation keeps."""
    k = len(a)
    return {
        "kind": np.full(k, kind, dtype=np.int8),
        "anon": a.astype(np.int32),
        "cust": c.astype(np.int32),
        "login": login.astype(np.int8),
        "group": group.astype(np.int8),
        "order": order.astype(np.int32),
        "anchor": anchor.astype(np.int64),
    }


def plan_sessions(
    rng: np.random.Generator,
    cal: Calendar,
    cust: Frame,
    anon: Frame,
    orders: Frame,
    p: Params,
    pool: ThreadPoolExecutor,
) -> tuple[Frame, Frame]:
    """Candidate sessions of every kind; returns (sessions, anon ids incl. visitors)."""
    # Purchase sessions: one per web/app order, always logged in.
    on = np.flatnonzero(orders["anon"] >= 0)
    login = np.where(rng.random(len(on)) < 0.55, LOGIN_REMEMBERED, LOGIN_EVENT)
    purchases = _session_frame(
        KIND_PURCHASE, orders["anon"][on], orders["cust"][on], login, orders["group"][on], on, orders["t"][on]
    )
    # Sign-up sessions on the customer's first device.
    su = np.flatnonzero(cust["signup_at"] >= cal.epoch0 + 10 * 60)
    signups = _session_frame(
        KIND_SIGNUP,
        cust["anon_start"][su],
        su,
        np.full(len(su), LOGIN_SIGNUP),
        cust["group"][su],
        np.full(len(su), -1),
        cust["signup_at"][su],
    )
    conflicts = _shared_device_sessions(rng, cal, cust, anon, p)
    browse, visitors = _browsing_sessions(
        rng, cal, cust, anon, orders, purchases, [signups, conflicts], p, pool
    )
    return concat_frames([purchases, signups, conflicts, browse]), concat_frames([anon, visitors])


def _shared_device_sessions(
    rng: np.random.Generator, cal: Calendar, cust: Frame, anon: Frame, p: Params
) -> Frame:
    """Shared devices: a second customer logs in on someone's first device."""
    eligible = np.flatnonzero(
        ~cust["is_test"] & (cust["signup_at"] >= cal.epoch0) & (cust["u_signup"] < cal.n_days - 3)
    )
    n_conf = min(len(eligible), max(2, round(p.stitching_conflict_share * len(anon["cust"]))))
    owner = rng.choice(eligible, size=n_conf, replace=False) if n_conf else eligible[:0]
    t_conf = cal.to_epoch(rng.uniform(cust["u_signup"][owner] + 1.0, cal.n_days - 0.5))
    nontest = np.flatnonzero(~cust["is_test"])
    n_before = np.searchsorted(cust["signup_at"][nontest], t_conf)
    j = (rng.random(n_conf) * np.maximum(n_before, 1)).astype(np.int64)
    other = nontest[np.minimum(j, len(nontest) - 1)]
    clash = other == owner
    other = np.where(clash, nontest[np.minimum((j + 1) % np.maximum(n_before, 1), len(nontest) - 1)], other)
    ok = (n_before >= 2) & (other != owner)
    owner, other, t_conf = owner[ok], other[ok], t_conf[ok]
    return _session_frame(
        KIND_CONFLICT,
        cust["anon_start"][owner],
        other,
        np.full(len(owner), LOGIN_EVENT),
        np.full(len(owner), _G["direct"]),
        np.full(len(owner), -1),
        t_conf,
    )


def _browsing_sessions(
    rng: np.random.Generator,
    cal: Calendar,
    cust: Frame,
    anon: Frame,
    orders: Frame,
    purchases: Frame,
    fixed: list[Frame],
    p: Params,
    pool: ThreadPoolExecutor,
) -> tuple[Frame, Frame]:
    """Browsing sessions: enough per channel group to give the planted
    conversion (``fixed``: the other non-purchase sessions, which count too),
    of customers and of anonymous visitors. Returns (sessions, visitors)."""
    n_c = len(cust["group"])
    n_purchase = np.bincount(purchases["group"], minlength=len(CHANNEL_GROUPS))
    n_fixed = np.bincount(np.concatenate([f["group"] for f in fixed]), minlength=len(CHANNEL_GROUPS))
    conv = np.array([CONVERSION[g] for g in CHANNEL_GROUPS])
    n_browse = np.maximum(0, rng.poisson(n_purchase * (1 - conv) / conv) - n_fixed)
    group = np.repeat(np.arange(len(CHANNEL_GROUPS), dtype=np.int8), n_browse)
    nb = len(group)
    rng.shuffle(group)
    by_customer = rng.random(nb) < p.customer_session_share
    n_cb = int(by_customer.sum())
    # Anonymous visitors' sessions on a thread (their own random stream)
    # while the customers' are drawn here.
    visits = pool.submit(visitor_sessions, rng.spawn(1)[0], cal, nb - n_cb, len(anon["cust"]), p)
    # Customer-owned browsing: more for customers who buy more.
    n_orders = np.bincount(orders["cust"][orders["cust"] >= 0], minlength=n_c)
    w_anon = ((1.0 + n_orders) / cust["n_anon"])[anon["cust"]]
    # The order of these draws does not matter (groups are shuffled, times
    # independent), so sorted draws, much faster over many anonymous ids.
    a_cust = pick_sorted(rng, w_anon, n_cb)
    c_of = anon["cust"][a_cust]
    lo = np.maximum(0.0, cust["u_signup"][c_of] - 30.0)
    t_cb = cal.to_epoch(lo + rng.random(n_cb) * (cal.n_days - lo))
    logged = (t_cb > cust["signup_at"][c_of] + 60) & (rng.random(n_cb) < p.login_share)
    login_cb = np.where(logged, np.where(rng.random(n_cb) < 0.6, LOGIN_REMEMBERED, LOGIN_EVENT), LOGIN_NONE)
    a_vis, t_vb, visitors = visits.result()
    b_anon = np.empty(nb, dtype=np.int64)
    b_cust = np.full(nb, -1, dtype=np.int64)
    b_login = np.full(nb, LOGIN_NONE, dtype=np.int64)
    b_t = np.empty(nb, dtype=np.int64)
    b_anon[by_customer], b_anon[~by_customer] = a_cust, a_vis
    b_cust[by_customer] = np.where(logged, c_of, -1)
    b_login[by_customer] = login_cb
    b_t[by_customer], b_t[~by_customer] = t_cb, t_vb
    browse = _session_frame(KIND_BROWSE, b_anon, b_cust, b_login, group, np.full(nb, -1), b_t)
    return browse, visitors


def simulate_sessions(
    rng_events: np.random.Generator,
    rng_experiments: np.random.Generator,
    cal: Calendar,
    sess: Frame,
    anon: Frame,
    orders: Frame,
    lines: Frame,
    prod: Frame,
    p: Params,
) -> tuple[Frame, Frame, Arr, Frame, list[dict[str, Any]]]:
    """Events, device overlaps and experiments of candidate sessions (a set of
    whole devices). Returns (sessions, events, keep-mask, experiment
    assignments, experiment definitions); abandoned checkouts get their kind."""
    # Roughly in time order (by the time a session is anchored at), the events
    # come out nearly in their final order, which makes moving them cheap.
    sess = subset(sess, stable_argsort(sess["anchor"]))
    ev = build_session_events(rng_events, sess, anon, orders, lines, prod, p)
    keep = resolve_device_overlaps(sess, cal)
    kept_idx = np.flatnonzero(keep)
    assign, abandon, exp_defs = run_experiments(
        rng_experiments, cal, {k: sess[k][kept_idx] for k in ("start", "anon", "kind")}
    )
    sess["kind"][kept_idx[abandon]] = KIND_ABANDONED
    return sess, ev, keep, assign, exp_defs


def resolve_device_overlaps(sess: Frame, cal: Calendar) -> Arr:
    """Keep-mask so that sessions of one device are more than 30 minutes apart.

    On a clash the lower-priority session goes (browse < shared-device login <
    sign-up < purchase); between equals the later one goes."""
    prio = np.array([0, 2, 3, 1, 0])[sess["kind"]]
    keep = (sess["start"] >= cal.epoch0) & (sess["end"] < cal.now)
    # Sorted by device and start once: dropping sessions keeps the rest in order.
    order = sort_by(sess["anon"], sess["start"])
    for _ in range(100):
        order = order[keep[order]]
        a, st, en = sess["anon"][order], sess["start"][order], sess["end"][order]
        clash = np.flatnonzero((a[1:] == a[:-1]) & (st[1:] - en[:-1] <= SESSION_TIMEOUT_S + 60))
        if len(clash) == 0:
            return keep
        prev, nxt = order[clash], order[clash + 1]
        victim = np.where(prio[nxt] > prio[prev], prev, nxt)
        keep[victim] = False
    raise RuntimeError("could not separate overlapping sessions")


def concat_take(parts: Sequence[Arr], idx: Arr) -> Arr:
    return np.concatenate(parts)[idx]
