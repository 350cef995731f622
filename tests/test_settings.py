"""The settings check (macros/settings/) and the exchange-rate coverage test, end to end.

dbt runs in this process (dbtRunner) on one parsed manifest, so each case costs
about a second instead of a full parse:

- `dbt run-operation validate_settings --vars ...` against a hand-made raw layer
  (only the currency columns the check reads): every bad setting stops with one
  message naming the setting, its value and what was expected; good settings pass;
- `dbt compile` renders a setting as a literal, and refuses a bad one;
- a tiny generated warehouse with one product moved into a currency whose rates
  start late: assert_exchange_rates_cover_amounts fails naming the models,
  columns, currency and days without a rate.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
dbt_main = pytest.importorskip("dbt.cli.main")


@dataclass
class Dbt:
    """dbt in-process on one parsed manifest; each warehouse file is named warehouse.duckdb
    (DuckDB names its database after the file, so the manifest fits both)."""

    manifest: Any
    work: Path

    def invoke(self, database: Path, *args: str) -> tuple[bool, str, Any]:
        messages: list[str] = []

        def keep(event: Any) -> None:
            messages.append(event.info.msg)

        os.environ["WAREHOUSE_PATH"] = str(database)
        runner = dbt_main.dbtRunner(manifest=self.manifest, callbacks=[keep])
        paths = ["--target-path", str(self.work / "target"), "--log-path", str(self.work / "logs")]
        result = runner.invoke([*args, *paths])
        return result.success, "\n".join(str(m) for m in messages), result.result


@pytest.fixture(scope="module")
def dbt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dbt]:
    work = tmp_path_factory.mktemp("settings")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DBT_PROFILES_DIR", str(ROOT))
        patch.setenv("DBT_PROJECT_DIR", str(ROOT))
        patch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
        patch.setenv("WAREHOUSE_PATH", str(work / "warehouse.duckdb"))
        patch.chdir(ROOT)
        result = dbt_main.dbtRunner().invoke(
            ["parse", "--target-path", str(work / "target"), "--log-path", str(work / "logs"), "--quiet"]
        )
        assert result.success, result.exception
        yield Dbt(result.result, work)


def _node_result(result: Any, name: str) -> Any:
    """The result of node `name` among a dbt run's results (hooks come first)."""
    return next(r for r in result.results if r.node.name == name)


@pytest.fixture(scope="module")
def raw_money(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A raw layer holding only the currency columns the settings check reads.

    Amounts in USD and GBP; rates quoted in USD (USD itself at 1, GBP at 1.25)."""
    database = tmp_path_factory.mktemp("raw_money") / "warehouse.duckdb"
    con = duckdb.connect(str(database))
    con.execute("create schema raw")
    con.execute("create table raw.shop_orders as select * from (values ('USD'), ('gbp ')) t(currency)")
    con.execute("create table raw.shop_payments as select * from (values ('USD')) t(currency)")
    con.execute(
        "create table raw.shop_products as select * from "
        "(values ('USD', 2.5, 4.0), ('SEK', null, null)) t(currency, unit_cost, list_price)"
    )
    con.execute("create table raw.marketing_ad_spend as select * from (values ('GBP')) t(currency)")
    con.execute(
        "create table raw.finance_exchange_rates as select * from (values "
        "(date '2025-01-01', 'USD', 1.0), (date '2025-01-01', 'GBP', 1.25), (date '2025-01-02', 'GBP', 1.3))"
        " t(rate_date, currency, rate_to_reporting)"
    )
    con.close()
    return database


BAD_SETTINGS = [
    pytest.param(
        "{reporting_currency: \"usd' or 1=1 or 'a'='a\"}",
        "Setting reporting_currency = \"usd' or 1=1 or 'a'='a\" is not valid: expected an active ISO-4217",
        id="injection-as-currency",
    ),
    pytest.param(
        "{reporting_currency: XYZ}", 'reporting_currency = "XYZ" is not valid', id="unknown-currency"
    ),
    pytest.param(
        "{reporting_timezone: Mars/Olympus}",
        'Setting reporting_timezone = "Mars/Olympus" is not valid: expected an IANA time zone name',
        id="unknown-timezone",
    ),
    pytest.param(
        "{reporting_currency: EUR, exchange_rates_quote_currency: USD}",
        "amounts in GBP (in marketing_ad_spend, shop_orders); USD (in shop_orders, shop_payments, shop_products) "
        "cannot be converted to EUR: finance_exchange_rates, quoted in USD (exchange_rates_quote_currency), "
        "has no rate for EUR, the reporting currency",
        id="reporting-currency-unreachable-through-rates",
    ),
    pytest.param(
        "{reporting_currency: GBP}",
        "finance_exchange_rates gives GBP itself a rate other than 1 on 2 day(s) from 2025-01-01",
        id="rates-not-quoted-in-the-reporting-currency",
    ),
    pytest.param(
        "{churn_days: -3}",
        "Setting churn_days = -3 is not valid: expected an integer in [1, 3660]",
        id="negative-days",
    ),
    pytest.param("{churn_days: 30.5}", "Setting churn_days = 30.5 is not valid", id="fractional-days"),
    pytest.param(
        "{history_complete: 'yes'}",
        'Setting history_complete = "yes" is not valid: expected true or false',
        id="non-boolean",
    ),
    pytest.param(
        "{experiment_srm_alpha: 1}",
        "Setting experiment_srm_alpha = 1 is not valid: expected a number in (0, 1)",
        id="alpha-out-of-range",
    ),
    pytest.param(
        "{kpi_breakdowns_only: [device_type, weekday]}",
        "Setting kpi_breakdowns_only = ['device_type', 'weekday'] is not valid: expected a list of names out of:",
        id="unknown-breakdown",
    ),
    pytest.param(
        "{kpi_breakdowns_only: sales_channel}",
        'kpi_breakdowns_only = "sales_channel" is not valid: expected a list of names',
        id="breakdowns-not-a-list",
    ),
    pytest.param(
        "{experiment_variant_weights: {e1: {control: 1, treatment: 0}}}",
        "Setting experiment_variant_weights = {'e1': {'control': 1, 'treatment': 0}} is not valid: "
        "expected a mapping {experiment_id: {variant: weight}} of positive numbers",
        id="zero-weight",
    ),
    pytest.param(
        "{data_complete_through: '2025-02-30'}",
        'Setting data_complete_through = "2025-02-30" is not valid: expected a date YYYY-MM-DD',
        id="impossible-date",
    ),
    pytest.param(
        "{reporting_curency: EUR}",
        "Unknown setting(s) given with --vars: reporting_curency. Known settings",
        id="misspelt-setting",
    ),
]


@pytest.mark.parametrize(("settings", "message"), BAD_SETTINGS)
def test_a_bad_setting_stops_with_a_clear_message(
    dbt: Dbt, raw_money: Path, settings: str, message: str
) -> None:
    ok, output, _ = dbt.invoke(raw_money, "run-operation", "validate_settings", "--vars", settings)
    assert not ok
    assert message in output, output[-3000:]


def test_a_currency_without_any_rate_stops_naming_it(dbt: Dbt, raw_money: Path) -> None:
    con = duckdb.connect(str(raw_money))
    con.execute("update raw.shop_products set unit_cost = 9 where currency = 'SEK'")
    con.close()
    try:
        ok, output, _ = dbt.invoke(raw_money, "run-operation", "validate_settings")
    finally:
        con = duckdb.connect(str(raw_money))
        con.execute("update raw.shop_products set unit_cost = null where currency = 'SEK'")
        con.close()
    assert not ok
    assert (
        'Setting reporting_currency = "USD": amounts in SEK (in shop_products) cannot be converted to USD: '
        "finance_exchange_rates has no rate for SEK" in output
    ), output[-3000:]


def test_one_currency_needs_no_rates(dbt: Dbt, raw_money: Path) -> None:
    """The raw contract's rule: amounts all in the reporting currency and no rate file work."""
    con = duckdb.connect(str(raw_money))
    con.execute("create table raw.rates_kept as select * from raw.finance_exchange_rates")
    con.execute("delete from raw.finance_exchange_rates")
    con.execute("create table raw.orders_kept as select * from raw.shop_orders")
    con.execute("delete from raw.shop_orders where currency <> 'USD'")
    con.execute("create table raw.spend_kept as select * from raw.marketing_ad_spend")
    con.execute("delete from raw.marketing_ad_spend")
    con.close()
    try:
        ok, output, _ = dbt.invoke(raw_money, "run-operation", "validate_settings")
        ok_gbp, output_gbp, _ = dbt.invoke(
            raw_money, "run-operation", "validate_settings", "--vars", "{reporting_currency: GBP}"
        )
    finally:
        con = duckdb.connect(str(raw_money))
        for table, kept in (
            ("finance_exchange_rates", "rates_kept"),
            ("shop_orders", "orders_kept"),
            ("marketing_ad_spend", "spend_kept"),
        ):
            con.execute(f"delete from raw.{table}")
            con.execute(f"insert into raw.{table} select * from raw.{kept}")
            con.execute(f"drop table raw.{kept}")
        con.close()
    assert ok, output[-3000:]
    # the same data reported in another currency cannot be converted
    assert not ok_gbp
    assert (
        "amounts in USD (in shop_orders, shop_payments, shop_products) cannot be converted to GBP"
        in output_gbp
    )


@pytest.mark.parametrize(
    "settings",
    [
        "{}",
        "{reporting_currency: gbp, exchange_rates_quote_currency: USD}",
        "{reporting_timezone: Asia/Kolkata, data_complete_through: 2025-01-31, kpi_breakdowns_only: [], "
        "history_complete: true, experiment_variant_weights: {e1: {control: 1, treatment: 2.5}}, "
        "experiment_srm_alpha: 0.01, incremental_lookback_days: 0, forecast_backtest_weeks: 0}",
    ],
    ids=["defaults", "triangulated", "many"],
)
def test_good_settings_pass(dbt: Dbt, raw_money: Path, settings: str) -> None:
    ok, output, _ = dbt.invoke(raw_money, "run-operation", "validate_settings", "--vars", settings)
    assert ok, output[-3000:]


def test_settings_reach_sql_as_literals(dbt: Dbt, raw_money: Path) -> None:
    ok, output, result = dbt.invoke(
        raw_money,
        "compile",
        "--select",
        "stg_shop__orders",
        "--vars",
        "{reporting_currency: eur, reporting_timezone: Europe/Paris}",
    )
    assert ok, output[-3000:]
    sql = _node_result(result, "stg_shop__orders").node.compiled_code
    assert "= 'EUR' then 1" in sql
    assert "at time zone 'Europe/Paris'" in sql
    ok, output, _ = dbt.invoke(
        raw_money,
        "compile",
        "--select",
        "stg_shop__orders",
        "--vars",
        "{reporting_currency: \"usd' or 'a'='a\"}",
    )
    assert not ok
    assert "Setting reporting_currency = \"usd' or 'a'='a\" is not valid" in output


def test_sql_literal_escapes_quotes(dbt: Dbt, raw_money: Path) -> None:
    text = "it's'; drop table raw.shop_orders; --"
    ok, output, result = dbt.invoke(
        raw_money, "show", "--inline", 'select {{ sql_literal("' + text + '") }} as x', "--output", "json"
    )
    assert ok, output[-3000:]
    assert result.results[0].agate_table.rows[0][0] == text


# --------------------------------------------------------------------------- coverage


@pytest.fixture(scope="module")
def tiny_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated shop (scale 0.01) whose most sold product costs JPY, with JPY
    rates only from the last rate day: reachable, but not on most days."""
    work = tmp_path_factory.mktemp("tiny")
    data, database = work / "data", work / "warehouse.duckdb"
    for cmd in (
        [sys.executable, "-m", "scripts.generate_data", "--out", str(data), "--scale", "0.01", "--seed", "7"],
        [sys.executable, "-m", "scripts.load_raw", "--input", str(data), "--database", str(database)],
    ):
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
    con = duckdb.connect(str(database))
    con.execute(
        "update raw.shop_products set currency = 'JPY' where product_id = "
        "(select product_id from raw.shop_order_items group by product_id order by count(*) desc, product_id limit 1)"
    )
    con.execute(
        "insert into raw.finance_exchange_rates "
        "select max(rate_date), 'JPY', 0.0065 from raw.finance_exchange_rates"
    )
    con.close()
    return database


def test_a_product_currency_without_rates_fails_the_coverage_test(dbt: Dbt, tiny_warehouse: Path) -> None:
    settings = ["--vars", "{history_complete: true}"]
    select = [
        "--select",
        "+assert_exchange_rates_cover_amounts",
        "--resource-type",
        "seed",
        "--resource-type",
        "model",
    ]
    ok, output, _ = dbt.invoke(tiny_warehouse, "build", *select, *settings)
    assert ok, output[-3000:]
    ok, output, result = dbt.invoke(
        tiny_warehouse, "test", "--select", "assert_exchange_rates_cover_amounts", *settings
    )
    assert not ok
    sql = _node_result(result, "assert_exchange_rates_cover_amounts").node.compiled_code
    # the failing rows, read through dbt (which holds the warehouse file open)
    query = f"select model_name, column_name, currency, days_without_rate from ({sql}) as failures"
    ok, output, shown = dbt.invoke(tiny_warehouse, "show", "--inline", query, "--limit", "100")
    assert ok, output[-3000:]
    rows = [tuple(row) for row in shown.results[0].agate_table.rows]
    found = {row[:3]: row[3] for row in rows}
    assert set(found) == {
        ("int_order_items_costed", "product_unit_cost_local", "JPY"),
        ("fct_inventory_daily", "unit_cost_local", "JPY"),
    }, rows
    assert all(days > 1 for days in found.values())
