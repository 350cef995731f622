"""The contract's vocabulary: schemas, file formats, types, the plausibility window,
and the ColumnSpec / RowCheck / TableSpec types the tables are written in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

RAW_SCHEMA = "raw"
REJECTS_SCHEMA = "raw_rejects"
REJECTED_ROWS_TABLE = "rejected_rows"
LOAD_SUMMARY_TABLE = "load_summary"
LOAD_COLUMNS_TABLE = "load_columns"

# Accepted file name suffixes, in the order the loader looks for them.
FILE_SUFFIXES: tuple[str, ...] = (".csv", ".csv.gz", ".parquet")

ColumnType = Literal["string", "timestamp", "date", "integer", "decimal", "boolean"]
RowCheckKind = Literal["equals_sum", "not_before", "not_above", "first_of_month"]

# Storage type of each contract type. Timestamps are naive and always UTC.
DUCKDB_TYPES: dict[str, str] = {
    "string": "VARCHAR",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
    "integer": "BIGINT",
    "decimal": "DECIMAL(18,4)",
    "boolean": "BOOLEAN",
}

BOOLEAN_TRUE: tuple[str, ...] = ("true", "1", "yes")
BOOLEAN_FALSE: tuple[str, ...] = ("false", "0", "no")

ISO_3166_ALPHA_2 = r"^[A-Za-z]{2}$"
ISO_4217 = r"^[A-Za-z]{3}$"

# The upper bound of birth_year is the year the contract is evaluated in (UTC).
CURRENT_YEAR = dt.datetime.now(dt.UTC).year

# Plausibility window of every date and timestamp column: a value before the
# earliest date (loader option --earliest-date) or later than the load time plus
# the column's ``future_days`` (default FUTURE_DAYS) is quarantined. A column where
# planned values are legitimate gets a wider, stated allowance.
DEFAULT_EARLIEST_DATE = dt.date(2000, 1, 1)
FUTURE_DAYS = 1


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a raw table and the rules the loader enforces on it.

    ``allowed`` is a closed, case-insensitive set (values are stored in the
    spelling given here). ``min_value``/``max_value`` are inclusive bounds;
    ``min_exclusive`` turns the lower bound into ``> min_value``. ``default``
    (as text) replaces a missing value before any other check. ``references``
    is a ``(table, column)`` pair that every non-missing value must exist in.
    """

    name: str
    type: ColumnType
    required: bool = False
    description: str = ""
    allowed: tuple[str, ...] | None = None
    min_value: int | float | None = None
    max_value: int | float | None = None
    min_exclusive: bool = False
    default: str | None = None
    pattern: str | None = None
    pattern_name: str | None = None
    references: tuple[str, str] | None = None
    sql_type: str | None = None
    # dates and timestamps: how far after the load time a value may lie (days)
    future_days: int = FUTURE_DAYS

    @property
    def duckdb_type(self) -> str:
        """DuckDB storage type of the column in the raw layer."""
        return self.sql_type or DUCKDB_TYPES[self.type]

    def range_text(self) -> str | None:
        """Human-readable range rule, e.g. ``>= 0`` or ``1..5``."""
        lo, hi = self.min_value, self.max_value
        if lo is None and hi is None:
            return None
        if hi is None:
            return f"{'>' if self.min_exclusive else '>='} {lo}"
        if lo is None:
            return f"<= {hi}"
        if self.min_exclusive:
            return f"> {lo} and <= {hi}"
        return f"{lo}..{hi}"

    def window_text(self) -> str | None:
        """Human-readable plausibility window of a date or timestamp column."""
        if self.type not in ("date", "timestamp"):
            return None
        days = "1 day" if self.future_days == 1 else f"{self.future_days} days"
        return f"from --earliest-date (default {DEFAULT_EARLIEST_DATE}) to the load time + {days}"


@dataclass(frozen=True)
class RowCheck:
    """A rule across columns of one row, checked after types and defaults.

    Kinds (a check whose inputs are missing is not applicable and passes):

    - ``equals_sum``: ``column`` equals the signed sum of ``terms`` within
      ``tolerance``; ``terms`` are ``(sign, column)`` pairs with sign +1 or -1.
    - ``not_before``: ``column >= other`` (timestamps or dates).
    - ``not_above``: ``column <= other``.
    - ``first_of_month``: ``column`` (a date) is the first day of a month.
    """

    kind: RowCheckKind
    column: str
    description: str
    other: str | None = None
    terms: tuple[tuple[int, str], ...] = ()
    tolerance: float = 0.0

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the check reads."""
        cols = [self.column]
        if self.other:
            cols.append(self.other)
        cols.extend(name for _, name in self.terms)
        return tuple(cols)


@dataclass(frozen=True)
class TableSpec:
    """One raw table: its columns in contract order, key and row rules."""

    name: str
    required: bool
    description: str
    primary_key: tuple[str, ...]
    columns: tuple[ColumnSpec, ...]
    checks: tuple[RowCheck, ...] = ()
    # Columns the loader computes and stores after ``columns`` (never read from
    # the file: an input column of that name is an extra column).
    derived_columns: tuple[ColumnSpec, ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        """The columns of the input file, in contract order."""
        return tuple(c.name for c in self.columns)

    @property
    def stored_columns(self) -> tuple[ColumnSpec, ...]:
        """The columns of the raw table: the file's, then the loader-derived ones."""
        return self.columns + self.derived_columns

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> ColumnSpec:
        """The column spec called ``name`` (KeyError if there is none)."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")


def _c(name: str, type_: ColumnType, description: str, **rules: object) -> ColumnSpec:
    return ColumnSpec(name=name, type=type_, description=description, **rules)  # type: ignore[arg-type]


_NOT_ENFORCED = "not enforced by the loader; staging normalises"

_MONEY = {"min_value": 0}
_COUNT = {"min_value": 0}
_COUNTRY = {"pattern": ISO_3166_ALPHA_2, "pattern_name": "ISO-3166 alpha-2 code"}
_CURRENCY = {"pattern": ISO_4217, "pattern_name": "ISO-4217 code"}
