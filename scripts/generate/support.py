"""Reviews, NPS answers and support tickets."""

from __future__ import annotations

import numpy as np

from scripts.generate.arrays import cumsum0, lognormal, pick, subset
from scripts.generate.business_clock import Calendar
from scripts.generate.constants import DAY, HOUR, Frame
from scripts.generate.params import (
    ESCALATION_P,
    FIRST_RESPONSE,
    NPS_P_LATE,
    NPS_P_ON_TIME,
    RATING_P_LATE,
    RATING_P_ON_TIME,
    RESOLUTION_MEDIAN_H,
    TICKET_CHANNEL_P,
    TICKET_CHANNELS,
    Params,
)


def gen_reviews(rng: np.random.Generator, cal: Calendar, orders: Frame, lines: Frame, p: Params) -> Frame:
    no = len(orders["t"])
    late = orders["late"]
    take = (
        orders["delivered"]
        & (orders["cust"] >= 0)
        & (rng.random(no) < np.where(late, p.review_prob_late, p.review_prob_on_time))
    )
    created = orders["delivered_at"] + lognormal(rng, 3 * DAY, 0.8, no).astype(np.int64)
    take &= created < cal.now
    ro = np.flatnonzero(take)
    n = len(ro)
    rating = 1 + np.where(late[ro], pick(rng, RATING_P_LATE, n), pick(rng, RATING_P_ON_TIME, n))
    line = cumsum0(orders["nlines"])[ro] + (rng.random(n) * orders["nlines"][ro]).astype(np.int64)
    neg = rating <= 2
    p_resp = np.where(neg, 0.85, np.where(rating == 3, 0.40, 0.15))
    responded = created[ro] + lognormal(rng, 8 * HOUR, 0.9, n).astype(np.int64)
    has_resp = (rng.random(n) < p_resp) & (responded < cal.now)
    resolved = responded + lognormal(rng, 2 * DAY, 0.7, n).astype(np.int64)
    has_res = has_resp & neg & (rng.random(n) < 0.55) & (resolved < cal.now)
    return {
        "order": ro,
        "product": lines["product"][line],
        "cust": orders["cust"][ro],
        "rating": rating,
        "created": created[ro],
        "responded": responded,
        "has_resp": has_resp,
        "resolved": resolved,
        "has_res": has_res,
        "late": late[ro],
    }


def gen_nps(rng: np.random.Generator, cal: Calendar, orders: Frame, p: Params) -> Frame:
    no = len(orders["t"])
    responded = orders["delivered_at"] + rng.integers(2 * DAY, 10 * DAY, no)
    take = (
        orders["delivered"]
        & (orders["cust"] >= 0)
        & (rng.random(no) < p.nps_response_prob)
        & (responded < cal.now)
    )
    ro = np.flatnonzero(take)
    n = len(ro)
    late = orders["late"][ro]
    score = np.where(late, pick(rng, NPS_P_LATE, n), pick(rng, NPS_P_ON_TIME, n))
    order = np.argsort(responded[ro], kind="stable")
    return {
        "cust": orders["cust"][ro][order],
        "t": responded[ro][order],
        "score": score[order],
        "late": late[order],
    }


def gen_tickets(rng: np.random.Generator, cal: Calendar, orders: Frame, cust: Frame, n_agents: int) -> Frame:
    no = len(orders["t"])
    now = cal.now
    # After-sale contacts on shipped orders; late ones complain more.
    shipped = orders["ships"]
    late = orders["late"]
    p_t = np.where(late, 0.25, 0.05) + 0.25 * (orders["status"] == 5)
    oa = np.flatnonzero(shipped & (rng.random(no) < p_t))
    base = np.where(orders["delivered"][oa], orders["delivered_at"][oa], orders["t"][oa] + DAY)
    t_a = base + lognormal(rng, DAY, 1.0, len(oa)).astype(np.int64)
    cat_a = np.where(
        late[oa],
        pick(rng, (0, 0.30, 0.50, 0.15, 0.05), len(oa)),
        pick(rng, (0, 0.70, 0.12, 0.05, 0.13), len(oa)),
    )
    # Pre-sale questions, some followed by an order within days.
    known = np.flatnonzero(orders["cust"] >= 0)
    ob = known[rng.random(len(known)) < 0.03]
    t_b = orders["t"][ob] - rng.integers(HOUR, 5 * DAY, len(ob))
    ok_b = t_b > cust["signup_at"][orders["cust"][ob]] + 60
    ob, t_b = ob[ok_b], t_b[ok_b]
    n_c = len(cust["group"])
    n_extra = max(1, round(1.2 * len(ob)))
    cc = rng.integers(0, n_c, n_extra)
    lo = np.maximum(0.0, cust["u_signup"][cc] + 0.01)
    t_c = cal.to_epoch(lo + rng.random(n_extra) * np.maximum(cal.n_days - lo, 0.0))
    n_other = max(1, round(0.3 * len(oa)))
    co = rng.integers(0, n_c, n_other)
    lo = np.maximum(0.0, cust["u_signup"][co] + 0.01)
    t_o = cal.to_epoch(lo + rng.random(n_other) * np.maximum(cal.n_days - lo, 0.0))
    tk = {
        "cust": np.concatenate([orders["cust"][oa], orders["cust"][ob], cc, co]),
        "order": np.concatenate([oa, np.full(len(ob) + n_extra + n_other, -1)]),
        "cat": np.concatenate([cat_a, np.zeros(len(ob) + n_extra, dtype=np.int64), np.full(n_other, 4)]),
        "created": np.concatenate([t_a, t_b, t_c, t_o]),
    }
    tk = subset(tk, (tk["created"] < now - 60) & (tk["created"] >= cal.epoch0))
    tk = subset(tk, np.argsort(tk["created"], kind="stable"))
    n = len(tk["cat"])
    cat = tk["cat"]
    ch = pick(rng, TICKET_CHANNEL_P, n)
    med = np.array([FIRST_RESPONSE[c][0] for c in TICKET_CHANNELS])[ch]
    sig = np.array([FIRST_RESPONSE[c][1] for c in TICKET_CHANNELS])[ch]
    first = tk["created"] + np.maximum(1, np.round(rng.lognormal(np.log(med), sig))).astype(np.int64)
    has_first = (rng.random(n) >= 0.03) & (first < now)
    esc = rng.random(n) < np.array(ESCALATION_P)[cat]
    res_h = lognormal(rng, np.array(RESOLUTION_MEDIAN_H)[cat], 1.0, n) * np.where(esc, 2.0, 1.0)
    resolved = first + (res_h * HOUR).astype(np.int64)
    has_res = has_first & (rng.random(n) >= 0.06) & (resolved < now)
    contacts = 1 + rng.poisson(0.35 + 1.3 * esc + 0.5 * (cat == 3))
    status = np.where(~has_first, 0, np.where(~has_res, 1, np.where(resolved < now - 3 * DAY, 3, 2)))
    unhappy = esc | (cat == 3) | (cat == 2)
    csat = 1 + np.where(
        unhappy, pick(rng, (0.20, 0.20, 0.20, 0.25, 0.15), n), pick(rng, (0.05, 0.07, 0.13, 0.35, 0.40), n)
    )
    has_csat = has_res & (rng.random(n) < 0.55)
    agent = np.where(has_first, rng.integers(1, n_agents + 1, n), -1)
    tk.update(
        channel=ch,
        first=first,
        has_first=has_first,
        resolved=resolved,
        has_res=has_res,
        status=status,
        escalated=esc,
        contacts=contacts,
        csat=csat,
        has_csat=has_csat,
        agent=agent,
    )
    return tk
