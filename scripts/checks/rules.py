"""The house rules dbt-bouncer cannot check: SQL shape, vars, hard-coded relations,
freshness exceptions, macro files and docs, YAML layout, primary keys, unit-test location."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from pathlib import PurePosixPath
from typing import Any

from scripts.checks.project import (
    CORE,
    GENERIC_TEST_IMPLICIT_ARGS,
    MARTS,
    MODEL_ROOT,
    STAGING,
    Finding,
    Node,
    Project,
    is_blank,
    norm_column,
    project_path,
    rule,
)
from scripts.checks.sql import (
    _CALL_TOKEN,
    _FINAL_SELECT_STAR,
    _SELECT_STAR,
    SqlShape,
    hard_coded_relations,
    is_import_cte,
    line_of,
    macro_arguments,
    normalise_sql,
    split_ctes,
    var_calls,
)

log = logging.getLogger("check_project")


def read_sql(project: Project, node: Node) -> str:
    """A node's raw SQL: from the manifest, else from its file."""
    raw = node.get("raw_code")
    if raw is None and project.project_dir is not None:
        path = project.project_dir / node.get("original_file_path", "")
        raw = path.read_text(encoding="utf-8") if path.is_file() else ""
    return raw or ""


@rule(
    "undocumented-column",
    "source and seed columns, mart columns (with --catalog) and each model's primary key are described"
    " (YAML model columns: dbt-bouncer)",
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
        columns = project.described_columns(model)  # their descriptions: dbt-bouncer
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
    "every model has unique + not_null on one column, or unique_combination_of_columns "
    "(as tests of their own or as arguments of column_checks)",
)
def check_primary_key_test(project: Project) -> Iterator[Finding]:
    for model in project.models:
        if project.primary_key_columns(model) is None:
            yield (
                model["original_file_path"],
                (
                    f"model {model['name']} has no primary-key test (unique and not_null on one column, "
                    f"or unique_combination_of_columns; on their own or in column_checks)"
                ),
            )


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
