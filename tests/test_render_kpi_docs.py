"""docs/kpis.md is rendered from the KPI catalog and must stay in step with it."""

from __future__ import annotations

import re

from scripts import render_kpi_docs as kpi_docs


def _row(kpi_id: str, computable: str = "true") -> dict[str, str]:
    return {
        "kpi_id": kpi_id,
        "kpi_name": kpi_id.upper(),
        "layer": "operational",
        "definition": f"The {kpi_id}.",
        "formula": "a / b",
        "unit": "rate",
        "direction": "lower_is_better",
        "aggregation": "ratio",
        "grains": "day|month",
        "breakdowns": "total|device_type",
        "source_models": "fct_sessions",
        "owner_team": "web",
        "history_warm_up": "",
        "is_computable": computable,
        "not_computable_reason": "" if computable == "true" else "no source",
    }


def test_committed_file_equals_a_fresh_render() -> None:
    fresh = kpi_docs.render(kpi_docs.read_csv(kpi_docs.CATALOG), kpi_docs.read_csv(kpi_docs.INPUTS))
    assert kpi_docs.OUT.read_text(encoding="utf-8") == fresh
    assert kpi_docs.main(["--check"]) == 0


def test_one_block_per_catalog_kpi() -> None:
    catalog = kpi_docs.read_csv(kpi_docs.CATALOG)
    names = re.findall(r"{% docs (\S+) %}", kpi_docs.OUT.read_text(encoding="utf-8"))
    assert names == [kpi_docs.block_name(row["kpi_id"]) for row in catalog]


def test_block_carries_formula_unit_direction_grains_and_inputs() -> None:
    text = kpi_docs.render(
        [_row("bounce_rate"), _row("old_kpi", "false")],
        [{"kpi_id": "bounce_rate", "raw_input": "web_events"}],
    )
    block = text.split("{% docs kpi_bounce_rate %}")[1].split("{% enddocs %}")[0]
    for part in (
        "unit rate",
        "lower is better",
        "Formula: a / b",
        "grains: day, month",
        "Breakdowns: total, device_type",
        "raw inputs: web_events",
    ):
        assert part in block
    assert "Not computed: no source" in text.split("{% docs kpi_old_kpi %}")[1]


def test_check_fails_when_the_catalog_changes(monkeypatch) -> None:
    catalog = kpi_docs.read_csv(kpi_docs.CATALOG)
    monkeypatch.setattr(
        kpi_docs,
        "read_csv",
        lambda path: [*catalog, _row("brand_new_kpi")] if path == kpi_docs.CATALOG else [],
    )
    assert kpi_docs.main(["--check"]) == 1
