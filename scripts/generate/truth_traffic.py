"""Ground truth, realized traffic, funnel and experiment KPIs computed with NumPy
over the arrays behind web_events."""

from __future__ import annotations

from typing import Any

import numpy as np

from scripts.generate.arrays import civil_from_days
from scripts.generate.business_clock import Calendar
from scripts.generate.config import Generated
from scripts.generate.constants import DAY, Arr, Frame
from scripts.generate.params import _G, CHANNEL_GROUPS, EVENT_NAMES, NATURAL_GROUPS


def traffic_realized(cal: Calendar, gen: Generated) -> tuple[dict[str, Any], dict[str, Any], dict[str, int]]:
    """Traffic, funnel and experiment KPIs over the web_events rows (as arrays).

    Same definitions as the KPI dictionary: a session is the events sharing a
    session_id; sessions of anonymous ids ever seen logged in as a test
    customer are left out; the channel group is the one the landing event's
    utm/referrer markers map to; the ordered funnel counts a step when its event
    happens at or after the time the previous step was reached."""
    a = gen.arrays
    sess, ev, cust, orders = a["sess"], a["ev"], a["cust"], a["orders"]
    es, ev_cust = ev["sess"], ev["cust"]
    logged = np.flatnonzero(ev_cust >= 0)
    test_anon = np.zeros(a["n_anon"], dtype=bool)
    test_anon[sess["anon"][es[logged[cust["is_test"][ev_cust[logged]]]]]] = True
    ok = ~test_anon[sess["anon"]]
    traffic, pv, purchase = _sessions_and_funnel(sess, ev, ok)
    traffic["product_view_conversion_by_dwell"] = _dwell_conversion(sess, ev, orders, a["lines"], ok, pv)
    traffic["stitching_conflicts"] = _stitching_conflicts(sess, ev, cust, logged)
    traffic["page_load_ms"] = _page_load(ev, ok)
    # Experiments: sessions of assigned visitors starting at or after the
    # assignment and before the window end.
    day = np.clip(cal.day_of(orders["t"]), 0, cal.n_days - 1)
    merch_usd = orders["merch"] * a["fx"][day, orders["currency"]] / 1e8
    sess_gmv = np.zeros(len(sess["kind"]))
    has_o = orders["session"] >= 0
    sess_gmv[orders["session"][has_o]] = merch_usd[has_o]
    experiments = {
        d["experiment_id"]: _experiment_realized(e, d, a, test_anon, purchase, sess_gmv)
        for e, d in enumerate(gen.experiments)
    }
    return traffic, experiments, _sessions_by_month(cal, sess, ok)


def _share(num: int, den: int) -> float | None:
    return round(num / den, 6) if den else None


def _sessions_and_funnel(sess: Frame, ev: Frame, ok: Arr) -> tuple[dict[str, Any], Arr, Arr]:
    """Sessions, bounces and conversion overall and by channel group, the funnel
    ordered and not; also the product view events and the purchase sessions."""
    ns = len(sess["kind"])
    es, name, t = ev["sess"], ev["name"], ev["t"]
    n_ev = np.bincount(es, minlength=ns)
    e_pv, e_atc, e_bc, e_buy = (
        EVENT_NAMES.index(x) for x in ("product_view", "add_to_cart", "begin_checkout", "purchase")
    )
    never = np.iinfo(np.int64).max

    def first_at(events: Arr) -> Arr:
        """Per session, the earliest time of the given events (never: none)."""
        out = np.full(ns, never, dtype=np.int64)
        np.minimum.at(out, es[events], t[events])
        return out

    pv, atc = np.flatnonzero(name == e_pv), np.flatnonzero(name == e_atc)
    bc, buy = np.flatnonzero(name == e_bc), np.flatnonzero(name == e_buy)
    t_pv = first_at(pv)
    t_atc_any = first_at(atc)
    t_atc = first_at(atc[t[atc] >= t_pv[es[atc]]])
    t_bc = first_at(bc[t[bc] >= t_atc[es[bc]]])
    t_buy = first_at(buy[t[buy] >= t_bc[es[buy]]])
    has_bc = np.bincount(es[bc], minlength=ns) > 0
    purchase = np.bincount(es[buy], minlength=ns) > 0
    group = sess["group"]
    n_groups = len(CHANNEL_GROUPS)
    g_sess = np.bincount(group[ok], minlength=n_groups)
    g_buy = np.bincount(group[ok & purchase], minlength=n_groups)
    g_bounce = np.bincount(group[ok & (n_ev == 1)], minlength=n_groups)
    n_ok = int(ok.sum())

    def count(x: Arr) -> int:
        return int((x & ok).sum())

    natural = np.isin(group, [_G[g] for g in NATURAL_GROUPS])
    traffic: dict[str, Any] = {
        "sessions": n_ok,
        "events": int(n_ev[ok].sum()),
        "bounce_rate": _share(count(n_ev == 1), n_ok),
        "session_conversion_rate": _share(count(purchase), n_ok),
        "natural_traffic_share": _share(count(natural), n_ok),
        "by_channel_group": {
            g: {
                "sessions": int(g_sess[i]),
                "purchase_sessions": int(g_buy[i]),
                "conversion_rate": _share(int(g_buy[i]), int(g_sess[i])),
                "bounce_rate": _share(int(g_bounce[i]), int(g_sess[i])),
            }
            for i, g in enumerate(CHANNEL_GROUPS)
        },
        "funnel_ordered": {
            "sessions": n_ok,
            "product_view": count(t_pv < never),
            "add_to_cart": count(t_atc < never),
            "begin_checkout": count(t_bc < never),
            "purchase": count(t_buy < never),
        },
        "funnel_unordered": {
            "product_view": count(t_pv < never),
            "add_to_cart": count(t_atc_any < never),
            "begin_checkout": count(has_bc),
            "purchase": count(purchase),
        },
        "out_of_order_sessions": count((t_atc_any < t_pv) & (t_pv < never)),
    }
    return traffic, pv, purchase


def _dwell_conversion(
    sess: Frame, ev: Frame, orders: Frame, lines: Frame, ok: Arr, pv: Arr
) -> dict[str, dict[str, Any]]:
    """Product views whose product is in the order placed in the same session
    (only sessions with an order can have one), for long and short dwell."""
    es = ev["sess"]
    n_prod = int(lines["product"].max()) + 1 if len(lines["product"]) else 1
    o_sess = orders["session"][lines["order"]]
    bought_keys = np.unique(o_sess[o_sess >= 0] * n_prod + lines["product"][o_sess >= 0])
    pv = pv[ok[es[pv]] & (ev["dwell"][pv] >= 0)]
    long_view = ev["dwell"][pv] >= 30_000
    has_order = np.zeros(len(sess["kind"]), dtype=bool)
    has_order[orders["session"][orders["session"] >= 0]] = True
    bought = np.zeros(len(pv), dtype=bool)
    maybe = np.flatnonzero(has_order[es[pv]])
    bought[maybe] = np.isin(es[pv[maybe]].astype(np.int64) * n_prod + ev["product"][pv[maybe]], bought_keys)
    return {
        "ge_30s": {
            "product_views": int(long_view.sum()),
            "conversion": _share(int((bought & long_view).sum()), int(long_view.sum())),
        },
        "lt_30s": {
            "product_views": int((~long_view).sum()),
            "conversion": _share(int((bought & ~long_view).sum()), int((~long_view).sum())),
        },
    }


def _stitching_conflicts(sess: Frame, ev: Frame, cust: Frame, logged: Arr) -> int:
    """Anonymous ids seen logged in as two or more customers: logged-in events
    carry their session's customer, so count customers per anonymous id over
    the sessions with a logged-in event."""
    n_cust = len(cust["group"])
    seen = np.zeros(len(sess["kind"]), dtype=bool)
    seen[ev["sess"][logged]] = True
    seen = np.flatnonzero(seen)
    pairs = np.unique(sess["anon"][seen].astype(np.int64) * n_cust + sess["cust"][seen])
    per_anon = np.unique(pairs // n_cust, return_counts=True)[1]
    return int((per_anon > 1).sum())


def _page_load(ev: Frame, ok: Arr) -> dict[str, Any]:
    """Percentiles of page_load_ms, whole span and per calendar year."""
    has_load = ok[ev["sess"]] & (ev["load"] >= 0)
    load = ev["load"][has_load]
    p50, p90 = np.percentile(load, [50, 90]) if len(load) else (None, None)
    load_days = np.datetime64("1970-01-01", "D") + ev["t"][has_load] // DAY
    load_year = load_days.astype("datetime64[Y]").astype(np.int64) + 1970
    by_year = {}
    for year in np.unique(load_year):
        y50, y90 = np.percentile(load[load_year == year], [50, 90])
        by_year[str(int(year))] = {"p50": float(y50), "p90": float(y90)}
    return {
        "p50": None if p50 is None else float(p50),
        "p90": None if p90 is None else float(p90),
        "by_year": by_year,
    }


def _experiment_realized(
    e: int, d: dict[str, Any], a: dict[str, Any], test_anon: Arr, purchase: Arr, sess_gmv: Arr
) -> dict[str, Any]:
    """One experiment's arms: visitors, sessions counted after assignment,
    purchases, converted visitors, GMV, and the relative lifts."""
    sess, asg = a["sess"], a["assign"]
    m = (asg["exp"] == e) & ~test_anon[asg["anon"]]
    # Per anonymous id: assignment time and arm (-1: not in the experiment).
    assigned_at = np.full(a["n_anon"], np.iinfo(np.int64).max, dtype=np.int64)
    arm_of = np.full(a["n_anon"], -1, dtype=np.int8)
    assigned_at[asg["anon"][m]] = asg["at"][m]
    arm_of[asg["anon"][m]] = asg["treat"][m]
    counted = (sess["start"] >= assigned_at[sess["anon"]]) & (sess["start"] < d["end_at"])
    s_arm = arm_of[sess["anon"]]
    out: dict[str, Any] = {}
    for label, arm in (("control", 0), ("treatment", 1)):
        in_arm = counted & (s_arm == arm)
        buying = in_arm & purchase
        n_vis, n_s = int((asg["treat"][m] == arm).sum()), int(in_arm.sum())
        n_buy = int(buying.sum())
        n_conv = int(np.count_nonzero(np.bincount(sess["anon"][buying], minlength=1)))
        out[label] = {
            "visitors": n_vis,
            "sessions": n_s,
            "purchase_sessions": n_buy,
            "converted_visitors": n_conv,
            "gmv_usd": round(float(sess_gmv[in_arm].sum()), 2),
            "session_conversion": _share(n_buy, n_s),
            "visitor_conversion": _share(n_conv, n_vis),
        }
    c, tr = out["control"], out["treatment"]
    if c["session_conversion"] and c["visitor_conversion"] and tr["session_conversion"] is not None:
        out["relative_lift_session_conversion"] = round(
            tr["session_conversion"] / c["session_conversion"] - 1, 6
        )
        out["relative_lift_visitor_conversion"] = round(
            tr["visitor_conversion"] / c["visitor_conversion"] - 1, 6
        )
    total = tr["visitors"] + c["visitors"]
    out["treatment_share"] = _share(tr["visitors"], total)
    return out


def _sessions_by_month(cal: Calendar, sess: Frame, ok: Arr) -> dict[str, int]:
    """Sessions per calendar month of their start: per day, then days to months."""
    per_day = np.bincount(cal.day_of(sess["start"][ok]), minlength=cal.n_days)
    y, mth, _ = civil_from_days(cal.epoch0 // DAY + np.arange(len(per_day)))
    months, month_of_day = np.unique(y * 100 + mth, return_inverse=True)
    counts = np.bincount(month_of_day, weights=per_day, minlength=len(months)).round().astype(np.int64)
    return {f"{m // 100:04d}-{m % 100:02d}": int(c) for m, c in zip(months, counts, strict=True) if c}
