"""Cut a generated data set down to what was known at the end of one day.

The generator writes a whole history at once. For incremental loads the
warehouse needs the same history as it arrives day by day: ``--through D``
writes every raw table as it stood at the end of day D (UTC), so that the
files for D, D+1, D+2 ... are successive daily deliveries of one shop. Each
delivery is complete (the previous day's rows plus the new day's), and the
loader replaces raw with it, as it always does.

Two kinds of rows make the deliveries hard for incremental models:

* late rows: about one web event and one order in twenty arrive 1 to 3 days
  after their own timestamp (``LATE_SHARE``, ``MAX_DELAY_DAYS``), so a new
  delivery carries rows dated inside the lookback window;
* changed rows: an order cancelled or refunded after D is delivered for D in
  its earlier state (paid or delivered, no cancellation, no completed refund)
  and changes in a later delivery; refunds still pending at the end of D have
  no ``refunded_at``, shipments not yet delivered no ``delivered_at``.

Tables that no incremental model reads (support, reviews, surveys, marketing)
are cut by their creation timestamp only. Products, exchange rates and
headcount are reference data and delivered whole.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb

from scripts.raw_contract import COVERAGE_DATE_COLUMN

LOG = logging.getLogger("generate_increment")

LATE_SHARE_PER_MILLE = 50
MAX_DELAY_DAYS = 3

# table -> the timestamp (or date) column a row is created at (the contract's
# coverage date column); None: delivered whole (reference data)
CREATED_AT: dict[str, str | None] = {
    **COVERAGE_DATE_COLUMN,
    "shop_products": None,
    "finance_exchange_rates": None,
    "org_headcount": None,
}
LATE_KEY = {"web_events": "event_id", "shop_orders": "order_id"}


def _ts(column: str) -> str:
    """The column as a UTC timestamp; unparseable values (the loader rejects them) stay null."""
    return f"try_cast({column} as timestamptz)"


def _arrival(column: str, key: str) -> str:
    """When a row arrives: at its timestamp, or 1-3 days later for the late share."""
    late = f"hash({key}) % 1000 < {LATE_SHARE_PER_MILLE}"
    delay = f"(1 + hash({key}) // 1000 % {MAX_DELAY_DAYS}) * interval 1 day"
    return f"case when {late} then {_ts(column)} + {delay} else {_ts(column)} end"


def table_sql(table: str, source: Path, cutoff: str) -> str:
    """The select that cuts one raw file down to the rows known at the cutoff."""
    created = CREATED_AT[table]
    read = f"read_csv('{source}', all_varchar = true, header = true)"
    if table == "shop_orders":
        known = f"coalesce({_arrival('ordered_at', 'order_id')} <= {cutoff}, true)"
        after = f"coalesce({_ts('cancelled_at')} > {cutoff}, false)"
        refunded_after = (
            f"(lower(trim(status)) = 'refunded' and coalesce({_ts('updated_at')} > {cutoff}, false))"
        )
        return f"""
            select * replace (
                case when {after} then 'paid' when {refunded_after} then 'delivered' else status end as status,
                case when {after} then null else cancelled_at end as cancelled_at,
                case when {after} or {refunded_after} then ordered_at else updated_at end as updated_at
            )
            from {read} where {known}"""
    if table == "shop_order_items":
        return f"select * from {read} where order_id in (select order_id from known_orders)"
    if created is None:
        return f"select * from {read}"
    if created.endswith("_date"):
        known = f"coalesce(try_cast({created} as date) <= cast({cutoff} as date), true)"
    elif table in LATE_KEY:
        known = f"coalesce({_arrival(created, LATE_KEY[table])} <= {cutoff}, true)"
    else:
        known = f"coalesce({_ts(created)} <= {cutoff}, true)"
    sql = f"select * from {read} where {known}"
    if table in {"shop_payments", "shop_refunds", "shop_shipments"}:
        sql += " and (order_id is null or order_id in (select order_id from known_orders))"
    if table == "shop_refunds":
        sql = sql.replace(
            "select *",
            f"select * replace (case when coalesce({_ts('refunded_at')} > {cutoff}, false) "
            "then null else refunded_at end as refunded_at)",
            1,
        )
    if table == "shop_shipments":
        sql = sql.replace(
            "select *",
            f"select * replace (case when coalesce({_ts('delivered_at')} > {cutoff}, false) "
            "then null else delivered_at end as delivered_at)",
            1,
        )
    return sql


def write_increment(full: Path, through: dt.date, out: Path) -> dict[str, int]:
    """Write every table of the data set in ``full`` as known at the end of ``through``."""
    out.mkdir(parents=True, exist_ok=True)
    cutoff = f"timestamptz '{through + dt.timedelta(days=1)} 00:00:00+00' - interval 1 second"
    rows: dict[str, int] = {}
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    try:
        orders = full / "shop_orders.csv"
        con.execute(
            f"create temp table known_orders as select order_id from ({table_sql('shop_orders', orders, cutoff)})"
        )
        for table in CREATED_AT:
            source = full / f"{table}.csv"
            if not source.exists():
                raise FileNotFoundError(f"{source} is missing (the increment needs a csv data set)")
            target = out / f"{table}.csv"
            con.execute(f"copy ({table_sql(table, source, cutoff)}) to '{target}' (header, delimiter ',')")
            rows[table] = con.execute(
                f"select count(*) from read_csv('{target}', all_varchar = true)"
            ).fetchone()[0]
            LOG.debug("%-34s %9d rows", table, rows[table])
    finally:
        con.close()
    truth = full / "ground_truth.json"
    if truth.exists():
        shutil.copyfile(truth, out / "ground_truth.json")
    return rows


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="generate_increment.py",
        description="Write a generated csv data set as it was known at the end of one day "
        "(late rows held back, later cancellations and refunds not yet applied).",
    )
    parser.add_argument(
        "--increment-of", dest="full", type=Path, required=True, help="generated data set (csv)"
    )
    parser.add_argument("--through", type=_date, required=True, help="last day delivered, YYYY-MM-DD (UTC)")
    parser.add_argument("--out", type=Path, required=True, help="output folder (created if missing)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        rows = write_increment(args.full, args.through, args.out)
    except (OSError, duckdb.Error) as exc:
        LOG.error("increment failed: %s", exc)
        return 1
    print(f"wrote {len(rows)} tables, {sum(rows.values())} rows known through {args.through} to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
