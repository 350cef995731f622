"""The dbt sources YAML is rendered from the raw contract and must stay in step."""

from __future__ import annotations

import dataclasses

import yaml

from scripts import raw_contract, render_sources


def test_committed_sources_yaml_matches_the_contract() -> None:
    assert render_sources.main(["--check"]) == 0


def test_check_fails_when_the_contract_changes(monkeypatch) -> None:
    orders = raw_contract.TABLES["shop_orders"]
    extra = raw_contract.ColumnSpec(name="loyalty_points", type="integer", description="Points earned.")
    changed = dataclasses.replace(orders, columns=(*orders.columns, extra))
    monkeypatch.setitem(render_sources.TABLES, "shop_orders", changed)
    assert render_sources.main(["--check"]) == 1


def test_every_contract_table_and_column_is_a_described_source() -> None:
    rendered = {}
    for text in render_sources.render_all().values():
        for source in yaml.safe_load(text)["sources"]:
            assert source["description"]
            for table in source["tables"]:
                assert table["description"]
                rendered[table["identifier"]] = table
    assert set(rendered) == set(raw_contract.TABLES)
    for name, spec in raw_contract.TABLES.items():
        columns = rendered[name]["columns"]
        assert [c["name"] for c in columns] == [c.name for c in spec.stored_columns]
        assert all(c["description"].strip() for c in columns)


def test_contract_rules_become_tests() -> None:
    rendered, checks = {}, {}
    for text in render_sources.render_all().values():
        for source in yaml.safe_load(text)["sources"]:
            for table in source["tables"]:
                rendered[table["identifier"]] = {c["name"]: c.get("data_tests", []) for c in table["columns"]}
                (bundle,) = [t["column_checks"] for t in table.get("data_tests", []) if "column_checks" in t]
                checks[table["identifier"]] = bundle["arguments"]
    # not_null, unique, accepted values and ranges: the table's one column_checks test
    orders = checks["shop_orders"]
    assert "order_id" in orders["unique"] and "order_id" in orders["not_null"]
    assert orders["accepted_values"]["status"] == list(
        raw_contract.TABLES["shop_orders"].column("status").allowed
    )
    assert checks["survey_nps"]["accepted_range"]["score"] == {"min_value": 0, "max_value": 10}
    assert checks["shop_inventory_snapshots"]["unique_combination"] == [
        list(raw_contract.TABLES["shop_inventory_snapshots"].primary_key)
    ]
    # references stay tests of their column
    items = rendered["shop_order_items"]
    assert any("relationships" in t for t in items["order_id"] if isinstance(t, dict))
