"""The wide KPI layer tables are rendered from the KPI catalog and must stay in step."""

from __future__ import annotations

import yaml

from scripts import render_kpi_layers as layers


def _row(kpi_id: str, layer: str, grains: str, breakdowns: str = "total", computable: str = "true") -> dict:
    return {
        "kpi_id": kpi_id,
        "kpi_name": kpi_id.upper(),
        "layer": layer,
        "unit": "count",
        "direction": "higher_is_better",
        "definition": f"The {kpi_id}.",
        "formula": "a / b",
        "grains": grains,
        "breakdowns": breakdowns,
        "is_computable": computable,
    }


def test_committed_layer_tables_match_the_catalog() -> None:
    assert layers.main(["--check"]) == 0


def test_check_fails_when_the_catalog_changes(monkeypatch) -> None:
    catalog = layers.read_catalog()
    extra = _row("brand_new_kpi", "operational", "day|week|month")
    monkeypatch.setattr(layers, "read_catalog", lambda path=layers.CATALOG: [*catalog, extra])
    assert layers.main(["--check"]) == 1


def test_a_table_takes_its_layers_total_kpis_at_its_grain() -> None:
    catalog = [
        _row("orders", "operational", "day|week|month|quarter|year", "total|sales_channel"),
        _row("repurchase_rate", "operational", "month|quarter|year"),
        _row("cac_by_channel", "operational", "day|month", "ad_channel"),
        _row("not_here", "operational", "day", computable="false"),
        _row("gmv", "strategic", "day|month"),
    ]
    daily = layers.LayerTable("operational", "day")
    monthly = layers.LayerTable("operational", "month")
    assert [r["kpi_id"] for r in layers.table_kpis(daily, catalog)] == ["orders"]
    assert [r["kpi_id"] for r in layers.table_kpis(monthly, catalog)] == ["orders", "repurchase_rate"]
    sql = layers.render_sql(monthly, layers.table_kpis(monthly, catalog))
    assert "kpi_layer_pivot('kpi_values', 'month'" in sql
    assert "'repurchase_rate'" in sql and "'cac_by_channel'" not in sql


def test_every_layer_column_is_described_from_the_catalog() -> None:
    catalog = layers.read_catalog()
    models = {m["name"]: m for m in yaml.safe_load(layers.render_yaml(catalog))["models"]}
    assert set(models) == {t.name for t in layers.LAYER_TABLES}
    by_id = {row["kpi_id"]: row for row in catalog}
    for table in layers.LAYER_TABLES:
        columns = models[table.name]["columns"]
        kpi_columns = [c for c in columns if c["name"] not in {"period_start", "period_end"}]
        assert [c["name"] for c in kpi_columns] == [r["kpi_id"] for r in layers.table_kpis(table, catalog)]
        assert kpi_columns, f"{table.name} has no KPI column"
        docs_md = (layers.ROOT / "docs" / "kpis.md").read_text(encoding="utf-8")
        for column in kpi_columns:
            # the column points at the KPI's doc block, which carries the catalog's definition and formula
            assert column["description"] == '{{ doc("kpi_' + column["name"] + '") }}'
            block = docs_md.split("{% docs kpi_" + column["name"] + " %}", 1)[1].split("{% enddocs %}", 1)[0]
            assert by_id[column["name"]]["definition"] in block
            assert by_id[column["name"]]["formula"] in block
