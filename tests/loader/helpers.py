"""The loader tests' input data and helpers: the BASE data set (one or two good rows per
contract table, values as text, as in a CSV), folders written from it, and queries of the result."""

from __future__ import annotations

import copy
import csv
import gzip
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from scripts import load_raw
from scripts.load_raw import load
from scripts.raw_contract import TABLES

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "scripts" / "generate_data.py"

Row = dict[str, str]

# One or two good rows per contract table. Values are text, as in a CSV.
BASE: dict[str, list[Row]] = {
    "shop_customers": [
        {
            "customer_id": "C1",
            "email": "ana@example.com",
            "signup_at": "2025-01-05T09:30:00Z",
            "country_code": "FR",
            "region": "Ile-de-France",
            "city": "Paris",
            "gender": "F",
            "birth_year": "1985",
            "acquisition_channel": "Organic Search",
            "is_test": "false",
            "updated_at": "2025-02-01T00:00:00Z",
        },
        {
            "customer_id": "C2",
            "email": "",
            "signup_at": "2025-01-06T12:00:00Z",
            "country_code": "DE",
            "region": "",
            "city": "Berlin",
            "gender": "M",
            "birth_year": "",
            "acquisition_channel": "",
            "is_test": "true",
            "updated_at": "",
        },
    ],
    "shop_products": [
        {
            "product_id": "P1",
            "sku": "SKU-1",
            "product_name": "Runner",
            "category": "shoes",
            "brand": "Acme",
            "list_price": "59.90",
            "unit_cost": "25.00",
            "currency": "EUR",
            "weight_kg": "0.8",
            "created_at": "2024-06-01T00:00:00Z",
            "is_active": "true",
        },
        {
            "product_id": "P2",
            "sku": "SKU-2",
            "product_name": "Sock",
            "category": "accessories",
            "brand": "Acme",
            "list_price": "5",
            "unit_cost": "1.5",
            "currency": "EUR",
            "weight_kg": "0.05",
            "created_at": "2024-06-01T00:00:00Z",
            "is_active": "false",
        },
    ],
    "shop_orders": [
        {
            "order_id": "O1",
            "customer_id": "C1",
            "status": "paid",
            "ordered_at": "2025-03-01T10:00:00Z",
            "paid_at": "2025-03-01T10:05:00Z",
            "cancelled_at": "",
            "currency": "EUR",
            "items_amount": "119.80",
            "discount_amount": "10",
            "shipping_amount": "4.90",
            "tax_amount": "0",
            "total_amount": "114.70",
            "sales_channel": "web",
            "device_type": "mobile",
            "coupon_code": "SPRING10",
            "session_id": "S1",
            "updated_at": "2025-03-02T00:00:00Z",
        },
        {
            "order_id": "O2",
            "customer_id": "",
            "status": "delivered",
            "ordered_at": "2025-03-02T08:00:00Z",
            "paid_at": "",
            "cancelled_at": "",
            "currency": "EUR",
            "items_amount": "5",
            "discount_amount": "0",
            "shipping_amount": "0",
            "tax_amount": "0",
            "total_amount": "5",
            "sales_channel": "app",
            "device_type": "app",
            "coupon_code": "",
            "session_id": "",
            "updated_at": "",
        },
    ],
    "shop_order_items": [
        {
            "order_item_id": "I1",
            "order_id": "O1",
            "product_id": "P1",
            "quantity": "2",
            "unit_price": "59.90",
            "discount_amount": "10",
        },
        {
            "order_item_id": "I2",
            "order_id": "O2",
            "product_id": "P2",
            "quantity": "1",
            "unit_price": "5",
            "discount_amount": "0",
        },
    ],
    "shop_payments": [
        {
            "payment_id": "PAY1",
            "order_id": "O1",
            "method": "card",
            "status": "succeeded",
            "amount": "114.70",
            "currency": "EUR",
            "created_at": "2025-03-01T10:05:00Z",
        }
    ],
    "shop_refunds": [
        {
            "refund_id": "RF1",
            "order_id": "O1",
            "order_item_id": "I1",
            "quantity": "1",
            "amount": "54.90",
            "reason": "wrong_size",
            "requested_at": "2025-03-10T10:00:00Z",
            "refunded_at": "",
        }
    ],
    "shop_shipments": [
        {
            "shipment_id": "SH1",
            "order_id": "O1",
            "warehouse_id": "W1",
            "carrier": "DHL",
            "shipping_mode": "ground",
            "distance_km": "420.5",
            "shipped_at": "2025-03-02T09:00:00Z",
            "delivered_at": "2025-03-04T15:00:00Z",
            "promised_delivery_at": "2025-03-05T00:00:00Z",
        }
    ],
    "shop_inventory_snapshots": [
        {
            "snapshot_date": "2025-03-01",
            "product_id": "P1",
            "warehouse_id": "W1",
            "on_hand_qty": "12",
            "unit_cost": "25.00",
        }
    ],
    "shop_reviews": [
        {
            "review_id": "R1",
            "order_id": "O1",
            "product_id": "P1",
            "customer_id": "C1",
            "rating": "4",
            "created_at": "2025-03-06T10:00:00Z",
            "responded_at": "",
            "resolved_at": "",
        }
    ],
    "web_events": [
        {
            "event_id": "E1",
            "event_at": "2025-03-01T09:58:00Z",
            "session_id": "S1",
            "anonymous_id": "A1",
            "customer_id": "C1",
            "event_name": "page_view",
            "page_type": "product",
            "page_url": "https://shop.example/p/1",
            "referrer": "https://www.google.com/",
            "utm_source": "google",
            "utm_medium": "cpc",
            "utm_campaign": "CAMP1",
            "utm_content": "",
            "device_type": "mobile",
            "country_code": "FR",
            "product_id": "P1",
            "order_id": "",
            "dwell_ms": "5300",
            "page_load_ms": "850",
        }
    ],
    "marketing_ad_spend": [
        {
            "spend_date": "2025-03-01",
            "channel": "paid_search",
            "campaign_id": "CAMP1",
            "campaign_name": "Spring",
            "spend": "120.50",
            "currency": "EUR",
            "impressions": "10000",
            "clicks": "350",
        }
    ],
    "marketing_content_stats": [
        {
            "stat_date": "2025-03-01",
            "content_id": "CT1",
            "platform": "blog",
            "content_type": "article",
            "published_at": "2025-02-20T08:00:00Z",
            "impressions": "900",
            "clicks": "45",
            "likes": "12",
            "comments": "3",
            "shares": "2",
        }
    ],
    "marketing_activity_participants": [
        {
            "activity_id": "ACT1",
            "customer_id": "C1",
            "registered_at": "2025-02-25T10:00:00Z",
            "participated_at": "",
        }
    ],
    "support_tickets": [
        {
            "ticket_id": "T1",
            "customer_id": "C1",
            "order_id": "O1",
            "channel": "chat",
            "category": "after_sale",
            "agent_id": "AG1",
            "created_at": "2025-03-05T10:00:00Z",
            "first_response_at": "2025-03-05T10:10:00Z",
            "resolved_at": "2025-03-05T12:00:00Z",
            "status": "resolved",
            "escalated": "no",
            "contacts_count": "2",
            "csat_score": "5",
        }
    ],
    "survey_nps": [
        {
            "response_id": "N1",
            "customer_id": "C1",
            "responded_at": "2025-03-07T10:00:00Z",
            "score": "9",
        }
    ],
    "experiment_assignments": [
        {
            "experiment_id": "EXP1",
            "variant": "control",
            "anonymous_id": "A1",
            "assigned_at": "2025-03-01T09:00:00Z",
        }
    ],
    "finance_exchange_rates": [
        {"rate_date": "2025-03-01", "currency": "EUR", "rate_to_reporting": "1"},
    ],
    "org_headcount": [
        {"month": "2025-03-01", "team": "customer_service", "headcount": "4.5"},
    ],
}

# The key column varied to make copies of a table's first row unique, and its prefix.
NEW_KEY: dict[str, tuple[str, str]] = {
    "shop_customers": ("customer_id", "C"),
    "shop_products": ("product_id", "P"),
    "shop_orders": ("order_id", "O"),
    "shop_order_items": ("order_item_id", "I"),
    "shop_payments": ("payment_id", "PAY"),
    "shop_refunds": ("refund_id", "RF"),
    "shop_shipments": ("shipment_id", "SH"),
    "shop_inventory_snapshots": ("product_id", "P"),
    "shop_reviews": ("review_id", "R"),
    "web_events": ("event_id", "E"),
    "marketing_ad_spend": ("campaign_id", "CAMP"),
    "marketing_content_stats": ("content_id", "CT"),
    "marketing_activity_participants": ("customer_id", "C"),
    "support_tickets": ("ticket_id", "T"),
    "survey_nps": ("response_id", "N"),
    "experiment_assignments": ("anonymous_id", "A"),
    "finance_exchange_rates": ("rate_date", "2025-04-"),
    "org_headcount": ("team", "team"),
}


def new_key(table: str, n: int = 1) -> Row:
    """A key for the n-th added copy of a table's first row ('C9', 'C10', ...)."""
    column, prefix = NEW_KEY[table]
    return {column: f"{prefix}{8 + n:02d}" if column == "rate_date" else f"{prefix}{8 + n}"}


ORDER_STATUSES = "pending, paid, shipped, delivered, cancelled, refunded"
NOT_DECIMAL = "is not a decimal number (or outside DECIMAL(18,4))"
NOT_BOOLEAN = "is not a boolean (expected true/false, 1/0, yes/no)"


# --------------------------------------------------------------------------- helpers

# The e-mail hash key the tests load with (BASE is not generator data, so a key is needed).
TEST_PII_KEY = "test-key"
ANA_HASH = "50876944be4a405f4f9d1ab4599333c9f7a000e2b7365c40a3e04216ea2de0c6"


def base(*tables: str) -> dict[str, list[Row]]:
    """A deep copy of BASE, limited to ``tables`` (default: all)."""
    return {t: copy.deepcopy(rows) for t, rows in BASE.items() if not tables or t in tables}


def required_only() -> dict[str, list[Row]]:
    return base("shop_customers", "shop_products", "shop_orders", "shop_order_items")


def some(*tables: str) -> dict[str, list[Row]]:
    """The required tables and ``tables`` from BASE (fewer tables, faster loads)."""
    return {**required_only(), **(base(*tables) if tables else {})}


def with_extra_row(table: str, full: bool = False, **overrides: str) -> dict[str, list[Row]]:
    """BASE (only the required tables and ``table`` unless ``full``: faster) plus,
    at the end of ``table``, a copy of its first row with a new key."""
    data = base() if full else some(table)
    row = {**data[table][0], **new_key(table), **overrides}
    data[table].append(row)
    return data


def write_table(folder: Path, table: str, rows: list[Row], fmt: str = "csv") -> Path:
    columns = list(rows[0]) if rows else list(TABLES[table].column_names)
    if fmt == "parquet":
        path = folder / f"{table}.parquet"
        arrays = {c: pa.array([r.get(c) or None for r in rows], pa.string()) for c in columns}
        pq.write_table(pa.table(arrays), path)
        return path
    path = folder / (f"{table}.csv.gz" if fmt == "csv.gz" else f"{table}.csv")
    opener = gzip.open if fmt == "csv.gz" else open
    with opener(path, "wt", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_folder(folder: Path, data: dict[str, list[Row]], fmt: str = "csv") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in data.items():
        write_table(folder, table, rows, fmt)
    return folder


def load_data(
    tmp_path: Path, data: dict[str, list[Row]], fmt: str = "csv", tz: str = "UTC"
) -> tuple[load_raw.LoadResult, Path]:
    folder = write_folder(tmp_path / f"input_{fmt}", data, fmt)
    database = tmp_path / f"warehouse_{fmt}.duckdb"
    return load(folder, database, assume_timezone=tz), database


def query(database: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def rejects(database: Path, table: str | None = None) -> list[tuple[str, int, str]]:
    rows = query(
        database,
        "SELECT table_name, row_number, reason FROM raw_rejects.rejected_rows "
        "ORDER BY table_name, row_number",
    )
    return [r for r in rows if table is None or r[0] == table]


def snapshot(database: Path, with_loaded_at: bool = True) -> dict[str, list[tuple]]:
    """Every table of raw and raw_rejects, sorted, for before/after comparisons."""
    result = {}
    with duckdb.connect(str(database), read_only=True) as con:
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() "
            "WHERE schema_name IN ('raw', 'raw_rejects') ORDER BY ALL"
        ).fetchall()
        for schema, table in tables:
            exclude = (
                " EXCLUDE (loaded_at)"
                if table in ("load_summary", "load_columns") and not with_loaded_at
                else ""
            )
            result[f"{schema}.{table}"] = con.execute(
                f"SELECT *{exclude} FROM {schema}.{table} ORDER BY ALL"
            ).fetchall()
    return result


def raw_counts(database: Path) -> dict[str, int]:
    """Row count of every raw table."""
    union = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM raw.{t}" for t in TABLES)
    return dict(query(database, union))


def assert_only_rejected(
    result: load_raw.LoadResult, database: Path, expected: list[tuple[str, int, str]]
) -> None:
    """Exactly ``expected`` (table, row_number, reason) are rejected; every other row is loaded."""
    assert rejects(database) == sorted(expected)
    counts = raw_counts(database)
    for table in result.tables:
        n_rejected = sum(1 for t, _, _ in expected if t == table.table)
        assert table.rejected_rows == n_rejected, table
        assert table.loaded_rows == table.input_rows - n_rejected, table
        assert counts[table.table] == table.loaded_rows, table
