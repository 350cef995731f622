"""The raw data contract (``/work/shared/specs/raw_contract.md``) as data.

One ``TableSpec`` per raw table, in the contract's order, each with its
``ColumnSpec`` list and cross-column ``RowCheck`` rules. The loader
(``scripts/load_raw.py``) enforces exactly what is written here; other tools
(dbt source YAML, the data generator, docs) can read the same definitions so
that they stay in step with the contract.

Only the rules the loader enforces carry machine-readable fields (``allowed``,
``min_value``, ``pattern``, ...). Vocabularies the contract merely lists
(device types, refund reasons, ticket channels, ...) are documented in the
description and left to staging, which normalises them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

RAW_SCHEMA = "raw"
REJECTS_SCHEMA = "raw_rejects"
REJECTED_ROWS_TABLE = "rejected_rows"
LOAD_SUMMARY_TABLE = "load_summary"
LOAD_COLUMNS_TABLE = "load_columns"

# Accepted file name suffixes, in the order the loader looks for them.
FILE_SUFFIXES: tuple[str, ...] = (".csv", ".csv.gz", ".parquet")

ColumnType = Literal["string", "timestamp", "date", "integer", "decimal", "boolean"]
RowCheckKind = Literal["equals_sum", "not_before", "not_above", "first_of_month"]

# Storage type of each contract type. Timestamps are naive and always UTC.
DUCKDB_TYPES: dict[str, str] = {
    "string": "VARCHAR",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
    "integer": "BIGINT",
    "decimal": "DECIMAL(18,4)",
    "boolean": "BOOLEAN",
}

BOOLEAN_TRUE: tuple[str, ...] = ("true", "1", "yes")
BOOLEAN_FALSE: tuple[str, ...] = ("false", "0", "no")

ISO_3166_ALPHA_2 = r"^[A-Za-z]{2}$"
ISO_4217 = r"^[A-Za-z]{3}$"

# The upper bound of birth_year is the year the contract is evaluated in (UTC).
CURRENT_YEAR = dt.datetime.now(dt.UTC).year

# Plausibility window of every date and timestamp column: a value before the
# earliest date (loader option --earliest-date) or later than the load time plus
# the column's ``future_days`` (default FUTURE_DAYS) is quarantined. A column where
# planned values are legitimate gets a wider, stated allowance.
DEFAULT_EARLIEST_DATE = dt.date(2000, 1, 1)
FUTURE_DAYS = 1


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a raw table and the rules the loader enforces on it.

    ``allowed`` is a closed, case-insensitive set (values are stored in the
    spelling given here). ``min_value``/``max_value`` are inclusive bounds;
    ``min_exclusive`` turns the lower bound into ``> min_value``. ``default``
    (as text) replaces a missing value before any other check. ``references``
    is a ``(table, column)`` pair that every non-missing value must exist in.
    """

    name: str
    type: ColumnType
    required: bool = False
    description: str = ""
    allowed: tuple[str, ...] | None = None
    min_value: int | float | None = None
    max_value: int | float | None = None
    min_exclusive: bool = False
    default: str | None = None
    pattern: str | None = None
    pattern_name: str | None = None
    references: tuple[str, str] | None = None
    sql_type: str | None = None
    # dates and timestamps: how far after the load time a value may lie (days)
    future_days: int = FUTURE_DAYS

    @property
    def duckdb_type(self) -> str:
        """DuckDB storage type of the column in the raw layer."""
        return self.sql_type or DUCKDB_TYPES[self.type]

    def range_text(self) -> str | None:
        """Human-readable range rule, e.g. ``>= 0`` or ``1..5``."""
        lo, hi = self.min_value, self.max_value
        if lo is None and hi is None:
            return None
        if hi is None:
            return f"{'>' if self.min_exclusive else '>='} {lo}"
        if lo is None:
            return f"<= {hi}"
        if self.min_exclusive:
            return f"> {lo} and <= {hi}"
        return f"{lo}..{hi}"

    def window_text(self) -> str | None:
        """Human-readable plausibility window of a date or timestamp column."""
        if self.type not in ("date", "timestamp"):
            return None
        days = "1 day" if self.future_days == 1 else f"{self.future_days} days"
        return f"from --earliest-date (default {DEFAULT_EARLIEST_DATE}) to the load time + {days}"


@dataclass(frozen=True)
class RowCheck:
    """A rule across columns of one row, checked after types and defaults.

    Kinds (a check whose inputs are missing is not applicable and passes):

    - ``equals_sum``: ``column`` equals the signed sum of ``terms`` within
      ``tolerance``; ``terms`` are ``(sign, column)`` pairs with sign +1 or -1.
    - ``not_before``: ``column >= other`` (timestamps or dates).
    - ``not_above``: ``column <= other``.
    - ``first_of_month``: ``column`` (a date) is the first day of a month.
    """

    kind: RowCheckKind
    column: str
    description: str
    other: str | None = None
    terms: tuple[tuple[int, str], ...] = ()
    tolerance: float = 0.0

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the check reads."""
        cols = [self.column]
        if self.other:
            cols.append(self.other)
        cols.extend(name for _, name in self.terms)
        return tuple(cols)


@dataclass(frozen=True)
class TableSpec:
    """One raw table: its columns in contract order, key and row rules."""

    name: str
    required: bool
    description: str
    primary_key: tuple[str, ...]
    columns: tuple[ColumnSpec, ...]
    checks: tuple[RowCheck, ...] = ()
    # Columns the loader computes and stores after ``columns`` (never read from
    # the file: an input column of that name is an extra column).
    derived_columns: tuple[ColumnSpec, ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        """The columns of the input file, in contract order."""
        return tuple(c.name for c in self.columns)

    @property
    def stored_columns(self) -> tuple[ColumnSpec, ...]:
        """The columns of the raw table: the file's, then the loader-derived ones."""
        return self.columns + self.derived_columns

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> ColumnSpec:
        """The column spec called ``name`` (KeyError if there is none)."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")


def _c(name: str, type_: ColumnType, description: str, **rules: object) -> ColumnSpec:
    return ColumnSpec(name=name, type=type_, description=description, **rules)  # type: ignore[arg-type]


_NOT_ENFORCED = "not enforced by the loader; staging normalises"

_MONEY = {"min_value": 0}
_COUNT = {"min_value": 0}
_COUNTRY = {"pattern": ISO_3166_ALPHA_2, "pattern_name": "ISO-3166 alpha-2 code"}
_CURRENCY = {"pattern": ISO_4217, "pattern_name": "ISO-4217 code"}

_TABLE_LIST: tuple[TableSpec, ...] = (
    TableSpec(
        name="shop_customers",
        required=True,
        description="One row per customer account.",
        primary_key=("customer_id",),
        columns=(
            _c("customer_id", "string", "Customer account id.", required=True),
            _c(
                "email",
                "string",
                "Email address; personal data, never exposed past staging except as a hash.",
            ),
            _c(
                "signup_at",
                "timestamp",
                "Account registration time (UTC).",
                required=True,
            ),
            _c("country_code", "string", "Country, ISO-3166 alpha-2.", **_COUNTRY),
            _c("region", "string", "Region or state, free text."),
            _c("city", "string", "City, free text."),
            _c("gender", "string", "Gender: one of F, M, U.", allowed=("F", "M", "U")),
            _c(
                "birth_year",
                "integer",
                "Year of birth, 1900..current year.",
                min_value=1900,
                max_value=CURRENT_YEAR,
            ),
            _c(
                "acquisition_channel",
                "string",
                "Acquisition channel, free text grouped by the channel mapping.",
            ),
            _c(
                "is_test",
                "boolean",
                "Test account: kept in raw and left out of every KPI.",
            ),
            _c(
                "updated_at",
                "timestamp",
                "Last update of the account in the source (UTC).",
            ),
        ),
        derived_columns=(
            _c(
                "email_hash",
                "string",
                "Derived by the loader, not read from the file: hex HMAC-SHA256 of lower(trim(email)) "
                "keyed with the KPI_PII_HASH_KEY environment variable; NULL when there is no email.",
            ),
        ),
    ),
    TableSpec(
        name="shop_products",
        required=True,
        description="One row per product in the catalogue.",
        primary_key=("product_id",),
        columns=(
            _c("product_id", "string", "Product id.", required=True),
            _c("sku", "string", "Stock keeping unit code."),
            _c("product_name", "string", "Product name."),
            _c(
                "category",
                "string",
                "Product category; missing becomes 'unknown'.",
                default="unknown",
            ),
            _c("brand", "string", "Brand name."),
            _c(
                "list_price",
                "decimal",
                "List price in the product's currency, >= 0.",
                **_MONEY,
            ),
            _c(
                "unit_cost",
                "decimal",
                "Unit cost, >= 0; for gross margin and inventory value.",
                **_MONEY,
            ),
            _c(
                "currency",
                "string",
                "Currency of list_price and unit_cost, ISO-4217.",
                **_CURRENCY,
            ),
            _c(
                "weight_kg",
                "decimal",
                "Shipping weight in kg, >= 0; for shipping emissions.",
                **_MONEY,
            ),
            _c("created_at", "timestamp", "When the product was created (UTC)."),
            _c("is_active", "boolean", "Whether the product is currently sold."),
        ),
    ),
    TableSpec(
        name="shop_orders",
        required=True,
        description="One row per order, as it stands now.",
        primary_key=("order_id",),
        columns=(
            _c("order_id", "string", "Order id.", required=True),
            _c(
                "customer_id",
                "string",
                "Customer who placed the order; NULL = guest checkout.",
            ),
            _c(
                "status",
                "string",
                "Order status: one of pending, paid, shipped, delivered, cancelled, refunded.",
                required=True,
                allowed=(
                    "pending",
                    "paid",
                    "shipped",
                    "delivered",
                    "cancelled",
                    "refunded",
                ),
            ),
            _c(
                "ordered_at",
                "timestamp",
                "When the order was placed (UTC).",
                required=True,
            ),
            _c("paid_at", "timestamp", "When the order was paid (UTC)."),
            _c("cancelled_at", "timestamp", "When the order was cancelled (UTC)."),
            _c(
                "currency",
                "string",
                "Currency of every amount on the order, ISO-4217.",
                required=True,
                **_CURRENCY,
            ),
            _c(
                "items_amount",
                "decimal",
                "Sum of quantity x unit_price of the order's items, before discounts, >= 0.",
                required=True,
                **_MONEY,
            ),
            _c(
                "discount_amount",
                "decimal",
                "All discounts on the order, >= 0; missing becomes 0.",
                default="0",
                **_MONEY,
            ),
            _c(
                "shipping_amount",
                "decimal",
                "Shipping charged, >= 0; missing becomes 0.",
                default="0",
                **_MONEY,
            ),
            _c(
                "tax_amount",
                "decimal",
                "Tax charged, >= 0; missing becomes 0.",
                default="0",
                **_MONEY,
            ),
            _c(
                "total_amount",
                "decimal",
                "Order total, >= 0: items - discount + shipping + tax (within 0.01).",
                required=True,
                **_MONEY,
            ),
            _c(
                "sales_channel",
                "string",
                f"Sales channel: web, app, marketplace, store, or other text ({_NOT_ENFORCED}).",
            ),
            _c(
                "device_type",
                "string",
                f"Device: desktop, mobile, tablet, app ({_NOT_ENFORCED}).",
            ),
            _c("coupon_code", "string", "Coupon code used on the order."),
            _c(
                "session_id",
                "string",
                "Web session in which the order was placed, if known.",
            ),
            _c(
                "updated_at",
                "timestamp",
                "Last update of the order in the source (UTC).",
            ),
        ),
        checks=(
            RowCheck(
                kind="equals_sum",
                column="total_amount",
                description="total_amount = items_amount - discount_amount + shipping_amount + tax_amount",
                terms=(
                    (1, "items_amount"),
                    (-1, "discount_amount"),
                    (1, "shipping_amount"),
                    (1, "tax_amount"),
                ),
                tolerance=0.01,
            ),
        ),
    ),
    TableSpec(
        name="shop_order_items",
        required=True,
        description="One row per order line.",
        primary_key=("order_item_id",),
        columns=(
            _c("order_item_id", "string", "Order line id.", required=True),
            _c(
                "order_id",
                "string",
                "Order of the line; refers to shop_orders.",
                required=True,
                references=("shop_orders", "order_id"),
            ),
            _c(
                "product_id",
                "string",
                "Product sold; refers to shop_products.",
                required=True,
                references=("shop_products", "product_id"),
            ),
            _c(
                "quantity",
                "integer",
                "Units sold, > 0.",
                required=True,
                min_value=0,
                min_exclusive=True,
            ),
            _c(
                "unit_price",
                "decimal",
                "Price per unit before discounts, >= 0.",
                required=True,
                **_MONEY,
            ),
            _c(
                "discount_amount",
                "decimal",
                "The part of the order's discount on this line, >= 0; missing becomes 0.",
                default="0",
                **_MONEY,
            ),
        ),
    ),
    TableSpec(
        name="shop_payments",
        required=False,
        description="One row per payment attempt.",
        primary_key=("payment_id",),
        columns=(
            _c("payment_id", "string", "Payment id.", required=True),
            _c(
                "order_id",
                "string",
                "Order paid; refers to shop_orders.",
                required=True,
                references=("shop_orders", "order_id"),
            ),
            _c(
                "method",
                "string",
                f"Payment method: card, paypal, alipay, wechat_pay, voucher, cod, ... ({_NOT_ENFORCED}).",
            ),
            _c(
                "status",
                "string",
                "Payment status: one of succeeded, failed.",
                required=True,
                allowed=("succeeded", "failed"),
            ),
            _c(
                "amount",
                "decimal",
                "Amount of the payment, >= 0.",
                required=True,
                **_MONEY,
            ),
            _c("currency", "string", "Currency of amount, ISO-4217.", **_CURRENCY),
            _c(
                "created_at",
                "timestamp",
                "When the payment was made (UTC).",
                required=True,
            ),
        ),
    ),
    TableSpec(
        name="shop_refunds",
        required=False,
        description="One row per return or refund; a whole-order refund may leave order_item_id empty.",
        primary_key=("refund_id",),
        columns=(
            _c("refund_id", "string", "Refund id.", required=True),
            _c(
                "order_id",
                "string",
                "Order refunded; refers to shop_orders.",
                required=True,
                references=("shop_orders", "order_id"),
            ),
            _c(
                "order_item_id",
                "string",
                "Order line refunded; empty for a whole-order refund.",
            ),
            _c(
                "quantity",
                "integer",
                "Units returned, > 0.",
                min_value=0,
                min_exclusive=True,
            ),
            _c(
                "amount",
                "decimal",
                "Merchandise value refunded in the order's currency, >= 0.",
                required=True,
                **_MONEY,
            ),
            _c(
                "reason",
                "string",
                "Reason: damaged, wrong_size, not_as_described, changed_mind, late_delivery, other "
                f"({_NOT_ENFORCED}).",
            ),
            _c(
                "requested_at",
                "timestamp",
                "When the refund was requested (UTC).",
                required=True,
            ),
            _c(
                "refunded_at",
                "timestamp",
                "When the money was refunded (UTC); NULL = not refunded yet.",
            ),
        ),
    ),
    TableSpec(
        name="shop_shipments",
        required=False,
        description="One row per shipment of an order.",
        primary_key=("shipment_id",),
        columns=(
            _c("shipment_id", "string", "Shipment id.", required=True),
            _c(
                "order_id",
                "string",
                "Order shipped; refers to shop_orders.",
                required=True,
                references=("shop_orders", "order_id"),
            ),
            _c("warehouse_id", "string", "Warehouse the shipment left from."),
            _c("carrier", "string", "Carrier name."),
            _c(
                "shipping_mode",
                "string",
                f"Shipping mode: ground, air, express, ... ({_NOT_ENFORCED}).",
            ),
            _c("distance_km", "decimal", "Distance shipped in km, >= 0.", **_MONEY),
            _c("shipped_at", "timestamp", "When the shipment left (UTC)."),
            _c(
                "delivered_at",
                "timestamp",
                "When it was delivered (UTC); not before shipped_at.",
            ),
            _c(
                "promised_delivery_at",
                "timestamp",
                "Delivery time promised to the customer (UTC); may lie up to a year ahead.",
                future_days=366,
            ),
        ),
        checks=(
            RowCheck(
                kind="not_before",
                column="delivered_at",
                other="shipped_at",
                description="delivered_at not before shipped_at",
            ),
        ),
    ),
    TableSpec(
        name="shop_inventory_snapshots",
        required=False,
        description="Stock on hand at the end of a day; one row per snapshot_date, product_id and warehouse_id.",
        primary_key=("snapshot_date", "product_id", "warehouse_id"),
        columns=(
            _c(
                "snapshot_date",
                "date",
                "Day of the snapshot (end of day).",
                required=True,
            ),
            _c("product_id", "string", "Product counted.", required=True),
            _c(
                "warehouse_id",
                "string",
                "Warehouse; missing becomes 'default'.",
                default="default",
            ),
            _c(
                "on_hand_qty",
                "integer",
                "Units on hand, >= 0.",
                required=True,
                **_COUNT,
            ),
            _c("unit_cost", "decimal", "Unit cost of the stock, >= 0.", **_MONEY),
        ),
    ),
    TableSpec(
        name="shop_reviews",
        required=False,
        description="One row per product or order review.",
        primary_key=("review_id",),
        columns=(
            _c("review_id", "string", "Review id.", required=True),
            _c("order_id", "string", "Order reviewed."),
            _c("product_id", "string", "Product reviewed."),
            _c("customer_id", "string", "Customer who wrote the review."),
            _c(
                "rating",
                "integer",
                "Rating, 1..5.",
                required=True,
                min_value=1,
                max_value=5,
            ),
            _c(
                "created_at",
                "timestamp",
                "When the review was written (UTC).",
                required=True,
            ),
            _c("responded_at", "timestamp", "First reply by the shop (UTC)."),
            _c(
                "resolved_at",
                "timestamp",
                "When a negative review was marked resolved (UTC).",
            ),
        ),
    ),
    TableSpec(
        name="web_events",
        required=False,
        description="One row per tracked event from site and app (page views, product views, carts, checkouts).",
        primary_key=("event_id",),
        columns=(
            _c("event_id", "string", "Event id.", required=True),
            _c("event_at", "timestamp", "When the event happened (UTC).", required=True),
            _c("session_id", "string", "Session id from the tracker.", required=True),
            _c("anonymous_id", "string", "Browser or device id.", required=True),
            _c("customer_id", "string", "Customer, set once the visitor is logged in."),
            _c(
                "event_name",
                "string",
                "Event name; meaningful: page_view, product_view, search, add_to_cart, remove_from_cart, "
                "begin_checkout, purchase, sign_up, login; others are kept.",
                required=True,
            ),
            _c(
                "page_type",
                "string",
                "Page type: home, category, product, search, cart, checkout, confirmation, content, other "
                f"({_NOT_ENFORCED}).",
            ),
            _c("page_url", "string", "Page URL."),
            _c("referrer", "string", "Referrer URL."),
            _c("utm_source", "string", "UTM source."),
            _c("utm_medium", "string", "UTM medium."),
            _c(
                "utm_campaign",
                "string",
                "UTM campaign; equals marketing_ad_spend.campaign_id for paid traffic.",
            ),
            _c(
                "utm_content",
                "string",
                "UTM content; equals marketing_content_stats.content_id for content traffic.",
            ),
            _c(
                "device_type",
                "string",
                f"Device: desktop, mobile, tablet, app ({_NOT_ENFORCED}).",
            ),
            _c(
                "country_code",
                "string",
                "Visitor country as sent by the tracker (not validated).",
            ),
            _c("product_id", "string", "Product viewed or added, if any."),
            _c("order_id", "string", "Order placed, on purchase events."),
            _c("dwell_ms", "integer", "Engaged time on the page in ms, >= 0.", **_COUNT),
            _c("page_load_ms", "integer", "Page load time in ms, >= 0.", **_COUNT),
        ),
    ),
    TableSpec(
        name="marketing_ad_spend",
        required=False,
        description="Paid media spend; one row per spend_date, channel and campaign_id.",
        primary_key=("spend_date", "channel", "campaign_id"),
        columns=(
            _c("spend_date", "date", "Day of the spend.", required=True),
            _c(
                "channel",
                "string",
                "Channel, e.g. paid_search, paid_social, display, affiliate, email.",
                required=True,
            ),
            _c(
                "campaign_id",
                "string",
                "Campaign id; equals web_events.utm_campaign.",
                required=True,
            ),
            _c("campaign_name", "string", "Campaign name."),
            _c("spend", "decimal", "Spend in currency, >= 0.", required=True, **_MONEY),
            _c(
                "currency",
                "string",
                "Currency of spend, ISO-4217.",
                required=True,
                **_CURRENCY,
            ),
            _c("impressions", "integer", "Impressions, >= 0.", **_COUNT),
            _c("clicks", "integer", "Clicks, >= 0 and not above impressions.", **_COUNT),
        ),
        checks=(
            RowCheck(
                kind="not_above",
                column="clicks",
                other="impressions",
                description="clicks not above impressions",
            ),
        ),
    ),
    TableSpec(
        name="marketing_content_stats",
        required=False,
        description="Organic content stats (articles, posts, videos); one row per stat_date and content_id.",
        primary_key=("stat_date", "content_id"),
        columns=(
            _c("stat_date", "date", "Day of the stats.", required=True),
            _c(
                "content_id",
                "string",
                "Content id; equals web_events.utm_content.",
                required=True,
            ),
            _c("platform", "string", "Platform the content is published on."),
            _c(
                "content_type",
                "string",
                f"Content type: article, video, post, ... ({_NOT_ENFORCED}).",
            ),
            _c(
                "published_at",
                "timestamp",
                "When the content was published (UTC); scheduled posts may lie up to a year ahead.",
                future_days=366,
            ),
            _c("impressions", "integer", "Impressions, >= 0.", required=True, **_COUNT),
            _c("clicks", "integer", "Clicks, >= 0.", **_COUNT),
            _c("likes", "integer", "Likes, >= 0.", **_COUNT),
            _c("comments", "integer", "Comments, >= 0.", **_COUNT),
            _c("shares", "integer", "Shares, >= 0.", **_COUNT),
        ),
    ),
    TableSpec(
        name="marketing_activity_participants",
        required=False,
        description="Sign-ups to marketing activities; one row per activity_id and customer_id.",
        primary_key=("activity_id", "customer_id"),
        columns=(
            _c(
                "activity_id",
                "string",
                "Marketing activity (live event, challenge, member day).",
                required=True,
            ),
            _c("customer_id", "string", "Customer who registered.", required=True),
            _c(
                "registered_at",
                "timestamp",
                "When the customer registered (UTC).",
                required=True,
            ),
            _c(
                "participated_at",
                "timestamp",
                "When the customer took part (UTC); NULL = registered but did not take part.",
            ),
        ),
    ),
    TableSpec(
        name="support_tickets",
        required=False,
        description="One row per customer service ticket.",
        primary_key=("ticket_id",),
        columns=(
            _c("ticket_id", "string", "Ticket id.", required=True),
            _c("customer_id", "string", "Customer who raised the ticket."),
            _c("order_id", "string", "Order the ticket is about."),
            _c(
                "channel",
                "string",
                f"Contact channel: chat, email, phone, social ({_NOT_ENFORCED}).",
            ),
            _c(
                "category",
                "string",
                f"Category: pre_sale, after_sale, complaint, dispute, other ({_NOT_ENFORCED}).",
            ),
            _c("agent_id", "string", "Agent handling the ticket."),
            _c(
                "created_at",
                "timestamp",
                "When the ticket was opened (UTC).",
                required=True,
            ),
            _c(
                "first_response_at",
                "timestamp",
                "First agent response (UTC); not before created_at.",
            ),
            _c(
                "resolved_at",
                "timestamp",
                "When the ticket was resolved (UTC); not before created_at.",
            ),
            _c(
                "status",
                "string",
                f"Status: open, pending, resolved, closed ({_NOT_ENFORCED}).",
            ),
            _c("escalated", "boolean", "Whether the ticket was escalated."),
            _c(
                "contacts_count",
                "integer",
                "Customer contacts on this ticket, >= 1.",
                min_value=1,
            ),
            _c(
                "csat_score",
                "integer",
                "Customer satisfaction score, 1..5.",
                min_value=1,
                max_value=5,
            ),
        ),
        checks=(
            RowCheck(
                kind="not_before",
                column="first_response_at",
                other="created_at",
                description="first_response_at not before created_at",
            ),
            RowCheck(
                kind="not_before",
                column="resolved_at",
                other="created_at",
                description="resolved_at not before created_at",
            ),
        ),
    ),
    TableSpec(
        name="survey_nps",
        required=False,
        description="One row per NPS survey response.",
        primary_key=("response_id",),
        columns=(
            _c("response_id", "string", "Survey response id.", required=True),
            _c("customer_id", "string", "Customer who answered."),
            _c(
                "responded_at",
                "timestamp",
                "When the survey was answered (UTC).",
                required=True,
            ),
            _c(
                "score",
                "integer",
                "Likelihood to recommend, 0..10.",
                required=True,
                min_value=0,
                max_value=10,
            ),
        ),
    ),
    TableSpec(
        name="experiment_assignments",
        required=False,
        description="A/B test assignments; one row per experiment_id and anonymous_id.",
        primary_key=("experiment_id", "anonymous_id"),
        columns=(
            _c("experiment_id", "string", "Experiment id.", required=True),
            _c(
                "variant",
                "string",
                "Variant assigned; the control variant is named 'control'.",
                required=True,
            ),
            _c(
                "anonymous_id",
                "string",
                "Browser or device id, same id space as web_events.",
                required=True,
            ),
            _c(
                "assigned_at",
                "timestamp",
                "When the visitor was assigned (UTC).",
                required=True,
            ),
        ),
    ),
    TableSpec(
        name="finance_exchange_rates",
        required=False,
        description="Daily exchange rates to the reporting currency; one row per rate_date and currency.",
        primary_key=("rate_date", "currency"),
        columns=(
            _c(
                "rate_date",
                "date",
                "Day the rate applies to; rates set in advance may lie up to a year ahead.",
                required=True,
                future_days=366,
            ),
            _c(
                "currency",
                "string",
                "Currency converted, ISO-4217.",
                required=True,
                **_CURRENCY,
            ),
            _c(
                "rate_to_reporting",
                "decimal",
                "Value of one unit of currency in the reporting currency, > 0.",
                required=True,
                min_value=0,
                min_exclusive=True,
                sql_type="DECIMAL(18,10)",
            ),
        ),
    ),
    TableSpec(
        name="org_headcount",
        required=False,
        description="Full-time equivalents by team and month; one row per month and team.",
        primary_key=("month", "team"),
        columns=(
            _c(
                "month",
                "date",
                "First day of the month; planned headcount may lie up to two years ahead.",
                required=True,
                future_days=731,
            ),
            _c(
                "team",
                "string",
                "Team: operations, customer_service, marketing, ...",
                required=True,
            ),
            _c(
                "headcount",
                "decimal",
                "Full-time equivalents, >= 0.",
                required=True,
                **_COUNT,
            ),
        ),
        checks=(
            RowCheck(
                kind="first_of_month",
                column="month",
                description="month is the first day of a month",
            ),
        ),
    ),
)

TABLES: dict[str, TableSpec] = {table.name: table for table in _TABLE_LIST}
REQUIRED_TABLES: tuple[str, ...] = tuple(t.name for t in _TABLE_LIST if t.required)

# The column that dates each table's rows, for the data-coverage report (first
# and last date of a table); None for a table with no time of its own.
COVERAGE_DATE_COLUMN: dict[str, str | None] = {
    "shop_customers": "signup_at",
    "shop_products": "created_at",
    "shop_orders": "ordered_at",
    "shop_order_items": None,
    "shop_payments": "created_at",
    "shop_refunds": "requested_at",
    "shop_shipments": "shipped_at",
    "shop_inventory_snapshots": "snapshot_date",
    "shop_reviews": "created_at",
    "web_events": "event_at",
    "marketing_ad_spend": "spend_date",
    "marketing_content_stats": "stat_date",
    "marketing_activity_participants": "registered_at",
    "support_tickets": "created_at",
    "survey_nps": "responded_at",
    "experiment_assignments": "assigned_at",
    "finance_exchange_rates": "rate_date",
    "org_headcount": "month",
}


def _validate_contract() -> None:
    """Fail at import if the contract data is inconsistent with itself."""
    seen: set[str] = set()
    for table in _TABLE_LIST:
        names = tuple(c.name for c in table.stored_columns)
        assert len(set(names)) == len(names), f"{table.name}: duplicate column"
        for key in table.primary_key:
            col = table.column(key)
            assert col.required or col.default is not None, f"{table.name}.{key}: key must be required"
        for check in table.checks:
            for name in check.columns:
                table.column(name)
        for col in table.columns:
            if col.references:
                ref_table, ref_col = col.references
                # Referenced tables come first so the loader can check in order.
                assert ref_table in seen, f"{table.name}.{col.name}: {ref_table} must come earlier"
                TABLES[ref_table].column(ref_col)
        seen.add(table.name)
    assert set(COVERAGE_DATE_COLUMN) == set(TABLES), "COVERAGE_DATE_COLUMN must name every table"
    for name, column in COVERAGE_DATE_COLUMN.items():
        if column is not None:
            assert TABLES[name].column(column).type in ("date", "timestamp"), f"{name}.{column}: not a date"


_validate_contract()
