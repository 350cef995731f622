"""Orders: who buys when and through which channel (the skeleton), then amounts,
lifecycle, payments, shipments and refunds (the details)."""

from __future__ import annotations

import numpy as np

from scripts.generate.arrays import cumsum0, lognormal, pick
from scripts.generate.business_clock import Calendar
from scripts.generate.constants import DAY, HOUR, Arr, Frame
from scripts.generate.params import (
    CHANNEL_GROUPS,
    COUNTRIES,
    COUNTRY_CURRENCY,
    COUNTRY_P,
    COUPONS,
    CURRENCIES,
    FREE_SHIPPING_CENTS,
    PROMISE_DAYS,
    REFUND_REASON_P_LATE,
    REFUND_REASON_P_ON_TIME,
    REPEAT_PROB,
    REPEAT_SESSION_MIX,
    SHIP_MODE_P,
    SHIPPING_FEE_CENTS,
    TAX_BP,
    Params,
)


def gen_order_skeleton(
    rng: np.random.Generator, cal: Calendar, cust: Frame, prod: Frame, anon_device: Arr, p: Params
) -> tuple[Frame, Frame]:
    n = len(cust["group"])
    repeat_p = np.array([REPEAT_PROB[g] for g in CHANNEL_GROUPS])[cust["group"]]
    quick = rng.random(n) < p.quick_first_order_share
    delay = np.where(
        quick, 0.1 + rng.exponential(0.5, n), lognormal(rng, p.first_order_delay_median_days, 1.1, n)
    )
    u = cust["u_signup"] + delay
    active = rng.random(n) < p.buyer_share
    out_c, out_u, out_r = [], [], []
    rank = 0
    while active.any() and rank < 1000:
        idx = np.flatnonzero(active)
        inside = (u[idx] >= 0) & (u[idx] < cal.n_days)
        out_c.append(idx[inside])
        out_u.append(u[idx][inside])
        out_r.append(np.full(int(inside.sum()), rank))
        cont = rng.random(len(idx)) < repeat_p[idx]
        u[idx] += lognormal(rng, p.repeat_gap_median_days, p.repeat_gap_sigma, len(idx))
        active[idx] = cont & (u[idx] < cal.n_days)
        rank += 1
    oc = np.concatenate(out_c)
    orank = np.concatenate(out_r)
    ot = cal.to_epoch(np.concatenate(out_u))
    # A first order comes at least two hours after the sign-up.
    ot = np.where(orank == 0, np.maximum(ot, cust["signup_at"][oc] + 2 * HOUR), ot)
    keep = ot < cal.now - HOUR
    oc, orank, ot = oc[keep], orank[keep], ot[keep]
    m = len(oc)
    r = rng.random(m)
    sales = np.where(r < p.marketplace_share, 2, np.where(r < p.marketplace_share + p.store_share, 3, 0))
    online = sales == 0
    anon = cust["anon_start"][oc] + (rng.random(m) * cust["n_anon"][oc]).astype(np.int64)
    anon = np.where(online, anon, -1)
    sales = np.where(online & (anon_device[np.maximum(anon, 0)] == 3), 1, sales)
    mix = [REPEAT_SESSION_MIX[g] for g in CHANNEL_GROUPS]
    group = np.where(
        (orank == 0) & (rng.random(m) < p.first_order_in_acquisition_channel),
        cust["group"][oc],
        pick(rng, mix, m),
    )
    group = np.where(online, group, -1)
    # Guest checkouts (marketplace or store, no account, no session).
    n_guest = round(m * p.guest_order_share / (1 - p.guest_order_share))
    gt = cal.to_epoch(rng.uniform(0.0, cal.n_days, n_guest))
    gt = np.minimum(gt, cal.now - 2 * HOUR)
    orders = {
        "cust": np.concatenate([oc, np.full(n_guest, -1)]),
        "t": np.concatenate([ot, gt]),
        "rank": np.concatenate([orank, np.full(n_guest, -1)]),
        "country": np.concatenate([cust["country"][oc], pick(rng, COUNTRY_P, n_guest)]),
        "sales": np.concatenate([sales, np.where(rng.random(n_guest) < 0.6, 2, 3)]),
        "anon": np.concatenate([anon, np.full(n_guest, -1)]),
        "group": np.concatenate([group, np.full(n_guest, -1)]),
    }
    no = len(orders["t"])
    orders["nlines"] = 1 + np.minimum(rng.poisson(0.55, no), 5)
    line_order = np.repeat(np.arange(no), orders["nlines"])
    nl = len(line_order)
    rq = rng.random(nl)
    lines = {
        "order": line_order,
        "product": pick(rng, prod["popularity"], nl),
        "qty": 1 + (rq < 0.15) + (rq < 0.03),
    }
    return orders, lines


def build_order_details(
    rng: np.random.Generator, cal: Calendar, orders: Frame, lines: Frame, prod: Frame, p: Params
) -> tuple[Frame, Frame, Frame, Frame, Frame]:
    """Fill in amounts and the order lifecycle. Returns (orders, lines,
    payments, shipments, refunds); orders and lines are extended in place.
    The steps draw from ``rng`` one after the other, in this order."""
    _amounts(rng, cal, orders, lines, prod, p)
    pay = _payment_attempts(rng, cal, orders, p)
    life = _fulfilment(rng, cal, orders, pay, p)
    refunds, full_done, refund_time = _refunds(rng, cal, orders, lines, pay, life, p)
    _finish_orders(cal, orders, pay, life, full_done, refund_time)
    payments = _payment_rows(cal, pay)
    shipments = _shipments(rng, cal, orders, pay, life)
    return orders, lines, payments, shipments, refunds


def _amounts(
    rng: np.random.Generator, cal: Calendar, orders: Frame, lines: Frame, prod: Frame, p: Params
) -> None:
    """Currency, prices, coupons (more in promotion peaks, welcome codes on first
    orders), shipping and tax, in integer cents: orders and lines extended."""
    no = len(orders["t"])
    cur = np.array([CURRENCIES.index(COUNTRY_CURRENCY[c]) for c in COUNTRIES])[orders["country"]]
    orders["currency"] = cur
    lo = lines["order"]
    unit = prod["price"][lines["product"], cur[lo]]
    gross = unit * lines["qty"]
    peak = cal.peak_code[cal.day_of(orders["t"])]
    has = rng.random(no) < np.where(peak >= 0, p.coupon_share_peak, p.coupon_share_regular)
    code = np.where(rng.random(no) < 0.7, 1, 2)
    code = np.where(peak >= 0, 3 + np.maximum(peak, 0), code)
    welcome = (orders["rank"] == 0) & (rng.random(no) < p.welcome_coupon_share)
    code = np.where(welcome, 0, np.where(has, code, -1))
    bp = np.where(code >= 0, np.array([c[1] for c in COUPONS])[np.maximum(code, 0)], 0)
    line_disc = (gross * bp[lo] + 5_000) // 10_000
    items = np.bincount(lo, weights=gross, minlength=no).round().astype(np.int64)
    disc = np.bincount(lo, weights=line_disc, minlength=no).round().astype(np.int64)
    units = np.bincount(lo, weights=lines["qty"], minlength=no).round().astype(np.int64)
    merch = items - disc
    store = orders["sales"] == 3
    free = np.array([FREE_SHIPPING_CENTS[c] for c in CURRENCIES])[cur]
    fee = np.array([SHIPPING_FEE_CENTS[c] for c in CURRENCIES])[cur]
    shipping = np.where(store | (merch >= free), 0, fee)
    tax_bp = np.array([TAX_BP.get(c, 0) for c in COUNTRIES])[orders["country"]]
    tax = (merch * tax_bp + 5_000) // 10_000
    orders.update(
        coupon=code,
        items=items,
        disc=disc,
        merch=merch,
        shipping=shipping,
        tax=tax,
        total=items - disc + shipping + tax,
        units=units,
    )
    lines.update(unit=unit, disc=line_disc, merch=gross - line_disc)


def _payment_attempts(rng: np.random.Generator, cal: Calendar, orders: Frame, p: Params) -> Frame:
    """Payment method, failed attempts, payment and cancellation times."""
    no, t, now = len(orders["t"]), orders["t"], cal.now
    country_code = np.array(COUNTRIES)[orders["country"]]
    store = orders["sales"] == 3
    cn = country_code == "CN"
    method = np.where(
        cn, np.where(rng.random(no) < 0.5, 4, 5), pick(rng, (0.72, 0.20, 0.02, p.bank_transfer_share), no)
    )
    method = np.where(store, 0, method)
    delayed = method == 3
    cancel = rng.random(no) < p.cancellation_rate
    pay_fail = cancel & (rng.random(no) < p.payment_failure_cancel_share)
    r1, r2 = rng.random(no), rng.random(no)
    pf = p.payment_attempt_failure_prob
    n_fail = np.where(
        pay_fail, 1 + (r1 < 0.5) + (r2 < 0.2), np.where(delayed | store, 0, (r1 < pf) * (1 + (r2 < pf)))
    )
    first = t + rng.integers(10, 120, no)
    step = rng.integers(40, 240, no)
    paid = np.where(
        delayed,
        t + np.minimum(lognormal(rng, 10 * HOUR, 0.9, no), 72 * HOUR).astype(np.int64),
        first + n_fail * step,
    )
    paid = np.where(store, t, paid)
    has_paid = ~pay_fail & (paid < now)
    cancelled_at = np.where(
        pay_fail,
        first + (n_fail - 1) * step + rng.integers(900, DAY, no),
        paid + lognormal(rng, 5 * HOUR, 0.8, no).astype(np.int64),
    )
    cancelled_at = np.clip(cancelled_at, t, now - 1)
    has_paid &= ~(cancel & (paid >= cancelled_at))
    return {
        "country_code": country_code,
        "store": store,
        "cn": cn,
        "method": method,
        "cancel": cancel,
        "n_fail": n_fail,
        "n_attempt": n_fail + ~pay_fail,
        "first": first,
        "step": step,
        "paid": paid,
        "has_paid": has_paid,
        "cancelled_at": cancelled_at,
    }


def _fulfilment(rng: np.random.Generator, cal: Calendar, orders: Frame, pay: Frame, p: Params) -> Frame:
    """Shipping mode, promised, shipped and delivered times, lateness and status."""
    no, t, now = len(orders["t"]), orders["t"], cal.now
    store, cn, cancel, paid, has_paid = pay["store"], pay["cn"], pay["cancel"], pay["paid"], pay["has_paid"]
    mode = np.where(cn, 1, pick(rng, SHIP_MODE_P, no))
    base = np.maximum(t, np.where(has_paid, paid, t))
    promised = base + (np.array(PROMISE_DAYS)[mode] + 4 * cn) * DAY
    fulfil = lognormal(rng, 20 * HOUR, 0.6, no).astype(np.int64)
    shipped = paid + np.minimum(fulfil, ((promised - paid) * 0.6).astype(np.int64))
    late = rng.random(no) > p.on_time_rate
    delivered = np.where(
        late,
        promised + lognormal(rng, 30 * HOUR, 0.7, no).astype(np.int64),
        shipped + (rng.uniform(0.25, 0.98, no) * (promised - shipped)).astype(np.int64),
    )
    ships = ~store & ~cancel & has_paid & (shipped < now)
    is_delivered = np.where(store, has_paid & ~cancel, ships & (delivered < now))
    late &= ~store
    status = np.where(
        cancel,
        4,
        np.where(~has_paid, 0, np.where(store, 3, np.where(~ships, 1, np.where(~is_delivered, 2, 3)))),
    )
    return {
        "mode": mode,
        "promised": promised,
        "shipped": shipped,
        "late": late,
        "delivered": delivered,
        "ships": ships,
        "is_delivered": is_delivered,
        "status": status,
        "delivered_time": np.where(store, paid, delivered),
    }


def _refunds(
    rng: np.random.Generator, cal: Calendar, orders: Frame, lines: Frame, pay: Frame, life: Frame, p: Params
) -> tuple[Frame, Arr, Arr]:
    """Refunds: more after late deliveries; some partial, some not refunded yet.
    Returns (refunds, orders fully refunded, time of each order's refund)."""
    no, now = len(orders["t"]), cal.now
    store, cancel, late = pay["store"], pay["cancel"], life["late"]
    p_ref = np.where(store, p.refund_prob_store, np.where(late, p.refund_prob_late, p.refund_prob_on_time))
    requested = life["delivered_time"] + lognormal(rng, 3.5 * DAY, 0.8, no).astype(np.int64)
    refund = life["is_delivered"] & ~cancel & (rng.random(no) < p_ref) & (requested < now)
    ro = np.flatnonzero(refund)
    nr = len(ro)
    line_off = cumsum0(orders["nlines"])
    partial = (orders["nlines"][ro] >= 2) & (rng.random(nr) < p.partial_refund_prob_multi_line)
    line = line_off[ro] + (rng.random(nr) * orders["nlines"][ro]).astype(np.int64)
    qty_line = lines["qty"][line]
    q_ref = 1 + (rng.random(nr) * qty_line).astype(np.int64)
    amount = np.where(partial, lines["merch"][line] * q_ref // qty_line, orders["merch"][ro])
    refunded_at = requested[ro] + lognormal(rng, 3 * DAY, 0.6, nr).astype(np.int64)
    done = (rng.random(nr) >= p.refund_stuck_share) & (refunded_at < now)
    reason = np.where(late[ro], pick(rng, REFUND_REASON_P_LATE, nr), pick(rng, REFUND_REASON_P_ON_TIME, nr))
    refunds = {
        "order": ro,
        "line": np.where(partial, line, -1),
        "qty": np.where(partial, q_ref, orders["units"][ro]),
        "amount": amount,
        "reason": reason,
        "requested": requested[ro],
        "refunded": refunded_at,
        "done": done,
    }
    full_done = np.zeros(no, dtype=bool)
    full_done[ro[~partial & done]] = True
    refund_time = np.zeros(no, dtype=np.int64)
    refund_time[ro] = np.where(done, refunded_at, requested[ro])
    return refunds, full_done, refund_time


def _finish_orders(
    cal: Calendar, orders: Frame, pay: Frame, life: Frame, full_done: Arr, refund_time: Arr
) -> None:
    """The orders' final status, lifecycle times and updated_at (the latest of them)."""
    store, cancel, has_paid, paid = pay["store"], pay["cancel"], pay["has_paid"], pay["paid"]
    stamps = np.stack(
        [
            orders["t"],
            np.where(has_paid, paid, 0),
            np.where(cancel, pay["cancelled_at"], 0),
            np.where(life["ships"], life["shipped"], 0),
            np.where(life["is_delivered"] & ~store, life["delivered"], 0),
            refund_time,
        ]
    )
    stamps = np.where(stamps < cal.now, stamps, 0)
    orders.update(
        status=np.where(full_done, 5, life["status"]),
        paid=paid,
        has_paid=has_paid,
        cancel=cancel,
        cancelled_at=pay["cancelled_at"],
        late=life["late"],
        delivered=life["is_delivered"],
        delivered_at=life["delivered_time"],
        updated=stamps.max(axis=0),
        method=pay["method"],
        ships=life["ships"],
    )


def _payment_rows(cal: Calendar, pay: Frame) -> Frame:
    """Payment rows: failed attempts, then the success (unless it never happened)."""
    n_fail, n_attempt = pay["n_fail"], pay["n_attempt"]
    att_order = np.repeat(np.arange(len(n_fail)), n_attempt)
    att_k = np.arange(len(att_order)) - cumsum0(n_attempt)[:-1][att_order]
    att_t = np.where(
        att_k < n_fail[att_order],
        pay["first"][att_order] + att_k * pay["step"][att_order],
        pay["paid"][att_order],
    )
    att_ok = att_k >= n_fail[att_order]
    keep = att_t < cal.now
    keep &= ~(att_ok & ~pay["has_paid"][att_order])
    return {"order": att_order[keep], "t": att_t[keep], "ok": att_ok[keep]}


def _shipments(rng: np.random.Generator, cal: Calendar, orders: Frame, pay: Frame, life: Frame) -> Frame:
    """A shipment per shipped order: warehouse, carrier, mode, distance, times."""
    country_code = pay["country_code"]
    so = np.flatnonzero(life["ships"])
    wh = np.isin(country_code[so], ("US", "CA", "CN")).astype(np.int64)
    wh = 1 - wh  # 0 = US warehouse, 1 = EU warehouse
    dist = np.where(
        pay["cn"][so],
        rng.normal(11_000, 800, len(so)),
        lognormal(rng, np.where(wh == 0, 900.0, 600.0), 0.7, len(so)),
    )
    delivered = life["delivered"]
    return {
        "order": so,
        "warehouse": wh,
        "carrier": wh * 3
        + np.where(
            (wh == 1) & (country_code[so] == "GB") & (rng.random(len(so)) < 0.6),
            2,
            rng.integers(0, 2, len(so)),
        ),
        "mode": life["mode"][so],
        "distance_dm": np.round(np.abs(dist) * 10).astype(np.int64),
        "shipped": life["shipped"][so],
        "delivered": delivered[so],
        "has_delivered": delivered[so] < cal.now,
        "promised": life["promised"][so],
    }
