"""The whole data set: every generation step in order, each with its own random
stream, the biggest ones in two halves on two threads."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np
import pyarrow as pa

from scripts.generate.arrays import (
    concat_frames,
    cumsum0,
    pick,
    seq_ids,
    stable_argsort,
    str_ids,
    str_take,
    subset,
)
from scripts.generate.business_clock import Calendar
from scripts.generate.catalog import gen_products
from scripts.generate.config import Config, Generated
from scripts.generate.constants import DAY, KIND_ABANDONED, KIND_CONFLICT, KIND_PURCHASE, Arr, Frame
from scripts.generate.customers import gen_customers
from scripts.generate.events import assemble_events
from scripts.generate.finance import gen_fx
from scripts.generate.inventory import gen_inventory
from scripts.generate.marketing import (
    gen_activities,
    gen_ad_spend,
    gen_content,
    gen_content_stats,
    session_markers,
)
from scripts.generate.orders import build_order_details, gen_order_skeleton
from scripts.generate.org import gen_headcount, month_starts
from scripts.generate.params import CHANNEL_GROUPS, DEVICE_P, N_CONTENT, PARAMS, Params
from scripts.generate.schema import TABLE_SCHEMAS
from scripts.generate.sessions import concat_take, plan_sessions, simulate_sessions
from scripts.generate.support import gen_nps, gen_reviews, gen_tickets
from scripts.generate.tables import assemble_tables
from scripts.generate.truth_planted import planted_parameters

LOG = logging.getLogger("generate_data")


def _streams(seed: int, names: Sequence[str]) -> dict[str, np.random.Generator]:
    children = np.random.SeedSequence(seed).spawn(len(names))
    return {name: np.random.default_rng(child) for name, child in zip(names, children, strict=True)}


def generate(
    cfg: Config, p: Params = PARAMS, emit: Callable[[str, pa.Table], None] | None = None
) -> Generated:
    """Generate every table in memory (Arrow tables in contract shape).

    ``emit`` is called with web_events as soon as it is complete, so that a
    caller can write the biggest file while the rest is being generated. The
    biggest steps run in two halves on two threads."""
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="generate") as pool:
        return _generate(cfg, p, emit, pool)


# The random streams, one per step (their order fixes which seed each gets).
STREAMS = (
    "products",
    "customers",
    "devices",
    "orders",
    "sessions",
    "events",
    "experiments",
    "markers",
    "details",
    "reviews",
    "nps",
    "tickets",
    "inventory",
    "content",
    "ads",
    "fx",
    "headcount",
    "activities",
)


def _generate(
    cfg: Config, p: Params, emit: Callable[[str, pa.Table], None] | None, pool: ThreadPoolExecutor
) -> Generated:
    rngs = _streams(cfg.seed, STREAMS)
    cal = Calendar.build(cfg.start, cfg.end)
    clock = time.perf_counter()
    prod, cust, anon, orders, lines = _customers_and_orders(rngs, cal, cfg, p)
    LOG.debug("skeleton: %d orders (%.2fs)", len(orders["t"]), time.perf_counter() - clock)

    sess, anon = plan_sessions(rngs["sessions"], cal, cust, anon, orders, p, pool)
    sess_halves, ev_halves, keep_s, assign, exp_defs = _simulate_in_halves(
        rngs, cal, sess, anon, orders, lines, prod, p, pool
    )
    # The few session columns needed to renumber; the rest are moved on the threads.
    kind, order, start = (np.concatenate([h[k] for h in sess_halves]) for k in ("kind", "order", "start"))
    LOG.debug(
        "sessions: %d candidates, %d kept (%.2fs)",
        len(keep_s),
        int(keep_s.sum()),
        time.perf_counter() - clock,
    )
    orders, lines, o_new = _place_orders(orders, lines, kind, order, keep_s)
    sess_jobs, ev_jobs, n_ev, new_first = _move_sessions(pool, sess_halves, ev_halves, kind, start, keep_s)
    sess = {k: job.result() for k, job in sess_jobs.items()}
    sess["n_ev"] = n_ev
    del sess_halves, kind, order, start
    _link_orders_and_sessions(orders, sess, o_new)
    # While the threads move the events:
    n_prod, n_cust, n_sess = len(prod["category"]), len(cust["group"]), len(n_ev)
    ids = make_ids(n_prod, n_cust, len(orders["t"]), len(anon["cust"]), n_sess, len(lines["order"]))
    content = gen_content(rngs["content"], cal)
    markers = session_markers(rngs["markers"], cal, sess, content)
    ev = {k: job.result() for k, job in ev_jobs.items()}
    ev["sess"] = np.repeat(np.arange(n_sess, dtype=np.int32), n_ev)
    del ev_halves, ev_jobs
    LOG.debug(
        "final: %d orders, %d sessions, %d events (%.2fs)",
        len(orders["t"]),
        n_sess,
        len(ev["t"]),
        time.perf_counter() - clock,
    )
    events_done = _submit_web_events(pool, ids, anon, sess, ev, markers, new_first, emit)
    d = _details(rngs, cal, cfg, p, prod, cust, orders, lines, sess, markers, content)
    LOG.debug("details done (%.2fs)", time.perf_counter() - clock)

    tables = assemble_tables(
        cal,
        ids,
        prod,
        cust,
        anon,
        d["orders"],
        d["lines"],
        d["payments"],
        d["shipments"],
        d["refunds"],
        d["reviews"],
        d["nps"],
        d["tickets"],
        d["inventory"],
        content,
        d["content_stats"],
        d["ads"],
        d["fx"],
        d["months"],
        d["headcount"],
        d["activities"],
        sess,
        assign,
    )
    tables["web_events"] = events_done.result()
    tables = {name: tables[name] for name in TABLE_SCHEMAS}
    LOG.debug("tables assembled (%.2fs)", time.perf_counter() - clock)
    planted = planted_parameters(cfg, cal, p, n_prod, n_cust, exp_defs)
    planted["stitching_conflicts"] = int((sess["kind"] == KIND_CONFLICT).sum())
    planted["out_of_order_sessions"] = int(sess["out_of_order"].sum())
    arrays = {
        "sess": sess,
        "ev": ev,
        "cust": cust,
        "orders": d["orders"],
        "lines": d["lines"],
        "assign": assign,
        "fx": d["fx"],
        "n_anon": len(anon["cust"]),
    }
    return Generated(tables, _truth_tables(tables, cust, d["nps"]), planted, exp_defs, arrays)


def _customers_and_orders(
    rngs: dict[str, np.random.Generator], cal: Calendar, cfg: Config, p: Params
) -> tuple[Frame, Frame, Frame, Frame, Frame]:
    """Products, customers, their devices (anonymous ids) and the order
    skeleton. Returns (products, customers, anonymous ids, orders, lines)."""
    n_prod = int(np.clip(round(p.products_max * min(cfg.scale, 1.0) ** 0.5), 40, p.products_max))
    prod = gen_products(rngs["products"], n_prod, cal)
    n_cust = max(50, round(p.customers_per_scale * cfg.scale))
    cust = gen_customers(rngs["customers"], cal, n_cust, p)
    n_anon_c = int(cust["n_anon"].sum())
    anon = {
        "cust": np.repeat(np.arange(n_cust), cust["n_anon"]),
        "device": pick(rngs["devices"], DEVICE_P, n_anon_c),
    }
    anon["country"] = cust["country"][anon["cust"]]
    orders, lines = gen_order_skeleton(rngs["orders"], cal, cust, prod, anon["device"], p)
    return prod, cust, anon, orders, lines


def _simulate_in_halves(
    rngs: dict[str, np.random.Generator],
    cal: Calendar,
    sess: Frame,
    anon: Frame,
    orders: Frame,
    lines: Frame,
    prod: Frame,
    p: Params,
    pool: ThreadPoolExecutor,
) -> tuple[list[Frame], list[Frame], Arr, Frame, list[dict[str, Any]]]:
    """Devices never share a session, so the sessions of even and odd anonymous
    ids are simulated apart, on two threads (NumPy lets go of the GIL), each
    half with its own random streams: the result does not depend on timing.
    Returns (sessions, events and keep-masks of the halves, experiment
    assignments, experiment definitions)."""
    halves = [np.flatnonzero(sess["anon"] % 2 == k) for k in (0, 1)]
    streams = zip(rngs["events"].spawn(2), rngs["experiments"].spawn(2), strict=True)
    jobs = [
        pool.submit(simulate_sessions, r_ev, r_exp, cal, subset(sess, half), anon, orders, lines, prod, p)
        for half, (r_ev, r_exp) in zip(halves, streams, strict=True)
    ]
    done = [job.result() for job in jobs]
    keep_s = np.concatenate([d[2] for d in done])
    assign = concat_frames([d[3] for d in done])
    return [d[0] for d in done], [d[1] for d in done], keep_s, assign, done[0][4]


def _place_orders(
    orders: Frame, lines: Frame, kind: Arr, order: Arr, keep_s: Arr
) -> tuple[Frame, Frame, Arr]:
    """Orders whose purchase session could not be kept (or whose checkout was
    abandoned in an experiment) are not placed at all; the others are
    renumbered chronologically. Returns (orders, lines, new number of each
    old order or -1)."""
    o_keep = np.ones(len(orders["t"]), dtype=bool)
    o_keep[order[(kind == KIND_PURCHASE) & ~keep_s]] = False
    o_keep[order[kind == KIND_ABANDONED]] = False
    o_idx = np.flatnonzero(o_keep)
    o_idx = o_idx[np.argsort(orders["t"][o_idx], kind="stable")]
    o_new = np.full(len(o_keep), -1, dtype=np.int64)
    o_new[o_idx] = np.arange(len(o_idx))
    line_keep = o_keep[lines["order"]]
    lines = subset(lines, line_keep)
    lines["old_order"] = lines["order"]
    lines["order"] = o_new[lines["order"]]
    lines = subset(lines, np.argsort(lines["order"], kind="stable"))
    return subset(orders, o_idx), lines, o_new


def _move_sessions(
    pool: ThreadPoolExecutor,
    sess_halves: list[Frame],
    ev_halves: list[Frame],
    kind: Arr,
    start: Arr,
    keep_s: Arr,
) -> tuple[dict[str, Future[Arr]], dict[str, Future[Arr]], Arr, Arr]:
    """The kept sessions in chronological order and their events, gathered on
    the threads. Returns (session columns, event columns: futures; events per
    session; first event of each session and the total)."""
    kept_idx = np.flatnonzero(keep_s)
    s_idx = kept_idx[stable_argsort(start[kept_idx])]
    sess_jobs = {k: pool.submit(concat_take, [h[k] for h in sess_halves], s_idx) for k in sess_halves[0]}
    # The events of a session are one block, its purchase (abandoned checkouts
    # drop it) last: gather the kept blocks in the new session order.
    n_ev = np.concatenate([h["n_ev"] for h in sess_halves])
    ev_first = cumsum0(n_ev)[:-1]  # in the halves' events one after the other
    n_ev = (n_ev - (kind == KIND_ABANDONED))[s_idx]
    new_first = cumsum0(n_ev)
    perm = np.repeat(ev_first[s_idx] - new_first[:-1], n_ev)
    perm += np.arange(len(perm))
    ev_jobs = {
        k: pool.submit(concat_take, [half[k] for half in ev_halves], perm)
        for k in ev_halves[0]
        if k != "sess"
    }
    return sess_jobs, ev_jobs, n_ev, new_first


def _link_orders_and_sessions(orders: Frame, sess: Frame, o_new: Arr) -> None:
    """Each order's purchase session, and each purchase session's order (new numbers)."""
    sess["order"] = np.where(sess["order"] >= 0, o_new[np.maximum(sess["order"], 0)], -1)
    orders["session"] = np.full(len(orders["t"]), -1, dtype=np.int64)
    has_o = sess["order"] >= 0
    orders["session"][sess["order"][has_o & (sess["kind"] == KIND_PURCHASE)]] = np.flatnonzero(
        has_o & (sess["kind"] == KIND_PURCHASE)
    )
    sess["order"] = np.where(sess["kind"] == KIND_PURCHASE, sess["order"], -1)


def _submit_web_events(
    pool: ThreadPoolExecutor,
    ids: dict[str, pa.Array],
    anon: Frame,
    sess: Frame,
    ev: Frame,
    markers: Frame,
    new_first: Arr,
    emit: Callable[[str, pa.Table], None] | None,
) -> Future[pa.Table]:
    """web_events in two row ranges (whole sessions) on the threads, while the
    order details are generated; handed to ``emit`` when complete."""
    ne = len(ev["t"])
    mid = int(new_first[np.searchsorted(new_first, ne // 2)])
    ev["cust"], ev["name"] = np.empty(ne, dtype=np.int32), np.empty(ne, dtype=np.int8)
    parts = [pool.submit(assemble_events, ids, anon, sess, ev, markers, r) for r in ((0, mid), (mid, ne))]

    def finish_events() -> pa.Table:
        table = pa.concat_tables([part.result() for part in parts])
        if emit is not None:
            emit("web_events", table)
        return table

    return pool.submit(finish_events)


def _month_index(months: list[dt.date], t: Arr) -> Arr:
    """The month (index into ``months``) of each epoch second."""
    return (
        np.searchsorted(np.array([(m - dt.date(1970, 1, 1)).days for m in months]) * DAY, t, side="right") - 1
    )


def _details(
    rngs: dict[str, np.random.Generator],
    cal: Calendar,
    cfg: Config,
    p: Params,
    prod: Frame,
    cust: Frame,
    orders: Frame,
    lines: Frame,
    sess: Frame,
    markers: Frame,
    content: Frame,
) -> dict[str, Any]:
    """Everything around the placed orders and sessions: order details,
    reviews, NPS, tickets, headcount, inventory, content stats, ad spend,
    exchange rates and activities (each from its own stream)."""
    orders, lines, payments, shipments, refunds = build_order_details(
        rngs["details"], cal, orders, lines, prod, p
    )
    reviews = gen_reviews(rngs["reviews"], cal, orders, lines, p)
    nps = gen_nps(rngs["nps"], cal, orders, p)
    months = month_starts(cal)
    orders_per_month = np.bincount(_month_index(months, orders["t"]), minlength=len(months))
    n_agents = max(3, round(orders_per_month.mean() / 600))
    tickets = gen_tickets(rngs["tickets"], cal, orders, cust, n_agents)
    tickets_per_month = np.bincount(_month_index(months, tickets["created"]), minlength=len(months))
    return {
        "orders": orders,
        "lines": lines,
        "payments": payments,
        "shipments": shipments,
        "refunds": refunds,
        "reviews": reviews,
        "nps": nps,
        "tickets": tickets,
        "months": months,
        "headcount": gen_headcount(
            rngs["headcount"], cal, months, orders_per_month, tickets_per_month, cfg.scale
        ),
        "inventory": gen_inventory(rngs["inventory"], cal, orders, lines, len(prod["category"])),
        "content_stats": gen_content_stats(rngs["content"], cal, content, sess, markers, cfg.scale),
        "ads": gen_ad_spend(rngs["ads"], cal, sess, markers, cfg.scale),
        "fx": gen_fx(rngs["fx"], cal),
        "activities": gen_activities(rngs["activities"], cal, cust, p, cfg.scale),
    }


def _truth_tables(tables: dict[str, pa.Table], cust: Frame, nps: Frame) -> dict[str, pa.Table]:
    """Generator-side facts for the realized KPIs: small truth tables for the SQL
    part (the traffic arrays, same rows as web_events, serve the NumPy part)."""
    return {
        "_nps_truth": pa.table(
            {"response_id": tables["survey_nps"]["response_id"], "late": pa.array(nps["late"])}
        ),
        "_customer_truth": pa.table(
            {
                "customer": pa.array(np.arange(len(cust["group"]))),
                "customer_id": tables["shop_customers"]["customer_id"],
                "acquisition_group": str_take(CHANNEL_GROUPS, cust["group"]),
            }
        ),
    }


def make_ids(
    n_prod: int, n_cust: int, n_orders: int, n_anon: int, n_sess: int, n_lines: int
) -> dict[str, pa.Array]:
    """The id of every entity, by entity number (0-based)."""
    # Anonymous ids are shuffled so that they do not reveal the owner.
    anon_num = np.random.default_rng(n_anon).permutation(n_anon) + 1
    return {
        "product": seq_ids("P", n_prod, 5),
        "customer": seq_ids("C", n_cust, 6),
        "order": seq_ids("O", n_orders, 7),
        "anon": str_ids("A", anon_num, 8),
        "session": seq_ids("S", n_sess, 8),
        "line": seq_ids("OI", n_lines, 8),
        "content": seq_ids("CT", N_CONTENT, 4),
    }
