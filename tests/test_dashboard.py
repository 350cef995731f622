"""The KPI dashboard: built from the test warehouse, opened in headless Chromium.

Checks that every chart rendered (Plotly drew its SVG) with data in every
trace, that the browser logged no error, that the page loads nothing from the
network, and saves a screenshot per section and of the whole page into
DASHBOARD_SCREENSHOTS (default artifacts/dashboard/). The browser tests skip
only when the Debian packages chromium and chromium-driver are not installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = Path(os.environ.get("DASHBOARD_SCREENSHOTS", "artifacts/dashboard"))
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
WINDOW = (1400, 1000)
RENDER_TIMEOUT_S = 60

# Each chart: its div id, whether Plotly drew it, its traces and their point counts.
CHARTS_JS = """
return Array.from(document.querySelectorAll('.js-plotly-plot')).map(el => ({
  id: el.id,
  section: el.closest('section') ? el.closest('section').id : null,
  svg: el.querySelectorAll('.main-svg').length,
  traces: (el.data || []).map(t => {
    const points = ['x', 'y', 'z'].map(k => (t[k] && t[k].length) || 0);
    return {name: t.name || t.type, type: t.type || 'scatter', points: Math.max(...points)};
  }),
  plotted: el.querySelectorAll('.trace, .hm').length,
}));
"""


def run_build(warehouse: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """Run the dashboard build (`python -m scripts.build_dashboard`) as `make dashboard` does."""
    return subprocess.run(
        [sys.executable, "-m", "scripts.build_dashboard", "--warehouse", str(warehouse), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def dashboard(built_warehouse: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dashboard built from the test warehouse."""
    out = tmp_path_factory.mktemp("dashboard") / "index.html"
    result = run_build(built_warehouse[0], out)
    assert result.returncode == 0, f"build_dashboard failed ({result.returncode}):\n{result.stderr[-4000:]}"
    return out


def test_missing_warehouse_exits_2(tmp_path: Path) -> None:
    out = tmp_path / "index.html"
    result = run_build(tmp_path / "absent.duckdb", out)
    assert result.returncode == 2
    assert "does not exist" in result.stderr
    assert not out.exists()


def test_missing_mart_exits_2_and_names_it(tmp_path: Path) -> None:
    database = tmp_path / "partial.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.kpi_values (kpi_id varchar)")
    out = tmp_path / "index.html"
    result = run_build(database, out)
    assert result.returncode == 2
    assert "marts.experiment_results" in result.stderr and "marts.kpi_anomalies" in result.stderr
    assert not out.exists()


def test_page_needs_no_network(dashboard: Path) -> None:
    page = dashboard.read_text(encoding="utf-8")
    markup = re.sub(r"<script[^>]*>.*?</script>", "", page, flags=re.DOTALL)
    external = re.findall(r"""(?:src|href)\s*=\s*["'](?:https?:)?//[^"']+""", markup)
    assert not external, f"the page loads assets from the network: {external[:5]}"
    # plotly.js is inlined once, not once per chart
    assert len(re.findall(r"plotly\.js v\d+\.\d+\.\d+", page)) == 1


def _browser_paths() -> tuple[str, str] | None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (chromium, driver) if chromium and driver else None


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium through chromedriver, browser console captured."""
    paths = _browser_paths()
    if paths is None:
        pytest.skip(
            "chromium and chromedriver are not installed (apt-get install -y chromium chromium-driver)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = paths[0]
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={WINDOW[0]},{WINDOW[1]}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=paths[1]), options=options)
    yield driver
    driver.quit()


def _wait_for_charts(driver, expected: int) -> list[dict]:
    """Chart states once every chart has drawn its SVG (or the timeout passed)."""
    deadline = time.monotonic() + RENDER_TIMEOUT_S
    while True:
        charts = driver.execute_script(CHARTS_JS)
        if (len(charts) >= expected and all(c["svg"] > 0 for c in charts)) or time.monotonic() > deadline:
            return charts
        time.sleep(0.25)


def test_every_chart_renders_with_data_and_no_console_error(dashboard: Path, browser) -> None:
    page = dashboard.read_text(encoding="utf-8")
    expected = page.count('<div class="chart">')
    assert expected >= 10, f"only {expected} charts in the page"
    browser.get(dashboard.resolve().as_uri())
    charts = _wait_for_charts(browser, expected)

    assert len(charts) == expected, f"{len(charts)} of {expected} charts became Plotly plots"
    for chart in charts:
        assert chart["svg"] > 0, f"{chart['id']} did not render (no .main-svg)"
        assert chart["traces"], f"{chart['id']} has no data traces"
        empty = [t["name"] for t in chart["traces"] if t["points"] == 0]
        assert not empty, f"{chart['id']} has traces without points: {empty}"
        assert chart["plotted"] > 0, f"{chart['id']} drew no trace"
    sections = {c["section"] for c in charts}
    for needed in (
        "layer-strategic",
        "layer-operational",
        "layer-functional",
        "funnel",
        "cohorts",
        "attribution",
        "experiments",
        "scorecards",
        "anomalies",
    ):
        assert needed in sections, f"section {needed} has no chart"

    fetched = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(n => !n.startsWith('file:') && !n.startsWith('data:'));"
    )
    assert not fetched, f"the page fetched from the network: {fetched}"

    _save_screenshots(browser)

    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert not errors, f"browser console errors: {errors}"


def _save_screenshots(driver) -> None:
    """One PNG per section, then the whole page, into SCREENSHOTS."""
    folder = SCREENSHOTS if SCREENSHOTS.is_absolute() else ROOT / SCREENSHOTS
    folder.mkdir(parents=True, exist_ok=True)
    from selenium.webdriver.common.by import By

    # a window as tall as the page: every section is in view, nothing is cut
    full_height = driver.execute_script("return document.documentElement.scrollHeight;")
    driver.set_window_size(WINDOW[0], int(full_height) + 100)
    time.sleep(1.0)
    driver.save_screenshot(str(folder / "00-full-page.png"))
    sections = driver.find_elements(By.CSS_SELECTOR, "section.dashboard-section")
    for number, section in enumerate(sections, start=1):
        section.screenshot(str(folder / f"{number:02d}-{section.get_attribute('id')}.png"))
    driver.set_window_size(*WINDOW)
    assert len(list(folder.glob("*.png"))) >= len(sections) + 1


# --------------------------------------------------------------------------- data coverage panel


def test_the_page_has_a_data_coverage_panel(dashboard: Path) -> None:
    page = dashboard.read_text(encoding="utf-8")
    assert '<section id="coverage" class="dashboard-section">' in page
    assert '<a href="#coverage">Data coverage</a>' in page


def _coverage_marts(con: duckdb.DuckDBPyConnection) -> None:
    """The two coverage marts in their documented shape, with a little data."""
    con.execute("create schema if not exists marts")
    con.execute(
        "create table marts.data_coverage (table_name varchar, column_name varchar, is_required boolean, "
        "is_present boolean, source_file varchar, row_count bigint, first_date date, last_date date)"
    )
    con.execute(
        """insert into marts.data_coverage values
        ('shop_orders', null, true, true, 'shop_orders.csv', 1200, '2024-01-01', '2025-12-31'),
        ('shop_products', 'unit_cost', false, false, null, null, null, null),
        ('shop_products', null, true, true, 'shop_products.parquet', 50, null, null),
        ('web_events', null, false, false, null, 0, null, null)"""
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
        ('gross_margin_pct', 'Gross margin %', 'strategic', false, 'shop_products.unit_cost', null, null)"""
    )


def test_coverage_panel_lists_tables_and_kpis_not_computable(tmp_path: Path) -> None:
    from scripts import build_dashboard

    with duckdb.connect(str(tmp_path / "coverage.duckdb")) as con:
        _coverage_marts(con)
        section = build_dashboard.coverage_section(con, "marts")
    page = section.extra_html
    assert section.section_id == "coverage" and not section.charts
    assert "2 of 4 KPIs computable" in page and "from 2 of 3 raw tables" in page
    assert "<td>shop_orders</td><td>required</td><td>shop_orders.csv</td><td>1,200</td>" in page
    assert "<td>2024-01-01</td><td>2025-12-31</td>" in page
    assert "Tables absent</b> (loaded empty): web_events." in page
    assert "shop_products.unit_cost" in page
    assert "<tr><td>web_events</td><td>1</td><td>Sessions</td></tr>" in page
    assert "<tr><td>shop_products.unit_cost</td><td>1</td><td>Gross margin %</td></tr>" in page
    assert "365-day warm-up: complete from 2025-01-01: net_revenue_growth_yoy" in page


def test_coverage_panel_without_its_marts_is_a_note(tmp_path: Path) -> None:
    from scripts import build_dashboard

    with duckdb.connect(str(tmp_path / "old.duckdb")) as con:
        con.execute("create schema marts")
        section = build_dashboard.coverage_section(con, "marts")
    assert section.title == "Data coverage" and not section.charts and not section.extra_html
    assert section.intro.startswith("Not available: the warehouse has no marts.data_coverage")


def test_allow_empty_sections_draws_a_note_instead_of_stopping(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Your own data may lack optional tables: with --allow-empty-sections a section
    without data becomes a note; without the flag the build still stops (exit 2)."""
    from scripts import build_dashboard
    from scripts.dashboard import page

    def no_data(*args, **kwargs):
        raise build_dashboard.DashboardNotReady("no data for funnel by device (funnel_daily)")

    def drawn(section_id: str):
        return lambda *args, **kwargs: build_dashboard.Section(section_id, section_id, "drawn")

    # build_sections (scripts/dashboard/page.py) looks its section builders up there
    for name in ("kpi_layer", "cohort", "attribution", "experiment", "scorecard", "anomaly", "forecast"):
        monkeypatch.setattr(page, f"{name}_section", drawn(name))
    monkeypatch.setattr(page, "funnel_section", no_data)
    monkeypatch.setattr(page, "check_tables", lambda con, schema: set())
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute("create schema marts")
        with pytest.raises(build_dashboard.DashboardNotReady):
            build_dashboard.build_sections(con, "marts")
        sections = build_dashboard.build_sections(con, "marts", allow_empty_sections=True)
    by_id = {s.section_id: s for s in sections}
    assert by_id["funnel"].title == "Web funnel" and not by_id["funnel"].charts
    assert by_id["funnel"].intro.startswith("Not drawn: no data for funnel by device")
    assert sections[-1].section_id == "coverage"
