"""The pipeline's dbt process (scripts/pipeline/dbt_session.py): the parse's output is held
until the build may start, the build and the docs reuse the parse's manifest, a failed step
stops the rest with dbt's exit code, and the parent can stop the process before it builds."""

from __future__ import annotations

import io
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from scripts.pipeline import dbt_session
from scripts.pipeline.settings import StepFailed, Timings

COMMANDS = {
    "parse": ["parse", "--vars", "{a: 1}"],
    "build": ["build", "--exclude-resource-type", "unit_test", "--vars", "{a: 1}"],
    "docs": ["docs", "generate", "--no-compile", "--vars", "{a: 1}"],
}


@dataclass
class FakeResult:
    success: bool
    exception: BaseException | None = None
    result: Any = None


class FakeRunner:
    """dbtRunner's shape: invoke(args) prints (at the file-descriptor level, as dbt's logger
    may) and returns the result set for its command in `outcomes`."""

    calls: list[tuple[str, Any]] = []
    outcomes: dict[str, FakeResult] = {}
    freezes = 0

    def __init__(self, manifest: Any = None) -> None:
        self.manifest = manifest

    def invoke(self, args: list[str]) -> FakeResult:
        FakeRunner.calls.append((args[0], self.manifest))
        os.write(1, f"output of {args[0]}\n".encode())
        print(f"printed by {args[0]}", flush=True)
        return FakeRunner.outcomes.get(args[0], FakeResult(True, result=f"manifest from {args[0]}"))


@pytest.fixture
def fake_dbt(monkeypatch: pytest.MonkeyPatch) -> type[FakeRunner]:
    import dbt.cli.main

    FakeRunner.calls = []
    FakeRunner.outcomes = {}
    monkeypatch.setattr(dbt.cli.main, "dbtRunner", FakeRunner)
    # the session freezes its heap after the parse: not this test process's
    FakeRunner.freezes = 0

    def freeze_heap() -> None:
        FakeRunner.freezes += 1

    monkeypatch.setattr(dbt_session, "freeze_heap", freeze_heap)
    return FakeRunner


def test_the_parse_output_waits_for_go_and_the_steps_reuse_its_manifest(
    fake_dbt: type[FakeRunner], tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "results.json"
    assert dbt_session.session(COMMANDS, results, io.StringIO("go\n")) == 0
    out = capfd.readouterr().out.splitlines()
    assert out == [
        "== dbt parse (during load): dbt parse --vars '{a: 1}'",
        "output of parse",
        "printed by parse",
        "== dbt build: dbt build --exclude-resource-type unit_test --vars '{a: 1}'",
        "output of build",
        "printed by build",
        "== dbt docs generate: dbt docs generate --no-compile --vars '{a: 1}'",
        "output of docs",
        "printed by docs",
    ]
    assert fake_dbt.freezes == 1  # the parse's heap, frozen once before the build
    assert fake_dbt.calls == [
        ("parse", None),
        ("build", "manifest from parse"),
        ("docs", "manifest from parse"),
    ]
    outcome = json.loads(results.read_text())
    assert list(outcome["seconds"]) == [dbt_session.PARSE_STEP, "dbt build", "dbt docs generate"]
    assert "failed" not in outcome


def test_without_go_nothing_is_built_or_printed(
    fake_dbt: type[FakeRunner], tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "results.json"
    assert dbt_session.session(COMMANDS, results, io.StringIO("")) == 0
    assert capfd.readouterr().out == ""
    assert [call[0] for call in fake_dbt.calls] == ["parse"]
    assert not results.exists()


@pytest.mark.parametrize(
    ("failing", "outcome", "code", "invoked"),
    [
        ("build", FakeResult(False), 1, ["parse", "build"]),  # a model or test failed
        ("build", FakeResult(False, exception=RuntimeError("boom")), 2, ["parse", "build"]),
        ("docs", FakeResult(False), 1, ["parse", "build", "docs"]),
        ("parse", FakeResult(False, exception=RuntimeError("bad yaml")), 2, ["parse"]),
    ],
)
def test_a_failed_step_stops_the_rest_with_dbts_exit_code(
    fake_dbt: type[FakeRunner],
    tmp_path: Path,
    failing: str,
    outcome: FakeResult,
    code: int,
    invoked: list[str],
) -> None:
    fake_dbt.outcomes = {failing: outcome}
    results = tmp_path / "results.json"
    assert dbt_session.session(COMMANDS, results, io.StringIO("go\n")) == code
    assert [call[0] for call in fake_dbt.calls] == invoked
    names = {"parse": dbt_session.PARSE_STEP, "build": "dbt build", "docs": "dbt docs generate"}
    assert json.loads(results.read_text())["failed"] == names[failing]


def _bad_project(tmp_path: Path) -> dict[str, list[str]]:
    """dbt commands that fail at once: the project folder does not exist."""
    missing = ["--project-dir", str(tmp_path / "no_project"), "--profiles-dir", str(tmp_path)]
    return {
        "parse": ["parse", *missing],
        "build": ["build", *missing],
        "docs": ["docs", "generate", *missing],
    }


def test_the_process_reports_a_failed_parse_as_its_step(tmp_path: Path) -> None:
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}
    session = dbt_session.DbtSession.start(sys.executable, _bad_project(tmp_path), env)
    timings = Timings()
    with pytest.raises(StepFailed) as failed:
        session.run_build_and_docs(timings)
    assert failed.value.returncode == 2
    assert str(failed.value) == f"step '{dbt_session.PARSE_STEP}' failed with exit code 2"
    assert list(timings.steps) == [dbt_session.PARSE_STEP]
    assert not session.results.exists()


def test_a_stopped_process_ends_without_building(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}
    session = dbt_session.DbtSession.start(sys.executable, _bad_project(tmp_path), env)
    session.stop()
    assert session.process.returncode == 0
    assert not session.results.exists()
    assert "dbt build" not in capfd.readouterr().out


def test_without_docs_arguments_only_the_build_runs(fake_dbt: type[FakeRunner], tmp_path: Path) -> None:
    # the benchmark's incremental day: parse and build only
    results = tmp_path / "results.json"
    commands = {key: COMMANDS[key] for key in ("parse", "build")}
    assert dbt_session.session(commands, results, io.StringIO("go\n")) == 0
    assert [call[0] for call in fake_dbt.calls] == ["parse", "build"]
    assert list(json.loads(results.read_text())["seconds"]) == [dbt_session.PARSE_STEP, "dbt build"]


class InterruptedProcess:
    """A Popen whose wait is interrupted once (Ctrl-C in the pipeline), then returns."""

    def __init__(self) -> None:
        self.stdin = io.BytesIO()
        self.killed = False
        self.waits = 0

    def wait(self, timeout: float | None = None) -> int:
        self.waits += 1
        if self.waits == 1:
            raise KeyboardInterrupt
        return -9

    def kill(self) -> None:
        self.killed = True


def test_an_interrupted_pipeline_kills_dbt_and_removes_the_results_file(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    results.write_text("")
    process = InterruptedProcess()
    session = dbt_session.DbtSession(process, results)  # type: ignore[arg-type]
    with pytest.raises(KeyboardInterrupt):
        session.run_build_and_docs(Timings())
    assert process.killed and process.waits == 2
    assert not results.exists()
