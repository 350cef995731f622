"""The whole data set: every generation step in order, each with its own random
stream, the biggest ones in two halves on two threads."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

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
from scripts.generate.constants import DAY, KIND_ABANDONED, KIND_CONFLICT, KIND_PURCHASE
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


def _generate(
    cfg: Config, p: Params, emit: Callable[[str, pa.Table], None] | None, pool: ThreadPoolExecutor
) -> Generated:
    rngs = _streams(
        cfg.seed,
        (
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
        ),
    )
    cal = Calendar.build(cfg.start, cfg.end)
    clock = time.perf_counter()

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
    LOG.debug("skeleton: %d orders (%.2fs)", len(orders["t"]), time.perf_counter() - clock)

    sess, anon = plan_sessions(rngs["sessions"], cal, cust, anon, orders, p, pool)
    # Devices never share a session, so the sessions of even and odd anonymous
    # ids are simulated apart, on two threads (NumPy lets go of the GIL), each
    # half with its own random streams: the result does not depend on timing.
    halves = [np.flatnonzero(sess["anon"] % 2 == k) for k in (0, 1)]
    streams = zip(rngs["events"].spawn(2), rngs["experiments"].spawn(2), strict=True)
    jobs = [
        pool.submit(simulate_sessions, r_ev, r_exp, cal, subset(sess, half), anon, orders, lines, prod, p)
        for half, (r_ev, r_exp) in zip(halves, streams, strict=True)
    ]
    done = [job.result() for job in jobs]
    sess_halves = [d[0] for d in done]
    ev_halves = [d[1] for d in done]
    keep_s = np.concatenate([d[2] for d in done])
    assign = concat_frames([d[3] for d in done])
    exp_defs = done[0][4]
    del done, jobs
    # The few session columns needed to renumber; the rest are moved on the threads.
    kind, order, start = (np.concatenate([h[k] for h in sess_halves]) for k in ("kind", "order", "start"))
    LOG.debug(
        "sessions: %d candidates, %d kept (%.2fs)",
        len(keep_s),
        int(keep_s.sum()),
        time.perf_counter() - clock,
    )
    # Orders whose purchase session could not be kept (or whose checkout was
    # abandoned in an experiment) are not placed at all.
    o_keep = np.ones(len(orders["t"]), dtype=bool)
    o_keep[order[(kind == KIND_PURCHASE) & ~keep_s]] = False
    o_keep[order[kind == KIND_ABANDONED]] = False
    kept_idx = np.flatnonzero(keep_s)
    # Renumber: orders and sessions chronologically.
    o_idx = np.flatnonzero(o_keep)
    o_idx = o_idx[np.argsort(orders["t"][o_idx], kind="stable")]
    o_new = np.full(len(o_keep), -1, dtype=np.int64)
    o_new[o_idx] = np.arange(len(o_idx))
    line_keep = o_keep[lines["order"]]
    lines = subset(lines, line_keep)
    lines["old_order"] = lines["order"]
    lines["order"] = o_new[lines["order"]]
    lines = subset(lines, np.argsort(lines["order"], kind="stable"))
    orders = subset(orders, o_idx)
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
    gathered = {
        k: pool.submit(concat_take, [half[k] for half in ev_halves], perm)
        for k in ev_halves[0]
        if k != "sess"
    }
    sess = {k: job.result() for k, job in sess_jobs.items()}
    sess["n_ev"] = n_ev
    sess["order"] = np.where(sess["order"] >= 0, o_new[np.maximum(sess["order"], 0)], -1)
    del sess_halves, kind, order, start
    orders["session"] = np.full(len(o_idx), -1, dtype=np.int64)
    has_o = sess["order"] >= 0
    orders["session"][sess["order"][has_o & (sess["kind"] == KIND_PURCHASE)]] = np.flatnonzero(
        has_o & (sess["kind"] == KIND_PURCHASE)
    )
    sess["order"] = np.where(sess["kind"] == KIND_PURCHASE, sess["order"], -1)
    # While the threads move the events:
    ids = make_ids(n_prod, n_cust, len(o_idx), len(anon["cust"]), len(s_idx), len(lines["order"]))
    content = gen_content(rngs["content"], cal)
    markers = session_markers(rngs["markers"], cal, sess, content)
    ev = {k: job.result() for k, job in gathered.items()}
    ev["sess"] = np.repeat(np.arange(len(s_idx), dtype=np.int32), n_ev)
    del ev_halves, perm
    LOG.debug(
        "final: %d orders, %d sessions, %d events (%.2fs)",
        len(o_idx),
        len(s_idx),
        len(ev["t"]),
        time.perf_counter() - clock,
    )
    # web_events in two row ranges (whole sessions) on the threads, while the
    # order details are generated here.
    ne = len(ev["t"])
    mid = int(new_first[np.searchsorted(new_first, ne // 2)])
    ev["cust"], ev["name"] = np.empty(ne, dtype=np.int32), np.empty(ne, dtype=np.int8)
    parts = [pool.submit(assemble_events, ids, anon, sess, ev, markers, r) for r in ((0, mid), (mid, ne))]

    def finish_events() -> pa.Table:
        table = pa.concat_tables([part.result() for part in parts])
        if emit is not None:
            emit("web_events", table)
        return table

    events_done = pool.submit(finish_events)

    orders, lines, payments, shipments, refunds = build_order_details(
        rngs["details"], cal, orders, lines, prod, p
    )
    reviews = gen_reviews(rngs["reviews"], cal, orders, lines, p)
    nps = gen_nps(rngs["nps"], cal, orders, p)
    months = month_starts(cal)
    month_idx = (
        np.searchsorted(
            np.array([(m - dt.date(1970, 1, 1)).days for m in months]) * DAY, orders["t"], side="right"
        )
        - 1
    )
    orders_per_month = np.bincount(month_idx, minlength=len(months))
    n_agents = max(3, round(orders_per_month.mean() / 600))
    tickets = gen_tickets(rngs["tickets"], cal, orders, cust, n_agents)
    t_month = (
        np.searchsorted(
            np.array([(m - dt.date(1970, 1, 1)).days for m in months]) * DAY, tickets["created"], side="right"
        )
        - 1
    )
    headcount = gen_headcount(
        rngs["headcount"],
        cal,
        months,
        orders_per_month,
        np.bincount(t_month, minlength=len(months)),
        cfg.scale,
    )
    inventory = gen_inventory(rngs["inventory"], cal, orders, lines, n_prod)
    content_stats = gen_content_stats(rngs["content"], cal, content, sess, markers, cfg.scale)
    ads = gen_ad_spend(rngs["ads"], cal, sess, markers, cfg.scale)
    fx = gen_fx(rngs["fx"], cal)
    activities = gen_activities(rngs["activities"], cal, cust, p, cfg.scale)
    LOG.debug("details done (%.2fs)", time.perf_counter() - clock)

    tables = assemble_tables(
        cal,
        ids,
        prod,
        cust,
        anon,
        orders,
        lines,
        payments,
        shipments,
        refunds,
        reviews,
        nps,
        tickets,
        inventory,
        content,
        content_stats,
        ads,
        fx,
        months,
        headcount,
        activities,
        sess,
        assign,
    )
    tables["web_events"] = events_done.result()
    tables = {name: tables[name] for name in TABLE_SCHEMAS}
    LOG.debug("tables assembled (%.2fs)", time.perf_counter() - clock)
    # Generator-side facts for the realized KPIs: small truth tables for the SQL
    # part, and the traffic arrays (same rows as web_events) for the NumPy part.
    truth = {
        "_nps_truth": pa.table(
            {"response_id": tables["survey_nps"]["response_id"], "late": pa.array(nps["late"])}
        ),
        "_customer_truth": pa.table(
            {
                "customer": pa.array(np.arange(n_cust)),
                "customer_id": tables["shop_customers"]["customer_id"],
                "acquisition_group": str_take(CHANNEL_GROUPS, cust["group"]),
            }
        ),
    }
    planted = planted_parameters(cfg, cal, p, n_prod, n_cust, exp_defs)
    planted["stitching_conflicts"] = int((sess["kind"] == KIND_CONFLICT).sum())
    planted["out_of_order_sessions"] = int(sess["out_of_order"].sum())
    arrays = {
        "sess": sess,
        "ev": ev,
        "cust": cust,
        "orders": orders,
        "lines": lines,
        "assign": assign,
        "fx": fx,
        "n_anon": len(anon["cust"]),
    }
    return Generated(tables, truth, planted, exp_defs, arrays)


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
