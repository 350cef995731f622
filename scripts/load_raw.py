"""Check a folder of raw files against the raw contract and load it into DuckDB.

Usage::

    kpi-load --input DIR [--database PATH|URL] [--assume-timezone TZ]
    (also python -m scripts.load_raw, or python scripts/load_raw.py)

Each contract table comes from one file in ``DIR`` named after it
(``<table>.csv``, ``<table>.csv.gz`` or ``<table>.parquet``). Every value is
read as text and checked set-based in SQL against ``scripts/raw_contract.py``:
good rows are loaded, typed, into schema ``raw``; bad rows go to
``raw_rejects.rejected_rows`` with every reason; per-table counts go to
``raw_rejects.load_summary``.

A run is all-or-nothing: every file is read and checked in an in-memory
database first, and the warehouse is only written to at the end, in one
transaction that replaces the raw layer and the rejects. A fatal problem
(missing required file or column, unreadable file, unknown time zone) stops
the run before anything is written and exits with code 2.

``--database`` also takes a PostgreSQL URL (``postgresql://user:password@host:port/db``,
for the ``postgres`` dbt target): the files are checked in DuckDB exactly as
above, and the result is copied with ``COPY ... FROM STDIN`` (psycopg2, which
dbt-postgres installs) into the same schemas, in one PostgreSQL transaction.

``--database spark:DIR`` (or just ``spark:`` for ``$SPARK_WAREHOUSE_DIR`` or
``warehouse/spark``) loads the local Spark catalog the ``spark`` dbt target reads
(scripts/spark_local.py: tables under ``DIR/tables``, the Derby metastore in
``DIR/metastore_db``; needs ``make spark-install`` and Java 17). The files are
checked in DuckDB exactly as above; DuckDB writes each checked table to a
Parquet file, and a local SparkSession with the profile's settings replaces the
Spark tables (``raw.*``, ``raw_rejects.*``, parquet, no NOT NULL: Spark's
parquet tables take no constraints) from them. Spark has no multi-table
transaction: everything is checked before the first table is replaced, so only
an engine failure mid-write can leave a partial load; re-running replaces it.

The loader lives in the package ``scripts.loader``: ``read`` (find and read the
files), ``validate`` (the checks, the rejects and the column profile), ``pii``
(derived columns), ``tables`` (what is written, on every engine), one writer per
engine (``duckdb_writer``, ``postgres_writer``, ``spark_writer``) and ``run``
(``load``, the summary and the command line). This module is its command and
the names other code imports.
"""

from __future__ import annotations

import sys

from scripts.loader.common import (
    DEFAULT_DATABASE,
    EXIT_FATAL,
    MAX_LINE_BYTES,
    LoadError,
    LoadResult,
    TableResult,
)
from scripts.loader.duckdb_writer import STORAGE_VERSION, working_copy_of
from scripts.loader.pii import DEMO_PII_HASH_KEY, PII_KEY_ENV, generated_input, pii_hash
from scripts.loader.postgres_writer import is_postgres_url, redact_url
from scripts.loader.read import discover_files
from scripts.loader.run import build_parser, format_summary, load, main
from scripts.loader.spark_writer import _spark_columns, _spark_lit, _spark_type, is_spark_target
from scripts.loader.tables import column_ddl, summary_rows, table_ddl

__all__ = [
    "DEFAULT_DATABASE",
    "DEMO_PII_HASH_KEY",
    "EXIT_FATAL",
    "MAX_LINE_BYTES",
    "PII_KEY_ENV",
    "STORAGE_VERSION",
    "LoadError",
    "LoadResult",
    "TableResult",
    "_spark_columns",
    "_spark_lit",
    "_spark_type",
    "build_parser",
    "column_ddl",
    "discover_files",
    "format_summary",
    "generated_input",
    "is_postgres_url",
    "is_spark_target",
    "load",
    "main",
    "pii_hash",
    "redact_url",
    "summary_rows",
    "table_ddl",
    "working_copy_of",
]

if __name__ == "__main__":
    sys.exit(main())
