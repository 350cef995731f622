"""Writing a checked load into PostgreSQL (the postgres dbt target), in one transaction."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import duckdb

from scripts.loader import tables
from scripts.loader.common import LoadError, TableResult, _ident, _lit, _Source, log
from scripts.loader.spark_writer import _spark_columns
from scripts.loader.tables import (
    LOAD_COLUMNS_COLUMNS,
    LOAD_COLUMNS_COMMENT,
    LOAD_COLUMNS_DDL,
    LOAD_SUMMARY_COLUMNS,
    LOAD_SUMMARY_COMMENT,
    LOAD_SUMMARY_DDL,
    REJECTED_ROWS_COLUMNS,
    REJECTED_ROWS_COMMENT,
    REJECTED_ROWS_DDL,
)
from scripts.raw_contract import (
    LOAD_COLUMNS_TABLE,
    LOAD_SUMMARY_TABLE,
    RAW_SCHEMA,
    REJECTED_ROWS_TABLE,
    REJECTS_SCHEMA,
    TABLES,
)

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(database: str | Path) -> bool:
    """True when ``--database`` names a PostgreSQL server rather than a DuckDB file."""
    return str(database).startswith(POSTGRES_SCHEMES)


def redact_url(url: str) -> str:
    """The URL with its password replaced, for logs and the summary."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)


def _write_postgres(
    con: duckdb.DuckDBPyConnection,
    url: str,
    results: list[TableResult],
    staged: dict[str, _Source],
    loaded_at: dt.datetime,
    workdir: Path,
) -> None:
    """Replace the raw layer and the rejects in PostgreSQL, in one transaction.

    The contract's DuckDB types (VARCHAR, TIMESTAMP, DATE, BIGINT, DECIMAL(p,s),
    BOOLEAN) are valid PostgreSQL as written, so the same DDL serves both. Data
    goes through a CSV file per table (DuckDB writes it, COPY reads it): NULL
    is written as an unquoted empty field and every text value quoted, so an
    empty string stays an empty string.
    """
    try:
        import psycopg2
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise LoadError("a PostgreSQL --database needs psycopg2 (pip install dbt-postgres)") from exc
    try:
        pg = psycopg2.connect(url)
    except psycopg2.Error as exc:
        raise LoadError(f"{redact_url(url)}: cannot connect ({str(exc).strip()})") from exc
    raw, rej = _ident(RAW_SCHEMA), _ident(REJECTS_SCHEMA)

    def copy_in(cur: psycopg2.extensions.cursor, target: str, select_sql: str, columns: list[str]) -> None:
        path = workdir / "copy.csv"
        con.execute(
            f"COPY ({select_sql}) TO {_lit(str(path))} "
            "(FORMAT csv, HEADER false, QUOTE '\"', ESCAPE '\"', FORCE_QUOTE *, NULLSTR '')"
        )
        cols = ", ".join(_ident(c) for c in columns)
        with path.open("rb") as handle:
            cur.copy_expert(
                f"COPY {target} ({cols}) FROM STDIN WITH (FORMAT csv, QUOTE '\"', ESCAPE '\"', NULL '')",
                handle,
            )
        path.unlink()

    try:
        with pg, pg.cursor() as cur:
            cur.execute("SET TIME ZONE 'UTC'")
            cur.execute(f"CREATE SCHEMA IF NOT EXISTS {raw}; CREATE SCHEMA IF NOT EXISTS {rej}")
            for spec in TABLES.values():
                started = time.perf_counter()
                target = f"{raw}.{_ident(spec.name)}"
                descriptions = {c.name: c.description for c in spec.stored_columns}
                cur.execute(
                    tables.table_ddl(
                        target, tables.column_ddl(spec), spec.description, descriptions, cascade=True
                    )
                )
                source = staged.get(spec.name)
                if source is not None:
                    names = [c.name for c in spec.stored_columns]
                    order = "" if source.in_file_order else " ORDER BY _row_number"
                    select = (
                        f"SELECT {', '.join(_ident(c) for c in names)} "
                        f"FROM {_ident('_final_' + spec.name)} WHERE _reason IS NULL{order}"
                    )
                    copy_in(cur, target, select, names)
                log.debug("wrote %s.%s in %.2fs", RAW_SCHEMA, spec.name, time.perf_counter() - started)

            rejected = f"{rej}.{_ident(REJECTED_ROWS_TABLE)}"
            cur.execute(
                tables.table_ddl(
                    rejected, REJECTED_ROWS_DDL, REJECTED_ROWS_COMMENT, REJECTED_ROWS_COLUMNS, cascade=True
                )
            )
            copy_in(
                cur,
                rejected,
                "SELECT * EXCLUDE (_order) FROM _rejects ORDER BY _order, row_number",
                ["table_name", "source_file", "row_number", "raw_row", "reason"],
            )
            columns = f"{rej}.{_ident(LOAD_COLUMNS_TABLE)}"
            cur.execute(
                tables.table_ddl(
                    columns, LOAD_COLUMNS_DDL, LOAD_COLUMNS_COMMENT, LOAD_COLUMNS_COLUMNS, cascade=True
                )
            )
            copy_in(
                cur,
                columns,
                "SELECT * FROM _load_columns",
                [name for name, _ in _spark_columns(LOAD_COLUMNS_DDL)],
            )
            summary = f"{rej}.{_ident(LOAD_SUMMARY_TABLE)}"
            cur.execute(
                tables.table_ddl(
                    summary, LOAD_SUMMARY_DDL, LOAD_SUMMARY_COMMENT, LOAD_SUMMARY_COLUMNS, cascade=True
                )
            )
            cur.executemany(
                f"INSERT INTO {summary} VALUES (%s, %s, %s, %s, %s, %s, %s)",
                tables.summary_rows(results, loaded_at),
            )
    except psycopg2.Error as exc:
        raise LoadError(
            f"{redact_url(url)}: write failed, nothing was changed ({str(exc).strip().splitlines()[0]})"
        ) from exc
    finally:
        pg.close()
