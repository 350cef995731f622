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

The definitions live in ``scripts/contract/``: ``spec.py`` (the types and
constants), ``shop_tables.py`` and ``other_tables.py`` (the tables); this module
assembles them in the contract's order, checks them at import and is the one
place other code imports them from.
"""

from __future__ import annotations

from scripts.contract.other_tables import OTHER_TABLES
from scripts.contract.shop_tables import SHOP_TABLES
from scripts.contract.spec import (
    BOOLEAN_FALSE,
    BOOLEAN_TRUE,
    CURRENT_YEAR,
    DEFAULT_EARLIEST_DATE,
    DUCKDB_TYPES,
    FILE_SUFFIXES,
    FUTURE_DAYS,
    ISO_3166_ALPHA_2,
    ISO_4217,
    LOAD_COLUMNS_TABLE,
    LOAD_SUMMARY_TABLE,
    RAW_SCHEMA,
    REJECTED_ROWS_TABLE,
    REJECTS_SCHEMA,
    ColumnSpec,
    ColumnType,
    RowCheck,
    RowCheckKind,
    TableSpec,
)

__all__ = [
    "BOOLEAN_FALSE",
    "BOOLEAN_TRUE",
    "COVERAGE_DATE_COLUMN",
    "CURRENT_YEAR",
    "DEFAULT_EARLIEST_DATE",
    "DUCKDB_TYPES",
    "FILE_SUFFIXES",
    "FUTURE_DAYS",
    "ISO_3166_ALPHA_2",
    "ISO_4217",
    "LOAD_COLUMNS_TABLE",
    "LOAD_SUMMARY_TABLE",
    "RAW_SCHEMA",
    "REJECTED_ROWS_TABLE",
    "REJECTS_SCHEMA",
    "REQUIRED_TABLES",
    "TABLES",
    "ColumnSpec",
    "ColumnType",
    "RowCheck",
    "RowCheckKind",
    "TableSpec",
]

_TABLE_LIST: tuple[TableSpec, ...] = (*SHOP_TABLES, *OTHER_TABLES)
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
