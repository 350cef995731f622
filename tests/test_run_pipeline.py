"""make run builds into a working copy and publishes it atomically: readers never
see a half-built warehouse. On your own data (--input) it only reads the folder,
and its settings reach the loader and every dbt call. The summary's data
coverage section."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
import yaml

from scripts import run_pipeline


def _write_version(database: Path, version: int) -> None:
    con = duckdb.connect(str(database))
    try:
        con.execute("create or replace table build_info as select ? as version", [version])
    finally:
        con.close()


def _read_version(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("select version from build_info").fetchone()[0]


def test_working_copy_sits_next_to_the_published_file() -> None:
    published = Path("warehouse/ecommerce.duckdb")
    assert run_pipeline.working_copy_of(published) == Path("warehouse/ecommerce.building.duckdb")


def test_publish_keeps_an_open_reader_on_the_previous_version(tmp_path: Path) -> None:
    published = tmp_path / "ecommerce.duckdb"
    building = run_pipeline.working_copy_of(published)
    _write_version(published, 1)
    reader = duckdb.connect(str(published), read_only=True)
    try:
        _write_version(building, 2)
        run_pipeline.publish(building, published)
        assert _read_version(reader) == 1  # the connection opened before keeps its version
    finally:
        reader.close()
    fresh = duckdb.connect(str(published), read_only=True)
    try:
        assert _read_version(fresh) == 2
    finally:
        fresh.close()
    assert not building.exists()
    assert not Path(str(building) + ".wal").exists()


@pytest.fixture
def fake_pipeline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """run_pipeline.main with its subprocess steps replaced: 'dbt build' writes
    version 2 into whatever WAREHOUSE_PATH it is given, after checking what a
    reader of the published file sees at that moment; 'dashboard' writes its
    --out file. Every step's command is recorded in seen["cmds"]."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "ground_truth.json").write_text(json.dumps({"planted": {"scale": 1.0, "seed": 42}}))
    published = tmp_path / "ecommerce.duckdb"
    _write_version(published, 1)
    seen: dict = {"fail": False, "cmds": {}}

    def fake_run(self: run_pipeline.Timings, name: str, cmd: list[str], env: dict[str, str]) -> None:
        self.steps[name] = 0.0
        seen["cmds"][name] = cmd
        seen.setdefault("envs", {})[name] = env
        if name == "dbt build":
            seen["build_path"] = Path(env["WAREHOUSE_PATH"])
            reader = duckdb.connect(str(published), read_only=True)
            try:
                seen["reader_during_build"] = _read_version(reader)
            finally:
                reader.close()
            _write_version(Path(env["WAREHOUSE_PATH"]), 2)
            if seen["fail"]:
                raise SystemExit("step 'dbt build' failed with exit code 1")
        if name == "dashboard":
            out = Path(cmd[cmd.index("--out") + 1])
            out.parent.mkdir(parents=True, exist_ok=True)  # as build_dashboard does
            out.write_text("<html></html>")

    class FakeDbtSession:
        """The dbt process: its steps go through fake_run (so a test can replace it too)."""

        def __init__(self, commands: dict[str, list[str]], env: dict[str, str]) -> None:
            self.commands, self.env = commands, env
            seen["dbt_session"] = "started"
            seen["dbt_commands"] = commands
            seen["steps_before_dbt"] = list(seen["cmds"])

        def run_build_and_docs(self, timings: run_pipeline.Timings) -> None:
            seen["dbt_session"] = "ran"
            for name, key in (("dbt build", "build"), ("dbt docs generate", "docs")):
                run_pipeline.Timings.run(timings, name, self.commands[key], self.env)

        def stop(self) -> None:
            seen["dbt_session"] = "stopped"

    monkeypatch.setattr(run_pipeline.Timings, "run", fake_run)
    monkeypatch.setattr(
        run_pipeline, "start_dbt_session", lambda python, commands, env: FakeDbtSession(commands, env)
    )
    monkeypatch.setattr(run_pipeline, "data_is_current", lambda *args: True)
    monkeypatch.setattr(run_pipeline, "dbt_results", lambda path: {})
    monkeypatch.setattr(run_pipeline, "raw_row_counts", lambda path: [])
    monkeypatch.setattr(run_pipeline, "headline_kpis", lambda path: (None, []))
    seen["dashboard"] = tmp_path / "dashboard" / "index.html"
    seen["common"] = ["--warehouse", str(published), "--dashboard-out", str(seen["dashboard"])]
    seen["args"] = ["--data-dir", str(data_dir), *seen["common"]]
    seen["data_dir"] = data_dir
    seen["published"] = published
    return seen


def test_a_reader_during_the_build_reads_the_previous_version(fake_pipeline: dict) -> None:
    assert run_pipeline.main(fake_pipeline["args"]) == 0
    published = fake_pipeline["published"]
    assert fake_pipeline["build_path"] == run_pipeline.working_copy_of(published)
    assert fake_pipeline["reader_during_build"] == 1
    con = duckdb.connect(str(published), read_only=True)
    try:
        assert _read_version(con) == 2
    finally:
        con.close()


def test_a_failed_build_leaves_the_published_warehouse_untouched(fake_pipeline: dict) -> None:
    fake_pipeline["fail"] = True
    with pytest.raises(SystemExit):
        run_pipeline.main(fake_pipeline["args"])
    con = duckdb.connect(str(fake_pipeline["published"]), read_only=True)
    try:
        assert _read_version(con) == 1
    finally:
        con.close()


def _fail_step(monkeypatch: pytest.MonkeyPatch, failing: str, code: int) -> None:
    """Make the (fake) step ``failing`` exit with ``code``; the other steps run as before."""
    real_run = run_pipeline.Timings.run

    def run(self, name, cmd, env):
        if name == failing:
            raise run_pipeline.StepFailed(name, code)
        real_run(self, name, cmd, env)

    monkeypatch.setattr(run_pipeline.Timings, "run", run)


def test_a_failed_load_stops_dbt_before_it_builds(fake_pipeline: dict, monkeypatch) -> None:
    _fail_step(monkeypatch, "load", 1)
    with pytest.raises(SystemExit, match="step 'load' failed"):
        run_pipeline.main(fake_pipeline["args"])
    assert fake_pipeline["dbt_session"] == "stopped"
    assert "dbt build" not in fake_pipeline["cmds"]


# --------------------------------------------------------------------------- your own data (--input)


def _vars_of(cmd: list[str]) -> dict:
    """The --vars mapping of a dbt command."""
    return yaml.safe_load(cmd[cmd.index("--vars") + 1])


def test_input_options_reach_the_loader_and_every_dbt_call(fake_pipeline: dict) -> None:
    args = [
        "--input",
        str(fake_pipeline["data_dir"]),
        *fake_pipeline["common"],
        "--timezone",
        "Europe/London",
        "--currency",
        "gbp",
        "--history-complete",
        "--earliest-date",
        "1995-01-01",
        "--vars",
        "{churn_days: 120, exchange_rates_quote_currency: 'a: b'}",
    ]
    assert run_pipeline.main(args) == 0
    cmds = fake_pipeline["cmds"]
    assert "generate" not in cmds  # --input never generates
    load = cmds["load"]
    assert load[load.index("--input") + 1] == str(fake_pipeline["data_dir"])
    assert load[load.index("--assume-timezone") + 1] == "Europe/London"
    assert load[load.index("--earliest-date") + 1] == "1995-01-01"
    expected = {
        "reporting_timezone": "Europe/London",
        "reporting_currency": "GBP",
        "history_complete": True,
        "churn_days": 120,
        # the fake runs no dbt: the value only has to survive the YAML round trip
        "exchange_rates_quote_currency": "a: b",
    }
    for step in ("dbt build", "dbt docs generate"):
        assert _vars_of(cmds[step]) == expected, step
    # the build reuses the parse's manifest: the parse must see the same vars
    assert _vars_of(fake_pipeline["dbt_commands"]["parse"]) == expected
    # your own data: models and data tests, not the unit tests (make test runs those)
    build = cmds["dbt build"]
    assert build[build.index("--exclude-resource-type") + 1] == "unit_test"
    dashboard = cmds["dashboard"]
    assert "--allow-empty-sections" in dashboard
    assert dashboard[dashboard.index("--warehouse") + 1] == str(
        run_pipeline.working_copy_of(fake_pipeline["published"])
    )
    assert fake_pipeline["dashboard"].read_text() == "<html></html>"  # moved into place on publish
    assert not run_pipeline.staged_dashboard(fake_pipeline["dashboard"]).exists()


def test_the_demo_keeps_its_whole_build_and_draws_the_dashboard_before_publishing(
    fake_pipeline: dict,
) -> None:
    assert run_pipeline.main(fake_pipeline["args"]) == 0
    cmds = fake_pipeline["cmds"]
    assert list(cmds) == ["load", "dbt build", "dbt docs generate", "dashboard"]
    assert fake_pipeline["dbt_session"] == "ran"
    # dbt starts (and parses) before the data is generated and loaded
    assert fake_pipeline["steps_before_dbt"] == []
    # the demo too builds models and data tests only: unit tests are make test's
    build = cmds["dbt build"]
    assert build[build.index("--exclude-resource-type") + 1] == "unit_test"
    # the docs reuse the build's compilation; a full build tests every row
    assert "--no-compile" in cmds["dbt docs generate"]
    assert fake_pipeline["envs"]["dbt build"]["KPI_TESTS_SCOPE"] == "all"
    assert _vars_of(cmds["dbt build"]) == {"history_complete": False}
    assert "--allow-empty-sections" not in cmds["dashboard"]
    assert cmds["load"][cmds["load"].index("--assume-timezone") + 1] == "UTC"


def test_a_dashboard_that_cannot_be_drawn_stops_the_publish(fake_pipeline: dict, monkeypatch) -> None:
    _fail_step(monkeypatch, "dashboard", 2)
    with pytest.raises(SystemExit):
        run_pipeline.main(fake_pipeline["args"])
    con = duckdb.connect(str(fake_pipeline["published"]), read_only=True)
    try:
        assert _read_version(con) == 1
    finally:
        con.close()
    assert not fake_pipeline["dashboard"].exists()


def _parse_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    with pytest.raises(SystemExit) as exc:
        run_pipeline.parse_args(argv)
    assert exc.value.code == 2
    return capsys.readouterr().err


def test_a_missing_input_folder_fails_clearly(tmp_path: Path, capsys) -> None:
    err = _parse_error(capsys, ["--input", str(tmp_path / "absent")])
    assert "absent: no such folder" in err and "docs/raw_contract.md" in err
    a_file = tmp_path / "shop_orders.csv"
    a_file.write_text("order_id\n")
    assert "not a folder" in _parse_error(capsys, ["--input", str(a_file)])


def test_input_refuses_outputs_inside_it_and_generator_options(tmp_path: Path, capsys) -> None:
    inside = ["--input", str(tmp_path), "--warehouse", str(tmp_path / "w.duckdb")]
    assert "inside it" in _parse_error(capsys, inside)
    assert "--scale" in _parse_error(capsys, ["--input", str(tmp_path), "--scale", "2"])
    assert "inside it" in _parse_error(capsys, ["--input", str(run_pipeline.ROOT)])


def test_input_refuses_dbt_folders_inside_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """dbt's target or log folder set (DBT_TARGET_PATH/DBT_LOG_PATH) inside the input is refused too."""
    for name in ("DBT_TARGET_PATH", "DBT_LOG_PATH"):
        monkeypatch.setenv(name, str(tmp_path / "dbt"))
        with pytest.raises(run_pipeline.SettingsError, match="inside it"):
            run_pipeline.check_input_dir(tmp_path, [])
        monkeypatch.delenv(name)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--vars", "{churn_days: [120"], "--vars (VARS) is not valid YAML"),
        (["--vars", "- 1"], "must be a YAML mapping"),
        (["--vars", "churn_days"], "must be a YAML mapping"),
        (["--timezone", "Mars/Olympus"], "unknown time zone"),
        (["--currency", "pounds"], "ISO-4217"),
        (["--history-complete", "maybe"], "expected true or false"),
        (["--currency", "GBP", "--vars", "{reporting_currency: EUR}"], "set twice"),
    ],
)
def test_bad_settings_fail_before_any_step(argv: list[str], message: str, capsys) -> None:
    assert message in _parse_error(capsys, argv)


def test_vars_merge() -> None:
    assert run_pipeline.merge_vars(None, None, None, {}) == {"history_complete": False}
    assert run_pipeline.merge_vars(None, None, None, {"history_complete": True}) == {"history_complete": True}
    # the same value twice is no conflict
    assert run_pipeline.merge_vars("UTC", None, False, {"reporting_timezone": "UTC"}) == {
        "reporting_timezone": "UTC",
        "history_complete": False,
    }
    assert run_pipeline.parse_vars("") == {} and run_pipeline.parse_vars("  ") == {}
    assert run_pipeline.vars_option({}) == []


# --------------------------------------------------------------------------- the data coverage summary


def _coverage_warehouse(path: Path) -> Path:
    """A warehouse holding only the two coverage marts, in their documented shape."""
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        con.execute(
            "create table marts.data_coverage (table_name varchar, column_name varchar, is_required boolean, "
            "is_present boolean, source_file varchar, row_count bigint, first_date date, last_date date)"
        )
        con.execute(
            """insert into marts.data_coverage values
            ('shop_orders', null, true, true, 'shop_orders.csv', 1200, '2024-01-01', '2025-12-31'),
            ('shop_orders', 'coupon_code', false, false, null, null, null, null),
            ('shop_products', null, true, true, 'shop_products.csv', 50, null, null),
            ('shop_products', 'unit_cost', false, false, null, null, null, null),
            ('web_events', null, false, false, null, 0, null, null),
            ('web_events', 'page_url', false, false, null, null, null, null),
            ('survey_nps', null, false, false, null, 0, null, null)"""
        )
        con.execute(
            "create table marts.kpi_coverage (kpi_id varchar, kpi_name varchar, layer varchar, "
            "is_computable boolean, missing_inputs varchar, warm_up_days integer, complete_from date)"
        )
        con.execute(
            """insert into marts.kpi_coverage values
            ('gmv', 'GMV', 'strategic', true, null, null, null),
            ('net_revenue_growth_yoy', 'Net revenue growth YoY', 'strategic', true, null, 365, '2025-01-01'),
            ('sessions', 'Sessions', 'operational', false, 'web_events', null, null),
            ('session_conversion_rate', 'Conversion', 'operational', false, 'web_events', null, null),
            ('gross_margin_pct', 'Gross margin', 'strategic', false, 'shop_products.unit_cost', null, null),
            ('nps', 'NPS', 'functional', false, 'survey_nps', null, null)"""
        )
    finally:
        con.close()
    return path


def test_coverage_section_of_the_summary(tmp_path: Path) -> None:
    coverage, why_not = run_pipeline.read_coverage(_coverage_warehouse(tmp_path / "w.duckdb"))
    assert why_not == ""
    text = "\n".join(run_pipeline.coverage_lines(coverage, why_not, False))
    assert "tables present (2)" in text
    assert "shop_orders" in text and "1,200 rows  2024-01-01..2025-12-31" in text
    assert "shop_products" in text and "(no dates)" in text
    assert "tables absent (2): survey_nps, web_events" in text
    # optional columns without a value, only in tables that are present
    assert "optional columns empty: shop_orders.coupon_code, shop_products.unit_cost" in text
    assert "web_events.page_url" not in text
    assert "2 of 6 KPIs computable" in text
    assert "not computable without web_events (2): session_conversion_rate, sessions" in text
    assert "not computable without shop_products.unit_cost (1): gross_margin_pct" in text
    assert "history_complete: false" in text
    assert "365-day warm-up, complete from 2025-01-01: net_revenue_growth_yoy" in text


def test_headline_kpis_say_not_computable_instead_of_a_dash() -> None:
    kpis = [("gmv", "currency", 1234.5, None), ("nps", "score", None, 40.0), ("csat", "rate", None, 0.9)]
    text = "\n".join(run_pipeline.headline_lines("2025-11", kpis, {"nps", "sessions", "gross_margin_pct"}))
    lines = {line.split()[0]: line for line in text.splitlines()[2:]}
    assert "1,234.50" in lines["gmv"]
    assert "not computable" in lines["nps"] and "40.00" in lines["nps"]
    assert "not computable" not in lines["csat"]  # NULL but not listed: '-' as before
    assert "not computable" in lines["gross_margin_pct"]  # a headline KPI without a row at all
    assert "sessions" not in lines  # not a headline KPI


def test_without_the_coverage_marts_the_summary_says_so_in_one_line(tmp_path: Path) -> None:
    database = tmp_path / "old.duckdb"
    _write_version(database, 1)
    coverage, why_not = run_pipeline.read_coverage(database)
    assert coverage is None
    lines = run_pipeline.coverage_lines(coverage, why_not, False)
    assert lines[1:] == [f"data coverage: not available ({why_not})"]
    assert "marts.data_coverage" in why_not


def test_unresolved_references_section_of_the_summary(tmp_path: Path) -> None:
    """The references marts.data_references finds unresolved, one line each; none says so."""
    database = tmp_path / "w.duckdb"
    con = duckdb.connect(str(database))
    con.execute("create schema marts")
    con.execute(
        "create table marts.data_references (raw_input varchar, refers_to_table varchar, "
        "unresolved_rows bigint, unresolved_keys bigint, example_unresolved_key varchar, is_resolved boolean)"
    )
    con.execute(
        """insert into marts.data_references values
        ('web_events.order_id', 'shop_orders', 1234, 1200, 'O0001', false),
        ('shop_orders.customer_id', 'shop_customers', 2, 1, 'C9', false),
        ('shop_reviews.order_id', 'shop_orders', 0, 0, null, true)"""
    )
    con.close()
    lines = run_pipeline.reference_lines(run_pipeline.unresolved_references(database))
    assert lines[1].startswith("unresolved references (marts.data_references")
    assert len(lines) == 4, lines
    assert lines[2].split() == [
        "shop_orders.customer_id",
        "->",
        "shop_customers",
        "2",
        "rows",
        "(1",
        "key,",
        "e.g.",
        "C9)",
    ]
    assert lines[3].split()[:6] == ["web_events.order_id", "->", "shop_orders", "1,234", "rows", "(1,200"]
    with duckdb.connect(str(database)) as con:
        con.execute("update marts.data_references set is_resolved = true")
    assert run_pipeline.reference_lines(run_pipeline.unresolved_references(database))[1:] == [
        "unresolved references (marts.data_references): none"
    ]
    missing = run_pipeline.reference_lines(run_pipeline.unresolved_references(tmp_path / "old.duckdb"))
    assert missing[1:] == ["unresolved references: not available (marts.data_references cannot be read)"]
    assert not (tmp_path / "old.duckdb").exists()


# --------------------------------------------------------------------------- end to end, your own data


def _tree_digest(folder: Path) -> dict[str, str]:
    """Every file and folder under folder: relative path -> sha256 (or 'dir')."""
    digest = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        digest[key] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


def test_make_run_on_an_input_folder_leaves_it_byte_for_byte_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One real run (0.05 scale) on a user-like export: the minimal profile (four
    tables, no costs, AUD, Australia/Sydney, 2016-2017, timestamps without an
    offset), without the generator's files: load, build without unit tests,
    docs, dashboard, publish."""
    generated = tmp_path / "generated"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "scripts.generate_data",
            "--out",
            str(generated),
            "--scale",
            "0.05",
            "--profile",
            "minimal",
        ],
        cwd=run_pipeline.ROOT,
        check=True,
        capture_output=True,
    )
    input_dir = tmp_path / "input"
    input_dir.mkdir()
    # the first delivery: every order placed before the last five days, and their items
    # (customers and products whole); the daily run below then brings the full files
    last_day = max(r["ordered_at"][:10] for r in _csv_rows(generated / "shop_orders.csv"))
    cutoff = (dt.date.fromisoformat(last_day) - dt.timedelta(days=5)).isoformat()
    kept = _copy_rows(generated / "shop_orders.csv", input_dir, lambda r: r["ordered_at"][:10] < cutoff)
    _copy_rows(generated / "shop_order_items.csv", input_dir, lambda r: r["order_id"] in kept)
    for name in ("shop_customers.csv", "shop_products.csv"):
        shutil.copy2(generated / name, input_dir / name)  # only the contract files, as a user brings them
    before = _tree_digest(input_dir)
    # dbt's artifacts and logs in tmp, so the run never touches the project's target/
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "logs"))
    monkeypatch.setenv("KPI_PII_HASH_KEY", "a-test-key-for-this-run")  # user data: a key is required
    warehouse = tmp_path / "warehouse" / "shop.duckdb"
    dashboard = tmp_path / "dashboard" / "index.html"
    argv = [
        "--input",
        str(input_dir),
        "--warehouse",
        str(warehouse),
        "--dashboard-out",
        str(dashboard),
        "--timezone",
        "Australia/Sydney",
        "--currency",
        "AUD",
        "--vars",
        "{churn_days: 181}",
    ]
    assert run_pipeline.main(argv) == 0
    out = capsys.readouterr().out

    assert _tree_digest(input_dir) == before  # same files, same bytes, nothing new
    assert warehouse.exists() and not run_pipeline.working_copy_of(warehouse).exists()
    assert dashboard.exists() and "Data coverage" in dashboard.read_text(encoding="utf-8")
    run_args = json.loads((tmp_path / "target" / "run_results.json").read_text())["args"]
    assert run_args["vars"]["reporting_currency"] == "AUD"
    assert run_args["vars"]["reporting_timezone"] == "Australia/Sydney"
    assert run_args["vars"]["churn_days"] == 181
    assert run_args["vars"]["history_complete"] is False
    assert f"input     : {input_dir} (your own data; read only)" in out
    assert "time zone : Australia/Sydney" in out and "currency  : AUD" in out
    assert "data coverage" in out and "headline KPIs of" in out
    assert "dbt unit_tests" not in out  # models and data tests only
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("select count(*) from marts.kpi_values").fetchone()[0] > 0
        coverage = con.execute(
            "select is_computable, missing_inputs from marts.kpi_coverage where kpi_id = 'gross_margin_pct'"
        ).fetchone()
        assert coverage == (False, "shop_products.unit_cost")
        assert con.execute(
            "select count(value) from marts.kpi_values where kpi_id = 'gross_margin_pct'"
        ).fetchone() == (0,)
    finally:
        con.close()

    # the next day's delivery (the full files) as a daily run, INCREMENTAL=true: it builds
    # on a copy of the published file while a BI reader holds that file open and another
    # keeps reconnecting; neither blocks the run, and every state a reader sees is whole
    # (raw rows and the marts built from them agree), the old one until the publish
    daily_dir = tmp_path / "daily"
    daily_dir.mkdir()
    for path in generated.glob("*.csv"):
        shutil.copy2(path, daily_dir / path.name)
    held_open = duckdb.connect(str(warehouse), read_only=True)
    first_state = _reader_state(held_open)
    assert first_state[0] == first_state[1] == len(kept)
    observed: list[tuple[int, int] | str] = []
    stop = threading.Event()
    poller = threading.Thread(target=_poll_reader, args=(warehouse, stop, observed))
    poller.start()
    try:
        daily = ["--input", str(daily_dir), *argv[2:], "--incremental"]
        assert run_pipeline.main(daily) == 0
    finally:
        stop.set()
        poller.join()
    try:
        assert _reader_state(held_open) == first_state  # the reader kept its complete version
    finally:
        held_open.close()
    errors = [o for o in observed if isinstance(o, str)]
    assert not errors, errors[:3]
    assert observed and all(o[0] == o[1] for o in observed), [o for o in observed if o[0] != o[1]][:3]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        final_state = _reader_state(con)
    finally:
        con.close()
    full_orders = len(_csv_rows(generated / "shop_orders.csv"))
    assert final_state == (full_orders, full_orders) and full_orders > len(kept)
    assert "daily load: built on a copy of the published file" in capsys.readouterr().out

    # a daily run in another reporting zone would mix zones in the incremental models
    # (days and periods): it stops at the settings check, and the published warehouse
    # stays as it was
    other_zone = list(daily)
    other_zone[other_zone.index("--timezone") + 1] = "Europe/London"
    with pytest.raises(run_pipeline.StepFailed) as failed:
        run_pipeline.main(other_zone)
    assert "step 'dbt build' failed" in str(failed.value)
    log_text = (tmp_path / "logs" / "dbt.log").read_text(encoding="utf-8")
    assert (
        "Setting reporting_timezone = Europe/London, but this warehouse was built with "
        "reporting_timezone = Australia/Sydney"
    ) in log_text
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert _reader_state(con) == final_state
        assert con.execute(
            "select setting_value from marts.build_settings where setting_name = 'reporting_timezone'"
        ).fetchone() == ("Australia/Sydney",)
    finally:
        con.close()


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _copy_rows(source: Path, folder: Path, keep) -> set[str]:
    """Copy the rows of a CSV file that pass `keep` into folder; the first column's values kept."""
    rows = _csv_rows(source)
    kept = [r for r in rows if keep(r)]
    with (folder / source.name).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(kept)
    return {next(iter(r.values())) for r in kept}


def _reader_state(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(orders in raw, orders the marts' coverage counted): equal in every whole state."""
    return con.execute(
        "select (select count(*) from raw.shop_orders), (select row_count from marts.data_coverage "
        "where table_name = 'shop_orders' and column_name is null)"
    ).fetchone()


def _poll_reader(warehouse: Path, stop: threading.Event, observed: list) -> None:
    """A BI tool that reconnects read-only every 0.2 s until stop; records states or errors."""
    while not stop.is_set():
        try:
            con = duckdb.connect(str(warehouse), read_only=True)
            try:
                observed.append(_reader_state(con))
            finally:
                con.close()
        except duckdb.Error as exc:
            observed.append(f"{type(exc).__name__}: {exc}")
        time.sleep(0.2)


def test_data_is_current_only_for_the_full_set(tmp_path: Path) -> None:
    """The demo reuses a generated folder only for the same scale and seed and the full profile."""
    truth = tmp_path / "ground_truth.json"
    truth.write_text(json.dumps({"planted": {"scale": 0.05, "seed": 42}}))
    assert run_pipeline.data_is_current(tmp_path, 0.05, 42)
    assert not run_pipeline.data_is_current(tmp_path, 1.0, 42)
    assert not run_pipeline.data_is_current(tmp_path, 0.05, 7)
    truth.write_text(json.dumps({"planted": {"scale": 0.05, "seed": 42, "profile": "minimal"}}))
    assert not run_pipeline.data_is_current(tmp_path, 0.05, 42)
