"""Writing a checked load into the local Spark catalog (the spark dbt target)."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import duckdb

from scripts.loader import tables
from scripts.loader.common import LoadError, TableResult, _ident, _lit, _Source, log
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

SPARK_SCHEME = "spark:"


def is_spark_target(database: str | Path) -> bool:
    """True when ``--database`` names a local Spark warehouse (``spark:`` or ``spark:DIR``)."""
    return str(database).startswith(SPARK_SCHEME)


def _spark_type(column_type: str) -> str:
    """Spark's spelling of a contract (DuckDB) type: VARCHAR needs a length there, STRING does not."""
    return "STRING" if column_type.upper() == "VARCHAR" else column_type


def _spark_lit(value: str) -> str:
    """A Spark SQL string literal (Spark reads backslash escapes inside quotes)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _spark_columns(ddl: str) -> list[tuple[str, str]]:
    """(name, Spark type) pairs of a ``name TYPE [NOT NULL], ...`` column list."""
    columns = []
    for part in re.split(r",\s*(?![^()]*\))", ddl):
        name, column_type = part.strip().split(" ", 1)
        column_type = re.sub(r"\s+NOT NULL$", "", column_type.strip(), flags=re.IGNORECASE)
        columns.append((name.strip('"'), _spark_type(column_type)))
    return columns


def _spark_value(value: object, column_type: str) -> str:
    """A load-summary value as a Spark SQL literal of its column's type."""
    if value is None:
        return "NULL" if column_type == "STRING" else f"CAST(NULL AS {column_type})"
    if isinstance(value, dt.datetime):
        return f"TIMESTAMP {_lit(value.isoformat(sep=' '))}"
    if isinstance(value, str):
        return _lit(value)
    return str(value)


def _write_spark(
    con: duckdb.DuckDBPyConnection,
    directory: str,
    results: list[TableResult],
    staged: dict[str, _Source],
    loaded_at: dt.datetime,
    workdir: Path,
) -> None:
    """Replace the raw layer and the rejects in the local Spark catalog.

    DuckDB writes each table to Parquet; Spark (same settings as the dbt
    profile) drops and recreates the table (parquet, with the comments) and
    inserts the file, every column cast to its Spark type (DuckDB's naive
    TIMESTAMP reads as TIMESTAMP_NTZ and becomes a UTC TIMESTAMP).
    """
    from scripts import spark_local

    try:
        import pyspark  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise LoadError("a Spark --database needs pyspark (make spark-install)") from exc
    try:
        spark = spark_local.session(directory)
    except Exception as exc:
        raise LoadError(
            f"spark:{directory}: cannot start Spark ({str(exc).strip().splitlines()[0]})"
        ) from exc

    def replace(
        schema: str,
        table: str,
        columns: list[tuple[str, str]],
        select_sql: str,
        description: str,
        column_descriptions: dict[str, str],
    ) -> None:
        path = workdir / f"{schema}.{table}.parquet"
        con.execute(f"COPY ({select_sql}) TO {_lit(str(path))} (FORMAT parquet)")
        target = f"`{schema}`.`{table}`"
        ddl = ", ".join(
            f"`{name}` {column_type} COMMENT {_spark_lit(column_descriptions.get(name, ''))}"
            for name, column_type in columns
        )
        spark.sql(f"DROP TABLE IF EXISTS {target}")
        spark.sql(f"CREATE TABLE {target} ({ddl}) USING parquet COMMENT {_spark_lit(description)}")
        casts = ", ".join(f"cast(`{name}` as {column_type}) as `{name}`" for name, column_type in columns)
        spark.sql(f"INSERT INTO {target} SELECT {casts} FROM parquet.`{path.resolve()}`")

    try:
        for schema in (RAW_SCHEMA, REJECTS_SCHEMA):
            spark.sql(f"CREATE DATABASE IF NOT EXISTS `{schema}`")
        for spec in TABLES.values():
            started = time.perf_counter()
            names = [c.name for c in spec.stored_columns]
            columns = [(c.name, _spark_type(c.duckdb_type)) for c in spec.stored_columns]
            source = staged.get(spec.name)
            if source is not None:
                select = (
                    f"SELECT {', '.join(_ident(c) for c in names)} "
                    f"FROM {_ident('_final_' + spec.name)} WHERE _reason IS NULL"
                )
            else:
                select = (
                    "SELECT "
                    + ", ".join(
                        f"CAST(NULL AS {c.duckdb_type}) AS {_ident(c.name)}" for c in spec.stored_columns
                    )
                    + " WHERE false"
                )
            descriptions = {c.name: c.description for c in spec.stored_columns}
            replace(RAW_SCHEMA, spec.name, columns, select, spec.description, descriptions)
            log.debug("wrote %s.%s in %.2fs", RAW_SCHEMA, spec.name, time.perf_counter() - started)

        replace(
            REJECTS_SCHEMA,
            REJECTED_ROWS_TABLE,
            _spark_columns(REJECTED_ROWS_DDL),
            "SELECT * EXCLUDE (_order) FROM _rejects ORDER BY _order, row_number",
            REJECTED_ROWS_COMMENT,
            REJECTED_ROWS_COLUMNS,
        )
        replace(
            REJECTS_SCHEMA,
            LOAD_COLUMNS_TABLE,
            _spark_columns(LOAD_COLUMNS_DDL),
            "SELECT * FROM _load_columns",
            LOAD_COLUMNS_COMMENT,
            LOAD_COLUMNS_COLUMNS,
        )
        summary_columns = _spark_columns(LOAD_SUMMARY_DDL)
        summary_rows = ", ".join(
            "(" + ", ".join(_spark_value(v, t) for v, (_, t) in zip(row, summary_columns, strict=True)) + ")"
            for row in tables.summary_rows(results, loaded_at)
        )
        replace(
            REJECTS_SCHEMA,
            LOAD_SUMMARY_TABLE,
            summary_columns,
            f"SELECT * FROM (VALUES {summary_rows}) AS t({', '.join(n for n, _ in summary_columns)})",
            LOAD_SUMMARY_COMMENT,
            LOAD_SUMMARY_COLUMNS,
        )
    except Exception as exc:
        if isinstance(exc, LoadError):
            raise
        raise LoadError(
            f"spark:{directory}: write failed part-way ({str(exc).strip().splitlines()[0]}); re-run the load"
        ) from exc
    finally:
        spark.stop()
