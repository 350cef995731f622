"""Check the dbt project against the house rules that dbt-bouncer cannot check.

Usage::

    python -m scripts.check_project --manifest target/manifest.json [--project-dir .]
        [--catalog target/catalog.json] [--rule RULE] [--list-rules] [-v]

    (installed: kpi-check ...)

The manifest rules dbt-bouncer covers (model folders and names per layer, the
layer order staging -> intermediate -> core -> kpis -> marts, sources read only
by staging, descriptions, grain, parents) are in dbt-bouncer.yml; `make check`
runs both. What stays here needs the SQL text or more than a path pattern: SQL
shape (select *, buried refs), hard-coded relations, var() outside
macros/settings/, the freshness exceptions, macro files and docs, YAML file
names, primary-key tests and columns, unit-test location.

Reads the manifest that `dbt parse` writes (and, optionally, the catalog that
`dbt docs generate` writes) and prints every breach of a house rule on its own
line as ``<file path>: <rule id>: <message>``, then a count, and exits 1; when
the project is clean it prints one OK line and exits 0. A missing or unreadable
manifest or catalog exits 2. `--list-rules` prints the rule ids and what each
one checks. The rules live in scripts/checks/ (rules.py; their data in project.py).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import scripts.checks.rules  # noqa: F401  (registers the rules)
from scripts.checks.project import (
    HARD_CODED_SCHEMAS,
    MACROS_YAML,
    NO_FRESHNESS,
    PROJECT_PACKAGE,
    RULES,
    Breach,
    Project,
    Settings,
    project_path,
)
from scripts.checks.sql import hard_coded_relations, is_import_cte, normalise_sql, split_ctes, var_calls

__all__ = [
    "HARD_CODED_SCHEMAS",
    "MACROS_YAML",
    "NO_FRESHNESS",
    "PROJECT_PACKAGE",
    "RULES",
    "Breach",
    "Settings",
    "check_manifest",
    "hard_coded_relations",
    "is_import_cte",
    "main",
    "normalise_sql",
    "project_path",
    "split_ctes",
    "var_calls",
]

log = logging.getLogger("check_project")

EXIT_OK = 0
EXIT_BREACHES = 1
EXIT_FATAL = 2


# --------------------------------------------------------------------------- #
# Running the rules
# --------------------------------------------------------------------------- #


def check_manifest(
    manifest: Mapping[str, Any],
    project_dir: Path | None = None,
    catalog: Mapping[str, Any] | None = None,
    settings: Settings | None = None,
    rules: Iterable[str] | None = None,
) -> list[Breach]:
    """Every breach of the selected rules (all by default), grouped by file."""
    project = Project(manifest, project_dir, catalog, settings)
    settings = project.settings
    for uid in settings.no_freshness:
        if not any(s["unique_id"] == uid for s in project.sources):
            log.warning("NO_FRESHNESS names %s, which is not a source table of the project", uid)
    selected = list(RULES) if rules is None else list(rules)
    breaches: list[Breach] = []
    for rule_id in selected:
        found = [Breach(path, rule_id, message) for path, message in RULES[rule_id].check(project)]
        log.debug("%s: %d breach(es)", rule_id, len(found))
        breaches.extend(found)
    order = {rule_id: index for index, rule_id in enumerate(RULES)}
    return sorted(breaches, key=lambda b: (b.path, order[b.rule]))


def load_json(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, dict):
        raise TypeError(f"{path} is not a JSON object")
    return data


def rules_help() -> str:
    width = max(len(r) for r in RULES)
    return "\n".join(f"  {r.id:<{width}}  {r.summary}" for r in RULES.values())


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Fail on breaches of the house rules dbt-bouncer cannot check, read from dbt's manifest.",
        epilog="rules:\n" + rules_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--manifest",
        type=Path,
        default=Path("target/manifest.json"),
        help="dbt manifest.json (default: %(default)s)",
    )
    parser.add_argument(
        "--project-dir",
        type=Path,
        default=Path("."),
        help="the dbt project's root (default: %(default)s)",
    )
    parser.add_argument(
        "--catalog",
        type=Path,
        help="dbt catalog.json (from `dbt docs generate`): check every column a mart produces is described",
    )
    parser.add_argument(
        "--rule",
        action="append",
        choices=list(RULES),
        metavar="RULE",
        help="run only this rule (repeatable; see the list below)",
    )
    parser.add_argument("--list-rules", action="store_true", help="print the rule ids and exit")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(name)s: %(levelname)s: %(message)s",
    )
    if args.list_rules:
        sys.stdout.write(rules_help() + "\n")
        return EXIT_OK
    try:
        manifest = load_json(args.manifest)
        catalog = load_json(args.catalog) if args.catalog else None
    except (OSError, ValueError, TypeError) as error:
        log.error("cannot read %s", error)
        return EXIT_FATAL
    breaches = check_manifest(manifest, args.project_dir, catalog, rules=args.rule)
    for breach in breaches:
        sys.stdout.write(f"{breach}\n")
    if breaches:
        files = len({b.path for b in breaches})
        sys.stdout.write(f"check_project: {len(breaches)} breach(es) of the house rules in {files} file(s)\n")
        return EXIT_BREACHES
    project = Project(manifest)
    sys.stdout.write(
        f"check_project: OK ({len(project.models)} models, {len(project.sources)} source tables, "
        f"{len(project.macros)} macros checked against {len(args.rule or RULES)} rules)\n"
    )
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
