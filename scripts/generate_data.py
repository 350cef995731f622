"""Generate the synthetic raw data set of the e-commerce KPI warehouse.

Writes every table of the raw data contract (one file per table, named after
the table) plus ``ground_truth.json``: the parameters planted in the data and
the KPI values that actually came out, computed from the generated rows with
the KPI dictionary's definitions (test accounts excluded).

    python scripts/generate_data.py --out data/raw --scale 1 --seed 42

``--profile minimal|bare|marketplace`` writes the data set the way a real export
could look instead (tables and optional columns missing, one currency, local
time without offsets, another date span, a mid-month window): the full set is
generated into a temporary folder and reshaped by ``scripts/data_profiles.py``.
The default, ``full``, is every table as described below.

The generator writes only into its own folder: a new or empty one, or one it
wrote before (it leaves a marker file, ``.generated-by-generate_data``; older
runs are recognised by their ``ground_truth.json``). A non-empty folder of
anyone else is refused (exit 2). Regenerating removes only the files it writes
(a file per contract table in any format, the ground truth and the marker).

Everything is vectorised with NumPy (loops run over days, kinds, columns or
chunks of rows, never over rows), CSV writing included: scale 1 (about 20k
customers, 60k orders, 1.1M sessions and 3.6M web events over two years, 4.7M
rows in all) takes about 4 s on two cores, more than a million rows a second.
Both cores are kept busy: the sessions and web events are built in two halves
on two threads (NumPy lets go of the GIL in its loops), files are formatted on
two more while the rest is generated, and the SQL part of the ground truth
runs beside the NumPy part. Each half has its own random stream and every
file is written in row order, so the same arguments always give
byte-identical files.

Files: CSV (optionally gzipped) with a header row, timestamps as ISO-8601 in
UTC (``2025-03-01T10:00:00Z``) except shop_orders, whose timestamps carry a
``+08:00`` offset (same instants) to exercise the loader's UTC normalisation;
dates ``YYYY-MM-DD``; money with 2 decimals in the row's currency; booleans
``true``/``false``; a missing value is an empty field. Parquet files carry the
same columns with typed values (timestamps as UTC instants). Ids are prefixed
strings (``C000001``, ``O0000001``, ``S00000001``, ``E000000001``, ...).

How the data hangs together (order first, then the traffic around it):

1. Customers sign up over the period; each owns 1-3 anonymous ids (devices).
   Time runs on a "business clock" (``Calendar``) whose days are stretched by
   weekly and yearly seasonality, growth and promotion peaks, so everything
   drawn uniformly on it inherits those shapes.
2. Each customer's orders are a renewal process: a first order after signup,
   then repeat orders with a planted per-channel repeat probability and
   lognormal gaps (the hazard of a repurchase decays with time since the last
   order). Guest orders come on top.
3. Web and app orders get a logged-in purchase session; sign-ups get a sign-up
   session; the remaining sessions of each channel group are drawn so that the
   group's session conversion rate is the planted one.
4. Every session is expanded to events with an ordered funnel, bounces,
   dwell times and page load times; sessions of one device never come within
   30 minutes of each other.
5. Experiments assign visitors 50/50; in the experiment with a true effect a
   share of the control group's purchases does not happen (the checkout is
   abandoned), which is the planted relative lift.
6. Orders get amounts (integer cents, so every identity is exact), payments,
   shipments, refunds, reviews, NPS answers and support tickets; inventory,
   ad spend and content stats are derived from the traffic and sales.
"""

from __future__ import annotations

import argparse
import collections
import ctypes
import dataclasses
import datetime as dt
import errno
import fcntl
import functools
import itertools
import json
import logging
import math
import os
import struct
import sys
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

if __package__ in (None, ""):  # run as a script: make `scripts` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts import data_profiles
from scripts.raw_contract import FILE_SUFFIXES, TABLES

if TYPE_CHECKING:
    import duckdb

LOG = logging.getLogger("generate_data")

Arr = np.ndarray
Frame = dict[str, np.ndarray]

DAY = 86_400
HOUR = 3_600
SESSION_TIMEOUT_S = 1_800
GENERATOR_VERSION = "1.0"
REPORTING_CURRENCY = "USD"
FORMATS = ("csv", "csv.gz", "parquet")
# shop_orders is written with +08:00 offsets in CSV so that the loader's
# UTC normalisation is exercised; every other table is written in UTC.
OFFSET_TABLE = "shop_orders"
OFFSET_TZ_HOURS = 8

# ---------------------------------------------------------------------------
# Contract: tables and columns (names and the Arrow type each is built with)
# ---------------------------------------------------------------------------

_S = pa.string()
_TS = pa.timestamp("s", tz="UTC")
_D = pa.date32()
_M = pa.decimal128(18, 2)
_I = pa.int64()
_I32 = pa.int32()  # web_events' millisecond counts: 32 bits halve the biggest table's numbers
_B = pa.bool_()
_R6 = pa.decimal128(18, 6)
_D1 = pa.decimal128(12, 1)
_D3 = pa.decimal128(12, 3)

# fmt: off
TABLE_SCHEMAS: dict[str, tuple[tuple[str, pa.DataType], ...]] = {
    "shop_customers": (
        ("customer_id", _S), ("email", _S), ("signup_at", _TS), ("country_code", _S),
        ("region", _S), ("city", _S), ("gender", _S), ("birth_year", _I),
        ("acquisition_channel", _S), ("is_test", _B), ("updated_at", _TS),
    ),
    "shop_products": (
        ("product_id", _S), ("sku", _S), ("product_name", _S), ("category", _S),
        ("brand", _S), ("list_price", _M), ("unit_cost", _M), ("currency", _S),
        ("weight_kg", _D3), ("created_at", _TS), ("is_active", _B),
    ),
    "shop_orders": (
        ("order_id", _S), ("customer_id", _S), ("status", _S), ("ordered_at", _TS),
        ("paid_at", _TS), ("cancelled_at", _TS), ("currency", _S), ("items_amount", _M),
        ("discount_amount", _M), ("shipping_amount", _M), ("tax_amount", _M),
        ("total_amount", _M), ("sales_channel", _S), ("device_type", _S),
        ("coupon_code", _S), ("session_id", _S), ("updated_at", _TS),
    ),
    "shop_order_items": (
        ("order_item_id", _S), ("order_id", _S), ("product_id", _S), ("quantity", _I),
        ("unit_price", _M), ("discount_amount", _M),
    ),
    "shop_payments": (
        ("payment_id", _S), ("order_id", _S), ("method", _S), ("status", _S),
        ("amount", _M), ("currency", _S), ("created_at", _TS),
    ),
    "shop_refunds": (
        ("refund_id", _S), ("order_id", _S), ("order_item_id", _S), ("quantity", _I),
        ("amount", _M), ("reason", _S), ("requested_at", _TS), ("refunded_at", _TS),
    ),
    "shop_shipments": (
        ("shipment_id", _S), ("order_id", _S), ("warehouse_id", _S), ("carrier", _S),
        ("shipping_mode", _S), ("distance_km", _D1), ("shipped_at", _TS),
        ("delivered_at", _TS), ("promised_delivery_at", _TS),
    ),
    "shop_inventory_snapshots": (
        ("snapshot_date", _D), ("product_id", _S), ("warehouse_id", _S),
        ("on_hand_qty", _I), ("unit_cost", _M),
    ),
    "shop_reviews": (
        ("review_id", _S), ("order_id", _S), ("product_id", _S), ("customer_id", _S),
        ("rating", _I), ("created_at", _TS), ("responded_at", _TS), ("resolved_at", _TS),
    ),
    "web_events": (
        ("event_id", _S), ("event_at", _TS), ("session_id", _S), ("anonymous_id", _S),
        ("customer_id", _S), ("event_name", _S), ("page_type", _S), ("page_url", _S),
        ("referrer", _S), ("utm_source", _S), ("utm_medium", _S), ("utm_campaign", _S),
        ("utm_content", _S), ("device_type", _S), ("country_code", _S), ("product_id", _S),
        ("order_id", _S), ("dwell_ms", _I32), ("page_load_ms", _I32),
    ),
    "marketing_ad_spend": (
        ("spend_date", _D), ("channel", _S), ("campaign_id", _S), ("campaign_name", _S),
        ("spend", _M), ("currency", _S), ("impressions", _I), ("clicks", _I),
    ),
    "marketing_content_stats": (
        ("stat_date", _D), ("content_id", _S), ("platform", _S), ("content_type", _S),
        ("published_at", _TS), ("impressions", _I), ("clicks", _I), ("likes", _I),
        ("comments", _I), ("shares", _I),
    ),
    "marketing_activity_participants": (
        ("activity_id", _S), ("customer_id", _S), ("registered_at", _TS),
        ("participated_at", _TS),
    ),
    "support_tickets": (
        ("ticket_id", _S), ("customer_id", _S), ("order_id", _S), ("channel", _S),
        ("category", _S), ("agent_id", _S), ("created_at", _TS), ("first_response_at", _TS),
        ("resolved_at", _TS), ("status", _S), ("escalated", _B), ("contacts_count", _I),
        ("csat_score", _I),
    ),
    "survey_nps": (
        ("response_id", _S), ("customer_id", _S), ("responded_at", _TS), ("score", _I),
    ),
    "experiment_assignments": (
        ("experiment_id", _S), ("variant", _S), ("anonymous_id", _S), ("assigned_at", _TS),
    ),
    "finance_exchange_rates": (
        ("rate_date", _D), ("currency", _S), ("rate_to_reporting", _R6),
    ),
    "org_headcount": (("month", _D), ("team", _S), ("headcount", _D1)),
}
# fmt: on
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(col for col, _ in cols) for name, cols in TABLE_SCHEMAS.items()
}

# ---------------------------------------------------------------------------
# Planted parameters
# ---------------------------------------------------------------------------

CHANNEL_GROUPS = (
    "direct",
    "organic_search",
    "paid_search",
    "organic_social",
    "paid_social",
    "display",
    "affiliate",
    "email",
    "referral",
)
NATURAL_GROUPS = ("organic_search", "organic_social", "direct", "referral")
_G = {name: i for i, name in enumerate(CHANNEL_GROUPS)}

# Probability that a session of the group ends with a purchase.
CONVERSION = {
    "direct": 0.060,
    "organic_search": 0.048,
    "paid_search": 0.055,
    "organic_social": 0.020,
    "paid_social": 0.026,
    "display": 0.012,
    "affiliate": 0.042,
    "email": 0.075,
    "referral": 0.038,
}
# Probability that a browsing (non-purchase, non-sign-up) session is a bounce.
BOUNCE = {
    "direct": 0.30,
    "organic_search": 0.34,
    "paid_search": 0.36,
    "organic_social": 0.46,
    "paid_social": 0.50,
    "display": 0.58,
    "affiliate": 0.35,
    "email": 0.28,
    "referral": 0.40,
}
# Channel group through which customers were acquired.
ACQUISITION_MIX = {
    "direct": 0.14,
    "organic_search": 0.22,
    "paid_search": 0.18,
    "organic_social": 0.08,
    "paid_social": 0.12,
    "display": 0.05,
    "affiliate": 0.07,
    "email": 0.06,
    "referral": 0.08,
}
# Probability of another order after each order, by acquisition channel group:
# the planted retention difference between channels.
REPEAT_PROB = {
    "direct": 0.85,
    "organic_search": 0.83,
    "paid_search": 0.77,
    "organic_social": 0.75,
    "paid_social": 0.67,
    "display": 0.63,
    "affiliate": 0.71,
    "email": 0.89,
    "referral": 0.85,
}
# Channel group of the purchase session of a repeat order.
REPEAT_SESSION_MIX = {
    "direct": 0.30,
    "organic_search": 0.19,
    "paid_search": 0.13,
    "organic_social": 0.04,
    "paid_social": 0.05,
    "display": 0.015,
    "affiliate": 0.045,
    "email": 0.19,
    "referral": 0.04,
}
ACQUISITION_TEXT = {
    "direct": ("direct", "Direct"),
    "organic_search": ("organic", "SEO", "Organic Search"),
    "paid_search": ("Google Ads", "cpc", "Bing Ads"),
    "organic_social": ("Instagram", "social"),
    "paid_social": ("facebook", "TikTok Ads", "paid_social"),
    "display": ("display", "Display Banner"),
    "affiliate": ("affiliate", "Rakuten Affiliate"),
    "email": ("Newsletter", "email"),
    "referral": ("referral", "Friend Referral"),
}


@dataclasses.dataclass(frozen=True)
class Params:
    """Scalar planted parameters (dictionaries live in module constants)."""

    customers_per_scale: int = 20_000
    products_max: int = 400
    test_account_share: float = 0.01
    signup_before_start_share: float = 0.12
    buyer_share: float = 0.85
    quick_first_order_share: float = 0.35
    first_order_delay_median_days: float = 20.0
    repeat_gap_median_days: float = 30.0
    repeat_gap_sigma: float = 0.9
    first_order_in_acquisition_channel: float = 0.65
    guest_order_share: float = 0.05
    marketplace_share: float = 0.10
    store_share: float = 0.07
    customer_session_share: float = 0.42
    sessions_per_anonymous_visitor: float = 2.6
    login_share: float = 0.55
    stitching_conflict_share: float = 0.005
    out_of_order_share: float = 0.03
    cancellation_rate: float = 0.05
    payment_failure_cancel_share: float = 0.5
    payment_attempt_failure_prob: float = 0.10
    bank_transfer_share: float = 0.06
    on_time_rate: float = 0.90
    refund_prob_on_time: float = 0.08
    refund_prob_late: float = 0.24
    refund_prob_store: float = 0.05
    partial_refund_prob_multi_line: float = 0.55
    refund_stuck_share: float = 0.08
    coupon_share_regular: float = 0.14
    coupon_share_peak: float = 0.42
    welcome_coupon_share: float = 0.30
    dwell_bought_median_s: float = 45.0
    dwell_bought_sigma: float = 0.7
    dwell_other_median_s: float = 14.0
    dwell_other_sigma: float = 0.9
    chat_first_response_median_s: float = 20.0
    chat_first_response_sigma: float = 0.9
    review_prob_on_time: float = 0.14
    review_prob_late: float = 0.30
    nps_response_prob: float = 0.10
    activity_participation_rate: float = 0.62


PARAMS = Params()

# Experiments: id, window start/end as fractions of the period, relative lift of
# purchase conversion in treatment (1.0 = A/A test).
EXPERIMENTS = (
    ("exp_checkout_redesign", 0.55, 0.65, 1.15),
    ("exp_aa_homepage_banner", 0.70, 0.78, 1.00),
)
# Review ratings 1..5 by delivery punctuality.
RATING_P_ON_TIME = (0.03, 0.04, 0.08, 0.30, 0.55)
RATING_P_LATE = (0.15, 0.15, 0.20, 0.25, 0.25)
# NPS scores 0..10 by delivery punctuality.
NPS_P_ON_TIME = (0.01, 0.01, 0.01, 0.02, 0.02, 0.03, 0.05, 0.10, 0.20, 0.25, 0.30)
NPS_P_LATE = (0.06, 0.05, 0.06, 0.07, 0.08, 0.10, 0.11, 0.12, 0.12, 0.11, 0.12)

COUNTRIES = ("US", "GB", "DE", "FR", "CN", "CA", "ES", "IT")
COUNTRY_P = (0.38, 0.14, 0.12, 0.09, 0.08, 0.06, 0.06, 0.07)
CURRENCIES = ("USD", "EUR", "GBP")
COUNTRY_CURRENCY = {
    "US": "USD",
    "CA": "USD",
    "CN": "USD",
    "GB": "GBP",
    "DE": "EUR",
    "FR": "EUR",
    "ES": "EUR",
    "IT": "EUR",
}
BASE_RATE_TO_USD = {"USD": 1.0, "EUR": 1.08, "GBP": 1.27}
TAX_BP = {"US": 725, "CA": 500}  # sales tax on top; EU/UK prices include VAT
FREE_SHIPPING_CENTS = {"USD": 4900, "EUR": 4500, "GBP": 3900}
SHIPPING_FEE_CENTS = {"USD": 499, "EUR": 449, "GBP": 399}
CITIES = {
    "US": (
        ("CA", "Los Angeles"),
        ("CA", "San Francisco"),
        ("NY", "New York"),
        ("TX", "Austin"),
        ("WA", "Seattle"),
        ("IL", "Chicago"),
        ("FL", "Miami"),
    ),
    "GB": (("England", "London"), ("England", "Manchester"), ("Scotland", "Edinburgh"), ("Wales", "Cardiff")),
    "DE": (
        ("Berlin", "Berlin"),
        ("Bavaria", "Munich"),
        ("Hamburg", "Hamburg"),
        ("North Rhine-Westphalia", "Cologne"),
    ),
    "FR": (
        ("Ile-de-France", "Paris"),
        ("Auvergne-Rhone-Alpes", "Lyon"),
        ("Provence-Alpes-Cote d'Azur", "Marseille"),
    ),
    "CN": (
        ("Shanghai", "Shanghai"),
        ("Beijing", "Beijing"),
        ("Guangdong", "Shenzhen"),
        ("Zhejiang", "Hangzhou"),
    ),
    "CA": (("Ontario", "Toronto"), ("British Columbia", "Vancouver"), ("Quebec", "Montreal")),
    "ES": (("Madrid", "Madrid"), ("Catalonia", "Barcelona")),
    "IT": (("Lazio", "Rome"), ("Lombardy", "Milan")),
}
DEVICES = ("desktop", "mobile", "tablet", "app")
DEVICE_P = (0.38, 0.37, 0.07, 0.18)
PAGE_LOAD_MEDIAN_MS = (1100.0, 1700.0, 1500.0, 550.0)

CATEGORIES = (
    # name, median list price (USD), share of catalogue, median weight (kg)
    ("apparel", 35.0, 0.20, 0.4),
    ("shoes", 80.0, 0.10, 1.0),
    ("electronics", 130.0, 0.10, 0.8),
    ("home", 45.0, 0.14, 1.5),
    ("beauty", 25.0, 0.12, 0.3),
    ("sports", 55.0, 0.09, 1.2),
    ("toys", 30.0, 0.08, 0.6),
    ("books", 16.0, 0.07, 0.5),
    ("outdoor", 85.0, 0.05, 2.0),
    ("accessories", 28.0, 0.05, 0.2),
)
NOUNS = {
    "apparel": ("T-Shirt", "Hoodie", "Jacket", "Dress"),
    "shoes": ("Sneaker", "Boot", "Sandal"),
    "electronics": ("Headphones", "Speaker", "Charger", "Smartwatch"),
    "home": ("Lamp", "Mug Set", "Cushion", "Blanket"),
    "beauty": ("Serum", "Lip Balm", "Shampoo"),
    "sports": ("Yoga Mat", "Dumbbell", "Water Bottle"),
    "toys": ("Puzzle", "Building Set", "Plush"),
    "books": ("Cookbook", "Novel", "Travel Guide"),
    "outdoor": ("Tent", "Backpack", "Sleeping Bag"),
    "accessories": ("Wallet", "Sunglasses", "Cap", "Scarf"),
}
BRANDS = (
    "Northwind",
    "Contoso",
    "Fabrikam",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Vandelay",
    "Acme",
    "Soylent",
)
ADJECTIVES = ("Classic", "Essential", "Pro", "Lite", "Urban", "Eco", "Premium", "Everyday")
WAREHOUSES = ("WH-US-01", "WH-EU-01")
INVENTORY_COVER_DAYS = (2.0, 11.0)  # reorder point, in days of demand; lead time 3-10 days
CARRIERS = (("UPS", "FedEx", "USPS"), ("DHL", "DPD", "Royal Mail"))
SHIP_MODES = ("ground", "air", "express")
SHIP_MODE_P = (0.70, 0.15, 0.15)
PROMISE_DAYS = (5, 4, 2)
PAYMENT_METHODS = ("card", "paypal", "voucher", "bank_transfer", "alipay", "wechat_pay")
REFUND_REASONS = ("damaged", "wrong_size", "not_as_described", "changed_mind", "late_delivery", "other")
REFUND_REASON_P_ON_TIME = (0.22, 0.30, 0.20, 0.23, 0.0, 0.05)
REFUND_REASON_P_LATE = (0.10, 0.0, 0.10, 0.0, 0.70, 0.10)
STATUSES = ("pending", "paid", "shipped", "delivered", "cancelled", "refunded")
SALES_CHANNELS = ("web", "app", "marketplace", "store")
COUPONS = (  # code, discount in basis points
    ("WELCOME10", 1000),
    ("SAVE10", 1000),
    ("SPRING15", 1500),
    ("SINGLES11", 1100),
    ("BFCM20", 2000),
    ("XMAS15", 1500),
)
TICKET_CHANNELS = ("chat", "email", "phone", "social")
TICKET_CHANNEL_P = (0.42, 0.30, 0.18, 0.10)
# First response time per ticket channel: lognormal median (s) and sigma.
FIRST_RESPONSE = {
    "chat": (20.0, 0.9),
    "email": (3 * 3600.0, 0.9),
    "phone": (45.0, 0.8),
    "social": (1.5 * 3600.0, 1.0),
}
TICKET_CATEGORIES = ("pre_sale", "after_sale", "complaint", "dispute", "other")
RESOLUTION_MEDIAN_H = (0.5, 6.0, 20.0, 60.0, 4.0)
ESCALATION_P = (0.03, 0.05, 0.12, 0.35, 0.04)
TICKET_STATUSES = ("open", "pending", "resolved", "closed")
TEAMS = ("operations", "customer_service", "marketing", "engineering", "finance")

PEAK_NAMES = ("singles_day", "black_friday_cyber_monday", "year_end")
PEAK_MULTIPLIER = (2.6, 2.2, 1.45)
WEEKDAY_FACTOR = np.array([0.97, 0.95, 0.95, 0.98, 1.00, 1.07, 1.10])  # Monday first
# fmt: off
HOUR_PROFILE = np.array([
    0.35, 0.25, 0.18, 0.15, 0.15, 0.20, 0.35, 0.60, 0.85, 1.00, 1.05, 1.10,
    1.15, 1.10, 1.05, 1.05, 1.10, 1.20, 1.35, 1.50, 1.60, 1.55, 1.20, 0.70,
])
# fmt: on

SHOP_URL = "https://shop.example.com"
SEARCH_REFERRERS = ("https://www.google.com/", "https://www.bing.com/", "https://duckduckgo.com/")
SEARCH_REFERRER_P = (0.82, 0.12, 0.06)
SOCIAL_REFERRERS = ("https://www.instagram.com/", "https://www.facebook.com/", "https://www.tiktok.com/")
SOCIAL_REFERRER_P = (0.45, 0.35, 0.20)
# Sites whose domains match no rule of seeds/channel_grouping.csv but the
# catch-all referral rule.
REFERRAL_SITES = (
    "https://www.outdoorgearlab.com/",
    "https://news.ycombinator.com/",
    "https://www.dealnews.com/",
    "https://blog.stylemag.net/",
    "https://forum.hikingproject.org/",
)
CONTENT_TRAFFIC_SHARE = 0.40  # of organic_social sessions, the rest come by referrer
CONTENT_PLATFORMS = ("instagram", "youtube", "blog")
CONTENT_PLATFORM_P = (0.45, 0.25, 0.30)
N_CONTENT = 40
N_CONTENT_BEFORE_START = 8

# Campaigns: id, name, channel group, utm_source, currency, cpc (cents),
# click-through rate, weight within the group, runs on peak days only.
# fmt: off
CAMPAIGNS = (
    ("ps_google_brand", "Google Search - Brand", "paid_search", "google", "USD", 45, 0.08, 0.35, False),
    ("ps_google_generic", "Google Search - Generic", "paid_search", "google", "USD", 120, 0.035, 0.35, False),
    ("ps_bing_generic", "Bing Search - Generic", "paid_search", "bing", "USD", 85, 0.03, 0.12, False),
    ("ps_google_eu", "Google Search - EU", "paid_search", "google", "EUR", 105, 0.04, 0.18, False),
    ("ps_google_peak_deals", "Google Search - Peak Deals", "paid_search", "google", "USD", 160, 0.05, 0.60, True),
    ("psoc_facebook_prospecting", "Facebook - Prospecting", "paid_social", "facebook", "USD", 90, 0.012, 0.45, False),
    ("psoc_facebook_retargeting", "Facebook - Retargeting EU", "paid_social", "facebook", "EUR", 70, 0.02, 0.25, False),
    ("psoc_tiktok_awareness", "TikTok - Awareness", "paid_social", "tiktok", "USD", 55, 0.01, 0.30, False),
    ("disp_gdn_remarketing", "GDN - Remarketing", "display", "gdn", "USD", 40, 0.004, 0.60, False),
    ("disp_gdn_prospecting", "GDN - Prospecting EU", "display", "gdn", "EUR", 30, 0.002, 0.40, False),
    ("aff_rakuten", "Rakuten - Always On", "affiliate", "rakuten", "USD", 60, 0.01, 0.40, False),
    ("aff_awin_uk", "Awin - UK", "affiliate", "awin", "GBP", 50, 0.01, 0.35, False),
    ("aff_cj", "CJ - Coupons", "affiliate", "cj", "USD", 55, 0.01, 0.25, False),
    ("em_weekly_newsletter", "Weekly Newsletter", "email", "newsletter", "USD", 3, 0.03, 0.50, False),
    ("em_promo_blast", "Promo Blast", "email", "newsletter", "USD", 3, 0.04, 0.30, False),
    ("em_winback", "Win-back Flow", "email", "newsletter", "USD", 4, 0.02, 0.20, False),
)
# fmt: on
UTM_MEDIUM = {
    "paid_search": "cpc",
    "paid_social": "paid_social",
    "display": "display",
    "affiliate": "affiliate",
    "email": "email",
    "organic_social": "social",
}
UTM_SOURCES = tuple(sorted({c[3] for c in CAMPAIGNS} | set(CONTENT_PLATFORMS)))
UTM_MEDIUMS = tuple(UTM_MEDIUM.values())

EVENT_NAMES = (
    "page_view",
    "product_view",
    "search",
    "add_to_cart",
    "remove_from_cart",
    "begin_checkout",
    "purchase",
    "sign_up",
    "login",
)
PAGE_TYPES = ("home", "category", "product", "search", "cart", "checkout", "confirmation", "content", "other")
# Event slots of a session, in canonical (funnel) order.
N_SLOTS = 9
SLOT_LANDING, SLOT_LOGIN, SLOT_PAGE, SLOT_SEARCH, SLOT_PV = 0, 1, 2, 3, 4
SLOT_ATC, SLOT_RM, SLOT_BC, SLOT_PURCHASE = 5, 6, 7, 8
SLOT_EVENT = np.array([0, 8, 0, 2, 1, 3, 4, 5, 6])  # index into EVENT_NAMES
SLOT_PAGE_TYPE = np.array([0, 8, 1, 3, 2, 2, 4, 5, 6])  # index into PAGE_TYPES
SLOT_GAP_MEDIAN_S = np.array([0.0, 20.0, 0.0, 0.0, 0.0, 8.0, 6.0, 90.0, 1.0])
KIND_BROWSE, KIND_SIGNUP, KIND_PURCHASE, KIND_CONFLICT, KIND_ABANDONED = range(5)
LOGIN_NONE, LOGIN_REMEMBERED, LOGIN_EVENT, LOGIN_SIGNUP = range(4)


# ---------------------------------------------------------------------------
# Small helpers: cumulative sums, Arrow array builders
# ---------------------------------------------------------------------------


def cumsum0(x: Arr) -> Arr:
    """Exclusive cumulative sum with a leading zero (length len(x) + 1)."""
    out = np.zeros(len(x) + 1, dtype=np.int64)
    np.cumsum(x, out=out[1:])
    return out


def stable_argsort(key: Arr) -> Arr:
    """np.argsort(key, kind="stable") for an integer key, much faster: key and
    position packed into one int64 and sorted with NumPy's SIMD sort (ties keep
    their order through the position bits)."""
    n = len(key)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    lo = int(key.min())
    pos_bits = (n - 1).bit_length()
    if (int(key.max()) - lo).bit_length() + pos_bits > 62:
        return np.argsort(key, kind="stable")
    packed = (key.astype(np.int64) - lo) << pos_bits
    packed |= np.arange(n)
    packed.sort()
    return packed & ((1 << pos_bits) - 1)


def sort_by(primary: Arr, secondary: Arr) -> Arr:
    """Stable order by (primary, secondary): two stable sorts, least significant first."""
    order = stable_argsort(secondary)
    return order[stable_argsort(primary[order])]


def lognormal(rng: np.random.Generator, median: float | Arr, sigma: float | Arr, n: int) -> Arr:
    """Lognormal draws given the median instead of the log-mean."""
    return rng.lognormal(np.log(median), sigma, n)


def lognormal32(rng: np.random.Generator, median: float | Arr, sigma: float, n: int) -> Arr:
    """Single-precision ``lognormal`` (twice as fast), for the millions of event timings."""
    x = rng.standard_normal(n, dtype=np.float32)
    x *= np.float32(sigma)
    x += np.log(np.asarray(median, dtype=np.float32))
    return np.exp(x, out=x)


def searchsorted_right(edges: Arr, x: Arr) -> Arr:
    """np.searchsorted(edges, x, side="right") for sorted edges, same result,
    several times faster for many x: the range of the edges is cut into cells,
    and a value whose cell and both neighbours hold no edge gets the answer
    from a table (the neighbours absorb any rounding in finding the cell); the
    few other values are searched."""
    if len(x) < 50_000 or not 0 < len(edges) <= 100_000:
        return np.searchsorted(edges, x, side="right")
    lo, hi = float(edges[0]), float(edges[-1])
    m = 8 * len(edges)
    width = (hi - lo) / m
    if not width > 0:
        return np.searchsorted(edges, x, side="right")
    # Answers at -inf, every cell boundary and +inf; a cell's answer when its
    # neighbourhood agrees, else -1.
    bound = np.searchsorted(edges, lo + np.arange(m + 1) * width, side="right")
    at = np.concatenate([[0], bound, [len(edges)]])
    table = np.where(at[:m] == at[3:], at[:m], -1).astype(np.int32)
    cell = x * (1.0 / width)
    cell -= lo / width
    np.clip(cell, 0, m - 1, out=cell)
    out = table[cell.astype(np.int32)].astype(np.int64)
    miss = np.flatnonzero(out < 0)
    out[miss] = np.searchsorted(edges, x[miss], side="right")
    return out


def pick(rng: np.random.Generator, probs: Sequence[float] | Arr, n: int) -> Arr:
    """Categorical draws (int64 indices) from a probability vector."""
    p = np.asarray(probs, dtype=float)
    return np.minimum(searchsorted_right(np.cumsum(p / p.sum()), rng.random(n)), len(p) - 1)


def poisson(rng: np.random.Generator, lam: float, n: int) -> Arr:
    """Poisson draws with a small mean, by inverting the distribution
    function: faster than ``rng.poisson`` for millions."""
    if lam <= 0:
        return np.zeros(n, dtype=np.int64)
    k = np.arange(int(lam + 12 * math.sqrt(lam) + 12))
    pmf = np.exp(k * math.log(lam) - lam - np.array([math.lgamma(x + 1.0) for x in k]))
    return pick(rng, pmf, n)


def pick_sorted(rng: np.random.Generator, probs: Arr, n: int) -> Arr:
    """Like ``pick``, the draws in ascending order: much faster over many
    categories (sorted lookups stay in cache); for draws whose order does not matter."""
    p = np.asarray(probs, dtype=float)
    u = rng.random(n)
    u.sort()
    return np.minimum(np.searchsorted(np.cumsum(p / p.sum()), u, side="right"), len(p) - 1)


def _validity(valid: Arr | None) -> pa.Buffer | None:
    if valid is None or bool(valid.all()):
        return None
    return pa.py_buffer(np.packbits(valid.astype(np.uint8), bitorder="little"))


@functools.cache
def _digit_text(width: int) -> Arr:
    """All numbers below 10**width as zero-padded fixed-width bytes (width <= 4)."""
    assert width <= 4, width
    n = np.arange(10**width)
    digits = np.stack([n // 10 ** (width - 1 - k) % 10 for k in range(width)], axis=1) + ord("0")
    return digits.astype(np.uint8).view(f"S{width}").ravel()


def _string_array(records: Arr, valid: Arr | None) -> pa.Array:
    """Arrow string array over packed fixed-width byte records (no copy)."""
    n, rec = len(records), records.dtype.itemsize
    offsets = np.arange(n + 1, dtype=np.int64) * rec
    data = pa.py_buffer(records.view(np.uint8))
    if n * rec >= 2**31:
        return pa.Array.from_buffers(
            pa.large_string(), n, [_validity(valid), pa.py_buffer(offsets), data]
        ).cast(pa.string())
    return pa.Array.from_buffers(
        pa.string(), n, [_validity(valid), pa.py_buffer(offsets.astype(np.int32)), data]
    )


def zero_padded(nums: Arr, width: int) -> Arr:
    """Non-negative integers as zero-padded text of a fixed width (S<width>),
    built from 4-digit groups looked up in a table."""
    lead = width % 4 or 4
    n_groups = (width - lead) // 4
    rec = np.empty(len(nums), dtype=[("g0", f"S{lead}")] + [(f"g{i}", "S4") for i in range(1, n_groups + 1)])
    x = np.asarray(nums)
    if len(x) and x.max() < 2**31:
        x = x.astype(np.int32)  # 32-bit division is the faster
    for i in range(n_groups, 0, -1):
        x, group = np.divmod(x, 10_000)
        rec[f"g{i}"] = np.take(_digit_text(4), group)
    rec["g0"] = np.take(_digit_text(lead), x)
    return rec.view(f"S{width}")


def str_ids(prefix: str, nums: Arr, width: int, valid: Arr | None = None, suffix: str = "") -> pa.Array:
    """Fixed-width ids like ``C000123``: packed records of prefix, digits and
    suffix (no per-row Python)."""
    nums = np.maximum(np.ascontiguousarray(nums, dtype=np.int64), 0)
    if len(nums):
        width = max(width, len(str(int(nums.max()))))
    parts = [("p", prefix.encode()), ("d", b"0" * width), ("s", suffix.encode())]
    rec = np.empty(len(nums), dtype=[(k, f"S{len(v)}") for k, v in parts if v])
    for k, v in parts:
        if v and k != "d":
            rec[k] = v
    rec["d"] = zero_padded(nums, width)
    return _string_array(rec, valid)


def seq_ids(prefix: str, n: int, width: int, suffix: str = "", first: int = 1) -> pa.Array:
    """``str_ids`` of first..first+n-1, faster: the digit groups of consecutive
    numbers repeat regularly, so they are repeated instead of computed (event ids)."""
    width = max(width, len(str(first + n - 1)))
    lead = width % 4 or 4
    n_groups = (width - lead) // 4
    pre, suf = prefix.encode(), suffix.encode()
    fields = [("p", f"S{len(pre)}")] if pre else []
    fields += [("g0", f"S{lead}")] + [(f"g{i}", "S4") for i in range(1, n_groups + 1)]
    fields += [("s", f"S{len(suf)}")] if suf else []
    rec = np.empty(n, dtype=np.dtype(fields))
    if pre:
        rec["p"] = pre
    if suf:
        rec["s"] = suf
    last = first + n - 1
    for i in range(n_groups + 1):
        texts = _digit_text(lead if i == 0 else 4)
        step = 10 ** (4 * (n_groups - i))  # the group of x is texts[(x // step) % len(texts)]
        if step == 1:
            skip = first % len(texts)
            rec[f"g{i}"] = np.tile(texts, (skip + n) // len(texts) + 1)[skip : skip + n]
            continue
        k = np.arange(first // step, last // step + 1)
        count = np.minimum(last, (k + 1) * step - 1) - np.maximum(first, k * step) + 1
        rec[f"g{i}"] = np.repeat(texts[k % len(texts)], count)
    return _string_array(rec, None)


def emails(is_test: Arr) -> pa.Array:
    """``user000001@example.com`` by customer number; ``test...`` for test accounts."""
    width = max(6, len(str(len(is_test))))
    rec = np.empty(len(is_test), dtype=[("p", "S4"), ("d", f"S{width}"), ("s", "S12")])
    rec["p"] = np.where(is_test, b"test", b"user")
    rec["d"] = zero_padded(np.arange(1, len(is_test) + 1), width)
    rec["s"] = b"@example.com"
    return _string_array(rec, None)


@functools.lru_cache(maxsize=256)
def label_array(labels: tuple[str, ...]) -> pa.Array:
    """One Arrow array per label list, so that the tables and record batches
    using it share the dictionary (and the CSV writer formats it once)."""
    return pa.array(labels, pa.string())


def str_take(labels: pa.Array | Sequence[str], idx: Arr) -> pa.Array:
    """labels[idx] as a dictionary-encoded string array; negative indices are NULL.

    Dictionary arrays cost nothing to build and DuckDB and Parquet read them as
    plain strings, so even million-row reference columns stay cheap."""
    lab = labels if isinstance(labels, pa.Array) else label_array(tuple(labels))
    idx = np.asarray(idx)
    valid = idx >= 0
    # The narrowest index type (most columns have a few labels: 1 byte a row);
    # indices in range under NULLs too, as readers may look at them.
    itype = next(t for t in (np.int8, np.int16, np.int32) if len(lab) <= np.iinfo(t).max)
    codes = np.maximum(idx, 0).astype(itype, copy=False)
    indices = pa.Array.from_buffers(
        pa.from_numpy_dtype(itype), len(codes), [_validity(valid), pa.py_buffer(codes)]
    )
    return pa.DictionaryArray.from_arrays(indices, lab, safe=False)


def ts_arr(sec: Arr, valid: Arr | None = None) -> pa.Array:
    """Epoch seconds (int64) as a UTC timestamp array."""
    s = np.ascontiguousarray(sec, dtype=np.int64)
    return pa.Array.from_buffers(_TS, len(s), [_validity(valid), pa.py_buffer(s)])


def civil_from_days(days: Arr) -> tuple[Arr, Arr, Arr]:
    """(year, month, day) of days since 1970-01-01 (proleptic Gregorian)."""
    z = np.asarray(days, dtype=np.int64) + 719_468
    era = np.floor_divide(z, 146_097)
    doe = z - era * 146_097
    yoe = (doe - doe // 1_460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


def date_arr(epoch_days: Arr) -> pa.Array:
    d = np.ascontiguousarray(epoch_days, dtype=np.int32)
    return pa.Array.from_buffers(_D, len(d), [None, pa.py_buffer(d)])


def dec_arr(units: Arr, typ: pa.DataType = _M, valid: Arr | None = None) -> pa.Array:
    """Integer minor units (cents for money) as an exact decimal array."""
    u = np.ascontiguousarray(units, dtype=np.int64)
    buf = np.empty((len(u), 2), dtype=np.int64)
    buf[:, 0] = u
    buf[:, 1] = u >> 63
    return pa.Array.from_buffers(typ, len(u), [_validity(valid), pa.py_buffer(buf)])


def int_arr(x: Arr, valid: Arr | None = None, typ: pa.DataType = _I) -> pa.Array:
    x = np.ascontiguousarray(x, dtype=typ.to_pandas_dtype())
    return pa.Array.from_buffers(typ, len(x), [_validity(valid), pa.py_buffer(x)])


def make_table(name: str, cols: dict[str, pa.Array]) -> pa.Table:
    """Assemble a contract table, checking names and casting to the contract types."""
    schema = TABLE_SCHEMAS[name]
    missing = [c for c, _ in schema if c not in cols]
    extra = [c for c in cols if c not in TABLE_COLUMNS[name]]
    if missing or extra:
        raise RuntimeError(f"{name}: missing {missing}, unexpected {extra}")
    arrays = []
    for c, typ in schema:
        a = cols[c]
        is_dict_str = pa.types.is_dictionary(a.type) and a.type.value_type == pa.string()
        arrays.append(a if a.type == typ or (typ == _S and is_dict_str) else a.cast(typ))
    return pa.Table.from_arrays(arrays, names=[c for c, _ in schema])


def subset(frame: Frame, mask_or_idx: Arr) -> Frame:
    return {k: v[mask_or_idx] for k, v in frame.items()}


def concat_frames(frames: Sequence[Frame]) -> Frame:
    keys = frames[0].keys()
    return {k: np.concatenate([f[k] for f in frames]) for k in keys}


# ---------------------------------------------------------------------------
# Calendar: the business clock
# ---------------------------------------------------------------------------


def peak_windows(start: dt.date, end: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """Promotion peaks overlapping [start, end]: Singles' Day (11-11), Black
    Friday to Cyber Monday and year end (Dec 15-31).

    Black Friday is the day after US Thanksgiving (the 4th Thursday of
    November), which is the 4th Friday except when November starts on a Friday
    (e.g. 2024: Thanksgiving Nov 28, Black Friday Nov 29)."""
    out = []
    for year in range(start.year, end.year + 1):
        nov1 = dt.date(year, 11, 1)
        thanksgiving = nov1 + dt.timedelta(days=(3 - nov1.weekday()) % 7 + 21)
        black_friday = thanksgiving + dt.timedelta(days=1)
        for name, a, b in (
            ("singles_day", dt.date(year, 11, 11), dt.date(year, 11, 11)),
            ("black_friday_cyber_monday", black_friday, black_friday + dt.timedelta(days=3)),
            ("year_end", dt.date(year, 12, 15), dt.date(year, 12, 31)),
        ):
            if a <= end and b >= start:
                out.append((name, a, b))
    return out


@dataclasses.dataclass(frozen=True)
class Calendar:
    """Maps "business time" u (in average days since start) to epoch seconds.

    Day d of the period lasts weight[d] units of u (weights have mean 1), and
    within a day the hour profile stretches busy hours, so any process drawn
    uniformly in u follows the weekly, yearly, growth and peak shapes.
    """

    start: dt.date
    end: dt.date
    n_days: int
    epoch0: int
    now: int
    weight: Arr
    cum: Arr
    hour_cdf: Arr
    peak_code: Arr
    peaks: tuple[tuple[str, dt.date, dt.date], ...]

    @classmethod
    def build(cls, start: dt.date, end: dt.date) -> Calendar:
        n = (end - start).days + 1
        epoch_day0 = (start - dt.date(1970, 1, 1)).days
        days = np.arange(n)
        d64 = np.datetime64(start, "D") + days
        doy = (d64 - d64.astype("datetime64[Y]").astype("datetime64[D]")).astype(np.int64)
        weekday = (epoch_day0 + days + 3) % 7
        peaks = peak_windows(start, end)
        peak_code = np.full(n, -1, dtype=np.int64)
        mult = np.ones(n)
        for name, a, b in peaks:
            lo, hi = max(0, (a - start).days), min(n - 1, (b - start).days)
            k = PEAK_NAMES.index(name)
            peak_code[lo : hi + 1] = k
            mult[lo : hi + 1] = PEAK_MULTIPLIER[k]
        w = (
            WEEKDAY_FACTOR[weekday]
            * (1 + 0.12 * np.cos(2 * np.pi * (doy - 340) / 365.25))
            * (1 + 0.25 * days / 365.25)
            * mult
        )
        w = w * n / w.sum()
        cum = np.concatenate([[0.0], np.cumsum(w)])
        cum[-1] = float(n)
        hour_cdf = np.concatenate([[0.0], np.cumsum(HOUR_PROFILE) / HOUR_PROFILE.sum()])
        epoch0 = epoch_day0 * DAY
        return cls(start, end, n, epoch0, epoch0 + n * DAY, w, cum, hour_cdf, peak_code, tuple(peaks))

    def to_epoch(self, u: Arr) -> Arr:
        """Business time -> epoch seconds (u < 0: plain days before the start)."""
        u = np.asarray(u, dtype=float)
        day = np.clip(searchsorted_right(self.cum, u) - 1, 0, self.n_days - 1)
        frac = np.clip((u - self.cum[day]) / self.weight[day], 0.0, 1.0 - 1e-9)
        sec = np.interp(frac, self.hour_cdf, np.arange(25) * float(HOUR))
        t = self.epoch0 + day * DAY + sec.astype(np.int64)
        before = u < 0
        t[before] = self.epoch0 + np.floor(u[before] * DAY).astype(np.int64)
        return np.minimum(t, self.now - 1)

    def to_u(self, t: Arr) -> Arr:
        """Epoch seconds -> business time (inverse of ``to_epoch``)."""
        t = np.asarray(t, dtype=np.int64)
        rel = t - self.epoch0
        day = np.clip(rel // DAY, 0, self.n_days - 1)
        frac = np.interp(rel - day * DAY, np.arange(25) * float(HOUR), self.hour_cdf)
        u = self.cum[day] + frac * self.weight[day]
        return np.where(rel < 0, rel / DAY, u)

    def day_of(self, t: Arr) -> Arr:
        return (np.asarray(t, dtype=np.int64) - self.epoch0) // DAY


# ---------------------------------------------------------------------------
# Catalogue, customers, devices
# ---------------------------------------------------------------------------


def gen_products(rng: np.random.Generator, n: int, cal: Calendar) -> Frame:
    cat = pick(rng, [c[2] for c in CATEGORIES], n)
    median = np.array([c[1] for c in CATEGORIES])[cat]
    dollars = np.maximum(3, np.floor(lognormal(rng, median, 0.45, n))).astype(np.int64)
    list_cents = dollars * 100 - 1  # x.99 pricing
    cost = np.round(list_cents * rng.uniform(0.35, 0.62, n)).astype(np.int64)
    price = np.empty((n, len(CURRENCIES)), dtype=np.int64)
    for k, cur in enumerate(CURRENCIES):
        local = np.maximum(1, np.round(list_cents / BASE_RATE_TO_USD[cur] / 100.0))
        price[:, k] = local.astype(np.int64) * 100 - 1
    weight_g = np.maximum(
        50, np.round(lognormal(rng, np.array([c[3] for c in CATEGORIES])[cat], 0.5, n) * 1000)
    ).astype(np.int64)
    popularity = 1.0 / (np.arange(n) + 3.0) ** 1.0
    popularity = rng.permutation(popularity)
    return {
        "category": cat,
        "brand": rng.integers(0, len(BRANDS), n),
        "adjective": rng.integers(0, len(ADJECTIVES), n),
        "noun": rng.integers(0, 4, n),
        "list_cents": list_cents,
        "cost_cents": cost,
        "price": price,
        "weight_g": weight_g,
        "created_at": cal.epoch0 - rng.integers(30 * DAY, 900 * DAY, n),
        "active": rng.random(n) < 0.95,
        "popularity": popularity / popularity.sum(),
    }


def gen_customers(rng: np.random.Generator, cal: Calendar, n: int, p: Params) -> Frame:
    country = pick(rng, COUNTRY_P, n)
    n_city = np.array([len(CITIES[c]) for c in COUNTRIES])
    city_start = cumsum0(n_city)[:-1]
    city = city_start[country] + (rng.random(n) * n_city[country]).astype(np.int64)
    group = pick(rng, [ACQUISITION_MIX[g] for g in CHANNEL_GROUPS], n)
    n_text = np.array([len(ACQUISITION_TEXT[g]) for g in CHANNEL_GROUPS])
    text = cumsum0(n_text)[:-1][group] + (rng.random(n) * n_text[group]).astype(np.int64)
    before = rng.random(n) < p.signup_before_start_share
    u = np.where(before, -rng.uniform(0.01, 365.0, n), rng.uniform(0.0, cal.n_days, n))
    signup_at = cal.to_epoch(u)
    age = np.clip(np.round(rng.normal(37, 12, n)), 16, 85).astype(np.int64)
    birth_year = np.where(rng.random(n) < 0.04, -1, cal.end.year - age)
    is_test = np.zeros(n, dtype=bool)
    n_test = max(2, round(p.test_account_share * n))
    is_test[rng.choice(n, size=n_test, replace=False)] = True
    frame = {
        "country": country,
        "city": city,
        "region_missing": rng.random(n) < 0.03,
        "gender": pick(rng, (0.48, 0.46, 0.06), n),
        "birth_year": birth_year,
        "group": group,
        "text": text,
        "signup_at": signup_at,
        "is_test": is_test,
        "n_anon": 1 + pick(rng, (0.55, 0.30, 0.15), n),
    }
    # Customer numbers follow signup order.
    frame = subset(frame, np.argsort(signup_at, kind="stable"))
    frame["u_signup"] = cal.to_u(frame["signup_at"])
    frame["anon_start"] = cumsum0(frame["n_anon"])[:-1]
    return frame


# ---------------------------------------------------------------------------
# Orders (skeleton): who buys when, through which channel
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Sessions and web events
# ---------------------------------------------------------------------------


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


def run_experiments(
    rng: np.random.Generator, cal: Calendar, sess: Frame
) -> tuple[Frame, Arr, list[dict[str, Any]]]:
    """Assign visitors 50/50 at their first session in each window and apply the
    planted effect: in control, 1 - 1/lift of the purchases do not happen.

    Returns (assignments, mask of purchase sessions turned into abandoned
    checkouts, experiment definitions)."""
    frames, defs = [], []
    abandon = np.zeros(len(sess["kind"]), dtype=bool)
    for e, (exp_id, f0, f1, lift) in enumerate(EXPERIMENTS):
        ws = cal.epoch0 + round(f0 * cal.n_days) * DAY
        we = cal.epoch0 + round(f1 * cal.n_days) * DAY
        defs.append({"experiment_id": exp_id, "start_at": ws, "end_at": we, "lift": lift})
        in_win = np.flatnonzero((sess["start"] >= ws) & (sess["start"] < we))
        order = in_win[np.lexsort((sess["start"][in_win], sess["anon"][in_win]))]
        vis, first = np.unique(sess["anon"][order], return_index=True)
        first_start = sess["start"][order][first]
        assigned = np.maximum(ws, first_start - rng.integers(1, 60, len(vis)))
        treat = rng.random(len(vis)) < 0.5
        frames.append({"exp": np.full(len(vis), e), "anon": vis, "treat": treat, "at": assigned})
        if lift != 1.0:
            pos = np.searchsorted(vis, sess["anon"][in_win])
            hit = (sess["kind"][in_win] == KIND_PURCHASE) & ~treat[pos]
            hit &= rng.random(len(in_win)) < 1.0 - 1.0 / lift
            abandon[in_win[hit]] = True
    return concat_frames(frames), abandon, defs


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


# ---------------------------------------------------------------------------
# Order details: amounts, lifecycle, payments, shipments, refunds
# ---------------------------------------------------------------------------


def build_order_details(
    rng: np.random.Generator, cal: Calendar, orders: Frame, lines: Frame, prod: Frame, p: Params
) -> tuple[Frame, Frame, Frame, Frame, Frame]:
    """Fill in amounts and the order lifecycle. Returns (orders, lines,
    payments, shipments, refunds); orders and lines are extended in place."""
    no = len(orders["t"])
    now = cal.now
    t = orders["t"]
    country_code = np.array(COUNTRIES)[orders["country"]]
    cur = np.array([CURRENCIES.index(COUNTRY_CURRENCY[c]) for c in COUNTRIES])[orders["country"]]
    orders["currency"] = cur
    lo = lines["order"]
    unit = prod["price"][lines["product"], cur[lo]]
    gross = unit * lines["qty"]
    # Coupons: more in promotion peaks, welcome codes on first orders.
    peak = cal.peak_code[cal.day_of(t)]
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

    # Payment attempts.
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
    n_attempt = n_fail + ~pay_fail
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

    # Fulfilment and delivery.
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
    delivered_time = np.where(store, paid, delivered)

    # Refunds: more after late deliveries; some partial, some not refunded yet.
    p_ref = np.where(store, p.refund_prob_store, np.where(late, p.refund_prob_late, p.refund_prob_on_time))
    requested = delivered_time + lognormal(rng, 3.5 * DAY, 0.8, no).astype(np.int64)
    refund = is_delivered & ~cancel & (rng.random(no) < p_ref) & (requested < now)
    ro = np.flatnonzero(refund)
    nr = len(ro)
    line_off = cumsum0(orders["nlines"])
    partial = (orders["nlines"][ro] >= 2) & (rng.random(nr) < p.partial_refund_prob_multi_line)
    line = line_off[ro] + (rng.random(nr) * orders["nlines"][ro]).astype(np.int64)
    qty_line = lines["qty"][line]
    q_ref = 1 + (rng.random(nr) * qty_line).astype(np.int64)
    amount = np.where(partial, lines["merch"][line] * q_ref // qty_line, merch[ro])
    refunded_at = requested[ro] + lognormal(rng, 3 * DAY, 0.6, nr).astype(np.int64)
    done = (rng.random(nr) >= p.refund_stuck_share) & (refunded_at < now)
    reason = np.where(late[ro], pick(rng, REFUND_REASON_P_LATE, nr), pick(rng, REFUND_REASON_P_ON_TIME, nr))
    refunds = {
        "order": ro,
        "line": np.where(partial, line, -1),
        "qty": np.where(partial, q_ref, units[ro]),
        "amount": amount,
        "reason": reason,
        "requested": requested[ro],
        "refunded": refunded_at,
        "done": done,
    }
    full_done = np.zeros(no, dtype=bool)
    full_done[ro[~partial & done]] = True
    status = np.where(full_done, 5, status)
    refund_time = np.zeros(no, dtype=np.int64)
    refund_time[ro] = np.where(done, refunded_at, requested[ro])

    stamps = np.stack(
        [
            t,
            np.where(has_paid, paid, 0),
            np.where(cancel, cancelled_at, 0),
            np.where(ships, shipped, 0),
            np.where(is_delivered & ~store, delivered, 0),
            refund_time,
        ]
    )
    stamps = np.where(stamps < now, stamps, 0)
    orders.update(
        status=status,
        paid=paid,
        has_paid=has_paid,
        cancel=cancel,
        cancelled_at=cancelled_at,
        late=late,
        delivered=is_delivered,
        delivered_at=delivered_time,
        updated=stamps.max(axis=0),
        method=method,
        ships=ships,
    )

    # Payment rows: failed attempts, then the success (unless it never happened).
    att_order = np.repeat(np.arange(no), n_attempt)
    att_k = np.arange(len(att_order)) - cumsum0(n_attempt)[:-1][att_order]
    att_t = np.where(att_k < n_fail[att_order], first[att_order] + att_k * step[att_order], paid[att_order])
    att_ok = att_k >= n_fail[att_order]
    keep = att_t < now
    keep &= ~(att_ok & ~has_paid[att_order])
    payments = {"order": att_order[keep], "t": att_t[keep], "ok": att_ok[keep]}

    so = np.flatnonzero(ships)
    wh = np.isin(country_code[so], ("US", "CA", "CN")).astype(np.int64)
    wh = 1 - wh  # 0 = US warehouse, 1 = EU warehouse
    dist = np.where(
        cn[so],
        rng.normal(11_000, 800, len(so)),
        lognormal(rng, np.where(wh == 0, 900.0, 600.0), 0.7, len(so)),
    )
    shipments = {
        "order": so,
        "warehouse": wh,
        "carrier": wh * 3
        + np.where(
            (wh == 1) & (country_code[so] == "GB") & (rng.random(len(so)) < 0.6),
            2,
            rng.integers(0, 2, len(so)),
        ),
        "mode": mode[so],
        "distance_dm": np.round(np.abs(dist) * 10).astype(np.int64),
        "shipped": shipped[so],
        "delivered": delivered[so],
        "has_delivered": delivered[so] < now,
        "promised": promised[so],
    }
    return orders, lines, payments, shipments, refunds


# ---------------------------------------------------------------------------
# Reviews, NPS, support tickets
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Inventory, marketing, finance, organisation
# ---------------------------------------------------------------------------


def gen_inventory(rng: np.random.Generator, cal: Calendar, orders: Frame, lines: Frame, n_prod: int) -> Arr:
    """End-of-day stock per (day, product, warehouse) under a reorder-point
    policy driven by the real sales; a low reorder point means stockouts."""
    wh_of_order = 1 - np.isin(np.array(COUNTRIES)[orders["country"]], ("US", "CA", "CN")).astype(np.int64)
    lo = lines["order"]
    day = cal.day_of(orders["t"])[lo]
    series = lines["product"] * 2 + wh_of_order[lo]
    ns = n_prod * 2
    demand = (
        np.bincount(day * ns + series, weights=lines["qty"], minlength=cal.n_days * ns)
        .reshape(cal.n_days, ns)
        .round()
        .astype(np.int64)
    )
    mu = demand.sum(axis=0) / cal.n_days + 0.05
    # Reorder point in days of cover; below the lead time of 3-10 days it runs out.
    cover = rng.uniform(INVENTORY_COVER_DAYS[0], INVENTORY_COVER_DAYS[1], ns)
    reorder = np.ceil(mu * cover).astype(np.int64)
    qty = np.ceil(mu * rng.uniform(20, 40, ns)).astype(np.int64) + 3
    stock = reorder + qty // 2
    arrival = np.full(ns, -1, dtype=np.int64)
    lead = rng.integers(3, 11, (cal.n_days, ns))
    out = np.empty((cal.n_days, ns), dtype=np.int64)
    for d in range(cal.n_days):
        arrived = arrival == d
        stock = stock + np.where(arrived, qty, 0)
        arrival = np.where(arrived, -1, arrival)
        stock = np.maximum(stock - demand[d], 0)
        order_now = (stock <= reorder) & (arrival < 0)
        arrival = np.where(order_now, d + lead[d], arrival)
        out[d] = stock
    return out


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


def gen_fx(rng: np.random.Generator, cal: Calendar) -> Arr:
    """Daily USD value of one unit of each currency (mean-reverting walk)."""
    rates = np.ones((cal.n_days, len(CURRENCIES)))
    shocks = rng.normal(0.0, 0.004, (cal.n_days, len(CURRENCIES)))
    x = np.zeros(len(CURRENCIES))
    for d in range(cal.n_days):
        x = 0.98 * x + shocks[d]
        rates[d] = np.array([BASE_RATE_TO_USD[c] for c in CURRENCIES]) * np.exp(x)
    rates[:, CURRENCIES.index("USD")] = 1.0
    return np.round(rates * 1e6).astype(np.int64)


def month_starts(cal: Calendar) -> list[dt.date]:
    out, d = [], cal.start.replace(day=1)
    while d <= cal.end:
        out.append(d)
        d = (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def gen_headcount(
    rng: np.random.Generator,
    cal: Calendar,
    months: list[dt.date],
    orders_per_month: Arr,
    tickets_per_month: Arr,
    scale: float,
) -> Arr:
    """FTE (in tenths) per month and team, following volume where it should."""
    n = len(months)
    ops = 2 + orders_per_month / 900.0
    cs = 1 + tickets_per_month / 280.0
    mkt = np.full(n, 2 + 3 * min(scale, 10.0)) + np.arange(n) * 0.05
    eng = np.full(n, 4 + 4 * min(scale, 10.0) ** 0.5)
    fin = np.full(n, 1 + min(scale, 10.0) ** 0.5)
    fte = np.stack([ops, cs, mkt, eng, fin], axis=1) * rng.uniform(0.95, 1.05, (n, len(TEAMS)))
    return np.maximum(5, np.round(fte * 2) * 5).astype(np.int64)  # half-FTE steps


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


# ---------------------------------------------------------------------------
# The whole data set
# ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Config:
    out: Path
    scale: float = 1.0
    seed: int = 42
    start: dt.date = dt.date(2024, 1, 1)
    end: dt.date = dt.date(2025, 12, 31)
    fmt: str = "csv"


@dataclasses.dataclass
class Generated:
    tables: dict[str, pa.Table]
    truth: dict[str, pa.Table]  # generator-side facts used to compute realized KPIs
    planted: dict[str, Any]
    experiments: list[dict[str, Any]]
    arrays: dict[str, Any]  # generator arrays behind the tables (traffic KPIs)


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


def assemble_tables(
    cal: Calendar,
    ids: dict[str, pa.Array],
    prod: Frame,
    cust: Frame,
    anon: Frame,
    orders: Frame,
    lines: Frame,
    payments: Frame,
    shipments: Frame,
    refunds: Frame,
    reviews: Frame,
    nps: Frame,
    tickets: Frame,
    inventory: Arr,
    content: Frame,
    content_stats: Frame,
    ads: Frame,
    fx: Arr,
    months: list[dt.date],
    headcount: Arr,
    activities: Frame,
    sess: Frame,
    assign: Frame,
) -> dict[str, pa.Table]:
    """Turn the generated arrays into Arrow tables shaped like the contract
    (all but web_events, see ``assemble_events``)."""
    t: dict[str, pa.Table] = {}
    n_prod, n_cust = len(prod["category"]), len(cust["group"])
    product_ids, customer_ids, order_ids = ids["product"], ids["customer"], ids["order"]
    anon_ids, session_ids, line_ids = ids["anon"], ids["session"], ids["line"]
    cat_names = [c[0] for c in CATEGORIES]

    t["shop_products"] = make_table(
        "shop_products",
        {
            "product_id": product_ids,
            "sku": seq_ids("SKU-", n_prod, 5),
            "product_name": pa.array(
                [
                    f"{BRANDS[b]} {ADJECTIVES[a]} {NOUNS[cat_names[c]][k % len(NOUNS[cat_names[c]])]}"
                    for b, a, c, k in zip(
                        prod["brand"], prod["adjective"], prod["category"], prod["noun"], strict=True
                    )
                ]
            ),
            "category": str_take(cat_names, prod["category"]),
            "brand": str_take(BRANDS, prod["brand"]),
            "list_price": dec_arr(prod["list_cents"]),
            "unit_cost": dec_arr(prod["cost_cents"]),
            "currency": pa.array(["USD"] * n_prod),
            "weight_kg": dec_arr(prod["weight_g"], _D3),
            "created_at": ts_arr(prod["created_at"]),
            "is_active": pa.array(prod["active"]),
        },
    )
    cities = [(c, r, city) for c in COUNTRIES for r, city in CITIES[c]]
    last_order = np.full(n_cust, -1, dtype=np.int64)
    has_c = orders["cust"] >= 0
    np.maximum.at(last_order, orders["cust"][has_c], orders["t"][has_c])
    by = cust["birth_year"]
    t["shop_customers"] = make_table(
        "shop_customers",
        {
            "customer_id": customer_ids,
            "email": emails(cust["is_test"]),
            "signup_at": ts_arr(cust["signup_at"]),
            "country_code": str_take(COUNTRIES, cust["country"]),
            "region": str_take([c[1] for c in cities], np.where(cust["region_missing"], -1, cust["city"])),
            "city": str_take([c[2] for c in cities], cust["city"]),
            "gender": str_take(("F", "M", "U"), cust["gender"]),
            "birth_year": int_arr(by, by > 0),
            "acquisition_channel": str_take(
                [x for g in CHANNEL_GROUPS for x in ACQUISITION_TEXT[g]], cust["text"]
            ),
            "is_test": pa.array(cust["is_test"]),
            "updated_at": ts_arr(np.maximum(cust["signup_at"], last_order)),
        },
    )
    cust_of = np.maximum(orders["cust"], 0)
    sess_of = np.maximum(orders["session"], 0)
    device_of_order = np.where(orders["session"] >= 0, anon["device"][sess["anon"][sess_of]], -1)
    t["shop_orders"] = make_table(
        "shop_orders",
        {
            "order_id": order_ids,
            "customer_id": str_take(customer_ids, np.where(orders["cust"] < 0, -1, cust_of)),
            "status": str_take(STATUSES, orders["status"]),
            "ordered_at": ts_arr(orders["t"]),
            "paid_at": ts_arr(orders["paid"], orders["has_paid"]),
            "cancelled_at": ts_arr(orders["cancelled_at"], orders["cancel"]),
            "currency": str_take(CURRENCIES, orders["currency"]),
            "items_amount": dec_arr(orders["items"]),
            "discount_amount": dec_arr(orders["disc"]),
            "shipping_amount": dec_arr(orders["shipping"]),
            "tax_amount": dec_arr(orders["tax"]),
            "total_amount": dec_arr(orders["total"]),
            "sales_channel": str_take(SALES_CHANNELS, orders["sales"]),
            "device_type": str_take(DEVICES, device_of_order),
            "coupon_code": str_take([c[0] for c in COUPONS], orders["coupon"]),
            "session_id": str_take(session_ids, np.where(orders["session"] < 0, -1, sess_of)),
            "updated_at": ts_arr(orders["updated"]),
        },
    )
    t["shop_order_items"] = make_table(
        "shop_order_items",
        {
            "order_item_id": line_ids,
            "order_id": str_take(order_ids, lines["order"]),
            "product_id": str_take(product_ids, lines["product"]),
            "quantity": int_arr(lines["qty"]),
            "unit_price": dec_arr(lines["unit"]),
            "discount_amount": dec_arr(lines["disc"]),
        },
    )
    po = payments["order"]
    t["shop_payments"] = make_table(
        "shop_payments",
        {
            "payment_id": seq_ids("PAY", len(po), 8),
            "order_id": str_take(order_ids, po),
            "method": str_take(PAYMENT_METHODS, orders["method"][po]),
            "status": str_take(("failed", "succeeded"), payments["ok"].astype(np.int64)),
            "amount": dec_arr(orders["total"][po]),
            "currency": str_take(CURRENCIES, orders["currency"][po]),
            "created_at": ts_arr(payments["t"]),
        },
    )
    ro = refunds["order"]
    t["shop_refunds"] = make_table(
        "shop_refunds",
        {
            "refund_id": seq_ids("R", len(ro), 7),
            "order_id": str_take(order_ids, ro),
            "order_item_id": str_take(line_ids, refunds["line"]),
            "quantity": int_arr(refunds["qty"]),
            "amount": dec_arr(refunds["amount"]),
            "reason": str_take(REFUND_REASONS, refunds["reason"]),
            "requested_at": ts_arr(refunds["requested"]),
            "refunded_at": ts_arr(refunds["refunded"], refunds["done"]),
        },
    )
    so = shipments["order"]
    carriers = [c for group in CARRIERS for c in group]
    t["shop_shipments"] = make_table(
        "shop_shipments",
        {
            "shipment_id": seq_ids("SH", len(so), 7),
            "order_id": str_take(order_ids, so),
            "warehouse_id": str_take(WAREHOUSES, shipments["warehouse"]),
            "carrier": str_take(carriers, shipments["carrier"]),
            "shipping_mode": str_take(SHIP_MODES, shipments["mode"]),
            "distance_km": dec_arr(shipments["distance_dm"], _D1),
            "shipped_at": ts_arr(shipments["shipped"]),
            "delivered_at": ts_arr(shipments["delivered"], shipments["has_delivered"]),
            "promised_delivery_at": ts_arr(shipments["promised"]),
        },
    )
    nd, nsr = inventory.shape
    epoch_day0 = cal.epoch0 // DAY
    t["shop_inventory_snapshots"] = make_table(
        "shop_inventory_snapshots",
        {
            "snapshot_date": date_arr(np.repeat(epoch_day0 + np.arange(nd), nsr)),
            "product_id": str_take(product_ids, np.tile(np.arange(nsr) // 2, nd)),
            "warehouse_id": str_take(WAREHOUSES, np.tile(np.arange(nsr) % 2, nd)),
            "on_hand_qty": int_arr(inventory.ravel()),
            "unit_cost": dec_arr(np.tile(np.repeat(prod["cost_cents"], 2), nd)),
        },
    )
    t["shop_reviews"] = make_table(
        "shop_reviews",
        {
            "review_id": seq_ids("RV", len(reviews["order"]), 7),
            "order_id": str_take(order_ids, reviews["order"]),
            "product_id": str_take(product_ids, reviews["product"]),
            "customer_id": str_take(customer_ids, reviews["cust"]),
            "rating": int_arr(reviews["rating"]),
            "created_at": ts_arr(reviews["created"]),
            "responded_at": ts_arr(reviews["responded"], reviews["has_resp"]),
            "resolved_at": ts_arr(reviews["resolved"], reviews["has_res"]),
        },
    )
    camp_ids = [c[0] for c in CAMPAIGNS]
    t["marketing_ad_spend"] = make_table(
        "marketing_ad_spend",
        {
            "spend_date": date_arr(epoch_day0 + ads["day"]),
            "channel": str_take([c[2] for c in CAMPAIGNS], ads["camp"]),
            "campaign_id": str_take(camp_ids, ads["camp"]),
            "campaign_name": str_take([c[1] for c in CAMPAIGNS], ads["camp"]),
            "spend": dec_arr(ads["spend"]),
            "currency": str_take([c[4] for c in CAMPAIGNS], ads["camp"]),
            "impressions": int_arr(ads["impressions"]),
            "clicks": int_arr(ads["clicks"]),
        },
    )
    content_ids = ids["content"]
    cs = content_stats
    ctype = np.where(
        content["platform"] == 1, 1, np.where(content["platform"] == 2, 0, np.where(content["video"], 1, 2))
    )
    t["marketing_content_stats"] = make_table(
        "marketing_content_stats",
        {
            "stat_date": date_arr(epoch_day0 + cs["day"]),
            "content_id": str_take(content_ids, cs["content"]),
            "platform": str_take(CONTENT_PLATFORMS, content["platform"][cs["content"]]),
            "content_type": str_take(("article", "video", "post"), ctype[cs["content"]]),
            "published_at": ts_arr(content["published_at"][cs["content"]]),
            "impressions": int_arr(cs["impressions"]),
            "clicks": int_arr(cs["clicks"]),
            "likes": int_arr(cs["likes"]),
            "comments": int_arr(cs["comments"]),
            "shares": int_arr(cs["shares"]),
        },
    )
    t["marketing_activity_participants"] = make_table(
        "marketing_activity_participants",
        {
            "activity_id": str_ids("ACT", activities["act"] + 1, 3),
            "customer_id": str_take(customer_ids, activities["cust"]),
            "registered_at": ts_arr(activities["reg"]),
            "participated_at": ts_arr(activities["part"], activities["has_part"]),
        },
    )
    tk = tickets
    t["support_tickets"] = make_table(
        "support_tickets",
        {
            "ticket_id": seq_ids("T", len(tk["cat"]), 7),
            "customer_id": str_take(customer_ids, tk["cust"]),
            "order_id": str_take(order_ids, tk["order"]),
            "channel": str_take(TICKET_CHANNELS, tk["channel"]),
            "category": str_take(TICKET_CATEGORIES, tk["cat"]),
            "agent_id": str_ids("AG", tk["agent"], 3, valid=tk["agent"] > 0),
            "created_at": ts_arr(tk["created"]),
            "first_response_at": ts_arr(tk["first"], tk["has_first"]),
            "resolved_at": ts_arr(tk["resolved"], tk["has_res"]),
            "status": str_take(TICKET_STATUSES, tk["status"]),
            "escalated": pa.array(tk["escalated"]),
            "contacts_count": int_arr(tk["contacts"]),
            "csat_score": int_arr(tk["csat"], tk["has_csat"]),
        },
    )
    t["survey_nps"] = make_table(
        "survey_nps",
        {
            "response_id": seq_ids("NPS", len(nps["t"]), 7),
            "customer_id": str_take(customer_ids, nps["cust"]),
            "responded_at": ts_arr(nps["t"]),
            "score": int_arr(nps["score"]),
        },
    )
    order = np.lexsort((assign["at"], assign["exp"]))
    a = subset(assign, order)
    t["experiment_assignments"] = make_table(
        "experiment_assignments",
        {
            "experiment_id": str_take([e[0] for e in EXPERIMENTS], a["exp"]),
            "variant": str_take(("control", "treatment"), a["treat"].astype(np.int64)),
            "anonymous_id": str_take(anon_ids, a["anon"]),
            "assigned_at": ts_arr(a["at"]),
        },
    )
    nd = fx.shape[0]
    t["finance_exchange_rates"] = make_table(
        "finance_exchange_rates",
        {
            "rate_date": date_arr(np.repeat(epoch_day0 + np.arange(nd), len(CURRENCIES))),
            "currency": str_take(CURRENCIES, np.tile(np.arange(len(CURRENCIES)), nd)),
            "rate_to_reporting": dec_arr(fx.ravel(), _R6),
        },
    )
    month_days = np.array([(m - dt.date(1970, 1, 1)).days for m in months])
    t["org_headcount"] = make_table(
        "org_headcount",
        {
            "month": date_arr(np.repeat(month_days, len(TEAMS))),
            "team": str_take(TEAMS, np.tile(np.arange(len(TEAMS)), len(months))),
            "headcount": dec_arr(headcount.ravel(), _D1),
        },
    )
    return t


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


# ---------------------------------------------------------------------------
# Ground truth
# ---------------------------------------------------------------------------


def _phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _nps_of(probs: Sequence[float]) -> float:
    return round(100.0 * (sum(probs[9:]) - sum(probs[:7])), 2)


def planted_parameters(
    cfg: Config, cal: Calendar, p: Params, n_prod: int, n_cust: int, exp_defs: list[dict[str, Any]]
) -> dict[str, Any]:
    chat_med, chat_sig = FIRST_RESPONSE["chat"]

    def iso(sec: int) -> str:
        return dt.datetime.fromtimestamp(sec, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    dwell_long = {
        "bought": 1 - _phi(math.log(30 / p.dwell_bought_median_s) / p.dwell_bought_sigma),
        "other": 1 - _phi(math.log(30 / p.dwell_other_median_s) / p.dwell_other_sigma),
    }
    return {
        "seed": cfg.seed,
        "scale": cfg.scale,
        "start_date": cfg.start.isoformat(),
        "end_date": cfg.end.isoformat(),
        "format": cfg.fmt,
        "generator_version": GENERATOR_VERSION,
        "reporting_currency": REPORTING_CURRENCY,
        "timezone": "UTC",
        "offset_timestamps_table": OFFSET_TABLE if cfg.fmt != "parquet" else None,
        "offset_timestamps_utc_offset": f"+{OFFSET_TZ_HOURS:02d}:00",
        "customers": n_cust,
        "products": n_prod,
        "test_account_share": p.test_account_share,
        "currencies": list(CURRENCIES),
        "country_currency": COUNTRY_CURRENCY,
        "base_rate_to_usd": BASE_RATE_TO_USD,
        "peak_periods": [
            {"name": n, "start_date": a.isoformat(), "end_date": b.isoformat()} for n, a, b in cal.peaks
        ],
        "peak_day_multiplier": dict(zip(PEAK_NAMES, PEAK_MULTIPLIER, strict=True)),
        "session_conversion_by_channel_group": CONVERSION,
        "browse_bounce_prob_by_channel_group": BOUNCE,
        "acquisition_mix": ACQUISITION_MIX,
        "acquisition_channel_text": {g: list(v) for g, v in ACQUISITION_TEXT.items()},
        "repeat_order_prob_by_acquisition_group": REPEAT_PROB,
        "repeat_gap_median_days": p.repeat_gap_median_days,
        "buyer_share": p.buyer_share,
        "guest_order_share": p.guest_order_share,
        "cancellation_rate": p.cancellation_rate,
        "payment_attempt_failure_prob": p.payment_attempt_failure_prob,
        "on_time_rate": p.on_time_rate,
        "refund_prob": {
            "on_time": p.refund_prob_on_time,
            "late": p.refund_prob_late,
            "store": p.refund_prob_store,
        },
        "partial_refund_prob_multi_line": p.partial_refund_prob_multi_line,
        "refund_not_completed_share": p.refund_stuck_share,
        "chat_first_response_median_s": chat_med,
        "chat_first_response_within_30s_share": round(_phi(math.log(30 / chat_med) / chat_sig), 4),
        "first_response_median_s_by_channel": {c: v[0] for c, v in FIRST_RESPONSE.items()},
        "dwell_median_s": {
            "bought_product_views": p.dwell_bought_median_s,
            "other_product_views": p.dwell_other_median_s,
        },
        "dwell_ge_30s_share": {k: round(v, 4) for k, v in dwell_long.items()},
        "out_of_order_share_of_eligible_sessions": p.out_of_order_share,
        "stitching_conflict_share_of_anonymous_ids": p.stitching_conflict_share,
        "experiments": [
            {
                "experiment_id": d["experiment_id"],
                "start_at": iso(d["start_at"]),
                "end_at": iso(d["end_at"]),
                "variants": ["control", "treatment"],
                "split": 0.5,
                "true_relative_lift": round(d["lift"] - 1.0, 4),
            }
            for d in exp_defs
        ],
        "review_rating_mean": {
            "on_time": round(sum((i + 1) * q for i, q in enumerate(RATING_P_ON_TIME)), 4),
            "late": round(sum((i + 1) * q for i, q in enumerate(RATING_P_LATE)), 4),
        },
        "nps_expected": {"on_time": _nps_of(NPS_P_ON_TIME), "late": _nps_of(NPS_P_LATE)},
        "activity_participation_rate": p.activity_participation_rate,
        "inventory_reorder_cover_days": list(INVENTORY_COVER_DAYS),
        "campaigns": [
            {"campaign_id": c[0], "channel": c[2], "utm_source": c[3], "currency": c[4], "peak_only": c[8]}
            for c in CAMPAIGNS
        ],
    }


DOC = {
    "planted": "Parameters the generator used (targets: realized values differ by sampling noise).",
    "planted.offset_timestamps_table": "Table whose CSV timestamps carry the offset offset_timestamps_utc_offset (same instants); every other table is written in UTC ('Z'). None for parquet, whose timestamps are typed UTC instants.",
    "planted.peak_periods": "Promotion windows (dates inclusive) that shape traffic and orders: Singles' Day, Black Friday (day after US Thanksgiving) to Cyber Monday, year end (Dec 15-31).",
    "planted.session_conversion_by_channel_group": "P(session has a purchase) per channel group; browsing sessions are drawn to match it.",
    "planted.browse_bounce_prob_by_channel_group": "P(one-event session) for browsing sessions (purchase and sign-up sessions never bounce).",
    "planted.repeat_order_prob_by_acquisition_group": "P(another order after each order) by the customer's acquisition group (the retention difference); gaps are lognormal with median repeat_gap_median_days of business time.",
    "planted.acquisition_channel_text": "Free-text shop_customers.acquisition_channel values used for each channel group.",
    "planted.cancellation_rate": "P(order cancelled): half fail payment (failed attempts only), half are cancelled after payment.",
    "planted.payment_attempt_failure_prob": "P(a card/paypal/wallet attempt fails); at most two failures before the success.",
    "planted.on_time_rate": "P(shipment delivered on or before promised_delivery_at).",
    "planted.refund_prob": "P(refund request) for delivered orders by punctuality; refund_not_completed_share of requests stay without refunded_at.",
    "planted.chat_first_response_within_30s_share": "Expected share of chat first responses within 30 s (lognormal with median chat_first_response_median_s).",
    "planted.dwell_ge_30s_share": "Expected share of product views with dwell >= 30 s for views of products then bought in the session vs other views (the dwell-conversion lift).",
    "planted.experiments": "Windows [start_at, end_at); visitors (anonymous ids) are assigned 50/50 at their first session in the window. true_relative_lift = treatment / control purchase conversion of sessions after assignment - 1, planted by removing 1 - 1/(1 + lift) of the control group's purchases (the checkout is abandoned instead).",
    "planted.stitching_conflicts": "Shared devices planted: anonymous ids on which a second customer logs in.",
    "planted.out_of_order_sessions": "Sessions whose only add_to_cart is timed before their first product_view.",
    "realized": "Computed from the generated rows with the KPI dictionary definitions; test accounts and all they did left out (for traffic: every session of an anonymous id ever seen logged in as a test customer).",
    "realized.row_counts": "Rows per table (all rows, test accounts included).",
    "realized.orders": "placed = all orders; valid = not cancelled; cancellation_rate over placed orders; guest = no customer_id.",
    "realized.orders.refund_rate": "Valid orders with a completed refund (refunded_at set) / valid orders.",
    "realized.orders.refund_value_rate": "Completed refund amount of valid orders / merchandise value of valid orders (both in USD).",
    "realized.orders.payment_success_rate": "Succeeded payment rows / payment rows.",
    "realized.orders.on_time_delivery_rate": "Shipments with delivered_at <= promised_delivery_at / shipments with both set.",
    "realized.orders.peak_vs_offpeak_daily_orders_ratio": "Mean placed orders per UTC day inside peak_periods / outside.",
    "realized.money_by_currency": "Per order currency: gmv (merchandise = items - discount of placed orders), cancelled value, completed refunds of valid orders, net revenue (valid merchandise - completed refunds); gmv - net_revenue = cancelled + refunded.",
    "realized.money_usd": "Same in USD, each order converted with the rate of its UTC order day.",
    "realized.monthly": "Per UTC calendar month: placed and valid orders, gmv_usd, net_revenue_usd (refunds dated by the order), sessions (by session start).",
    "realized.traffic": "Sessions = events sharing a session_id; bounce = one event; conversion = sessions with a purchase event.",
    "realized.traffic.by_channel_group": "Per channel group of the session's landing event (its utm_*/referrer markers, which map to the group through seeds/channel_grouping.csv).",
    "realized.traffic.funnel_ordered": "Sessions reaching each step, where a step counts when its event happens at or after the time the previous step was reached.",
    "realized.traffic.funnel_unordered": "Sessions having each event at all (contrast with the ordered funnel).",
    "realized.traffic.product_view_conversion_by_dwell": "Share of product views (with dwell_ms) whose product is in an order placed in the same session, for dwell >= 30 s and < 30 s.",
    "realized.traffic.stitching_conflicts": "Anonymous ids seen logged in as two or more customers (all rows).",
    "realized.experiments": "Per experiment and variant: assigned visitors, sessions starting at/after assigned_at and before the window end, purchase sessions, converting visitors, gmv_usd of those purchases; relative lifts treatment vs control (the visitor-level lift is smaller than the session-level one: a visitor with several purchases stays converted).",
    "realized.support": "Tickets of non-test customers and tickets without a customer; first response in seconds from created_at; within-30s share over answered chat tickets; resolution_rate = tickets with resolved_at / tickets.",
    "realized.reviews": "Mean rating by punctuality of the order's shipment (late = delivered after promised); negative = rating 1-2.",
    "realized.nps": "NPS = %promoters (9-10) - %detractors (0-6), overall and by punctuality of the order behind the answer.",
    "realized.inventory.stockout_rate": "Rows (product, warehouse, day) of active products with zero stock / such rows.",
    "realized.customers": "Non-test customers; effective_new_customer_rate = in-period signups with a valid order within 72 h / in-period signups; repeat_buyer_share = buyers with 2+ valid orders / buyers, by acquisition text and by its channel group.",
    "realized.traffic.page_load_ms": "Continuous percentiles (linear interpolation) of page_load_ms over the events of non-test sessions, whole span and per UTC calendar year of the event (by_year).",
    "realized.marketing": "Ad spend, clicks and impressions per channel and currency (all rows: campaigns have no test accounts); activity participation = participants / registrants, test accounts' registrations left out.",
}


# ---------------------------------------------------------------------------
# Realized KPIs (DuckDB over the generated Arrow tables)
# ---------------------------------------------------------------------------


def _plain(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, float):
        return round(v, 6)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return v


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    return [{c: _plain(v) for c, v in zip(cols, row, strict=True)} for row in cur.fetchall()]


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, Any]:
    rows = _rows(con, sql)
    return rows[0] if rows else {}


REALIZED_VIEWS = """
create or replace temp table test_customers as
    select customer_id from shop_customers where is_test;
create or replace temp table o as
    select o.*, o.items_amount - o.discount_amount as merch,
           (o.items_amount - o.discount_amount) * fx.rate_to_reporting as merch_usd,
           fx.rate_to_reporting as rate, o.status <> 'cancelled' as is_valid
    from shop_orders o
    join finance_exchange_rates fx
      on fx.currency = o.currency and fx.rate_date = cast(o.ordered_at as date)
    where o.customer_id is null or o.customer_id not in (select customer_id from test_customers);
create or replace temp table ref_done as
    select r.order_id, sum(r.amount) as amount
    from shop_refunds r join o using (order_id)
    where r.refunded_at is not null and o.is_valid
    group by 1;
"""


def compute_realized(con: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table]) -> dict[str, Any]:
    con.execute(REALIZED_VIEWS)
    r: dict[str, Any] = {"row_counts": {k: v.num_rows for k, v in tables.items()}}
    orders = _one(
        con,
        """
        select count(*) as placed_orders,
               count(*) filter (where is_valid) as valid_orders,
               count(*) filter (where status = 'cancelled') as cancelled_orders,
               count(*) filter (where customer_id is null) as guest_orders,
               count(*) filter (where status = 'cancelled') / count(*) as cancellation_rate,
               (select count(*) from ref_done) / count(*) filter (where is_valid) as refund_rate,
               (select sum(d.amount * o.rate) from ref_done d join o using (order_id))
                 / sum(merch_usd) filter (where is_valid) as refund_value_rate,
               sum(merch_usd) / count(*) as aov_usd,
               (select sum(quantity) from shop_order_items i join o using (order_id)) / count(*)
                 as units_per_order
        from o""",
    )
    orders["by_status"] = {
        x["status"]: x["n"] for x in _rows(con, "select status, count(*) as n from o group by 1 order by 1")
    }
    orders["by_sales_channel"] = {
        x["sales_channel"]: x["n"]
        for x in _rows(con, "select sales_channel, count(*) as n from o group by 1 order by 1")
    }
    orders["partial_refund_share"] = _one(
        con,
        """
        select avg(case when order_item_id is not null then 1.0 else 0.0 end) as v
        from shop_refunds where order_id in (select order_id from o)""",
    )["v"]
    orders["refunds_not_completed"] = _one(
        con,
        """
        select count(*) as v from shop_refunds
        where refunded_at is null and order_id in (select order_id from o)""",
    )["v"]
    orders["payment_success_rate"] = _one(
        con,
        """
        select avg(case when status = 'succeeded' then 1.0 else 0.0 end) as v
        from shop_payments where order_id in (select order_id from o)""",
    )["v"]
    orders["on_time_delivery_rate"] = _one(
        con,
        """
        select avg(case when s.delivered_at <= s.promised_delivery_at then 1.0 else 0.0 end) as v
        from shop_shipments s join o using (order_id)
        where s.delivered_at is not null and s.promised_delivery_at is not null""",
    )["v"]
    peak = _one(
        con,
        """
        with d as (select cast(ordered_at as date) as day, count(*) as n from o group by 1),
        p as (select day, exists (select 1 from _peaks k where d.day between k.start_date and k.end_date) as is_peak from d)
        select avg(n) filter (where is_peak) / avg(n) filter (where not is_peak) as v
        from d join p using (day)""",
    )
    orders["peak_vs_offpeak_daily_orders_ratio"] = peak["v"]
    r["orders"] = orders
    r["money_by_currency"] = {
        x.pop("currency"): x
        for x in _rows(
            con,
            """
        select currency, sum(merch) as gmv,
               coalesce(sum(merch) filter (where not is_valid), 0) as cancelled_value,
               coalesce(sum(d.amount), 0) as refunded_value,
               coalesce(sum(merch) filter (where is_valid), 0) - coalesce(sum(d.amount), 0) as net_revenue
        from o left join ref_done d using (order_id)
        group by 1 order by 1""",
        )
    }
    r["money_usd"] = _one(
        con,
        """
        select round(sum(merch_usd), 2) as gmv,
               round(coalesce(sum(merch_usd) filter (where not is_valid), 0), 2) as cancelled_value,
               round(coalesce(sum(d.amount * rate), 0), 2) as refunded_value,
               round(coalesce(sum(merch_usd) filter (where is_valid), 0)
                     - coalesce(sum(d.amount * rate), 0), 2) as net_revenue
        from o left join ref_done d using (order_id)""",
    )
    r["monthly"] = _rows(
        con,
        """
        select strftime(date_trunc('month', cast(ordered_at as date)), '%Y-%m') as month,
               count(*) as placed_orders,
               count(*) filter (where is_valid) as valid_orders,
               round(sum(merch_usd), 2) as gmv_usd,
               round(sum(merch_usd) filter (where is_valid) - coalesce(sum(d.amount * rate), 0), 2)
                 as net_revenue_usd
        from o left join ref_done d using (order_id) group by 1 order by 1""",
    )

    support = _one(
        con,
        """
        with t as (
            select *, epoch(first_response_at) - epoch(created_at) as frt_s,
                   (epoch(resolved_at) - epoch(created_at)) / 3600.0 as res_h
            from support_tickets
            where customer_id is null or customer_id not in (select customer_id from test_customers))
        select count(*) as tickets,
               median(frt_s) filter (where channel = 'chat') as chat_first_response_median_s,
               avg(case when frt_s <= 30 then 1.0 else 0.0 end) filter (where channel = 'chat' and frt_s is not null)
                 as chat_first_response_within_30s_share,
               avg(case when escalated then 1.0 else 0.0 end) as escalation_rate,
               avg(case when resolved_at is not null then 1.0 else 0.0 end) as resolution_rate,
               avg(case when contacts_count = 1 then 1.0 else 0.0 end) filter (where resolved_at is not null)
                 as first_contact_resolution_rate,
               median(res_h) as resolution_time_h_median,
               avg(csat_score) as csat,
               avg(case when csat_score >= 4 then 1.0 else 0.0 end) filter (where csat_score is not null) as csat_rate
        from t""",
    )
    support["first_response_median_s_by_channel"] = {
        x["channel"]: x["v"]
        for x in _rows(
            con,
            """
        select channel, median(epoch(first_response_at) - epoch(created_at)) as v
        from support_tickets where customer_id is null
           or customer_id not in (select customer_id from test_customers)
        group by 1 order by 1""",
        )
    }
    r["support"] = support
    r["reviews"] = _one(
        con,
        """
        with x as (
            select rv.rating, s.delivered_at > s.promised_delivery_at as late
            from shop_reviews rv join shop_shipments s using (order_id)
            where rv.customer_id not in (select customer_id from test_customers)
              and s.delivered_at is not null)
        select avg(rating) filter (where not late) as mean_rating_on_time,
               avg(rating) filter (where late) as mean_rating_late,
               (select avg(rating) from shop_reviews
                where customer_id not in (select customer_id from test_customers)) as mean_rating,
               (select avg(case when rating <= 2 then 1.0 else 0.0 end) from shop_reviews
                where customer_id not in (select customer_id from test_customers)) as negative_review_rate
        from x""",
    )
    r["nps"] = _one(
        con,
        """
        with x as (
            select n.score, t.late from survey_nps n join _nps_truth t using (response_id)
            where n.customer_id not in (select customer_id from test_customers))
        select count(*) as responses,
               100.0 * (avg(case when score >= 9 then 1.0 else 0.0 end) - avg(case when score <= 6 then 1.0 else 0.0 end)) as nps,
               100.0 * (avg(case when score >= 9 then 1.0 else 0.0 end) filter (where not late)
                        - avg(case when score <= 6 then 1.0 else 0.0 end) filter (where not late)) as nps_on_time,
               100.0 * (avg(case when score >= 9 then 1.0 else 0.0 end) filter (where late)
                        - avg(case when score <= 6 then 1.0 else 0.0 end) filter (where late)) as nps_late
        from x""",
    )
    r["inventory"] = _one(
        con,
        """
        select avg(case when on_hand_qty = 0 then 1.0 else 0.0 end) as stockout_rate
        from shop_inventory_snapshots i join shop_products p using (product_id)
        where p.is_active""",
    )
    customers = _one(
        con,
        f"""
        with c as (select * from shop_customers where not is_test),
        first_valid as (
            select customer_id, min(ordered_at) as first_at from o where is_valid group by 1)
        select count(*) as customers,
               (select count(*) from shop_customers where is_test) as test_customers,
               count(*) filter (where signup_at >= timestamptz '{r_start(con)}') as signups_in_period,
               avg(case when f.first_at <= c.signup_at + interval 72 hour then 1.0 else 0.0 end)
                 filter (where signup_at >= timestamptz '{r_start(con)}') as effective_new_customer_rate
        from c left join first_valid f using (customer_id)""",
    )
    repeat_sql = """
        with n as (select customer_id, count(*) as k from o where is_valid and customer_id is not null group by 1)
        select {key} as key, count(*) as buyers, avg(case when k >= 2 then 1.0 else 0.0 end) as repeat_buyer_share,
               avg(k) as orders_per_buyer
        from n join shop_customers c using (customer_id) join _customer_truth t using (customer_id)
        group by 1 order by 1"""
    customers["repeat_by_acquisition_channel"] = {
        x.pop("key"): x for x in _rows(con, repeat_sql.format(key="c.acquisition_channel"))
    }
    customers["repeat_by_acquisition_group"] = {
        x.pop("key"): x for x in _rows(con, repeat_sql.format(key="t.acquisition_group"))
    }
    r["customers"] = customers
    r["marketing"] = {
        "spend_by_channel_currency": _rows(
            con,
            """
            select channel, currency, sum(spend) as spend, sum(clicks) as clicks, sum(impressions) as impressions
            from marketing_ad_spend group by 1, 2 order by 1, 2""",
        ),
        "activity_participation_rate": _one(
            con,
            """
            select avg(case when p.participated_at is not null then 1.0 else 0.0 end) as v
            from marketing_activity_participants as p
            left join shop_customers as c on p.customer_id = c.customer_id
            where not coalesce(c.is_test, false)""",
        )["v"],
    }
    return r


def traffic_realized(cal: Calendar, gen: Generated) -> tuple[dict[str, Any], dict[str, Any], dict[str, int]]:
    """Traffic, funnel and experiment KPIs over the web_events rows (as arrays).

    Same definitions as the KPI dictionary: a session is the events sharing a
    session_id; sessions of anonymous ids ever seen logged in as a test
    customer are left out; the channel group is the one the landing event's
    utm/referrer markers map to; the ordered funnel counts a step when its event
    happens at or after the time the previous step was reached."""
    a = gen.arrays
    sess, ev, cust, orders, lines = a["sess"], a["ev"], a["cust"], a["orders"], a["lines"]
    ns = len(sess["kind"])
    es, name, t = ev["sess"], ev["name"], ev["t"]
    ev_cust = ev["cust"]
    logged = np.flatnonzero(ev_cust >= 0)
    test_anon = np.zeros(a["n_anon"], dtype=bool)
    test_anon[sess["anon"][es[logged[cust["is_test"][ev_cust[logged]]]]]] = True
    ok = ~test_anon[sess["anon"]]
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

    def share(num: int, den: int) -> float | None:
        return round(num / den, 6) if den else None

    natural = np.isin(group, [_G[g] for g in NATURAL_GROUPS])
    traffic: dict[str, Any] = {
        "sessions": n_ok,
        "events": int(n_ev[ok].sum()),
        "bounce_rate": share(count(n_ev == 1), n_ok),
        "session_conversion_rate": share(count(purchase), n_ok),
        "natural_traffic_share": share(count(natural), n_ok),
        "by_channel_group": {
            g: {
                "sessions": int(g_sess[i]),
                "purchase_sessions": int(g_buy[i]),
                "conversion_rate": share(int(g_buy[i]), int(g_sess[i])),
                "bounce_rate": share(int(g_bounce[i]), int(g_sess[i])),
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
    # Product views whose product is in the order placed in the same session
    # (only sessions with an order can have one).
    n_prod = int(lines["product"].max()) + 1 if len(lines["product"]) else 1
    o_sess = orders["session"][lines["order"]]
    bought_keys = np.unique(o_sess[o_sess >= 0] * n_prod + lines["product"][o_sess >= 0])
    pv = pv[ok[es[pv]] & (ev["dwell"][pv] >= 0)]
    long_view = ev["dwell"][pv] >= 30_000
    has_order = np.zeros(ns, dtype=bool)
    has_order[orders["session"][orders["session"] >= 0]] = True
    bought = np.zeros(len(pv), dtype=bool)
    maybe = np.flatnonzero(has_order[es[pv]])
    bought[maybe] = np.isin(es[pv[maybe]].astype(np.int64) * n_prod + ev["product"][pv[maybe]], bought_keys)
    traffic["product_view_conversion_by_dwell"] = {
        "ge_30s": {
            "product_views": int(long_view.sum()),
            "conversion": share(int((bought & long_view).sum()), int(long_view.sum())),
        },
        "lt_30s": {
            "product_views": int((~long_view).sum()),
            "conversion": share(int((bought & ~long_view).sum()), int((~long_view).sum())),
        },
    }
    # Logged-in events carry their session's customer: count customers per
    # anonymous id over the sessions with a logged-in event.
    n_cust = len(cust["group"])
    seen = np.zeros(ns, dtype=bool)
    seen[es[logged]] = True
    seen = np.flatnonzero(seen)
    pairs = np.unique(sess["anon"][seen].astype(np.int64) * n_cust + sess["cust"][seen])
    per_anon = np.unique(pairs // n_cust, return_counts=True)[1]
    traffic["stitching_conflicts"] = int((per_anon > 1).sum())
    has_load = ok[es] & (ev["load"] >= 0)
    load = ev["load"][has_load]
    p50, p90 = np.percentile(load, [50, 90]) if len(load) else (None, None)
    load_days = np.datetime64("1970-01-01", "D") + t[has_load] // DAY
    load_year = load_days.astype("datetime64[Y]").astype(np.int64) + 1970
    by_year = {}
    for year in np.unique(load_year):
        y50, y90 = np.percentile(load[load_year == year], [50, 90])
        by_year[str(int(year))] = {"p50": float(y50), "p90": float(y90)}
    traffic["page_load_ms"] = {
        "p50": None if p50 is None else float(p50),
        "p90": None if p90 is None else float(p90),
        "by_year": by_year,
    }

    # Experiments: sessions of assigned visitors starting at or after the
    # assignment and before the window end.
    day = np.clip(cal.day_of(orders["t"]), 0, cal.n_days - 1)
    merch_usd = orders["merch"] * a["fx"][day, orders["currency"]] / 1e8
    sess_gmv = np.zeros(ns)
    has_o = orders["session"] >= 0
    sess_gmv[orders["session"][has_o]] = merch_usd[has_o]
    asg = a["assign"]
    experiments: dict[str, Any] = {}
    for e, d in enumerate(gen.experiments):
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
                "session_conversion": share(n_buy, n_s),
                "visitor_conversion": share(n_conv, n_vis),
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
        out["treatment_share"] = share(tr["visitors"], total)
        experiments[d["experiment_id"]] = out

    # Sessions per calendar month of their start: per day, then days to months.
    per_day = np.bincount(cal.day_of(sess["start"][ok]), minlength=cal.n_days)
    y, mth, _ = civil_from_days(cal.epoch0 // DAY + np.arange(len(per_day)))
    months, month_of_day = np.unique(y * 100 + mth, return_inverse=True)
    counts = np.bincount(month_of_day, weights=per_day, minlength=len(months)).round().astype(np.int64)
    by_month = {f"{m // 100:04d}-{m % 100:02d}": int(c) for m, c in zip(months, counts, strict=True) if c}
    return traffic, experiments, by_month


def r_start(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute("select min(start_date) from _period").fetchone()
    return f"{row[0]} 00:00:00+00" if row else "1970-01-01 00:00:00+00"


def build_ground_truth(gen: Generated, cfg: Config, cal: Calendar) -> dict[str, Any]:
    """The realized KPIs: the SQL part on a thread (DuckDB lets go of the GIL)
    while the traffic part runs here."""
    import duckdb  # only needed here: importing it takes a sixth of a second

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="truth") as pool:
        sql_part = pool.submit(realized_sql, duckdb.connect(), gen, cfg, cal)
        traffic, experiments, sessions_by_month = traffic_realized(cal, gen)
        try:
            realized = sql_part.result()
        except duckdb.Error as exc:
            raise RuntimeError(f"ground truth query failed: {exc}") from exc
    realized["traffic"] = traffic
    realized["experiments"] = experiments
    for row in realized["monthly"]:
        row["sessions"] = sessions_by_month.get(row["month"], 0)
    return {"_doc": DOC, "planted": gen.planted, "realized": realized}


def realized_sql(
    con: duckdb.DuckDBPyConnection, gen: Generated, cfg: Config, cal: Calendar
) -> dict[str, Any]:
    """The realized KPIs computed in SQL over the tables (zero-copy Arrow)."""
    try:
        con.execute("SET TimeZone='UTC'")
        con.execute("SET enable_progress_bar=false")
        con.execute("SET threads=1")  # small tables: more threads only cost time
        for name, tbl in {**gen.tables, **gen.truth}.items():
            con.register(name, tbl)
        peaks = [((a - dt.date(1970, 1, 1)).days, (b - dt.date(1970, 1, 1)).days) for _, a, b in cal.peaks]
        con.register(
            "_peaks",
            pa.table(
                {
                    "start_date": date_arr(np.array([a for a, _ in peaks], dtype=np.int64)),
                    "end_date": date_arr(np.array([b for _, b in peaks], dtype=np.int64)),
                }
            ),
        )
        con.register("_period", pa.table({"start_date": [cfg.start], "end_date": [cfg.end]}))
        return compute_realized(con, gen.tables)
    finally:
        con.close()


# ---------------------------------------------------------------------------
# CSV writing: Arrow tables to CSV bytes, vectorised
# ---------------------------------------------------------------------------
#
# DuckDB's and Arrow's CSV writers format value by value; for web_events that
# was 6-10 s of CPU, more than generating it. Here each column becomes an array
# of fixed-width text records: the value right-aligned, padded on the left with
# commas and ending with its separator (',' or, in the last column, '\n'),
# mostly by lookups in tables of label, digit and date texts. A chunk of rows
# is one byte buffer, prefilled with commas; the end of every field is known
# from the running sum of the field lengths, and each column's records are
# written there in one vectorised assignment, last column first. A record's
# padding then lands on fields further left in the same row, which are
# written afterwards, or on empty fields, which are a single comma anyway; so
# columns that are mostly empty only write their non-empty rows. Records
# whose padding would reach into the row before (always in the first column,
# unless all its values have one width) are written exactly, length by length.
# Fewer, wider writes are cheaper: fixed-width columns ride on the column
# before them, and adjacent columns with few labels are combined (a record
# for every combination of their labels).

CSV_CHUNK_ROWS = 1 << 16
_COMMA = ord(",")


def _needs_quotes(data: Arr) -> bool:
    """Whether text bytes contain a character that CSV has to quote (a byte
    search per character is much faster than comparing arrays)."""
    text = data.tobytes()
    return any(c in text for c in (b",", b'"', b"\n", b"\r"))


@dataclasses.dataclass
class CsvField:
    """One column of a chunk of rows as text records."""

    rec: Arr  # S{w}: right-aligned text + separator, padded on the left with commas
    length: Arr | int  # bytes of each row's field incl. its separator (an int: all alike)
    rows: Arr | None = None  # the rows rec belongs to, when only those are non-empty


CsvFormatter = Callable[[int, int], CsvField]


@functools.cache
def _group_text() -> tuple[Arr, Arr, Arr]:
    """Every number below 10**4 as 4 characters: zero-padded; right-aligned with
    commas in front (0 -> ',,,,'); and its number of digits (0 -> 0)."""
    padded = _digit_text(4)
    n = np.arange(10_000)
    n_digits = np.select([n >= 1000, n >= 100, n >= 10, n >= 1], [4, 3, 2, 1], 0).astype(np.int32)
    top = padded.view(np.uint8).reshape(-1, 4).copy()
    top[np.arange(4) < (4 - n_digits)[:, None]] = _COMMA  # leading zeros become padding
    return padded, top.view("S4").ravel(), n_digits


@functools.cache
def _time_of_day_text() -> Arr:
    """ "HH:MM:SS" for every second of a day (fixed-width bytes)."""
    sod = np.arange(DAY)
    rec = np.empty(DAY, dtype=[("h", "S2"), ("c1", "S1"), ("m", "S2"), ("c2", "S1"), ("s", "S2")])
    rec["h"], rec["m"], rec["s"] = (
        _digit_text(2)[sod // HOUR],
        _digit_text(2)[sod // 60 % 60],
        _digit_text(2)[sod % 60],
    )
    rec["c1"] = rec["c2"] = b":"
    return rec.view("S8")


def _date_text(epoch_days: Arr, suffix: bytes) -> Arr:
    """ "YYYY-MM-DD" + suffix for each day."""
    year, month, day = civil_from_days(epoch_days)
    rec = np.empty(
        len(epoch_days),
        dtype=[("y", "S4"), ("m1", "S1"), ("m", "S2"), ("m2", "S1"), ("d", "S2"), ("x", f"S{len(suffix)}")],
    )
    rec["y"] = _digit_text(4)[np.clip(year, 0, 9_999)]
    rec["m"], rec["d"] = _digit_text(2)[month], _digit_text(2)[day]
    rec["m1"] = rec["m2"] = b"-"
    rec["x"] = suffix
    return rec.view(f"S{10 + len(suffix)}")


def _buffer(a: pa.Array, i: int, dtype: Any, count: int) -> Arr:
    """Buffer i of an Arrow array as NumPy, from the array's offset on (no copy)."""
    if count == 0:
        return np.zeros(0, dtype=dtype)
    return np.frombuffer(a.buffers()[i], dtype=dtype, count=a.offset + count)[a.offset :]


def _valid_rows(a: pa.Array, lo: int, hi: int) -> Arr | None:
    """Validity of rows lo..hi (None: no NULLs in the array)."""
    if a.null_count == 0:
        return None
    first = a.offset + lo
    bits = np.frombuffer(a.buffers()[0], dtype=np.uint8)[first // 8 : (a.offset + hi + 7) // 8]
    return np.unpackbits(bits, bitorder="little")[first % 8 : first % 8 + hi - lo].view(bool)


def _null_record(width: int, sep: bytes) -> Arr:
    return np.frombuffer(b"," * (width - 1) + sep, dtype=f"S{width}")


def _with_nulls(rec: Arr, width: int, valid: Arr | None, sep: bytes) -> CsvField:
    """Records of fixed width with NULL rows made empty."""
    if valid is None:
        return CsvField(rec, width)
    rec[~valid] = _null_record(width, sep)[0]
    return CsvField(rec, np.where(valid, width, 1).astype(np.int32))


def _csv_quote(text: str) -> bytes:
    b = text.encode()
    if b == b"" or any(c in b for c in b',"\n\r'):
        return b'"' + b.replace(b'"', b'""') + b'"'
    return b


def _label_records(values: pa.Array, sep: bytes) -> tuple[Arr, Arr]:
    """Records and lengths of each value of a string array, plus one (last) for NULL.

    Ids (all the same width, nothing to quote) are built from the Arrow buffer
    directly; other labels (few) one by one."""
    n = len(values)
    offsets = _buffer(values, 1, np.int32, n + 1) if n else np.zeros(1, np.int32)
    widths = np.diff(offsets)
    if n and values.null_count == 0 and widths.min() == widths.max() > 0:
        k = int(widths[0])
        data = np.frombuffer(values.buffers()[2], dtype=np.uint8, count=int(offsets[-1]))[int(offsets[0]) :]
        if not _needs_quotes(data):
            rec = np.full((n + 1, k + 1), _COMMA, dtype=np.uint8)
            rec[:n, :k] = data.reshape(n, k)
            rec[:, k] = ord(sep)
            length = np.full(n + 1, k + 1, dtype=np.int32)
            length[n] = 1
            return rec.view(f"S{k + 1}").ravel(), length
    texts = [b"" if s is None else _csv_quote(s) for s in values.to_pylist()] + [b""]
    w = max(len(t) for t in texts) + 1
    rec = np.frombuffer(b"".join(t.rjust(w - 1, b",") + sep for t in texts), dtype=f"S{w}")
    return rec, np.array([len(t) + 1 for t in texts], dtype=np.int32)


LabelCache = dict[tuple[Any, ...], tuple[Arr, Arr]]


def _dictionary_formatter_labels(
    a: pa.DictionaryArray, sep: bytes, cache: LabelCache | None
) -> tuple[Arr, Arr]:
    """Label records of a dictionary column, shared through the cache between
    record batches and tables with the same dictionary (ids, label lists)."""
    key = (*_dictionary_key(a), sep)
    if cache is not None and key in cache:
        return cache[key]
    records = _label_records(a.dictionary, sep)
    if cache is not None:
        cache[key] = records
    return records


def _dictionary_formatter(
    a: pa.DictionaryArray, sep: bytes, last: bool, cache: LabelCache | None = None
) -> CsvFormatter:
    labels, label_len = _dictionary_formatter_labels(a, sep, cache)
    null = len(labels) - 1
    # Indices under NULLs are arbitrary but in range; the raw buffer needs no copy.
    indices = _buffer(a.indices, 1, a.indices.type.to_pandas_dtype(), len(a))
    # Mostly empty columns (utm_*, order_id of web_events) only write their values.
    sparse = not last and a.null_count > len(a) // 2
    same_width = len(labels) > 1 and bool((label_len[:-1] == label_len[0]).all())  # ids

    def fmt(lo: int, hi: int) -> CsvField:
        idx = indices[lo:hi]
        valid = _valid_rows(a, lo, hi)
        if sparse and valid is not None:
            rows = np.flatnonzero(valid)
            taken = idx[rows]
            length = np.ones(hi - lo, dtype=np.int32)
            length[rows] = label_len[taken]
            return CsvField(labels[taken], length, rows)
        if valid is not None:
            idx = np.where(valid, idx, null)
        elif same_width:
            return CsvField(labels[idx], int(label_len[0]))
        return CsvField(labels[idx], label_len[idx])

    return fmt


COMBINED_LABELS_MAX = 1 << 16


def _dictionary_key(a: pa.DictionaryArray) -> tuple[Any, ...]:
    d = a.dictionary
    return (tuple(b.address if b is not None else 0 for b in d.buffers()), d.offset, len(d))


def _combined_formatter(
    arrays: Sequence[pa.DictionaryArray], seps: Sequence[bytes], cache: LabelCache
) -> CsvFormatter:
    """Adjacent dictionary columns with few labels (event name, page type and
    URL; referrer and utm_*) as one field: a record for every combination of
    their labels (NULL included), so one lookup and one write instead of one
    per column."""
    key = ("combined", *(_dictionary_key(a) for a in arrays), *seps)
    if key not in cache:
        parts = [_dictionary_formatter_labels(a, sep, cache) for a, sep in zip(arrays, seps, strict=True)]
        # Every combination, laid out like rows of a CSV chunk (see csv_rows).
        combos = np.indices([len(labels) for labels, _ in parts]).reshape(len(parts), -1)
        cache[key] = csv_record_table(
            [CsvField(rec[i], size[i]) for (rec, size), i in zip(parts, combos, strict=True)]
        )
    labels, label_len = cache[key]
    sizes = [len(a.dictionary) + 1 for a in arrays]
    indices = [_buffer(a.indices, 1, a.indices.type.to_pandas_dtype(), len(a)) for a in arrays]
    all_null = len(labels) - 1
    sparse = min(a.null_count for a in arrays) > len(arrays[0]) // 2

    def fmt(lo: int, hi: int) -> CsvField:
        idx = np.zeros(hi - lo, dtype=np.int32)
        for a, size, codes in zip(arrays, sizes, indices, strict=True):
            idx *= size
            valid = _valid_rows(a, lo, hi)
            idx += codes[lo:hi] if valid is None else np.where(valid, codes[lo:hi], size - 1)
        if sparse:
            rows = np.flatnonzero(idx != all_null)
            taken = idx[rows]
            length = np.full(hi - lo, label_len[all_null], dtype=np.int32)
            length[rows] = label_len[taken]
            return CsvField(labels[taken], length, rows)
        return CsvField(labels[idx], label_len[idx])

    return fmt


def _column_groups(batch: pa.RecordBatch) -> list[list[int]]:
    """Columns to format together: runs of adjacent dictionary columns whose
    label combinations stay few; every other column alone."""
    groups: list[list[int]] = []
    combos = 0
    for i, column in enumerate(batch.columns):
        n = len(column.dictionary) + 1 if pa.types.is_dictionary(column.type) else 0
        last = groups[-1] if groups else None
        if n and last is not None and combos and combos * n <= COMBINED_LABELS_MAX:
            last.append(i)
            combos *= n
        else:
            groups.append([i])
            combos = n if n and n <= COMBINED_LABELS_MAX else 0
    return groups


def _string_formatter(a: pa.Array, sep: bytes, last: bool) -> CsvFormatter:
    n = len(a)
    offsets = _buffer(a, 1, np.int32, n + 1)
    widths = np.diff(offsets)
    if n and widths.min() == widths.max() > 0:
        k = int(widths[0])
        data = np.frombuffer(a.buffers()[2], dtype=np.uint8, count=int(offsets[-1]))[int(offsets[0]) :]
        if not _needs_quotes(data):
            text = data.reshape(n, k)

            def fmt(lo: int, hi: int) -> CsvField:
                rec = np.empty((hi - lo, k + 1), dtype=np.uint8)
                rec[:, :k] = text[lo:hi]
                rec[:, k] = ord(sep)
                return _with_nulls(rec.view(f"S{k + 1}").ravel(), k + 1, _valid_rows(a, lo, hi), sep)

            return fmt
    if n <= 1 << 16:
        # Texts of varying width (product names): a record per row, as labels.
        labels, label_len = _label_records(a, sep)
        return lambda lo, hi: CsvField(labels[lo:hi], label_len[lo:hi])
    import pyarrow.compute as pc  # rare, and a noticeable import

    return _dictionary_formatter(pc.dictionary_encode(a), sep, last)


def _number_records(units: Arr, n_digits: int, tail: list[tuple[str, Any]]) -> tuple[Arr, Arr]:
    """Right-aligned decimal text of non-negative integers (commas in place of
    leading zeros) followed by fixed-width tail fields; and the text lengths.

    Built from 4-digit groups: the highest non-zero group without its leading
    zeros, the groups below it zero-padded."""
    padded, top, group_digits = _group_text()
    n_groups = max(1, -(-n_digits // 4))
    groups = []
    x = units
    for _ in range(n_groups - 1):
        x, g = np.divmod(x, 10_000)
        groups.append(g)
    groups.append(x)
    fields = [(f"g{i}", "S4") for i in range(n_groups - 1, -1, -1)]
    fields += [(name, f"S{len(v) if isinstance(v, bytes) else v.dtype.itemsize}") for name, v in tail]
    rec = np.empty(len(units), dtype=fields)
    length = np.zeros(len(units), dtype=np.int32)
    above = np.zeros(len(units), dtype=bool)  # a higher group is non-zero
    for i in range(n_groups - 1, 0, -1):
        g = groups[i]
        rec[f"g{i}"] = np.where(above, padded[g], top[g])
        length += np.where(above, 4, group_digits[g])
        above |= g > 0
    g = groups[0]
    rec["g0"] = np.where(above, padded[g], np.where(g == 0, b",,,0", top[g]))
    length += np.where(above, 4, np.maximum(group_digits[g], 1))
    for name, value in tail:
        rec[name] = value
    return rec.view(f"S{rec.dtype.itemsize}"), length


def _number_formatter(a: pa.Array, sep: bytes, last: bool) -> CsvFormatter:
    """Integers, and decimals (whose 128-bit units fit in 64 bits here)."""
    n = len(a)
    scale = a.type.scale if pa.types.is_decimal(a.type) else 0
    high = np.zeros(0, dtype=np.int64)
    if pa.types.is_decimal(a.type):
        # 128-bit little-endian units: the low word, and the high word (0 when it fits).
        words = np.frombuffer(a.buffers()[1], dtype=np.int64, count=2 * (a.offset + n))[2 * a.offset :]
        units, high = words[0::2], words[1::2]
    elif a.type in (pa.int64(), pa.int32()):
        units = _buffer(a, 1, a.type.to_pandas_dtype(), n)  # values under NULLs are arbitrary
    else:
        units = _buffer(a, 1, a.type.to_pandas_dtype(), n).astype(np.int64)
    # (Arrow's own is_valid/fill_null would import pyarrow.compute: 0.2 s holding the GIL.)
    valid = _valid_rows(a, 0, n)
    units_valid = units if valid is None else units[valid]
    high_valid = high if valid is None or not len(high) else high[valid]
    if (len(units_valid) and units_valid.min() < 0) or high_valid.any():
        # Negative or huge numbers never come out of the generator; Arrow's
        # own text keeps the writer general.
        import pyarrow.compute as pc

        return _dictionary_formatter(pc.dictionary_encode(pc.cast(a, pa.string())), sep, last)
    unit = 10**scale
    top = int(units_valid.max()) if len(units_valid) else 0
    n_digits = len(str(top // unit))
    if scale == 0 and top < 2**17 and n > top // 4:
        # Many small integers (dwell and load times): every text once, then lookups.
        table, table_len = _number_records(np.arange(top + 1), n_digits, [("sep", sep)])
        table = np.concatenate([table, _null_record(table.dtype.itemsize, sep)])
        table_len = np.concatenate([table_len + 1, [1]]).astype(np.int32)

        def lookup(lo: int, hi: int) -> CsvField:
            valid = _valid_rows(a, lo, hi)
            idx = units[lo:hi] if valid is None else np.where(valid, units[lo:hi], top + 1)
            return CsvField(table[idx], table_len[idx])

        return lookup

    def fmt(lo: int, hi: int) -> CsvField:
        valid = _valid_rows(a, lo, hi)
        u = units[lo:hi] if valid is None else np.where(valid, units[lo:hi], 0)
        if scale:
            whole, frac = np.divmod(u, unit)
            tail = [("dot", b"."), ("frac", zero_padded(frac, scale)), ("sep", sep)]
            rec, length = _number_records(whole, n_digits, tail)
            length += scale + 2
        else:
            rec, length = _number_records(u, n_digits, [("sep", sep)])
            length += 1
        if valid is not None:
            rec[~valid] = _null_record(rec.dtype.itemsize, sep)[0]
            length[~valid] = 1
        return CsvField(rec, length)

    return fmt


def _timestamp_formatter(a: pa.Array, sep: bytes, offset_hours: int) -> CsvFormatter:
    """ISO-8601 with seconds: ``2025-03-01T10:00:00Z``, or the local time at the
    offset: ``2025-03-01T18:00:00+08:00``."""
    if a.type.unit != "s":
        raise TypeError(f"timestamps are written with second resolution, got {a.type}")
    n = len(a)
    sec = _buffer(a, 1, np.int64, n) + offset_hours * HOUR
    valid = _valid_rows(a, 0, n)
    days = (sec if valid is None else sec[valid]) // DAY
    d0, d1 = (int(days.min()), int(days.max())) if len(days) else (0, 0)
    dates = _date_text(np.arange(d0, d1 + 1), b"T")
    suffix = b"Z" if offset_hours == 0 else f"{offset_hours:+03d}:00".encode()
    width = 20 + len(suffix)

    def fmt(lo: int, hi: int) -> CsvField:
        day, sod = np.divmod(sec[lo:hi], DAY)
        valid = _valid_rows(a, lo, hi)
        if valid is not None:
            day = np.where(valid, day, d0)
            sod = np.where(valid, sod, 0)
        rec = np.empty(hi - lo, dtype=[("d", "S11"), ("t", "S8"), ("z", f"S{len(suffix)}"), ("s", "S1")])
        rec["d"] = dates[day - d0]
        rec["t"] = _time_of_day_text()[sod]
        rec["z"] = suffix
        rec["s"] = sep
        return _with_nulls(rec.view(f"S{width}"), width, valid, sep)

    return fmt


def _date_formatter(a: pa.Array, sep: bytes) -> CsvFormatter:
    days = _buffer(a, 1, np.int32, len(a))
    d0, d1 = (int(days.min()), int(days.max())) if len(days) else (0, 0)
    dates = _date_text(np.arange(d0, d1 + 1), sep)

    def fmt(lo: int, hi: int) -> CsvField:
        valid = _valid_rows(a, lo, hi)
        day = days[lo:hi] if valid is None else np.where(valid, days[lo:hi], d0)
        return _with_nulls(dates[day - d0], 11, valid, sep)

    return fmt


def _bool_formatter(a: pa.Array, sep: bytes) -> CsvFormatter:
    labels, label_len = _label_records(pa.array(["false", "true"]), sep)
    bits = np.frombuffer(a.buffers()[1], dtype=np.uint8)
    values = np.unpackbits(bits, bitorder="little")[a.offset : a.offset + len(a)].astype(np.int8)

    def fmt(lo: int, hi: int) -> CsvField:
        valid = _valid_rows(a, lo, hi)
        idx = values[lo:hi] if valid is None else np.where(valid, values[lo:hi], 2)
        return CsvField(labels[idx], label_len[idx])

    return fmt


def csv_formatter(
    column: pa.Array | pa.ChunkedArray,
    sep: bytes,
    offset_hours: int = 0,
    last: bool = False,
    labels: LabelCache | None = None,
) -> CsvFormatter:
    """A function giving a column's text records for rows lo..hi."""
    a = column
    if isinstance(a, pa.ChunkedArray):  # one chunk as a rule; combining would copy it
        a = a.chunk(0) if a.num_chunks == 1 else a.combine_chunks()
    typ = a.type
    if pa.types.is_dictionary(typ):
        return _dictionary_formatter(a, sep, last, labels)
    if pa.types.is_string(typ):
        return _string_formatter(a, sep, last)
    if pa.types.is_timestamp(typ):
        return _timestamp_formatter(a, sep, offset_hours)
    if pa.types.is_date32(typ):
        return _date_formatter(a, sep)
    if pa.types.is_integer(typ) or pa.types.is_decimal(typ):
        return _number_formatter(a, sep, last)
    if pa.types.is_boolean(typ):
        return _bool_formatter(a, sep)
    raise TypeError(f"no CSV text for {typ}")


def _merge_fixed(fields: Sequence[CsvField]) -> list[CsvField]:
    """Fold each fixed-width field into the one before it: the padding of a
    record is at its left, so [variable][fixed][fixed] is still one
    right-aligned record, and one write instead of three."""
    runs: list[list[CsvField]] = []
    for f in fields:
        prev = runs[-1][0] if runs else None
        if prev is None or prev.rows is not None or f.rows is not None or not isinstance(f.length, int):
            runs.append([f])
        else:
            runs[-1].append(f)
    out = []
    for run in runs:
        if len(run) == 1:
            out.append(run[0])
            continue
        rec = np.empty(len(run[0].rec), dtype=[(f"f{i}", f.rec.dtype) for i, f in enumerate(run)])
        for i, f in enumerate(run):
            rec[f"f{i}"] = f.rec
        out.append(
            CsvField(rec.view(f"S{rec.dtype.itemsize}"), run[0].length + sum(f.length for f in run[1:]))
        )
    return out


def csv_record_table(fields: Sequence[CsvField]) -> tuple[Arr, Arr]:
    """Rows laid out as in ``csv_rows`` but each right-aligned in a record of
    one width (padded on the left with commas): a label table for combined
    columns. Returns (records, lengths)."""
    n = len(fields[0].rec)
    width = sum(f.rec.dtype.itemsize for f in fields)  # room for any padding
    length = np.zeros(n, dtype=np.int32)
    for f in fields:
        length += f.length
    out = np.full(n * width, _COMMA, dtype=np.uint8)
    end = np.arange(1, n + 1, dtype=np.int64) * width
    for f in reversed(fields):
        w = f.rec.dtype.itemsize
        windows = np.ndarray(buffer=out, dtype=f"S{w}", shape=(len(out) - w + 1,), strides=(1,))
        windows[end - w] = f.rec
        end -= f.length
    return out.view(f"S{width}"), length


def csv_rows(fields: Sequence[CsvField], n: int) -> Arr:
    """Lay out a chunk of n rows (see the section comment) as bytes."""
    fields = _merge_fixed(fields)
    row_len = np.full(n, sum(f.length for f in fields if isinstance(f.length, int)), dtype=np.int64)
    for f in fields:
        if not isinstance(f.length, int):
            row_len += f.length
    end = np.cumsum(row_len)  # exclusive end of each row, then of each field
    row_start = end - row_len
    out = np.full(int(end[-1]) if n else 0, _COMMA, dtype=np.uint8)
    for j in range(len(fields) - 1, -1, -1):
        f = fields[j]
        w = f.rec.dtype.itemsize
        e = end if f.rows is None else end[f.rows]
        # A record whose padding would reach into the row before (where the
        # fields to its left are shorter than the padding, always so in the
        # first column unless it has one width) is written without it.
        spill = e - w < (row_start if f.rows is None else row_start[f.rows])
        if spill.any():
            length = np.broadcast_to(f.length, (n,))
            length = length if f.rows is None else length[f.rows]
            bad = np.flatnonzero(spill)
            _write_exact(out, e[bad] - length[bad], f.rec[bad], length[bad])
            good = np.flatnonzero(~spill)
            e, rec = e[good], f.rec[good]
        else:
            rec = f.rec
        # Windows of w bytes starting at every byte: assigning record i to
        # window e - w puts it right before end e.
        windows = np.ndarray(buffer=out, dtype=f"S{w}", shape=(max(len(out) - w + 1, 0),), strides=(1,))
        windows[e - w] = rec
        if j:
            end -= f.length
    return out


def _write_exact(out: Arr, start: Arr, rec: Arr, length: Arr) -> None:
    """Write records without their padding, one field length at a time."""
    w = rec.dtype.itemsize
    raw = rec.view(np.uint8).reshape(-1, w)
    for k in np.unique(length):
        rows = np.flatnonzero(length == k)
        windows = np.ndarray(buffer=out, dtype=f"S{k}", shape=(len(out) - k + 1,), strides=(1,))
        windows[start[rows]] = np.ascontiguousarray(raw[rows, w - k :]).view(f"S{k}").ravel()


CsvChunk = tuple[list[CsvFormatter], int, int]


def csv_chunks(table: pa.Table, offset_hours: int = 0, labels: LabelCache | None = None) -> list[CsvChunk]:
    """The row chunks of a table, each with the column formatters of its record
    batch (label records are shared between batches, and tables, with the same
    dictionary: the ids)."""
    names = table.column_names
    labels = {} if labels is None else labels
    chunks: list[CsvChunk] = []
    seps = [b","] * (len(names) - 1) + [b"\n"]
    for batch in table.to_batches():
        formatters = []
        for group in _column_groups(batch):
            if len(group) > 1 and group[-1] < len(names) - 1:
                columns = [batch.column(i) for i in group]
                formatters.append(_combined_formatter(columns, [seps[i] for i in group], labels))
            else:
                formatters += [
                    csv_formatter(batch.column(i), seps[i], offset_hours, i == len(names) - 1, labels)
                    for i in group
                ]
        n = batch.num_rows
        chunks += [(formatters, lo, min(n, lo + CSV_CHUNK_ROWS)) for lo in range(0, n, CSV_CHUNK_ROWS)]
    return chunks


def format_chunk(formatters: Sequence[CsvFormatter], lo: int, hi: int) -> Arr:
    return csv_rows([fmt(lo, hi) for fmt in formatters], hi - lo)


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


class TableWriter:
    """Writes tables to files in the background.

    Files are written by two writer threads; the rows of a CSV file are
    formatted (and compressed) in chunks on a small pool of threads, as the
    NumPy and zlib work releases the GIL, and written in order, so the bytes
    never depend on timing. The caller goes on generating meanwhile."""

    def __init__(self, out: Path, fmt: str, threads: int = 2) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}")
        out.mkdir(parents=True, exist_ok=True)
        self.out, self.fmt = out, fmt
        # Two files at a time, so that the small tables do not queue behind web_events.
        self._files = ThreadPoolExecutor(max_workers=2, thread_name_prefix="writer")
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="format")
        self._futures: dict[str, Future[int]] = {}
        self._labels: LabelCache = {}

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._files.shutdown(wait=True, cancel_futures=True)
        self._pool.shutdown(wait=True, cancel_futures=True)

    @property
    def submitted(self) -> set[str]:
        return set(self._futures)

    def submit(self, name: str, table: pa.Table) -> None:
        self._futures[name] = self._files.submit(self._write, name, table)

    def wait(self) -> dict[str, int]:
        """Wait for every file; returns the file sizes in bytes."""
        return {name: future.result() for name, future in self._futures.items()}

    def _write(self, name: str, table: pa.Table) -> int:
        clock = time.perf_counter()
        size = self._write_file(self.out / f"{name}.{self.fmt}", name, table)
        LOG.debug("wrote %s (%.2fs)", name, time.perf_counter() - clock)
        return size

    def _write_file(self, path: Path, name: str, table: pa.Table) -> int:
        if self.fmt == "parquet":
            import pyarrow.parquet as pq  # only for this format (a noticeable import)

            pq.write_table(table, path, compression="zstd")
            return path.stat().st_size
        # Timestamps are written as ISO-8601 text in UTC ("Z"), or for the offset
        # table as local time with its offset (the same instants).
        offset = OFFSET_TZ_HOURS if name == OFFSET_TABLE else 0
        header = (",".join(table.column_names) + "\n").encode()
        rows = ordered_map(self._pool, lambda c: format_chunk(*c), csv_chunks(table, offset, self._labels))
        with DirectFile(path) as f:
            if self.fmt == "csv.gz":
                write_gzip(f, itertools.chain([header], rows), self._pool)
            else:
                f.write(header)
                for part in rows:
                    f.write(part)
        return path.stat().st_size


class DirectFile:
    """A file written past the page cache (O_DIRECT) where the file system
    allows it, else normally.

    Why: on a VM like the one this runs on, every page of a new file in the page
    cache is fresh memory, which costs about 4 s of system time per GB written
    (more than formatting the CSV); written directly it is a tenth of that, and
    the disk keeps up. Direct writes need aligned memory and whole blocks, so
    data goes through an aligned staging buffer; the last partial block is
    written normally."""

    BLOCK = 1 << 12
    STAGE = 1 << 23

    def __init__(self, path: Path) -> None:
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        self.direct = bool(getattr(os, "O_DIRECT", 0))
        try:
            self.fd = os.open(path, flags | (os.O_DIRECT if self.direct else 0), 0o666)
        except OSError:  # e.g. tmpfs refuses O_DIRECT
            self.direct = False
            self.fd = os.open(path, flags, 0o666)
        raw = np.empty(self.STAGE + self.BLOCK, dtype=np.uint8)
        start = -raw.ctypes.data % self.BLOCK
        self.stage = raw[start : start + self.STAGE]
        self.fill = 0

    def __enter__(self) -> DirectFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def write(self, data: Any) -> None:
        view = np.frombuffer(data, dtype=np.uint8)
        if not self.direct:
            self._write_all(view)
            return
        pos = 0
        while pos < len(view):
            k = min(self.STAGE - self.fill, len(view) - pos)
            self.stage[self.fill : self.fill + k] = view[pos : pos + k]
            self.fill += k
            pos += k
            if self.fill == self.STAGE:
                self._write_all(self.stage)
                self.fill = 0

    def close(self) -> None:
        try:
            whole = self.fill - self.fill % self.BLOCK
            if whole:
                self._write_all(self.stage[:whole])
            if self.fill > whole:
                self._buffered()
                self._write_all(self.stage[whole : self.fill])
        finally:
            os.close(self.fd)

    def _buffered(self) -> None:
        if self.direct:
            fcntl.fcntl(self.fd, fcntl.F_SETFL, fcntl.fcntl(self.fd, fcntl.F_GETFL) & ~os.O_DIRECT)
            self.direct = False

    def _write_all(self, view: Arr) -> None:
        pos = 0
        while pos < len(view):
            try:
                pos += os.write(self.fd, view[pos:])
            except OSError as exc:
                if not (self.direct and exc.errno == errno.EINVAL):
                    raise
                self._buffered()  # the file system takes direct opens but not direct writes


def ordered_map(
    pool: ThreadPoolExecutor, fn: Callable[[Any], Any], items: Iterable[Any], ahead: int = 2
) -> Iterator[Any]:
    """fn over items on the pool, results in order, at most ``ahead`` waiting
    (so that a slow consumer does not pile up formatted chunks in memory)."""
    pending: collections.deque[Future[Any]] = collections.deque()
    for item in items:
        pending.append(pool.submit(fn, item))
        if len(pending) > ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


GZIP_LEVEL = 6


def _deflate(data: Any, last: bool) -> bytes:
    z = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -15)
    return z.compress(data) + z.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


def write_gzip(f: DirectFile, parts: Iterable[Any], pool: ThreadPoolExecutor) -> None:
    """One gzip member made of parts deflated in parallel (as pigz does: each
    part a raw deflate stream ended by a sync flush, the last one finished).
    The header carries no time stamp: the bytes depend on the data only."""
    f.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff")
    crc, size = 0, 0
    pending: collections.deque[Future[bytes]] = collections.deque()
    held = None  # each part is deflated once the next one shows it is not the last
    for part in parts:
        if held is not None:
            pending.append(pool.submit(_deflate, held, False))
            while len(pending) > 2:
                f.write(pending.popleft().result())
        crc = zlib.crc32(part, crc)
        size += memoryview(part).nbytes
        held = part
    pending.append(pool.submit(_deflate, b"" if held is None else held, True))
    while pending:
        f.write(pending.popleft().result())
    f.write(struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF))


def write_tables(tables: dict[str, pa.Table], out: Path, fmt: str) -> dict[str, int]:
    """Write one file per table; returns file sizes in bytes."""
    with TableWriter(out, fmt) as writer:
        for name, table in tables.items():
            writer.submit(name, table)
        return writer.wait()


def run(cfg: Config) -> dict[str, Any]:
    """Generate, write and describe the data set; returns a summary."""
    t0 = time.perf_counter()
    cal = Calendar.build(cfg.start, cfg.end)
    with TableWriter(cfg.out, cfg.fmt) as writer:
        gen = generate(cfg, emit=writer.submit)
        t_gen = time.perf_counter()
        for name, table in gen.tables.items():
            if name not in writer.submitted:
                writer.submit(name, table)
        truth = build_ground_truth(gen, cfg, cal)
        t_truth = time.perf_counter()
        written = writer.wait()
    sizes = {name: written[name] for name in gen.tables}
    (cfg.out / "ground_truth.json").write_text(json.dumps(truth, indent=2) + "\n")
    t_end = time.perf_counter()
    rows = {k: v.num_rows for k, v in gen.tables.items()}
    total = sum(rows.values())
    for name in rows:
        LOG.info("%-34s %10d rows %8.1f MB", name, rows[name], sizes[name] / 1e6)
    LOG.info(
        "generate %.2fs, ground truth %.2fs, writing finished %.2fs later (it overlaps both); "
        "%d rows in %.2fs, %.0f rows/s",
        t_gen - t0,
        t_truth - t_gen,
        t_end - t_truth,
        total,
        t_end - t0,
        total / (t_end - t0),
    )
    return {
        "rows": rows,
        "total_rows": total,
        "seconds": t_end - t0,
        "sizes": sizes,
        "rows_per_second": total / (t_end - t0),
    }


# ---------------------------------------------------------------------------
# The output folder: only the generator's own, and only its own files replaced
# ---------------------------------------------------------------------------

# Written into every folder the generator fills; a folder without it (and without
# an older generator's ground_truth.json) is someone else's and is never written to.
MARKER = ".generated-by-generate_data"
TRUTH_FILE = "ground_truth.json"


def own_files(out: Path) -> list[Path]:
    """Every file the generator writes or wrote into ``out``: a file per contract
    table in each accepted format, the ground truth and the marker."""
    names = [f"{table}{suffix}" for table in TABLES for suffix in FILE_SUFFIXES]
    return [out / name for name in (*names, TRUTH_FILE, MARKER)]


def written_by_generator(out: Path) -> bool:
    """True when ``out`` carries the generator's marker, or (older runs) a ground
    truth whose planted parameters name a generator version."""
    if (out / MARKER).is_file():
        return True
    truth = out / TRUTH_FILE
    if not truth.is_file():
        return False
    try:
        planted = json.loads(truth.read_text()).get("planted", {})
    except (OSError, ValueError, AttributeError):
        return False
    return isinstance(planted, dict) and "generator_version" in planted


def refuse_reason(out: Path) -> str | None:
    """Why the generator must not write into ``out``, or None when it may."""
    if not out.exists():
        return None
    if not out.is_dir():
        return f"--out {out} exists and is not a folder"
    if not any(out.iterdir()) or written_by_generator(out):
        return None
    return (
        f"--out {out} is not empty and was not written by generate_data.py (it has no {MARKER} "
        f"and no generator {TRUTH_FILE}), so nothing in it is replaced. To build the warehouse from "
        f"your own data, pass the folder with `make run INPUT={out}` instead; to generate, choose a "
        "new or empty folder."
    )


def prepare_out(out: Path, profile: str) -> None:
    """Clear the generator's own files from ``out`` (never anything else) and
    mark the folder as the generator's before writing into it."""
    out.mkdir(parents=True, exist_ok=True)
    for path in own_files(out):
        if path.is_file() or path.is_symlink():
            path.unlink()
    (out / MARKER).write_text(
        f"written by scripts/generate_data.py (generator {GENERATOR_VERSION}, profile {profile}); "
        "it replaces only its own files in this folder\n"
    )


def run_profile(cfg: Config, profile_name: str) -> dict[str, Any]:
    """Generate the full data set into a temporary folder, then write the profile's
    files (see scripts/data_profiles.py) into ``cfg.out``."""
    import tempfile

    profile = data_profiles.PROFILES[profile_name]
    data_profiles.check_window(profile, cfg.start, cfg.end)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="generate_data-") as tmp:
        full = Path(tmp) / "full"
        run(dataclasses.replace(cfg, out=full, fmt="parquet"))
        planted = json.loads((full / TRUTH_FILE).read_text())["planted"]
        t_full = time.perf_counter()
        truth = data_profiles.apply_profile(profile, full, cfg.out, cfg.fmt, planted)
    rows = truth["profile"]["row_counts"]
    seconds = time.perf_counter() - t0
    LOG.info(
        "profile %s: full set %.2fs, reshaped in %.2fs; %s, %s, window %s",
        profile_name,
        t_full - t0,
        seconds - (t_full - t0),
        profile.currency,
        profile.timezone,
        truth["profile"]["window"],
    )
    total = sum(rows.values())
    return {"rows": rows, "total_rows": total, "seconds": seconds, "rows_per_second": total / seconds}


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------


def tune_memory() -> None:
    """Make large temporary arrays cheap to allocate (Linux/glibc only).

    The generator allocates many short-lived arrays of tens to hundreds of MB.
    By default glibc serves each block above 32 MB with a fresh mmap and
    returns it on free, so every such array pays page faults again, and NumPy
    asks for transparent huge pages, whose compaction stalls are worse still
    here. Serving everything from the heap and keeping freed memory for reuse
    cut system time several-fold (scale 10: 168 s -> 73 s to generate, peak
    memory 14 -> 10 GB). Best-effort: elsewhere nothing happens."""
    core = getattr(np, "_core", None)
    set_hugepage = getattr(getattr(core, "multiarray", None), "_set_madvise_hugepage", None)
    if set_hugepage is not None:
        set_hugepage(False)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL("libc.so.6")
        except OSError:
            return
        m_trim_threshold, m_top_pad, m_mmap_max, m_arena_max = -1, -2, -4, -8
        libc.mallopt(m_mmap_max, 0)
        # One heap for all threads: memory freed by one is reused by the others.
        libc.mallopt(m_arena_max, 1)
        libc.mallopt(m_trim_threshold, 2**31 - 1)
        libc.mallopt(m_top_pad, 64 * 2**20)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from exc


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="generate_data.py",
        description="Generate the synthetic raw e-commerce data set (every raw contract table "
        "plus ground_truth.json).",
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder (created if missing)")
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="volume multiplier: 1 = ~20k customers, ~60k orders, ~1M sessions (default 1)",
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument(
        "--start", type=_date, default=dt.date(2024, 1, 1), help="first day, YYYY-MM-DD (default 2024-01-01)"
    )
    parser.add_argument(
        "--end",
        type=_date,
        default=dt.date(2025, 12, 31),
        help="last day, inclusive, YYYY-MM-DD (default 2025-12-31)",
    )
    parser.add_argument(
        "--format", dest="fmt", choices=FORMATS, default="csv", help="file format (default csv)"
    )
    parser.add_argument(
        "--profile",
        choices=data_profiles.PROFILE_NAMES,
        default=data_profiles.FULL,
        help="shape of the export: full = every table (default); minimal, bare and marketplace drop "
        "tables and optional columns and move currency, time zone and date span like real exports "
        "(see scripts/data_profiles.py; load them with --assume-timezone <the profile's zone>)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not math.isfinite(args.scale) or args.scale <= 0:
        LOG.error("--scale must be > 0, got %s", args.scale)
        return 2
    if args.start >= args.end:
        LOG.error("--start (%s) must be before --end (%s)", args.start, args.end)
        return 2
    if args.seed < 0:
        LOG.error("--seed must be >= 0, got %s", args.seed)
        return 2
    cfg = Config(out=args.out, scale=args.scale, seed=args.seed, start=args.start, end=args.end, fmt=args.fmt)
    if args.profile != data_profiles.FULL:
        try:
            data_profiles.check_window(data_profiles.PROFILES[args.profile], cfg.start, cfg.end)
        except data_profiles.ProfileError as exc:
            LOG.error("%s", exc)
            return 2
    reason = refuse_reason(cfg.out)
    if reason is not None:
        LOG.error("%s", reason)
        print(f"generate_data.py: error: {reason}", file=sys.stderr)
        return 2
    tune_memory()
    try:
        prepare_out(cfg.out, args.profile)
        if args.profile == data_profiles.FULL:
            summary = run(cfg)
        else:
            summary = run_profile(cfg, args.profile)
    except (OSError, RuntimeError, data_profiles.ProfileError) as exc:
        LOG.error("generation failed: %s", exc)
        return 1
    print(
        f"wrote {len(summary['rows'])} tables, {summary['total_rows']} rows to {cfg.out} "
        f"(profile {args.profile}) "
        f"in {summary['seconds']:.1f}s ({summary['rows_per_second']:,.0f} rows/s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
