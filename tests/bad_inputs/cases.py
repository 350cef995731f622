"""The bad-input checklist (/work/shared/specs/bad_inputs.md) as data: one Case per class."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests.bad_inputs.kit import (
    Case,
    E,
    L,
    Q,
    _big_value,
    _dangling_symlink,
    _folder_for,
    _gzip_named_csv,
    _parquet_special_floats,
    _second_file,
    _symlink,
    _text_named_gz,
    _typed_parquet_orders,
    _with_column,
    add_row,
    added,
    both,
    count,
    csv_text,
    edit,
    order_time,
    orders_csv,
    over_refund,
    product_name,
    products_with_name,
    raw_file,
    value,
    warned,
)
from tests.loader.helpers import BASE, some

ORDERS_HEADER = ",".join(BASE["shop_orders"][0])
O1 = next(iter(csv_text("shop_orders").splitlines()[1:2]))
YEAR = dt.datetime.now(dt.UTC).year

CASES: list[Case] = [
    # 1 required file missing; 0-byte file
    Case(
        "01-missing-required",
        E(r"required table shop_orders is missing"),
        lambda: {k: v for k, v in some().items() if k != "shop_orders"},
    ),
    Case("01-zero-bytes", E(r"shop_orders.csv: file is empty"), mutate=raw_file("shop_orders.csv", b"")),
    # 2 optional file missing
    Case("02-optional-missing", L(warned(r"shop_refunds: no input file", count("shop_refunds", 0)))),
    # 3 required table with a header and no rows: a loud warning naming it, dependants rejected
    Case(
        "03-required-header-only",
        Q(
            "shop_order_items",
            r"product_id 'P\d' not found in shop_products",
            rows=2,
            also=warned(r"WARNING: required table shop_products has a header but no rows"),
        ),
        mutate=raw_file("shop_products.csv", ",".join(BASE["shop_products"][0]) + "\n"),
    ),
    # 4 required column missing; another table's file under this name
    Case(
        "04-required-column",
        E(r"shop_orders.csv: required column 'status' is missing"),
        mutate=orders_csv(lambda t: t.replace(",status,", ",state,", 1)),
    ),
    Case(
        "04-wrong-table-file",
        E(r"shop_orders.csv: required column 'order_id' is missing"),
        mutate=raw_file("shop_orders.csv", csv_text("shop_products")),
    ),
    # 5 optional column missing; extra column
    Case(
        "05-optional-column-missing",
        L(
            warned(
                r"optional column\(s\) missing, loaded as NULL: coupon_code",
                value("SELECT count(coupon_code) FROM raw.shop_orders", 0),
            )
        ),
        data=lambda: {
            **some(),
            "shop_orders": [{k: v for k, v in r.items() if k != "coupon_code"} for r in BASE["shop_orders"]],
        },
    ),
    Case(
        "05-extra-column",
        L(warned(r"extra column\(s\) ignored: loyalty_tier", count("shop_orders", 2))),
        data=lambda: {**some(), "shop_orders": [{**r, "loyalty_tier": "gold"} for r in BASE["shop_orders"]]},
    ),
    # 6 reordered columns; header in upper case with spaces
    Case(
        "06-reordered-upper",
        L(order_time("O1", dt.datetime(2025, 3, 1, 10))),
        data=lambda: {
            **some(),
            "shop_orders": [{f" {k.upper()} ": r[k] for k in reversed(list(r))} for r in BASE["shop_orders"]],
        },
    ),
    # 7 a column named twice
    Case(
        "07-dup-exact",
        E(r"column 'status' appears twice in the header"),
        mutate=orders_csv(_with_column("status", "paid")),
    ),
    Case(
        "07-dup-case-space",
        E(r"column 'coupon_code' appears twice in the header \(as 'coupon_code' and ' Coupon_Code '\)"),
        data=lambda: {**some(), "shop_orders": [{**r, " Coupon_Code ": "X"} for r in BASE["shop_orders"]]},
    ),
    Case(
        "07-dup-extra-column",
        E(r"column 'note' appears twice"),
        data=lambda: {
            **some(),
            "shop_orders": [{**r, "note": "a", "NOTE": "b"} for r in BASE["shop_orders"]],
        },
    ),
    # 8 ; or tab as delimiter
    Case("08-semicolon", E(r"is the file comma-separated"), mutate=orders_csv(lambda t: t.replace(",", ";"))),
    Case("08-tab", E(r"is the file comma-separated"), mutate=orders_csv(lambda t: t.replace(",", "\t"))),
    # 9 BOM, CRLF, quoted newline, blank lines, stray quote, NUL byte
    Case(
        "09-bom", L(order_time("O1", dt.datetime(2025, 3, 1, 10))), mutate=orders_csv(lambda t: "\ufeff" + t)
    ),
    Case(
        "09-lf-only",
        L(order_time("O2", dt.datetime(2025, 3, 2, 8))),
        mutate=orders_csv(lambda t: t.replace("\r\n", "\n")),
    ),
    Case("09-quoted-newline", L(product_name("Run\nner")), mutate=products_with_name("Run\nner")),
    Case(
        "09-blank-lines",
        L(count("shop_orders", 2)),
        mutate=orders_csv(lambda t: t.replace("\r\nO2,", "\r\n\r\nO2,") + "\r\n"),
    ),
    Case(
        "09-stray-quote",
        L(product_name('5" Runner')),
        mutate=raw_file(
            "shop_products.csv",
            csv_text("shop_products").replace(",Runner,", ',5" Runner,'),
        ),
    ),
    Case("09-nul-byte", L(product_name("Run\x00ner")), mutate=products_with_name("Run\x00ner")),
    # 10 a Latin-1 byte
    Case(
        "10-latin1",
        E(r"shop_products.csv: not readable as a UTF-8, comma-separated CSV file"),
        mutate=raw_file(
            "shop_products.csv", csv_text("shop_products").replace("Runner", "Caf\xe9").encode("latin-1")
        ),
    ),
    # 11 duplicate primary key (also with a trailing space); a duplicate row
    Case(
        "11-dup-key",
        Q("shop_orders", r"duplicate primary key \(order_id='O1'\)"),
        data=add_row("shop_orders"),
    ),
    Case(
        "11-dup-key-trailing-space",
        Q("shop_orders", r"duplicate primary key \(order_id='O1'\)"),
        data=add_row("shop_orders", order_id="O1 "),
    ),
    Case(
        "11-dup-row",
        Q("shop_customers", r"duplicate primary key \(customer_id='C1'\)"),
        data=add_row("shop_customers"),
    ),
    # 12 empty or all-space required value; its dependants
    Case(
        "12-blank-required",
        Q("shop_orders", r"^status is missing \(required\)$"),
        data=edit("shop_orders", 0, status="   "),
    ),
    Case(
        "12-dependant",
        Q("shop_order_items", r"order_id 'O1' not found in shop_orders \(that row was rejected\)"),
        data=edit("shop_orders", 0, ordered_at=""),
    ),
    # 13 the literal text NULL as an id: missing (documented)
    Case(
        "13-null-id",
        Q("shop_order_items", r"^order_id is missing \(required\)$"),
        data=edit("shop_order_items", 0, order_id="NULL"),
    ),
    Case(
        "13-null-optional-id",
        L(value("SELECT count(customer_id) FROM raw.shop_orders", 0)),
        data=edit("shop_orders", 0, customer_id="null"),
    ),
    # 14 numbers that are not (one bad order per spelling)
    Case(
        "14-numbers",
        Q(
            "shop_orders",
            r"^shipping_amount '(abc|12,5|1,234\.50|1 234\.50)' is not a decimal number",
            rows=4,
        ),
        data=added("shop_orders", [{"shipping_amount": t} for t in ("abc", "12,5", "1,234.50", "1 234.50")]),
    ),
    # 15 bad dates and timestamps (words, Feb 30, 12-hour clock, epoch, :60)
    Case(
        "15-timestamps",
        Q("shop_orders", r"^ordered_at '.*' is not an ISO-8601 timestamp$", rows=5),
        data=added(
            "shop_orders",
            [
                {"ordered_at": t}
                for t in (
                    "yesterday",
                    "2025-02-30T10:00:00",
                    "2025-03-01 10:00 PM",
                    "1740823200",
                    "2025-03-01T10:00:60",
                )
            ],
        ),
    ),
    Case(
        "15-date",
        Q("shop_inventory_snapshots", r"snapshot_date '2025-02-30' is not a date"),
        data=edit("shop_inventory_snapshots", 0, ("shop_inventory_snapshots",), snapshot_date="2025-02-30"),
    ),
    # 16 offsets +08:00, +0800, -05, Z, none, date only: all the same UTC instant (O9..O14)
    Case(
        "16-offsets",
        L(
            value(
                "SELECT list(DISTINCT ordered_at) FROM raw.shop_orders WHERE order_id >= 'O9'",
                [dt.datetime(2025, 3, 1, 10)],
            )
        ),
        data=added(
            "shop_orders",
            [
                {"ordered_at": t}
                for t in (
                    "2025-03-01T18:00:00+08:00",
                    "2025-03-01T18:00:00+0800",
                    "2025-03-01T05:00:00-05",
                    "2025-03-01T10:00:00Z",
                    "2025-03-01 10:00:00",
                )
            ],
        ),
    ),
    Case(
        "16-date-only",
        L(order_time("O1", dt.datetime(2025, 3, 1))),
        data=edit("shop_orders", 0, ordered_at="2025-03-01"),
    ),
    # 17 bad --assume-timezone; --input is a file
    Case(
        "17-bad-timezone",
        E(r"--assume-timezone: unknown time zone 'Mars/Olympus'"),
        options={"assume_timezone": "Mars/Olympus"},
    ),
    Case("17-input-is-file", E(r"input folder not found"), options={"input": "shop_orders.csv"}),
    # 18 zero or negative quantity; negative amounts
    Case(
        "18-zero-quantity",
        Q("shop_order_items", r"quantity '0' is out of range \(expected > 0\)"),
        data=edit("shop_order_items", 0, quantity="0"),
    ),
    Case(
        "18-negative-quantity",
        Q("shop_order_items", r"quantity '-1' is out of range"),
        data=edit("shop_order_items", 0, quantity="-1"),
    ),
    Case(
        "18-negative-amount",
        Q("shop_products", r"list_price '-5' is out of range \(expected >= 0\)"),
        data=edit("shop_products", 0, list_price="-5"),
    ),
    # 19 unknown enum value
    Case(
        "19-enum",
        Q("shop_orders", r"status 'teleported' is not one of"),
        data=edit("shop_orders", 0, status="teleported"),
    ),
    # 20 a currency with no exchange rate: the loader loads it (the conversion's dbt test names the currency)
    Case(
        "20-currency-without-rate",
        L(value("SELECT currency FROM raw.shop_products WHERE product_id = 'P1'", "JPY")),
        data=edit("shop_products", 0, ("finance_exchange_rates",), currency="JPY"),
    ),
    # 21 orphan order item; item of a rejected order
    Case(
        "21-orphan-item",
        Q("shop_order_items", r"order_id 'O404' not found in shop_orders$"),
        data=edit("shop_order_items", 0, order_id="O404"),
    ),
    Case(
        "21-item-of-rejected",
        Q("shop_order_items", r"order_id 'O2' not found in shop_orders \(that row was rejected\)"),
        data=edit("shop_orders", 1, status="bogus"),
    ),
    # 22 refund (and payment, shipment) of an unknown order
    Case(
        "22-refund-unknown-order",
        Q("shop_refunds", r"order_id 'O404' not found in shop_orders"),
        data=edit("shop_refunds", 0, ("shop_refunds",), order_id="O404"),
    ),
    Case(
        "22-payment-unknown-order",
        Q("shop_payments", r"order_id 'O404' not found in shop_orders"),
        data=edit("shop_payments", 0, ("shop_payments",), order_id="O404"),
    ),
    Case(
        "22-shipment-unknown-order",
        Q("shop_shipments", r"order_id 'O404' not found in shop_orders"),
        data=edit("shop_shipments", 0, ("shop_shipments",), order_id="O404"),
    ),
    # 23 refund larger than what it refunds: loaded, reported
    Case("23-over-refund", L(over_refund), data=edit("shop_refunds", 0, ("shop_refunds",), amount="150")),
    # 24 delivered before shipped; totals that do not add up; bad boolean; quantity 2.5
    Case(
        "24-delivered-before-shipped",
        Q("shop_shipments", r"delivered_at .* is before shipped_at"),
        data=edit("shop_shipments", 0, ("shop_shipments",), delivered_at="2025-03-01T09:00:00Z"),
    ),
    Case(
        "24-totals",
        Q("shop_orders", r"total_amount 120\.0000 does not match"),
        data=edit("shop_orders", 0, total_amount="120"),
    ),
    Case(
        "24-boolean",
        Q("shop_products", r"is_active 'maybe' is not a boolean"),
        data=edit("shop_products", 0, is_active="maybe"),
    ),
    Case(
        "24-fractional-quantity",
        Q("shop_order_items", r"quantity '2\.5' is not an integer"),
        data=edit("shop_order_items", 0, quantity="2.5"),
    ),
    # 25 an order dated 2099
    Case(
        "25-future-order",
        Q("shop_orders", r"ordered_at '2099-01-01 00:00:00' is after the latest plausible value"),
        data=edit("shop_orders", 0, ordered_at="2099-01-01T00:00:00Z", paid_at=""),
    ),
    Case(
        "25-promised-delivery-may-be-ahead",
        L(value("SELECT count(*) FROM raw.shop_shipments", 1)),
        data=edit(
            "shop_shipments",
            0,
            ("shop_shipments",),
            promised_delivery_at=f"{YEAR + 1}-01-01T00:00:00Z"
            if dt.date.today().month > 1
            else f"{YEAR}-12-31T00:00:00Z",
        ),
    ),
    # 26 an order dated 1800; birth year 1899; the --earliest-date option
    Case(
        "26-order-1800",
        Q(
            "shop_orders",
            r"ordered_at '1800-01-01 00:00:00' is before the earliest plausible date 2000-01-01",
        ),
        data=edit("shop_orders", 0, ordered_at="1800-01-01T00:00:00Z"),
    ),
    Case(
        "26-birth-year",
        Q("shop_customers", r"birth_year '1899' is out of range \(expected 1900\.\."),
        data=edit("shop_customers", 0, birth_year="1899"),
    ),
    Case(
        "26-earliest-date-option",
        Q(
            "shop_orders",
            r"ordered_at '2025-03-01 10:00:00' is before the earliest plausible date 2025-03-02",
            rows=1,
        ),
        options={"earliest_date": dt.date(2025, 3, 2)},
    ),
    # 27 a 1 MB text value loads; a 3 MB line stops the load naming the limit
    Case(
        "27-1mb-value",
        L(value("SELECT length(product_name) FROM raw.shop_products WHERE product_id = 'P1'", 1_000_000)),
        mutate=_big_value(1_000_000),
    ),
    Case(
        "27-3mb-line",
        E(
            r"shop_products.csv: line 2 of the file is 3,000,\d+ bytes, over the line-size limit of 2,000,000 bytes"
        ),
        mutate=_big_value(3_000_000),
    ),
    # 28 SQL-looking text in names, coupons, ids, headers
    Case(
        "28-sql-name",
        L(product_name("Robert'); DROP TABLE raw.shop_orders;--")),
        mutate=products_with_name("Robert'); DROP TABLE raw.shop_orders;--"),
    ),
    Case(
        "28-sql-id-coupon",
        L(
            value(
                "SELECT coupon_code FROM raw.shop_orders WHERE order_id = 'O1''; --'", "'; DELETE FROM x; --"
            )
        ),
        data=lambda: {
            **some("shop_orders"),
            "shop_orders": [
                {**BASE["shop_orders"][0], "order_id": "O1'; --", "coupon_code": "'; DELETE FROM x; --"},
                BASE["shop_orders"][1],
            ],
            "shop_order_items": [BASE["shop_order_items"][1]],
        },
    ),
    Case(
        "28-sql-header",
        L(warned(r'extra column\(s\) ignored: x"\); DROP TABLE y; --', count("shop_orders", 2))),
        data=lambda: {
            **some(),
            "shop_orders": [{**r, 'x"); DROP TABLE y; --': "1"} for r in BASE["shop_orders"]],
        },
    ),
    # 29 emoji, CJK
    Case("29-emoji-cjk", L(product_name("跑鞋 🏃‍♀️")), mutate=products_with_name("跑鞋 🏃‍♀️")),
    # 30 1e30, a 20-digit integer, NaN, Infinity (CSV and Parquet)
    Case(
        "30-1e30",
        Q("shop_orders", r"shipping_amount '1e30' is not a decimal number \(or outside DECIMAL\(18,4\)\)"),
        data=edit("shop_orders", 0, shipping_amount="1e30"),
    ),
    Case(
        "30-20-digits",
        Q("shop_order_items", r"quantity '12345678901234567890' is not an integer"),
        data=edit("shop_order_items", 0, quantity="12345678901234567890"),
    ),
    Case(
        "30-nan-csv",
        Q("shop_order_items", r"unit_price 'NaN' is not a decimal number"),
        data=edit("shop_order_items", 0, unit_price="NaN"),
    ),
    Case(
        "30-infinity-csv",
        Q("shop_order_items", r"unit_price 'Infinity' is not a decimal number"),
        data=edit("shop_order_items", 0, unit_price="Infinity"),
    ),
    Case(
        "30-nan-inf-parquet",
        Q("shop_order_items", r"unit_price '(nan|inf)' is not a decimal number", rows=2),
        mutate=_parquet_special_floats,
    ),
    # 31 money with more than 4 decimals
    Case(
        "31-five-decimals",
        Q("shop_products", r"list_price '59\.90001' has more than 4 decimals \(the limit of DECIMAL\(18,4\)"),
        data=edit("shop_products", 0, list_price="59.90001"),
    ),
    Case(
        "31-trailing-zeros-ok",
        L(value("SELECT list_price FROM raw.shop_products WHERE product_id = 'P1'", Decimal("59.9000"))),
        data=edit("shop_products", 0, list_price="59.900000"),
    ),
    # 32 symlink; dangling symlink
    Case("32-symlink", L(count("shop_orders", 2)), mutate=_symlink),
    Case("32-dangling-symlink", E(r"shop_refunds.csv: is a broken symbolic link"), mutate=_dangling_symlink),
    # 33 a folder named like a table file (required and optional)
    Case(
        "33-folder-required",
        E(r"shop_orders.csv: is a folder, not a file .*concatenate the parts"),
        mutate=_folder_for("shop_orders.csv"),
    ),
    Case(
        "33-folder-optional",
        E(r"shop_refunds.csv: is a folder, not a file"),
        mutate=_folder_for("shop_refunds.csv"),
    ),
    # 34 cut mid-row; inside an open quote; an extra field; a comment before the header
    Case(
        "34-cut-mid-row",
        E(r"shop_orders.csv: not readable .*Expected Number of Columns"),
        mutate=orders_csv(lambda t: t.rstrip("\r\n").rsplit(",", 5)[0] + "\r\n"),
    ),
    Case(
        "34-open-quote",
        E(r"shop_orders.csv: not readable .*unterminated quote"),
        mutate=orders_csv(lambda t: t.replace(",SPRING10,", ',"SPRING10,')),
    ),
    Case(
        "34-extra-field",
        E(r"shop_orders.csv: not readable .*Expected Number of Columns"),
        mutate=orders_csv(lambda t: t.replace(",SPRING10,", ",SPRING10,extra,")),
    ),
    Case(
        "34-comment-before-header",
        E(r"shop_orders.csv: .*the first line starts with '# exported.*comment lines are not allowed"),
        mutate=orders_csv(lambda t: "# exported 2025-03-03\r\n" + t),
    ),
    # 35 file cut inside its last field: the last row is rejected, never loaded changed
    Case(
        "35-cut-last-field",
        Q("shop_orders", r"last line has no line break: the file may be cut off"),
        mutate=orders_csv(lambda t: t.rstrip("\r\n")),
    ),
    Case(
        "35-cut-offset",
        Q("shop_products", r"last line has no line break"),
        mutate=raw_file("shop_products.csv", csv_text("shop_products").rstrip("\r\n")[:-4]),
    ),
    # 36 gzip named .csv; plain text named .csv.gz; two files for one table
    Case(
        "36-gzip-as-csv",
        E(r"shop_orders.csv: not readable as a UTF-8, comma-separated CSV file"),
        mutate=_gzip_named_csv,
    ),
    Case("36-text-as-gz", E(r"shop_orders.csv.gz: not readable as a gzip-compressed"), mutate=_text_named_gz),
    Case("36-two-files", E(r"ambiguous input for table shop_orders"), mutate=_second_file),
    # 37 the header repeated mid-file
    Case(
        "37-header-again",
        Q("shop_orders", r"status 'status' is not one of"),
        mutate=orders_csv(lambda t: t.replace("\r\nO2,", f"\r\n{ORDERS_HEADER}\r\nO2,")),
    ),
    # 38 Parquet DOUBLE and TIMESTAMPTZ columns
    Case(
        "38-parquet-types",
        L(
            both(
                order_time("O1", dt.datetime(2025, 3, 1, 10)),
                value("SELECT total_amount FROM raw.shop_orders WHERE order_id = 'O1'", Decimal("114.7000")),
            )
        ),
        mutate=_typed_parquet_orders,
    ),
]
