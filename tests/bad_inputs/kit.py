"""The kit the bad-input cases are written with: expected outcomes (E, Q, L), input builders,
checks of the loaded result, and special inputs (odd files and folders)."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from scripts import load_raw
from tests.loader.helpers import BASE, Row, query, some

Data = dict[str, list[Row]]
Check = Callable[[Path, load_raw.LoadResult], None]


@dataclass(frozen=True)
class E:
    message: str


@dataclass(frozen=True)
class Q:
    table: str
    reason: str
    rows: int = 1  # rejected rows of ``table`` whose reason matches
    also: Check | None = None  # a further check on the finished load


@dataclass(frozen=True)
class L:
    check: Check


@dataclass(frozen=True)
class Case:
    id: str
    expect: E | Q | L
    data: Callable[[], Data] = some
    # changes the written folder (raw bytes, extra files); runs after the data is written
    mutate: Callable[[Path], None] | None = None
    options: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- builders


def edit(table: str, row: int, extra: tuple[str, ...] = (), **values: str) -> Callable[[], Data]:
    """The required tables and ``extra`` with ``values`` set on row ``row`` (0-based) of ``table``."""

    def build() -> Data:
        data = some(*extra)
        data[table][row].update(values)
        return data

    return build


def add_row(table: str, **values: str) -> Callable[[], Data]:
    """The required tables plus, at the end of ``table``, a copy of its first row with ``values``."""

    def build() -> Data:
        data = some()
        data[table].append({**data[table][0], **values})
        return data

    return build


def added(table: str, changes: list[Row]) -> Callable[[], Data]:
    """The required tables plus copies of ``table``'s first row, keyed 9, 10, ..., each with one change."""
    key = {"shop_orders": ("order_id", "O")}[table]

    def build() -> Data:
        data = some()
        for n, change in enumerate(changes, 9):
            data[table].append({**data[table][0], key[0]: f"{key[1]}{n}", **change})
        return data

    return build


def _with_column(header: str, cell: str) -> Callable[[str], str]:
    """A CSV text transform adding a column ``header`` with ``cell`` in every row."""

    def transform(text: str) -> str:
        lines = text.split("\r\n")
        return "\r\n".join(
            [lines[0] + "," + header] + [line + "," + cell if line else line for line in lines[1:]]
        )

    return transform


def csv_text(table: str, rows: list[Row] | None = None, newline: str = "\r\n") -> str:
    rows = BASE[table] if rows is None else rows
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator=newline)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def raw_file(name: str, content: str | bytes) -> Callable[[Path], None]:
    """Replace the table's file by ``name`` with exactly ``content``."""

    def mutate(folder: Path) -> None:
        table = name.split(".")[0]
        for suffix in (".csv", ".csv.gz", ".parquet"):
            (folder / f"{table}{suffix}").unlink(missing_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)

    return mutate


def orders_csv(transform: Callable[[str], str]) -> Callable[[Path], None]:
    """shop_orders.csv rewritten from its BASE text by ``transform``."""
    return raw_file("shop_orders.csv", transform(csv_text("shop_orders")))


def products_with_name(name: str) -> Callable[[Path], None]:
    rows = [dict(r) for r in BASE["shop_products"]]
    rows[0]["product_name"] = name
    return raw_file("shop_products.csv", csv_text("shop_products", rows))


# --------------------------------------------------------------------------- checks


def value(sql: str, expected: object) -> Check:
    def check(db: Path, _: load_raw.LoadResult) -> None:
        assert query(db, sql) == [(expected,)], sql

    return check


def count(table: str, expected: int) -> Check:
    return value(f"SELECT count(*) FROM raw.{table}", expected)


def warned(pattern: str, then: Check | None = None) -> Check:
    def check(db: Path, result: load_raw.LoadResult) -> None:
        assert any(re.search(pattern, w) for w in result.warnings), result.warnings
        if then:
            then(db, result)

    return check


def both(*checks: Check) -> Check:
    def check(db: Path, result: load_raw.LoadResult) -> None:
        for one in checks:
            one(db, result)

    return check


def order_time(order_id: str, expected: dt.datetime) -> Check:
    return value(f"SELECT ordered_at FROM raw.shop_orders WHERE order_id = '{order_id}'", expected)


def product_name(expected: str) -> Check:
    return value("SELECT product_name FROM raw.shop_products WHERE product_id = 'P1'", expected)


def over_refund(db: Path, result: load_raw.LoadResult) -> None:
    # I1 refunds at most 2 x 59.90 - 10 = 109.80; a refund of 150 exceeds it by 40.20
    assert result.over_refunds == [("EUR", 1, Decimal("40.2000"))]
    assert query(db, "SELECT amount FROM raw.shop_refunds") == [(Decimal("150.0000"),)]
    assert query(
        db, "SELECT over_refunded_rows FROM raw_rejects.load_summary WHERE table_name = 'shop_refunds'"
    ) == [(1,)]
    summary = load_raw.format_summary(result)
    assert "refunds larger than what they refund: 1 in EUR, excess 40.20 EUR" in summary


# --------------------------------------------------------------------------- special inputs


def _gzip_named_csv(folder: Path) -> None:
    path = folder / "shop_orders.csv"
    path.write_bytes(gzip.compress(path.read_bytes()))


def _text_named_gz(folder: Path) -> None:
    path = folder / "shop_orders.csv"
    path.rename(folder / "shop_orders.csv.gz")


def _second_file(folder: Path) -> None:
    (folder / "shop_orders.parquet").write_bytes((folder / "shop_orders.csv").read_bytes())


def _folder_for(name: str) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        table = name.split(".")[0]
        (folder / f"{table}.csv").unlink(missing_ok=True)
        (folder / name).mkdir()
        (folder / name / "part-00000.csv").write_text(
            csv_text(table) if table in BASE else "", encoding="utf-8"
        )

    return mutate


def _symlink(folder: Path) -> None:
    real = folder.parent / "elsewhere.csv"
    (folder / "shop_orders.csv").rename(real)
    (folder / "shop_orders.csv").symlink_to(real)


def _dangling_symlink(folder: Path) -> None:
    (folder / "shop_refunds.csv").symlink_to(folder.parent / "nowhere.csv")


def _input_is_file(folder: Path) -> None:
    pass  # the case loads folder / "shop_orders.csv" as --input (see options)


def _typed_parquet_orders(folder: Path) -> None:
    (folder / "shop_orders.csv").unlink()
    rows = BASE["shop_orders"]
    columns: dict[str, pa.Array] = {}
    for name in rows[0]:
        texts = [r[name] or None for r in rows]
        if name.endswith("_amount"):
            columns[name] = pa.array([float(t) if t else None for t in texts], pa.float64())
        elif name == "ordered_at":
            stamps = [
                dt.datetime.fromisoformat(t.replace("Z", "+00:00")) + dt.timedelta(hours=8) for t in texts
            ]
            stamps = [s.replace(tzinfo=dt.timezone(dt.timedelta(hours=8))) for s in stamps]
            columns[name] = pa.array(stamps, pa.timestamp("us", tz="Asia/Shanghai"))
        else:
            columns[name] = pa.array(texts, pa.string())
    pq.write_table(pa.table(columns), folder / "shop_orders.parquet")


def _parquet_special_floats(folder: Path) -> None:
    (folder / "shop_order_items.csv").unlink()
    rows = BASE["shop_order_items"]
    table = {name: pa.array([r[name] for r in rows], pa.string()) for name in rows[0]}
    table["unit_price"] = pa.array([float("nan"), float("inf")], pa.float64())
    pq.write_table(pa.table(table), folder / "shop_order_items.parquet")


def _big_value(size: int) -> Callable[[Path], None]:
    rows = [dict(r) for r in BASE["shop_products"]]
    rows[0]["product_name"] = "x" * size
    return raw_file("shop_products.csv", csv_text("shop_products", rows))
