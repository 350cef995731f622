"""The cached sqlfluff run (scripts/checks/lint_sql.py, `make lint-sql`) lints exactly
as sqlfluff does, and its cache tells environments and sources apart (D284)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest

from scripts.checks import lint_sql
from scripts.paths import ROOT

SQLFLUFF = Path(sys.executable).parent / "sqlfluff"
# a staging model, a KPI model full of project macros, and a singular test
FILES = [
    "models/staging/shop/stg_shop__orders.sql",
    "models/kpis/web/int_page_load_kpis_computed.sql",
    "data-tests/attribution/assert_attribution_credits_sum_to_each_order.sql",
]


def _violations(output: str) -> list[tuple[str, list[tuple]]]:
    """Per file, its violations (code, line, position, description), from sqlfluff's JSON."""
    result = []
    for record in json.loads(output):
        found = sorted(
            (v["code"], v.get("start_line_no"), v.get("start_line_pos"), v["description"])
            for v in record["violations"]
        )
        result.append((record["filepath"], found))
    return sorted(result)


@pytest.mark.parametrize("path", FILES)
def test_the_linted_files_exist(path: str) -> None:
    assert (ROOT / path).is_file(), f"{path} moved: pick another file for the lint comparison"


def test_cached_lint_finds_what_sqlfluff_finds(tmp_path: Path) -> None:
    # a stricter config on top of the project's, so that every file has violations to compare
    strict = tmp_path / "strict.cfg"
    strict.write_text(
        "[sqlfluff]\nmax_line_length = 60\n\n"
        "[sqlfluff:rules:capitalisation.keywords]\ncapitalisation_policy = upper\n"
    )
    args = ["lint", *FILES, "--config", str(strict), "--format", "json"]
    plain = subprocess.run(
        [str(SQLFLUFF), *args, "--processes", "1"], cwd=ROOT, capture_output=True, text=True
    )
    # two processes, as `make lint-sql` runs it: the forked workers inherit the cache
    cached = subprocess.run(
        [sys.executable, "-m", "scripts.checks.lint_sql", *args, "--processes", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert cached.returncode == plain.returncode == 1, (plain.stderr, cached.stderr)
    expected, got = _violations(plain.stdout), _violations(cached.stdout)
    assert all(found for _, found in expected), expected
    assert got == expected


def test_a_clean_lint_passes_and_a_bad_file_fails(tmp_path: Path) -> None:
    clean = subprocess.run(
        [sys.executable, "-m", "scripts.checks.lint_sql", "lint", FILES[0]], cwd=ROOT, capture_output=True
    )
    assert clean.returncode == 0, clean.stdout
    bad = tmp_path / "bad.sql"
    bad.write_text("SELECT 1 as x\n")  # mixed keyword case: CP01 under the default policy
    failed = subprocess.run(
        [sys.executable, "-m", "scripts.checks.lint_sql", "lint", "--dialect", "duckdb", str(bad)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert failed.returncode == 1
    assert "CP01" in failed.stdout


def test_the_cache_reuses_code_only_for_the_same_source_and_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    # restored after the test: the patch must not leak into other tests
    monkeypatch.setattr(jinja2.Environment, "compile", jinja2.Environment.compile)
    cache = lint_sql.install_compile_cache()
    env = jinja2.Environment()
    assert env.from_string("{{ 1 + 1 }}").render() == "2"
    assert env.from_string("{{ 1 + 1 }}").render() == "2"
    assert len(cache) == 1  # the second compile of the same source was a hit
    assert jinja2.Environment().from_string("{{ 2 + 2 }}").render() == "4"
    assert len(cache) == 2  # another source: compiled anew
    trimmed = jinja2.Environment(trim_blocks=True)
    source = "{% if true %}\nx{% endif %}"
    assert trimmed.from_string(source).render() == "x"
    assert env.from_string(source).render() == "\nx"  # other settings: not the trimmed code
    assert len(cache) == 4
    with_filter = jinja2.Environment()
    with_filter.filters["shout"] = str.upper
    assert with_filter.from_string("{{ 'a' | shout }}").render() == "A"
    with pytest.raises(jinja2.TemplateAssertionError):
        env.from_string("{{ 'a' | shout }}")  # no such filter here: not served from the cache
