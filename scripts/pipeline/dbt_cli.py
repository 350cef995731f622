"""`dbt`'s own command line, with the heap its parse leaves frozen before the command runs.

A dbt command parses the project, then runs in the same process. A full parse
leaves a large heap of long-lived objects (about 14 s of parsing on this
project), and Python's cyclic garbage collector walks it again and again while
the command runs. Frozen (`gc.freeze()`), the collector leaves it alone: the
same `dbt build` of the test warehouse (480 nodes) took 79-89 s against
100-103 s with `dbt` itself (D288). `make test` runs its builds through this
module (`python -m scripts.pipeline.dbt_cli build ...`); the main job does the same
inside its dbt process (scripts/pipeline/dbt_session.py, D287).

Arguments, output and exit codes are dbt's. The hook wraps the function dbt's
command line calls to parse (`dbt.cli.requires.parse_manifest`); if a dbt
version has no such function, dbt runs unchanged (only slower).
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import Any


def freeze_heap() -> None:
    """Collect, then freeze everything still alive: the collector stops walking it."""
    gc.collect()
    gc.freeze()


def freeze_after(parse: Callable[..., Any]) -> Callable[..., Any]:
    """``parse``, followed by `freeze_heap`."""

    @functools.wraps(parse)
    def parse_then_freeze(*args: Any, **kwargs: Any) -> Any:
        manifest = parse(*args, **kwargs)
        freeze_heap()
        return manifest

    return parse_then_freeze


def install() -> bool:
    """Wrap dbt's parse; False (nothing changed) when this dbt has no such function."""
    import dbt.cli.requires as requires

    parse = getattr(requires, "parse_manifest", None)
    if parse is None:
        return False
    requires.parse_manifest = freeze_after(parse)  # type: ignore[attr-defined]
    return True


def main() -> None:
    install()
    from dbt.cli.main import cli

    cli(prog_name="dbt")  # click exits with dbt's own exit code


if __name__ == "__main__":
    main()
