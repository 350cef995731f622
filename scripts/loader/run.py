"""One load from start to end (`load`), its printed summary and the command line."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import logging
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import duckdb

from scripts.loader.common import DEFAULT_DATABASE, EXIT_FATAL, LoadError, LoadResult, log
from scripts.loader.duckdb_writer import _write
from scripts.loader.pii import _derive_email_hash
from scripts.loader.postgres_writer import _write_postgres, is_postgres_url, redact_url
from scripts.loader.read import _set_timezone, _stage_all, discover_files
from scripts.loader.spark_writer import SPARK_SCHEME, _write_spark, is_spark_target
from scripts.loader.validate import Window, _over_refunds, _profile_columns, _validate_all
from scripts.raw_contract import (
    DEFAULT_EARLIEST_DATE,
    REJECTED_ROWS_TABLE,
    REJECTS_SCHEMA,
)


def load(
    input_dir: str | Path,
    database: str | Path,
    assume_timezone: str = "UTC",
    earliest_date: dt.date = DEFAULT_EARLIEST_DATE,
    in_place: bool = False,
) -> LoadResult:
    """Load every contract table from ``input_dir`` into ``database``.

    Dates and timestamps before ``earliest_date`` or after the load time (plus
    the column's allowance) are rejected. A DuckDB file is built in a working
    copy and published atomically unless ``in_place``. Raises LoadError, with
    the database untouched, on a fatal problem.
    """
    started = time.perf_counter()
    postgres = is_postgres_url(database)
    spark = is_spark_target(database)
    input_dir = Path(input_dir)
    database = str(database) if postgres or spark else Path(database)
    warnings: list[str] = []
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET preserve_insertion_order = true")
        con.execute("SET enable_progress_bar = false")
        loaded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        timezone = _set_timezone(con, assume_timezone)
        files = discover_files(input_dir, warnings)
        staged = _stage_all(con, files, warnings)
        results = _validate_all(con, staged, timezone, Window(earliest_date, loaded_at), warnings)
        _derive_email_hash(con, staged, input_dir)
        over_refunds = _over_refunds(con, staged)
        if "shop_refunds" in staged:
            n_over = sum(n for _, n, _ in over_refunds)
            results = [
                dataclasses.replace(r, over_refunded_rows=n_over) if r.table == "shop_refunds" else r
                for r in results
            ]
        write_started = time.perf_counter()
        _profile_columns(con, staged, loaded_at)
        if isinstance(database, Path):
            _write(con, database, results, staged, loaded_at, in_place=in_place)
        elif spark:
            from scripts.spark_local import warehouse_dir

            with tempfile.TemporaryDirectory(prefix="load_raw_") as workdir:
                _write_spark(
                    con,
                    warehouse_dir(database[len(SPARK_SCHEME) :] or None),
                    results,
                    staged,
                    loaded_at,
                    Path(workdir),
                )
        else:
            with tempfile.TemporaryDirectory(prefix="load_raw_") as workdir:
                _write_postgres(con, database, results, staged, loaded_at, Path(workdir))
        shown = redact_url(database) if isinstance(database, str) else database
        log.info("wrote %s (%.1fs)", shown, time.perf_counter() - write_started)
    finally:
        con.close()
    return LoadResult(
        database=database,
        tables=results,
        seconds=time.perf_counter() - started,
        warnings=warnings,
        over_refunds=over_refunds,
    )


def format_summary(result: LoadResult) -> str:
    """The per-table count table printed at the end of a run."""
    header = f"{'table':<34}{'input':>12}{'loaded':>12}{'rejected':>10}"
    lines = [header, "-" * len(header)]
    for r in result.tables:
        source = "" if r.source_file else "  (no file)"
        lines.append(f"{r.table:<34}{r.input_rows:>12,}{r.loaded_rows:>12,}{r.rejected_rows:>10,}{source}")
    lines.append("-" * len(header))
    lines.append(f"{'total':<34}{result.input_rows:>12,}{result.loaded_rows:>12,}{result.rejected_rows:>10,}")
    shown = redact_url(result.database) if isinstance(result.database, str) else result.database
    lines.append(f"loaded into {shown} in {result.seconds:.1f}s")
    if result.rejected_rows:
        lines.append(f"rejected rows and reasons: {REJECTS_SCHEMA}.{REJECTED_ROWS_TABLE}")
    for currency, count, excess in result.over_refunds:
        lines.append(
            f"refunds larger than what they refund: {count:,} in {currency}, excess {excess:,.2f} {currency} "
            "(loaded; the excess is kept apart from revenue)"
        )
    loud = [w for w in result.warnings if w.startswith("WARNING:")]
    lines.extend(loud)
    return "\n".join(lines)


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="load_raw.py",
        description="Check a folder of raw files against the raw contract and load it into the warehouse.",
    )
    parser.add_argument(
        "--input",
        required=True,
        type=Path,
        help="folder with one file per table: <table>.csv, <table>.csv.gz or <table>.parquet",
    )
    parser.add_argument(
        "--database",
        default=None,
        help=(
            f"DuckDB file to load (default: $WAREHOUSE_PATH or {DEFAULT_DATABASE}), "
            "a PostgreSQL URL postgresql://user:password@host:port/dbname, "
            "or spark:DIR for the local Spark warehouse of the spark target "
            "(spark: alone: $SPARK_WAREHOUSE_DIR or warehouse/spark)"
        ),
    )
    parser.add_argument(
        "--assume-timezone",
        default="UTC",
        help="IANA time zone of timestamps written without an offset (default: UTC)",
    )
    parser.add_argument(
        "--earliest-date",
        type=_iso_date,
        default=DEFAULT_EARLIEST_DATE,
        help=(
            "earliest plausible date: rows with a date or timestamp before it are rejected "
            f"(default: {DEFAULT_EARLIEST_DATE}); values after the load time + 1 day are rejected too"
        ),
    )
    parser.add_argument(
        "--in-place",
        action="store_true",
        help=(
            "DuckDB: write straight into --database in one transaction, for a caller that already "
            "loads a private working copy (default: build <file>.loading and publish it atomically)"
        ),
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)-7s %(message)s",
        datefmt="%H:%M:%S",
        stream=sys.stderr,
    )
    database: str | Path = args.database or os.environ.get("WAREHOUSE_PATH") or DEFAULT_DATABASE
    if not is_postgres_url(database) and not is_spark_target(database):
        database = Path(database)
    try:
        result = load(
            args.input,
            database,
            args.assume_timezone,
            earliest_date=args.earliest_date,
            in_place=args.in_place,
        )
    except LoadError as exc:
        print(f"load_raw: error: {exc}", file=sys.stderr)
        return EXIT_FATAL
    print(format_summary(result))
    for message in result.warnings:
        if message.startswith("WARNING:"):
            print(f"load_raw: {message}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
