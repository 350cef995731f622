"""Tests of the data generator (scripts/generate/, entry scripts/generate_data.py):
contract shape, determinism, integrity, planted mechanisms and ground truth, on
small generated data sets. The CSV writer, the command line and output folder, and
the pinned output are in test_generate_data_{writer,cli,output}.py."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from scripts import generate_data as gd
from scripts.raw_contract import TABLES

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["--scale", "0.02", "--seed", "7"]


def _contract() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """The contract's tables: columns in order, and primary key."""
    return {
        name: (tuple(c.name for c in spec.columns), tuple(spec.primary_key)) for name, spec in TABLES.items()
    }


CONTRACT = _contract()


def _generate(out: Path, *args: str) -> None:
    assert gd.main(["--out", str(out), *args]) == 0


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small")
    _generate(out, *SMALL)
    return out


@pytest.fixture(scope="module")
def con(small: Path) -> duckdb.DuckDBPyConnection:
    """The small data set as DuckDB views (types detected from the CSV files)."""
    db = duckdb.connect()
    db.execute("SET TimeZone = 'UTC'")
    for table in CONTRACT:
        path = str(small / f"{table}.csv").replace("'", "''")
        # Exact decimals (money identities) and strings stay strings; the rest is sniffed.
        types = {
            name: "DECIMAL(18,6)" if pa.types.is_decimal(typ) else "VARCHAR"
            for name, typ in gd.TABLE_SCHEMAS[table]
            if pa.types.is_decimal(typ) or pa.types.is_string(typ)
        }
        db.execute(
            f"create table {table} as select * from read_csv('{path}', header = true, "
            f"sample_size = -1, types = {types!r})"
        )
    return db


@pytest.fixture(scope="module")
def truth(small: Path) -> dict:
    return json.loads((small / "ground_truth.json").read_text())


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


# --------------------------------------------------------------------------- shape


def test_generator_columns_match_contract() -> None:
    assert {t: cols for t, (cols, _) in CONTRACT.items()} == gd.TABLE_COLUMNS


def test_every_table_written_with_contract_header(small: Path) -> None:
    for table, (columns, _) in CONTRACT.items():
        path = small / f"{table}.csv"
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            assert tuple(next(reader)) == columns, table
            assert next(reader, None) is not None, f"{table} is empty"
    assert (small / "ground_truth.json").exists()


def test_value_formats(small: Path) -> None:
    with (small / "shop_orders.csv").open(newline="") as handle:
        order = next(csv.DictReader(handle))
    assert order["order_id"].startswith("O") and order["ordered_at"].endswith("+08:00")
    with (small / "web_events.csv").open(newline="") as handle:
        event = next(csv.DictReader(handle))
    assert event["event_id"].startswith("E") and event["event_at"].endswith("Z")
    dt.datetime.fromisoformat(event["event_at"])
    with (small / "shop_customers.csv").open(newline="") as handle:
        customer = next(csv.DictReader(handle))
    assert customer["customer_id"].startswith("C") and customer["email"].endswith("@example.com")
    assert customer["is_test"] in ("true", "false")


def test_same_seed_same_bytes_other_seed_differs(small: Path, tmp_path: Path) -> None:
    again, other = tmp_path / "again", tmp_path / "other"
    _generate(again, *SMALL)
    _generate(other, "--scale", "0.02", "--seed", "8")
    first = _digests(small)
    assert _digests(again) == first
    different = _digests(other)
    assert different["web_events.csv"] != first["web_events.csv"]
    assert different["shop_orders.csv"] != first["shop_orders.csv"]


# --------------------------------------------------------------------------- integrity


def test_primary_keys_unique(con: duckdb.DuckDBPyConnection) -> None:
    for table, (_, key) in CONTRACT.items():
        cols = ", ".join(key)
        dupes = _scalar(
            con, f"select count(*) from (select {cols} from {table} group by all having count(*) > 1)"
        )
        nulls = _scalar(
            con, f"select count(*) from {table} where " + " or ".join(f"{k} is null" for k in key)
        )
        assert (dupes, nulls) == (0, 0), table


@pytest.mark.parametrize(
    ("child", "column", "parent", "key"),
    [
        ("shop_orders", "customer_id", "shop_customers", "customer_id"),
        ("shop_order_items", "order_id", "shop_orders", "order_id"),
        ("shop_order_items", "product_id", "shop_products", "product_id"),
        ("shop_payments", "order_id", "shop_orders", "order_id"),
        ("shop_refunds", "order_id", "shop_orders", "order_id"),
        ("shop_refunds", "order_item_id", "shop_order_items", "order_item_id"),
        ("shop_shipments", "order_id", "shop_orders", "order_id"),
        ("shop_reviews", "order_id", "shop_orders", "order_id"),
        ("shop_reviews", "product_id", "shop_products", "product_id"),
        ("shop_reviews", "customer_id", "shop_customers", "customer_id"),
        ("support_tickets", "customer_id", "shop_customers", "customer_id"),
        ("support_tickets", "order_id", "shop_orders", "order_id"),
        ("survey_nps", "customer_id", "shop_customers", "customer_id"),
        ("web_events", "customer_id", "shop_customers", "customer_id"),
        ("web_events", "order_id", "shop_orders", "order_id"),
        ("web_events", "product_id", "shop_products", "product_id"),
        ("shop_orders", "session_id", "web_events", "session_id"),
        ("marketing_activity_participants", "customer_id", "shop_customers", "customer_id"),
        ("experiment_assignments", "anonymous_id", "web_events", "anonymous_id"),
        ("shop_inventory_snapshots", "product_id", "shop_products", "product_id"),
        ("web_events", "utm_campaign", "marketing_ad_spend", "campaign_id"),
        ("web_events", "utm_content", "marketing_content_stats", "content_id"),
    ],
)
def test_foreign_keys(con: duckdb.DuckDBPyConnection, child: str, column: str, parent: str, key: str) -> None:
    orphans = _scalar(
        con,
        f"select count(*) from {child} c where c.{column} is not null "
        f"and c.{column} not in (select {key} from {parent})",
    )
    assert orphans == 0


def test_refund_lines_belong_to_their_order(con: duckdb.DuckDBPyConnection) -> None:
    assert (
        _scalar(
            con,
            """
        select count(*) from shop_refunds r join shop_order_items i using (order_item_id)
        where i.order_id <> r.order_id""",
        )
        == 0
    )


def test_money_identities_exact(con: duckdb.DuckDBPyConnection) -> None:
    assert (
        _scalar(
            con,
            """
        with i as (
            select order_id, sum(quantity * unit_price) as items, sum(discount_amount) as discount
            from shop_order_items group by 1)
        select count(*) from shop_orders o left join i using (order_id)
        where i.items is null or o.items_amount <> i.items or o.discount_amount <> i.discount
           or o.total_amount <> o.items_amount - o.discount_amount + o.shipping_amount + o.tax_amount
           or least(o.items_amount, o.discount_amount, o.shipping_amount, o.tax_amount, o.total_amount) < 0
        """,
        )
        == 0
    )
    # A refund never exceeds the merchandise value of its line, or of its order.
    assert (
        _scalar(
            con,
            """
        select count(*) from shop_refunds r
        join shop_orders o using (order_id)
        left join shop_order_items i on i.order_item_id = r.order_item_id
        where r.amount > coalesce(i.quantity * i.unit_price - i.discount_amount,
                                  o.items_amount - o.discount_amount)
           or r.amount < 0 or r.quantity <= 0 or r.quantity > coalesce(i.quantity, r.quantity)
        """,
        )
        == 0
    )
    assert (
        _scalar(
            con,
            """
        select count(*) from shop_payments p join shop_orders o using (order_id)
        where p.amount <> o.total_amount or p.currency <> o.currency""",
        )
        == 0
    )


def test_contract_value_rules(con: duckdb.DuckDBPyConnection) -> None:
    checks = {
        "order status": "select count(*) from shop_orders where status not in "
        "('pending','paid','shipped','delivered','cancelled','refunded')",
        "gender": "select count(*) from shop_customers where gender not in ('F','M','U')",
        "birth year": "select count(*) from shop_customers where birth_year < 1900 or birth_year > 2026",
        "payment status": "select count(*) from shop_payments where status not in ('succeeded','failed')",
        "rating": "select count(*) from shop_reviews where rating not between 1 and 5",
        "nps": "select count(*) from survey_nps where score not between 0 and 10",
        "csat": "select count(*) from support_tickets where csat_score not between 1 and 5",
        "contacts": "select count(*) from support_tickets where contacts_count < 1",
        "quantity": "select count(*) from shop_order_items where quantity <= 0 or unit_price < 0",
        "clicks": "select count(*) from marketing_ad_spend where clicks > impressions or spend < 0",
        "content clicks": "select count(*) from marketing_content_stats where clicks > impressions",
        "fx": "select count(*) from finance_exchange_rates where rate_to_reporting <= 0",
        "headcount": "select count(*) from org_headcount where day(month) <> 1 or headcount < 0",
        "delivery": "select count(*) from shop_shipments where delivered_at < shipped_at or distance_km < 0",
        "tickets": "select count(*) from support_tickets "
        "where first_response_at < created_at or resolved_at < created_at",
        "stock": "select count(*) from shop_inventory_snapshots where on_hand_qty < 0",
        "dwell": "select count(*) from web_events where dwell_ms < 0 or page_load_ms < 0",
        "cancelled_at": "select count(*) from shop_orders where (status = 'cancelled') <> (cancelled_at is not null)",
        "inside period": "select count(*) from web_events "
        "where event_at < timestamptz '2024-01-01 00:00:00+00' "
        "or event_at >= timestamptz '2026-01-01 00:00:00+00'",
    }
    bad = {name: _scalar(con, sql) for name, sql in checks.items()}
    assert all(v == 0 for v in bad.values()), bad


def test_fx_has_every_day_and_currency(con: duckdb.DuckDBPyConnection) -> None:
    assert _scalar(con, "select count(*) from finance_exchange_rates") == 731 * 3
    assert (
        _scalar(con, "select min(rate_to_reporting) from finance_exchange_rates where currency = 'USD'") == 1
    )


def test_loader_accepts_every_row(small: Path, tmp_path: Path) -> None:
    load_raw = pytest.importorskip("scripts.load_raw")
    result = load_raw.load(small, tmp_path / "raw.duckdb")
    assert result.rejected_rows == 0
    assert result.loaded_rows == result.input_rows > 0


# --------------------------------------------------------------------------- sessions and funnel


def test_session_rules(con: duckdb.DuckDBPyConnection) -> None:
    # Events of a session are < 30 min apart; sessions of one device > 30 min apart.
    assert (
        _scalar(
            con,
            """
        select max(gap) from (
            select epoch(event_at) - epoch(lag(event_at) over (partition by session_id order by event_at)) as gap
            from web_events)""",
        )
        < 1800
    )
    assert (
        _scalar(
            con,
            """
        with s as (select session_id, any_value(anonymous_id) as a, min(event_at) as t0, max(event_at) as t1
                   from web_events group by 1),
        g as (select t0, lag(t1) over (partition by a order by t0) as prev_end from s)
        select count(*) from g where epoch(t0) - epoch(prev_end) <= 1800""",
        )
        == 0
    )
    # A purchase is the last event of its session, logged in, and carries its order.
    assert (
        _scalar(
            con,
            """
        with last as (select session_id, arg_max(event_name, event_at) as name, max(event_at) as t
                      from web_events group by 1)
        select count(*) from web_events e join last using (session_id)
        where e.event_name = 'purchase' and (last.name <> 'purchase' or e.event_at <> last.t
              or e.customer_id is null or e.order_id is null)""",
        )
        == 0
    )


def test_orders_match_their_sessions(con: duckdb.DuckDBPyConnection) -> None:
    assert (
        _scalar(
            con,
            """
        select count(*) from shop_orders o
        left join web_events e on e.order_id = o.order_id and e.event_name = 'purchase'
        where (o.sales_channel in ('web', 'app')) <> (o.session_id is not null)
           or (o.session_id is not null and (e.session_id is distinct from o.session_id
               or e.customer_id is distinct from o.customer_id))
           or (o.customer_id is null and o.sales_channel in ('web', 'app'))""",
        )
        == 0
    )
    assert _scalar(con, "select count(*) from shop_orders where customer_id is null") > 0


def test_channel_markers_follow_the_grouping_seed(con: duckdb.DuckDBPyConnection, truth: dict) -> None:
    """Landing events map, through seeds/channel_grouping.csv, to the channel
    groups the ground truth counts sessions for."""
    with (ROOT / "seeds" / "channel_grouping.csv").open(newline="") as handle:
        rules = sorted(csv.DictReader(handle), key=lambda r: int(r["rule_order"]))

    def group_of(source: str | None, medium: str | None, referrer: str | None) -> str:
        for rule in rules:
            if rule["utm_source"] and rule["utm_source"] != (source or ""):
                continue
            if rule["utm_medium"] and rule["utm_medium"] != (medium or ""):
                continue
            pattern = rule["referrer_domain"]
            if pattern and not (referrer and (pattern == "*" or pattern in referrer)):
                continue
            if not (rule["utm_medium"] or rule["utm_source"] or pattern):
                continue
            return rule["channel_group"]
        return "direct"

    landings = con.execute("""
        with test_anon as (
            select distinct anonymous_id from web_events
            where customer_id in (select customer_id from shop_customers where is_test))
        select utm_source, utm_medium, referrer, count(*) from web_events
        where event_id in (select arg_min(event_id, event_at) from web_events group by session_id)
          and anonymous_id not in (select anonymous_id from test_anon)
        group by all""").fetchall()
    sessions: dict[str, int] = {}
    for source, medium, referrer, n in landings:
        group = group_of(source, medium, referrer)
        sessions[group] = sessions.get(group, 0) + n
    expected = {
        g: v["sessions"] for g, v in truth["realized"]["traffic"]["by_channel_group"].items() if v["sessions"]
    }
    assert sessions == expected
    # Paid markers point at campaigns of the same channel.
    assert (
        _scalar(
            con,
            """
        select count(*) from web_events e
        join (select distinct campaign_id, channel from marketing_ad_spend) c on c.campaign_id = e.utm_campaign
        where c.channel <> case e.utm_medium when 'cpc' then 'paid_search' else e.utm_medium end""",
        )
        == 0
    )


def test_identity_mechanisms(con: duckdb.DuckDBPyConnection, truth: dict) -> None:
    conflicts = _scalar(
        con,
        """
        select count(*) from (select anonymous_id from web_events where customer_id is not null
                              group by 1 having count(distinct customer_id) > 1)""",
    )
    assert conflicts == truth["realized"]["traffic"]["stitching_conflicts"] > 0
    assert _scalar(con, "select count(*) from shop_customers where is_test") > 0
    assert (
        _scalar(
            con,
            """
        select count(*) from web_events where customer_id in
            (select customer_id from shop_customers where is_test)""",
        )
        > 0
    )
    # Devices per customer: 1 to 3 (plus shared devices).
    assert (
        _scalar(
            con,
            """
        select max(n) from (select customer_id, count(distinct anonymous_id) as n
                            from web_events where customer_id is not null group by 1)""",
        )
        <= 4
    )


def test_planted_mechanisms_present(con: duckdb.DuckDBPyConnection, truth: dict) -> None:
    realized = truth["realized"]
    traffic = realized["traffic"]
    assert traffic["out_of_order_sessions"] > 0
    assert traffic["funnel_ordered"]["add_to_cart"] < traffic["funnel_unordered"]["add_to_cart"]
    assert 0.25 < traffic["bounce_rate"] < 0.45
    assert realized["orders"]["by_status"]["cancelled"] > 0
    assert realized["orders"]["by_status"]["refunded"] > 0
    assert realized["orders"]["refunds_not_completed"] > 0
    assert 0 < realized["orders"]["partial_refund_share"] < 1
    assert 0 < realized["inventory"]["stockout_rate"] < 0.2
    assert _scalar(con, "select count(*) from shop_payments where status = 'failed'") > 0
    assert _scalar(con, "select count(distinct currency) from shop_orders") == 3
    assert _scalar(con, "select count(*) from shop_orders where coupon_code is not null") > 0
    assert _scalar(con, "select count(*) from shop_reviews where resolved_at is not null") > 0
    assert (
        _scalar(con, "select count(*) from marketing_activity_participants where participated_at is null") > 0
    )
    assert _scalar(con, "select count(distinct experiment_id) from experiment_assignments") == 2
    assert _scalar(con, "select count(distinct variant) from experiment_assignments") == 2
    assert _scalar(con, "select count(*) from web_events where event_name = 'sign_up'") > 0
    assert _scalar(con, "select count(distinct team) from org_headcount") >= 3


# --------------------------------------------------------------------------- ground truth


def test_ground_truth_structure(truth: dict) -> None:
    assert set(truth) >= {"_doc", "planted", "realized"}
    planted, realized = truth["planted"], truth["realized"]
    for key in (
        "seed",
        "scale",
        "start_date",
        "end_date",
        "peak_periods",
        "currencies",
        "session_conversion_by_channel_group",
        "cancellation_rate",
        "on_time_rate",
        "payment_attempt_failure_prob",
        "chat_first_response_median_s",
        "chat_first_response_within_30s_share",
        "experiments",
        "stitching_conflicts",
        "repeat_order_prob_by_acquisition_group",
        "offset_timestamps_table",
    ):
        assert key in planted, key
    for key in (
        "row_counts",
        "orders",
        "money_by_currency",
        "money_usd",
        "monthly",
        "traffic",
        "experiments",
        "support",
        "reviews",
        "nps",
        "inventory",
        "customers",
    ):
        assert key in realized, key
    assert planted["seed"] == 7 and planted["scale"] == 0.02
    assert set(planted["currencies"]) == {"USD", "EUR", "GBP"}
    assert {p["name"] for p in planted["peak_periods"]} == {
        "singles_day",
        "black_friday_cyber_monday",
        "year_end",
    }
    assert {"start_date": "2024-11-29", "end_date": "2024-12-02"} in [
        {k: p[k] for k in ("start_date", "end_date")} for p in planted["peak_periods"]
    ]
    assert {e["true_relative_lift"] for e in planted["experiments"]} == {0.15, 0.0}


def test_realized_counts_match_files(con: duckdb.DuckDBPyConnection, truth: dict) -> None:
    realized = truth["realized"]
    for table, rows in realized["row_counts"].items():
        assert _scalar(con, f"select count(*) from {table}") == rows, table
    orders = realized["orders"]
    non_test = (
        "(customer_id is null or customer_id not in (select customer_id from shop_customers where is_test))"
    )
    assert orders["placed_orders"] == _scalar(con, f"select count(*) from shop_orders where {non_test}")
    assert orders["cancelled_orders"] == _scalar(
        con, f"select count(*) from shop_orders where status = 'cancelled' and {non_test}"
    )
    # Money dated by the order: GMV - net revenue = cancelled + refunded value.
    for currency, money in realized["money_by_currency"].items():
        assert money["gmv"] - money["net_revenue"] == pytest.approx(
            money["cancelled_value"] + money["refunded_value"], abs=0.01
        ), currency
        gmv = _scalar(
            con,
            f"select sum(items_amount - discount_amount) from shop_orders "
            f"where currency = '{currency}' and {non_test}",
        )
        assert float(gmv) == pytest.approx(money["gmv"], abs=0.01)


@pytest.fixture(scope="module")
def moderate_gen() -> tuple[gd.Generated, dict]:
    """A larger set generated in memory (no files), with its ground truth."""
    cfg = gd.Config(out=Path("unused"), scale=0.2, seed=42)
    cal = gd.Calendar.build(cfg.start, cfg.end)
    gen = gd.generate(cfg)
    return gen, gd.build_ground_truth(gen, cfg, cal)


@pytest.fixture(scope="module")
def moderate(moderate_gen: tuple[gd.Generated, dict]) -> dict:
    return moderate_gen[1]


def test_realized_close_to_planted(moderate: dict) -> None:
    planted, realized = moderate["planted"], moderate["realized"]
    for group, target in planted["session_conversion_by_channel_group"].items():
        got = realized["traffic"]["by_channel_group"][group]["conversion_rate"]
        assert got == pytest.approx(target, rel=0.25), group
    orders = realized["orders"]
    assert orders["cancellation_rate"] == pytest.approx(planted["cancellation_rate"], abs=0.01)
    assert orders["on_time_delivery_rate"] == pytest.approx(planted["on_time_rate"], abs=0.02)
    assert 0.06 < orders["refund_rate"] < 0.10
    assert orders["guest_orders"] / orders["placed_orders"] == pytest.approx(
        planted["guest_order_share"], abs=0.01
    )
    assert 0.80 < orders["payment_success_rate"] < 0.95
    support = realized["support"]
    assert support["chat_first_response_median_s"] == pytest.approx(
        planted["chat_first_response_median_s"], rel=0.2
    )
    assert support["chat_first_response_within_30s_share"] == pytest.approx(
        planted["chat_first_response_within_30s_share"], abs=0.06
    )
    reviews = realized["reviews"]
    assert reviews["mean_rating_late"] < reviews["mean_rating_on_time"] - 0.5
    assert realized["nps"]["nps_late"] < realized["nps"]["nps_on_time"] - 30
    dwell = realized["traffic"]["product_view_conversion_by_dwell"]
    assert dwell["ge_30s"]["conversion"] > 3 * dwell["lt_30s"]["conversion"]
    repeat = realized["customers"]["repeat_by_acquisition_group"]
    assert repeat["email"]["repeat_buyer_share"] > repeat["display"]["repeat_buyer_share"] + 0.1
    assert orders["peak_vs_offpeak_daily_orders_ratio"] > 1.5
    assert realized["traffic"]["stitching_conflicts"] == pytest.approx(planted["stitching_conflicts"], abs=3)


def test_experiments_planted_effect(moderate_gen: tuple[gd.Generated, dict]) -> None:
    """In the experiment with an effect, 1 - 1/1.15 of the control group's
    purchases in the window do not happen (the checkout is abandoned); none in
    treatment or in the A/A test. Realized lifts are noisy at this scale."""
    gen, truth = moderate_gen
    sess, asg = gen.arrays["sess"], gen.arrays["assign"]
    for e, exp in enumerate(gen.experiments):
        in_window = (sess["start"] >= exp["start_at"]) & (sess["start"] < exp["end_at"])
        arm_of = dict(
            zip(asg["anon"][asg["exp"] == e].tolist(), asg["treat"][asg["exp"] == e].tolist(), strict=True)
        )
        treated = [arm_of[a] for a in sess["anon"][in_window].tolist()]
        kinds = sess["kind"][in_window]
        lost = {
            arm: sum(1 for k, t in zip(kinds, treated, strict=True) if t == arm and k == gd.KIND_ABANDONED)
            for arm in (False, True)
        }
        bought = sum(1 for k, t in zip(kinds, treated, strict=True) if not t and k == gd.KIND_PURCHASE)
        assert lost[True] == 0
        if exp["lift"] == 1.0:
            assert lost[False] == 0
        else:
            assert lost[False] / (lost[False] + bought) == pytest.approx(1 - 1 / exp["lift"], abs=0.04)
    assert (sess["kind"] == gd.KIND_ABANDONED).sum() > 0
    realized = truth["realized"]["experiments"]
    for exp in realized.values():
        assert exp["treatment_share"] == pytest.approx(0.5, abs=0.02)
    assert realized["exp_checkout_redesign"]["relative_lift_session_conversion"] > -0.05
    assert abs(realized["exp_aa_homepage_banner"]["relative_lift_session_conversion"]) < 0.2


# --------------------------------------------------------------------------- the output folder
