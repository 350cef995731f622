"""Profiles: the synthetic shop reshaped the way real exports look.

A profile takes the full generated data set (every contract table, three
currencies, UTC, 2024-2025) and turns it into what a real shop's export could
be: some tables missing, optional columns empty, one currency, timestamps as
local wall-clock time without an offset in the shop's time zone, another date
span, and a window that starts and ends in the middle of a month (the shop's
earlier history is missing, while its customer table still holds the customers
who signed up before the window).

    python scripts/generate_data.py --profile minimal --out data/minimal --scale 0.05
    python scripts/load_raw.py --input data/minimal --database /tmp/x.duckdb --assume-timezone Australia/Sydney

Column definitions come only from ``scripts/raw_contract.py`` (``TABLES``):
the kept tables, their columns, types and required flags. The transformation
runs in DuckDB on the generator's Parquet output.

Rules common to every profile:

- every ``currency`` column holds the profile's currency; amounts are unchanged
  (exactly: decimals are copied, never converted); finance_exchange_rates is
  dropped (one currency needs no rates);
- every timestamp is moved back ``day_shift`` days (a multiple of 7, so
  weekdays are kept) and written as local wall-clock time in the profile's
  zone, ``YYYY-MM-DDTHH:MM:SS`` without an offset (load with
  ``--assume-timezone <zone>``); every date moves back the same number of days;
- rows are cut to the window by the order's local time: orders placed in the
  window; their items, payments, shipments and refunds (every table whose
  ``order_id`` is required) by order; reviews by their time and, when they
  name an order, only if that order is kept; other tables by their first
  required date or timestamp; customers kept when they signed up on or before
  the window's last day; products all kept;
- a row check ``equals_sum`` whose terms were emptied (bare: discount, shipping
  and tax on orders) is re-established from the terms that are left, so every
  file still meets the contract (the loader rejects nothing).

``profile_truth`` recomputes, from the profile's own files, the facts the tests
check the warehouse against (monthly placed orders, GMV and, where the orders
still name their customers, the true number of new customers).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scripts.raw_contract import REQUIRED_TABLES, TABLES, TableSpec

if TYPE_CHECKING:
    import duckdb

FULL = "full"
SUFFIX_OF_FORMAT = {"csv": ".csv", "csv.gz": ".csv.gz", "parquet": ".parquet"}
TIMESTAMP_TEXT = "%Y-%m-%dT%H:%M:%S"
# Tables whose rows are all kept, whatever their dates (a catalogue).
KEEP_ALL_ROWS = ("shop_products",)
# Tables kept up to the window's last day (accounts opened before the window stay).
KEEP_UNTIL_END = {"shop_customers": "signup_at"}
ORDERS = "shop_orders"
ORDER_TIME = "ordered_at"


class ProfileError(Exception):
    """A profile cannot be applied (unknown name, window outside the data)."""


@dataclasses.dataclass(frozen=True)
class Profile:
    """How one profile reshapes the full data set.

    ``tables``: the tables written (None = every contract table but the
    exchange rates). ``empty``: columns emptied, ``table.column``; ``"*"``
    empties every non-required column of every kept table. ``window``: first
    and last local day of the orders kept."""

    name: str
    description: str
    currency: str
    timezone: str
    day_shift: int
    window: tuple[dt.date, dt.date]
    tables: tuple[str, ...] | None = None
    empty: tuple[str, ...] = ()

    def kept_tables(self) -> tuple[str, ...]:
        wanted = self.tables if self.tables is not None else tuple(TABLES)
        unknown = sorted(set(wanted) - set(TABLES))
        if unknown:
            raise ProfileError(f"profile {self.name}: unknown tables {unknown}")
        # One currency needs no exchange rates.
        return tuple(t for t in TABLES if t in wanted and t != "finance_exchange_rates")

    def emptied(self) -> dict[str, tuple[str, ...]]:
        """Emptied columns per kept table, in contract order."""
        kept = self.kept_tables()
        out: dict[str, tuple[str, ...]] = {}
        for table in kept:
            spec = TABLES[table]
            cols = [
                c.name
                for c in spec.columns
                if ("*" in self.empty and not c.required) or f"{table}.{c.name}" in self.empty
            ]
            for c in cols:
                if spec.column(c).required:
                    raise ProfileError(f"profile {self.name}: {table}.{c} is required and cannot be emptied")
            if cols:
                out[table] = tuple(cols)
        for item in self.empty:
            if item != "*":
                table, _, column = item.partition(".")
                if table not in TABLES:
                    raise ProfileError(f"profile {self.name}: unknown table in {item!r}")
                TABLES[table].column(column)  # KeyError for an unknown column
        return out


PROFILES: dict[str, Profile] = {
    profile.name: profile
    for profile in (
        Profile(
            name="minimal",
            description="Only the four required tables, no product costs; AUD, Australia/Sydney, "
            "moved back 416 weeks (2016-2017), window from mid-month to mid-month.",
            currency="AUD",
            timezone="Australia/Sydney",
            day_shift=416 * 7,
            window=(dt.date(2016, 3, 16), dt.date(2017, 11, 14)),
            tables=REQUIRED_TABLES,
            empty=("shop_products.unit_cost",),
        ),
        Profile(
            name="bare",
            description="Only the four required tables and only their required columns; EUR, "
            "Asia/Kolkata (a half-hour offset), moved back 728 weeks (2010-2011).",
            currency="EUR",
            timezone="Asia/Kolkata",
            day_shift=728 * 7,
            window=(dt.date(2010, 2, 14), dt.date(2011, 6, 20)),
            tables=REQUIRED_TABLES,
            empty=("*",),
        ),
        Profile(
            name="marketplace",
            description="A marketplace seller: orders, items, customers, products, payments, shipments "
            "and reviews, no web tracking (orders carry no session); BRL, America/Sao_Paulo.",
            currency="BRL",
            timezone="America/Sao_Paulo",
            day_shift=0,
            window=(dt.date(2024, 2, 10), dt.date(2025, 11, 25)),
            tables=(
                "shop_customers",
                "shop_products",
                "shop_orders",
                "shop_order_items",
                "shop_payments",
                "shop_shipments",
                "shop_reviews",
            ),
            empty=("shop_orders.session_id",),
        ),
    )
}
PROFILE_NAMES: tuple[str, ...] = (FULL, *PROFILES)


# --------------------------------------------------------------------------- SQL


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _local(profile: Profile, expr: str) -> str:
    """A UTC instant (TIMESTAMPTZ) moved back day_shift days, as naive local time."""
    shifted = f"({expr} - INTERVAL {int(profile.day_shift)} DAY)" if profile.day_shift else expr
    return f"timezone({_lit(profile.timezone)}, {shifted})"


def _time_column(spec: TableSpec) -> str | None:
    """The first required date or timestamp column: the time a row belongs to."""
    for col in spec.columns:
        if col.required and col.type in ("timestamp", "date"):
            return col.name
    return None


def _column_exprs(profile: Profile, spec: TableSpec, emptied: tuple[str, ...]) -> list[str]:
    """Select list turning a source row into the profile's row (timestamps as local
    TIMESTAMP, formatted on output)."""
    exprs: dict[str, str] = {}
    for col in spec.columns:
        src = _q(col.name)
        if col.name in emptied:
            expr = "NULL"
        elif col.name == "currency":
            expr = f"CASE WHEN {src} IS NOT NULL THEN {_lit(profile.currency)} END"
        elif col.type == "timestamp":
            expr = _local(profile, src)
        elif col.type == "date" and profile.day_shift:
            expr = f"CAST({src} - INTERVAL {int(profile.day_shift)} DAY AS DATE)"
        else:
            expr = src
        exprs[col.name] = expr
    # A sum rule whose terms were emptied holds again on the terms that are left.
    for check in spec.checks:
        if check.kind == "equals_sum" and any(name in emptied for _, name in check.terms):
            kept = [(sign, name) for sign, name in check.terms if name not in emptied]
            total = " ".join(f"{'+' if sign > 0 else '-'} coalesce({_q(name)}, 0)" for sign, name in kept)
            exprs[check.column] = f"(0 {total})"
    return [f"{expr} AS {_q(name)}" for name, expr in exprs.items()]


def _source_sql(path: Path) -> str:
    if path.name.endswith(".parquet"):
        return f"read_parquet({_lit(path)})"
    return f"read_csv({_lit(path)}, header = true, all_varchar = true)"


def _find_file(folder: Path, table: str) -> Path:
    for suffix in (".parquet", ".csv", ".csv.gz"):
        path = folder / f"{table}{suffix}"
        if path.exists():
            return path
    raise ProfileError(f"{folder}: no file for table {table}")


def _output_select(spec: TableSpec, relation: str) -> str:
    """The final select: timestamps as wall-clock text without offset, in key order."""
    cols = []
    for col in spec.columns:
        if col.type == "timestamp":
            cols.append(f"strftime({_q(col.name)}, {_lit(TIMESTAMP_TEXT)}) AS {_q(col.name)}")
        else:
            cols.append(_q(col.name))
    order = ", ".join(_q(k) for k in spec.primary_key)
    return f"SELECT {', '.join(cols)} FROM {relation} ORDER BY {order}"


def _copy_options(fmt: str) -> str:
    if fmt == "parquet":
        return "FORMAT parquet, COMPRESSION zstd"
    compression = "gzip" if fmt == "csv.gz" else "none"
    return f"FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', COMPRESSION {compression}"


def check_window(profile: Profile, start: dt.date, end: dt.date) -> None:
    """The profile's window must lie inside the shifted span of the full data."""
    first = start - dt.timedelta(days=profile.day_shift)
    last = end - dt.timedelta(days=profile.day_shift)
    lo, hi = profile.window
    if not (first < lo <= hi < last):
        raise ProfileError(
            f"profile {profile.name}: its window {lo}..{hi} is not inside the generated span "
            f"{start}..{end} moved back {profile.day_shift} days ({first}..{last}); "
            "use the default --start/--end with a profile"
        )


def apply_profile(
    profile: Profile, full_dir: Path, out: Path, fmt: str = "csv", planted: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Write the profile's files from the full data set in ``full_dir`` into ``out``
    (plus ground_truth.json); return the ground truth."""
    import duckdb

    if fmt not in SUFFIX_OF_FORMAT:
        raise ProfileError(f"unknown format {fmt!r}")
    kept = profile.kept_tables()
    emptied = profile.emptied()
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        for table in TABLES:
            if table in kept or table in (ORDERS, "shop_customers"):
                con.execute(
                    f"CREATE VIEW {_q('src_' + table)} AS SELECT * FROM {_source_sql(_find_file(full_dir, table))}"
                )
        lo, hi = (_lit(d.isoformat()) for d in profile.window)
        order_local = _local(profile, _q(ORDER_TIME))
        con.execute(
            f"CREATE TEMP TABLE kept_orders AS SELECT order_id FROM src_{ORDERS} "
            f"WHERE CAST({order_local} AS DATE) BETWEEN {lo} AND {hi}"
        )
        rows: dict[str, int] = {}
        for table in kept:
            spec = TABLES[table]
            src = _q("src_" + table)
            if table == ORDERS:
                where = "order_id IN (SELECT order_id FROM kept_orders)"
            elif table in KEEP_ALL_ROWS:
                where = "true"
            elif table in KEEP_UNTIL_END:
                where = f"CAST({_local(profile, _q(KEEP_UNTIL_END[table]))} AS DATE) <= {hi}"
            elif "order_id" in spec.column_names and spec.column("order_id").required:
                where = "order_id IN (SELECT order_id FROM kept_orders)"
            else:
                time_col = _time_column(spec)
                where = "true"
                if time_col is not None:
                    col = spec.column(time_col)
                    local = _local(profile, _q(time_col)) if col.type == "timestamp" else _q(time_col)
                    if col.type == "date" and profile.day_shift:
                        local = f"({local} - INTERVAL {int(profile.day_shift)} DAY)"
                    where = f"CAST({local} AS DATE) BETWEEN {lo} AND {hi}"
                if "order_id" in spec.column_names:
                    where += " AND (order_id IS NULL OR order_id IN (SELECT order_id FROM kept_orders))"
            select = ", ".join(_column_exprs(profile, spec, emptied.get(table, ())))
            con.execute(f"CREATE TEMP TABLE {_q('p_' + table)} AS SELECT {select} FROM {src} WHERE {where}")
            path = out / f"{table}{SUFFIX_OF_FORMAT[fmt]}"
            con.execute(
                f"COPY ({_output_select(spec, _q('p_' + table))}) TO {_lit(path)} ({_copy_options(fmt)})"
            )
            row = con.execute(f"SELECT count(*) FROM {_q('p_' + table)}").fetchone()
            rows[table] = int(row[0]) if row else 0
        facts = profile_truth(con, profile, out, fmt, full_dir)
    except duckdb.Error as exc:
        raise ProfileError(f"profile {profile.name}: {exc}") from exc
    finally:
        con.close()
    truth = {
        "_doc": {
            "planted": "The parameters planted in the full synthetic data set this profile was cut from.",
            "profile": "How the profile reshaped the full data set, and facts recomputed from its own files "
            "(local calendar months of the profile's zone; test accounts left out where is_test is present).",
        },
        "planted": {**dict(planted or {}), "profile": profile.name},
        "profile": {
            "name": profile.name,
            "description": profile.description,
            "currency": profile.currency,
            "timezone": profile.timezone,
            "day_shift": profile.day_shift,
            "window": {
                "first_local_date": profile.window[0].isoformat(),
                "last_local_date": profile.window[1].isoformat(),
            },
            "tables_written": list(kept),
            "tables_dropped": [t for t in TABLES if t not in kept],
            "columns_emptied": {t: list(c) for t, c in emptied.items()},
            "row_counts": rows,
            "load_with": f"--assume-timezone {profile.timezone}",
            "dbt_vars": {"reporting_currency": profile.currency, "reporting_timezone": profile.timezone},
            "facts": facts,
        },
    }
    (out / "ground_truth.json").write_text(json.dumps(truth, indent=2) + "\n")
    return truth


# --------------------------------------------------------------------------- facts


def _month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def profile_truth(
    con: duckdb.DuckDBPyConnection, profile: Profile, out: Path, fmt: str, full_dir: Path
) -> dict[str, Any]:
    """Monthly facts from the profile's own files (read back as text, as the loader
    sees them), plus the true new customers from the full, unshifted history."""
    suffix = SUFFIX_OF_FORMAT[fmt]

    def read(table: str) -> str:
        path = out / f"{table}{suffix}"
        if fmt == "parquet":  # as text, the way the CSV files are read
            return f"(SELECT COLUMNS(*)::VARCHAR FROM read_parquet({_lit(path)}))"
        return f"read_csv({_lit(path)}, header = true, all_varchar = true)"

    emptied = profile.emptied()
    customers_named = "customer_id" not in emptied.get(ORDERS, ())
    has_is_test = "is_test" not in emptied.get("shop_customers", ())
    test_ids = (
        f"(SELECT customer_id FROM {read('shop_customers')} WHERE lower(is_test) IN ('true', '1', 'yes'))"
        if has_is_test
        else "(SELECT NULL::VARCHAR WHERE false)"
    )
    rows = con.execute(
        f"""
        SELECT substr(ordered_at, 1, 7) AS month, count(*) AS orders,
               sum(CAST(items_amount AS DECIMAL(18, 2))
                   - coalesce(CAST(nullif(discount_amount, '') AS DECIMAL(18, 2)), 0)) AS gmv
        FROM {read(ORDERS)}
        WHERE customer_id IS NULL OR customer_id NOT IN {test_ids}
        GROUP BY 1 ORDER BY 1"""
    ).fetchall()
    by_month: dict[str, dict[str, Any]] = {m: {"orders": n, "gmv": str(g)} for m, n, g in rows}

    true_new: dict[str, int] = {}
    visible_new: dict[str, int] = {}
    if customers_named:
        # First valid (not cancelled) order of every non-test customer in the full,
        # unfiltered history, dated in the profile's local calendar.
        first_local = _local(profile, "min(o.ordered_at)")
        for month, n in con.execute(
            f"""
            SELECT strftime({first_local}, '%Y-%m') AS month, 1 AS one
            FROM src_{ORDERS} o JOIN {_source_sql(_find_file(full_dir, "shop_customers"))} c USING (customer_id)
            WHERE o.status <> 'cancelled' AND NOT coalesce(c.is_test, false)
            GROUP BY o.customer_id"""
        ).fetchall():
            true_new[month] = true_new.get(month, 0) + n
        # What the profile's files alone show (no earlier history).
        for month, n in con.execute(
            f"""
            SELECT month, count(*) FROM (
                SELECT customer_id, substr(min(ordered_at), 1, 7) AS month FROM {read(ORDERS)}
                WHERE customer_id IS NOT NULL AND status <> 'cancelled' AND customer_id NOT IN {test_ids}
                GROUP BY 1)
            GROUP BY 1"""
        ).fetchall():
            visible_new[month] = n

    span = con.execute(
        f"SELECT min(substr(ordered_at, 1, 10)), max(substr(ordered_at, 1, 10)) FROM {read(ORDERS)}"
    )
    first_day, last_day = span.fetchone() or (None, None)
    first, last = profile.window
    monthly = []
    for start in _month_starts(first, last):
        key = start.strftime("%Y-%m")
        next_start = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        row: dict[str, Any] = {
            "month": key,
            "is_complete": start >= first and next_start - dt.timedelta(days=1) <= last,
            "orders": by_month.get(key, {}).get("orders", 0),
            "gmv": by_month.get(key, {}).get("gmv", "0"),
        }
        if customers_named:
            row["true_new_customers"] = true_new.get(key, 0)
            row["visible_new_customers"] = visible_new.get(key, 0)
        monthly.append(row)
    return {
        "_doc": {
            "monthly": "Per local calendar month of the window: orders = placed orders, any status; gmv = "
            "sum(items_amount - discount_amount) of those orders (exact decimal, as text); "
            "true_new_customers = non-test customers whose first valid (not cancelled) order in the full "
            "history falls in the month; visible_new_customers = the same from the profile's orders alone "
            "(more in the first months: the earlier history is missing). is_complete = the whole month "
            "lies in the window.",
        },
        "first_order_local_date": first_day,
        "last_order_local_date": last_day,
        "test_accounts_excluded": has_is_test,
        "customers_named_on_orders": customers_named,
        "monthly": monthly,
    }
