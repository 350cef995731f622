"""Web events of sessions: each session expanded to events in funnel order
(slots), with products, dwell and page load times, and timed."""

from __future__ import annotations

from typing import Any

import numpy as np

from scripts.generate.arrays import cumsum0, lognormal32, pick, poisson
from scripts.generate.constants import (
    KIND_BROWSE,
    KIND_CONFLICT,
    KIND_PURCHASE,
    KIND_SIGNUP,
    LOGIN_EVENT,
    LOGIN_REMEMBERED,
    LOGIN_SIGNUP,
    N_SLOTS,
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
from scripts.generate.params import BOUNCE, CHANNEL_GROUPS, PAGE_LOAD_MEDIAN_MS, SLOT_GAP_MEDIAN_S, Params


def build_session_events(
    rng: np.random.Generator, sess: Frame, anon: Frame, orders: Frame, lines: Frame, prod: Frame, p: Params
) -> Frame:
    """Expand sessions to events (canonical funnel order) and time them.

    Sets sess["start"], sess["end"] and sess["n_ev"]; returns the event frame
    (events of a session together, sessions in the order given). Event arrays
    use the narrowest type that fits: there are millions of them. The steps
    draw from ``rng`` one after the other, in this order."""
    counts, n_ev, n_pv, nlines = _slot_counts(rng, sess, orders)
    ev = _event_layout(counts, n_ev)
    product, bought_pv, other_pv = _event_products(rng, sess, ev, counts, n_pv, nlines, orders, lines, prod)
    dwell, load = _dwell_and_load(rng, sess, anon, ev, bought_pv, other_pv, p)
    del bought_pv, other_pv
    t = _event_times(rng, sess, ev, counts, n_pv, dwell, load, p)
    sess["n_pv"] = n_pv
    sess["n_ev"] = n_ev
    return {
        "sess": ev["sess"],
        "slot": ev["slot"],
        "pos": ev["pos"],
        "t": t,
        "product": product,
        "dwell": dwell,
        "load": load,
    }


def _slot_counts(rng: np.random.Generator, sess: Frame, orders: Frame) -> tuple[Arr, Arr, Arr, Arr]:
    """Events per slot (a few at most, int8), a row per session: bounces,
    searches, product views, carts, checkouts. Remembered logins of bounced
    sessions are set in sess["login"]. Returns (counts, events per session,
    product views per session, order lines of purchase sessions)."""
    ns = len(sess["kind"])
    kind, group = sess["kind"], sess["group"]
    purchase = kind == KIND_PURCHASE
    nlines = np.where(purchase, orders["nlines"][np.maximum(sess["order"], 0)], 0)
    r = rng.random((ns, 8), dtype=np.float32)
    bounce = (kind == KIND_BROWSE) & (r[:, 0] < np.array([BOUNCE[g] for g in CHANNEL_GROUPS])[group])
    sess["login"] = np.where(bounce & (sess["login"] == LOGIN_EVENT), LOGIN_REMEMBERED, sess["login"])
    browse = ((kind == KIND_BROWSE) | (kind == KIND_CONFLICT)) & ~bounce
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
    return counts, n_ev, n_pv, nlines


def _event_layout(counts: Arr, n_ev: Arr) -> dict[str, Any]:
    """Where each event is: its session, slot, position in the session and
    rank within its slot; the first event of each session and of each slot."""
    ns = len(n_ev)
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
    return {
        "n": ne,
        "off": off,
        "sess_first": sess_first,
        "sess": ev_sess,
        "slot": slot,
        "slot_off": slot_off,
        "pos": pos,
        "k_in_slot": k_in_slot,
    }


def _event_products(
    rng: np.random.Generator,
    sess: Frame,
    ev: dict[str, Any],
    counts: Arr,
    n_pv: Arr,
    nlines: Arr,
    orders: Frame,
    lines: Frame,
    prod: Frame,
) -> tuple[Arr, Arr, Arr]:
    """Products: bought lines first in purchase sessions, popular products
    otherwise. Returns (product per event, views of products then bought,
    other product views)."""
    ev_sess, slot, k_in_slot = ev["sess"], ev["slot"], ev["k_in_slot"]
    sess_first, slot_off = ev["sess_first"], ev["slot_off"]
    s_purchase = (sess["kind"] == KIND_PURCHASE)[ev_sess]
    line_off = cumsum0(orders["nlines"])
    product = np.full(ev["n"], -1, dtype=np.int32)
    is_pv, is_atc = slot == SLOT_PV, slot == SLOT_ATC
    sess_line = line_off[np.maximum(sess["order"], 0)]
    in_order = s_purchase & (k_in_slot < nlines[ev_sess])
    del s_purchase
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
    return product, bought_pv, other_pv


def _dwell_and_load(
    rng: np.random.Generator,
    sess: Frame,
    anon: Frame,
    ev: dict[str, Any],
    bought_pv: Arr,
    other_pv: Arr,
    p: Params,
) -> tuple[Arr, Arr]:
    """Dwell (engaged ms, capped at 20 minutes) on pages and page load times
    (ms, by device); -1 where an event has none."""
    slot, ne = ev["slot"], ev["n"]
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
    i = np.flatnonzero(page | (slot == SLOT_PV) | search | (slot == SLOT_BC) | (slot == SLOT_PURCHASE))
    del page, search
    device = anon["device"].astype(np.int8)[sess["anon"]]
    load = np.full(ne, -1, dtype=np.int32)
    median = np.array(PAGE_LOAD_MEDIAN_MS, dtype=np.float32)[device[ev["sess"][i]]]
    load[i] = np.rint(lognormal32(rng, 1.0, 0.55, len(i)) * median)
    return dwell, load


def _event_times(
    rng: np.random.Generator,
    sess: Frame,
    ev: dict[str, Any],
    counts: Arr,
    n_pv: Arr,
    dwell: Arr,
    load: Arr,
    p: Params,
) -> Arr:
    """Epoch seconds of every event, from the gaps between events, anchored
    at the session's order, sign-up or start; sets sess["start"], sess["end"]
    and sess["out_of_order"] (sessions adding to cart before viewing)."""
    kind, ns, ne = sess["kind"], len(sess["kind"]), ev["n"]
    off, ev_sess, slot, slot_off = ev["off"], ev["sess"], ev["slot"], ev["slot_off"]
    # Time to the next event (s): dwell plus load, or a typical pause per event
    # type (a longer one to fill in the sign-up form), plus a little jitter.
    gap = (np.maximum(dwell, 0) + np.maximum(load, 0)).astype(np.float32)
    gap *= np.float32(1e-3)
    i = np.flatnonzero(dwell < 0)
    gap[i] = SLOT_GAP_MEDIAN_S.astype(np.float32)[slot[i]] * lognormal32(rng, 1.0, 0.5, len(i))
    i = (ev["sess_first"] + slot_off[:, SLOT_LOGIN])[(kind == KIND_SIGNUP) & (counts[:, SLOT_LOGIN] > 0)]
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
        kind == KIND_PURCHASE,
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
    return t
