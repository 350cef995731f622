"""The planted parameters, read once from ``parameters.json`` (next to this file).

Every value the generator plants (conversion and repeat probabilities per
channel group, price levels, delays, shares, vocabularies, campaigns, ...) is
data in that file; this module gives each a name and a type, turning JSON lists
back into tuples (and the few profiles used as vectors into NumPy arrays).
``Params`` holds the scalar parameters; ``PARAMS`` is the instance with the
file's values, which ``generate`` uses unless given another.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np

PARAMETERS_FILE = Path(__file__).with_name("parameters.json")


def _frozen(value: Any) -> Any:
    """JSON lists as tuples (nested too), objects with their values frozen; keys
    starting with "_" are documentation and left out."""
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items() if not k.startswith("_")}
    return value


def load_parameters(path: Path = PARAMETERS_FILE) -> dict[str, dict[str, Any]]:
    """The parameter file's sections (documentation keys left out)."""
    return _frozen(json.loads(path.read_text(encoding="utf-8")))


_P = load_parameters()

# Channel groups
_C = _P["channels"]
CHANNEL_GROUPS: tuple[str, ...] = _C["channel_groups"]
NATURAL_GROUPS: tuple[str, ...] = _C["natural_groups"]
_G = {name: i for i, name in enumerate(CHANNEL_GROUPS)}
CONVERSION: dict[str, float] = _C["conversion"]
BOUNCE: dict[str, float] = _C["bounce"]
ACQUISITION_MIX: dict[str, float] = _C["acquisition_mix"]
REPEAT_PROB: dict[str, float] = _C["repeat_prob"]
REPEAT_SESSION_MIX: dict[str, float] = _C["repeat_session_mix"]
ACQUISITION_TEXT: dict[str, tuple[str, ...]] = _C["acquisition_text"]

_SC = _P["scalars"]


@dataclasses.dataclass(frozen=True)
class Params:
    """Scalar planted parameters (dictionaries and vocabularies are module
    constants); the defaults are the parameter file's values."""

    customers_per_scale: int = _SC["customers_per_scale"]
    products_max: int = _SC["products_max"]
    test_account_share: float = _SC["test_account_share"]
    signup_before_start_share: float = _SC["signup_before_start_share"]
    buyer_share: float = _SC["buyer_share"]
    quick_first_order_share: float = _SC["quick_first_order_share"]
    first_order_delay_median_days: float = _SC["first_order_delay_median_days"]
    repeat_gap_median_days: float = _SC["repeat_gap_median_days"]
    repeat_gap_sigma: float = _SC["repeat_gap_sigma"]
    first_order_in_acquisition_channel: float = _SC["first_order_in_acquisition_channel"]
    guest_order_share: float = _SC["guest_order_share"]
    marketplace_share: float = _SC["marketplace_share"]
    store_share: float = _SC["store_share"]
    customer_session_share: float = _SC["customer_session_share"]
    sessions_per_anonymous_visitor: float = _SC["sessions_per_anonymous_visitor"]
    login_share: float = _SC["login_share"]
    stitching_conflict_share: float = _SC["stitching_conflict_share"]
    out_of_order_share: float = _SC["out_of_order_share"]
    cancellation_rate: float = _SC["cancellation_rate"]
    payment_failure_cancel_share: float = _SC["payment_failure_cancel_share"]
    payment_attempt_failure_prob: float = _SC["payment_attempt_failure_prob"]
    bank_transfer_share: float = _SC["bank_transfer_share"]
    on_time_rate: float = _SC["on_time_rate"]
    refund_prob_on_time: float = _SC["refund_prob_on_time"]
    refund_prob_late: float = _SC["refund_prob_late"]
    refund_prob_store: float = _SC["refund_prob_store"]
    partial_refund_prob_multi_line: float = _SC["partial_refund_prob_multi_line"]
    refund_stuck_share: float = _SC["refund_stuck_share"]
    coupon_share_regular: float = _SC["coupon_share_regular"]
    coupon_share_peak: float = _SC["coupon_share_peak"]
    welcome_coupon_share: float = _SC["welcome_coupon_share"]
    dwell_bought_median_s: float = _SC["dwell_bought_median_s"]
    dwell_bought_sigma: float = _SC["dwell_bought_sigma"]
    dwell_other_median_s: float = _SC["dwell_other_median_s"]
    dwell_other_sigma: float = _SC["dwell_other_sigma"]
    chat_first_response_median_s: float = _SC["chat_first_response_median_s"]
    chat_first_response_sigma: float = _SC["chat_first_response_sigma"]
    review_prob_on_time: float = _SC["review_prob_on_time"]
    review_prob_late: float = _SC["review_prob_late"]
    nps_response_prob: float = _SC["nps_response_prob"]
    activity_participation_rate: float = _SC["activity_participation_rate"]


if set(_SC) != {f.name for f in dataclasses.fields(Params)}:
    raise RuntimeError(f"{PARAMETERS_FILE}: scalars must be exactly the fields of Params")
PARAMS = Params()

EXPERIMENTS: tuple[tuple[str, float, float, float], ...] = _P["experiments"]["experiments"]

_S = _P["satisfaction"]
RATING_P_ON_TIME: tuple[float, ...] = _S["rating_p_on_time"]
RATING_P_LATE: tuple[float, ...] = _S["rating_p_late"]
NPS_P_ON_TIME: tuple[float, ...] = _S["nps_p_on_time"]
NPS_P_LATE: tuple[float, ...] = _S["nps_p_late"]

_GEO = _P["geography"]
COUNTRIES: tuple[str, ...] = _GEO["countries"]
COUNTRY_P: tuple[float, ...] = _GEO["country_p"]
CURRENCIES: tuple[str, ...] = _GEO["currencies"]
COUNTRY_CURRENCY: dict[str, str] = _GEO["country_currency"]
BASE_RATE_TO_USD: dict[str, float] = _GEO["base_rate_to_usd"]
TAX_BP: dict[str, int] = _GEO["tax_bp"]
FREE_SHIPPING_CENTS: dict[str, int] = _GEO["free_shipping_cents"]
SHIPPING_FEE_CENTS: dict[str, int] = _GEO["shipping_fee_cents"]
CITIES: dict[str, tuple[tuple[str, str], ...]] = _GEO["cities"]

_DEV = _P["devices"]
DEVICES: tuple[str, ...] = _DEV["devices"]
DEVICE_P: tuple[float, ...] = _DEV["device_p"]
PAGE_LOAD_MEDIAN_MS: tuple[float, ...] = _DEV["page_load_median_ms"]

_CAT = _P["catalog"]
CATEGORIES: tuple[tuple[str, float, float, float], ...] = _CAT["categories"]
NOUNS: dict[str, tuple[str, ...]] = _CAT["nouns"]
BRANDS: tuple[str, ...] = _CAT["brands"]
ADJECTIVES: tuple[str, ...] = _CAT["adjectives"]

_F = _P["fulfilment"]
WAREHOUSES: tuple[str, ...] = _F["warehouses"]
INVENTORY_COVER_DAYS: tuple[float, float] = _F["inventory_cover_days"]
CARRIERS: tuple[tuple[str, ...], ...] = _F["carriers"]
SHIP_MODES: tuple[str, ...] = _F["ship_modes"]
SHIP_MODE_P: tuple[float, ...] = _F["ship_mode_p"]
PROMISE_DAYS: tuple[int, ...] = _F["promise_days"]
PAYMENT_METHODS: tuple[str, ...] = _F["payment_methods"]
REFUND_REASONS: tuple[str, ...] = _F["refund_reasons"]
REFUND_REASON_P_ON_TIME: tuple[float, ...] = _F["refund_reason_p_on_time"]
REFUND_REASON_P_LATE: tuple[float, ...] = _F["refund_reason_p_late"]
STATUSES: tuple[str, ...] = _F["statuses"]
SALES_CHANNELS: tuple[str, ...] = _F["sales_channels"]
COUPONS: tuple[tuple[str, int], ...] = _F["coupons"]

_SUP = _P["support"]
TICKET_CHANNELS: tuple[str, ...] = _SUP["ticket_channels"]
TICKET_CHANNEL_P: tuple[float, ...] = _SUP["ticket_channel_p"]
FIRST_RESPONSE: dict[str, tuple[float, float]] = _SUP["first_response"]
TICKET_CATEGORIES: tuple[str, ...] = _SUP["ticket_categories"]
RESOLUTION_MEDIAN_H: tuple[float, ...] = _SUP["resolution_median_h"]
ESCALATION_P: tuple[float, ...] = _SUP["escalation_p"]
TICKET_STATUSES: tuple[str, ...] = _SUP["ticket_statuses"]
TEAMS: tuple[str, ...] = _SUP["teams"]

_SEA = _P["seasonality"]
PEAK_NAMES: tuple[str, ...] = _SEA["peak_names"]
PEAK_MULTIPLIER: tuple[float, ...] = _SEA["peak_multiplier"]
WEEKDAY_FACTOR = np.array(_SEA["weekday_factor"])  # Monday first
HOUR_PROFILE = np.array(_SEA["hour_profile"])

_W = _P["web"]
SHOP_URL: str = _W["shop_url"]
SEARCH_REFERRERS: tuple[str, ...] = _W["search_referrers"]
SEARCH_REFERRER_P: tuple[float, ...] = _W["search_referrer_p"]
SOCIAL_REFERRERS: tuple[str, ...] = _W["social_referrers"]
SOCIAL_REFERRER_P: tuple[float, ...] = _W["social_referrer_p"]
REFERRAL_SITES: tuple[str, ...] = _W["referral_sites"]
CONTENT_TRAFFIC_SHARE: float = _W["content_traffic_share"]
CONTENT_PLATFORMS: tuple[str, ...] = _W["content_platforms"]
CONTENT_PLATFORM_P: tuple[float, ...] = _W["content_platform_p"]
N_CONTENT: int = _W["n_content"]
N_CONTENT_BEFORE_START: int = _W["n_content_before_start"]
EVENT_NAMES: tuple[str, ...] = _W["event_names"]
PAGE_TYPES: tuple[str, ...] = _W["page_types"]
SLOT_GAP_MEDIAN_S = np.array(_W["slot_gap_median_s"])  # per event slot (constants.SLOT_*)

_CAMP = _P["campaigns"]
CAMPAIGNS: tuple[tuple[str, str, str, str, str, int, float, float, bool], ...] = _CAMP["campaigns"]
UTM_MEDIUM: dict[str, str] = _CAMP["utm_medium"]
UTM_SOURCES = tuple(sorted({c[3] for c in CAMPAIGNS} | set(CONTENT_PLATFORMS)))
UTM_MEDIUMS = tuple(UTM_MEDIUM.values())
