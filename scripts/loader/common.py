"""What every part of the loader shares: its settings, results, errors and SQL helpers."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from scripts.raw_contract import (
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
    # The file's reader (read_csv/read_parquet SQL) when it is checked straight from
    # the file, without the all-text copy: the stage table then does not exist
    # (until a reject needs the raw text of a row the check did not keep, see
    # validate._collect_rejects) and input_rows is known only once it is checked.
    reader: str | None = None
    # whether ``_final_<table>`` has a ``_row_number`` column (else it is rowid + 1)
    has_row_number: bool = True


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
