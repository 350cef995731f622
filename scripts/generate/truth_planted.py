"""Ground truth, planted part: the parameters a run used, and the documentation
of every ground_truth.json section."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from scripts.generate.business_clock import Calendar
from scripts.generate.config import Config
from scripts.generate.constants import GENERATOR_VERSION, OFFSET_TABLE, OFFSET_TZ_HOURS, REPORTING_CURRENCY
from scripts.generate.params import (
    ACQUISITION_MIX,
    ACQUISITION_TEXT,
    BASE_RATE_TO_USD,
    BOUNCE,
    CAMPAIGNS,
    CONVERSION,
    COUNTRY_CURRENCY,
    CURRENCIES,
    FIRST_RESPONSE,
    INVENTORY_COVER_DAYS,
    NPS_P_LATE,
    NPS_P_ON_TIME,
    PEAK_MULTIPLIER,
    PEAK_NAMES,
    RATING_P_LATE,
    RATING_P_ON_TIME,
    REPEAT_PROB,
    Params,
)


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
