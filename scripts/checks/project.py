"""The project as dbt's manifest describes it, and the registry of the house rules.

The rules' data (folders, allow-lists, schema names) are the constants below,
collected in `Settings`; each rule is one small function registered with `@rule`
(scripts/checks/rules.py), so a rule is added or tuned in one place. The rules
dbt-bouncer checks (naming, layer order, lineage, descriptions, grain) live in
dbt-bouncer.yml at the repository root, not here.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

# --------------------------------------------------------------------------- #
# The house rules' data: extend these, not the code.
# --------------------------------------------------------------------------- #

PROJECT_PACKAGE = "ecommerce_kpi"
MODEL_ROOT = "models"
MACRO_ROOTS: tuple[str, ...] = ("macros",)
MACROS_YAML = "macros/_macros.yml"

STAGING, INTERMEDIATE, CORE, KPIS, MARTS = "staging", "intermediate", "core", "kpis", "marts"
# left to right: a model reads only its own layer and the layers to its left (dbt-bouncer checks it)
LAYERS: tuple[str, ...] = (STAGING, INTERMEDIATE, CORE, KPIS, MARTS)

# Source tables without freshness (`freshness: null`), each with the reason; the
# table's description must say why as well.
NO_FRESHNESS: dict[str, str] = {
    "source.ecommerce_kpi.shop.order_items": "no timestamp of its own; its freshness is that of shop.orders",
    "source.ecommerce_kpi.loader.load_columns": "written by the load itself; the raw tables' freshness applies",
}
# a description "says why" a table has no freshness when it contains one of these
NO_FRESHNESS_HINTS: tuple[str, ...] = (
    "freshness",
    "no time of its own",
    "no timestamp",
    "timestamp of its own",
    "time of its own",
)

# schemas of this warehouse that SQL must never name directly
HARD_CODED_SCHEMAS: tuple[str, ...] = (
    "raw",
    "raw_rejects",
    "staging",
    "intermediate",
    "marts",
    "main",
)

# the only folder whose macros may read dbt vars: everything else takes a setting
# through setting() (an escaped SQL literal) or setting_value() (a checked value)
SETTINGS_MACRO_ROOT = "macros/settings"

# generic tests that make a primary key on their own (besides unique + not_null on one column)
PRIMARY_KEY_COMBINATION_TESTS: frozenset[str] = frozenset({"unique_combination_of_columns"})
# generic tests that bundle several column checks in their arguments (macros/tests/test_column_checks.sql):
# lists `unique` and `not_null` of columns and `unique_combination`, a list of column lists
COLUMN_CHECKS_TESTS: frozenset[str] = frozenset({"column_checks"})
# arguments dbt itself passes to a generic test; they need no description
GENERIC_TEST_IMPLICIT_ARGS: frozenset[str] = frozenset({"model", "column_name"})


@dataclass(frozen=True)
class Settings:
    """The rules' data, defaulting to the constants above (tests override fields)."""

    package: str = PROJECT_PACKAGE
    no_freshness: Mapping[str, str] = field(default_factory=lambda: dict(NO_FRESHNESS))
    no_freshness_hints: tuple[str, ...] = NO_FRESHNESS_HINTS
    hard_coded_schemas: tuple[str, ...] = HARD_CODED_SCHEMAS
    settings_macro_root: str = SETTINGS_MACRO_ROOT
    primary_key_combination_tests: frozenset[str] = PRIMARY_KEY_COMBINATION_TESTS
    column_checks_tests: frozenset[str] = COLUMN_CHECKS_TESTS
    macros_yaml: str = MACROS_YAML
    macro_roots: tuple[str, ...] = MACRO_ROOTS


# --------------------------------------------------------------------------- #
# Breaches and the rule registry
# --------------------------------------------------------------------------- #

Node = Mapping[str, Any]
Finding = tuple[str, str]  # (file path relative to the project, message)
Check = Callable[["Project"], Iterable[Finding]]


@dataclass(frozen=True)
class Breach:
    """One breach of one rule, in one file."""

    path: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.rule}: {self.message}"


@dataclass(frozen=True)
class Rule:
    """A house rule: its id, what it checks, and the check itself."""

    id: str
    summary: str
    check: Check


RULES: dict[str, Rule] = {}


def rule(rule_id: str, summary: str) -> Callable[[Check], Check]:
    """Register a check function under a rule id (in the order the rules are defined)."""

    def register(check: Check) -> Check:
        RULES[rule_id] = Rule(rule_id, summary, check)
        return check

    return register


# --------------------------------------------------------------------------- #
# The project as the manifest describes it
# --------------------------------------------------------------------------- #


def project_path(path: str | None) -> str:
    """A manifest path (`original_file_path`, or `patch_path` as `pkg://path`) relative to the project."""
    if not path:
        return ""
    return re.sub(r"^[\w-]+://", "", path)


def is_blank(text: object) -> bool:
    return not isinstance(text, str) or not text.strip()


def norm_column(name: str) -> str:
    return name.strip().strip('"`').lower()


class Project:
    """The project's own nodes, read from the manifest, with the lookups the rules share."""

    def __init__(
        self,
        manifest: Mapping[str, Any],
        project_dir: Path | None = None,
        catalog: Mapping[str, Any] | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self.project_dir = project_dir
        self.catalog = catalog
        package = self.settings.package
        self.all_nodes: dict[str, Node] = {
            **manifest.get("nodes", {}),
            **manifest.get("sources", {}),
        }
        own = [n for n in manifest.get("nodes", {}).values() if n.get("package_name") == package]
        self.models: list[Node] = sorted(
            (n for n in own if n.get("resource_type") == "model"),
            key=lambda n: n["unique_id"],
        )
        self.seeds: list[Node] = [n for n in own if n.get("resource_type") == "seed"]
        self.tests: list[Node] = [n for n in own if n.get("resource_type") == "test"]
        self.analyses: list[Node] = [n for n in own if n.get("resource_type") == "analysis"]
        self.sources: list[Node] = sorted(
            (s for s in manifest.get("sources", {}).values() if s.get("package_name") == package),
            key=lambda s: s["unique_id"],
        )
        self.macros: list[Node] = sorted(
            (m for m in manifest.get("macros", {}).values() if m.get("package_name") == package),
            key=lambda m: m["unique_id"],
        )
        self.unit_tests: list[Node] = [
            u for u in manifest.get("unit_tests", {}).values() if u.get("package_name", package) == package
        ]
        self.tests_by_node: dict[str, list[Node]] = defaultdict(list)
        for test in self.tests:
            attached = test.get("attached_node")
            if not attached:
                parents = test.get("depends_on", {}).get("nodes", [])
                attached = parents[0] if len(parents) == 1 else None
            if attached:
                self.tests_by_node[attached].append(test)

    # ---- locations -------------------------------------------------------- #

    @staticmethod
    def parts(node: Node) -> tuple[str, ...]:
        return PurePosixPath(node.get("original_file_path", "")).parts

    def layer(self, node: Node) -> str | None:
        """The model's layer (one of LAYERS) from its folder, None elsewhere."""
        parts = self.parts(node)
        if len(parts) >= 3 and parts[0] == MODEL_ROOT and parts[1] in LAYERS:
            return parts[1]
        return None

    # ---- lineage ---------------------------------------------------------- #

    def parents(self, node: Node) -> list[str]:
        return list(dict.fromkeys(node.get("depends_on", {}).get("nodes", [])))

    def parents_of_type(self, node: Node, resource_type: str) -> list[str]:
        return [p for p in self.parents(node) if self.resource_type(p) == resource_type]

    def resource_type(self, unique_id: str) -> str:
        found = self.all_nodes.get(unique_id)
        return found.get("resource_type", "") if found else unique_id.split(".", 1)[0]

    def name_of(self, unique_id: str) -> str:
        found = self.all_nodes.get(unique_id)
        if found and found.get("resource_type") == "source":
            return f"{found.get('source_name')}.{found.get('name')}"
        return found.get("name", unique_id) if found else unique_id.rsplit(".", 1)[-1]

    # ---- tests ------------------------------------------------------------ #

    def primary_key_columns(self, node: Node) -> list[str] | None:
        """The model's primary key as its tests declare it, or None without a primary-key test."""
        unique: set[str] = set()
        not_null: set[str] = set()
        for test in self.tests_by_node.get(node["unique_id"], []):
            meta = test.get("test_metadata") or {}
            name = meta.get("name")
            kwargs = meta.get("kwargs") or {}
            if name in self.settings.primary_key_combination_tests:
                columns = kwargs.get("combination_of_columns") or []
                return [norm_column(c) for c in columns]
            if name in self.settings.column_checks_tests:
                combinations = kwargs.get("unique_combination") or []
                if combinations:
                    return [norm_column(c) for c in combinations[0]]
                unique.update(norm_column(c) for c in kwargs.get("unique") or [])
                not_null.update(norm_column(c) for c in kwargs.get("not_null") or [])
                continue
            column = test.get("column_name") or kwargs.get("column_name")
            if column and name == "unique":
                unique.add(norm_column(column))
            elif column and name == "not_null":
                not_null.add(norm_column(column))
        both = sorted(unique & not_null)
        return both[:1] if both else None

    # ---- documentation ---------------------------------------------------- #

    def yaml_path(self, node: Node) -> str:
        """The YAML that documents a node, or its own file when none does."""
        return project_path(node.get("patch_path")) or node.get("original_file_path", "")

    def described_columns(self, node: Node) -> dict[str, bool]:
        """YAML columns of a node (normalised name -> has a description)."""
        return {
            norm_column(c.get("name") or k): not is_blank(c.get("description"))
            for k, c in node.get("columns", {}).items()
        }
