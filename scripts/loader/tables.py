"""What a load writes, on every engine: the tables' DDL and comments, and the load-summary rows."""

from __future__ import annotations

import datetime as dt

from scripts.loader.common import TableResult, _ident, _lit
from scripts.raw_contract import TableSpec

# The writers call these through the module (tables.column_ddl, tables.table_ddl),
# so a test can replace one for every engine.


def column_ddl(spec: TableSpec) -> str:
    """The column list of a raw table: contract (DuckDB) types, NOT NULL where required."""
    return ", ".join(
        f"{_ident(c.name)} {c.duckdb_type}{' NOT NULL' if c.required else ''}" for c in spec.stored_columns
    )


REJECTED_ROWS_DDL = (
    "table_name VARCHAR NOT NULL, source_file VARCHAR NOT NULL, row_number BIGINT NOT NULL, "
    "raw_row VARCHAR NOT NULL, reason VARCHAR NOT NULL"
)
LOAD_SUMMARY_DDL = (
    "table_name VARCHAR NOT NULL, source_file VARCHAR, input_rows BIGINT NOT NULL, "
    "loaded_rows BIGINT NOT NULL, rejected_rows BIGINT NOT NULL, loaded_at TIMESTAMP NOT NULL, "
    "over_refunded_rows BIGINT"
)
LOAD_COLUMNS_DDL = (
    "table_name VARCHAR NOT NULL, column_name VARCHAR NOT NULL, is_table_required BOOLEAN NOT NULL, "
    "is_required BOOLEAN NOT NULL, "
    "is_in_file BOOLEAN NOT NULL, loaded_rows BIGINT NOT NULL, non_null_rows BIGINT NOT NULL, "
    "first_date DATE, last_date DATE, is_coverage_date BOOLEAN NOT NULL, loaded_at TIMESTAMP NOT NULL"
)
LOAD_COLUMNS_COMMENT = (
    "One row per contract table and column: whether the file had the column and how many "
    "loaded rows carry a value (the data-coverage report reads it)."
)
LOAD_COLUMNS_COLUMNS = {
    "table_name": "Contract table.",
    "column_name": "Contract column.",
    "is_table_required": "Whether the contract requires the table.",
    "is_required": "Whether the contract requires the column (its table may still be optional).",
    "is_in_file": "Whether the input file had the column; false when the column or the whole file was missing.",
    "loaded_rows": "Rows of the table loaded into raw.",
    "non_null_rows": "Loaded rows with a value in the column.",
    "first_date": "Earliest value (as a UTC date) of a date or timestamp column; NULL for other types.",
    "last_date": "Latest value (as a UTC date) of a date or timestamp column; NULL for other types.",
    "is_coverage_date": "Whether this column dates the table's rows in the coverage report.",
    "loaded_at": "When the load ran (UTC).",
}
REJECTED_ROWS_COMMENT = "One row per input row not loaded into raw, with every reason it broke the contract."
REJECTED_ROWS_COLUMNS = {
    "table_name": "Contract table the row was meant for.",
    "source_file": "Input file name.",
    "row_number": "1-based data row number in the file (the header is not counted).",
    "raw_row": "The row as read, as a JSON object of text values keyed by the file's columns.",
    "reason": "Every rule the row broke, joined with '; '.",
}
LOAD_SUMMARY_COMMENT = "One row per contract table: row counts of the last load (loaded + rejected = input)."
LOAD_SUMMARY_COLUMNS = {
    "table_name": "Contract table.",
    "source_file": "Input file name; NULL when the optional table had no file.",
    "input_rows": "Data rows in the file.",
    "loaded_rows": "Rows loaded into raw.",
    "rejected_rows": "Rows written to raw_rejects.rejected_rows.",
    "loaded_at": "When the load ran (UTC).",
    "over_refunded_rows": (
        "shop_refunds only: loaded refunds larger than what they refund (their line or the whole order, "
        "less earlier completed refunds); loaded as they are and capped downstream. NULL for other tables."
    ),
}


def table_ddl(
    target: str, columns: str, description: str, column_descriptions: dict[str, str], cascade: bool = False
) -> str:
    """Statements replacing one table, with its comments (one batch: fewer round trips).

    cascade: drop the views that read the table with it (PostgreSQL refuses to drop a
    table the dbt staging views read; the dbt build after the load recreates them).
    """
    statements = [
        f"DROP TABLE IF EXISTS {target}{' CASCADE' if cascade else ''}",
        f"CREATE TABLE {target} ({columns})",
        f"COMMENT ON TABLE {target} IS {_lit(description)}",
    ]
    statements += [
        f"COMMENT ON COLUMN {target}.{_ident(name)} IS {_lit(text)}"
        for name, text in column_descriptions.items()
    ]
    return ";\n".join(statements)


SummaryRow = tuple[str, str | None, int, int, int, dt.datetime, int | None]


def summary_rows(results: list[TableResult], loaded_at: dt.datetime) -> list[SummaryRow]:
    """The rows of raw_rejects.load_summary, in LOAD_SUMMARY_DDL's column order: built
    once here, written as they are by every engine's writer."""
    return [
        (
            r.table,
            r.source_file,
            r.input_rows,
            r.loaded_rows,
            r.rejected_rows,
            loaded_at,
            r.over_refunded_rows,
        )
        for r in results
    ]
