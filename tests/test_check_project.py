"""Tests of scripts/check_project.py, the house rules dbt-bouncer cannot check.

Each test starts from GOOD, a tiny fake manifest shaped like dbt's (only the keys
the checker reads) that breaks no rule, changes one thing, and checks exactly
which (file, rule) pairs the checker reports. A last test runs the checker on the
real project's manifest when `dbt parse` has written one. The rules dbt-bouncer
checks (naming, layer order, lineage, descriptions, grain, parents, source fan-out)
are tested in test_check_project_bouncer.py; the SQL helpers and the command line
in test_check_project_cli.py.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from scripts import check_project as cp

ROOT = Path(__file__).resolve().parent.parent
PKG = cp.PROJECT_PACKAGE

Manifest = dict[str, Any]

# --------------------------------------------------------------------------- #
# Builders of manifest nodes
# --------------------------------------------------------------------------- #

FRESH = {
    "warn_after": {"count": 1, "period": "day"},
    "error_after": {"count": None, "period": None},
    "filter": None,
}
# what dbt writes when a table says nothing about freshness (`freshness: null` is None)
UNDECLARED = {
    "warn_after": {"count": None, "period": None},
    "error_after": {"count": None, "period": None},
    "filter": None,
}


def model_sql(*calls: str) -> str:
    """A model in house style: one import CTE per ref/source call, a logic CTE, `select * from final`."""
    imports = [f"import_{i} as (\n\n    select * from {{{{ {call} }}}}\n\n)" for i, call in enumerate(calls)]
    logic = "final as (\n\n    select id from import_0\n\n)" if calls else "final as (select 1 as id)"
    return "with\n\n" + ",\n\n".join([*imports, logic]) + "\n\nselect * from final\n"


def call_of(parent: str) -> str:
    kind, _, rest = parent.partition(f".{PKG}.")
    if kind == "source":
        system, table = rest.split(".")
        return f"source('{system}', '{table}')"
    return f"ref('{rest}')"


def model_yaml(path: str) -> str:
    folder = Path(path).parent
    return f"{folder.as_posix()}/_{folder.name}__models.yml"


def add_model(
    manifest: Manifest,
    path: str,
    parents: tuple[str, ...] = (),
    *,
    pk: str | None = "id",
) -> dict[str, Any]:
    """Add a documented model with a primary-key test on `pk`, reading `parents`."""
    name = Path(path).stem
    uid = f"model.{PKG}.{name}"
    node = {
        "unique_id": uid,
        "resource_type": "model",
        "package_name": PKG,
        "name": name,
        "original_file_path": path,
        "patch_path": f"{PKG}://{model_yaml(path)}",
        "description": f"One row per thing of {name}.",
        "columns": {"id": {"name": "id", "description": "The key."}},
        "depends_on": {"nodes": list(parents)},
        "raw_code": model_sql(*(call_of(p) for p in parents)),
        "language": "sql",
    }
    manifest["nodes"][uid] = node
    if pk:
        for test in ("unique", "not_null"):
            add_column_test(manifest, test, uid, pk)
    return node


def _add_test_node(manifest: Manifest, name: str, model_uid: str, metadata: dict, column: str | None) -> None:
    """A generic test node on the model, as dbt writes it into the manifest."""
    manifest["nodes"][f"test.{PKG}.{name}"] = {
        "unique_id": f"test.{PKG}.{name}",
        "resource_type": "test",
        "package_name": PKG,
        "name": name,
        "test_metadata": metadata,
        "column_name": column,
        "attached_node": model_uid,
        "depends_on": {"nodes": [model_uid]},
        "original_file_path": "models/_x.yml",
    }


def add_column_test(manifest: Manifest, test: str, model_uid: str, column: str) -> None:
    name = f"{test}_{model_uid.rsplit('.', 1)[-1]}_{column}"
    _add_test_node(manifest, name, model_uid, {"name": test, "kwargs": {"column_name": column}}, column)


def add_column_checks(manifest: Manifest, model_uid: str, **kwargs: Any) -> None:
    """A column_checks test (macros/tests/test_column_checks.sql) on the model, its checks as arguments."""
    name = f"column_checks_{model_uid.rsplit('.', 1)[-1]}"
    _add_test_node(manifest, name, model_uid, {"name": "column_checks", "kwargs": kwargs}, None)


def add_source(
    manifest: Manifest,
    system: str,
    table: str,
    *,
    freshness: dict[str, Any] | None = FRESH,
    description: str | None = None,
) -> dict[str, Any]:
    uid = f"source.{PKG}.{system}.{table}"
    node = {
        "unique_id": uid,
        "resource_type": "source",
        "package_name": PKG,
        "source_name": system,
        "name": table,
        "original_file_path": f"models/staging/{system}/_{system}__sources.yml",
        "source_description": f"The {system} system.",
        "description": description or f"One row per {table}.",
        "columns": {"id": {"name": "id", "description": "The key."}},
        "freshness": copy.deepcopy(freshness),
        "loaded_at_field": "loaded_at",
    }
    manifest["sources"][uid] = node
    return node


def add_macro(
    manifest: Manifest,
    name: str,
    path: str,
    *,
    args: tuple[str, ...] = ("column_name",),
    documented: bool = True,
) -> dict[str, Any]:
    """A project macro; `test_<x>` macros are generic tests (`{% test x(...) %}`)."""
    kind, header = ("test", name.removeprefix("test_")) if name.startswith("test_") else ("macro", name)
    node = {
        "unique_id": f"macro.{PKG}.{name}",
        "package_name": PKG,
        "name": name,
        "original_file_path": path,
        "macro_sql": f"{{% {kind} {header}({', '.join(args)}) %}} select 1 {{% end{kind} %}}",
        "patch_path": f"{PKG}://{cp.MACROS_YAML}" if documented else None,
        "description": "What it does." if documented else "",
        "arguments": [{"name": a, "description": "An argument." if documented else ""} for a in args],
    }
    manifest["macros"][node["unique_id"]] = node
    return node


# --------------------------------------------------------------------------- #
# GOOD: a project that breaks no rule
# --------------------------------------------------------------------------- #

RATES = "models/staging/finance/stg_finance__exchange_rates.sql"
ORDERS = "models/staging/shop/stg_shop__orders.sql"
ITEMS = "models/staging/shop/stg_shop__order_items.sql"
INT_ORDERS = "models/intermediate/orders/int_orders_enriched.sql"
FCT_ORDERS = "models/marts/core/fct_orders.sql"
SPINE = "models/marts/core/metricflow_time_spine.sql"
SHOP_YML = "models/staging/shop/_shop__sources.yml"
SHOP_MODELS_YML = "models/staging/shop/_shop__models.yml"
CORE_YML = "models/marts/core/_core__models.yml"
MACRO_DATE = "macros/time/to_reporting_date.sql"
MACRO_PK_TEST = "macros/tests/test_unique_combination_of_columns.sql"
MACRO_SETTING = "macros/settings/setting_value.sql"
SEED_CSV = "seeds/channel_grouping.csv"
DATA_TEST = "data-tests/assert_orders_have_items.sql"
ANALYSIS = "analyses/orders_by_day.sql"

SRC = f"source.{PKG}"
MODEL = f"model.{PKG}"
SEED = f"seed.{PKG}.channel_grouping"


def build_good() -> Manifest:
    m: Manifest = {"nodes": {}, "sources": {}, "macros": {}, "unit_tests": {}}
    add_source(m, "finance", "exchange_rates")
    add_source(m, "shop", "orders")
    add_source(
        m,
        "shop",
        "order_items",
        freshness=None,
        description="One row per order line; no timestamp of its own, so its freshness is that of orders.",
    )
    add_model(m, RATES, (f"{SRC}.finance.exchange_rates",))
    # the one sanctioned staging-to-staging read (dbt-bouncer.yml)
    add_model(m, ORDERS, (f"{SRC}.shop.orders", f"{MODEL}.stg_finance__exchange_rates"))
    add_model(m, ITEMS, (f"{SRC}.shop.order_items",))
    add_model(m, INT_ORDERS, (f"{MODEL}.stg_shop__orders", f"{MODEL}.stg_shop__order_items"))
    fct = add_model(m, FCT_ORDERS, (f"{MODEL}.int_orders_enriched", SEED), pk=None)
    fct["columns"]["order_date"] = {
        "name": "order_date",
        "description": "Day of the order.",
    }
    m["nodes"][f"test.{PKG}.unique_combination_of_columns_fct_orders"] = {
        "unique_id": f"test.{PKG}.unique_combination_of_columns_fct_orders",
        "resource_type": "test",
        "package_name": PKG,
        "name": "unique_combination_of_columns_fct_orders",
        "test_metadata": {
            "name": "unique_combination_of_columns",
            "kwargs": {"combination_of_columns": ["id", "order_date"]},
        },
        "column_name": None,
        "attached_node": fct["unique_id"],
        "depends_on": {"nodes": [fct["unique_id"]]},
        "original_file_path": CORE_YML,
    }
    add_model(m, SPINE)
    m["nodes"][SEED] = {
        "unique_id": SEED,
        "resource_type": "seed",
        "package_name": PKG,
        "name": "channel_grouping",
        "original_file_path": SEED_CSV,
        "patch_path": f"{PKG}://seeds/_seeds.yml",
        "description": "One row per channel rule.",
        "columns": {"rule_order": {"name": "rule_order", "description": "Precedence."}},
    }
    m["nodes"][f"test.{PKG}.assert_orders_have_items"] = {
        "unique_id": f"test.{PKG}.assert_orders_have_items",
        "resource_type": "test",
        "package_name": PKG,
        "name": "assert_orders_have_items",
        "original_file_path": DATA_TEST,
        "depends_on": {"nodes": [fct["unique_id"]]},
        "raw_code": "select id from {{ ref('fct_orders') }} where id is null\n",
    }
    m["nodes"][f"analysis.{PKG}.orders_by_day"] = {
        "unique_id": f"analysis.{PKG}.orders_by_day",
        "resource_type": "analysis",
        "package_name": PKG,
        "name": "orders_by_day",
        "original_file_path": ANALYSIS,
        "raw_code": (
            "-- not from raw.shop_orders: the mart\n"
            "select order_date, count(*) as n_orders\n"
            "from {{ ref('fct_orders') }}  {# never from marts.fct_orders #}\n"
            "where 'from main.x' <> '' and extract(year from main.order_date) > 2000\n"
            "group by order_date\n"
        ),
    }
    m["unit_tests"][f"unit_test.{PKG}.fct_orders.counts"] = {
        "unique_id": f"unit_test.{PKG}.fct_orders.counts",
        "package_name": PKG,
        "name": "counts",
        "model": "fct_orders",
        "original_file_path": CORE_YML,
    }
    add_macro(m, "to_reporting_date", MACRO_DATE)
    # the settings macros are the one place that may read dbt vars
    setting = add_macro(m, "setting_value", MACRO_SETTING, args=("name",))
    setting["macro_sql"] = "{% macro setting_value(name) %}{{ return(var(name)) }}{% endmacro %}"
    # an adapter.dispatch implementation: same file, documented through its dispatcher
    add_macro(m, "default__to_reporting_date", MACRO_DATE, documented=False)
    pk_test = add_macro(
        m,
        "test_unique_combination_of_columns",
        MACRO_PK_TEST,
        args=("model", "combination_of_columns"),
    )
    pk_test["arguments"][0]["description"] = ""  # `model` is passed by dbt
    # dbt's own macros are not the project's business
    m["macros"]["macro.dbt.test_unique"] = {
        "unique_id": "macro.dbt.test_unique",
        "package_name": "dbt",
        "name": "test_unique",
        "original_file_path": "macros/generic_test_sql/unique.sql",
        "description": "",
        "patch_path": None,
        "arguments": [],
    }
    return m


GOOD = build_good()


@pytest.fixture
def manifest() -> Manifest:
    return copy.deepcopy(GOOD)


def write_macro_files(root: Path) -> Path:
    """The file tree the checker reads besides the manifest: the macro files."""
    for macro in GOOD["macros"].values():
        if macro["package_name"] == PKG:
            file = root / macro["original_file_path"]
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(macro["macro_sql"] + "\n", encoding="utf-8")
    return root


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    return write_macro_files(tmp_path)


def found(breaches: list[cp.Breach]) -> set[tuple[str, str]]:
    return {(b.path, b.rule) for b in breaches}


def node(manifest: Manifest, name: str) -> dict[str, Any]:
    for section in ("nodes", "sources", "macros"):
        for candidate in manifest[section].values():
            if candidate["name"] == name:
                return candidate
    raise KeyError(name)


def test_good_project_is_clean(manifest: Manifest, project_dir: Path) -> None:
    assert cp.check_manifest(manifest, project_dir) == []


def test_good_project_is_clean_with_a_matching_catalog(manifest: Manifest) -> None:
    catalog = {
        "nodes": {
            f"{MODEL}.fct_orders": {"columns": {"ID": {"name": "ID"}, "order_date": {"name": "order_date"}}},
        }
    }
    assert cp.check_manifest(manifest, catalog=catalog) == []


# --------------------------------------------------------------------------- #
# One breach at a time: each case changes GOOD and lists exactly what must fire
# --------------------------------------------------------------------------- #


def _set(manifest: Manifest, name: str, **fields: Any) -> None:
    node(manifest, name).update(fields)


def _drop_test(manifest: Manifest, test_name: str) -> None:
    del manifest["nodes"][f"test.{PKG}.{test_name}"]


def _column(manifest: Manifest, name: str, column: str, description: str) -> None:
    node(manifest, name)["columns"][column] = {
        "name": column,
        "description": description,
    }


def _sql(manifest: Manifest, name: str, sql: str) -> None:
    node(manifest, name)["raw_code"] = sql


Mutation = Callable[[Manifest], Any]

CASES: list[Any] = [
    # documentation
    pytest.param(
        lambda m: _column(m, "orders", "status", ""),
        {(SHOP_YML, "undocumented-column")},
        id="undocumented-column-source",
    ),
    pytest.param(
        lambda m: _column(m, "channel_grouping", "utm_source", ""),
        {("seeds/_seeds.yml", "undocumented-column")},
        id="undocumented-column-seed",
    ),
    pytest.param(
        lambda m: node(m, "stg_shop__orders")["columns"].clear(),
        {(SHOP_MODELS_YML, "undocumented-column")},
        id="undocumented-column-primary-key",
    ),
    pytest.param(
        lambda m: (
            node(m, "fct_orders")["columns"].clear(),
            _set(m, "fct_orders", patch_path=None),
            m["unit_tests"].clear(),
        ),
        {(FCT_ORDERS, "undocumented-column")},
        id="undocumented-column-composite-key-without-yaml",
    ),
    # keys
    pytest.param(
        lambda m: _drop_test(m, "not_null_stg_shop__orders_id"),
        {(ORDERS, "primary-key-test")},
        id="primary-key-test-missing-not-null",
    ),
    pytest.param(
        lambda m: (
            _drop_test(m, "not_null_stg_shop__orders_id"),
            add_column_test(m, "not_null", f"{MODEL}.stg_shop__orders", "status"),
        ),
        {(ORDERS, "primary-key-test")},
        id="primary-key-test-on-two-columns",
    ),
    pytest.param(
        lambda m: (
            _drop_test(m, "not_null_stg_shop__orders_id"),
            add_column_checks(
                m, f"{MODEL}.stg_shop__orders", not_null=["status"], accepted_values={"id": [1]}
            ),
        ),
        {(ORDERS, "primary-key-test")},
        id="primary-key-test-column-checks-not-null-on-another-column",
    ),
    pytest.param(
        lambda m: (
            _drop_test(m, "unique_stg_shop__orders_id"),
            _drop_test(m, "not_null_stg_shop__orders_id"),
            add_column_checks(m, f"{MODEL}.stg_shop__orders", not_null=["id"], unique_combination=[]),
        ),
        {(ORDERS, "primary-key-test")},
        id="primary-key-test-column-checks-without-unique",
    ),
    # freshness
    pytest.param(
        lambda m: _set(m, "orders", freshness=copy.deepcopy(UNDECLARED)),
        {(SHOP_YML, "source-freshness")},
        id="source-freshness-undeclared",
    ),
    pytest.param(
        lambda m: _set(
            m,
            "orders",
            freshness=None,
            description="One row per order; no freshness, trust me.",
        ),
        {(SHOP_YML, "source-freshness")},
        id="source-freshness-null-not-allow-listed",
    ),
    pytest.param(
        lambda m: _set(m, "order_items", description="One row per order line."),
        {(SHOP_YML, "source-freshness")},
        id="source-freshness-null-without-reason",
    ),
    pytest.param(
        lambda m: _set(m, "order_items", freshness=copy.deepcopy(FRESH)),
        {(SHOP_YML, "source-freshness")},
        id="source-freshness-declared-but-allow-listed",
    ),
    pytest.param(
        lambda m: _set(m, "orders", loaded_at_field=None),
        {(SHOP_YML, "source-freshness")},
        id="source-freshness-without-loaded-at-field",
    ),
    # macros
    pytest.param(
        lambda m: add_macro(m, "to_utc", MACRO_DATE),
        {(MACRO_DATE, "macro-file")},
        id="macro-file-two-macros",
    ),
    pytest.param(
        lambda m: add_macro(m, "to_utc", "macros/time/helpers.sql"),
        {("macros/time/helpers.sql", "macro-file")},
        id="macro-file-named-otherwise",
    ),
    pytest.param(
        lambda m: add_macro(m, "test_not_empty", "macros/tests/not_empty.sql", args=("model",)),
        {("macros/tests/not_empty.sql", "macro-file")},
        id="macro-file-generic-test-without-test-prefix",
    ),
    pytest.param(
        lambda m: _set(m, "to_reporting_date", patch_path=None, description=""),
        {(MACRO_DATE, "macro-docs")},
        id="macro-docs-undocumented",
    ),
    pytest.param(
        lambda m: _set(m, "to_reporting_date", patch_path=f"{PKG}://macros/time/_time.yml"),
        {(MACRO_DATE, "macro-docs")},
        id="macro-docs-elsewhere",
    ),
    pytest.param(
        lambda m: _set(m, "to_reporting_date", description=""),
        {(cp.MACROS_YAML, "macro-docs")},
        id="macro-docs-no-description",
    ),
    pytest.param(
        lambda m: node(m, "test_unique_combination_of_columns")["arguments"][1].update(description=""),
        {(cp.MACROS_YAML, "macro-docs")},
        id="macro-docs-argument",
    ),
    pytest.param(
        lambda m: node(m, "to_reporting_date").update(arguments=[]),
        {(cp.MACROS_YAML, "macro-docs")},
        id="macro-docs-argument-missing-from-yaml",
    ),
    # layout
    pytest.param(
        lambda m: _set(
            m,
            "stg_shop__orders",
            patch_path=f"{PKG}://models/staging/_staging__models.yml",
        ),
        {("models/staging/_staging__models.yml", "yaml-layout")},
        id="yaml-layout-model",
    ),
    pytest.param(
        lambda m: _set(m, "orders", original_file_path="models/staging/sources.yml"),
        {("models/staging/sources.yml", "yaml-layout")},
        id="yaml-layout-source",
    ),
    pytest.param(
        lambda m: m["unit_tests"][f"unit_test.{PKG}.fct_orders.counts"].update(
            original_file_path="models/unit_tests.yml"
        ),
        {("models/unit_tests.yml", "unit-test-location")},
        id="unit-test-location",
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), CASES)
def test_each_rule_fires_on_a_bad_example(
    manifest: Manifest,
    project_dir: Path,
    mutate: Mutation,
    expected: set[tuple[str, str]],
) -> None:
    mutate(manifest)
    breaches = cp.check_manifest(manifest, project_dir)
    assert found(breaches) == expected, "\n".join(map(str, breaches))


def test_column_checks_declare_a_primary_key(manifest: Manifest, project_dir: Path) -> None:
    """unique + not_null in column_checks' arguments make a key, alone or with a single-column test."""
    orders, fct = f"{MODEL}.stg_shop__orders", f"{MODEL}.fct_orders"
    _drop_test(manifest, "unique_stg_shop__orders_id")
    _drop_test(manifest, "not_null_stg_shop__orders_id")
    add_column_checks(manifest, orders, not_null=["status", "ID"], unique=["id"])
    _drop_test(manifest, "unique_combination_of_columns_fct_orders")
    add_column_checks(manifest, fct, not_null=["id"], unique_combination=[["id", "order_date"]])
    _drop_test(manifest, "unique_stg_shop__order_items_id")
    add_column_checks(manifest, f"{MODEL}.stg_shop__order_items", unique=["id"])
    assert cp.check_manifest(manifest, project_dir) == []
    project = cp.Project(manifest)
    assert project.primary_key_columns(node(manifest, "stg_shop__orders")) == ["id"]
    assert project.primary_key_columns(node(manifest, "fct_orders")) == ["id", "order_date"]
    assert project.primary_key_columns(node(manifest, "stg_shop__order_items")) == ["id"]


def test_composite_key_in_column_checks_must_be_documented(manifest: Manifest) -> None:
    _drop_test(manifest, "unique_combination_of_columns_fct_orders")
    add_column_checks(manifest, f"{MODEL}.fct_orders", unique_combination=[["id", "shipped_date"]])
    breaches = cp.check_manifest(manifest)
    assert found(breaches) == {(CORE_YML, "undocumented-column")}, "\n".join(map(str, breaches))


def test_undocumented_mart_column_from_the_catalog(manifest: Manifest) -> None:
    catalog = {
        "nodes": {
            f"{MODEL}.fct_orders": {
                "columns": {"id": {}, "order_date": {}, "gmv": {}},
            }
        }
    }
    breaches = cp.check_manifest(manifest, catalog=catalog)
    assert [str(b) for b in breaches] == [
        f"{CORE_YML}: undocumented-column: mart model fct_orders: column gmv (in the warehouse) is not described in YAML"
    ]


def test_macro_file_without_a_macro(manifest: Manifest, project_dir: Path) -> None:
    stray = project_dir / "macros" / "time" / "notes.sql"
    stray.write_text("-- ideas for later\n", encoding="utf-8")
    breaches = cp.check_manifest(manifest, project_dir)
    assert found(breaches) == {("macros/time/notes.sql", "macro-file")}


def test_allow_lists_are_data(manifest: Manifest) -> None:
    _set(manifest, "orders", freshness=None, description="One row per order; no timestamp of its own.")
    assert found(cp.check_manifest(manifest)) == {(SHOP_YML, "source-freshness")}
    settings = replace(cp.Settings(), no_freshness={**cp.NO_FRESHNESS, f"{SRC}.shop.orders": "why"})
    assert cp.check_manifest(manifest, settings=settings) == []
