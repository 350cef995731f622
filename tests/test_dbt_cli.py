"""scripts/pipeline/dbt_cli.py: dbt's command line with the parse's heap frozen before the command runs."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.paths import ROOT
from scripts.pipeline import dbt_cli


def test_freeze_after_returns_the_parse_and_freezes_what_is_alive() -> None:
    kept = [[index] for index in range(1000)]  # lists: objects the collector tracks
    assert all(gc.is_tracked(item) for item in kept)
    gc.collect()
    before = gc.get_freeze_count()
    try:
        assert dbt_cli.freeze_after(lambda x, y=0: (x, y, kept))(1, y=2) == (1, 2, kept)
        assert gc.get_freeze_count() >= before + len(kept)
    finally:
        gc.unfreeze()


def test_install_wraps_the_function_dbts_parse_step_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    import dbt.cli.requires as requires

    original = requires.parse_manifest
    monkeypatch.setattr(requires, "parse_manifest", original)  # restored after the test
    assert dbt_cli.install()
    assert requires.parse_manifest is not original
    assert requires.parse_manifest.__wrapped__ is original
    # that dbt's own parse step then calls it: test_a_real_parse_goes_through_the_hook


def test_without_the_hook_dbt_runs_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    import dbt.cli.requires as requires

    monkeypatch.delattr(requires, "parse_manifest")
    assert not dbt_cli.install()


def _dbt_cli(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "False", "DBT_LOG_PATH": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "scripts.pipeline.dbt_cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_answers_as_dbt_with_dbts_exit_codes(tmp_path: Path) -> None:
    version = _dbt_cli("--version", tmp_path=tmp_path)
    assert version.returncode == 0, version.stderr
    assert "Core:" in version.stdout
    empty = tmp_path / "empty"
    empty.mkdir()
    missing = _dbt_cli("parse", "--project-dir", str(empty), "--profiles-dir", str(empty), tmp_path=tmp_path)
    assert missing.returncode == 2
    assert "dbt_project.yml" in missing.stdout + missing.stderr
    usage = _dbt_cli("no-such-command", tmp_path=tmp_path)
    assert usage.returncode == 2
    assert "Usage: dbt" in usage.stderr


HOOK_PROBE = """
import gc, sys
from scripts.pipeline import dbt_cli
assert dbt_cli.install()
from dbt.cli.main import dbtRunner
result = dbtRunner().invoke(["parse", "--project-dir", sys.argv[1], "--profiles-dir", sys.argv[1]])
print("frozen" if result.success and gc.get_freeze_count() > 0 else f"not frozen: {result.exception}")
"""


def test_a_real_parse_goes_through_the_hook(tmp_path: Path) -> None:
    # a one-model project: dbt's own parse step (setup_manifest) calls the wrapper
    (tmp_path / "dbt_project.yml").write_text("name: probe\nversion: '1.0'\nprofile: probe\n")
    (tmp_path / "profiles.yml").write_text(
        "probe:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: {tmp_path / 'probe.duckdb'}\n"
    )
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "one.sql").write_text("select 1 as x\n")
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "False", "DBT_LOG_PATH": str(tmp_path)}
    probe = subprocess.run(
        [sys.executable, "-c", HOOK_PROBE, str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr[-2000:]
    assert probe.stdout.strip().endswith("frozen") and "not frozen" not in probe.stdout, probe.stdout[-2000:]
