"""End-to-end checks on a built warehouse: its shape, personal data, and that
nothing is lost or changed between the raw layer and staging."""

from __future__ import annotations

import json
from decimal import Decimal

import duckdb
import pytest

from scripts.raw_contract import TABLES
from scripts.render_sources import source_table_name, system_of

LAYER_SCHEMAS = {"raw", "raw_rejects", "staging", "intermediate", "marts"}


def staging_model(table: str) -> str:
    spec = TABLES[table]
    name = source_table_name(spec)
    if table == "survey_nps":
        name = "nps_responses"
    return f"stg_{system_of(spec).name}__{name}"


def test_schemas_are_exactly_the_layers(warehouse: duckdb.DuckDBPyConnection) -> None:
    schemas = {
        row[0]
        for row in warehouse.execute(
            "select schema_name from information_schema.schemata where catalog_name = current_database()"
        ).fetchall()
    }
    # DuckDB always has an empty `main`; nothing may be built there
    assert schemas - {"main"} == LAYER_SCHEMAS
    in_main = warehouse.execute(
        "select count(*) from information_schema.tables "
        "where table_catalog = current_database() and table_schema = 'main'"
    ).fetchone()[0]
    assert in_main == 0


def test_raw_tables_match_the_contract(warehouse: duckdb.DuckDBPyConnection) -> None:
    for table, spec in TABLES.items():
        columns = [
            row[0]
            for row in warehouse.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'raw' and table_name = ? order by ordinal_position",
                [table],
            ).fetchall()
        ]
        assert columns == [c.name for c in spec.stored_columns], table  # file columns, then derived


@pytest.mark.parametrize("table", list(TABLES))
def test_staging_keeps_every_raw_row(warehouse: duckdb.DuckDBPyConnection, table: str) -> None:
    raw = warehouse.execute(f'select count(*) from raw."{table}"').fetchone()[0]
    staged = warehouse.execute(f"select count(*) from staging.{staging_model(table)}").fetchone()[0]
    assert raw > 0, f"generated data should fill every table, {table} is empty"
    assert staged == raw


def test_load_counts_add_up(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = warehouse.execute(
        "select table_name, input_rows, loaded_rows, rejected_rows from raw_rejects.load_summary"
    ).fetchall()
    assert {r[0] for r in rows} == set(TABLES)
    for table, n_in, n_loaded, n_rejected in rows:
        assert n_loaded + n_rejected == n_in, table
        assert n_rejected == 0, f"generated data must load clean, {table} had rejects"
        actual = warehouse.execute(f'select count(*) from raw."{table}"').fetchone()[0]
        assert actual == n_loaded, table


def test_email_never_leaves_staging_unhashed(warehouse: duckdb.DuckDBPyConnection) -> None:
    columns = warehouse.execute(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_schema in ('staging', 'intermediate', 'marts') and data_type = 'VARCHAR'"
    ).fetchall()
    assert not [c for c in columns if c[2] == "email"], "a column named email exists past raw"
    sample = warehouse.execute(
        "select email from raw.shop_customers where email is not null limit 1"
    ).fetchone()[0]
    for schema, table, column in columns:
        hit = warehouse.execute(
            f'select count(*) from {schema}."{table}" where "{column}" like ? or "{column}" like ?',
            ["%@%.%", f"%{sample}%"],
        ).fetchone()[0]
        assert hit == 0, f"{schema}.{table}.{column} holds something that looks like an email"


def test_email_hash_is_deterministic_and_distinct(warehouse: duckdb.DuckDBPyConnection) -> None:
    n_emails, n_hashes, n_null = warehouse.execute(
        "select count(distinct lower(trim(r.email))), count(distinct s.email_hash), "
        "count(*) filter (where s.email_hash is null) - count(*) filter (where r.email is null) "
        "from raw.shop_customers as r inner join staging.stg_shop__customers as s using (customer_id)"
    ).fetchone()
    assert n_emails == n_hashes
    assert n_null == 0


def test_order_money_converts_at_the_days_rate(warehouse: duckdb.DuckDBPyConnection) -> None:
    # recompute independently: the latest rate on or before the order's (UTC) day
    mismatches = warehouse.execute(
        """
        with rates as (select * from raw.finance_exchange_rates),
        expected as (
            select o.order_id,
                (o.items_amount - o.discount_amount) * coalesce(
                    (select r.rate_to_reporting from rates as r
                     where r.currency = o.currency and r.rate_date <= cast(o.ordered_at as date)
                     order by r.rate_date desc limit 1),
                    case when o.currency = 'USD' then 1 end) as merchandise
            from raw.shop_orders as o
        )
        select count(*) from expected inner join staging.stg_shop__orders as s using (order_id)
        where abs(s.merchandise_amount - expected.merchandise) > 0.000001
            or s.merchandise_amount is null
        """
    ).fetchone()[0]
    assert mismatches == 0


def test_three_currencies_are_present(warehouse: duckdb.DuckDBPyConnection) -> None:
    currencies = {
        r[0] for r in warehouse.execute("select distinct currency from staging.stg_shop__orders").fetchall()
    }
    assert currencies == {"USD", "EUR", "GBP"}


def test_timestamps_are_utc_in_raw(warehouse: duckdb.DuckDBPyConnection, built_warehouse) -> None:
    """The generator writes one table with a non-UTC offset; raw holds the same instants in UTC."""
    _, data_dir = built_warehouse
    planted = json.loads((data_dir / "ground_truth.json").read_text())["planted"]
    table = planted["offset_timestamps_table"]
    assert planted["offset_timestamps_utc_offset"] not in ("+00", "+00:00", "Z")
    key = TABLES[table].primary_key[0]
    column = next(c.name for c in TABLES[table].columns if c.type == "timestamp" and c.required)
    file = next(data_dir.glob(f"{table}.*"))
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    written = dict(
        con.execute(
            f"select {key}, {column} from read_csv(?, header = true, all_varchar = true) limit 200",
            [str(file)],
        ).fetchall()
    )
    assert all(not v.endswith(("+00", "Z")) for v in written.values())
    expected = dict(
        con.execute(
            f"select {key}, timezone('UTC', cast({column} as timestamptz)) "
            f"from read_csv(?, header = true, all_varchar = true) limit 200",
            [str(file)],
        ).fetchall()
    )
    loaded = dict(
        warehouse.execute(
            f'select {key}, {column} from raw."{table}" where {key} in (select unnest(?))', [list(written)]
        ).fetchall()
    )
    assert loaded == expected
    types = warehouse.execute(
        "select distinct data_type from information_schema.columns "
        "where table_schema = 'raw' and column_name like '%\\_at' escape '\\'"
    ).fetchall()
    assert types == [("TIMESTAMP",)]


def test_merchandise_identity_holds_per_order(warehouse: duckdb.DuckDBPyConnection) -> None:
    bad = warehouse.execute(
        """
        select count(*) from staging.stg_shop__orders as o
        inner join (
            select order_id, sum(merchandise_amount_local) as items_merchandise
            from staging.stg_shop__order_items group by order_id
        ) as i using (order_id)
        where o.merchandise_amount_local <> i.items_merchandise
        """
    ).fetchone()[0]
    assert bad == 0
    assert isinstance(
        warehouse.execute("select sum(merchandise_amount) from staging.stg_shop__orders").fetchone()[0],
        Decimal,
    )


def test_the_whole_generated_shop_has_no_unresolved_reference(warehouse: duckdb.DuckDBPyConnection) -> None:
    """The generator writes a whole, consistent shop: every reference marts.data_references
    checks resolves, and each checks rows (a reference that checked nothing could not fail).
    Unresolved references on cut deliveries: tests/test_incremental.py."""
    rows = warehouse.execute(
        "select raw_input, checked_rows, unresolved_rows from marts.data_references order by raw_input"
    ).fetchall()
    assert len(rows) == 13
    assert [r for r in rows if r[2] != 0] == []
    assert [r[0] for r in rows if r[1] == 0] == []
