"""Ground truth, realized part computed in SQL (DuckDB over the generated Arrow
tables, zero copy) with the KPI dictionary's definitions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from scripts.generate.arrays import date_arr
from scripts.generate.business_clock import Calendar
from scripts.generate.config import Config, Generated

if TYPE_CHECKING:
    import duckdb


def _plain(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, float):
        return round(v, 6)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return v


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    return [{c: _plain(v) for c, v in zip(cols, row, strict=True)} for row in cur.fetchall()]


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, Any]:
    rows = _rows(con, sql)
    return rows[0] if rows else {}


REALIZED_VIEWS = """
create or replace temp table test_customers as
    select customer_id from shop_customers where is_test;
create or replace temp table o as
    select o.*, o.items_amount - o.discount_amount as merch,
           (o.items_amount - o.discount_amount) * fx.rate_to_reporting as merch_usd,
           fx.rate_to_reporting as rate, o.status <> 'cancelled' as is_valid
    from shop_orders o
    join finance_exchange_rates fx
      on fx.currency = o.currency and fx.rate_date = cast(o.ordered_at as date)
    where o.customer_id is null or o.customer_id not in (select customer_id from test_customers);
create or replace temp table ref_done as
    select r.order_id, sum(r.amount) as amount
    from shop_refunds r join o using (order_id)
    where r.refunded_at is not null and o.is_valid
    group by 1;
"""


def compute_realized(con: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table]) -> dict[str, Any]:
    """The realized KPIs of the SQL part, section by section (the order of ground_truth.json)."""
    con.execute(REALIZED_VIEWS)
    r: dict[str, Any] = {"row_counts": {k: v.num_rows for k, v in tables.items()}}
    r["orders"] = _orders_realized(con)
    r.update(_money_realized(con))
    r.update(_service_realized(con))
    r["inventory"] = _one(
        con,
        """
        select avg(case when on_hand_qty = 0 then 1.0 else 0.0 end) as stockout_rate
        from shop_inventory_snapshots i join shop_products p using (product_id)
        where p.is_active""",
    )
    r["customers"] = _customers_realized(con)
    r["marketing"] = _marketing_realized(con)
    return r


def _orders_realized(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Order counts and rates: status, channel, cancellations, refunds, payments, delivery, peaks."""
    orders = _one(
        con,
        """
        select count(*) as placed_orders,
               count(*) filter (where is_valid) as valid_orders,
               count(*) filter (where status = 'cancelled') as cancelled_orders,
               count(*) filter (where customer_id is null) as guest_orders,
               count(*) filter (where status = 'cancelled') / count(*) as cancellation_rate,
               (select count(*) from ref_done) / count(*) filter (where is_valid) as refund_rate,
               (select sum(d.amount * o.rate) from ref_done d join o using (order_id))
                 / sum(merch_usd) filter (where is_valid) as refund_value_rate,
               sum(merch_usd) / count(*) as aov_usd,
               (select sum(quantity) from shop_order_items i join o using (order_id)) / count(*)
                 as units_per_order
        from o""",
    )
    orders["by_status"] = {
        x["status"]: x["n"] for x in _rows(con, "select status, count(*) as n from o group by 1 order by 1")
    }
    orders["by_sales_channel"] = {
        x["sales_channel"]: x["n"]
        for x in _rows(con, "select sales_channel, count(*) as n from o group by 1 order by 1")
    }
    orders["partial_refund_share"] = _one(
        con,
        """
        select avg(case when order_item_id is not null then 1.0 else 0.0 end) as v
        from shop_refunds where order_id in (select order_id from o)""",
    )["v"]
    orders["refunds_not_completed"] = _one(
        con,
        """
        select count(*) as v from shop_refunds
        where refunded_at is null and order_id in (select order_id from o)""",
    )["v"]
    orders["payment_success_rate"] = _one(
        con,
        """
        select avg(case when status = 'succeeded' then 1.0 else 0.0 end) as v
        from shop_payments where order_id in (select order_id from o)""",
    )["v"]
    orders["on_time_delivery_rate"] = _one(
        con,
        """
        select avg(case when s.delivered_at <= s.promised_delivery_at then 1.0 else 0.0 end) as v
        from shop_shipments s join o using (order_id)
        where s.delivered_at is not null and s.promised_delivery_at is not null""",
    )["v"]
    peak = _one(
        con,
        """
        with d as (select cast(ordered_at as date) as day, count(*) as n from o group by 1),
        p as (select day, exists (select 1 from _peaks k where d.day between k.start_date and k.end_date) as is_peak from d)
        select avg(n) filter (where is_peak) / avg(n) filter (where not is_peak) as v
        from d join p using (day)""",
    )
    orders["peak_vs_offpeak_daily_orders_ratio"] = peak["v"]
    return orders


def _money_realized(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """GMV, cancelled and refunded value and net revenue by currency, in USD, and by month."""
    r: dict[str, Any] = {}
    r["money_by_currency"] = {
        x.pop("currency"): x
        for x in _rows(
            con,
            """
        select currency, sum(merch) as gmv,
               coalesce(sum(merch) filter (where not is_valid), 0) as cancelled_value,
               coalesce(sum(d.amount), 0) as refunded_value,
               coalesce(sum(merch) filter (where is_valid), 0) - coalesce(sum(d.amount), 0) as net_revenue
        from o left join ref_done d using (order_id)
        group by 1 order by 1""",
        )
    }
    r["money_usd"] = _one(
        con,
        """
        select round(sum(merch_usd), 2) as gmv,
               round(coalesce(sum(merch_usd) filter (where not is_valid), 0), 2) as cancelled_value,
               round(coalesce(sum(d.amount * rate), 0), 2) as refunded_value,
               round(coalesce(sum(merch_usd) filter (where is_valid), 0)
                     - coalesce(sum(d.amount * rate), 0), 2) as net_revenue
        from o left join ref_done d using (order_id)""",
    )
    r["monthly"] = _rows(
        con,
        """
        select strftime(date_trunc('month', cast(ordered_at as date)), '%Y-%m') as month,
               count(*) as placed_orders,
               count(*) filter (where is_valid) as valid_orders,
               round(sum(merch_usd), 2) as gmv_usd,
               round(sum(merch_usd) filter (where is_valid) - coalesce(sum(d.amount * rate), 0), 2)
                 as net_revenue_usd
        from o left join ref_done d using (order_id) group by 1 order by 1""",
    )

    return r


def _service_realized(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Support tickets, reviews and NPS."""
    r: dict[str, Any] = {}
    support = _one(
        con,
        """
        with t as (
            select *, epoch(first_response_at) - epoch(created_at) as frt_s,
                   (epoch(resolved_at) - epoch(created_at)) / 3600.0 as res_h
            from support_tickets
            where customer_id is null or customer_id not in (select customer_id from test_customers))
        select count(*) as tickets,
               median(frt_s) filter (where channel = 'chat') as chat_first_response_median_s,
               avg(case when frt_s <= 30 then 1.0 else 0.0 end) filter (where channel = 'chat' and frt_s is not null)
                 as chat_first_response_within_30s_share,
               avg(case when escalated then 1.0 else 0.0 end) as escalation_rate,
               avg(case when resolved_at is not null then 1.0 else 0.0 end) as resolution_rate,
               avg(case when contacts_count = 1 then 1.0 else 0.0 end) filter (where resolved_at is not null)
                 as first_contact_resolution_rate,
               median(res_h) as resolution_time_h_median,
               avg(csat_score) as csat,
               avg(case when csat_score >= 4 then 1.0 else 0.0 end) filter (where csat_score is not null) as csat_rate
        from t""",
    )
    support["first_response_median_s_by_channel"] = {
        x["channel"]: x["v"]
        for x in _rows(
            con,
            """
        select channel, median(epoch(first_response_at) - epoch(created_at)) as v
        from support_tickets where customer_id is null
           or customer_id not in (select customer_id from test_customers)
        group by 1 order by 1""",
        )
    }
    r["support"] = support
    r["reviews"] = _one(
        con,
        """
        with x as (
            select rv.rating, s.delivered_at > s.promised_delivery_at as late
            from shop_reviews rv join shop_shipments s using (order_id)
            where rv.customer_id not in (select customer_id from test_customers)
              and s.delivered_at is not null)
        select avg(rating) filter (where not late) as mean_rating_on_time,
               avg(rating) filter (where late) as mean_rating_late,
               (select avg(rating) from shop_reviews
                where customer_id not in (select customer_id from test_customers)) as mean_rating,
               (select avg(case when rating <= 2 then 1.0 else 0.0 end) from shop_reviews
                where customer_id not in (select customer_id from test_customers)) as negative_review_rate
        from x""",
    )
    r["nps"] = _one(
        con,
        """
        with x as (
            select n.score, t.late from survey_nps n join _nps_truth t using (response_id)
            where n.customer_id not in (select customer_id from test_customers))
        select count(*) as responses,
               100.0 * (avg(case when score >= 9 then 1.0 else 0.0 end) - avg(case when score <= 6 then 1.0 else 0.0 end)) as nps,
               100.0 * (avg(case when score >= 9 then 1.0 else 0.0 end) filter (where not late)
                        - avg(case when score <= 6 then 1.0 else 0.0 end) filter (where not late)) as nps_on_time,
               100.0 * (avg(case when score >= 9 then 1.0 else 0.0 end) filter (where late)
                        - avg(case when score <= 6 then 1.0 else 0.0 end) filter (where late)) as nps_late
        from x""",
    )
    return r


def _customers_realized(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Customers, new-customer effectiveness and repeat buyers by acquisition channel and group."""
    customers = _one(
        con,
        f"""
        with c as (select * from shop_customers where not is_test),
        first_valid as (
            select customer_id, min(ordered_at) as first_at from o where is_valid group by 1)
        select count(*) as customers,
               (select count(*) from shop_customers where is_test) as test_customers,
               count(*) filter (where signup_at >= timestamptz '{r_start(con)}') as signups_in_period,
               avg(case when f.first_at <= c.signup_at + interval 72 hour then 1.0 else 0.0 end)
                 filter (where signup_at >= timestamptz '{r_start(con)}') as effective_new_customer_rate
        from c left join first_valid f using (customer_id)""",
    )
    repeat_sql = """
        with n as (select customer_id, count(*) as k from o where is_valid and customer_id is not null group by 1)
        select {key} as key, count(*) as buyers, avg(case when k >= 2 then 1.0 else 0.0 end) as repeat_buyer_share,
               avg(k) as orders_per_buyer
        from n join shop_customers c using (customer_id) join _customer_truth t using (customer_id)
        group by 1 order by 1"""
    customers["repeat_by_acquisition_channel"] = {
        x.pop("key"): x for x in _rows(con, repeat_sql.format(key="c.acquisition_channel"))
    }
    customers["repeat_by_acquisition_group"] = {
        x.pop("key"): x for x in _rows(con, repeat_sql.format(key="t.acquisition_group"))
    }
    return customers


def _marketing_realized(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Ad spend by channel and currency, activity participation."""
    return {
        "spend_by_channel_currency": _rows(
            con,
            """
            select channel, currency, sum(spend) as spend, sum(clicks) as clicks, sum(impressions) as impressions
            from marketing_ad_spend group by 1, 2 order by 1, 2""",
        ),
        "activity_participation_rate": _one(
            con,
            """
            select avg(case when p.participated_at is not null then 1.0 else 0.0 end) as v
            from marketing_activity_participants as p
            left join shop_customers as c on p.customer_id = c.customer_id
            where not coalesce(c.is_test, false)""",
        )["v"],
    }


def r_start(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute("select min(start_date) from _period").fetchone()
    return f"{row[0]} 00:00:00+00" if row else "1970-01-01 00:00:00+00"


def realized_sql(
    con: duckdb.DuckDBPyConnection, gen: Generated, cfg: Config, cal: Calendar
) -> dict[str, Any]:
    """The realized KPIs computed in SQL over the tables (zero-copy Arrow)."""
    try:
        con.execute("SET TimeZone='UTC'")
        con.execute("SET enable_progress_bar=false")
        con.execute("SET threads=1")  # small tables: more threads only cost time
        for name, tbl in {**gen.tables, **gen.truth}.items():
            con.register(name, tbl)
        peaks = [((a - dt.date(1970, 1, 1)).days, (b - dt.date(1970, 1, 1)).days) for _, a, b in cal.peaks]
        con.register(
            "_peaks",
            pa.table(
                {
                    "start_date": date_arr(np.array([a for a, _ in peaks], dtype=np.int64)),
                    "end_date": date_arr(np.array([b for _, b in peaks], dtype=np.int64)),
                }
            ),
        )
        con.register("_period", pa.table({"start_date": [cfg.start], "end_date": [cfg.end]}))
        return compute_realized(con, gen.tables)
    finally:
        con.close()
