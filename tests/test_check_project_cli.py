"""Tests of scripts/check_project.py's SQL helpers and command line, and of the
script on the real project (the rules themselves: test_check_project.py)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from scripts import check_project as cp
from tests.test_check_project import (
    GOOD,
    MODEL,
    ORDERS,
    ROOT,
    SHOP_YML,
    Manifest,
    _drop_test,
    _set,
    write_macro_files,
)


@pytest.fixture(name="manifest")
def good_manifest() -> Manifest:
    return copy.deepcopy(GOOD)


@pytest.fixture(name="project_dir")
def macro_tree(tmp_path: Path) -> Path:
    return write_macro_files(tmp_path)


# --------------------------------------------------------------------------- #
# The command line
# --------------------------------------------------------------------------- #


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_main_ok(manifest: Manifest, project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_json(project_dir / "manifest.json", manifest)
    assert cp.main(["--manifest", str(path), "--project-dir", str(project_dir)]) == cp.EXIT_OK
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1
    assert out[0].startswith("check_project: OK")


def test_main_prints_each_breach_and_a_count(
    manifest: Manifest, project_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _drop_test(manifest, "not_null_stg_shop__orders_id")
    _set(manifest, "orders", loaded_at_field=None)
    path = write_json(project_dir / "manifest.json", manifest)
    assert cp.main(["--manifest", str(path), "--project-dir", str(project_dir)]) == cp.EXIT_BREACHES
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{SHOP_YML}: source-freshness: ")
    assert out[1].startswith(f"{ORDERS}: primary-key-test: ")
    assert out[2] == "check_project: 2 breach(es) of the house rules in 2 file(s)"


def test_main_runs_only_the_selected_rules(
    manifest: Manifest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _drop_test(manifest, "not_null_stg_shop__orders_id")
    _set(manifest, "orders", loaded_at_field=None)
    path = write_json(tmp_path / "manifest.json", manifest)
    assert cp.main(["--manifest", str(path), "--rule", "primary-key-test"]) == cp.EXIT_BREACHES
    assert "source-freshness" not in capsys.readouterr().out


def test_main_with_catalog(manifest: Manifest, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_json(tmp_path / "manifest.json", manifest)
    catalog = write_json(
        tmp_path / "catalog.json",
        {"nodes": {f"{MODEL}.fct_orders": {"columns": {"extra": {}}}}},
    )
    args = [
        "--manifest",
        str(path),
        "--catalog",
        str(catalog),
        "--project-dir",
        str(tmp_path),
    ]
    assert cp.main(args) == cp.EXIT_BREACHES
    assert "column extra (in the warehouse)" in capsys.readouterr().out


def test_main_without_manifest(tmp_path: Path) -> None:
    assert cp.main(["--manifest", str(tmp_path / "missing.json")]) == cp.EXIT_FATAL


def test_main_list_rules_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert cp.main(["--list-rules"]) == cp.EXIT_OK
    listed = capsys.readouterr().out
    assert all(rule_id in listed for rule_id in cp.RULES)
    with pytest.raises(SystemExit) as exit_info:
        cp.main(["--help"])
    assert exit_info.value.code == 0
    assert "source-freshness" in capsys.readouterr().out


# --------------------------------------------------------------------------- #
# The real project
# --------------------------------------------------------------------------- #

REAL_MANIFEST = ROOT / "target" / "manifest.json"


@pytest.mark.skipif(not REAL_MANIFEST.is_file(), reason="no target/manifest.json: run `dbt parse` first")
def test_runs_on_the_real_project() -> None:
    breaches = cp.check_manifest(cp.load_json(REAL_MANIFEST), ROOT)
    assert [str(b) for b in breaches] == []
