"""Sessions and web events: candidate sessions of every kind, their events in
funnel order with dwell and load times, and devices kept apart by the session timeout."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from scripts.generate.arrays import (
    concat_frames,
    cumsum0,
    lognormal32,
    pick,
    pick_sorted,
    poisson,
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
    N_SLOTS,
    SESSION_TIMEOUT_S,
    SLOT_ATC,
    SLOT_BC,
    SLOT_LANDING,
    SLOT_LOGIN,
    SLOT_PAGE,
    SLOT_PURCHASE,
    SLOT_PV,
    SLOT_RM,
    SLOT_SEARCH,
    Arr,
    Frame,
)
from scripts.generate.experiments import run_experiments
from scripts.generate.params import (
    _G,
    BOUNCE,
    CHANNEL_GROUPS,
    CONVERSION,
    COUNTRY_P,
    DEVICE_P,
    PAGE_LOAD_MEDIAN_MS,
    SLOT_GAP_MEDIAN_S,
    Params,
)


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
    n_c = len(cust["group"])
    frames: list[Frame] = []

    def frame(kind: int, a: Arr, c: Arr, login: Arr, group: Arr, order: Arr, anchor: Arr) -> Frame:
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

    # Purchase sessions: one per web/app order, always logged in.
    on = np.flatnonzero(orders["anon"] >= 0)
    k = len(on)
    login = np.where(rng.random(k) < 0.55, LOGIN_REMEMBERED, LOGIN_EVENT)
    frames.append(
        frame(
            KIND_PURCHASE,
            orders["anon"][on],
            orders["cust"][on],
            login,
            orders["group"][on],
            on,
            orders["t"][on],
        )
    )
    # Sign-up sessions on the customer's first device.
    su = np.flatnonzero(cust["signup_at"] >= cal.epoch0 + 10 * 60)
    frames.append(
        frame(
            KIND_SIGNUP,
            cust["anon_start"][su],
            su,
            np.full(len(su), LOGIN_SIGNUP),
            cust["group"][su],
            np.full(len(su), -1),
            cust["signup_at"][su],
        )
    )
    # Shared devices: a second customer logs in on someone's first device.
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
    frames.append(
        frame(
            KIND_CONFLICT,
            cust["anon_start"][owner],
            other,
            np.full(len(owner), LOGIN_EVENT),
            np.full(len(owner), _G["direct"]),
            np.full(len(owner), -1),
            t_conf,
        )
    )
    # Browsing sessions: enough per channel group to give the planted conversion.
    n_purchase = np.bincount(frames[0]["group"], minlength=len(CHANNEL_GROUPS))
    n_fixed = np.bincount(
        np.concatenate([frames[1]["group"], frames[2]["group"]]), minlength=len(CHANNEL_GROUPS)
    )
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
    frames.append(frame(KIND_BROWSE, b_anon, b_cust, b_login, group, np.full(nb, -1), b_t))
    return concat_frames(frames), concat_frames([anon, visitors])


def build_session_events(
    rng: np.random.Generator, sess: Frame, anon: Frame, orders: Frame, lines: Frame, prod: Frame, p: Params
) -> Frame:
    """Expand sessions to events (canonical funnel order) and time them.

    Sets sess["start"], sess["end"] and sess["n_ev"]; returns the event frame
    (events of a session together, sessions in the order given). Event arrays
    use the narrowest type that fits: there are millions of them."""
    ns = len(sess["kind"])
    kind, group = sess["kind"], sess["group"]
    purchase = kind == KIND_PURCHASE
    nlines = np.where(purchase, orders["nlines"][np.maximum(sess["order"], 0)], 0)
    r = rng.random((ns, 8), dtype=np.float32)
    bounce = (kind == KIND_BROWSE) & (r[:, 0] < np.array([BOUNCE[g] for g in CHANNEL_GROUPS])[group])
    sess["login"] = np.where(bounce & (sess["login"] == LOGIN_EVENT), LOGIN_REMEMBERED, sess["login"])
    browse = ((kind == KIND_BROWSE) | (kind == KIND_CONFLICT)) & ~bounce
    # Events per slot (a few at most, int8), a row per session.
    counts = np.zeros((ns, N_SLOTS), dtype=np.int8)
    counts[:, SLOT_LANDING] = 1
    counts[:, SLOT_LOGIN] = (sess["login"] == LOGIN_EVENT) | (sess["login"] == LOGIN_SIGNUP)
    xpv = poisson(rng, 0.8, ns)
    counts[:, SLOT_PAGE] = np.where(browse | purchase, xpv, np.where(kind == KIND_SIGNUP, xpv // 2, 0))
    counts[:, SLOT_SEARCH] = (browse & (r[:, 1] < 0.28)) | (purchase & (r[:, 1] < 0.30))
    pv_extra = poisson(rng, 1.5, ns)
    n_pv = np.where(browse, (r[:, 2] < 0.70) * (1 + pv_extra), 0)
    n_pv = np.where(purchase, nlines + pv_extra // 2, n_pv)
    n_pv = np.where(kind == KIND_SIGNUP, pv_extra // 2, n_pv)
    counts[:, SLOT_PV] = n_pv
    atc = browse & (n_pv > 0) & (r[:, 3] < 0.30)
    rm = (atc & (r[:, 4] < 0.15)) | (purchase & (r[:, 4] < 0.08))
    counts[:, SLOT_ATC] = np.where(purchase, nlines + rm, atc * (1 + (r[:, 5] < 0.12)))
    counts[:, SLOT_RM] = rm
    counts[:, SLOT_BC] = purchase | (atc & (r[:, 6] < 0.42))
    counts[:, SLOT_PURCHASE] = purchase
    del r
    n_ev = counts.sum(axis=1, dtype=np.int32)
    # A browsing session that is not a bounce has at least two events.
    lonely = browse & (n_ev == 1)
    counts[lonely, SLOT_PAGE] = 1
    n_ev[lonely] = 2

    off = cumsum0(n_ev)
    ne = int(off[-1])
    sess_first = off[:-1].astype(np.int32)  # first event of each session
    ev_sess = np.repeat(np.arange(ns, dtype=np.int32), n_ev)
    flat = counts.ravel()
    filled = np.flatnonzero(flat)  # (session, slot) pairs with events, in order
    slot = np.repeat((filled % N_SLOTS).astype(np.int8), flat[filled])
    slot_off = np.cumsum(counts, axis=1, dtype=np.int16) - counts  # first event of each slot in its session
    pos = np.arange(ne, dtype=np.int32) - sess_first[ev_sess]
    k_in_slot = pos - slot_off.ravel()[ev_sess.astype(np.int64) * N_SLOTS + slot]
    s_purchase = purchase[ev_sess]

    # Products: bought lines first in purchase sessions, popular products otherwise.
    line_off = cumsum0(orders["nlines"])
    product = np.full(ne, -1, dtype=np.int32)
    is_pv, is_atc = slot == SLOT_PV, slot == SLOT_ATC
    sess_line = line_off[np.maximum(sess["order"], 0)]
    in_order = s_purchase & (k_in_slot < nlines[ev_sess])
    bought_pv = is_pv & in_order
    i = np.flatnonzero(bought_pv)
    product[i] = lines["product"][sess_line[ev_sess[i]] + k_in_slot[i]]
    other_pv = is_pv & ~bought_pv
    product[other_pv] = pick(rng, prod["popularity"], int(other_pv.sum()))
    i = np.flatnonzero(is_atc & in_order)
    product[i] = lines["product"][sess_line[ev_sess[i]] + k_in_slot[i]]
    # Other carts take one of the session's viewed products, removals the last cart.
    i = np.flatnonzero(is_atc & ~in_order)
    es = ev_sess[i]
    product[i] = product[sess_first[es] + slot_off[es, SLOT_PV] + k_in_slot[i] % np.maximum(n_pv[es], 1)]
    i = np.flatnonzero(slot == SLOT_RM)
    es = ev_sess[i]
    product[i] = product[sess_first[es] + slot_off[es, SLOT_ATC] + counts[es, SLOT_ATC] - 1]
    del in_order, is_atc, k_in_slot, s_purchase

    # Dwell (engaged ms, capped at 20 minutes) on pages and page load times.
    cap = np.float32(1_200_000)
    dwell = np.full(ne, -1, dtype=np.int32)
    page = (slot == SLOT_LANDING) | (slot == SLOT_PAGE)
    dwell[page] = np.minimum(lognormal32(rng, 18_000.0, 1.0, int(page.sum())), cap)
    dwell[bought_pv] = np.minimum(
        lognormal32(rng, p.dwell_bought_median_s * 1000, p.dwell_bought_sigma, int(bought_pv.sum())), cap
    )
    dwell[other_pv] = np.minimum(
        lognormal32(rng, p.dwell_other_median_s * 1000, p.dwell_other_sigma, int(other_pv.sum())), cap
    )
    search = slot == SLOT_SEARCH
    dwell[search] = np.minimum(lognormal32(rng, 9_000.0, 0.7, int(search.sum())), cap)
    i = np.flatnonzero(page | is_pv | search | (slot == SLOT_BC) | (slot == SLOT_PURCHASE))
    del page, is_pv, search, bought_pv, other_pv
    device = anon["device"].astype(np.int8)[sess["anon"]]
    load = np.full(ne, -1, dtype=np.int32)
    median = np.array(PAGE_LOAD_MEDIAN_MS, dtype=np.float32)[device[ev_sess[i]]]
    load[i] = np.rint(lognormal32(rng, 1.0, 0.55, len(i)) * median)
    # Time to the next event (s): dwell plus load, or a typical pause per event
    # type (a longer one to fill in the sign-up form), plus a little jitter.
    gap = (np.maximum(dwell, 0) + np.maximum(load, 0)).astype(np.float32)
    gap *= np.float32(1e-3)
    i = np.flatnonzero(dwell < 0)
    gap[i] = SLOT_GAP_MEDIAN_S.astype(np.float32)[slot[i]] * lognormal32(rng, 1.0, 0.5, len(i))
    i = (sess_first + slot_off[:, SLOT_LOGIN])[(kind == KIND_SIGNUP) & (counts[:, SLOT_LOGIN] > 0)]
    gap[i] = lognormal32(rng, 45.0, 0.5, len(i))
    jitter = rng.standard_exponential(ne, dtype=np.float32)
    jitter *= np.float32(2.0)
    gap += jitter
    del jitter
    gap = np.clip(np.ceil(gap), 1, 1_500).astype(np.int32)
    # Offset of each event from its session's first one.
    cum = np.cumsum(gap, dtype=np.int64) - gap
    ev_off = (cum - cum[off[:-1]][ev_sess]).astype(np.int32)
    del gap, cum
    duration = ev_off[off[1:] - 1].astype(np.int64)
    start = np.where(
        purchase,
        sess["anchor"] - duration,
        np.where(
            kind == KIND_SIGNUP, sess["anchor"] - ev_off[np.minimum(off[:-1] + 1, ne - 1)], sess["anchor"]
        ),
    )
    t = start[ev_sess] + ev_off
    # A few sessions add to cart before their first product view.
    swap = (n_pv >= 1) & (counts[:, SLOT_ATC] == 1) & (rng.random(ns) < p.out_of_order_share)
    i_pv = (off[:-1] + slot_off[:, SLOT_PV])[swap]
    i_atc = (off[:-1] + slot_off[:, SLOT_ATC])[swap]
    t[i_pv], t[i_atc] = t[i_atc].copy(), t[i_pv].copy()
    sess["start"], sess["end"] = start, start + duration
    sess["out_of_order"] = swap
    sess["n_pv"] = n_pv
    sess["n_ev"] = n_ev
    return {
        "sess": ev_sess,
        "slot": slot,
        "pos": pos,
        "t": t,
        "product": product,
        "dwell": dwell,
        "load": load,
    }


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
