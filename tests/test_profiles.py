"""Profiles that look like real exports (scripts/data_profiles.py), built end to end.

For each non-full profile, at scale 0.05: generate (`generate_data.py --profile`),
load with the profile's time zone (`load_raw.py --assume-timezone`), then
`dbt build` (unit tests included) with the profile's reporting currency and
zone, into a temporary warehouse with its own target and log folders (the
project's target/ is never touched). The build must be clean (no error, fail,
warn or skip), the planted facts the profile's data supports must come out of
the warehouse, and the KPIs it cannot support must be NULL and listed as not
computable. Each profile builds once (module-scoped fixtures).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import gzip
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest

from scripts import data_profiles as dp
from scripts.raw_contract import TABLES
from tests import test_pii
from tests.warehouse_fixture import DBT_CLI

ROOT = Path(__file__).resolve().parent.parent
SCALE = "0.05"
SEED = "42"
PROFILES = [name for name in dp.PROFILE_NAMES if name != dp.FULL]
# the profile whose raw files get e-mails and phone numbers planted in free-text
# columns (tests/test_pii.py: none may get past staging)
PII_PROFILE = "marketplace"
WARM_UP_DAYS = 365
NAIVE_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")


@dataclasses.dataclass
class Generated:
    name: str
    profile: dp.Profile
    data_dir: Path
    database: Path
    truth: dict[str, Any]
    seconds: dict[str, float]
    planted_pii: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Built:
    generated: Generated
    target: Path
    returncode: int
    stdout: str
    results: list[dict[str, Any]]


def _run(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def _env(database: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        WAREHOUSE_PATH=str(database),
        DBT_PROFILES_DIR=str(ROOT),
        DBT_SEND_ANONYMOUS_USAGE_STATS="False",
    )
    return env


@pytest.fixture(scope="module", params=PROFILES)
def generated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """The profile generated and loaded into a fresh DuckDB file."""
    name = request.param
    profile = dp.PROFILES[name]
    work = tmp_path_factory.mktemp(f"profile_{name}")
    data_dir, database = work / "data", work / "warehouse.duckdb"
    env = _env(database)
    seconds: dict[str, float] = {}
    steps = {
        "generate": [
            sys.executable,
            "-m",
            "scripts.generate_data",
            "--profile",
            name,
            "--out",
            str(data_dir),
            "--scale",
            SCALE,
            "--seed",
            SEED,
        ],
        "load": [
            sys.executable,
            "-m",
            "scripts.load_raw",
            "--input",
            str(data_dir),
            "--database",
            str(database),
            "--assume-timezone",
            profile.timezone,
        ],
    }
    planted: dict[str, str] = {}
    for step, cmd in steps.items():
        clock = time.perf_counter()
        result = _run(cmd, env)
        seconds[step] = time.perf_counter() - clock
        assert result.returncode == 0, f"{step} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        if step == "generate" and name == PII_PROFILE:
            planted = test_pii.plant_pii(data_dir)
    truth = json.loads((data_dir / "ground_truth.json").read_text())
    return Generated(name, profile, data_dir, database, truth, seconds, planted)


@pytest.fixture(scope="module")
def built(generated: Generated) -> Built:
    """dbt build of the loaded profile, in its own target and log folders."""
    work = generated.database.parent
    target = work / "target"
    variables = {
        "reporting_currency": generated.profile.currency,
        "reporting_timezone": generated.profile.timezone,
    }
    cmd = [
        *DBT_CLI,
        "build",
        "--no-partial-parse",
        "--target-path",
        str(target),
        "--log-path",
        str(work / "logs"),
        "--vars",
        json.dumps(variables),
    ]
    clock = time.perf_counter()
    result = _run(cmd, _env(generated.database))
    generated.seconds["build"] = time.perf_counter() - clock
    print(f"profile {generated.name}: " + ", ".join(f"{k} {v:.1f}s" for k, v in generated.seconds.items()))
    run_results = target / "run_results.json"
    results = json.loads(run_results.read_text())["results"] if run_results.exists() else []
    return Built(generated, target, result.returncode, result.stdout + result.stderr, results)


@pytest.fixture()
def warehouse(built: Built):
    con = duckdb.connect(str(built.generated.database), read_only=True)
    yield con
    con.close()


def _facts(generated: Generated) -> dict[str, Any]:
    return generated.truth["profile"]["facts"]


def _read_rows(path: Path) -> list[dict[str, str]]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", newline="", encoding="utf-8") as handle:  # type: ignore[operator]
        return list(csv.DictReader(handle))


def _monthly_kpi(con: duckdb.DuckDBPyConnection, kpi_id: str) -> dict[str, tuple[Any, bool]]:
    rows = con.execute(
        """
        select strftime(period_start, '%Y-%m'), value, is_complete
        from marts.kpi_values
        where kpi_id = ? and grain = 'month' and dimension = 'total'
        """,
        [kpi_id],
    ).fetchall()
    return {month: (value, is_complete) for month, value, is_complete in rows}


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchall()
    }


# --------------------------------------------------------------------------- the files


def test_files_look_like_the_export(generated: Generated) -> None:
    """Only the profile's tables, contract headers, emptied columns empty, one
    currency, timestamps as local wall-clock text without an offset, inside the
    window."""
    profile, meta = generated.profile, generated.truth["profile"]
    kept = profile.kept_tables()
    assert meta["tables_written"] == list(kept)
    assert "finance_exchange_rates" not in kept
    files = {p.name for p in generated.data_dir.iterdir()}
    assert files == {f"{t}.csv" for t in kept} | {"ground_truth.json", ".generated-by-generate_data"}
    assert generated.truth["planted"]["profile"] == profile.name
    assert "generator_version" in generated.truth["planted"]
    emptied = profile.emptied()
    lo, hi = (d.isoformat() for d in profile.window)
    for table in kept:
        spec = TABLES[table]
        rows = _read_rows(generated.data_dir / f"{table}.csv")
        assert rows, table
        assert tuple(rows[0]) == spec.column_names, table
        for col in spec.columns:
            values = [r[col.name] for r in rows if r[col.name] != ""]
            if col.name in emptied.get(table, ()):
                assert values == [], f"{table}.{col.name} should be empty"
                continue
            if col.required:
                assert len(values) == len(rows), f"{table}.{col.name} is required"
            if col.name == "currency":
                assert set(values) == {profile.currency}, table
            if col.type == "timestamp":
                bad = [v for v in values if not NAIVE_TIMESTAMP.match(v)]
                assert bad == [], f"{table}.{col.name}: {bad[:3]}"
    orders = _read_rows(generated.data_dir / "shop_orders.csv")
    days = sorted(r["ordered_at"][:10] for r in orders)
    assert lo <= days[0] and days[-1] <= hi
    customers = _read_rows(generated.data_dir / "shop_customers.csv")
    assert max(r["signup_at"][:10] for r in customers) <= hi
    # Customers who signed up before the window are kept (their earlier orders are not).
    assert min(r["signup_at"][:10] for r in customers) < lo


def test_loader_rejects_nothing(generated: Generated) -> None:
    con = duckdb.connect(str(generated.database), read_only=True)
    try:
        summary = con.execute(
            "select table_name, input_rows, loaded_rows, rejected_rows from raw_rejects.load_summary"
        ).fetchall()
    finally:
        con.close()
    rows = generated.truth["profile"]["row_counts"]
    by_table = {t: (i, loaded, r) for t, i, loaded, r in summary}
    for table, count in rows.items():
        assert by_table[table] == (count, count, 0), table


def test_profile_facts_are_consistent(generated: Generated) -> None:
    facts = _facts(generated)
    months = facts["monthly"]
    assert months[0]["is_complete"] is False and months[-1]["is_complete"] is False
    assert all(m["is_complete"] for m in months[1:-1])
    orders = _read_rows(generated.data_dir / "shop_orders.csv")
    # Test accounts are the only orders the facts leave out.
    assert sum(m["orders"] for m in months) <= len(orders)
    if facts["customers_named_on_orders"]:
        first = dt.date.fromisoformat(facts["first_order_local_date"])
        late = [
            m for m in months if m["is_complete"] and _month_start(m["month"]) >= _days(first, WARM_UP_DAYS)
        ]
        assert late, "no complete month after the warm-up"
        early = [m for m in months if m["is_complete"] and m not in late]
        # Without the earlier history the export shows more "new" customers at first.
        assert sum(m["visible_new_customers"] for m in early) > sum(m["true_new_customers"] for m in early)


def _month_start(month: str) -> dt.date:
    return dt.date.fromisoformat(month + "-01")


def _days(day: dt.date, n: int) -> dt.date:
    return day + dt.timedelta(days=n)


# --------------------------------------------------------------------------- the build


def _ok(result: dict[str, Any]) -> bool:
    # Exposures are not run: dbt reports them as no-op.
    return result["status"] in ("success", "pass") or (
        result["status"] == "no-op" and result["unique_id"].startswith("exposure.")
    )


def test_build_is_clean(built: Built) -> None:
    """Exit 0; every node success/pass (nothing errors, fails, warns or is
    skipped); no warning in dbt's output."""
    bad = [r for r in built.results if not _ok(r)]
    failing = [
        f"{r['unique_id']}: {r['status']}: {(r.get('message') or '').strip()[:400]}"
        for r in bad
        if r["status"] != "skipped"
    ]
    skipped = sum(1 for r in bad if r["status"] == "skipped")
    assert bad == [], "\n".join(failing) + f"\n({skipped} nodes skipped)"
    assert built.returncode == 0, built.stdout[-4000:]
    assert built.results, "no run_results.json"
    assert "[WARNING]" not in built.stdout
    warn_counts = set(re.findall(r"WARN=\d+", built.stdout))
    assert warn_counts <= {"WARN=0"}, warn_counts


def test_monthly_orders_and_gmv(built: Built, warehouse: duckdb.DuckDBPyConnection) -> None:
    months = _facts(built.generated)["monthly"]
    orders, gmv = _monthly_kpi(warehouse, "orders"), _monthly_kpi(warehouse, "gmv")
    for fact in months:
        key = fact["month"]
        if not fact["is_complete"]:
            for kpi in (orders, gmv):
                assert key not in kpi or kpi[key][1] is False, (key, kpi.get(key))
            continue
        assert orders[key][1] is True, key
        assert orders[key][0] == fact["orders"], key
        assert gmv[key][1] is True, key
        assert float(gmv[key][0]) == pytest.approx(float(fact["gmv"]), abs=0.01), key


def test_dropped_tables_are_not_present(built: Built, warehouse: duckdb.DuckDBPyConnection) -> None:
    """marts.data_coverage: every table the profile dropped is not present."""
    expected = {
        "table_name",
        "column_name",
        "is_required",
        "is_present",
        "row_count",
        "first_date",
        "last_date",
    }
    assert expected <= _columns(warehouse, "marts", "data_coverage")
    rows = warehouse.execute(
        "select table_name, is_present, row_count from marts.data_coverage where column_name is null"
    ).fetchall()
    present = {t: (p, n) for t, p, n in rows}
    for table in built.generated.truth["profile"]["tables_dropped"]:
        assert present[table][0] is False, table
    for table, count in built.generated.truth["profile"]["row_counts"].items():
        assert present[table] == (True, count), table


def _not_computable(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = con.execute(
        "select kpi_id, missing_inputs from marts.kpi_coverage where not is_computable"
    ).fetchall()
    return {k: str(m) for k, m in rows}


def test_kpis_the_data_cannot_support(built: Built, warehouse: duckdb.DuckDBPyConnection) -> None:
    """marts.kpi_coverage lists them with their missing inputs; their values are NULL."""
    assert {"kpi_id", "is_computable", "missing_inputs"} <= _columns(warehouse, "marts", "kpi_coverage")
    missing = _not_computable(warehouse)
    assert missing, "a profile that drops tables must leave some KPI not computable"
    if built.generated.name in ("minimal", "bare"):
        assert "shop_products.unit_cost" in missing.get("gross_margin_pct", ""), missing.get(
            "gross_margin_pct"
        )
    if built.generated.name in ("minimal", "bare", "marketplace"):
        assert "web_events" in missing.get("sessions", ""), missing.get("sessions")
    for kpi in ("orders", "gmv"):
        assert kpi not in missing, kpi
    with_values = warehouse.execute(
        """
        select v.kpi_id, count(*) from marts.kpi_values v
        join marts.kpi_coverage c using (kpi_id)
        where not c.is_computable and v.value is not null
        group by 1 order by 1"""
    ).fetchall()
    assert with_values == []


def new_customer_values(warehouse: duckdb.DuckDBPyConnection) -> list[tuple]:
    return warehouse.execute(
        "select value from marts.kpi_values where kpi_id = 'new_customers' and value is not null"
    ).fetchall()


def test_new_customers_after_warm_up(built: Built, warehouse: duckdb.DuckDBPyConnection) -> None:
    """Without the earlier history, months within a year of the first order are
    not complete for new customers; after that the warehouse finds the true count."""
    facts = _facts(built.generated)
    if not facts["customers_named_on_orders"]:
        # no customer on any order: new customers cannot be counted at all
        (computable, missing) = warehouse.execute(
            "select is_computable, missing_inputs from marts.kpi_coverage where kpi_id = 'new_customers'"
        ).fetchone()
        assert (computable, missing) == (False, "shop_orders.customer_id")
        assert new_customer_values(warehouse) == []
        return
    first = dt.date.fromisoformat(facts["first_order_local_date"])
    new = _monthly_kpi(warehouse, "new_customers")
    checked = 0
    for fact in facts["monthly"]:
        key = fact["month"]
        within_warm_up = _month_start(key) < _days(first, WARM_UP_DAYS)
        if within_warm_up or not fact["is_complete"]:
            assert key not in new or new[key][1] is False, (key, new.get(key))
            continue
        assert new[key][1] is True, key
        assert new[key][0] == fact["true_new_customers"], key
        checked += 1
    assert checked > 0


def test_planted_pii_does_not_get_past_staging(built: Built, warehouse: duckdb.DuckDBPyConnection) -> None:
    """E-mails and phone numbers planted in the marketplace profile's free-text
    columns are in raw (the scan finds them) and in no other schema."""
    if built.generated.name != PII_PROFILE:
        pytest.skip(f"PII is planted in the {PII_PROFILE} profile only")
    assert built.generated.planted_pii, "nothing was planted"
    test_pii.assert_planted_pii_stops_at_staging(warehouse, built.generated.planted_pii)
