"""sqlfluff, with Jinja's template compilation cached in each process (`make lint-sql`).

With the jinja templater, sqlfluff loads every file of `macros/` again for each
file it lints (`load_macros_from_path`), and compiling those templates took
about two thirds of the lint. Compiling depends only on a template's source and
on the environment's settings, which are the same for every file of one run, so
this caches the compiled code by both and runs sqlfluff's own command line,
its worker processes forked so that they inherit the cache. The linted results
are the same (tests/test_lint_sql.py; D284).

Usage: python -m scripts.checks.lint_sql lint models data-tests analyses --processes 2
"""

from __future__ import annotations

import sys
from typing import Any

import jinja2


def environment_key(env: jinja2.Environment) -> tuple[Any, ...]:
    """Everything of an environment that its compiled code can depend on."""
    return (
        type(env),
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        tuple(sorted(env.extensions)),
        env.optimized,
        env.is_async,
        env.autoescape,
        tuple(sorted(env.filters)),
        tuple(sorted(env.tests)),
    )


def install_compile_cache() -> dict[tuple[Any, ...], Any]:
    """Patch jinja2.Environment.compile to reuse the code compiled for the same source."""
    original = jinja2.Environment.compile
    cache: dict[tuple[Any, ...], Any] = {}

    def compile_cached(
        self: jinja2.Environment,
        source: Any,
        name: str | None = None,
        filename: str | None = None,
        raw: bool = False,
        defer_init: bool = False,
    ) -> Any:
        if not isinstance(source, str):  # an already parsed template: nothing to key on
            return original(self, source, name, filename, raw, defer_init)
        key = (environment_key(self), source, name, filename, raw, defer_init)
        if key not in cache:
            cache[key] = original(self, source, name, filename, raw, defer_init)
        return cache[key]

    jinja2.Environment.compile = compile_cached  # type: ignore[method-assign]
    return cache


def main(argv: list[str] | None = None) -> int:
    """Run sqlfluff's command line (its arguments as given) with the cache in place."""
    args = sys.argv[1:] if argv is None else argv
    if args in (["-h"], ["--help"]):
        print(__doc__)
        return 0
    install_compile_cache()
    import multiprocessing

    from sqlfluff.cli.commands import cli
    from sqlfluff.core.linter.runner import MultiProcessRunner

    # sqlfluff starts its worker processes with "spawn", which would leave the cache out
    # of them: forked workers inherit it (POSIX only; elsewhere they lint uncached)
    if "fork" in multiprocessing.get_all_start_methods():
        MultiProcessRunner.POOL_TYPE = multiprocessing.get_context("fork").Pool

    try:
        cli.main(args=args, prog_name="sqlfluff", standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
