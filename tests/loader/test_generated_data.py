"""The generator's data loads without a rejected row, and edited copies of it reject as expected."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from scripts.load_raw import load
from scripts.raw_contract import TABLES
from tests.loader.helpers import (
    GENERATOR,
    ORDER_STATUSES,
    Row,
    assert_only_rejected,
    base,
    load_data,
    query,
    rejects,
)

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
