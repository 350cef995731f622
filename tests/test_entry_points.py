"""Every command in pyproject.toml's [project.scripts] is installed (make install:
pip install --no-deps -e .), points at a module's main, and answers --help."""

from __future__ import annotations

import importlib
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COMMANDS: dict[str, str] = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
BIN = Path(sys.executable).parent


def test_every_command_line_tool_has_a_command() -> None:
    """A module of scripts/ with a `__main__` block is reachable as a kpi-* command."""
    targets = {target.split(":")[0] for target in COMMANDS.values()}
    tools = {
        f"scripts.{path.stem}"
        for path in (ROOT / "scripts").glob("*.py")
        if 'if __name__ == "__main__":' in path.read_text()
    }
    assert tools <= targets, f"no kpi-* command for {sorted(tools - targets)}"
    assert all(name.startswith("kpi-") for name in COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_answers_help(name: str) -> None:
    module, function = COMMANDS[name].split(":")
    assert callable(getattr(importlib.import_module(module), function))
    command = BIN / name
    assert command.exists(), f"{command} is not installed: run `make install`"
    done = subprocess.run(
        [str(command), "--help"], cwd=ROOT, capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage:"), done.stdout[:200]
