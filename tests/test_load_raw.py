"""Tests of scripts/load_raw.py against the raw contract.

Every test writes a small, readable input folder into ``tmp_path`` (the BASE
data set below, plus the rows a test breaks on purpose), loads it, and checks
exit code / message, or the exact loaded and rejected rows and reasons.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import gzip
import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from scripts import load_raw
from scripts.load_raw import LoadError, load, main
from scripts.loader import duckdb_writer, tables
from scripts.raw_contract import CURRENT_YEAR, TABLES

ROOT = Path(__file__).resolve().parent.parent
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


@pytest.fixture(autouse=True)
def _pii_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPI_PII_HASH_KEY", TEST_PII_KEY)


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


# --------------------------------------------------------------------------- good data


def test_good_rows_are_loaded_untouched_with_contract_types(tmp_path: Path) -> None:
    result, db = load_data(tmp_path, base())

    assert result.rejected_rows == 0
    assert rejects(db) == []
    for table in result.tables:
        assert table.input_rows == table.loaded_rows == len(BASE[table.table])
    assert query(db, "SELECT * FROM raw.shop_orders WHERE order_id = 'O1'") == [
        (
            "O1",
            "C1",
            "paid",
            dt.datetime(2025, 3, 1, 10, 0),
            dt.datetime(2025, 3, 1, 10, 5),
            None,
            "EUR",
            Decimal("119.8000"),
            Decimal("10.0000"),
            Decimal("4.9000"),
            Decimal("0.0000"),
            Decimal("114.7000"),
            "web",
            "mobile",
            "SPRING10",
            "S1",
            dt.datetime(2025, 3, 2, 0, 0),
        )
    ]
    assert query(db, "SELECT * FROM raw.shop_customers ORDER BY customer_id") == [
        (
            "C1",
            "ana@example.com",
            dt.datetime(2025, 1, 5, 9, 30),
            "FR",
            "Ile-de-France",
            "Paris",
            "F",
            1985,
            "Organic Search",
            False,
            dt.datetime(2025, 2, 1),
            # HMAC-SHA256("test-key", "ana@example.com"), computed once with Python's hmac
            ANA_HASH,
        ),
        (
            "C2",
            None,
            dt.datetime(2025, 1, 6, 12),
            "DE",
            None,
            "Berlin",
            "M",
            None,
            None,
            True,
            None,
            None,
        ),
    ]
    assert query(db, "SELECT * FROM raw.finance_exchange_rates") == [
        (dt.date(2025, 3, 1), "EUR", Decimal("1.0000000000"))
    ]
    assert query(db, "SELECT escalated, contacts_count FROM raw.support_tickets") == [(False, 2)]


def test_raw_tables_have_contract_columns_and_types(tmp_path: Path) -> None:
    _, db = load_data(tmp_path, base())

    types = query(
        db,
        "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_schema = 'raw' ORDER BY table_name, ordinal_position",
    )
    expected = []
    for spec in sorted(TABLES.values(), key=lambda t: t.name):
        for col in spec.stored_columns:
            expected.append((spec.name, col.name, col.duckdb_type, "NO" if col.required else "YES"))
    assert types == expected
    assert ("shop_customers", "email_hash", "VARCHAR", "YES") in types
    assert query(
        db,
        "SELECT data_type FROM information_schema.columns "
        "WHERE table_name = 'finance_exchange_rates' AND column_name = 'rate_to_reporting'",
    ) == [("DECIMAL(18,10)",)]


def test_values_are_trimmed_and_blank_is_missing(tmp_path: Path) -> None:
    data = some()
    data["shop_customers"][0].update(customer_id="  C1 ", city=" Paris\t", region="   ", birth_year=" 1985 ")
    result, db = load_data(tmp_path, data)

    assert result.rejected_rows == 0
    assert query(
        db,
        "SELECT customer_id, city, region, birth_year FROM raw.shop_customers WHERE city = 'Paris'",
    ) == [("C1", "Paris", None, 1985)]


def test_lenient_but_valid_values_are_accepted(tmp_path: Path) -> None:
    data = some("support_tickets")
    data["shop_customers"][0].update(gender="f", is_test="NO", country_code="fr")
    data["shop_customers"][1].update(is_test="Yes")
    data["shop_orders"][0].update(status="PAID")
    data["shop_order_items"][0].update(quantity="2.0")  # integral value written as a float
    data["shop_products"][0].update(list_price="5.99e1", unit_cost=".5")
    data["support_tickets"][0].update(escalated="1")
    result, db = load_data(tmp_path, data)

    assert result.rejected_rows == 0, rejects(db)
    # Closed sets are stored in the contract's spelling; codes are left as given.
    assert query(db, "SELECT gender, is_test, country_code FROM raw.shop_customers ORDER BY 1") == [
        ("F", False, "fr"),
        ("M", True, "DE"),
    ]
    assert query(db, "SELECT status FROM raw.shop_orders WHERE order_id = 'O1'") == [("paid",)]
    assert query(db, "SELECT quantity FROM raw.shop_order_items WHERE order_item_id = 'I1'") == [(2,)]
    assert query(
        db,
        "SELECT list_price, unit_cost FROM raw.shop_products WHERE product_id = 'P1'",
    ) == [(Decimal("59.9000"), Decimal("0.5000"))]
    assert query(db, "SELECT escalated FROM raw.support_tickets") == [(True,)]


def test_vocabularies_not_in_a_closed_set_are_kept(tmp_path: Path) -> None:
    data = some("shop_refunds", "shop_shipments", "support_tickets", "web_events")
    data["shop_orders"][0].update(device_type="smartwatch", sales_channel="tiktok shop")
    data["web_events"][0].update(page_type="landing", event_name="video_play", country_code="XYZ")
    data["shop_refunds"][0].update(reason="Too big")
    data["support_tickets"][0].update(channel="whatsapp", category="billing", status="Reopened")
    data["shop_shipments"][0].update(shipping_mode="drone")
    result, db = load_data(tmp_path, data)

    assert result.rejected_rows == 0, rejects(db)
    assert query(db, "SELECT device_type FROM raw.shop_orders WHERE order_id = 'O1'") == [("smartwatch",)]


def test_second_currency_without_rate_loads(tmp_path: Path) -> None:
    # Currencies without a rate are a dbt data test's business, not the loader's.
    data = some("finance_exchange_rates")
    data["shop_orders"][1].update(currency="USD")
    data["shop_products"][1].update(currency="GBP")
    result, db = load_data(tmp_path, data)

    assert result.rejected_rows == 0
    assert query(db, "SELECT DISTINCT currency FROM raw.shop_orders ORDER BY 1") == [
        ("EUR",),
        ("USD",),
    ]
    assert query(db, "SELECT currency FROM raw.finance_exchange_rates") == [("EUR",)]


# --------------------------------------------------------------------------- fatal input


def test_missing_required_file_is_fatal(tmp_path: Path) -> None:
    data = some()
    del data["shop_orders"]
    folder = write_folder(tmp_path / "in", data)
    database = tmp_path / "w.duckdb"

    with pytest.raises(
        LoadError,
        match=r"required table shop_orders is missing \(expected a file shop_orders.csv",
    ):
        load(folder, database)
    assert not database.exists()


def test_two_files_for_one_table_is_fatal(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", some())
    write_table(folder, "shop_orders", BASE["shop_orders"], "parquet")

    with pytest.raises(
        LoadError,
        match="ambiguous input for table shop_orders: shop_orders.csv, shop_orders.parquet",
    ):
        load(folder, tmp_path / "w.duckdb")


def test_missing_input_folder_is_fatal(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="input folder not found"):
        load(tmp_path / "nope", tmp_path / "w.duckdb")


def test_missing_required_column_is_fatal(tmp_path: Path) -> None:
    data = some()
    for row in data["shop_order_items"]:
        del row["quantity"]
    folder = write_folder(tmp_path / "in", data)

    with pytest.raises(LoadError) as error:
        load(folder, tmp_path / "w.duckdb")
    message = str(error.value)
    assert "shop_order_items.csv" in message
    assert "required column 'quantity' is missing" in message
    assert "integer, Units sold, > 0." in message


def test_semicolon_file_gets_a_hint(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", some())
    (folder / "shop_products.csv").write_text("product_id;category\nP1;shoes\n", encoding="utf-8")

    with pytest.raises(LoadError, match="is the file comma-separated"):
        load(folder, tmp_path / "w.duckdb")


def _garbage(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 8)


def _not_gzip(path: Path) -> None:
    path.write_bytes(b"order_id,status\nO1,paid\n")


def _truncated_gzip(path: Path) -> None:
    body = "".join(f"O{i},paid\n" for i in range(20000)).encode()
    data = gzip.compress(b"order_id,status\n" + body)
    path.write_bytes(data[: len(data) // 2])


def _broken_parquet(path: Path) -> None:
    path.write_bytes(b"PAR1" + b"\x00" * 64 + b"PAR1")


def _ragged_rows(path: Path) -> None:
    path.write_text("order_item_id,order_id\nI1,O1\nI2,O2,extra,fields\nI3\n", encoding="utf-8")


def _not_utf8(path: Path) -> None:
    path.write_bytes("order_item_id,order_id\nI1,Ø1\n".encode("utf-16"))


def _empty(path: Path) -> None:
    path.write_bytes(b"")


@pytest.mark.parametrize(
    ("file_name", "breaker", "expected"),
    [
        (
            "shop_order_items.csv",
            _garbage,
            "not readable as a UTF-8, comma-separated CSV file",
        ),
        ("shop_order_items.csv.gz", _not_gzip, "not readable as a gzip-compressed"),
        (
            "shop_order_items.csv.gz",
            _truncated_gzip,
            "not readable as a gzip-compressed",
        ),
        ("shop_order_items.parquet", _broken_parquet, "not readable as a Parquet file"),
        (
            "shop_order_items.csv",
            _ragged_rows,
            "not readable as a UTF-8, comma-separated CSV file",
        ),
        (
            "shop_order_items.csv",
            _not_utf8,
            "not readable as a UTF-8, comma-separated CSV file",
        ),
        ("shop_order_items.csv", _empty, "file is empty"),
    ],
    ids=[
        "csv-garbage",
        "not-gzip",
        "truncated-gzip",
        "broken-parquet",
        "ragged-csv",
        "utf16",
        "empty",
    ],
)
def test_unreadable_file_is_fatal(tmp_path: Path, file_name: str, breaker, expected: str) -> None:
    data = some()
    del data["shop_order_items"]
    folder = write_folder(tmp_path / "in", data)
    breaker(folder / file_name)

    with pytest.raises(LoadError) as error:
        load(folder, tmp_path / "w.duckdb")
    assert str(error.value).startswith(str(folder / file_name))
    assert expected in str(error.value)
    assert "\n" not in str(error.value)
    assert not (tmp_path / "w.duckdb").exists()


def test_unknown_timezone_is_fatal(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", some())
    with pytest.raises(LoadError, match="unknown time zone 'Mars/Olympus'"):
        load(folder, tmp_path / "w.duckdb", assume_timezone="Mars/Olympus")


def test_cli_fatal_exit_code_and_one_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = some()
    del data["shop_customers"]
    folder = write_folder(tmp_path / "in", data)

    code = main(["--input", str(folder), "--database", str(tmp_path / "w.duckdb")])

    assert code == 2
    captured = capsys.readouterr()
    errors = [line for line in captured.err.splitlines() if "error" in line]
    assert errors == [
        f"load_raw: error: {folder}: required table shop_customers is missing "
        "(expected a file shop_customers.csv or shop_customers.csv.gz or shop_customers.parquet)"
    ]
    assert captured.out == ""


# --------------------------------------------------------------------------- rejected rows

ROW_CASES = [
    # bad type
    (
        "shop_customers",
        {"signup_at": "yesterday"},
        "signup_at 'yesterday' is not an ISO-8601 timestamp",
    ),
    (
        "shop_customers",
        {"signup_at": "2025-02-30T10:00:00"},
        "signup_at '2025-02-30T10:00:00' is not an ISO-8601 timestamp",
    ),
    (
        "shop_customers",
        {"updated_at": "2025-03-01 10:00 Europe/Paris"},
        "updated_at '2025-03-01 10:00 Europe/Paris' is not an ISO-8601 timestamp",
    ),
    (
        "shop_customers",
        {"updated_at": "infinity"},
        "updated_at 'infinity' is not an ISO-8601 timestamp",
    ),
    (
        "shop_customers",
        {"updated_at": "01/03/2025 10:00"},
        "updated_at '01/03/2025 10:00' is not an ISO-8601 timestamp",
    ),
    (
        "shop_customers",
        {"birth_year": "1985.5"},
        "birth_year '1985.5' is not an integer",
    ),
    (
        "shop_customers",
        {"birth_year": "nineteen"},
        "birth_year 'nineteen' is not an integer",
    ),
    ("shop_order_items", {"quantity": "1.5"}, "quantity '1.5' is not an integer"),
    (
        "shop_order_items",
        {"quantity": "99999999999999999999"},
        "quantity '99999999999999999999' is not an integer",
    ),
    ("shop_products", {"list_price": "12,50"}, f"list_price '12,50' {NOT_DECIMAL}"),
    ("shop_products", {"list_price": "NaN"}, f"list_price 'NaN' {NOT_DECIMAL}"),
    ("shop_products", {"unit_cost": "€3"}, f"unit_cost '€3' {NOT_DECIMAL}"),
    ("shop_products", {"is_active": "maybe"}, f"is_active 'maybe' {NOT_BOOLEAN}"),
    ("support_tickets", {"escalated": "y"}, f"escalated 'y' {NOT_BOOLEAN}"),
    (
        "shop_inventory_snapshots",
        {"snapshot_date": "2025/03/01"},
        "snapshot_date '2025/03/01' is not a date (expected YYYY-MM-DD)",
    ),
    (
        "shop_inventory_snapshots",
        {"snapshot_date": "2025-3-1"},
        "snapshot_date '2025-3-1' is not a date (expected YYYY-MM-DD)",
    ),
    (
        "shop_inventory_snapshots",
        {"snapshot_date": "2025-02-30"},
        "snapshot_date '2025-02-30' is not a date (expected YYYY-MM-DD)",
    ),
    (
        "org_headcount",
        {"month": "2025-03-01T00:00:00"},
        "month '2025-03-01T00:00:00' is not a date (expected YYYY-MM-DD)",
    ),
    # out of range
    (
        "shop_customers",
        {"birth_year": "1899"},
        f"birth_year '1899' is out of range (expected 1900..{CURRENT_YEAR})",
    ),
    (
        "shop_customers",
        {"birth_year": str(CURRENT_YEAR + 1)},
        f"birth_year '{CURRENT_YEAR + 1}' is out of range (expected 1900..{CURRENT_YEAR})",
    ),
    (
        "shop_order_items",
        {"quantity": "0"},
        "quantity '0' is out of range (expected > 0)",
    ),
    (
        "shop_refunds",
        {"quantity": "-1"},
        "quantity '-1' is out of range (expected > 0)",
    ),
    (
        "shop_products",
        {"list_price": "-0.01"},
        "list_price '-0.01' is out of range (expected >= 0)",
    ),
    ("shop_payments", {"amount": "-5"}, "amount '-5' is out of range (expected >= 0)"),
    (
        "shop_shipments",
        {"distance_km": "-1"},
        "distance_km '-1' is out of range (expected >= 0)",
    ),
    (
        "shop_inventory_snapshots",
        {"on_hand_qty": "-3"},
        "on_hand_qty '-3' is out of range (expected >= 0)",
    ),
    ("shop_reviews", {"rating": "6"}, "rating '6' is out of range (expected 1..5)"),
    ("shop_reviews", {"rating": "0"}, "rating '0' is out of range (expected 1..5)"),
    ("survey_nps", {"score": "11"}, "score '11' is out of range (expected 0..10)"),
    ("survey_nps", {"score": "-1"}, "score '-1' is out of range (expected 0..10)"),
    (
        "support_tickets",
        {"csat_score": "0"},
        "csat_score '0' is out of range (expected 1..5)",
    ),
    (
        "support_tickets",
        {"contacts_count": "0"},
        "contacts_count '0' is out of range (expected >= 1)",
    ),
    (
        "finance_exchange_rates",
        {"rate_to_reporting": "0"},
        "rate_to_reporting '0' is out of range (expected > 0)",
    ),
    ("web_events", {"dwell_ms": "-1"}, "dwell_ms '-1' is out of range (expected >= 0)"),
    (
        "web_events",
        {"page_load_ms": "-20"},
        "page_load_ms '-20' is out of range (expected >= 0)",
    ),
    (
        "org_headcount",
        {"headcount": "-0.5"},
        "headcount '-0.5' is out of range (expected >= 0)",
    ),
    (
        "marketing_ad_spend",
        {"spend": "-1"},
        "spend '-1' is out of range (expected >= 0)",
    ),
    (
        "marketing_content_stats",
        {"shares": "-2"},
        "shares '-2' is out of range (expected >= 0)",
    ),
    # out of set
    (
        "shop_orders",
        {"status": "shipped_late"},
        f"status 'shipped_late' is not one of {ORDER_STATUSES}",
    ),
    ("shop_customers", {"gender": "X"}, "gender 'X' is not one of F, M, U"),
    (
        "shop_payments",
        {"status": "pending"},
        "status 'pending' is not one of succeeded, failed",
    ),
    # pattern
    (
        "shop_customers",
        {"country_code": "FRA"},
        "country_code 'FRA' is not an ISO-3166 alpha-2 code (expected ^[A-Za-z]{2}$)",
    ),
    (
        "shop_orders",
        {"currency": "EURO"},
        "currency 'EURO' is not an ISO-4217 code (expected ^[A-Za-z]{3}$)",
    ),
    (
        "finance_exchange_rates",
        {"currency": "E1R"},
        "currency 'E1R' is not an ISO-4217 code (expected ^[A-Za-z]{3}$)",
    ),
    # required value missing (empty or blank)
    ("shop_orders", {"ordered_at": ""}, "ordered_at is missing (required)"),
    ("shop_orders", {"status": "   "}, "status is missing (required)"),
    ("shop_order_items", {"unit_price": ""}, "unit_price is missing (required)"),
    ("web_events", {"session_id": ""}, "session_id is missing (required)"),
    (
        "marketing_activity_participants",
        {"registered_at": ""},
        "registered_at is missing (required)",
    ),
    ("experiment_assignments", {"variant": ""}, "variant is missing (required)"),
    (
        "shop_inventory_snapshots",
        {"snapshot_date": ""},
        "snapshot_date is missing (required)",
    ),
    # cross-column rules
    (
        "shop_orders",
        {"total_amount": "120.00"},
        "total_amount 120.0000 does not match items_amount - discount_amount + shipping_amount "
        "+ tax_amount = 114.7000 (tolerance 0.01)",
    ),
    (
        "marketing_ad_spend",
        {"clicks": "10001"},
        "clicks 10001 is above impressions 10000",
    ),
    (
        "shop_shipments",
        {"delivered_at": "2025-03-01T09:00:00Z"},
        "delivered_at 2025-03-01 09:00:00 is before shipped_at 2025-03-02 09:00:00",
    ),
    (
        "support_tickets",
        {"first_response_at": "2025-03-05T09:59:59Z"},
        "first_response_at 2025-03-05 09:59:59 is before created_at 2025-03-05 10:00:00",
    ),
    (
        "support_tickets",
        {"resolved_at": "2025-03-04T10:00:00Z"},
        "resolved_at 2025-03-04 10:00:00 is before created_at 2025-03-05 10:00:00",
    ),
    (
        "org_headcount",
        {"month": "2025-03-15"},
        "month 2025-03-15 is not the first day of a month",
    ),
]


@pytest.mark.parametrize("table", sorted({case[0] for case in ROW_CASES}))
def test_bad_rows_are_rejected_with_reasons(tmp_path: Path, table: str) -> None:
    # One load per table: each case of ROW_CASES adds one broken copy of the
    # table's first row (with its own key) after the good rows.
    data = some(table)
    expected = []
    cases = [(overrides, reason) for t, overrides, reason in ROW_CASES if t == table]
    for n, (overrides, reason) in enumerate(cases, 1):
        data[table].append({**data[table][0], **new_key(table, n), **overrides})
        expected.append((table, len(data[table]), reason))

    result, db = load_data(tmp_path, data)

    assert_only_rejected(result, db, expected)
    # The good rows of the same table are loaded as usual.
    assert result.table(table).loaded_rows == len(BASE[table])


def test_all_reasons_of_a_row_are_joined(tmp_path: Path) -> None:
    data = with_extra_row("shop_order_items", quantity="0", unit_price="abc", order_id="O404")
    result, db = load_data(tmp_path, data)

    assert_only_rejected(
        result,
        db,
        [
            (
                "shop_order_items",
                3,
                "quantity '0' is out of range (expected > 0); unit_price 'abc' "
                f"{NOT_DECIMAL}; order_id 'O404' not found in shop_orders",
            )
        ],
    )


def test_rejected_row_keeps_the_raw_row_as_read(tmp_path: Path) -> None:
    data = with_extra_row("shop_products", list_price=" -3 ", brand="")
    _, db = load_data(tmp_path, data)

    rows = query(
        db,
        "SELECT table_name, source_file, row_number, raw_row FROM raw_rejects.rejected_rows",
    )
    assert len(rows) == 1
    table, source_file, row_number, raw_row = rows[0]
    assert (table, source_file, row_number) == ("shop_products", "shop_products.csv", 3)
    expected = {
        **BASE["shop_products"][0],
        "product_id": "P9",
        "list_price": " -3 ",
        "brand": None,
    }
    assert json.loads(raw_row) == expected
    assert list(json.loads(raw_row)) == list(expected)  # file column order


def test_cross_column_rules_pass_within_tolerance_and_when_not_applicable(
    tmp_path: Path,
) -> None:
    data = some("marketing_ad_spend", "shop_shipments", "support_tickets")
    data["shop_orders"][0].update(total_amount="114.71")  # off by 0.01: accepted
    data["shop_shipments"][0].update(shipped_at="")  # delivered_at without shipped_at
    data["support_tickets"][0].update(
        first_response_at="", resolved_at="2025-03-05T10:00:00Z"
    )  # equal is fine
    data["marketing_ad_spend"][0].update(impressions="", clicks="5")
    result, db = load_data(tmp_path, data)

    assert result.rejected_rows == 0, rejects(db)


def test_defaults_are_applied_before_checks(tmp_path: Path) -> None:
    data = some("shop_inventory_snapshots")
    data["shop_orders"][1].update(discount_amount="", shipping_amount="", tax_amount="")
    for row in data["shop_order_items"]:
        del row["discount_amount"]  # missing optional column
    data["shop_products"][1].update(category=" ")
    data["shop_inventory_snapshots"][0].update(warehouse_id="")
    result, db = load_data(tmp_path, data)

    assert result.rejected_rows == 0, rejects(db)
    assert query(
        db,
        "SELECT discount_amount, shipping_amount, tax_amount FROM raw.shop_orders WHERE order_id = 'O2'",
    ) == [(Decimal("0.0000"), Decimal("0.0000"), Decimal("0.0000"))]
    assert query(db, "SELECT DISTINCT discount_amount FROM raw.shop_order_items") == [(Decimal("0.0000"),)]
    assert query(db, "SELECT category FROM raw.shop_products WHERE product_id = 'P2'") == [("unknown",)]
    assert query(db, "SELECT warehouse_id FROM raw.shop_inventory_snapshots") == [("default",)]


def test_missing_total_check_uses_defaults(tmp_path: Path) -> None:
    # O1 has a 10.00 discount; without the column the default 0 applies and the total no longer adds up.
    data = some()
    for row in data["shop_orders"]:
        del row["discount_amount"]
    result, db = load_data(tmp_path, data)

    assert_only_rejected(
        result,
        db,
        [
            (
                "shop_orders",
                1,
                "total_amount 114.7000 does not match items_amount - discount_amount + shipping_amount "
                "+ tax_amount = 124.7000 (tolerance 0.01)",
            ),
            (
                "shop_order_items",
                1,
                "order_id 'O1' not found in shop_orders (that row was rejected)",
            ),
        ],
    )


def test_duplicate_primary_key_keeps_the_first_occurrence(tmp_path: Path) -> None:
    data = some()
    first = data["shop_orders"][0]
    data["shop_orders"] += [
        {**first, "customer_id": "C2"},  # row 3: same key, later: rejected
        {**first, "status": "bogus"},  # row 4: rejected for its status only
        {**first, "customer_id": "C9"},  # row 5: same key again
    ]
    result, db = load_data(tmp_path, data)

    assert_only_rejected(
        result,
        db,
        [
            ("shop_orders", 3, "duplicate primary key (order_id='O1')"),
            ("shop_orders", 4, f"status 'bogus' is not one of {ORDER_STATUSES}"),
            ("shop_orders", 5, "duplicate primary key (order_id='O1')"),
        ],
    )
    assert query(db, "SELECT customer_id FROM raw.shop_orders WHERE order_id = 'O1'") == [("C1",)]


def test_rejected_row_does_not_count_as_first_occurrence(tmp_path: Path) -> None:
    data = some()
    good = data["shop_customers"][0]
    data["shop_customers"] = [
        {
            **good,
            "signup_at": "not a time",
        },  # row 1: rejected, so row 2 is the first occurrence
        {**good, "city": "Lyon"},  # row 2: loaded
        data["shop_customers"][1],
        {**good, "city": "Nice"},  # row 4: duplicate of row 2
    ]
    result, db = load_data(tmp_path, data)

    assert_only_rejected(
        result,
        db,
        [
            (
                "shop_customers",
                1,
                "signup_at 'not a time' is not an ISO-8601 timestamp",
            ),
            ("shop_customers", 4, "duplicate primary key (customer_id='C1')"),
        ],
    )
    assert query(db, "SELECT city FROM raw.shop_customers WHERE customer_id = 'C1'") == [("Lyon",)]


def test_duplicate_composite_key_including_a_default(tmp_path: Path) -> None:
    data = some("shop_inventory_snapshots", "marketing_ad_spend")
    snap = data["shop_inventory_snapshots"][0]
    data["shop_inventory_snapshots"] = [
        {**snap, "warehouse_id": ""},  # row 1: becomes 'default'
        {
            **snap,
            "warehouse_id": "default",
            "on_hand_qty": "7",
        },  # row 2: same key after the default
        {**snap, "warehouse_id": "W2"},  # row 3: other warehouse, fine
        {
            **snap,
            "snapshot_date": "2025-03-02",
            "warehouse_id": "",
        },  # row 4: other day, fine
    ]
    data["marketing_ad_spend"].append(dict(data["marketing_ad_spend"][0]))
    result, db = load_data(tmp_path, data)

    assert_only_rejected(
        result,
        db,
        [
            (
                "marketing_ad_spend",
                2,
                "duplicate primary key (spend_date='2025-03-01', channel='paid_search', campaign_id='CAMP1')",
            ),
            (
                "shop_inventory_snapshots",
                2,
                "duplicate primary key (snapshot_date='2025-03-01', product_id='P1', warehouse_id='default')",
            ),
        ],
    )
    assert query(
        db,
        "SELECT warehouse_id, on_hand_qty FROM raw.shop_inventory_snapshots ORDER BY ALL",
    ) == [
        ("W2", 12),
        ("default", 12),
        ("default", 12),
    ]


def test_orphan_order_items_are_rejected(tmp_path: Path) -> None:
    data = some()
    item = data["shop_order_items"][0]
    data["shop_order_items"] += [
        {**item, "order_item_id": "I3", "order_id": "O9"},
        {**item, "order_item_id": "I4", "product_id": "P404"},
    ]
    data["shop_orders"][1].update(status="lost")  # O2 rejected: its item I2 has no order in raw
    result, db = load_data(tmp_path, data)

    assert_only_rejected(
        result,
        db,
        [
            ("shop_orders", 2, f"status 'lost' is not one of {ORDER_STATUSES}"),
            (
                "shop_order_items",
                2,
                "order_id 'O2' not found in shop_orders (that row was rejected)",
            ),
            ("shop_order_items", 3, "order_id 'O9' not found in shop_orders"),
            ("shop_order_items", 4, "product_id 'P404' not found in shop_products"),
        ],
    )


def test_other_foreign_keys_are_left_to_dbt(tmp_path: Path) -> None:
    data = some("shop_refunds")
    data["shop_orders"][0].update(customer_id="C404")
    data["shop_refunds"][0].update(order_item_id="I404")
    result, _ = load_data(tmp_path, data)

    assert result.rejected_rows == 0


def test_payments_refunds_shipments_of_unknown_or_rejected_orders_are_rejected(tmp_path: Path) -> None:
    data = some("shop_payments", "shop_refunds", "shop_shipments")
    data["shop_orders"][1].update(status="bogus")  # O2 rejected
    data["shop_order_items"].pop()  # (its item would be rejected too)
    for table, prefix in (("shop_payments", "PAY"), ("shop_refunds", "RF"), ("shop_shipments", "SH")):
        first = data[table][0]
        data[table] += [
            {**first, NEW_KEY[table][0]: f"{prefix}2", "order_id": "O404"},
            {**first, NEW_KEY[table][0]: f"{prefix}3", "order_id": "O2"},
        ]
    result, db = load_data(tmp_path, data)

    expected = [("shop_orders", 2, f"status 'bogus' is not one of {ORDER_STATUSES}")]
    for table in ("shop_payments", "shop_refunds", "shop_shipments"):
        expected += [
            (table, 2, "order_id 'O404' not found in shop_orders"),
            (table, 3, "order_id 'O2' not found in shop_orders (that row was rejected)"),
        ]
    assert_only_rejected(result, db, expected)


# --------------------------------------------------------------------------- time zones


def test_timestamps_with_offsets_are_stored_in_utc(tmp_path: Path) -> None:
    cases = {
        "2025-03-01T10:00:00+08:00": dt.datetime(2025, 3, 1, 2, 0),
        "2025-03-01T10:00:00Z": dt.datetime(2025, 3, 1, 10, 0),
        "2025-03-01 10:00:00+00": dt.datetime(2025, 3, 1, 10, 0),
        "2025-03-01T10:00:00-05:30": dt.datetime(2025, 3, 1, 15, 30),
        "2025-03-01T10:00:00+0100": dt.datetime(2025, 3, 1, 9, 0),
        "2025-03-01T23:30:00-02:00": dt.datetime(2025, 3, 2, 1, 30),
        "2025-03-01T10:00:00": dt.datetime(2025, 3, 1, 10, 0),
        "2025-03-01 10:00:00.250": dt.datetime(2025, 3, 1, 10, 0, 0, 250000),
        "2025-03-01T10:00": dt.datetime(2025, 3, 1, 10, 0),
        "2025-03-01": dt.datetime(2025, 3, 1, 0, 0),
    }
    data = some("web_events")
    event = data["web_events"][0]
    data["web_events"] = [{**event, "event_id": f"E{i}", "event_at": ts} for i, ts in enumerate(cases)]
    result, db = load_data(tmp_path, data)

    assert result.rejected_rows == 0, rejects(db)
    loaded = query(db, "SELECT event_id, event_at FROM raw.web_events")
    assert loaded == [(f"E{i}", expected) for i, expected in enumerate(cases.values())]


@pytest.mark.parametrize(
    ("tz", "cases"),
    [
        (
            "America/New_York",
            {
                "2025-01-15T10:00:00": dt.datetime(2025, 1, 15, 15, 0),  # EST, UTC-5
                "2025-07-15T10:00:00": dt.datetime(2025, 7, 15, 14, 0),  # EDT, UTC-4
                "2025-03-09T01:30:00": dt.datetime(2025, 3, 9, 6, 30),  # just before the spring change
                "2025-03-09T03:30:00": dt.datetime(2025, 3, 9, 7, 30),  # just after it
                "2025-11-02T00:30:00": dt.datetime(2025, 11, 2, 4, 30),  # before the autumn change
                "2025-11-02T03:00:00": dt.datetime(2025, 11, 2, 8, 0),  # after it
                "2025-07-15": dt.datetime(2025, 7, 15, 4, 0),  # local midnight
                "2025-07-15T10:00:00+02:00": dt.datetime(2025, 7, 15, 8, 0),  # offsets stay exact
                "2025-07-15T10:00:00Z": dt.datetime(2025, 7, 15, 10, 0),
            },
        ),
        (
            "Asia/Shanghai",
            {
                "2025-03-01T10:00:00": dt.datetime(2025, 3, 1, 2, 0),
                "2025-03-01T05:00:00": dt.datetime(2025, 2, 28, 21, 0),
                "2025-03-01T10:00:00+08:00": dt.datetime(2025, 3, 1, 2, 0),
                "2025-03-01T10:00:00-01:00": dt.datetime(2025, 3, 1, 11, 0),
            },
        ),
    ],
)
def test_assume_timezone_reads_offsetless_timestamps_in_that_zone(
    tmp_path: Path, tz: str, cases: dict[str, dt.datetime]
) -> None:
    data = some("web_events", "shop_inventory_snapshots")
    event = data["web_events"][0]
    data["web_events"] = [{**event, "event_id": f"E{i}", "event_at": ts} for i, ts in enumerate(cases)]
    result, db = load_data(tmp_path, data, tz=tz)

    assert result.rejected_rows == 0, rejects(db)
    loaded = query(db, "SELECT event_id, event_at FROM raw.web_events")
    assert loaded == [(f"E{i}", expected) for i, expected in enumerate(cases.values())]
    # Dates are calendar days, never shifted.
    assert query(db, "SELECT snapshot_date FROM raw.shop_inventory_snapshots") == [(dt.date(2025, 3, 1),)]


# --------------------------------------------------------------------------- formats


def _typed_parquet(folder: Path, data: dict[str, list[Row]]) -> None:
    """Write each table as Parquet with native types, as a user's export would."""
    folder.mkdir(parents=True)
    for table, rows in data.items():
        arrays = {}
        for col in TABLES[table].columns:
            values = [r[col.name] or None for r in rows]
            if col.type == "timestamp":
                parsed = [dt.datetime.fromisoformat(v) if v else None for v in values]
                arrays[col.name] = pa.array(parsed, pa.timestamp("us", tz="UTC"))
            elif col.type == "date":
                arrays[col.name] = pa.array([dt.date.fromisoformat(v) if v else None for v in values])
            elif col.type == "integer":
                arrays[col.name] = pa.array([int(v) if v else None for v in values], pa.int64())
            elif col.type == "decimal":
                arrays[col.name] = pa.array([float(v) if v else None for v in values], pa.float64())
            elif col.type == "boolean":
                arrays[col.name] = pa.array([v in ("true", "yes", "1") if v else None for v in values])
            else:
                arrays[col.name] = pa.array(values, pa.string())
        pq.write_table(pa.table(arrays), folder / f"{table}.parquet")


def test_csv_gzip_and_parquet_give_identical_raw_tables(tmp_path: Path) -> None:
    # Every table, and a rejected row, which must be the same in every format.
    data = with_extra_row("shop_orders", full=True, status="bogus")
    snapshots = {}
    for fmt in ("csv", "csv.gz", "parquet"):
        _, db = load_data(tmp_path, data, fmt=fmt)
        snapshots[fmt] = snapshot(db, with_loaded_at=False)
    typed_dir = tmp_path / "typed_parquet"
    _typed_parquet(typed_dir, base())
    load(typed_dir, tmp_path / "typed.duckdb")

    for fmt in ("csv.gz", "parquet"):
        for name, rows in snapshots["csv"].items():
            if name == "raw_rejects.rejected_rows":  # source_file differs by name only
                rows = [(*r[:1], r[1].replace(".csv", "." + fmt), *r[2:]) for r in rows]
            elif name == "raw_rejects.load_summary":
                rows = [(r[0], r[1] and r[1].replace(".csv", "." + fmt), *r[2:]) for r in rows]
            assert snapshots[fmt][name] == rows, (fmt, name)
    # Native Parquet types (timestamps, floats, booleans...) give the same raw
    # tables as text (the extra CSV row is rejected, so it is not in raw).
    typed = snapshot(tmp_path / "typed.duckdb")
    for name, rows in snapshots["csv"].items():
        if name.startswith("raw."):
            assert typed[name] == rows, name


def test_extra_column_is_warned_and_ignored(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data = some()
    for row in data["shop_products"]:
        row["internal_note"] = "do not load"
    with caplog.at_level("WARNING", logger="load_raw"):
        result, db = load_data(tmp_path, data)

    assert "shop_products.csv: extra column(s) ignored: internal_note" in result.warnings
    assert "extra column(s) ignored: internal_note" in caplog.text
    columns = [
        r[0]
        for r in query(
            db,
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'shop_products'",
        )
    ]
    assert columns == list(TABLES["shop_products"].column_names)
    assert result.rejected_rows == 0


def test_columns_in_any_order_and_missing_optional_columns(tmp_path: Path) -> None:
    data = some()
    data["shop_customers"] = [
        {"signup_at": r["signup_at"], "Customer_ID": r["customer_id"]} for r in data["shop_customers"]
    ]
    result, db = load_data(tmp_path, data)

    assert result.rejected_rows == 0
    assert any("optional column(s) missing, loaded as NULL: email" in w for w in result.warnings)
    assert query(db, "SELECT customer_id, email, is_test FROM raw.shop_customers ORDER BY 1") == [
        ("C1", None, None),
        ("C2", None, None),
    ]


def test_missing_optional_table_is_created_empty_with_types(tmp_path: Path) -> None:
    result, db = load_data(tmp_path, required_only())

    assert result.table("web_events").input_rows == 0
    assert result.table("web_events").source_file is None
    assert query(db, "SELECT count(*) FROM raw.web_events") == [(0,)]
    assert query(
        db,
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'raw' AND table_name = 'org_headcount' ORDER BY ordinal_position",
    ) == [("month", "DATE"), ("team", "VARCHAR"), ("headcount", "DECIMAL(18,4)")]
    assert query(
        db,
        "SELECT table_name, source_file, input_rows FROM raw_rejects.load_summary WHERE table_name = 'survey_nps'",
    ) == [("survey_nps", None, 0)]


def test_header_only_file_loads_zero_rows(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", some())
    (folder / "survey_nps.csv").write_text("response_id,customer_id,responded_at,score\n", encoding="utf-8")
    result = load(folder, tmp_path / "w.duckdb")

    assert result.table("survey_nps").input_rows == 0


def test_unknown_files_are_warned_about(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", required_only())
    (folder / "README.txt").write_text("hello", encoding="utf-8")
    (folder / "shop_vouchers.csv").write_text("id\n1\n", encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"\0")

    result = load(folder, tmp_path / "w.duckdb")

    assert "README.txt: not a contract table file, ignored" in result.warnings
    assert "shop_vouchers.csv: not a contract table file, ignored" in result.warnings
    assert not any(".DS_Store" in w for w in result.warnings)


# --------------------------------------------------------------------------- run properties


def test_counts_add_up_and_are_recorded(tmp_path: Path) -> None:
    data = with_extra_row("web_events", full=True, event_at="bad")
    data["shop_orders"].append(dict(data["shop_orders"][0]))
    result, db = load_data(tmp_path, data)

    summary = query(
        db,
        "SELECT table_name, source_file, input_rows, loaded_rows, rejected_rows FROM raw_rejects.load_summary",
    )
    assert [r[0] for r in summary] == list(TABLES)
    counts, rejected = raw_counts(db), rejects(db)
    for table, source_file, input_rows, loaded_rows, rejected_rows in summary:
        assert loaded_rows + rejected_rows == input_rows
        assert counts[table] == loaded_rows
        assert len([r for r in rejected if r[0] == table]) == rejected_rows
        assert source_file == f"{table}.csv"
        assert input_rows == len(data[table])
    assert result.input_rows == sum(len(rows) for rows in data.values())
    assert (result.loaded_rows, result.rejected_rows) == (result.input_rows - 2, 2)
    assert len({r[0] for r in query(db, "SELECT loaded_at FROM raw_rejects.load_summary")}) == 1


def test_idempotent_reload_gives_the_same_raw_layer(tmp_path: Path) -> None:
    data = with_extra_row("shop_orders", status="bogus")
    folder = write_folder(tmp_path / "in", data)
    database = tmp_path / "w.duckdb"

    first = load(folder, database)
    before = snapshot(database, with_loaded_at=False)
    second = load(folder, database)

    assert snapshot(database, with_loaded_at=False) == before
    assert [(t.table, t.input_rows, t.loaded_rows, t.rejected_rows) for t in first.tables] == [
        (t.table, t.input_rows, t.loaded_rows, t.rejected_rows) for t in second.tables
    ]
    assert query(database, "SELECT count(*) FROM raw.shop_orders") == [(2,)]
    assert query(database, "SELECT count(*) FROM raw_rejects.rejected_rows") == [(1,)]


def test_reload_replaces_the_previous_content(tmp_path: Path) -> None:
    database = tmp_path / "w.duckdb"
    load(
        write_folder(tmp_path / "full", with_extra_row("shop_orders", full=True, status="bogus")),
        database,
    )
    load(write_folder(tmp_path / "small", required_only()), database)

    assert query(database, "SELECT count(*) FROM raw.web_events") == [(0,)]
    assert query(database, "SELECT count(*) FROM raw_rejects.rejected_rows") == [(0,)]
    assert query(database, "SELECT count(*) FROM raw.shop_orders") == [(2,)]


@pytest.mark.parametrize(
    "breakage",
    ["missing_column", "broken_gzip", "bad_timezone", "write_error"],
)
def test_fatal_error_leaves_a_loaded_database_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, breakage: str
) -> None:
    database = tmp_path / "w.duckdb"
    load(
        write_folder(tmp_path / "good", with_extra_row("shop_orders", status="bogus")),
        database,
    )
    before = snapshot(database)

    data = some("org_headcount")
    data["shop_orders"].pop()  # a different content, which must not reach the database
    folder = write_folder(tmp_path / "bad", data)
    tz = "UTC"
    if breakage == "missing_column":
        (folder / "web_events.csv").write_text("event_id,event_at\nE1,2025-03-01\n", encoding="utf-8")
    elif breakage == "broken_gzip":
        (folder / "org_headcount.csv").unlink()
        (folder / "org_headcount.csv.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    elif breakage == "bad_timezone":
        tz = "Nowhere/Special"
    else:
        # A failure in the middle of the write transaction, after earlier tables were replaced.
        real_ddl = tables.column_ddl

        def failing_ddl(spec):
            return "not valid sql" if spec.name == "org_headcount" else real_ddl(spec)

        monkeypatch.setattr(tables, "column_ddl", failing_ddl)

    with pytest.raises(LoadError):
        load(folder, database, assume_timezone=tz)
    assert snapshot(database) == before


def test_failed_first_load_leaves_no_database_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "column_ddl", lambda spec: "not valid sql")
    database = tmp_path / "nested" / "w.duckdb"

    with pytest.raises(LoadError, match="write failed, nothing was changed"):
        load(write_folder(tmp_path / "in", some()), database)
    assert not database.exists()


def test_cli_loads_and_prints_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_folder(tmp_path / "in", with_extra_row("shop_orders", status="bogus"))
    database = tmp_path / "from_env" / "w.duckdb"
    monkeypatch.setenv("WAREHOUSE_PATH", str(database))

    assert main(["--input", str(folder)]) == 0

    out = capsys.readouterr().out
    assert database.exists()
    assert any(line.split()[:4] == ["shop_orders", "3", "2", "1"] for line in out.splitlines())
    assert any(line.split()[:4] == ["total", "9", "8", "1"] for line in out.splitlines())
    assert "raw_rejects.rejected_rows" in out


def test_cli_runs_as_a_script(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", required_only())
    database = tmp_path / "w.duckdb"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "scripts.load_raw",
            "--input",
            str(folder),
            "--database",
            str(database),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "shop_order_items" in done.stdout
    assert "checked" in done.stderr  # progress lines go to stderr

    helped = subprocess.run(
        [sys.executable, "-m", "scripts.load_raw", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert helped.returncode == 0
    assert "--assume-timezone" in helped.stdout


# --------------------------------------------------------------------------- generated data


def _generate(out: Path) -> None:
    if not GENERATOR.exists():
        pytest.skip("scripts/generate_data.py does not exist yet")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "scripts.generate_data",
            "--out",
            str(out),
            "--scale",
            "0.02",
            "--seed",
            "7",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if done.returncode != 0:
        pytest.skip(f"scripts/generate_data.py failed (exit {done.returncode}): {done.stderr.strip()[-500:]}")


def _rewrite_as_csv(folder: Path, table: str, updates: dict[int, Row]) -> list[Row]:
    """Rewrite ``table``'s file as CSV with some rows (1-based) changed; return the rows as read."""
    (path,) = [p for p in folder.iterdir() if p.name.split(".")[0] == table]
    with duckdb.connect() as con:
        if path.suffix == ".parquet":
            relation = con.execute(f"SELECT * FROM read_parquet('{path}')")
        else:
            relation = con.execute(f"SELECT * FROM read_csv('{path}', header = true, all_varchar = true)")
        columns = [d[0] for d in relation.description]
        rows = [
            {c: (None if v is None else str(v)) for c, v in zip(columns, r, strict=True)}
            for r in relation.fetchall()
        ]
    for number, change in updates.items():
        rows[number - 1].update(change)
    path.unlink()
    with open(folder / f"{table}.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return rows


def test_dirty_generated_copy(tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    _generate(clean)

    result = load(clean, tmp_path / "clean.duckdb")
    clean_rejects = rejects(tmp_path / "clean.duckdb")
    assert clean_rejects == [], f"generated data has rejects: {clean_rejects[:20]}"
    assert result.table("shop_orders").input_rows >= 20
    assert result.table("shop_customers").input_rows >= 10

    dirty = tmp_path / "dirty"
    shutil.copytree(clean, dirty)
    expected: list[tuple[str, int, str]] = []

    # 3 orders with a bad status; their items lose their order.
    orders = _rewrite_as_csv(dirty, "shop_orders", {n: {"status": "teleported"} for n in (2, 5, 9)})
    broken_orders = {orders[n - 1]["order_id"] for n in (2, 5, 9)}
    for n in (2, 5, 9):
        expected.append(("shop_orders", n, f"status 'teleported' is not one of {ORDER_STATUSES}"))
    # 2 customers with the id of an earlier one.
    customers = _rewrite_as_csv(dirty, "shop_customers", {})
    dup_ids = {4: customers[0]["customer_id"], 7: customers[1]["customer_id"]}
    _rewrite_as_csv(dirty, "shop_customers", {n: {"customer_id": cid} for n, cid in dup_ids.items()})
    for n, cid in dup_ids.items():
        expected.append(("shop_customers", n, f"duplicate primary key (customer_id='{cid}')"))
    # 1 item with quantity 0, on an order that stays valid.
    items = _rewrite_as_csv(dirty, "shop_order_items", {})
    zero_item = next(i for i, row in enumerate(items, 1) if row["order_id"] not in broken_orders)
    items = _rewrite_as_csv(dirty, "shop_order_items", {zero_item: {"quantity": "0"}})
    expected.append(("shop_order_items", zero_item, "quantity '0' is out of range (expected > 0)"))
    for n, row in enumerate(items, 1):
        if row["order_id"] in broken_orders:
            reason = f"order_id '{row['order_id']}' not found in shop_orders (that row was rejected)"
            if n == zero_item:
                reason = "quantity '0' is out of range (expected > 0); " + reason
            expected.append(("shop_order_items", n, reason))
    # 1 web event with a bad timestamp, 1 product with a negative price (if those files exist).
    names = {p.name.split(".")[0] for p in dirty.iterdir()}
    # payments, refunds and shipments of the broken orders lose their order too
    for table in ("shop_payments", "shop_refunds", "shop_shipments"):
        if table in names:
            for n, row in enumerate(_rewrite_as_csv(dirty, table, {}), 1):
                if row["order_id"] in broken_orders:
                    reason = f"order_id '{row['order_id']}' not found in shop_orders (that row was rejected)"
                    expected.append((table, n, reason))
    if "web_events" in names:
        _rewrite_as_csv(dirty, "web_events", {3: {"event_at": "2025-13-45T99:00:00"}})
        expected.append(
            (
                "web_events",
                3,
                "event_at '2025-13-45T99:00:00' is not an ISO-8601 timestamp",
            )
        )
    if "marketing_ad_spend" in names:
        spend = _rewrite_as_csv(dirty, "marketing_ad_spend", {})
        row = spend[0]
        if row.get("impressions"):
            clicks = int(row["impressions"]) + 1
            _rewrite_as_csv(dirty, "marketing_ad_spend", {1: {"clicks": str(clicks)}})
            expected.append(
                (
                    "marketing_ad_spend",
                    1,
                    f"clicks {clicks} is above impressions {row['impressions']}",
                )
            )

    dirty_result = load(dirty, tmp_path / "dirty.duckdb")

    assert_only_rejected(dirty_result, tmp_path / "dirty.duckdb", expected)
    for before, after in zip(result.tables, dirty_result.tables, strict=True):
        assert before.input_rows == after.input_rows


def test_load_columns_record_what_the_files_carried(tmp_path: Path) -> None:
    """raw_rejects.load_columns: per table and column, in the file or not, values and date span."""
    data = base()
    # shop_products without its optional unit_cost column; an optional table left out
    for row in data["shop_products"]:
        del row["unit_cost"]
    data.pop("shop_refunds", None)
    _, db = load_data(tmp_path, data)
    got = {
        (t, c): (in_file, loaded, non_null, first, last)
        for t, c, in_file, loaded, non_null, first, last in query(
            db,
            "SELECT table_name, column_name, is_in_file, loaded_rows, non_null_rows, first_date, last_date "
            "FROM raw_rejects.load_columns",
        )
    }
    assert len(got) == sum(len(spec.columns) for spec in TABLES.values())
    n_products = len(data["shop_products"])
    assert got[("shop_products", "unit_cost")] == (False, n_products, 0, None, None)
    assert got[("shop_products", "product_id")][:3] == (True, n_products, n_products)
    assert got[("shop_refunds", "refund_id")] == (False, 0, 0, None, None)
    ordered = [r[0] for r in query(db, "SELECT CAST(ordered_at AS DATE) FROM raw.shop_orders")]
    assert got[("shop_orders", "ordered_at")][3:] == (min(ordered), max(ordered))
    flags = dict(
        query(db, "SELECT table_name || '.' || column_name, is_coverage_date FROM raw_rejects.load_columns")
    )
    assert flags["shop_orders.ordered_at"] and not flags["shop_orders.paid_at"]


def test_load_columns_do_not_count_defaults_as_data(tmp_path: Path) -> None:
    """A default the loader fills in (category 'unknown', discount 0) is not a value the file carried."""
    data = base()
    for row in data["shop_products"]:
        row["category"] = ""
    for row in data["shop_orders"]:
        row["discount_amount"] = ""
    _, db = load_data(tmp_path, data)
    got = dict(
        query(
            db,
            "SELECT table_name || '.' || column_name, non_null_rows FROM raw_rejects.load_columns "
            "WHERE column_name IN ('category', 'discount_amount', 'product_id')",
        )
    )
    assert got["shop_products.category"] == 0
    assert got["shop_orders.discount_amount"] == 0
    assert got["shop_products.product_id"] == len(data["shop_products"])
    # the defaults themselves are still loaded
    assert query(db, "SELECT DISTINCT category FROM raw.shop_products") == [("unknown",)]


# --------------------------------------------------------------------------- atomic publish


def test_reader_holding_the_published_file_never_blocks_or_sees_a_mix(tmp_path: Path) -> None:
    database = tmp_path / "w.duckdb"
    load(write_folder(tmp_path / "one", some()), database)
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
            "print(con.execute('SELECT count(*) FROM raw.shop_orders').fetchone()[0], flush=True); "
            "sys.stdin.readline(); "
            "print(con.execute('SELECT count(*) FROM raw.shop_orders').fetchone()[0], flush=True)",
            str(database),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None and reader.stdin is not None
        assert reader.stdout.readline().strip() == "2"
        # the reader holds the file open (read-only) while a second load publishes
        load(write_folder(tmp_path / "two", with_extra_row("shop_orders")), database)
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "2"  # its snapshot, never a mix
    finally:
        reader.kill()
        reader.wait()
    assert query(database, "SELECT count(*) FROM raw.shop_orders") == [(3,)]
    assert not load_raw.working_copy_of(database).exists()
    assert not Path(f"{database}.lock").exists()


@pytest.mark.parametrize("existed", [False, True])
def test_killed_load_leaves_the_published_file_as_it_was(tmp_path: Path, existed: bool) -> None:
    database = tmp_path / "w.duckdb"
    if existed:
        load(write_folder(tmp_path / "good", some()), database)
        before = snapshot(database)
    folder = write_folder(tmp_path / "in", with_extra_row("shop_orders"))
    # kill -9 the loader in the middle of its write (after some tables were replaced)
    killer = (
        "import os, sys; from scripts import load_raw; from scripts.loader import tables\n"
        "real = tables.table_ddl\n"
        "def ddl(target, *args):\n"
        "    if 'org_headcount' in target: os.kill(os.getpid(), 9)\n"
        "    return real(target, *args)\n"
        "tables.table_ddl = ddl; load_raw.load(sys.argv[1], sys.argv[2])"
    )
    done = subprocess.run(
        [sys.executable, "-c", killer, str(folder), str(database)], cwd=ROOT, check=False, capture_output=True
    )
    assert done.returncode == -9
    if existed:
        assert snapshot(database) == before
    else:
        assert not database.exists()  # no empty file where there was none
    # the next load removes the stale working copy and publishes
    load(folder, database)
    assert query(database, "SELECT count(*) FROM raw.shop_orders") == [(3,)]
    assert not load_raw.working_copy_of(database).exists()


def test_new_database_keeps_a_format_older_duckdb_reads(tmp_path: Path) -> None:
    _, database = load_data(tmp_path, some())
    tags = query(database, "SELECT tags FROM duckdb_databases() WHERE database_name = current_database()")
    assert tags == [({"storage_version": "v1.0.0+"},)]


def test_concurrent_load_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    import fcntl

    database = tmp_path / "w.duckdb"
    load(write_folder(tmp_path / "one", some()), database)
    before = snapshot(database)
    with open(f"{database}.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another load holds the database
        with pytest.raises(LoadError, match="another load into the same database is running"):
            load(write_folder(tmp_path / "two", with_extra_row("shop_orders")), database)
    assert snapshot(database) == before


def test_in_place_writes_straight_into_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    database = tmp_path / "w.building.duckdb"
    copies: list[tuple] = []
    monkeypatch.setattr(duckdb_writer.shutil, "copyfile", lambda *a: copies.append(a))
    load(write_folder(tmp_path / "one", some()), database, in_place=True)
    load(write_folder(tmp_path / "two", with_extra_row("shop_orders")), database, in_place=True)
    assert copies == []
    assert query(database, "SELECT count(*) FROM raw.shop_orders") == [(3,)]
    assert main(["--input", str(tmp_path / "one"), "--database", str(database), "--in-place"]) == 0
    assert query(database, "SELECT count(*) FROM raw.shop_orders") == [(2,)]


def test_leftover_write_ahead_log_is_fatal(tmp_path: Path) -> None:
    database = tmp_path / "w.duckdb"
    load(write_folder(tmp_path / "one", some()), database)
    Path(f"{database}.wal").write_bytes(b"x")
    with pytest.raises(LoadError, match="unfinished write-ahead log"):
        load(tmp_path / "one", database)


# --------------------------------------------------------------------------- keyed e-mail hash


def test_email_hash_needs_a_key_for_data_not_generated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KPI_PII_HASH_KEY")
    folder = write_folder(tmp_path / "in", some())
    with pytest.raises(LoadError, match=r"KPI_PII_HASH_KEY is not set: .*secrets.token_hex\(32\)"):
        load(folder, tmp_path / "w.duckdb")
    assert not (tmp_path / "w.duckdb").exists()

    # no addresses at all: no key needed
    data = some()
    for row in data["shop_customers"]:
        row["email"] = ""
    load(write_folder(tmp_path / "no_email", data), tmp_path / "n.duckdb")
    assert query(tmp_path / "n.duckdb", "SELECT count(email_hash) FROM raw.shop_customers") == [(0,)]

    # the generator's folder (its marker): the fixed demo key
    (folder / ".generated-by-generate_data").write_text("test\n")
    load(folder, tmp_path / "g.duckdb")
    assert query(
        tmp_path / "g.duckdb", "SELECT email_hash FROM raw.shop_customers WHERE customer_id = 'C1'"
    ) == [
        # HMAC-SHA256 of 'ana@example.com' under the documented demo key, computed once
        ("5ab0979c69de82fe3da83351f565e5a40c9ceafe56e347b8d2f14d59e1c18182",)
    ]


def test_email_hash_is_keyed_trimmed_lower_cased_and_not_read_from_the_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = some()
    data["shop_customers"][1]["email"] = "  ANA@Example.COM "
    for row in data["shop_customers"]:
        row["email_hash"] = "forged"
    _, db = load_data(tmp_path, data)
    assert query(db, "SELECT customer_id, email_hash FROM raw.shop_customers ORDER BY 1") == [
        ("C1", ANA_HASH),
        ("C2", ANA_HASH),
    ]
    assert "extra column(s) ignored: email_hash" in caplog.text
