"""Bad rows are rejected with every reason, into raw_rejects.rejected_rows; the rest loads."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from scripts.raw_contract import CURRENT_YEAR
from tests.loader.helpers import (
    BASE,
    NEW_KEY,
    NOT_BOOLEAN,
    NOT_DECIMAL,
    ORDER_STATUSES,
    assert_only_rejected,
    load_data,
    new_key,
    query,
    rejects,
    some,
    with_extra_row,
)

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
