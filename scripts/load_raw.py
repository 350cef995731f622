"""Check a folder of raw files against the raw contract and load it into DuckDB.

Usage::

    python scripts/load_raw.py --input DIR [--database PATH|URL] [--assume-timezone TZ]

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
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import datetime as dt
import gzip
import hashlib
import hmac
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

from scripts.raw_contract import (
    BOOLEAN_FALSE,
    BOOLEAN_TRUE,
    COVERAGE_DATE_COLUMN,
    DEFAULT_EARLIEST_DATE,
    FILE_SUFFIXES,
    LOAD_COLUMNS_TABLE,
    LOAD_SUMMARY_TABLE,
    RAW_SCHEMA,
    REJECTED_ROWS_TABLE,
    REJECTS_SCHEMA,
    TABLES,
    ColumnSpec,
    RowCheck,
    TableSpec,
)

log = logging.getLogger("load_raw")

DEFAULT_DATABASE = "warehouse/ecommerce.duckdb"
EXIT_FATAL = 2

# ISO-8601 as accepted: a date, optionally a time, optionally an offset (only
# after a time). DuckDB's own casts are more lenient ('infinity', '2025-3-1',
# zone names), hence the pattern first.
TIMESTAMP_PATTERN = (
    r"^\d{4}-\d{2}-\d{2}"  # date
    r"([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?"  # time
    r"([Zz]|[+-]\d{2}(:?\d{2})?)?)?$"  # offset
)
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
# An integral value may carry a zero fraction ("3.0"), as float-typed exports write it.
INTEGER_PATTERN = r"^[+-]?\d+(\.0+)?$"
DECIMAL_PATTERN = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"

UTC_NAMES = frozenset({"UTC", "Etc/UTC"})

# Characters trimmed around every value, as SQL literals (E'' strings take escapes).
_WHITESPACE_CHARS = ("' '", "E'\\t'", "E'\\n'", "E'\\r'")
_WHITESPACE = "E' \\t\\n\\r'"
_MAX_SHOWN = 60

# The longest CSV line (a record, with its quoted newlines) the reader accepts, in bytes.
MAX_LINE_BYTES = 2_000_000

FORMAT_EXPECTATIONS = {
    ".csv": "a UTF-8, comma-separated CSV file with one header row",
    ".csv.gz": "a gzip-compressed, UTF-8, comma-separated CSV file with one header row",
    ".parquet": "a Parquet file",
}


class LoadError(Exception):
    """A fatal problem with the input: nothing was written."""


@dataclass(frozen=True)
class TableResult:
    """Counts for one contract table in one run."""

    table: str
    source_file: str | None
    input_rows: int
    loaded_rows: int
    rejected_rows: int
    seconds: float
    # shop_refunds only: loaded refunds larger than what they refund (None elsewhere)
    over_refunded_rows: int | None = None


@dataclass
class LoadResult:
    """What a run loaded: per-table counts, total time and warnings."""

    database: Path | str
    tables: list[TableResult]
    seconds: float
    warnings: list[str] = field(default_factory=list)
    # (currency, refunds, excess amount) of refunds larger than what they refund
    over_refunds: list[tuple[str, int, Decimal]] = field(default_factory=list)

    @property
    def input_rows(self) -> int:
        return sum(t.input_rows for t in self.tables)

    @property
    def loaded_rows(self) -> int:
        return sum(t.loaded_rows for t in self.tables)

    @property
    def rejected_rows(self) -> int:
        return sum(t.rejected_rows for t in self.tables)

    def table(self, name: str) -> TableResult:
        for result in self.tables:
            if result.table == name:
                return result
        raise KeyError(name)


@dataclass
class _Source:
    """One input file staged as an all-text table in the working database."""

    spec: TableSpec
    path: Path
    stage: str  # all-VARCHAR copy of the file, rowid = file order
    file_columns: list[str]  # column names as in the file; staged as _c0, _c1, ...
    mapping: dict[str, str]  # contract column -> staged column
    input_rows: int = 0
    # False once a join may have shuffled the checked rows: they are then
    # sorted back into file order when written.
    in_file_order: bool = True
    seconds: float = 0.0
    # True when a CSV's last line has no line break: its last row may be cut off.
    unterminated: bool = False


# prefix of the flag columns of _final_<table> that say whether the file gave a
# value in a column with a default (before the default filled it in)
_GIVEN = "_given_"

# --------------------------------------------------------------------------- SQL helpers


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _num(value: float) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _shown(expr: str) -> str:
    """SQL text expression quoting a value for a reason, shortened if long."""
    return (
        f"'''' || CASE WHEN length({expr}) > {_MAX_SHOWN} "
        f"THEN left({expr}, {_MAX_SHOWN - 3}) || '...' ELSE {expr} END || ''''"
    )


_ERROR_DETAILS = (
    "Expected Number of Columns",
    "Value with unterminated quote",
    "Invalid unicode",
    "It was not possible",
)


def _error_text(exc: BaseException) -> str:
    """DuckDB's error, shortened to one line: what failed and, for CSV, where and why."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("LINE ") and set(line) != {"^"}]
    if not lines:
        return type(exc).__name__
    text = lines[0].rstrip(":.")
    detail = next((line for line in lines[1:] if line.startswith(_ERROR_DETAILS)), None)
    if detail:
        text = f"{text}: {detail}"
    return text if len(text) <= 300 else text[:297] + "..."


# --------------------------------------------------------------------------- discovery


def _suffix_of(name: str) -> tuple[str, str] | None:
    """(table, suffix) for a file name matching the naming rule, else None."""
    for suffix in sorted(FILE_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix
    return None


def discover_files(input_dir: Path, warnings: list[str]) -> dict[str, Path]:
    """Map each contract table to its one input file; fatal on ambiguity or a missing required table."""
    if not input_dir.is_dir():
        raise LoadError(f"{input_dir}: input folder not found (expected a folder of raw files)")
    found: dict[str, list[Path]] = {}
    for path in sorted(input_dir.iterdir()):
        if path.name.startswith("."):
            continue
        parsed = _suffix_of(path.name)
        if parsed is not None and parsed[0] in TABLES and path.is_dir():
            raise LoadError(
                f"{path}: is a folder, not a file (expected one file {path.name} for table {parsed[0]}; "
                "Spark-style folders of part files are not read: concatenate the parts into one file)"
            )
        if parsed is not None and parsed[0] in TABLES and path.is_symlink() and not path.exists():
            raise LoadError(
                f"{path}: is a broken symbolic link (it points to {os.readlink(path)}, which does not exist; "
                f"expected a file for table {parsed[0]})"
            )
        if not path.is_file():
            parsed = None
        if parsed is None or parsed[0] not in TABLES:
            message = f"{path.name}: not a contract table file, ignored"
            warnings.append(message)
            log.warning(message)
            continue
        found.setdefault(parsed[0], []).append(path)
    files: dict[str, Path] = {}
    for table, paths in found.items():
        if len(paths) > 1:
            names = ", ".join(p.name for p in paths)
            raise LoadError(
                f"{input_dir}: ambiguous input for table {table}: {names} (expected exactly one file per table)"
            )
        files[table] = paths[0]
    for spec in TABLES.values():
        if spec.required and spec.name not in files:
            options = " or ".join(spec.name + s for s in FILE_SUFFIXES)
            raise LoadError(f"{input_dir}: required table {spec.name} is missing (expected a file {options})")
    return files


# --------------------------------------------------------------------------- reading


def _set_timezone(con: duckdb.DuckDBPyConnection, tz: str) -> str:
    """Validate ``tz`` and make it the session zone; return its canonical name."""
    row = con.execute(
        "SELECT min(name) FROM pg_timezone_names() WHERE lower(name) = lower(?)", [tz]
    ).fetchone()
    if not row or row[0] is None:
        raise LoadError(
            f"--assume-timezone: unknown time zone {tz!r} (expected an IANA name such as UTC or Europe/Paris)"
        )
    canonical = str(row[0])
    con.execute(f"SET TimeZone = {_lit(canonical)}")
    return canonical


def _read_sql(path: Path, suffix: str) -> str:
    if suffix == ".parquet":
        return f"read_parquet({_lit(str(path))})"
    compression = "gzip" if suffix == ".csv.gz" else "none"
    # Everything the sniffer could guess is pinned, except the line ending: a
    # guessed comment character or skipped lines would drop rows silently.
    return (
        f"read_csv({_lit(str(path))}, header = true, all_varchar = true, delim = ',', "
        f"quote = '\"', escape = '\"', comment = '', skip = 0, encoding = 'utf-8', "
        f"compression = '{compression}', strict_mode = true, null_padding = false, "
        f"max_line_size = {MAX_LINE_BYTES})"
    )


def _header_names(path: Path, suffix: str) -> list[str] | None:
    """The column names exactly as the file's header spells them (DuckDB renames duplicates)."""
    try:
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            return list(pq.read_schema(path).names)
        opener = gzip.open if suffix == ".csv.gz" else open
        with opener(path, "rt", encoding="utf-8-sig", errors="replace", newline="") as handle:
            return next(csv.reader(handle), None)
    except (OSError, ValueError, csv.Error, ImportError, EOFError):
        return None  # DuckDB read the header; its own errors are reported elsewhere


def _long_line(path: Path, suffix: str) -> tuple[int, int] | None:
    """(1-based line number, bytes) of the file's first line over MAX_LINE_BYTES, if any."""
    opener = gzip.open if suffix == ".csv.gz" else open
    with opener(path, "rb") as handle:
        for number, line in enumerate(handle, 1):
            if len(line) > MAX_LINE_BYTES:
                return number, len(line.rstrip(b"\r\n"))
    return None


def _unreadable(path: Path, suffix: str, exc: duckdb.Error, detail: str | None = None) -> LoadError:
    """The fatal error for a file DuckDB could not read, naming where and why."""
    expected = FORMAT_EXPECTATIONS[suffix]
    if "Maximum line size" in str(exc):
        found = _long_line(path, suffix)
        where = f"line {found[0]} of the file is {found[1]:,} bytes" if found else "a line is too long"
        detail = (
            f"{where}, over the line-size limit of {MAX_LINE_BYTES:,} bytes per line (record): "
            "shorten or split the long value"
        )
        return LoadError(f"{path}: {detail}")
    return LoadError(f"{path}: not readable as {expected} ({detail or _error_text(exc)})")


COMMENT_STARTS = ("#", "//", "--")


def _comment_hint(first: str) -> str:
    return (
        f"; the first line starts with {first.strip()[:20]!r}: comment lines are not allowed, "
        "the first line must be the header"
    )


def _diagnose_csv(con: duckdb.DuckDBPyConnection, path: Path, suffix: str) -> str | None:
    """Where and why a CSV the sniffer gave up on breaks: read again with the header's columns
    and nothing guessed, so DuckDB names the line and the problem (column count, open quote)."""
    header = _header_names(path, suffix)
    if not header:
        return None
    if header[0].lstrip().startswith(COMMENT_STARTS):
        return _comment_hint(header[0]).removeprefix("; ")
    columns = "{" + ", ".join(f"'_c{i}': 'VARCHAR'" for i in range(len(header))) + "}"
    compression = "gzip" if suffix == ".csv.gz" else "none"
    try:
        con.execute(
            f"SELECT count(*) FROM read_csv({_lit(str(path))}, auto_detect = false, header = true, "
            f"columns = {columns}, delim = ',', quote = '\"', escape = '\"', comment = '', skip = 0, "
            f"compression = '{compression}', strict_mode = true, null_padding = false, "
            f"max_line_size = {MAX_LINE_BYTES})"
        ).fetchall()
    except duckdb.Error as exc:
        return _error_text(exc) if "CSV Error" in str(exc) else None
    return None


def _check_duplicate_columns(path: Path, names: Sequence[str]) -> None:
    """Fatal when the header names a column twice (after trimming and lower-casing)."""
    seen: dict[str, str] = {}
    for name in names:
        key = name.strip().lower()
        if key in seen:
            raise LoadError(
                f"{path}: column {key!r} appears twice in the header (as {seen[key]!r} and {name!r}); "
                "expected each column once"
            )
        seen[key] = name


def _ends_with_line_break(path: Path, suffix: str) -> bool:
    """True when the CSV's last byte is a line break (a cut-off download usually is not)."""
    if suffix == ".csv":
        with path.open("rb") as handle:
            handle.seek(-1, os.SEEK_END)
            return handle.read(1) in (b"\n", b"\r")
    last = b""
    with gzip.open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            last = chunk[-1:]
    return last in (b"\n", b"\r")


UNTERMINATED_REASON = (
    "last line has no line break: the file may be cut off (a truncated download); "
    "end the file with a line break if the row is complete"
)


def _map_columns(spec: TableSpec, path: Path, file_columns: list[str], warnings: list[str]) -> dict[str, int]:
    """Contract column -> position in the file (names match trimmed and case-insensitively)."""
    positions: dict[str, int] = {}
    for index, name in enumerate(file_columns):
        key = name.strip().lower()
        if key in positions and key in spec.column_names:
            raise LoadError(f"{path}: column {key!r} appears twice (expected each contract column once)")
        positions.setdefault(key, index)
    mapping = {c: positions[c] for c in spec.column_names if c in positions}

    missing_optional = []
    for col in spec.columns:
        if col.name in mapping:
            continue
        if col.required:
            hint = ""
            if len(file_columns) == 1 and any(sep in file_columns[0] for sep in ";\t|"):
                hint = "; the header has a single column: is the file comma-separated?"
            elif file_columns and file_columns[0].lstrip().startswith(COMMENT_STARTS):
                hint = _comment_hint(file_columns[0])
            raise LoadError(
                f"{path}: required column {col.name!r} is missing "
                f"(expected a header with {col.name!r}: {col.type}, {col.description}){hint}"
            )
        missing_optional.append(col.name)
    if missing_optional:
        message = f"{path.name}: optional column(s) missing, loaded as NULL: {', '.join(missing_optional)}"
        warnings.append(message)
        log.warning(message)
    extra = [name for index, name in enumerate(file_columns) if index not in mapping.values()]
    if extra:
        message = f"{path.name}: extra column(s) ignored: {', '.join(extra)}"
        warnings.append(message)
        log.warning(message)
    return mapping


def stage_file(con: duckdb.DuckDBPyConnection, spec: TableSpec, path: Path, warnings: list[str]) -> _Source:
    """Read one file completely into an all-text table; fatal if unreadable or a required column is missing.

    Staged columns are named by position (``_c0``, ``_c1``, ...), so whatever
    the file's header holds (quotes, ``rowid``, odd case) cannot clash.
    """
    parsed = _suffix_of(path.name)
    assert parsed is not None
    suffix = parsed[1]
    expected = FORMAT_EXPECTATIONS[suffix]
    if path.stat().st_size == 0:
        raise LoadError(f"{path}: file is empty (expected {expected})")
    reader = _read_sql(path, suffix)
    try:
        file_columns = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()]
    except duckdb.Error as exc:
        detail = _diagnose_csv(con, path, suffix) if suffix != ".parquet" else None
        raise _unreadable(path, suffix, exc, detail) from exc
    header = _header_names(path, suffix)
    _check_duplicate_columns(path, header if header and len(header) == len(file_columns) else file_columns)
    # The header is checked before the whole file is read: a missing column fails fast.
    mapping = _map_columns(spec, path, file_columns, warnings)

    stage = f"_stage_{spec.name}"
    # Parquet values are turned into text too, so every format passes the same checks.
    select = ", ".join(f"CAST({_ident(name)} AS VARCHAR) AS _c{i}" for i, name in enumerate(file_columns))
    try:
        con.execute(f"CREATE OR REPLACE TABLE {_ident(stage)} AS SELECT {select} FROM {reader}")
    except duckdb.Error as exc:
        raise _unreadable(path, suffix, exc) from exc
    count = con.execute(f"SELECT count(*) FROM {_ident(stage)}").fetchone()
    input_rows = int(count[0]) if count else 0
    return _Source(
        spec=spec,
        path=path,
        stage=stage,
        file_columns=file_columns,
        mapping={name: f"_c{index}" for name, index in mapping.items()},
        input_rows=input_rows,
        unterminated=suffix != ".parquet" and input_rows > 0 and not _ends_with_line_break(path, suffix),
    )


# --------------------------------------------------------------------------- validation SQL


def _trimmed(expr: str) -> str:
    """Trimmed value, NULL when empty. The cheap edge test skips trim() for clean values."""
    edges = " OR ".join(
        f"{fn}({expr}, {char})" for fn in ("starts_with", "ends_with") for char in _WHITESPACE_CHARS
    )
    return f"nullif(CASE WHEN {edges} THEN trim({expr}, {_WHITESPACE}) ELSE {expr} END, '')"


def is_id_column(col: ColumnSpec) -> bool:
    """An id column (``*_id``): the literal text NULL in it is treated as missing."""
    return col.type == "string" and col.name.endswith("_id")


def _typed(col: ColumnSpec, v: str, timezone: str) -> str:
    """SQL turning the trimmed text ``v`` into the column's type; NULL when it does not parse."""
    if col.type == "string":
        if col.allowed:
            whens = " ".join(f"WHEN {_lit(a.lower())} THEN {_lit(a)}" for a in col.allowed)
            return f"CASE lower({v}) {whens} END"
        return v
    if col.type == "timestamp":
        aware = f"make_timestamp(epoch_us(try_cast({v} AS TIMESTAMPTZ)))"
        if timezone in UTC_NAMES:
            # Offset-less text is already UTC; the plain cast is much cheaper than
            # ICU, but it ignores offsets, so only use it when there is none.
            has_offset = f"(length({v}) > 10 AND regexp_matches(substr({v}, 12), '[Zz+-]'))"
            parsed = f"CASE WHEN {has_offset} THEN {aware} ELSE try_cast({v} AS TIMESTAMP) END"
        else:
            parsed = aware
        return f"CASE WHEN regexp_full_match({v}, {_lit(TIMESTAMP_PATTERN)}) THEN {parsed} END"
    if col.type == "date":
        return f"CASE WHEN regexp_full_match({v}, {_lit(DATE_PATTERN)}) THEN try_cast({v} AS DATE) END"
    if col.type == "integer":
        return f"CASE WHEN regexp_full_match({v}, {_lit(INTEGER_PATTERN)}) THEN try_cast({v} AS BIGINT) END"
    if col.type == "decimal":
        return f"CASE WHEN regexp_full_match({v}, {_lit(DECIMAL_PATTERN)}) THEN try_cast({v} AS {col.duckdb_type}) END"
    if col.type == "boolean":
        trues = ", ".join(_lit(x) for x in BOOLEAN_TRUE)
        falses = ", ".join(_lit(x) for x in BOOLEAN_FALSE)
        return f"CASE WHEN lower({v}) IN ({trues}) THEN true WHEN lower({v}) IN ({falses}) THEN false END"
    raise ValueError(f"unknown contract type {col.type!r}")


def _type_expectation(col: ColumnSpec) -> str:
    if col.allowed:
        return "not one of " + ", ".join(col.allowed)
    return {
        "timestamp": "not an ISO-8601 timestamp",
        "date": "not a date (expected YYYY-MM-DD)",
        "integer": "not an integer",
        "decimal": f"not a decimal number (or outside {col.duckdb_type})",
        "boolean": "not a boolean (expected true/false, 1/0, yes/no)",
    }[col.type]


@dataclass(frozen=True)
class Window:
    """The plausibility window of dates and timestamps: earliest date and load time (UTC)."""

    earliest: dt.date
    loaded_at: dt.datetime

    def latest(self, col: ColumnSpec) -> dt.datetime:
        return self.loaded_at + dt.timedelta(days=col.future_days)


def _window_reasons(col: ColumnSpec, t: str, window: Window) -> list[str]:
    """Reasons for a date or timestamp outside the plausibility window."""
    name = col.name
    latest = window.latest(col)
    if col.type == "date":
        lo, hi = f"DATE {_lit(window.earliest.isoformat())}", f"DATE {_lit(latest.date().isoformat())}"
        latest_text = f"{latest.date().isoformat()} (the load day + {col.future_days} days)"
    else:
        lo = f"TIMESTAMP {_lit(window.earliest.isoformat())}"
        hi = f"TIMESTAMP {_lit(latest.isoformat(sep=' ', timespec='seconds'))}"
        latest_text = (
            f"{latest.isoformat(sep=' ', timespec='seconds')} UTC (the load time + {col.future_days} days)"
        )
    shown = _shown(f"CAST({t} AS VARCHAR)")
    return [
        f"CASE WHEN {t} < {lo} THEN {_lit(name + ' ')} || {shown} || "
        f"{_lit(f' is before the earliest plausible date {window.earliest.isoformat()} (--earliest-date)')} "
        f"WHEN {t} > {hi} THEN {_lit(name + ' ')} || {shown} || "
        f"{_lit(f' is after the latest plausible value {latest_text}')} END"
    ]


def _scale(col: ColumnSpec) -> int:
    """Decimal places of a decimal column's storage type."""
    match = re.search(r"\(\s*\d+\s*,\s*(\d+)\s*\)", col.duckdb_type)
    return int(match.group(1)) if match else 0


def _column_reasons(col: ColumnSpec, v: str, t: str, window: Window | None = None) -> list[str]:
    """SQL expressions, each a reason text or NULL, for one column."""
    name = col.name
    reasons = []
    if col.required:
        reasons.append(f"CASE WHEN {v} IS NULL THEN {_lit(name + ' is missing (required)')} END")
    if col.type != "string" or col.allowed:
        reasons.append(
            f"CASE WHEN {v} IS NOT NULL AND {t} IS NULL "
            f"THEN {_lit(name + ' ')} || {_shown(v)} || {_lit(' is ' + _type_expectation(col))} END"
        )
    if col.pattern:
        label = col.pattern_name or "value"
        reasons.append(
            f"CASE WHEN {v} IS NOT NULL AND NOT regexp_full_match({v}, {_lit(col.pattern)}) "
            f"THEN {_lit(name + ' ')} || {_shown(v)} || {_lit(f' is not an {label} (expected {col.pattern})')} END"
        )
    range_text = col.range_text()
    if range_text:
        conditions = []
        if col.min_value is not None:
            conditions.append(f"{t} {'<=' if col.min_exclusive else '<'} {_num(col.min_value)}")
        if col.max_value is not None:
            conditions.append(f"{t} > {_num(col.max_value)}")
        reasons.append(
            f"CASE WHEN {' OR '.join(conditions)} "
            f"THEN {_lit(name + ' ')} || {_shown(v)} || {_lit(f' is out of range (expected {range_text})')} END"
        )
    if col.type == "decimal":
        # a value with more decimals than the storage keeps would be rounded: rejected instead
        scale = _scale(col)
        reasons.append(
            f"CASE WHEN {t} IS NOT NULL AND try_cast({v} AS DECIMAL(38,20)) <> {t} "
            f"THEN {_lit(name + ' ')} || {_shown(v)} || "
            f"{_lit(f' has more than {scale} decimals (the limit of {col.duckdb_type}; round it in the source)')} END"
        )
    if window is not None and col.type in ("date", "timestamp"):
        reasons += _window_reasons(col, t, window)
    return reasons


def _check_reason(check: RowCheck, alias: str) -> str:
    """SQL expression giving the reason text when a row check fails, else NULL.

    Inputs that are NULL make the comparison NULL, so the check does not apply.
    """

    def ref(column: str) -> str:
        return f"{alias}.{_ident(column)}"

    def text(column: str) -> str:
        return f"CAST({ref(column)} AS VARCHAR)"

    col = ref(check.column)
    if check.kind == "equals_sum":

        def signed_sum(render) -> str:
            terms = " ".join(f"{'+' if sign > 0 else '-'} {render(term)}" for sign, term in check.terms)
            return terms.removeprefix("+ ")

        expected, formula = signed_sum(ref), signed_sum(str)
        tolerance = _num(check.tolerance)
        return (
            f"CASE WHEN abs({col} - ({expected})) > {tolerance} THEN "
            f"{_lit(check.column + ' ')} || {text(check.column)} || "
            f"{_lit(f' does not match {formula} = ')} || CAST(({expected}) AS VARCHAR) || "
            f"{_lit(f' (tolerance {tolerance})')} END"
        )
    if check.kind in ("not_before", "not_above"):
        assert check.other is not None
        other = ref(check.other)
        op, word = ("<", "before") if check.kind == "not_before" else (">", "above")
        return (
            f"CASE WHEN {col} {op} {other} THEN {_lit(check.column + ' ')} || {text(check.column)} || "
            f"{_lit(f' is {word} {check.other} ')} || {text(check.other)} END"
        )
    if check.kind == "first_of_month":
        return (
            f"CASE WHEN day({col}) <> 1 THEN {_lit(check.column + ' ')} || {text(check.column)} || "
            f"{_lit(' is not the first day of a month')} END"
        )
    raise ValueError(f"unknown row check kind {check.kind!r}")


def _key_text(spec: TableSpec, alias: str) -> str:
    parts = [
        f"{_lit(k + '=')} || '''' || CAST({alias}.{_ident(k)} AS VARCHAR) || ''''" for k in spec.primary_key
    ]
    return " || ', ' || ".join(parts)


def validate_table(
    con: duckdb.DuckDBPyConnection,
    source: _Source,
    timezone: str,
    parents: Collection[str],
    window: Window | None = None,
) -> tuple[int, int]:
    """Build ``_final_<table>``: typed columns, ``_row_number`` and ``_reason`` (NULL = loaded).

    ``parents`` are the tables already validated, which references are checked
    against. Returns (loaded, rejected) row counts.
    """
    started = time.perf_counter()
    spec = source.spec
    name = spec.name
    checked, final = _ident(f"_checked_{name}"), _ident(f"_final_{name}")

    # 1. Trimmed text with defaults applied (a default is part of a key, so it comes first).
    text_cols = []
    given_cols = []  # whether the file gave a value where a default may fill in (data coverage)
    for col in spec.columns:
        if col.name in source.mapping:
            expr = _trimmed(_ident(source.mapping[col.name]))
            if is_id_column(col):
                # an export's NULL written out as text is no id: treated as missing
                expr = f"CASE WHEN upper({expr}) = 'NULL' THEN NULL ELSE {expr} END"
        else:
            expr = "CAST(NULL AS VARCHAR)"
        if col.default is not None:
            text_cols.append(f"{expr} IS NOT NULL AS {_ident(_GIVEN + col.name)}")
            given_cols.append(f"t.{_ident(_GIVEN + col.name)}")
            expr = f"coalesce({expr}, {_lit(col.default)})"
        text_cols.append(f"{expr} AS {_ident('_v_' + col.name)}")
    # 2. Typed values.
    typed_cols = [
        f"{_typed(col, _ident('_v_' + col.name), timezone)} AS {_ident(col.name)}" for col in spec.columns
    ]
    # 3. Reasons: per column, references, then row checks on the typed values.
    reasons: list[str] = []
    joins: list[str] = []
    for col in spec.columns:
        reasons += _column_reasons(col, f"t.{_ident('_v_' + col.name)}", f"t.{_ident(col.name)}", window)
    for index, col in enumerate(c for c in spec.columns if c.references):
        assert col.references is not None
        ref_table, ref_col = col.references
        alias = f"ref{index}"
        if ref_table in parents:
            keys_sql = (
                f"SELECT {_ident(ref_col)} AS key, bool_or(_reason IS NULL) AS loaded "
                f"FROM {_ident('_final_' + ref_table)} "
                f"WHERE {_ident(ref_col)} IS NOT NULL GROUP BY 1"
            )
        else:  # no file for the referenced table: nothing can match
            keys_sql = "SELECT CAST(NULL AS VARCHAR) AS key, true AS loaded WHERE false"
        joins.append(f"LEFT JOIN ({keys_sql}) AS {alias} ON t.{_ident(col.name)} = {alias}.key")
        value = f"{_lit(col.name + ' ')} || {_shown('t.' + _ident(col.name))}"
        reasons.append(
            f"CASE WHEN t.{_ident(col.name)} IS NOT NULL AND {alias}.key IS NULL "
            f"THEN {value} || {_lit(' not found in ' + ref_table)} "
            f"WHEN {alias}.key IS NOT NULL AND NOT {alias}.loaded "
            f"THEN {value} || {_lit(f' not found in {ref_table} (that row was rejected)')} END"
        )
    reasons += [_check_reason(check, "t") for check in spec.checks]
    if source.unterminated:
        reasons.append(f"CASE WHEN t._row_number = {source.input_rows} THEN {_lit(UNTERMINATED_REASON)} END")
    source.in_file_order = not joins

    col_list = ", ".join(f"t.{_ident(c.name)}" for c in spec.columns)
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {checked} AS
        WITH text_values AS (
            SELECT rowid + 1 AS _row_number, {", ".join(text_cols)}
            FROM {_ident(source.stage)}
        ),
        typed AS (
            SELECT *, {", ".join(typed_cols)} FROM text_values
        )
        SELECT t._row_number, {col_list}, {"".join(c + ", " for c in given_cols)}
            nullif(concat_ws('; ', {", ".join(reasons)}), '') AS _reason
        FROM typed AS t
        {" ".join(joins)}
        """
    )

    log.debug("%s: rules checked in %.1fs", name, time.perf_counter() - started)

    # 4. Duplicate keys: the first row (in file order) not rejected otherwise is kept.
    keys = [_ident(k) for k in spec.primary_key]
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _duplicates AS
        SELECT {", ".join(keys)}, min(_row_number) AS _first
        FROM {checked}
        WHERE _reason IS NULL
        GROUP BY ALL
        HAVING count(*) > 1
        """
    )
    duplicates = con.execute("SELECT count(*) FROM _duplicates").fetchone()
    if duplicates and duplicates[0]:
        key_join = " AND ".join(f"c.{k} = d.{k}" for k in keys)
        con.execute(
            f"""
            CREATE OR REPLACE TABLE {final} AS
            SELECT c.* EXCLUDE (_reason),
                CASE
                    WHEN c._reason IS NOT NULL THEN c._reason
                    WHEN d._first IS NOT NULL AND c._row_number <> d._first
                        THEN 'duplicate primary key (' || {_key_text(spec, "c")} || ')'
                END AS _reason
            FROM {checked} AS c
            LEFT JOIN _duplicates AS d ON {key_join}
            """
        )
        con.execute(f"DROP TABLE {checked}")
        source.in_file_order = False
    else:
        con.execute(f"DROP TABLE IF EXISTS {final}")
        con.execute(f"ALTER TABLE {checked} RENAME TO {final}")
    con.execute("DROP TABLE _duplicates")
    log.debug("%s: keys checked in %.1fs", name, time.perf_counter() - started)
    row = con.execute(f"SELECT count(*), count(_reason) FROM {final}").fetchone()
    assert row is not None
    total, rejected = int(row[0]), int(row[1])
    return total - rejected, rejected


def _collect_rejects(con: duckdb.DuckDBPyConnection, source: _Source, order: int) -> None:
    """Append the table's rejected rows, with the raw row as read, to ``_rejects``."""
    pairs = ", ".join(f"{_lit(name)}, s._c{i}" for i, name in enumerate(source.file_columns))
    con.execute(
        f"""
        INSERT INTO _rejects
        SELECT {_lit(source.spec.name)}, {_lit(source.path.name)}, f._row_number,
            CAST(json_object({pairs}) AS VARCHAR), f._reason, {order}
        FROM {_ident("_final_" + source.spec.name)} AS f
        JOIN {_ident(source.stage)} AS s ON s.rowid = f._row_number - 1
        WHERE f._reason IS NOT NULL
        """
    )


def _profile_columns(
    con: duckdb.DuckDBPyConnection, staged: dict[str, _Source], loaded_at: dt.datetime
) -> None:
    """Build ``_load_columns``: per contract table and column, what the load carried.

    One aggregate query per loaded table counts its loaded rows, the rows with
    a value in each column (as the file gave it: a default the loader filled in,
    such as category 'unknown' or discount 0, does not count) and the span of
    each date or timestamp column; a table without a file gets its rows with
    zero counts.
    """
    con.execute(f"CREATE TABLE _load_columns ({LOAD_COLUMNS_DDL})")
    rows: list[list[object]] = []
    for spec in TABLES.values():
        source = staged.get(spec.name)
        stats: dict[str, object] = {}
        if source is not None:
            parts = ["count(*) AS _rows"]
            for i, column in enumerate(spec.columns):
                if column.default is not None:
                    # a value the loader filled in is not data the file carried
                    parts.append(f"count(*) FILTER (WHERE {_ident(_GIVEN + column.name)}) AS n{i}")
                else:
                    parts.append(f"count({_ident(column.name)}) AS n{i}")
                if column.type in ("date", "timestamp"):
                    parts.append(f"CAST(min({_ident(column.name)}) AS DATE) AS lo{i}")
                    parts.append(f"CAST(max({_ident(column.name)}) AS DATE) AS hi{i}")
            cursor = con.execute(
                f"SELECT {', '.join(parts)} FROM {_ident('_final_' + spec.name)} WHERE _reason IS NULL"
            )
            names = [d[0] for d in cursor.description]
            stats = dict(zip(names, cursor.fetchone(), strict=True))
        for i, column in enumerate(spec.columns):
            rows.append(
                [
                    spec.name,
                    column.name,
                    spec.required,
                    column.required,
                    source is not None and column.name in source.mapping,
                    int(stats.get("_rows", 0)),
                    int(stats.get(f"n{i}", 0)),
                    stats.get(f"lo{i}"),
                    stats.get(f"hi{i}"),
                    COVERAGE_DATE_COLUMN[spec.name] == column.name,
                    loaded_at,
                ]
            )
    # one statement for all rows (executemany runs one INSERT per row: slow for ~200 rows)
    placeholders = ", ".join("(" + ", ".join("?" for _ in range(11)) + ")" for _ in rows)
    con.execute(
        f"INSERT INTO _load_columns SELECT * FROM (VALUES {placeholders})",
        [value for row in rows for value in row],
    )


# --------------------------------------------------------------------------- derived columns

PII_KEY_ENV = "KPI_PII_HASH_KEY"
# The key used, when KPI_PII_HASH_KEY is unset, for data our generator wrote (its
# marker file is in the input folder): synthetic addresses only, so not a secret.
DEMO_PII_HASH_KEY = "kpi-demo-key: synthetic data only, not a secret"
GENERATOR_MARKER = ".generated-by-generate_data"
GENERATOR_TRUTH = "ground_truth.json"
PII_KEY_HINT = (
    f"set a secret key first, e.g. export {PII_KEY_ENV}=$(python -c 'import secrets; "
    "print(secrets.token_hex(32))'), and keep it secret and stable (another key gives other hashes)"
)


def generated_input(input_dir: Path) -> bool:
    """True for a folder our generator wrote: its marker, or (increments) its ground truth."""
    if (input_dir / GENERATOR_MARKER).is_file():
        return True
    truth = input_dir / GENERATOR_TRUTH
    if not truth.is_file():
        return False
    try:
        planted = json.loads(truth.read_text(encoding="utf-8")).get("planted", {})
    except (OSError, ValueError, AttributeError):
        return False
    return isinstance(planted, dict) and "generator_version" in planted


def pii_hash(key: str, value: str | None) -> str | None:
    """Hex HMAC-SHA256 of ``lower(trim(value))`` under ``key``; None for a missing value."""
    if value is None:
        return None
    text = value.strip().lower()
    if not text:
        return None
    return hmac.new(key.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()


def _derive_email_hash(con: duckdb.DuckDBPyConnection, staged: dict[str, _Source], input_dir: Path) -> None:
    """Add ``email_hash`` (keyed HMAC of the email) to the checked customers; the key must be set."""
    source = staged["shop_customers"]
    final = _ident("_final_shop_customers")
    row = con.execute(f"SELECT count(email) FROM {final} WHERE _reason IS NULL").fetchone()
    has_emails = bool(row and row[0])
    key = os.environ.get(PII_KEY_ENV) or ""
    if not key and has_emails:
        if not generated_input(input_dir):
            raise LoadError(
                f"{source.path}: column 'email' has addresses, which are stored only as a keyed hash, "
                f"but {PII_KEY_ENV} is not set: {PII_KEY_HINT}"
            )
        key = DEMO_PII_HASH_KEY
    con.execute(f"ALTER TABLE {final} ADD COLUMN email_hash VARCHAR")
    if not has_emails:
        return
    con.create_function(
        "_pii_hash", lambda value: pii_hash(key, value), ["VARCHAR"], "VARCHAR", side_effects=False
    )
    try:
        con.execute(f"UPDATE {final} SET email_hash = _pii_hash(email) WHERE email IS NOT NULL")
    finally:
        con.remove_function("_pii_hash")


# --------------------------------------------------------------------------- writing


def _column_ddl(spec: TableSpec) -> str:
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


def _table_ddl(target: str, columns: str, description: str, column_descriptions: dict[str, str]) -> str:
    """Statements replacing one table, with its comments (one batch: fewer round trips)."""
    statements = [
        f"DROP TABLE IF EXISTS {target}",
        f"CREATE TABLE {target} ({columns})",
        f"COMMENT ON TABLE {target} IS {_lit(description)}",
    ]
    statements += [
        f"COMMENT ON COLUMN {target}.{_ident(name)} IS {_lit(text)}"
        for name, text in column_descriptions.items()
    ]
    return ";\n".join(statements)


# New DuckDB files keep the storage format DuckDB 1.1+ reads (a file keeps its
# format on later writes), so older readers (BI tools) can open the warehouse.
STORAGE_VERSION = "v1.1.0"


def working_copy_of(database: Path) -> Path:
    """The file a load builds in before it is published over ``database``."""
    return Path(f"{database}.loading")


@contextlib.contextmanager
def _exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock named ``path`` (fatal when another load holds it); removed on exit."""
    import fcntl

    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise LoadError(f"{path}: cannot create the load's lock file ({exc.strerror})") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise LoadError(
                f"{path}: another load into the same database is running (wait for it to finish)"
            ) from None
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the holder before us removed the file: lock the new one
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
        os.close(fd)


def _write(
    con: duckdb.DuckDBPyConnection,
    database: Path,
    results: list[TableResult],
    staged: dict[str, _Source],
    loaded_at: dt.datetime,
    in_place: bool = False,
) -> None:
    """Replace the raw layer and the rejects, publishing the result atomically.

    The load builds in a working copy next to ``database`` (``<file>.loading``: a
    copy of the published file, or a new file), checkpoints it and renames it
    over ``database``: a reader holding the published file open never blocks the
    load and never sees a partial state, and a failed or killed load leaves the
    published file as it was (a stale working copy is removed by the next load).
    ``in_place`` writes straight into ``database`` (for a caller that already
    works on a private copy), in one transaction.
    """
    database.parent.mkdir(parents=True, exist_ok=True)
    if in_place:
        _write_file(con, database, results, staged, loaded_at, remove_on_failure=not database.exists())
        return
    wal = Path(f"{database}.wal")
    if wal.exists():
        raise LoadError(
            f"{wal}: the database has an unfinished write-ahead log (another program is writing to it, "
            "or one was killed); open the database once with DuckDB to recover it, then load again"
        )
    working = working_copy_of(database)
    with _exclusive_lock(Path(f"{database}.lock")):
        for stale in (working, Path(f"{working}.wal")):
            stale.unlink(missing_ok=True)
        try:
            if database.exists():
                try:
                    shutil.copyfile(database, working)
                except OSError as exc:
                    raise LoadError(
                        f"{working}: cannot copy the warehouse to a working copy, nothing was changed "
                        f"({exc.strerror})"
                    ) from exc
            _write_file(con, working, results, staged, loaded_at, remove_on_failure=True)
            os.replace(working, database)
        except BaseException:
            for leftover in (working, Path(f"{working}.wal")):
                leftover.unlink(missing_ok=True)
            raise


def _write_file(
    con: duckdb.DuckDBPyConnection,
    database: Path,
    results: list[TableResult],
    staged: dict[str, _Source],
    loaded_at: dt.datetime,
    remove_on_failure: bool,
) -> None:
    """Replace the raw layer and the rejects in ``database`` in one transaction, then checkpoint."""
    existed = database.exists()
    options = "" if existed else f" (STORAGE_VERSION {_lit(STORAGE_VERSION)})"
    try:
        con.execute(f"ATTACH {_lit(str(database))} AS wh{options}")
    except duckdb.Error as exc:
        raise LoadError(f"{database}: cannot open the warehouse database ({_error_text(exc)})") from exc
    raw, rej = f"wh.{_ident(RAW_SCHEMA)}", f"wh.{_ident(REJECTS_SCHEMA)}"
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {raw}; CREATE SCHEMA IF NOT EXISTS {rej}")
        for spec in TABLES.values():
            started = time.perf_counter()
            target = f"{raw}.{_ident(spec.name)}"
            descriptions = {c.name: c.description for c in spec.stored_columns}
            con.execute(_table_ddl(target, _column_ddl(spec), spec.description, descriptions))
            source = staged.get(spec.name)
            if source is not None:
                cols = ", ".join(_ident(c.name) for c in spec.stored_columns)
                order = "" if source.in_file_order else " ORDER BY _row_number"
                con.execute(
                    f"INSERT INTO {target} SELECT {cols} FROM {_ident('_final_' + spec.name)} "
                    f"WHERE _reason IS NULL{order}"
                )
            log.debug("wrote %s.%s in %.2fs", RAW_SCHEMA, spec.name, time.perf_counter() - started)

        rejected = f"{rej}.{_ident(REJECTED_ROWS_TABLE)}"
        con.execute(_table_ddl(rejected, REJECTED_ROWS_DDL, REJECTED_ROWS_COMMENT, REJECTED_ROWS_COLUMNS))
        con.execute(
            f"INSERT INTO {rejected} SELECT * EXCLUDE (_order) FROM _rejects ORDER BY _order, row_number"
        )

        columns = f"{rej}.{_ident(LOAD_COLUMNS_TABLE)}"
        con.execute(_table_ddl(columns, LOAD_COLUMNS_DDL, LOAD_COLUMNS_COMMENT, LOAD_COLUMNS_COLUMNS))
        con.execute(f"INSERT INTO {columns} SELECT * FROM _load_columns")

        summary = f"{rej}.{_ident(LOAD_SUMMARY_TABLE)}"
        con.execute(_table_ddl(summary, LOAD_SUMMARY_DDL, LOAD_SUMMARY_COMMENT, LOAD_SUMMARY_COLUMNS))
        con.executemany(
            f"INSERT INTO {summary} VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                [
                    r.table,
                    r.source_file,
                    r.input_rows,
                    r.loaded_rows,
                    r.rejected_rows,
                    loaded_at,
                    r.over_refunded_rows,
                ]
                for r in results
            ],
        )
        started = time.perf_counter()
        con.execute("COMMIT")
        con.execute("CHECKPOINT wh")
        log.debug("committed in %.1fs", time.perf_counter() - started)
    except BaseException as exc:
        # Roll back whatever part of the write happened: the database keeps its previous content.
        for statement in ("ROLLBACK", "DETACH wh"):
            try:
                con.execute(statement)
            except duckdb.Error:
                log.debug("%s failed after a write error", statement, exc_info=True)
        if remove_on_failure:
            for leftover in (database, Path(f"{database}.wal")):
                leftover.unlink(missing_ok=True)
        if isinstance(exc, duckdb.Error):
            raise LoadError(f"{database}: write failed, nothing was changed ({_error_text(exc)})") from exc
        raise
    con.execute("DETACH wh")


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
                cur.execute(_table_ddl(target, _column_ddl(spec), spec.description, descriptions))
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
            cur.execute(_table_ddl(rejected, REJECTED_ROWS_DDL, REJECTED_ROWS_COMMENT, REJECTED_ROWS_COLUMNS))
            copy_in(
                cur,
                rejected,
                "SELECT * EXCLUDE (_order) FROM _rejects ORDER BY _order, row_number",
                ["table_name", "source_file", "row_number", "raw_row", "reason"],
            )
            columns = f"{rej}.{_ident(LOAD_COLUMNS_TABLE)}"
            cur.execute(_table_ddl(columns, LOAD_COLUMNS_DDL, LOAD_COLUMNS_COMMENT, LOAD_COLUMNS_COLUMNS))
            copy_in(
                cur,
                columns,
                "SELECT * FROM _load_columns",
                [name for name, _ in _spark_columns(LOAD_COLUMNS_DDL)],
            )
            summary = f"{rej}.{_ident(LOAD_SUMMARY_TABLE)}"
            cur.execute(_table_ddl(summary, LOAD_SUMMARY_DDL, LOAD_SUMMARY_COMMENT, LOAD_SUMMARY_COLUMNS))
            cur.executemany(
                f"INSERT INTO {summary} VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [
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
                ],
            )
    except psycopg2.Error as exc:
        raise LoadError(
            f"{redact_url(url)}: write failed, nothing was changed ({str(exc).strip().splitlines()[0]})"
        ) from exc
    finally:
        pg.close()


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
        summary_rows = ", ".join(
            "("
            + ", ".join(
                [
                    _lit(r.table),
                    _lit(r.source_file) if r.source_file else "NULL",
                    str(r.input_rows),
                    str(r.loaded_rows),
                    str(r.rejected_rows),
                    f"TIMESTAMP {_lit(loaded_at.isoformat(sep=' '))}",
                    "CAST(NULL AS BIGINT)" if r.over_refunded_rows is None else str(r.over_refunded_rows),
                ]
            )
            + ")"
            for r in results
        )
        summary_columns = _spark_columns(LOAD_SUMMARY_DDL)
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


# --------------------------------------------------------------------------- entry points


def _stage_all(
    con: duckdb.DuckDBPyConnection, files: dict[str, Path], warnings: list[str]
) -> dict[str, _Source]:
    """Read every input file completely, so any fatal problem surfaces before a write."""
    staged: dict[str, _Source] = {}
    for spec in TABLES.values():
        if spec.name not in files:
            message = f"{spec.name}: no input file, created empty (optional table)"
            warnings.append(message)
            log.info(message)
            continue
        started = time.perf_counter()
        source = stage_file(con, spec, files[spec.name], warnings)
        source.seconds = time.perf_counter() - started
        staged[spec.name] = source
        log.info(
            "%-32s read %11s rows from %s (%.1fs)",
            spec.name,
            f"{source.input_rows:,}",
            source.path.name,
            source.seconds,
        )
    return staged


def _validate_all(
    con: duckdb.DuckDBPyConnection,
    staged: dict[str, _Source],
    timezone: str,
    window: Window | None = None,
    warnings: list[str] | None = None,
) -> list[TableResult]:
    """Check every staged table in contract order (parents before references)."""
    con.execute(
        "CREATE TABLE _rejects (table_name VARCHAR, source_file VARCHAR, "
        "row_number BIGINT, raw_row VARCHAR, reason VARCHAR, _order INTEGER)"
    )
    results: list[TableResult] = []
    validated: set[str] = set()
    for order, spec in enumerate(TABLES.values()):
        source = staged.get(spec.name)
        if source is None:
            results.append(TableResult(spec.name, None, 0, 0, 0, 0.0))
            continue
        started = time.perf_counter()
        if spec.required and source.input_rows == 0 and warnings is not None:
            dependants = sorted(
                t.name
                for t in TABLES.values()
                for c in t.columns
                if c.references and c.references[0] == spec.name and t.name in staged
            )
            also = (
                f"; every row of {', '.join(dependants)} that refers to it is rejected" if dependants else ""
            )
            message = (
                f"WARNING: required table {spec.name} has a header but no rows ({source.path.name}): "
                f"its KPIs will be empty{also}"
            )
            warnings.append(message)
            log.warning(message)
        loaded, rejected = validate_table(con, source, timezone, parents=validated, window=window)
        validated.add(spec.name)
        if loaded + rejected != source.input_rows:
            raise RuntimeError(
                f"{spec.name}: loaded {loaded} + rejected {rejected} != input {source.input_rows}"
            )
        if rejected:
            _collect_rejects(con, source, order)
        con.execute(f"DROP TABLE {_ident(source.stage)}")
        seconds = time.perf_counter() - started
        results.append(
            TableResult(
                table=spec.name,
                source_file=source.path.name,
                input_rows=source.input_rows,
                loaded_rows=loaded,
                rejected_rows=rejected,
                seconds=source.seconds + seconds,
            )
        )
        log.info(
            "%-32s checked: %s loaded, %s rejected (%.1fs)",
            spec.name,
            f"{loaded:,}",
            f"{rejected:,}",
            seconds,
        )
    return results


OVER_REFUNDS_SQL = """
WITH orders AS (
    SELECT order_id, currency, items_amount - coalesce(discount_amount, 0) AS refundable
    FROM _final_shop_orders WHERE _reason IS NULL
),
items AS (
    SELECT order_item_id, quantity * unit_price - coalesce(discount_amount, 0) AS refundable
    FROM _final_shop_order_items WHERE _reason IS NULL
),
dated AS (
    SELECT r.refund_id, r.order_id, r.order_item_id, r.amount, r.refunded_at, o.currency,
        CASE WHEN r.order_item_id IS NULL THEN o.refundable ELSE coalesce(i.refundable, 0) END AS refundable
    FROM _final_shop_refunds AS r
    JOIN orders AS o ON r.order_id = o.order_id
    LEFT JOIN items AS i ON r.order_item_id = i.order_item_id
    WHERE r._reason IS NULL
),
with_earlier AS (
    SELECT *, coalesce(sum(CASE WHEN refunded_at IS NOT NULL THEN amount END) OVER (
        PARTITION BY order_id, coalesce(order_item_id, '')
        ORDER BY refunded_at, refund_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS earlier
    FROM dated
),
excess AS (
    SELECT currency, amount - least(amount, greatest(refundable - earlier, 0)) AS excess FROM with_earlier
)
SELECT currency, count(*), sum(excess) FROM excess WHERE excess > 0 GROUP BY currency ORDER BY currency
"""


def _over_refunds(
    con: duckdb.DuckDBPyConnection, staged: dict[str, _Source]
) -> list[tuple[str, int, Decimal]]:
    """Refunds larger than what they refund (their line, or the whole order, less earlier
    completed refunds of it), per currency: loaded as they are, capped downstream, reported here."""
    if "shop_refunds" not in staged:
        return []
    return [(str(c), int(n), Decimal(str(x))) for c, n, x in con.execute(OVER_REFUNDS_SQL).fetchall()]


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
