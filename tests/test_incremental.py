"""Incremental models give exactly what a full refresh gives.

One small shop (scale 0.02, half a year) is delivered day by day with
scripts/generate_increment.py: the warehouse is built on the delivery through
day N, then each of the deliveries N+1..N+3 (with late web events and orders
dated inside the lookback window, orders cancelled or refunded after they
were first delivered, refunds completed and shipments delivered later) is
loaded and built incrementally. A second warehouse is built with a full
refresh on the last delivery. Every mart must hold the same rows in both;
money and counts exactly, floating-point measures to 1e-9 relative.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.warehouse_fixture import DBT_CLI

ROOT = Path(__file__).resolve().parent.parent
START, LAST_DAY = dt.date(2025, 7, 1), dt.date(2025, 12, 31)
INCREMENTS = 3
# the incremental models in the intermediate schema (models/intermediate and models/kpis;
# those of models/core are marts), found from their config so that a new one is not missed
INTERMEDIATE_INCREMENTAL = sorted(
    path.stem
    for folder in ("intermediate", "kpis")
    for path in (ROOT / "models" / folder).rglob("*.sql")
    if "materialized=incremental_materialization()" in path.read_text()
)


def _env(database: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        WAREHOUSE_PATH=str(database), DBT_PROFILES_DIR=str(ROOT), DBT_SEND_ANONYMOUS_USAGE_STATS="False"
    )
    return env


def _run(cmd: list[str], database: Path) -> None:
    result = subprocess.run(cmd, cwd=ROOT, env=_env(database), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")


def _generate(out: Path) -> None:
    """The whole half-year shop (scale 0.02, seed 7) the deliveries are cut from."""
    cmd = [sys.executable, "-m", "scripts.generate_data", "--out", str(out), "--scale", "0.02", "--seed", "7"]
    _run([*cmd, "--start", str(START), "--end", str(LAST_DAY)], out.parent / "unused.duckdb")


def _deliver(full: Path, through: dt.date, workdir: Path) -> Path:
    out = workdir / f"through_{through}"
    _run(
        [
            sys.executable,
            "-m",
            "scripts.generate_increment",
            "--increment-of",
            str(full),
            "--through",
            str(through),
            "--out",
            str(out),
        ],
        workdir / "unused.duckdb",
    )
    return out


def _load_and_build_commands(data: Path, database: Path, target: Path, *flags: str) -> list[list[str]]:
    """Replace raw with one delivery, then build the models (and seeds when asked; tests are make test's job)."""
    python = sys.executable
    return [
        [python, "-m", "scripts.load_raw", "--input", str(data), "--database", str(database)],
        # each chain logs into its own target folder: the two builds run side by side
        [*DBT_CLI, "build", "--quiet", "--resource-type", "model", "--target-path", str(target)]
        + ["--log-path", str(target / "logs"), *flags],
    ]


def _load_and_build(data: Path, database: Path, target: Path, *flags: str) -> None:
    for cmd in _load_and_build_commands(data, database, target, *flags):
        _run(cmd, database)


# Daily aggregates keyed on their day, and the day column their rows come from.
DAILY_AGGREGATES = {
    "int_funnel_days_aggregated": "session_date",
    "int_session_kpis_aggregated": "date_day",
    "int_order_kpis_aggregated": "date_day",
}
EMPTIED_DAY = START - dt.timedelta(days=10)


def _plant_emptied_days(database: Path) -> None:
    """Copy a row of each daily aggregate to a day with no sessions or orders.

    It stands for a day whose every row left upstream (all its sessions turned
    test, or its only session now starts the day before): delete+insert never
    sees that day in a batch, so only the post-hook delete_emptied_days can
    remove it before the last build.
    """
    con = duckdb.connect(str(database))
    try:
        for model, column in DAILY_AGGREGATES.items():
            con.execute(
                f"insert into intermediate.{model} "
                f"select * replace (date '{EMPTIED_DAY}' as {column}) from intermediate.{model} limit 1"
            )
    finally:
        con.close()


# a login by a test customer that the last delivery adds, from an anonymous id never
# seen logged in whose sessions all end before the lookback window (D289)
PLANTED_SESSION = "S_PLANTED_TEST_LOGIN"


def _events_and_customers(con: duckdb.DuckDBPyConnection, delivery: Path) -> tuple[str, str, str]:
    """(the delivery's events as a relation, a test customer, a real customer)."""
    customers = f"read_csv('{delivery / 'shop_customers.csv'}', all_varchar = true, header = true)"
    test_customer, real_customer = con.execute(
        f"select min(customer_id) filter (where lower(is_test) = 'true'), "
        f"min(customer_id) filter (where lower(is_test) = 'false') from {customers}"
    ).fetchone()
    assert test_customer is not None and real_customer is not None, "no test or no real customer"
    return (
        f"read_csv('{delivery / 'web_events.csv'}', all_varchar = true, header = true)",
        test_customer,
        real_customer,
    )


def _add_events(con: duckdb.DuckDBPyConnection, delivery: Path, rel: str, selects: list[str]) -> None:
    """Rewrite the delivery's web_events.csv with the rows of the given selects added."""
    events = delivery / "web_events.csv"
    target = events.with_name("web_events.planted.csv")
    con.execute(
        f"copy (select * from {rel} union all {' union all '.join(selects)}) to '{target}' (header true)"
    )
    target.replace(events)


def _login(rel: str, template_session: str, event_id: str, customer_id: str, **replaced: str) -> str:
    """A login event copied from a session's last event, with other columns replaced as given."""
    columns = {"event_id": event_id, "customer_id": customer_id, "event_name": "login", **replaced}
    values = ", ".join(f"'{value}' as {column}" for column, value in columns.items())
    return (
        f"select * replace ({values}, null as product_id, null as order_id) "
        f"from (select * from {rel} where session_id = '{template_session}' order by event_at desc limit 1)"
    )


def _plant_test_login(delivery: Path) -> str:
    """Add to a delivery a login, on its last day, by a test customer from an old anonymous id.

    The stitch turns every older session of that id into a test user's: they leave
    the session facts and the daily session aggregates on days long before the
    lookback window, which only the rebuild set of stitches can reach. Returns the id.
    """
    con = duckdb.connect()
    try:
        rel, test_customer, _ = _events_and_customers(con, delivery)
        row = con.execute(
            f"select anonymous_id, arg_max(session_id, event_at) from {rel} group by anonymous_id "
            "having count(customer_id) = 0 and count(distinct session_id) >= 2 "
            f"and max(event_at) < '{LAST_DAY - dt.timedelta(days=30)}' order by anonymous_id limit 1"
        ).fetchone()
        assert row is not None, "nothing to plant a test login on"
        anonymous_id, last_session = row
        login = _login(
            rel,
            last_session,
            "E_PLANTED_TEST_LOGIN",
            test_customer,
            event_at=f"{LAST_DAY}T12:00:00Z",
            session_id=PLANTED_SESSION,
        )
        _add_events(con, delivery, rel, [login])
    finally:
        con.close()
    return anonymous_id


# Stitches the lookback window can reverse (D41, D196, D293, D294), planted in the deliveries:
# - reversed: an old session of an id never seen logged in holds a login by another id as a
#   test customer in every delivery, so it is a test user's; the last delivery adds its own
#   id's first login, as a real customer, which makes it a real user's again;
# - late: an id never seen logged in logs in on the second delivery's last day, and the last
#   delivery brings a login by it dated a day earlier, as another customer, which wins (the
#   first login stitches) and moves all its old sessions; once from a test customer to a real
#   one, once the other way.
OTHER_ID_LOGIN = "E_PLANTED_OTHER_ID_LOGIN"
LATE_IDS = {
    "late_test_first": (True, "E_PLANTED_LATE_TEST_FIRST"),
    "late_real_first": (False, "E_PLANTED_LATE_REAL_FIRST"),
}


def _old_sessions_of_ids_never_logged_in(
    con: duckdb.DuckDBPyConnection, rel: str, count: int, skip: str
) -> list[tuple[str, str]]:
    """(anonymous id, its earliest session with two event times), for ids all of whose events
    are a month before the last day and never logged in."""
    rows = con.execute(
        f"select anonymous_id, min(session_id) from {rel} "
        "where anonymous_id in ("
        f"  select anonymous_id from {rel} group by anonymous_id "
        f"  having count(customer_id) = 0 and max(event_at) < '{LAST_DAY - dt.timedelta(days=30)}'"
        ") and anonymous_id <> ? "
        "and session_id in ("
        f"  select session_id from {rel} group by session_id "
        "  having count(distinct event_at) >= 2 and count(distinct anonymous_id) = 1"
        f") group by anonymous_id order by anonymous_id limit {count}",
        [skip],
    ).fetchall()
    assert len(rows) == count, "not enough old sessions to plant stitches on"
    return [(row[0], row[1]) for row in rows]


def _plant_stitches(deliveries: list[Path], skip_id: str) -> None:
    """Plant the reversed and the late stitches (the tests find them by their event ids).

    skip_id: the id _plant_test_login used. A login copied into an old session keeps its
    time (the session's first event, and with it the session's id, stay as they were).
    """
    cases: dict[str, tuple[str, str]] = {}
    for index, delivery in enumerate(deliveries):
        con = duckdb.connect()
        try:
            rel, test_customer, real_customer = _events_and_customers(con, delivery)
            if not cases:  # the same ids in every delivery (their old events never change)
                picked = _old_sessions_of_ids_never_logged_in(con, rel, 1 + len(LATE_IDS), skip_id)
                cases = dict(zip(["reversed", *LATE_IDS], picked, strict=True))
            last = delivery == deliveries[-1]
            _, reversed_session = cases["reversed"]
            planted = [
                _login(
                    rel, reversed_session, OTHER_ID_LOGIN, test_customer, anonymous_id="A_PLANTED_OTHER_ID"
                )
            ]
            if last:
                planted.append(
                    _login(
                        rel,
                        reversed_session,
                        "E_PLANTED_REAL_LOGIN",
                        real_customer,
                        event_at=f"{LAST_DAY}T13:00:00Z",
                        session_id="S_PLANTED_REAL_LOGIN",
                    )
                )
            for case, (test_first, event_id) in LATE_IDS.items():
                _, session_id = cases[case]
                first, late = (test_customer, real_customer) if test_first else (real_customer, test_customer)
                if index >= 1:  # from the second delivery on: the login that stitches first
                    day = LAST_DAY - dt.timedelta(days=INCREMENTS - 1)
                    planted.append(
                        _login(
                            rel, session_id, event_id, first, event_at=f"{day}T10:00:00Z", session_id=event_id
                        )
                    )
                if last:  # and the earlier login, delivered late: it wins
                    day = LAST_DAY - dt.timedelta(days=INCREMENTS)
                    planted.append(
                        _login(
                            rel,
                            session_id,
                            event_id + "_LATE",
                            late,
                            event_at=f"{day}T10:00:00Z",
                            session_id=event_id + "_LATE",
                        )
                    )
            _add_events(con, delivery, rel, planted)
        finally:
            con.close()


PLANTED_LATER_ORDER = "O_PLANTED_NEXT_DELIVERY"
CUSTOMER_NOT_EXPORTED = "C_PLANTED_NOT_EXPORTED"


def _csv(folder: Path, table: str) -> str:
    return f"read_csv('{folder / (table + '.csv')}', all_varchar = true, header = true)"


def _plant_order_of_a_customer_not_exported(deliveries: list[Path]) -> None:
    """In every delivery, the earliest shipped order of a real customer names a customer the
    customer export lacks (contract data, D296): it must build with no failing test."""
    con = duckdb.connect()
    try:
        first = deliveries[0]
        order_id = con.execute(
            f"select min(o.order_id) from {_csv(first, 'shop_orders')} as o "
            f"inner join {_csv(first, 'shop_customers')} as c on o.customer_id = c.customer_id "
            "where lower(c.is_test) = 'false' "
            f"and o.order_id in (select order_id from {_csv(first, 'shop_shipments')})"
        ).fetchone()[0]
        assert order_id is not None, "no shipped order of a real customer"
        for delivery in deliveries:
            orders = delivery / "shop_orders.csv"
            target = orders.with_name("shop_orders.planted.csv")
            con.execute(
                f"copy (select * replace (case when order_id = '{order_id}' then '{CUSTOMER_NOT_EXPORTED}' "
                f"else customer_id end as customer_id) from {_csv(delivery, 'shop_orders')}) "
                f"to '{target}' (header true)"
            )
            target.replace(orders)
    finally:
        con.close()


def _plant_purchase_of_a_later_order(delivery: Path) -> None:
    """Add to the last delivery a purchase event, on its last day, of an order the delivery does
    not hold yet: the tracker's export is cut later than the shop's (contract data, D296)."""
    con = duckdb.connect()
    try:
        rel, _, _ = _events_and_customers(con, delivery)
        purchase = (
            f"select * replace ('E_PLANTED_PURCHASE' as event_id, 'purchase' as event_name, "
            f"'{PLANTED_LATER_ORDER}' as order_id, null as product_id) "
            f"from (select * from {rel} where event_at >= '{LAST_DAY}' order by event_at desc, event_id limit 1)"
        )
        _add_events(con, delivery, rel, [purchase])
    finally:
        con.close()


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(built incrementally over three deliveries, built with a full refresh on the last one)."""
    workdir = tmp_path_factory.mktemp("incremental")
    full = workdir / "full"
    _generate(full)
    incremental, refreshed = workdir / "incremental.duckdb", workdir / "refreshed.duckdb"
    first = LAST_DAY - dt.timedelta(days=INCREMENTS)
    deliveries = [_deliver(full, first + dt.timedelta(days=k), workdir) for k in range(INCREMENTS + 1)]
    _plant_stitches(deliveries, _plant_test_login(deliveries[-1]))
    _plant_purchase_of_a_later_order(deliveries[-1])
    _plant_order_of_a_customer_not_exported(deliveries)
    # The full refresh on the last delivery runs beside the incremental chain (its
    # own database and target path): the two share nothing, and the machine has 2 cores.
    load, build = _load_and_build_commands(
        deliveries[-1], refreshed, workdir / "target_refreshed", "--resource-type", "seed", "--full-refresh"
    )
    _run(load, refreshed)
    refresh = subprocess.Popen(
        build, cwd=ROOT, env=_env(refreshed), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        target = workdir / "target"
        _load_and_build(deliveries[0], incremental, target, "--resource-type", "seed")
        for delivery in deliveries[1:]:
            if delivery == deliveries[-1]:
                _plant_emptied_days(incremental)
            _load_and_build(delivery, incremental, target)
    except BaseException:
        refresh.kill()
        refresh.communicate()
        raise
    output, _ = refresh.communicate()
    if refresh.returncode != 0:
        raise RuntimeError(f"{' '.join(build)} failed:\n{output[-6000:]}")
    return incremental, refreshed


def test_deliveries_carry_late_and_changed_rows(tmp_path: Path) -> None:
    """The deliveries the equivalence rests on have rows of both hard kinds."""
    from scripts.generate_increment import write_increment

    full = tmp_path / "full"
    _generate(full)
    day = LAST_DAY - dt.timedelta(days=1)
    write_increment(full, day - dt.timedelta(days=1), tmp_path / "before")
    write_increment(full, day, tmp_path / "after")
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")

    def rel(name: str, table: str) -> str:
        return f"read_csv('{tmp_path / name / table}.csv', all_varchar = true)"

    late_events = con.execute(
        f"select count(*) from {rel('after', 'web_events')} "
        f"where event_id not in (select event_id from {rel('before', 'web_events')}) "
        f"and cast(event_at as timestamptz) < timestamptz '{day}'"
    ).fetchone()[0]
    changed_orders = con.execute(
        f"select count(*) from {rel('after', 'shop_orders')} as a inner join {rel('before', 'shop_orders')} as b "
        "using (order_id) where a.status <> b.status"
    ).fetchone()[0]
    assert late_events > 0
    assert changed_orders > 0


def _marts(con: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    return [
        row[0]
        for row in con.execute(
            "select table_name from duckdb_tables() where database_name = ? and schema_name = 'marts' order by 1",
            [catalog],
        ).fetchall()
    ]


def _same(left: object, right: object) -> bool:
    # floating-point sums may differ in the last bits with the order rows are added in;
    # decimals (money), integers, strings and dates must be identical
    if isinstance(left, float) and isinstance(right, float):
        return math.isclose(left, right, rel_tol=1e-9, abs_tol=1e-9) or (
            math.isnan(left) and math.isnan(right)
        )
    return left == right


def _differences(con: duckdb.DuckDBPyConnection, mart: str, schema: str = "marts") -> int:
    """Rows of one table that differ between the two warehouses (0 when the same)."""
    columns = con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where database_name = 'ref' and schema_name = ? and table_name = ? order by column_index",
        [schema, mart],
    ).fetchall()
    # exact columns first in the sort, so that rows pair up although doubles differ in the last bits
    exact = [f'"{name}"' for name, dtype in columns if dtype not in ("DOUBLE", "FLOAT")]
    floats = [f'"{name}"' for name, dtype in columns if dtype in ("DOUBLE", "FLOAT")]
    order = ", ".join(f"{c} nulls first" for c in exact + floats)
    select = ", ".join(exact + floats)
    left = con.execute(f"select {select} from inc.{schema}.{mart} order by {order}").fetchall()
    right = con.execute(f"select {select} from ref.{schema}.{mart} order by {order}").fetchall()
    if len(left) != len(right):
        return abs(len(left) - len(right)) or 1
    return sum(1 for a, b in zip(left, right, strict=True) if not all(map(_same, a, b)))


def _both(warehouses: tuple[Path, Path]) -> duckdb.DuckDBPyConnection:
    """One connection with the incremental warehouse as inc and the full refresh as ref."""
    incremental, refreshed = warehouses
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    con.execute(f"attach '{incremental}' as inc (read_only)")
    con.execute(f"attach '{refreshed}' as ref (read_only)")
    return con


def test_every_mart_equals_its_full_refresh(warehouses: tuple[Path, Path]) -> None:
    con = _both(warehouses)
    marts = _marts(con, "ref")
    assert _marts(con, "inc") == marts
    assert {"fct_orders", "fct_order_items", "fct_sessions", "kpi_values"} <= set(marts)
    differing = {mart: n for mart in marts if (n := _differences(con, mart))}
    assert differing == {}, f"marts whose incremental build differs from a full refresh (rows): {differing}"


def test_every_intermediate_incremental_model_equals_its_full_refresh(warehouses: tuple[Path, Path]) -> None:
    """The incremental models outside the marts too (their errors could cancel out in a mart)."""
    assert len(INTERMEDIATE_INCREMENTAL) >= 6, INTERMEDIATE_INCREMENTAL
    con = _both(warehouses)
    differing = {
        model: n for model in INTERMEDIATE_INCREMENTAL if (n := _differences(con, model, "intermediate"))
    }
    assert differing == {}, f"models whose incremental build differs from a full refresh (rows): {differing}"


def test_days_left_without_rows_upstream_are_deleted(warehouses: tuple[Path, Path]) -> None:
    """The rows planted on an emptied day before the last delivery are gone after it."""
    incremental, _ = warehouses
    con = duckdb.connect(str(incremental), read_only=True)
    try:
        left = {
            model: con.execute(
                f"select count(*) from intermediate.{model} where {column} = date '{EMPTIED_DAY}'"
            ).fetchone()[0]
            for model, column in DAILY_AGGREGATES.items()
        }
    finally:
        con.close()
    assert left == dict.fromkeys(DAILY_AGGREGATES, 0)


def _rows(database: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_references_a_cut_delivery_leaves_unresolved_are_counted_not_warned(
    warehouses: tuple[Path, Path],
) -> None:
    """marts.data_references counts, per referring raw column, the loaded rows whose value names
    no row of the referred raw table, recounted here from the raw tables (D296). A delivery cut
    at a day boundary holds purchase events of orders that arrive the next day: contract data,
    counted there and never a build warning."""
    _, refreshed = warehouses
    mart = {
        row[0]: row[1:]
        for row in _rows(
            refreshed,
            "select raw_input, refers_to_table, refers_to_column, checked_rows, unresolved_rows, "
            "unresolved_keys, example_unresolved_key from marts.data_references",
        )
    }
    assert len(mart) == 13, sorted(mart)
    recounted = {}
    for raw_input, (refers_to, key, *_) in mart.items():
        table, column = raw_input.split(".")
        recounted[raw_input] = (
            refers_to,
            key,
            *_rows(
                refreshed,
                f"""
                select
                    count(*),
                    count(*) filter (where p.{key} is null),
                    count(distinct c.{column}) filter (where p.{key} is null),
                    min(c.{column}) filter (where p.{key} is null)
                from raw.{table} as c
                left join raw.{refers_to} as p on c.{column} = p.{key}
                where c.{column} is not null
                """,
            )[0],
        )
    assert mart == recounted
    planted = _rows(
        refreshed, f"select count(*) from raw.web_events where order_id = '{PLANTED_LATER_ORDER}'"
    )
    assert planted == [(1,)]
    assert mart["web_events.order_id"][3] >= 1, mart["web_events.order_id"]
    assert mart["shop_orders.customer_id"][3:] == (1, 1, CUSTOMER_NOT_EXPORTED), mart[
        "shop_orders.customer_id"
    ]
    # the incremental chain gives the same mart (test_every_mart_equals_its_full_refresh)

    # every data test passes on this delivery: no failure, no warning (make test's shop is whole)
    target = refreshed.parent / "target_data_tests"
    cmd = [*DBT_CLI, "test", "--exclude-resource-type", "unit_test", "--target-path", str(target)]
    cmd += ["--log-path", str(target / "logs")]
    result = subprocess.run(cmd, cwd=ROOT, env=_env(refreshed), capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-4000:]
    results = json.loads((target / "run_results.json").read_text())["results"]
    statuses = [r["status"] for r in results if r["unique_id"].startswith("test.")]
    assert len(statuses) > 100 and set(statuses) == {"pass"}, sorted(set(statuses))


def test_the_planted_test_login_turns_old_sessions_test(warehouses: tuple[Path, Path]) -> None:
    """The stitch planted in the last delivery reaches sessions long before the lookback
    window, and in both warehouses they are a test user's and out of the session facts."""
    for database in warehouses:
        [old] = _rows(
            database,
            "select count(*), count(*) filter (where is_test_user), "
            "count(*) filter (where session_id in (select session_id from marts.fct_sessions)) "
            "from intermediate.int_sessions_sessionized where anonymous_id = ("
            f"select anonymous_id from intermediate.int_sessions_sessionized where session_id = '{PLANTED_SESSION}'"
            f") and session_date < date '{LAST_DAY - dt.timedelta(days=30)}'",
        )
        assert old[0] >= 2 and old == (old[0], old[0], 0), (database.name, old)


def test_the_planted_reversed_login_makes_an_old_session_real_again(warehouses: tuple[Path, Path]) -> None:
    """The old session that held another id's login as a test customer is a real user's
    session after its own id's first login, in both warehouses, on a day long before
    the lookback window (the equivalence tests compare every aggregate of it)."""
    for database in warehouses:
        planted = _rows(
            database,
            "select s.session_id, s.is_test_user, s.session_date, "
            "s.session_id in (select session_id from marts.fct_sessions), "
            "(select is_test from staging.stg_shop__customers where customer_id = e.customer_id) "
            "from staging.stg_web__events as e "
            "inner join intermediate.int_sessions_sessionized as s on e.session_id = s.session_id "
            f"where e.event_id = '{OTHER_ID_LOGIN}'",
        )
        assert len(planted) == 1, (database.name, planted)
        _, is_test_user, session_date, in_facts, login_is_test = planted[0]
        assert login_is_test and not is_test_user and in_facts, (database.name, planted)
        assert session_date < LAST_DAY - dt.timedelta(days=30), (database.name, planted)


def test_the_planted_late_logins_move_old_sessions(warehouses: tuple[Path, Path]) -> None:
    """An earlier login delivered late wins the stitch: the id's old sessions, long before
    the lookback window, move to its customer in both warehouses, from a test customer to a
    real one and the other way (the equivalence tests compare every aggregate of them)."""
    month_ago = LAST_DAY - dt.timedelta(days=30)
    for database in warehouses:
        for case, (test_first, event_id) in LATE_IDS.items():
            [row] = _rows(
                database,
                "select count(*), count(*) filter (where is_test_user), "
                "count(*) filter (where session_id in (select session_id from marts.fct_sessions)), "
                "min(customer_id), max(customer_id), "
                f"(select customer_id from staging.stg_web__events where event_id = '{event_id}_LATE') "
                "from intermediate.int_sessions_sessionized where anonymous_id = ("
                f"select anonymous_id from staging.stg_web__events where event_id = '{event_id}'"
                f") and session_date < date '{month_ago}'",
            )
            sessions, test_sessions, in_facts, first_customer, last_customer, late_customer = row
            assert sessions >= 1 and first_customer == last_customer == late_customer, (
                database.name,
                case,
                row,
            )
            # test first: the late login is a real customer's, so the sessions are real now
            expected = (0, sessions) if test_first else (sessions, 0)
            assert (test_sessions, in_facts) == expected, (database.name, case, row)


def _dbt_test(database: Path, scope: str, *select: str) -> subprocess.CompletedProcess[str]:
    """`dbt test` of the given models on the incremental warehouse, KPI_TESTS_SCOPE=scope."""
    env = {**_env(database), "KPI_TESTS_SCOPE": scope}
    cmd = [*DBT_CLI, "test", "--select", *select, "--target-path", str(database.parent / "target")]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def test_a_daily_run_tests_only_the_rebuilt_rows(warehouses: tuple[Path, Path]) -> None:
    """KPI_TESTS_SCOPE=rebuilt (the pipeline's daily run): the data tests of an
    incremental model read only its lookback window, those of a staging view with a
    rebuilt_rows_date_column and of a source table with a loaded_at_field only their
    newest days, those of a table model every row; any other value stops the run."""
    incremental, _ = warehouses
    selected = ["fct_orders", "stg_web__events", "source:web.events", "dim_customers"]
    result = _dbt_test(incremental, "rebuilt", *selected)
    assert result.returncode == 0, result.stdout[-4000:]
    compiled = incremental.parent / "target" / "compiled"
    sql = {p.name: p.read_text() for p in compiled.rglob("*.sql") if p.parent.name.endswith(".yml")}
    limited = {
        "column_checks_fct_orders": "ordered_date >=",
        "column_checks_stg_web__events": "event_date >=",
        "column_checks_web_events": "event_at >=",
    }
    for test, predicate in limited.items():
        text = next((t for name, t in sql.items() if name.startswith(test + ".")), None)
        assert text is not None, f"{test} was not compiled"
        assert predicate in text and "is null" in text, f"{test} is not limited to the newest days"
    on_customers = next(t for name, t in sql.items() if name.startswith("column_checks_dim_customers."))
    assert "(select max(" not in on_customers  # a table model: every row, no lookback window

    bad = _dbt_test(incremental, "some", "fct_orders")
    assert bad.returncode != 0
    assert "KPI_TESTS_SCOPE = 'some' is not a tests scope" in bad.stdout + bad.stderr
