"""dbt's steps of a run in one process: the parse while the data loads, then the build and the docs.

A `dbt` command parses the whole project before it runs (about 14 s on a fresh
clone, one core) and `dbt docs generate` parses it again. Here one process,
started before the generator and the loader, parses at once (its output held
back), then waits on its standard input: on ``go`` it prints the parse's output
and runs `dbt build` and `dbt docs generate` with the parsed manifest, through
dbt's programmatic entry point (`dbtRunner(manifest=...)`), so the project is
parsed once and the parse overlaps the load. On end of input (the pipeline
stopped before the build) it exits without building.

The parse reads only the project's files, never the warehouse, so it can run
while the loader writes the working copy. It writes what any `dbt parse` writes
to dbt's target folder (the manifest, the partial-parse file), also when the
pipeline then stops before the build. The steps' wall times and the failed
step, if any, are written as JSON to ``--results``; the exit code is dbt's (1: a
model or test failed, 2: dbt itself failed).

Parent side: `DbtSession` starts the process (`start`), lets it go on
(`run_build_and_docs`) or stops it (`stop`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from scripts.paths import ROOT
from scripts.pipeline.dbt_cli import freeze_heap
from scripts.pipeline.settings import StepFailed, Timings, log

PARSE_STEP = "dbt parse (during load)"
BUILD_STEP = "dbt build"
DOCS_STEP = "dbt docs generate"
GO = "go"


def _header(name: str, args: Sequence[str]) -> str:
    return f"== {name}: dbt {shlex.join(args)}"


def process_command(python: str, results: Path, commands: dict[str, list[str]]) -> list[str]:
    """The command line of the dbt process (this module run as a program)."""
    return [
        python,
        "-m",
        "scripts.pipeline.dbt_session",
        "--results",
        str(results),
        "--commands",
        json.dumps(commands),
    ]


class DbtSession:
    """The dbt process of one pipeline run (see the module's docstring)."""

    def __init__(self, process: subprocess.Popen[bytes], results: Path) -> None:
        self.process = process
        self.results = results

    @classmethod
    def start(cls, python: str, commands: dict[str, list[str]], env: dict[str, str]) -> DbtSession:
        """Start the process: it parses at once and waits for `run_build_and_docs`."""
        fd, name = tempfile.mkstemp(prefix="kpi_dbt_session_", suffix=".json")
        os.close(fd)
        results = Path(name)
        cmd = process_command(python, results, commands)
        log.info("== %s: dbt %s (output held until the build)", PARSE_STEP, shlex.join(commands["parse"]))
        try:
            process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.PIPE)
        except BaseException:
            results.unlink(missing_ok=True)
            raise
        return cls(process, results)

    def run_build_and_docs(self, timings: Timings) -> None:
        """Let the process build and write the docs; record the steps' times; StepFailed on a failure."""
        try:
            assert self.process.stdin is not None
            try:
                self.process.stdin.write(f"{GO}\n".encode())
                self.process.stdin.close()
            except BrokenPipeError:
                pass  # it has already stopped: its exit code and results say why
            returncode = self.process.wait()
            outcome = self._outcome()
        except BaseException:
            # interrupted while dbt runs: dbt must not go on writing the working copy
            self.process.kill()
            self.process.wait()
            raise
        finally:
            self.results.unlink(missing_ok=True)
        timings.steps.update(outcome.get("seconds", {}))
        if returncode != 0:
            raise StepFailed(outcome.get("failed", "dbt"), returncode)

    def stop(self) -> None:
        """Stop the process before it builds (an earlier step failed).

        A parse under way is let finish (so that it leaves no half-written file in
        dbt's target folder), then the process exits; killed after 60 s."""
        try:
            if self.process.poll() is None:
                assert self.process.stdin is not None
                with contextlib.suppress(BrokenPipeError):
                    self.process.stdin.close()
                try:
                    self.process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
        finally:
            self.results.unlink(missing_ok=True)

    def _outcome(self) -> dict[str, Any]:
        try:
            text = self.results.read_text()
        except OSError:
            return {}
        return json.loads(text) if text.strip() else {}


# --------------------------------------------------------------------------- the process


@contextlib.contextmanager
def _held_output(into: IO[bytes]) -> Iterator[None]:
    """Send standard output and error to ``into``: file descriptors 1 and 2, and sys.stdout
    and sys.stderr (which need not write to them, e.g. under a test's capture)."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    try:
        os.dup2(into.fileno(), 1)
        os.dup2(into.fileno(), 2)
        # a duplicate shares the file's offset, so both ways of writing append in order
        with open(os.dup(into.fileno()), "w", buffering=1, encoding="utf-8", errors="replace") as stream:
            try:
                with contextlib.redirect_stdout(stream), contextlib.redirect_stderr(stream):
                    yield
            finally:
                stream.flush()
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in saved:
            os.close(fd)


def _exit_code(result: Any) -> int:
    """dbt's own exit codes: 0 success, 1 a node failed, 2 dbt failed."""
    if result.success:
        return 0
    return 2 if result.exception is not None else 1


def _write_results(path: Path, seconds: dict[str, float], failed: str | None = None) -> None:
    outcome: dict[str, Any] = {"seconds": seconds}
    if failed is not None:
        outcome["failed"] = failed
    path.write_text(json.dumps(outcome))


def session(commands: dict[str, list[str]], results: Path, stdin: IO[str]) -> int:
    """Parse (output held), wait for ``go`` on ``stdin``, then build and write the docs."""
    from dbt.cli.main import dbtRunner

    seconds: dict[str, float] = {}
    with tempfile.TemporaryFile() as held:
        with _held_output(held):
            started = time.perf_counter()
            parsed = dbtRunner().invoke(commands["parse"])
            # The parse leaves a large heap that the build never frees: frozen, the
            # collector stops walking it (without this the same build ran about 20%
            # slower). Done before waiting, so it overlaps the load too.
            freeze_heap()
            seconds[PARSE_STEP] = time.perf_counter() - started
        if stdin.readline().strip() != GO:
            return 0  # the pipeline stopped before the build
        print(_header(PARSE_STEP, commands["parse"]), flush=True)
        held.seek(0)
        sys.stdout.buffer.write(held.read())
        sys.stdout.flush()
    if not parsed.success:
        _write_results(results, seconds, failed=PARSE_STEP)
        return _exit_code(parsed)
    runner = dbtRunner(manifest=parsed.result)
    for name, key in ((BUILD_STEP, "build"), (DOCS_STEP, "docs")):
        if key not in commands:
            continue
        print(_header(name, commands[key]), flush=True)
        started = time.perf_counter()
        result = runner.invoke(commands[key])
        seconds[name] = time.perf_counter() - started
        code = _exit_code(result)
        _write_results(results, seconds, failed=None if code == 0 else name)
        if code != 0:
            return code
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, required=True, help="JSON file for the steps' times")
    parser.add_argument(
        "--commands",
        required=True,
        help='JSON: {"parse": [...], "build": [...], "docs": [...]} dbt arguments',
    )
    args = parser.parse_args(argv)
    return session(json.loads(args.commands), args.results, sys.stdin)


if __name__ == "__main__":
    sys.exit(main())
