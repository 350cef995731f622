"""Tests of scripts/check_project.py, the house-style checker.

Each test starts from GOOD, a tiny fake manifest shaped like dbt's (only the keys
the checker reads) that breaks no rule, changes one thing, and checks exactly
which (file, rule) pairs the checker reports. A last test runs the checker on the
real project's manifest when `dbt parse` has written one.
"""

from __future__ import annotations

import copy
import json
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


def add_column_test(manifest: Manifest, test: str, model_uid: str, column: str) -> None:
    name = f"{test}_{model_uid.rsplit('.', 1)[-1]}_{column}"
    manifest["nodes"][f"test.{PKG}.{name}"] = {
        "unique_id": f"test.{PKG}.{name}",
        "resource_type": "test",
        "package_name": PKG,
        "name": name,
        "test_metadata": {"name": test, "kwargs": {"column_name": column}},
        "column_name": column,
        "attached_node": model_uid,
        "depends_on": {"nodes": [model_uid]},
        "original_file_path": "models/_x.yml",
    }


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
    # the one sanctioned staging-to-staging read (ALLOWED_STAGING_REFS)
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


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    """The file tree the checker reads besides the manifest: the macro files."""
    for macro in GOOD["macros"].values():
        if macro["package_name"] == PKG:
            file = tmp_path / macro["original_file_path"]
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(macro["macro_sql"] + "\n", encoding="utf-8")
    return tmp_path


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
    # naming
    pytest.param(
        lambda m: add_model(m, "models/staging/shop/stg_web__sessions.sql"),
        {("models/staging/shop/stg_web__sessions.sql", "naming")},
        id="naming-staging-source-is-not-its-folder",
    ),
    pytest.param(
        lambda m: add_model(m, "models/staging/shop/stg_shop_things.sql"),
        {("models/staging/shop/stg_shop_things.sql", "naming")},
        id="naming-staging-without-double-underscore",
    ),
    pytest.param(
        lambda m: add_model(m, "models/staging/stg_shop__things.sql"),
        {("models/staging/stg_shop__things.sql", "naming")},
        id="naming-staging-outside-a-source-folder",
    ),
    pytest.param(
        lambda m: add_model(m, "models/intermediate/orders/orders_enriched.sql"),
        {("models/intermediate/orders/orders_enriched.sql", "naming")},
        id="naming-intermediate-without-int",
    ),
    pytest.param(
        lambda m: add_model(m, "models/intermediate/orders/int_orders.sql"),
        {("models/intermediate/orders/int_orders.sql", "naming")},
        id="naming-intermediate-without-verb",
    ),
    pytest.param(
        lambda m: add_model(m, "models/marts/core/orders_summary.sql"),
        {("models/marts/core/orders_summary.sql", "naming")},
        id="naming-mart-prefix",
    ),
    pytest.param(
        lambda m: add_model(m, "models/reports/fct_sales.sql"),
        {("models/reports/fct_sales.sql", "naming")},
        id="naming-outside-the-layers",
    ),
    # layering
    pytest.param(
        lambda m: (
            add_source(m, "shop", "returns"),
            add_model(m, "models/marts/core/fct_returns.sql", (f"{SRC}.shop.returns", SEED)),
        ),
        {("models/marts/core/fct_returns.sql", "source-outside-staging")},
        id="source-outside-staging-mart",
    ),
    pytest.param(
        lambda m: (
            add_source(m, "shop", "returns"),
            node(m, "int_orders_enriched")["depends_on"]["nodes"].append(f"{SRC}.shop.returns"),
        ),
        {(INT_ORDERS, "source-outside-staging"), (INT_ORDERS, "source-and-model")},
        id="source-outside-staging-intermediate-with-models",
    ),
    pytest.param(
        lambda m: node(m, "stg_shop__order_items")["depends_on"]["nodes"].append(f"{MODEL}.stg_shop__orders"),
        {(ITEMS, "staging-reads-model"), (ITEMS, "source-and-model")},
        id="staging-reads-staging-not-allowed",
    ),
    pytest.param(
        lambda m: node(m, "stg_shop__order_items")["depends_on"]["nodes"].append(
            f"{MODEL}.int_orders_enriched"
        ),
        {(ITEMS, "staging-reads-model"), (ITEMS, "source-and-model")},
        id="staging-reads-intermediate",
    ),
    pytest.param(
        lambda m: node(m, "int_orders_enriched")["depends_on"]["nodes"].append(f"{MODEL}.fct_orders"),
        {(INT_ORDERS, "layer-order")},
        id="intermediate-reads-a-mart",
    ),
    pytest.param(
        lambda m: (
            add_source(m, "web", "sessions"),
            add_model(
                m,
                "models/staging/shop/stg_shop__sessions.sql",
                (f"{SRC}.web.sessions",),
            ),
        ),
        {("models/staging/shop/stg_shop__sessions.sql", "staging-source")},
        id="staging-source-of-another-system",
    ),
    pytest.param(
        lambda m: (
            add_source(m, "shop", "carts"),
            add_source(m, "shop", "wishlists"),
            add_model(
                m,
                "models/staging/shop/stg_shop__baskets.sql",
                (f"{SRC}.shop.carts", f"{SRC}.shop.wishlists"),
            ),
        ),
        {("models/staging/shop/stg_shop__baskets.sql", "staging-source")},
        id="staging-source-two-tables",
    ),
    # documentation
    pytest.param(
        lambda m: _set(m, "stg_shop__orders", description="  "),
        {(ORDERS, "missing-description")},
        id="missing-description-model",
    ),
    pytest.param(
        lambda m: _set(m, "channel_grouping", description=""),
        {(SEED_CSV, "missing-description")},
        id="missing-description-seed",
    ),
    pytest.param(
        lambda m: (
            _set(m, "orders", source_description=""),
            _set(m, "order_items", source_description=""),
        ),
        {(SHOP_YML, "missing-description")},
        id="missing-description-source",
    ),
    pytest.param(
        lambda m: _set(m, "orders", description=""),
        {(SHOP_YML, "missing-description")},
        id="missing-description-source-table",
    ),
    pytest.param(
        lambda m: _column(m, "orders", "status", ""),
        {(SHOP_YML, "undocumented-column")},
        id="undocumented-column-source",
    ),
    pytest.param(
        lambda m: _column(m, "stg_shop__orders", "status", ""),
        {(SHOP_MODELS_YML, "undocumented-column")},
        id="undocumented-column-model-yaml",
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
    # keys and grain
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
        lambda m: _set(m, "int_orders_enriched", description="Orders with their items."),
        {(INT_ORDERS, "grain")},
        id="grain",
    ),
    # hard-coded relations
    pytest.param(
        lambda m: _sql(
            m,
            "stg_shop__order_items",
            model_sql("source('shop', 'order_items')").replace(
                "select id from import_0",
                "select id from import_0\n    left join RAW.shop_orders as o on o.id = id",
            ),
        ),
        {(ITEMS, "hard-coded-relation")},
        id="hard-coded-relation-model",
    ),
    pytest.param(
        lambda m: _sql(
            m,
            "assert_orders_have_items",
            'select id from "warehouse"."analytics"."fct_orders"',
        ),
        {(DATA_TEST, "hard-coded-relation")},
        id="hard-coded-relation-quoted-three-part-in-data-test",
    ),
    pytest.param(
        lambda m: _sql(m, "orders_by_day", "select * from marts . fct_orders"),
        {(ANALYSIS, "hard-coded-relation")},
        id="hard-coded-relation-analysis",
    ),
    # parents and sources
    pytest.param(
        lambda m: add_model(
            m,
            "models/marts/core/fct_everything.sql",
            tuple(f"{MODEL}.int_x_{i}" for i in range(7)),
        ),
        {("models/marts/core/fct_everything.sql", "too-many-parents")},
        id="too-many-parents",
    ),
    pytest.param(
        lambda m: add_model(m, "models/staging/shop/stg_shop__orders_again.sql", (f"{SRC}.shop.orders",)),
        {(SHOP_YML, "source-fanout")},
        id="source-fanout",
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
    # SQL style
    pytest.param(
        lambda m: _sql(
            m,
            "fct_orders",
            model_sql("ref('int_orders_enriched')").replace("select id from", "select * from"),
        ),
        {(FCT_ORDERS, "select-star")},
        id="select-star-in-logic-cte",
    ),
    pytest.param(
        lambda m: _sql(
            m,
            "fct_orders",
            model_sql("ref('int_orders_enriched')").replace(
                "select * from final", "select * from final where id > 0"
            ),
        ),
        {(FCT_ORDERS, "select-star")},
        id="select-star-final-with-filter",
    ),
    pytest.param(
        lambda m: _sql(m, "fct_orders", "select * from {{ ref('int_orders_enriched') }}"),
        {(FCT_ORDERS, "select-star"), (FCT_ORDERS, "buried-ref")},
        id="select-star-and-ref-without-ctes",
    ),
    pytest.param(
        lambda m: _sql(
            m,
            "int_orders_enriched",
            model_sql("ref('stg_shop__orders')").replace(
                "from import_0",
                "from import_0\n    left join {{ ref('stg_shop__order_items') }} as items using (id)",
            ),
        ),
        {(INT_ORDERS, "buried-ref")},
        id="buried-ref-in-logic-cte",
    ),
    pytest.param(
        lambda m: _sql(
            m,
            "int_orders_enriched",
            "with orders as (select * from {{ ref('stg_shop__orders') }}),\n"
            "kept as (select id from orders),\n"
            "items as (select * from {{ ref('stg_shop__order_items') }})\n"
            "select * from kept",
        ),
        {(INT_ORDERS, "buried-ref")},
        id="buried-ref-import-after-logic",
    ),
    # settings: var() only in macros/settings/
    pytest.param(
        lambda m: _sql(
            m,
            "fct_orders",
            model_sql("ref('int_orders_enriched')").replace(
                "select id from", "select id, '{{ var(\"reporting_currency\") }}' as currency from"
            ),
        ),
        {(FCT_ORDERS, "var-outside-settings")},
        id="var-outside-settings-model",
    ),
    pytest.param(
        lambda m: _set(
            m,
            "to_reporting_date",
            macro_sql="{% macro to_reporting_date(column_name) %}\n"
            "cast({{ column_name }} at time zone '{{ var('reporting_timezone') }}' as date)\n{% endmacro %}",
        ),
        {(MACRO_DATE, "var-outside-settings")},
        id="var-outside-settings-macro",
    ),
    pytest.param(
        lambda m: _sql(
            m,
            "assert_orders_have_items",
            "select id from {{ ref('fct_orders') }} where id > {{ var ( 'n' ) }}\n",
        ),
        {(DATA_TEST, "var-outside-settings")},
        id="var-outside-settings-data-test",
    ),
    pytest.param(
        lambda m: _set(
            m,
            "unique_combination_of_columns_fct_orders",
            test_metadata={
                "name": "unique_combination_of_columns",
                "kwargs": {"combination_of_columns": ["id", "order_date"], "where": "id > {{ var('n') }}"},
            },
        ),
        {(CORE_YML, "var-outside-settings")},
        id="var-outside-settings-generic-test-argument",
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


def test_every_rule_has_a_failing_case() -> None:
    covered = {rule for case in CASES for _, rule in case.values[1]}
    covered.add("unit-test-missing")  # off by default: see the test that switches it on
    assert covered == set(cp.RULES)


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


def test_unit_test_requirement_is_off_until_switched_on(manifest: Manifest) -> None:
    assert cp.UNIT_TEST_REQUIRED_LAYERS == ()
    settings = replace(cp.Settings(), unit_test_required_layers=("intermediate", "marts"))
    breaches = cp.check_manifest(manifest, settings=settings)
    # fct_orders has a unit test; the intermediate model and the time spine do not
    assert found(breaches) == {
        (INT_ORDERS, "unit-test-missing"),
        (SPINE, "unit-test-missing"),
    }


def test_allow_lists_are_data(manifest: Manifest) -> None:
    node(manifest, "stg_shop__order_items")["depends_on"]["nodes"].append(f"{MODEL}.stg_shop__orders")
    settings = replace(
        cp.Settings(),
        allowed_staging_refs={**cp.ALLOWED_STAGING_REFS, "stg_shop__orders": "why"},
    )
    assert cp.check_manifest(manifest, settings=settings) == []


def test_breach_messages_name_the_line(manifest: Manifest) -> None:
    sql = "with\n\nsource as (\n    select * from {{ source('shop', 'order_items') }}\n),\n\nx as (\n    select *\n    from raw.shop_orders\n)\n\nselect * from x\n"
    _sql(manifest, "stg_shop__order_items", sql)
    messages = [str(b) for b in cp.check_manifest(manifest)]
    assert messages == [
        f"{ITEMS}: hard-coded-relation: line 9: hard-coded relation raw.shop_orders; use ref() or source()",
        f"{ITEMS}: select-star: line 8: select * in CTE x; list the columns",
    ]


# --------------------------------------------------------------------------- #
# The SQL helpers
# --------------------------------------------------------------------------- #


def test_var_calls_name_their_lines_and_skip_comments_and_lookalikes() -> None:
    text = "{# var('x') in a comment #}\nselect covar_pop(a, b), {{ var('y') }}\n{% if var.has_var('z') %}{% endif %}\n{{var  (\n'w')}}"
    assert cp.var_calls(text) == [2, 4]


def test_var_in_a_settings_macro_is_allowed_and_elsewhere_named_with_its_line(manifest: Manifest) -> None:
    macro = node(manifest, "to_reporting_date")
    macro["macro_sql"] = (
        "{% macro to_reporting_date(column_name) %}\n{{ column_name }}\n{{ var('tz') }}{% endmacro %}"
    )
    assert [str(b) for b in cp.check_manifest(manifest, rules=["var-outside-settings"])] == [
        f"{MACRO_DATE}: var-outside-settings: line 3 of macro to_reporting_date: var() outside macros/settings/; "
        "use setting('name') (an escaped SQL literal) or setting_value('name') (the checked value)"
    ]


def test_normalise_sql_keeps_lines_and_tokenises_calls() -> None:
    raw = "{#- a\nheader -#}\nselect '{{ var(\"x\") }}' -- from raw.t\nfrom {{ ref('a') }}\n"
    sql, calls = cp.normalise_sql(raw)
    assert sql.count("\n") == raw.count("\n")
    assert calls == ["ref('a')"]
    assert "raw.t" not in sql
    assert "__dbtcall0__" in sql.splitlines()[3]


def test_hard_coded_relations_ignores_functions_and_finds_database_qualified_names() -> None:
    sql, _ = cp.normalise_sql(
        "select extract(year from main.ordered_at) from orders\n"
        "join dev.intermediate.int_x as i on true\n"
        "left join raw_rejects.rejected_rows using (id)\n"
    )
    assert cp.hard_coded_relations(sql, cp.HARD_CODED_SCHEMAS) == [
        (2, "dev.intermediate.int_x"),
        (3, "raw_rejects.rejected_rows"),
    ]


def test_split_ctes_and_import_ctes() -> None:
    sql, _ = cp.normalise_sql(
        "{{ config(materialized='table') }}\nwith recursive a as (select * from {{ ref('x') }} where not is_test),\n"
        'b (n) as (select (1) as n), "C" as (select n from b)\nselect * from c'
    )
    shape = cp.split_ctes(sql)
    assert shape is not None
    assert [c.name for c in shape.ctes] == ["a", "b", "c"]
    assert [cp.is_import_cte(c) for c in shape.ctes] == [True, False, False]
    assert shape.final.strip() == "select * from c"
    assert cp.split_ctes("with a as (select 1") is None


def test_project_path_strips_the_package() -> None:
    assert cp.project_path(f"{PKG}://macros/_macros.yml") == "macros/_macros.yml"
    assert cp.project_path(None) == ""


# --------------------------------------------------------------------------- #
# The command line
# --------------------------------------------------------------------------- #


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_main_ok(manifest: Manifest, project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_json(project_dir / "manifest.json", manifest)
    assert cp.main(["--manifest", str(path), "--project-dir", str(project_dir)]) == cp.EXIT_OK
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1
    assert out[0].startswith("check_project: OK")


def test_main_prints_each_breach_and_a_count(
    manifest: Manifest, project_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _set(manifest, "stg_shop__orders", description="")
    _set(manifest, "int_orders_enriched", description="Orders.")
    path = write_json(project_dir / "manifest.json", manifest)
    assert cp.main(["--manifest", str(path), "--project-dir", str(project_dir)]) == cp.EXIT_BREACHES
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{INT_ORDERS}: grain: ")
    assert out[1].startswith(f"{ORDERS}: missing-description: ")
    assert out[2] == "check_project: 2 breach(es) of the house rules in 2 file(s)"


def test_main_runs_only_the_selected_rules(
    manifest: Manifest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _set(manifest, "stg_shop__orders", description="")
    _set(manifest, "int_orders_enriched", description="Orders.")
    path = write_json(tmp_path / "manifest.json", manifest)
    assert cp.main(["--manifest", str(path), "--rule", "grain"]) == cp.EXIT_BREACHES
    assert "missing-description" not in capsys.readouterr().out


def test_main_with_catalog(manifest: Manifest, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_json(tmp_path / "manifest.json", manifest)
    catalog = write_json(
        tmp_path / "catalog.json",
        {"nodes": {f"{MODEL}.fct_orders": {"columns": {"extra": {}}}}},
    )
    args = [
        "--manifest",
        str(path),
        "--catalog",
        str(catalog),
        "--project-dir",
        str(tmp_path),
    ]
    assert cp.main(args) == cp.EXIT_BREACHES
    assert "column extra (in the warehouse)" in capsys.readouterr().out


def test_main_without_manifest(tmp_path: Path) -> None:
    assert cp.main(["--manifest", str(tmp_path / "missing.json")]) == cp.EXIT_FATAL


def test_main_list_rules_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert cp.main(["--list-rules"]) == cp.EXIT_OK
    listed = capsys.readouterr().out
    assert all(rule_id in listed for rule_id in cp.RULES)
    with pytest.raises(SystemExit) as exit_info:
        cp.main(["--help"])
    assert exit_info.value.code == 0
    assert "source-freshness" in capsys.readouterr().out


# --------------------------------------------------------------------------- #
# The real project
# --------------------------------------------------------------------------- #

REAL_MANIFEST = ROOT / "target" / "manifest.json"


@pytest.mark.skipif(not REAL_MANIFEST.is_file(), reason="no target/manifest.json: run `dbt parse` first")
def test_runs_on_the_real_project() -> None:
    breaches = cp.check_manifest(cp.load_json(REAL_MANIFEST), ROOT)
    assert [str(b) for b in breaches] == []
