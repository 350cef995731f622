"""No e-mail address or phone number past staging (DECISIONLOG: PII masking in staging).

Staging masks every free-text column with the macro mask_pii
(macros/schema/mask_pii.sql); this module reads its patterns from
macros/schema/mask_pii_patterns.sql, so the scan below looks for exactly what
the macro masks.

- The patterns, run in DuckDB the way the macro runs them, mask the e-mail and
  phone formats listed here and leave alone the ids, dates, timestamps,
  amounts, SKUs, postcodes and UTM values the generated data holds.
- ``scan`` reads every text column of every table and view in the given
  schemas and returns schema.table.column with an example value for each
  column holding an e-mail or a phone number.
- On the main test warehouse (tests/warehouse_fixture.py): nothing outside
  raw/raw_rejects, and in raw only the e-mail column itself (no false positive
  on the generated values).
- tests/test_profiles.py plants e-mails and phone numbers in free-text columns
  of the marketplace profile's raw files (``plant_pii``) and checks with
  ``scan`` that raw holds them and no other schema does.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
MACRO = ROOT / "macros" / "schema" / "mask_pii_patterns.sql"
# the loader's schemas: raw data as delivered, and its rejects and load records
LOADER_SCHEMAS = ("raw", "raw_rejects")
SYSTEM_SCHEMAS = ("information_schema", "pg_catalog")
# the one raw column that holds e-mails by contract (hashed in staging)
RAW_EMAIL_COLUMN = "raw.shop_customers.email"


def _patterns() -> dict[str, str]:
    """The regular expressions of mask_pii_patterns(), read from the macro file."""
    text = MACRO.read_text(encoding="utf-8")
    block = text[text.index("macro mask_pii_patterns") :]
    block = block[: block.index("endmacro")]
    email = re.search(r"'email':\s*\"([^\"]*)\"", block)
    phone_at, guard_at = block.index("'phone':"), block.index("'phone_guard':")
    phone = "".join(re.findall(r'"([^"]*)"', block[phone_at:guard_at]))
    guard = re.search(r"'phone_guard':\s*\"([^\"]*)\"", block)
    assert email and phone and guard, f"{MACRO}: mask_pii_patterns() lacks 'email', 'phone' or 'phone_guard'"
    return {"email": email.group(1), "phone": phone, "phone_guard": guard.group(1)}


PATTERNS = _patterns()


def _sql(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def mask_sql(expression: str, guarded: bool = True) -> str:
    """duckdb__mask_pii (guarded) or default__mask_pii (PostgreSQL) written out in Python."""
    email, phone = _sql(PATTERNS["email"]), _sql(PATTERNS["phone"])
    masked = f"regexp_replace({expression}, {email}, '[email]', 'g')"
    for _ in range(2):
        masked = f"regexp_replace({masked}, {phone}, '\\1[phone]\\3', 'g')"
    if not guarded:
        return masked
    guard = _sql(PATTERNS["phone_guard"])
    return (
        f"case when strpos({expression}, '@') > 0 or strpos({expression}, '%40') > 0 "
        f"or regexp_matches({expression}, {guard}) then {masked} else {expression} end"
    )


def _has_pii_sql(column: str) -> str:
    email, phone = _sql(PATTERNS["email"]), _sql(PATTERNS["phone"])
    return f"(regexp_matches({column}, {email}) or regexp_matches({column}, {phone}))"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def non_loader_schemas(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every schema of the warehouse but the loader's and the system's."""
    rows = con.execute("select distinct table_schema from information_schema.tables order by 1").fetchall()
    return [s for (s,) in rows if s not in LOADER_SCHEMAS + SYSTEM_SCHEMAS]


def scan(con: duckdb.DuckDBPyConnection, schemas: list[str] | tuple[str, ...]) -> dict[str, str]:
    """{schema.table.column: an example value} for every text column, in the
    schemas given, holding an e-mail address or a phone number."""
    columns = con.execute(
        f"""
        select table_schema, table_name, column_name
        from information_schema.columns
        where table_schema in ({", ".join(_sql(s) for s in schemas)})
            and data_type in ('VARCHAR', 'TEXT')
        order by 1, 2, ordinal_position
        """
    ).fetchall()
    tables: dict[tuple[str, str], list[str]] = {}
    for schema, table, column in columns:
        tables.setdefault((schema, table), []).append(column)
    found: dict[str, str] = {}
    for (schema, table), names in tables.items():
        # one pass over each table: the first offending value of each column
        picks = ", ".join(
            f"min({_quote(c)}) filter (where {_has_pii_sql(_quote(c))}) as {_quote(c)}" for c in names
        )
        row = con.execute(f"select {picks} from {_quote(schema)}.{_quote(table)}").fetchone()
        for name, value in zip(names, row, strict=True):
            if value is not None:
                found[f"{schema}.{table}.{name}"] = value
    return found


def describe(found: dict[str, str]) -> str:
    return "\n".join(f"{column}: {value!r}" for column, value in sorted(found.items()))


# --------------------------------------------------------------------------- planting

# (table, column, row index, value, the staging column it reaches): e-mails and
# phone numbers typed into free-text columns of the marketplace profile's
# tables, in formats the patterns must catch; none changes a fact the profile
# tests check
PLANTED: tuple[tuple[str, str, int, str, str], ...] = (
    (
        "shop_customers",
        "acquisition_channel",
        0,
        "Ref by jane.doe@example.org",
        "stg_shop__customers.acquisition_channel",
    ),
    (
        "shop_customers",
        "acquisition_channel",
        1,
        "call +44 20 7946 0958",
        "stg_shop__customers.acquisition_channel",
    ),
    ("shop_customers", "city", 2, "ring 555-123-4567", "stg_shop__customers.city"),
    ("shop_customers", "region", 3, "Max.Mustermann@mail.example.de", "stg_shop__customers.region"),
    ("shop_products", "product_name", 0, "Tent (ask 030 12345678)", "stg_shop__products.product_name"),
    ("shop_products", "brand", 1, "brand@example.com", "stg_shop__products.brand"),
    ("shop_products", "sku", 2, "SKU (555) 123-4567", "stg_shop__products.sku"),
    ("shop_orders", "coupon_code", 0, "ANNA@EXAMPLE.COM", "stg_shop__orders.coupon_code"),
    ("shop_orders", "coupon_code", 1, "WELCOME +1 (555) 123-4567", "stg_shop__orders.coupon_code"),
    ("shop_payments", "method", 0, "paypal:buyer@mail.example.co.uk", "stg_shop__payments.payment_method"),
    ("shop_shipments", "carrier", 0, "DHL 01 23 45 67 89", "stg_shop__shipments.carrier"),
)


def plant_pii(data_dir: Path) -> dict[str, str]:
    """Write PLANTED into the CSV files of data_dir (each file that exists);
    return {raw.table.column: value} of what was planted."""
    planted: dict[str, str] = {}
    by_table: dict[str, list[tuple[str, int, str]]] = {}
    for table, column, index, value, _ in PLANTED:
        by_table.setdefault(table, []).append((column, index, value))
    for table, cells in by_table.items():
        path = data_dir / f"{table}.csv"
        if not path.exists():
            continue
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header = list(reader.fieldnames or [])
            rows = list(reader)
        for column, index, value in cells:
            assert column in header, f"{path}: no column {column}"
            rows[index][column] = value
            planted[f"raw.{table}.{column}"] = value
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=header)
            writer.writeheader()
            writer.writerows(rows)
    return planted


def assert_planted_pii_stops_at_staging(con: duckdb.DuckDBPyConnection, planted: dict[str, str]) -> None:
    """The raw layer holds every planted value; no other schema holds any, and
    the staging columns they reach hold the mask tokens instead (so an empty or
    missing staging layer cannot pass)."""
    in_raw = scan(con, ["raw"])
    missed = sorted(set(planted) - set(in_raw))
    assert missed == [], f"the scan does not find planted PII in raw: {missed}"
    assert set(in_raw) == set(planted) | {RAW_EMAIL_COLUMN}, describe(in_raw)
    schemas = non_loader_schemas(con)
    assert {"staging", "intermediate", "marts"} <= set(schemas), schemas
    past_staging = scan(con, schemas)
    assert past_staging == {}, "e-mail or phone past staging:\n" + describe(past_staging)
    for table, column, _, _, staged in PLANTED:
        if f"raw.{table}.{column}" not in planted:
            continue
        model, name = staged.split(".")
        masked = con.execute(
            f"select count(*) from staging.{_quote(model)} "
            f"where {_quote(name)} like '%[email]%' or {_quote(name)} like '%[phone]%'"
        ).fetchone()[0]
        assert masked > 0, f"staging.{staged}: no masked value where raw.{table}.{column} had PII"


# --------------------------------------------------------------------------- the patterns

MASKED = [
    ("jane.doe@example.org", "[email]"),
    ("Ref: ANNA@EXAMPLE.COM!", "Ref: [email]!"),
    ("paypal:buyer@mail.example.co.uk", "paypal:[email]"),
    ("a+tag@shop-mail.example.com and b_c@x.io", "[email] and [email]"),
    (
        "https://shop.example.com/account?email=jane.doe%40example.org&x=1",
        "https://shop.example.com/account?email=[email]&x=1",
    ),
    ("+44 20 7946 0958", "[phone]"),
    ("call +1 (555) 123-4567 now", "call [phone] now"),
    ("+8613800138000", "[phone]"),
    ("tel:+49-30-1234567", "tel:[phone]"),
    ("555-123-4567", "[phone]"),
    ("(555) 123-4567", "[phone]"),
    ("555.123.4567", "[phone]"),
    ("555 123 4567", "[phone]"),
    ("020 7946 0958", "[phone]"),
    ("03-1234-5678", "[phone]"),
    ("138 0013 8000", "[phone]"),
    ("07700 900123", "[phone]"),
    ("030 12345678", "[phone]"),
    ("01 23 45 67 89", "[phone]"),
    ("01.23.45.67.89", "[phone]"),
    ("ring 555-123-4567.", "ring [phone]."),
    ("555-123-4567,555-987-6543", "[phone],[phone]"),
    ("a 555-123-4567 555-987-6543 b", "a [phone] [phone] b"),
]

# values of the kinds the generated data and real exports hold in text columns
KEPT = [
    "E000000001",
    "OI00000001",
    "PAY00000001",
    "NPS0000001",
    "SKU-00001",
    "WH-US-01",
    "CT0008",
    "2025-03-01",
    "2025-03-01 10:00:00",
    "2025-03-01T10:00:00+08:00",
    "01.03.2025",
    "2024-W05",
    "2025-03",
    "1234.56",
    "-1234.5678",
    "12.345.678,50",
    "12 345 678",
    "1,234,567.89",
    "SW1A 1AA",
    "12345-6789",
    "75008",
    "psoc_facebook_prospecting",
    "em_weekly_newsletter",
    "https://shop.example.com/products/P00048",
    "https://medium.com/@user/post",
    "112-1234567-1234567",
    "ORD-2024-000123",
    "550e8400-e29b-41d4-a716-446655440000",
    "12345678-1234-5678-9012-345678901234",
    "a3f5e6b7c8d9012345678901abcdef12",
    "192.168.1.10",
    "+10%",
    "+2 days",
    "10 20 30 40 50",
    "v1.2.3",
]


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


def _mask(con: duckdb.DuckDBPyConnection, value: str, guarded: bool = True) -> str:
    query = f"select {mask_sql('v', guarded)} from (select cast(? as varchar) as v)"
    return con.execute(query, [value]).fetchone()[0]


@pytest.mark.parametrize(("value", "expected"), MASKED)
def test_masks_emails_and_phone_numbers(con: duckdb.DuckDBPyConnection, value: str, expected: str) -> None:
    assert _mask(con, value) == expected


@pytest.mark.parametrize("value", KEPT)
def test_keeps_ids_dates_amounts_and_codes(con: duckdb.DuckDBPyConnection, value: str) -> None:
    assert _mask(con, value) == value


@pytest.mark.parametrize(("value", "expected"), MASKED)
def test_every_masked_value_passes_the_guard(
    con: duckdb.DuckDBPyConnection, value: str, expected: str
) -> None:
    """The guard never skips a value the unguarded replacements would change."""
    assert _mask(con, value) == _mask(con, value, guarded=False)
    if "[phone]" in expected:
        assert re.search(PATTERNS["phone_guard"], value), value


def test_the_phone_guard_holds_every_phone_match() -> None:
    """Every string the phone pattern matches also matches phone_guard: tried on
    numbers of every form with every separator the pattern allows."""
    phone, guard = re.compile(PATTERNS["phone"]), re.compile(PATTERNS["phone_guard"])
    forms = [
        "+1{s}555{s}123{s}4567",
        "+86{s}138{s}0013{s}8000",
        "+4{s}4{s}2{s}0{s}7{s}9{s}4{s}6",
        "({a}){b}123{s}4567",
        "12{s}345{s}6789",
        "0{a}{s}12345",
        "01{s}23{s}45{s}67{s}89",
    ]
    separators = ["", " ", "-", ".", "(", ")", " (", ") ", "- ", ". "]
    tried = 0
    for form in forms:
        for s in separators:
            for a, b in (("55", ""), ("555", " "), ("55555", " ")):
                text = "x " + form.format(s=s, a=a, b=b) + " y"
                if phone.search(text):
                    tried += 1
                    assert guard.search(text), text
    assert tried > 40


def test_null_stays_null(con: duckdb.DuckDBPyConnection) -> None:
    assert con.execute(f"select {mask_sql('cast(null as varchar)')}").fetchone()[0] is None


def test_scan_names_column_and_example(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists scan_check")
    con.execute(
        "create or replace table scan_check.t as select * from (values "
        "('C1', 'organic', 'x'), ('C2', 'mail me: a.b@example.com', 'x'), ('C3', 'direct', 'fax 555-123-4567'))"
        " as v(id, channel, note)"
    )
    assert scan(con, ["scan_check"]) == {
        "scan_check.t.channel": "mail me: a.b@example.com",
        "scan_check.t.note": "fax 555-123-4567",
    }


# --------------------------------------------------------------------------- the built warehouse


def test_no_pii_past_staging_in_the_test_warehouse(warehouse: duckdb.DuckDBPyConnection) -> None:
    schemas = non_loader_schemas(warehouse)
    assert {"staging", "intermediate", "marts"} <= set(schemas), schemas
    found = scan(warehouse, schemas)
    assert found == {}, "e-mail or phone past staging:\n" + describe(found)


def test_generated_raw_values_are_not_taken_for_pii(warehouse: duckdb.DuckDBPyConnection) -> None:
    """Only the e-mail column matches in raw: no id, date, amount, SKU, URL or
    UTM value of the generated data looks like an e-mail or a phone number."""
    found = scan(warehouse, list(LOADER_SCHEMAS))
    assert set(found) == {RAW_EMAIL_COLUMN}, describe(found)
