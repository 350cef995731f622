"""Marketing: landing markers (utm_*, referrer) of sessions, content and its
stats, ad spend and marketing activities."""

from __future__ import annotations

import numpy as np

from scripts.generate.arrays import concat_frames, cumsum0, lognormal, pick, subset
from scripts.generate.business_clock import Calendar
from scripts.generate.constants import DAY, HOUR, Frame
from scripts.generate.params import (
    _G,
    CAMPAIGNS,
    CONTENT_PLATFORM_P,
    CONTENT_PLATFORMS,
    CONTENT_TRAFFIC_SHARE,
    N_CONTENT,
    N_CONTENT_BEFORE_START,
    REFERRAL_SITES,
    SEARCH_REFERRER_P,
    SEARCH_REFERRERS,
    SOCIAL_REFERRER_P,
    SOCIAL_REFERRERS,
    UTM_MEDIUM,
    UTM_MEDIUMS,
    UTM_SOURCES,
    Params,
)


def session_markers(rng: np.random.Generator, cal: Calendar, sess: Frame, content: Frame) -> Frame:
    """utm_* / referrer of each session's landing event, per channel group."""
    ns = len(sess["group"])
    g = sess["group"]
    ref = np.full(ns, -1, dtype=np.int64)
    src = np.full(ns, -1, dtype=np.int64)
    med = np.full(ns, -1, dtype=np.int64)
    camp = np.full(ns, -1, dtype=np.int64)
    cont = np.full(ns, -1, dtype=np.int64)
    n_search, n_social = len(SEARCH_REFERRERS), len(SOCIAL_REFERRERS)
    m = g == _G["organic_search"]
    ref[m] = pick(rng, SEARCH_REFERRER_P, int(m.sum()))
    m = g == _G["referral"]
    ref[m] = n_search + n_social + rng.integers(0, len(REFERRAL_SITES), int(m.sum()))
    m = np.flatnonzero(g == _G["organic_social"])
    via_content = rng.random(len(m)) < CONTENT_TRAFFIC_SHARE
    mr = m[~via_content]
    ref[mr] = n_search + pick(rng, SOCIAL_REFERRER_P, len(mr))
    mc = m[via_content]
    n_avail = np.searchsorted(content["published_at"], sess["start"][mc], side="right")
    ci = np.maximum(n_avail - 1 - (n_avail * rng.random(len(mc)) ** 2).astype(np.int64), 0)
    cont[mc] = ci
    src[mc] = np.array([UTM_SOURCES.index(s) for s in CONTENT_PLATFORMS])[content["platform"][ci]]
    med[mc] = UTM_MEDIUMS.index("social")
    peak = cal.peak_code[np.clip(cal.day_of(sess["start"]), 0, cal.n_days - 1)] >= 0
    for gname in ("paid_search", "paid_social", "display", "affiliate", "email"):
        m = np.flatnonzero(g == _G[gname])
        ids = [i for i, c in enumerate(CAMPAIGNS) if c[2] == gname]
        w_all = np.array([CAMPAIGNS[i][7] for i in ids])
        w_off = np.array([0.0 if CAMPAIGNS[i][8] else CAMPAIGNS[i][7] for i in ids])
        c_all = np.array(ids)[pick(rng, w_all, len(m))]
        c_off = np.array(ids)[pick(rng, w_off, len(m))]
        c = np.where(peak[m], c_all, c_off)
        camp[m] = c
        src[m] = np.array([UTM_SOURCES.index(cc[3]) for cc in CAMPAIGNS])[c]
        med[m] = UTM_MEDIUMS.index(UTM_MEDIUM[gname])
    return {"ref": ref, "src": src, "med": med, "camp": camp, "content": cont}


def gen_content(rng: np.random.Generator, cal: Calendar) -> Frame:
    n = N_CONTENT
    before = cal.epoch0 - rng.integers(10 * DAY, 300 * DAY, N_CONTENT_BEFORE_START)
    during = cal.to_epoch(rng.uniform(0.0, cal.n_days - 1.0, n - N_CONTENT_BEFORE_START))
    published = np.sort(np.concatenate([before, during]))
    platform = pick(rng, CONTENT_PLATFORM_P, n)
    return {
        "published_at": published,
        "platform": platform,
        "video": rng.random(n) < 0.4,
        "reach": lognormal(rng, 2_500.0, 0.8, n),
    }


def gen_content_stats(
    rng: np.random.Generator, cal: Calendar, content: Frame, sess: Frame, markers: Frame, scale: float
) -> Frame:
    n = len(content["platform"])
    first_day = np.maximum(0, cal.day_of(content["published_at"]))
    n_days = cal.n_days - first_day
    cid = np.repeat(np.arange(n), n_days)
    day = first_day[cid] + (np.arange(len(cid)) - cumsum0(n_days)[:-1][cid])
    age = day - cal.day_of(content["published_at"])[cid]
    has = markers["content"] >= 0
    visits = np.bincount(
        markers["content"][has] * cal.n_days + cal.day_of(sess["start"][has]), minlength=n * cal.n_days
    ).reshape(n, cal.n_days)[cid, day]
    lam = (
        content["reach"][cid]
        * max(scale, 0.05)
        * (0.08 + np.exp(-age / 20.0))
        * cal.weight[day]
        * rng.lognormal(0.0, 0.3, len(cid))
    )
    impressions = rng.poisson(lam)
    clicks = visits + rng.binomial(impressions, 0.004)
    impressions = impressions + clicks * 8
    return {
        "content": cid,
        "day": day,
        "impressions": impressions,
        "clicks": clicks,
        "likes": rng.binomial(impressions, 0.03),
        "comments": rng.binomial(impressions, 0.003),
        "shares": rng.binomial(impressions, 0.002),
    }


def gen_ad_spend(rng: np.random.Generator, cal: Calendar, sess: Frame, markers: Frame, scale: float) -> Frame:
    nc = len(CAMPAIGNS)
    has = markers["camp"] >= 0
    visits = np.bincount(
        markers["camp"][has] * cal.n_days + cal.day_of(sess["start"][has]), minlength=nc * cal.n_days
    ).reshape(nc, cal.n_days)
    frames = []
    peak_days = cal.peak_code >= 0
    for c, (_, _, group, _, _, cpc, ctr, _, peak_only) in enumerate(CAMPAIGNS):
        days = np.flatnonzero(peak_days) if peak_only else np.arange(cal.n_days)
        v = visits[c, days]
        clicks = v + rng.poisson(0.08 * v + 0.3 * max(scale, 0.02), len(days))
        impressions = (
            clicks
            + np.round(clicks / ctr * rng.lognormal(0.0, 0.2, len(days))).astype(np.int64)
            + rng.poisson(50 * max(scale, 0.02), len(days))
        )
        spend = np.round(clicks * cpc * rng.lognormal(0.0, 0.15, len(days))).astype(np.int64)
        if group == "email":
            spend = spend + np.round(1_500 * max(scale, 0.02)).astype(np.int64)
        frames.append(
            {
                "camp": np.full(len(days), c),
                "day": days,
                "spend": spend,
                "impressions": impressions,
                "clicks": clicks,
            }
        )
    ad = concat_frames(frames)
    return subset(ad, np.lexsort((ad["camp"], ad["day"])))


def gen_activities(rng: np.random.Generator, cal: Calendar, cust: Frame, p: Params, scale: float) -> Frame:
    n_act = max(2, min(12, cal.n_days // 45))
    frames = []
    n_c = len(cust["group"])
    for a in range(n_act):
        t_act = cal.epoch0 + int((a + 0.7) * (cal.n_days - 7) / n_act) * DAY + 18 * HOUR
        eligible = np.flatnonzero(cust["signup_at"] < t_act - DAY)
        if len(eligible) == 0:
            continue
        k = min(len(eligible), max(3, int(rng.poisson(250 * scale))), n_c)
        who = np.sort(rng.choice(eligible, size=k, replace=False))
        reg = np.maximum(
            np.maximum(cust["signup_at"][who] + 60, cal.epoch0), t_act - rng.integers(HOUR, 14 * DAY, k)
        )
        part = rng.random(k) < p.activity_participation_rate
        frames.append(
            {
                "act": np.full(k, a),
                "cust": who,
                "reg": reg,
                "part": t_act + rng.integers(0, 2 * HOUR, k),
                "has_part": part,
            }
        )
    return concat_frames(frames)
