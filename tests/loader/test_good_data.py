"""Good input loads as it is: every table, typed, in file order, with the summary and the column profile."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from scripts.raw_contract import TABLES
from tests.loader.helpers import ANA_HASH, BASE, base, load_data, query, rejects, some

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
