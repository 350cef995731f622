"""The web_events table, assembled in row ranges (whole sessions) on threads."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from scripts.generate.arrays import int_arr, seq_ids, str_take, ts_arr
from scripts.generate.constants import (
    KIND_SIGNUP,
    LOGIN_EVENT,
    LOGIN_REMEMBERED,
    SLOT_EVENT,
    SLOT_LANDING,
    SLOT_LOGIN,
    SLOT_PAGE,
    SLOT_PAGE_TYPE,
    SLOT_PURCHASE,
    Arr,
    Frame,
)
from scripts.generate.params import (
    CAMPAIGNS,
    CATEGORIES,
    COUNTRIES,
    DEVICES,
    EVENT_NAMES,
    PAGE_TYPES,
    REFERRAL_SITES,
    SEARCH_REFERRERS,
    SHOP_URL,
    SOCIAL_REFERRERS,
    UTM_MEDIUMS,
    UTM_SOURCES,
)
from scripts.generate.schema import _I32, make_table


def assemble_events(
    ids: dict[str, pa.Array], anon: Frame, sess: Frame, ev: Frame, markers: Frame, rows: tuple[int, int]
) -> pa.Table:
    """web_events rows lo..hi (whole sessions); also records each event's
    logged-in customer and event name code in ``ev`` (for the realized KPIs),
    in preallocated arrays, so that row ranges can be assembled on threads."""
    lo, hi = rows
    product_ids, customer_ids, order_ids = ids["product"], ids["customer"], ids["order"]
    es, slot, pos, product = ev["sess"][lo:hi], ev["slot"][lo:hi], ev["pos"][lo:hi], ev["product"][lo:hi]
    n = hi - lo
    # Every session starts with its landing event.
    landing_at = np.flatnonzero(pos == 0)
    landing_sess = es[landing_at]
    login = sess["login"][es]
    logged = np.where(login == LOGIN_REMEMBERED, True, (login >= LOGIN_EVENT) & (pos >= 1))
    logged &= (sess["cust"] >= 0)[es]
    del login
    name = SLOT_EVENT.astype(np.int8)[slot]
    name[(slot == SLOT_LOGIN) & (sess["kind"] == KIND_SIGNUP)[es]] = EVENT_NAMES.index("sign_up")
    # Landing page type: content for content traffic, else home or a category;
    # a cheap deterministic variety for landing and category pages, no extra RNG.
    ptype = SLOT_PAGE_TYPE.astype(np.int8)[slot]
    varied = np.flatnonzero((slot == SLOT_LANDING) | (slot == SLOT_PAGE))
    rnd = ((es[varied].astype(np.int64) * 2_654_435_761 + pos[varied]) % 7).astype(np.int8)
    home = varied[(slot[varied] == SLOT_LANDING) & (rnd < 4)]
    ptype[home] = 0
    ptype[landing_at[markers["content"][landing_sess] >= 0]] = PAGE_TYPES.index("content")
    # URLs: fixed pages, category pages and product pages.
    cat_names = [c[0] for c in CATEGORIES]
    fixed = [
        "/",
        "/search",
        "/cart",
        "/checkout",
        "/checkout/confirmation",
        "/blog",
        "/account/login",
        "/account/signup",
        "/account",
    ]
    urls = (
        [SHOP_URL + u for u in fixed]
        + [f"{SHOP_URL}/c/{c}" for c in cat_names]
        + [f"{SHOP_URL}/products/{pid}" for pid in product_ids.to_pylist()]
    )
    n_fixed, n_cat = len(fixed), len(cat_names)
    url = np.array([0, 8, 0, 1, 8, 8, 2, 3, 4], dtype=np.int32)[slot]
    category = ptype[varied] == 1
    url[varied[category]] = n_fixed + rnd[category] % n_cat
    url[ptype == PAGE_TYPES.index("content")] = 5
    login_at = slot == SLOT_LOGIN
    url[login_at] = np.where(name[login_at] == EVENT_NAMES.index("sign_up"), 7, 6)
    has_product = product >= 0
    url[has_product] = n_fixed + n_cat + product[has_product]
    del varied, rnd, home, category, has_product, login_at
    ref_labels = list(SEARCH_REFERRERS) + list(SOCIAL_REFERRERS) + list(REFERRAL_SITES)

    def on_landing(marker: str) -> Arr:
        """A session's marker on its landing event, NULL on the others."""
        out = np.full(n, -1, dtype=np.int32)
        out[landing_at] = markers[marker][landing_sess]
        return out

    order_of_event = np.full(n, -1, dtype=np.int32)
    bought = np.flatnonzero(slot == SLOT_PURCHASE)
    order_of_event[bought] = sess["order"][es[bought]]
    ev["cust"][lo:hi] = np.where(logged, sess["cust"][es], -1)
    ev["name"][lo:hi] = name
    visitor = sess["anon"][es]
    width = max(9, len(str(len(ev["t"]))))  # the same in every row range
    return make_table(
        "web_events",
        {
            "event_id": seq_ids("E", n, width, first=lo + 1),
            "event_at": ts_arr(ev["t"][lo:hi]),
            "session_id": str_take(ids["session"], es),
            "anonymous_id": str_take(ids["anon"], visitor),
            "customer_id": str_take(customer_ids, ev["cust"][lo:hi]),
            "event_name": str_take(EVENT_NAMES, name),
            "page_type": str_take(PAGE_TYPES, ptype),
            "page_url": str_take(urls, url),
            "referrer": str_take(ref_labels, on_landing("ref")),
            "utm_source": str_take(UTM_SOURCES, on_landing("src")),
            "utm_medium": str_take(UTM_MEDIUMS, on_landing("med")),
            "utm_campaign": str_take([c[0] for c in CAMPAIGNS], on_landing("camp")),
            "utm_content": str_take(ids["content"], on_landing("content")),
            "device_type": str_take(DEVICES, anon["device"].astype(np.int8)[visitor]),
            "country_code": str_take(COUNTRIES, anon["country"].astype(np.int8)[visitor]),
            "product_id": str_take(product_ids, product),
            "order_id": str_take(order_ids, order_of_event),
            "dwell_ms": int_arr(ev["dwell"][lo:hi], ev["dwell"][lo:hi] >= 0, _I32),
            "page_load_ms": int_arr(ev["load"][lo:hi], ev["load"][lo:hi] >= 0, _I32),
        },
    )
