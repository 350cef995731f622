"""Reading the marts: the read-only connection, the tables the page needs, and rows as dicts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from scripts.dashboard.common import OPTIONAL_TABLES, REQUIRED_TABLES, DashboardNotReady, log

# --------------------------------------------------------------------------- data access


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only; DashboardNotReady when it is missing or cannot be opened."""
    if not warehouse.is_file():
        raise DashboardNotReady(
            f"warehouse {warehouse} does not exist: build it first (make run, or make dbt-test for the test one)"
        )
    try:
        return duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        raise DashboardNotReady(f"cannot open warehouse {warehouse} read-only: {exc}") from exc


def existing_tables(con: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    """Names of the tables and views in the schema."""
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = ?", [schema]
    ).fetchall()
    return {row[0] for row in rows}


def check_tables(con: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    """Raise DashboardNotReady naming every required mart that is missing; return the tables present."""
    present = existing_tables(con, schema)
    missing = [table for table in REQUIRED_TABLES if table not in present]
    if missing:
        raise DashboardNotReady(
            f"the warehouse lacks {', '.join(f'{schema}.{t}' for t in missing)}: "
            "run a full dbt build (make run) on a branch that has these models"
        )
    for table in OPTIONAL_TABLES:
        if table not in present:
            log.warning("%s.%s is absent: its section is left out", schema, table)
    return present


def fetch(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any], what: str) -> list[dict[str, Any]]:
    """Rows of a query as dicts; DashboardNotReady when there are none (a chart needs data)."""
    cursor = con.execute(sql, list(params))
    columns = [d[0] for d in cursor.description]
    rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    if not rows:
        raise DashboardNotReady(f"no data for {what}: the chart would be empty")
    log.info("%-38s %6d rows", what, len(rows))
    return rows


def _dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def column(rows: Sequence[dict[str, Any]], name: str) -> list[Any]:
    """One column of fetched rows, Decimals as floats."""
    return [_plain(row[name]) for row in rows]


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (int, float, str, bool, dt.date)):
        return value
    return float(value)
