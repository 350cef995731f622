"""Check the dbt project against the house style rules (the style guide's checks).

Usage::

    python scripts/check_project.py --manifest target/manifest.json [--project-dir .]
        [--catalog target/catalog.json] [--list-rules] [-v]

Reads the manifest that `dbt parse` writes (and, optionally, the catalog that
`dbt docs generate` writes) and prints every breach of a house rule on its own
line as ``<file path>: <rule id>: <message>``, then a count, and exits 1; when
the project is clean it prints one OK line and exits 0. A missing or unreadable
manifest or catalog exits 2. `--list-rules` prints the rule ids and what each
one checks.

The rules are data-driven: the naming prefixes, allow-lists and limits are the
constants below (collected in `Settings`), and each rule is one small function
registered with `@rule`, so a rule is added or tuned in one place.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

log = logging.getLogger("check_project")

EXIT_OK = 0
EXIT_BREACHES = 1
EXIT_FATAL = 2

# --------------------------------------------------------------------------- #
# The house rules' data: extend these, not the code.
# --------------------------------------------------------------------------- #

PROJECT_PACKAGE = "ecommerce_kpi"
MODEL_ROOT = "models"
MACRO_ROOTS: tuple[str, ...] = ("macros",)
MACROS_YAML = "macros/_macros.yml"

STAGING, INTERMEDIATE, CORE, KPIS, MARTS = "staging", "intermediate", "core", "kpis", "marts"
# left to right: a model reads only its own layer and the layers to its left
LAYERS: tuple[str, ...] = (STAGING, INTERMEDIATE, CORE, KPIS, MARTS)
# layers whose models sit directly in models/<layer>/ (no area folder)
FLAT_LAYERS: tuple[str, ...] = (CORE,)

# the core layer holds the star schema only
CORE_PREFIXES: tuple[str, ...] = ("dim_", "fct_")
# what a BI user looks for: the star schema, then KPI and reporting tables
MART_PREFIXES: tuple[str, ...] = (
    "dim_",
    "fct_",
    "kpi_",
    "cohort_",
    "funnel_",
    "scorecard_",
    "attribution_",
    "experiment_",
    "customer_",
    "gmv_",
    "segment_",
    "metricflow_time_spine",
    "data_coverage",
    "build_settings",  # the settings the warehouse was built with (currency, zone)
)

# The staging models that other staging models may read (the only exception to
# "staging never reads staging"), each with the reason.
ALLOWED_STAGING_REFS: dict[str, str] = {
    "stg_finance__exchange_rates": (
        "currency conversion in staging needs the latest rate on or before the event day; see DECISIONLOG"
    ),
}

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

MAX_PARENTS = 6
GRAIN_PHRASE = "one row per"
# generic tests that make a primary key on their own (besides unique + not_null on one column)
PRIMARY_KEY_COMBINATION_TESTS: frozenset[str] = frozenset({"unique_combination_of_columns"})
# arguments dbt itself passes to a generic test; they need no description
GENERIC_TEST_IMPLICIT_ARGS: frozenset[str] = frozenset({"model", "column_name"})

# TODO(later issues): models of these layers that compute a formula should have a
# unit test; switch on with e.g. ("intermediate", "marts").
UNIT_TEST_REQUIRED_LAYERS: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    """The rules' data, defaulting to the constants above (tests override fields)."""

    package: str = PROJECT_PACKAGE
    mart_prefixes: tuple[str, ...] = MART_PREFIXES
    allowed_staging_refs: Mapping[str, str] = field(default_factory=lambda: dict(ALLOWED_STAGING_REFS))
    no_freshness: Mapping[str, str] = field(default_factory=lambda: dict(NO_FRESHNESS))
    no_freshness_hints: tuple[str, ...] = NO_FRESHNESS_HINTS
    hard_coded_schemas: tuple[str, ...] = HARD_CODED_SCHEMAS
    settings_macro_root: str = SETTINGS_MACRO_ROOT
    max_parents: int = MAX_PARENTS
    grain_phrase: str = GRAIN_PHRASE
    primary_key_combination_tests: frozenset[str] = PRIMARY_KEY_COMBINATION_TESTS
    macros_yaml: str = MACROS_YAML
    macro_roots: tuple[str, ...] = MACRO_ROOTS
    unit_test_required_layers: tuple[str, ...] = UNIT_TEST_REQUIRED_LAYERS


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
        """staging, intermediate or marts, from the model's folder (None elsewhere)."""
        parts = self.parts(node)
        if len(parts) >= 3 and parts[0] == MODEL_ROOT and parts[1] in LAYERS:
            return parts[1]
        return None

    def folder(self, node: Node) -> str | None:
        """The source (staging) or area (intermediate, marts) folder of a model."""
        parts = self.parts(node)
        layer = self.layer(node)
        if layer in FLAT_LAYERS and len(parts) == 3:
            return layer
        if layer and layer not in FLAT_LAYERS and len(parts) >= 4:
            return parts[2]
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
            if name in self.settings.primary_key_combination_tests:
                columns = (meta.get("kwargs") or {}).get("combination_of_columns") or []
                return [norm_column(c) for c in columns]
            column = test.get("column_name") or (meta.get("kwargs") or {}).get("column_name")
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


# --------------------------------------------------------------------------- #
# SQL helpers: strip jinja, comments and strings; split into CTEs
# --------------------------------------------------------------------------- #

_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
_JINJA_CONFIG = re.compile(r"\{\{-?\s*config\s*\(.*?\)\s*-?\}\}", re.DOTALL)
_RELATION_CALL = re.compile(r"\{\{-?\s*(?P<call>(?:ref|source)\s*\([^()]*\))\s*-?\}\}", re.DOTALL)
_JINJA_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_JINJA_STATEMENT = re.compile(r"\{%.*?%\}", re.DOTALL)
_SQL_NOISE = re.compile(r"'(?:[^']|'')*'|--[^\n]*|/\*.*?\*/", re.DOTALL)
_CALL_TOKEN = re.compile(r"__dbtcall(\d+)__")


def _blank(text: str, keep: str = " ") -> str:
    """Replace text by `keep`, keeping its line breaks so that line numbers hold."""
    return keep + "\n" * text.count("\n")


def normalise_sql(raw: str) -> tuple[str, list[str]]:
    """Raw dbt SQL without jinja, comments or string contents.

    Each `{{ ref(...) }}` / `{{ source(...) }}` becomes a token `__dbtcallN__`
    (N indexes the returned list of calls); other `{{ }}` become `__jinja__`;
    `{% %}`, `{# #}`, comments and `{{ config() }}` are blanked; strings become ''.
    """
    calls: list[str] = []

    def call_token(match: re.Match[str]) -> str:
        calls.append(re.sub(r"\s+", "", match.group("call")).replace('"', "'"))
        return _blank(match.group(), f" __dbtcall{len(calls) - 1}__ ")

    sql = _JINJA_COMMENT.sub(lambda m: _blank(m.group()), raw)
    sql = _JINJA_CONFIG.sub(lambda m: _blank(m.group()), sql)
    sql = _RELATION_CALL.sub(call_token, sql)
    sql = _JINJA_EXPRESSION.sub(lambda m: _blank(m.group(), " __jinja__ "), sql)
    sql = _JINJA_STATEMENT.sub(lambda m: _blank(m.group()), sql)
    sql = _SQL_NOISE.sub(lambda m: _blank(m.group(), "''" if m.group().startswith("'") else " "), sql)
    return sql, calls


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


@dataclass(frozen=True)
class Cte:
    name: str
    body: str
    offset: int  # where the body starts in the normalised SQL


@dataclass(frozen=True)
class SqlShape:
    ctes: list[Cte]
    final: str
    final_offset: int


_WITH = re.compile(r"\s*(?:__jinja__\s*)*with\s+(?:recursive\s+)?", re.IGNORECASE)
_CTE_HEAD = re.compile(
    r'\s*(?P<name>"[^"]+"|\w+)\s*(?:\([^()]*\)\s*)?as\s*(?:(?:not\s+)?materialized\s*)?\(',
    re.IGNORECASE,
)
_COMMA = re.compile(r"\s*,")


def _matching_paren(sql: str, open_at: int) -> int | None:
    depth = 0
    for index in range(open_at, len(sql)):
        if sql[index] == "(":
            depth += 1
        elif sql[index] == ")":
            depth -= 1
            if depth == 0:
                return index
    return None


def split_ctes(sql: str) -> SqlShape | None:
    """The top-level CTEs and final statement of normalised SQL (None if it cannot be parsed)."""
    ctes: list[Cte] = []
    pos = 0
    opening = _WITH.match(sql)
    if opening:
        pos = opening.end()
        while True:
            head = _CTE_HEAD.match(sql, pos)
            if not head:
                return None
            open_at = head.end() - 1
            close_at = _matching_paren(sql, open_at)
            if close_at is None:
                return None
            ctes.append(
                Cte(
                    head.group("name").strip('"').lower(),
                    sql[open_at + 1 : close_at],
                    open_at + 1,
                )
            )
            pos = close_at + 1
            comma = _COMMA.match(sql, pos)
            if not comma:
                break
            pos = comma.end()
    return SqlShape(ctes, sql[pos:], pos)


_IMPORT_CTE = re.compile(
    r"\s*select\s+\*\s+from\s+__dbtcall\d+__(?:\s+(?:as\s+)?(?!where\b)\w+)?(?:\s+where\b.*)?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_SELECT_STAR = re.compile(r"\bselect\s+(?:distinct\s+)?\*", re.IGNORECASE)
_FINAL_SELECT_STAR = re.compile(r"\s*select\s+\*\s+from\s+(?P<name>\w+)\s*;?\s*$", re.IGNORECASE)


def is_import_cte(cte: Cte) -> bool:
    """`select * from {{ ref(...) }}` (or source), optionally aliased and filtered."""
    return bool(_IMPORT_CTE.match(cte.body))


def read_sql(project: Project, node: Node) -> str:
    """A node's raw SQL: from the manifest, else from its file."""
    raw = node.get("raw_code")
    if raw is None and project.project_dir is not None:
        path = project.project_dir / node.get("original_file_path", "")
        raw = path.read_text(encoding="utf-8") if path.is_file() else ""
    return raw or ""


# --------------------------------------------------------------------------- #
# The rules
# --------------------------------------------------------------------------- #

_STAGING_NAME = re.compile(r"^stg_(?P<source>[a-z0-9]+(?:_[a-z0-9]+)*)__[a-z0-9]+(?:_[a-z0-9]+)*$")
_INTERMEDIATE_NAME = re.compile(r"^int_[a-z0-9]+(?:_[a-z0-9]+)+$")


@rule(
    "naming",
    "models are named for their layer and folder: stg_<source>__<entities>, int_<entities>_<verb>, marts prefixes",
)
def check_naming(project: Project) -> Iterator[Finding]:
    for model in project.models:
        path, name = model["original_file_path"], model["name"]
        layer, folder = project.layer(model), project.folder(model)
        if layer is None:
            yield (
                path,
                (
                    f"model {name} is outside models/staging/<source>/, models/intermediate/<area>/, models/core/, models/kpis/<area>/ and models/marts/<area>/"
                ),
            )
        elif folder is None:
            kind = "source" if layer == STAGING else "area"
            where = f"models/{layer}/" if layer in FLAT_LAYERS else f"models/{layer}/<{kind}>/"
            yield path, f"model {name} must sit in {where}"
        elif layer == STAGING:
            match = _STAGING_NAME.match(name)
            if not match or match.group("source") != folder:
                yield (
                    path,
                    f"staging model {name} must be named stg_{folder}__<entities> (after its folder {folder}/)",
                )
        elif layer == CORE:
            if not name.startswith(CORE_PREFIXES):
                yield path, f"core model {name} must be named dim_<entity> or fct_<event>"
        elif layer in (INTERMEDIATE, KPIS):
            if not _INTERMEDIATE_NAME.match(name):
                yield (
                    path,
                    f"intermediate model {name} must be named int_<entities>_<verb>",
                )
        elif not name.startswith(project.settings.mart_prefixes):
            prefixes = ", ".join(project.settings.mart_prefixes)
            yield path, f"mart model {name} must start with one of: {prefixes}"


@rule(
    "layer-order",
    "a model reads only its own layer and the layers to its left: " + " -> ".join(LAYERS),
)
def check_layer_order(project: Project) -> Iterator[Finding]:
    for model in project.models:
        layer = project.layer(model)
        if layer in (None, STAGING):  # staging: the staging-reads-model rule
            continue
        for parent in project.parents_of_type(model, "model"):
            parent_layer = project.layer(project.all_nodes.get(parent, {}))
            if parent_layer and LAYERS.index(parent_layer) > LAYERS.index(layer):
                yield (
                    model["original_file_path"],
                    f"{model['name']} ({layer}) reads {project.name_of(parent)} ({parent_layer}), "
                    f"a layer to its right; move the logic to the right or the model to the left",
                )


@rule("source-outside-staging", "source() appears in staging models only")
def check_source_outside_staging(project: Project) -> Iterator[Finding]:
    for model in project.models:
        sources = project.parents_of_type(model, "source")
        if sources and project.layer(model) != STAGING:
            names = ", ".join(project.name_of(s) for s in sources)
            yield (
                model["original_file_path"],
                f"{model['name']} reads source {names}; only staging models read sources",
            )


@rule(
    "staging-reads-model",
    "staging never reads intermediate or marts, nor staging outside ALLOWED_STAGING_REFS",
)
def check_staging_reads_model(project: Project) -> Iterator[Finding]:
    allowed = project.settings.allowed_staging_refs
    for model in project.models:
        if project.layer(model) != STAGING:
            continue
        for parent in project.parents_of_type(model, "model"):
            parent_node = project.all_nodes.get(parent, {})
            parent_name = project.name_of(parent)
            parent_layer = project.layer(parent_node) if parent_node else None
            if parent_layer == STAGING and parent_name in allowed:
                continue
            if parent_layer == STAGING:
                why = "which is not in ALLOWED_STAGING_REFS (add it there with the reason, or move the logic downstream)"
            else:
                why = f"a {parent_layer or 'non-layer'} model; staging reads only its source"
            yield (
                model["original_file_path"],
                f"staging model {model['name']} reads {parent_name}, {why}",
            )


@rule(
    "staging-source",
    "a staging model reads at most one source table, of the source its folder is named after",
)
def check_staging_source(project: Project) -> Iterator[Finding]:
    for model in project.models:
        folder = project.folder(model)
        if project.layer(model) != STAGING or folder is None:
            continue
        sources = project.parents_of_type(model, "source")
        if len(sources) > 1:
            names = ", ".join(project.name_of(s) for s in sources)
            yield (
                model["original_file_path"],
                f"{model['name']} reads {len(sources)} source tables ({names}); one per staging model",
            )
        for source in sources:
            system = project.all_nodes.get(source, {}).get("source_name")
            if system and system != folder:
                yield (
                    model["original_file_path"],
                    (
                        f"{model['name']} in {folder}/ reads source {project.name_of(source)}; "
                        f"staging models read the source of their own folder"
                    ),
                )


@rule(
    "source-and-model",
    "no model reads both a source and a model (except an ALLOWED_STAGING_REFS model in staging)",
)
def check_source_and_model(project: Project) -> Iterator[Finding]:
    allowed = project.settings.allowed_staging_refs
    for model in project.models:
        sources = project.parents_of_type(model, "source")
        models = [
            p
            for p in project.parents_of_type(model, "model")
            if not (project.layer(model) == STAGING and project.name_of(p) in allowed)
        ]
        if sources and models:
            yield (
                model["original_file_path"],
                (
                    f"{model['name']} reads both source {', '.join(project.name_of(s) for s in sources)} "
                    f"and model {', '.join(project.name_of(m) for m in models)}"
                ),
            )


@rule(
    "missing-description",
    "every model, seed, source and source table has a description",
)
def check_missing_description(project: Project) -> Iterator[Finding]:
    for model in project.models:
        if is_blank(model.get("description")):
            yield (
                model["original_file_path"],
                (
                    f"model {model['name']} has no description (in its _<folder>__models.yml; state its grain: 'one row per ...')"
                ),
            )
    for seed in project.seeds:
        if is_blank(seed.get("description")):
            yield seed["original_file_path"], f"seed {seed['name']} has no description"
    seen_systems: set[str] = set()
    for source in project.sources:
        path, system = source["original_file_path"], source.get("source_name", "")
        if system not in seen_systems:
            seen_systems.add(system)
            if is_blank(source.get("source_description")):
                yield path, f"source {system} has no description"
        if is_blank(source.get("description")):
            yield (
                path,
                f"source table {project.name_of(source['unique_id'])} has no description",
            )


@rule(
    "undocumented-column",
    "source, seed and YAML model columns, mart columns and each model's primary key are described",
)
def check_undocumented_column(project: Project) -> Iterator[Finding]:
    for source in project.sources:
        for column, described in project.described_columns(source).items():
            if not described:
                yield (
                    source["original_file_path"],
                    (
                        f"source table {project.name_of(source['unique_id'])}: column {column} has no description"
                    ),
                )
    for seed in project.seeds:
        for column, described in project.described_columns(seed).items():
            if not described:
                yield (
                    project.yaml_path(seed),
                    f"seed {seed['name']}: column {column} has no description",
                )
    catalog_nodes = (project.catalog or {}).get("nodes", {})
    for model in project.models:
        path, name = project.yaml_path(model), model["name"]
        columns = project.described_columns(model)
        for column, described in columns.items():
            if not described:
                yield path, f"model {name}: column {column} has no description"
        if project.layer(model) in (CORE, MARTS) and project.catalog is not None:
            built = catalog_nodes.get(model["unique_id"])
            if built is None:
                log.warning("%s is not in the catalog; checking its YAML columns only", name)
            else:
                for column in sorted(norm_column(c) for c in built.get("columns", {})):
                    if column not in columns:
                        yield (
                            path,
                            f"mart model {name}: column {column} (in the warehouse) is not described in YAML",
                        )
        for column in project.primary_key_columns(model) or []:
            if column not in columns:
                yield (
                    path,
                    f"model {name}: primary-key column {column} is not documented",
                )


@rule(
    "primary-key-test",
    "every model has unique + not_null on one column, or unique_combination_of_columns",
)
def check_primary_key_test(project: Project) -> Iterator[Finding]:
    for model in project.models:
        if project.primary_key_columns(model) is None:
            yield (
                model["original_file_path"],
                (
                    f"model {model['name']} has no primary-key test (unique and not_null on one column, "
                    f"or unique_combination_of_columns)"
                ),
            )


@rule("grain", "every model description states its grain ('one row per ...')")
def check_grain(project: Project) -> Iterator[Finding]:
    phrase = project.settings.grain_phrase
    for model in project.models:
        description = model.get("description") or ""
        if not is_blank(description) and phrase not in " ".join(description.lower().split()):
            yield (
                model["original_file_path"],
                f"the description of {model['name']} does not state its grain ('{phrase} ...')",
            )


_PART = r'(?:"[^"\n]+"|\w+)'
_THREE_PART = re.compile(rf"{_PART}\s*\.\s*{_PART}\s*\.\s*{_PART}")
# `from` inside these functions is not a relation: extract(year from x.y)
_FUNCTION_FROM = re.compile(r"\b(?:extract|trim|substring|overlay|position)\s*\([^()]*$", re.IGNORECASE)


def hard_coded_relations(sql: str, schemas: Sequence[str]) -> list[tuple[int, str]]:
    """(line, relation) of each hard-coded relation in normalised SQL."""
    alternatives = "|".join(re.escape(s) for s in schemas)
    pattern = re.compile(
        rf'\b(?:from|join)\s+(?P<rel>(?:{_PART}\s*\.\s*)?"?\b(?:{alternatives})\b"?\s*\.\s*{_PART})',
        re.IGNORECASE,
    )
    found: list[tuple[int, str]] = []
    spans: list[tuple[int, int]] = []
    for match in pattern.finditer(sql):
        if _FUNCTION_FROM.search(sql[max(0, match.start() - 80) : match.start()]):
            continue
        spans.append(match.span("rel"))
        found.append((line_of(sql, match.start("rel")), re.sub(r"\s+", "", match.group("rel"))))
    for match in _THREE_PART.finditer(sql):
        overlaps = any(start < match.end() and match.start() < end for start, end in spans)
        if '"' in match.group() and not overlaps:
            found.append((line_of(sql, match.start()), re.sub(r"\s+", "", match.group())))
    return sorted(found)


@rule(
    "hard-coded-relation",
    "models, data tests and analyses use ref()/source(), never schema.table names",
)
def check_hard_coded_relation(project: Project) -> Iterator[Finding]:
    singular_tests = [t for t in project.tests if not t.get("test_metadata")]
    for node in [*project.models, *singular_tests, *project.analyses]:
        sql, _ = normalise_sql(read_sql(project, node))
        for line, relation in hard_coded_relations(sql, project.settings.hard_coded_schemas):
            yield (
                node["original_file_path"],
                f"line {line}: hard-coded relation {relation}; use ref() or source()",
            )


_VAR_CALL = re.compile(r"\bvar\s*\(")


def var_calls(text: str) -> list[int]:
    """Lines of each `var(` call in jinja/SQL text (jinja comments left out)."""
    text = _JINJA_COMMENT.sub(lambda m: _blank(m.group()), text)
    return [line_of(text, match.start()) for match in _VAR_CALL.finditer(text)]


@rule(
    "var-outside-settings",
    "no var() outside macros/settings/: SQL takes a setting through setting() or setting_value()",
)
def check_var_outside_settings(project: Project) -> Iterator[Finding]:
    root = PurePosixPath(project.settings.settings_macro_root)
    fix = "use setting('name') (an escaped SQL literal) or setting_value('name') (the checked value)"
    texts: list[tuple[str, str, str]] = []  # (path, where in it, text)
    for node in [*project.models, *project.tests, *project.analyses]:
        path = node.get("original_file_path", "")
        meta = node.get("test_metadata")
        if meta:
            # a generic test from YAML: its arguments are rendered as jinja too
            if var_calls(json.dumps(meta.get("kwargs") or {})):
                yield path, f"test {node.get('name')}: var() in its arguments; {fix}"
            continue
        texts.append((path, "", read_sql(project, node)))
    for macro in project.macros:
        where = f" of macro {macro.get('name')}"
        texts.append((macro.get("original_file_path", ""), where, macro.get("macro_sql") or ""))
    seen: set[tuple[str, str, int]] = set()
    for path, where, text in texts:
        if root in PurePosixPath(path).parents:
            continue
        for line in var_calls(text):
            if (path, where, line) not in seen:
                seen.add((path, where, line))
                yield path, f"line {line}{where}: var() outside {root}/; {fix}"


@rule(
    "too-many-parents",
    "a model has at most MAX_PARENTS direct parents (refs + sources)",
)
def check_too_many_parents(project: Project) -> Iterator[Finding]:
    limit = project.settings.max_parents
    for model in project.models:
        parents = project.parents(model)
        if len(parents) > limit:
            yield (
                model["original_file_path"],
                (f"{model['name']} has {len(parents)} direct parents (at most {limit}); split it up"),
            )


@rule("source-fanout", "no source table is read by more than one model")
def check_source_fanout(project: Project) -> Iterator[Finding]:
    readers: dict[str, list[str]] = defaultdict(list)
    for model in project.models:
        for source in project.parents_of_type(model, "source"):
            readers[source].append(model["name"])
    for source in project.sources:
        models = readers.get(source["unique_id"], [])
        if len(models) > 1:
            yield (
                source["original_file_path"],
                (
                    f"source table {project.name_of(source['unique_id'])} is read by {len(models)} models "
                    f"({', '.join(sorted(models))}); one staging model per source table"
                ),
            )


def _has_threshold(freshness: Mapping[str, Any]) -> bool:
    return any((freshness.get(k) or {}).get("count") is not None for k in ("warn_after", "error_after"))


@rule(
    "source-freshness",
    "every source table declares freshness, or freshness: null with a NO_FRESHNESS reason",
)
def check_source_freshness(project: Project) -> Iterator[Finding]:
    settings = project.settings
    for source in project.sources:
        uid, path = source["unique_id"], source["original_file_path"]
        name = project.name_of(uid)
        # dbt writes an explicit `freshness: null` as null, an undeclared one as empty thresholds
        freshness = (
            source["freshness"] if "freshness" in source else (source.get("config") or {}).get("freshness")
        )
        if freshness is not None and _has_threshold(freshness):
            if uid in settings.no_freshness:
                yield (
                    path,
                    f"source table {name} declares freshness but is listed in NO_FRESHNESS; drop it from the list",
                )
            if is_blank(source.get("loaded_at_field")) and is_blank(source.get("loaded_at_query")):
                yield (
                    path,
                    f"source table {name} declares freshness without a loaded_at_field",
                )
        elif freshness is not None:
            yield (
                path,
                (
                    f"source table {name} declares no freshness: give it warn_after/error_after, "
                    f"or `freshness: null` plus a NO_FRESHNESS entry with the reason"
                ),
            )
        elif uid not in settings.no_freshness:
            yield (
                path,
                f"source table {name} has freshness: null but is not in NO_FRESHNESS (add it with the reason)",
            )
        else:
            description = (source.get("description") or "").lower()
            if not any(hint in description for hint in settings.no_freshness_hints):
                yield (
                    path,
                    f"source table {name} has no freshness and its description does not say why",
                )


def _is_dispatch_implementation(name: str, macro_names: Iterable[str]) -> bool:
    """`default__x`, `duckdb__x`, ...: an adapter.dispatch implementation of project macro x."""
    prefix, sep, base = name.partition("__")
    return bool(prefix and sep and base in set(macro_names))


@rule(
    "macro-file",
    "one macro per file (plus its adapter.dispatch implementations), the file named after the macro",
)
def check_macro_file(project: Project) -> Iterator[Finding]:
    by_file: dict[str, list[str]] = defaultdict(list)
    for macro in project.macros:
        by_file[macro["original_file_path"]].append(macro["name"])
    for path, names in sorted(by_file.items()):
        stem = PurePosixPath(path).stem
        if stem not in names:
            yield (
                path,
                f"file defines {', '.join(sorted(names))} but is named {stem}.sql; name it after its macro",
            )
        extras = sorted(
            n
            for n in names
            if n != stem and not n.endswith(f"__{stem}")  # dispatch implementations
        )
        if stem in names and extras:
            yield (
                path,
                f"file defines more than one macro ({', '.join(extras)} besides {stem}); one macro per file",
            )
    if project.project_dir is None:
        return
    for root in project.settings.macro_roots:
        for file in sorted((project.project_dir / root).rglob("*.sql")):
            relative = file.relative_to(project.project_dir).as_posix()
            if relative not in by_file:
                yield (
                    relative,
                    "file defines no macro; macro folders hold one macro per file",
                )


_MACRO_HEADER = re.compile(
    r"\{%-?\s*(?P<kind>macro|test|materialization)\s+\w+\s*\((?P<args>.*?)\)\s*-?%\}",
    re.DOTALL,
)


def _split_arguments(signature: str) -> list[str]:
    """Argument names of a jinja macro signature (`a, b=['x', 'y'], c=none`)."""
    names, depth, current = [], 0, ""
    for char in signature + ",":
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char == "," and depth == 0:
            name = current.split("=", 1)[0].strip()
            if name:
                names.append(name)
            current = ""
        else:
            current += char
    return names


def macro_arguments(macro: Node) -> tuple[list[str], bool]:
    """The macro's argument names (from its signature, else the manifest) and whether it is a generic test."""
    header = _MACRO_HEADER.search(macro.get("macro_sql") or "")
    if header:
        return _split_arguments(header.group("args")), header.group("kind") == "test"
    is_test = macro["name"].startswith("test_")
    return [a.get("name", "") for a in macro.get("arguments") or []], is_test


@rule(
    "macro-docs",
    "every project macro is documented in macros/_macros.yml, with each argument described",
)
def check_macro_docs(project: Project) -> Iterator[Finding]:
    names = [m["name"] for m in project.macros]
    expected = project.settings.macros_yaml
    for macro in project.macros:
        name = macro["name"]
        if _is_dispatch_implementation(name, names):
            continue  # documented through the macro that dispatches to it
        documented_in = project_path(macro.get("patch_path"))
        if documented_in != expected:
            where = f"is documented in {documented_in}, not" if documented_in else "is not documented in"
            yield macro["original_file_path"], f"macro {name} {where} {expected}"
            continue
        if is_blank(macro.get("description")):
            yield expected, f"macro {name} has no description"
        described = {a.get("name"): not is_blank(a.get("description")) for a in macro.get("arguments") or []}
        arguments, is_test = macro_arguments(macro)
        for argument in arguments:
            if is_test and argument in GENERIC_TEST_IMPLICIT_ARGS:
                continue
            if not described.get(argument):
                yield expected, f"macro {name}: argument {argument} is not described"


def _model_shapes(project: Project) -> Iterator[tuple[Node, str, list[str], SqlShape]]:
    for model in project.models:
        if model.get("language", "sql") != "sql":
            continue
        sql, calls = normalise_sql(read_sql(project, model))
        shape = split_ctes(sql)
        if shape is None:
            log.warning(
                "could not split %s into CTEs; skipping its SQL-style checks",
                model["original_file_path"],
            )
            continue
        yield model, sql, calls, shape


@rule(
    "select-star",
    "select * only in import CTEs and as the model's final `select * from <cte>`",
)
def check_select_star(project: Project) -> Iterator[Finding]:
    for model, sql, _, shape in _model_shapes(project):
        path = model["original_file_path"]
        for cte in shape.ctes:
            if is_import_cte(cte):
                continue
            for star in _SELECT_STAR.finditer(cte.body):
                yield (
                    path,
                    f"line {line_of(sql, cte.offset + star.start())}: select * in CTE {cte.name}; list the columns",
                )
        final = _FINAL_SELECT_STAR.match(shape.final)
        if final and final.group("name").lower() in {c.name for c in shape.ctes}:
            continue
        for star in _SELECT_STAR.finditer(shape.final):
            line = line_of(sql, shape.final_offset + star.start())
            yield (
                path,
                f"line {line}: select * in the final statement; only `select * from <final cte>` may",
            )


@rule(
    "buried-ref",
    "every ref()/source() sits in an import CTE at the top, before the first logic CTE",
)
def check_buried_ref(project: Project) -> Iterator[Finding]:
    for model, sql, calls, shape in _model_shapes(project):
        path = model["original_file_path"]
        first_logic = next(
            (i for i, cte in enumerate(shape.ctes) if not is_import_cte(cte)),
            len(shape.ctes),
        )
        regions = [(f"CTE {cte.name}", cte.body, cte.offset) for cte in shape.ctes[first_logic:]]
        regions.append(("the final statement", shape.final, shape.final_offset))
        for where, text, offset in regions:
            for token in _CALL_TOKEN.finditer(text):
                line = line_of(sql, offset + token.start())
                call = calls[int(token.group(1))]
                yield (
                    path,
                    f"line {line}: {call} in {where}; read it in an import CTE at the top",
                )


@rule(
    "yaml-layout",
    "models are documented in their folder's _<folder>__models.yml, sources in _<source>__sources.yml",
)
def check_yaml_layout(project: Project) -> Iterator[Finding]:
    for model in project.models:
        documented_in = project_path(model.get("patch_path"))
        folder = PurePosixPath(model["original_file_path"]).parent
        expected = (folder / f"_{folder.name}__models.yml").as_posix()
        if documented_in and documented_in != expected:
            yield (
                documented_in,
                f"model {model['name']} is documented here, not in {expected}",
            )
    for source in project.sources:
        system, path = source.get("source_name", ""), source["original_file_path"]
        expected = f"{MODEL_ROOT}/{STAGING}/{system}/_{system}__sources.yml"
        if path != expected:
            yield (
                path,
                f"source table {project.name_of(source['unique_id'])} is declared here, not in {expected}",
            )


@rule("unit-test-location", "unit tests sit in their model's own YAML")
def check_unit_test_location(project: Project) -> Iterator[Finding]:
    models = {m["name"]: m for m in project.models}
    for unit_test in project.unit_tests:
        model = models.get(unit_test.get("model", ""))
        path = project_path(unit_test.get("original_file_path"))
        if model is None or not path:
            continue
        expected = project_path(model.get("patch_path"))
        if path != expected:
            yield (
                path,
                (
                    f"unit test {unit_test.get('name')} of {model['name']} belongs in the model's own YAML "
                    f"({expected or 'which does not exist yet'})"
                ),
            )


@rule(
    "unit-test-missing",
    "models of UNIT_TEST_REQUIRED_LAYERS have a unit test (off while the tuple is empty)",
)
def check_unit_test_missing(project: Project) -> Iterator[Finding]:
    layers = project.settings.unit_test_required_layers
    tested = {u.get("model") for u in project.unit_tests}
    for model in project.models:
        if project.layer(model) in layers and model["name"] not in tested:
            yield (
                model["original_file_path"],
                f"{project.layer(model)} model {model['name']} has no unit test",
            )


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
    for name in settings.allowed_staging_refs:
        if not any(m["name"] == name for m in project.models):
            log.warning(
                "ALLOWED_STAGING_REFS names %s, which is not a model of the project",
                name,
            )
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
        description="Fail on breaches of the house style rules, read from dbt's manifest.",
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
