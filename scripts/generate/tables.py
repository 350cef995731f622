"""The generated arrays as Arrow tables shaped like the contract (all but web_events)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from scripts.generate.arrays import (
    date_arr,
    dec_arr,
    emails,
    int_arr,
    seq_ids,
    str_ids,
    str_take,
    subset,
    ts_arr,
)
from scripts.generate.business_clock import Calendar
from scripts.generate.constants import DAY, Arr, Frame
from scripts.generate.params import (
    ACQUISITION_TEXT,
    ADJECTIVES,
    BRANDS,
    CAMPAIGNS,
    CARRIERS,
    CATEGORIES,
    CHANNEL_GROUPS,
    CITIES,
    CONTENT_PLATFORMS,
    COUNTRIES,
    COUPONS,
    CURRENCIES,
    DEVICES,
    EXPERIMENTS,
    NOUNS,
    PAYMENT_METHODS,
    REFUND_REASONS,
    SALES_CHANNELS,
    SHIP_MODES,
    STATUSES,
    TEAMS,
    TICKET_CATEGORIES,
    TICKET_CHANNELS,
    TICKET_STATUSES,
    WAREHOUSES,
)
from scripts.generate.schema import _D1, _D3, _R6, make_table


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
    return {
        **_customer_tables(ids, prod, cust, orders),
        **_order_tables(ids, anon, sess, orders, lines, payments, refunds, shipments),
        **_stock_and_review_tables(cal, ids, prod, inventory, reviews),
        **_marketing_tables(cal, ids, ads, content, content_stats, activities),
        **_service_tables(ids, tickets, nps),
        **_reference_tables(cal, ids, assign, fx, months, headcount),
    }


def _customer_tables(
    ids: dict[str, pa.Array], prod: Frame, cust: Frame, orders: Frame
) -> dict[str, pa.Table]:
    """shop_products and shop_customers."""
    t: dict[str, pa.Table] = {}
    n_prod, n_cust = len(prod["category"]), len(cust["group"])
    product_ids, customer_ids = ids["product"], ids["customer"]
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
    return t


def _order_tables(
    ids: dict[str, pa.Array],
    anon: Frame,
    sess: Frame,
    orders: Frame,
    lines: Frame,
    payments: Frame,
    refunds: Frame,
    shipments: Frame,
) -> dict[str, pa.Table]:
    """shop_orders and the tables of their lines, payments, refunds and shipments."""
    t: dict[str, pa.Table] = {}
    product_ids, customer_ids, order_ids = ids["product"], ids["customer"], ids["order"]
    session_ids, line_ids = ids["session"], ids["line"]
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
    return t


def _stock_and_review_tables(
    cal: Calendar, ids: dict[str, pa.Array], prod: Frame, inventory: Arr, reviews: Frame
) -> dict[str, pa.Table]:
    """shop_inventory_snapshots and shop_reviews."""
    t: dict[str, pa.Table] = {}
    product_ids, customer_ids, order_ids = ids["product"], ids["customer"], ids["order"]
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
    return t


def _marketing_tables(
    cal: Calendar,
    ids: dict[str, pa.Array],
    ads: Frame,
    content: Frame,
    content_stats: Frame,
    activities: Frame,
) -> dict[str, pa.Table]:
    """marketing_ad_spend, marketing_content_stats and marketing_activity_participants."""
    t: dict[str, pa.Table] = {}
    customer_ids = ids["customer"]
    epoch_day0 = cal.epoch0 // DAY
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
    return t


def _service_tables(ids: dict[str, pa.Array], tickets: Frame, nps: Frame) -> dict[str, pa.Table]:
    """support_tickets and survey_nps."""
    t: dict[str, pa.Table] = {}
    customer_ids, order_ids = ids["customer"], ids["order"]
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
    return t


def _reference_tables(
    cal: Calendar,
    ids: dict[str, pa.Array],
    assign: Frame,
    fx: Arr,
    months: list[dt.date],
    headcount: Arr,
) -> dict[str, pa.Table]:
    """experiment_assignments, finance_exchange_rates and org_headcount."""
    t: dict[str, pa.Table] = {}
    anon_ids = ids["anon"]
    epoch_day0 = cal.epoch0 // DAY
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
