"""Tests of scripts/check_project.py's SQL rules (hard-coded relations, select *,
buried refs, var() outside macros/settings/) and its SQL helpers."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from scripts import check_project as cp
from tests.test_check_project import (
    ANALYSIS,
    CASES,
    CORE_YML,
    DATA_TEST,
    FCT_ORDERS,
    GOOD,
    INT_ORDERS,
    ITEMS,
    MACRO_DATE,
    PKG,
    Manifest,
    Mutation,
    _set,
    _sql,
    found,
    model_sql,
    node,
    write_macro_files,
)


@pytest.fixture(name="manifest")
def good_manifest() -> Manifest:
    return copy.deepcopy(GOOD)


@pytest.fixture(name="project_dir")
def macro_tree(tmp_path: Path) -> Path:
    return write_macro_files(tmp_path)


SQL_CASES: list[Any] = [
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
]


@pytest.mark.parametrize(("mutate", "expected"), SQL_CASES)
def test_each_sql_rule_fires_on_a_bad_example(
    manifest: Manifest,
    project_dir: Path,
    mutate: Mutation,
    expected: set[tuple[str, str]],
) -> None:
    mutate(manifest)
    breaches = cp.check_manifest(manifest, project_dir)
    assert found(breaches) == expected, "\n".join(map(str, breaches))


def test_every_rule_has_a_failing_case() -> None:
    covered = {rule for case in [*CASES, *SQL_CASES] for _, rule in case.values[1]}
    assert covered == set(cp.RULES)


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
