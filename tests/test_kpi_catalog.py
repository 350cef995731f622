"""The KPI catalog, checked as files (and, once, against the built warehouse).

seeds/kpi_definitions.csv must list exactly the KPI dictionary's ids (expanded:
`retention_d1 / d7 / d30` is three ids, `funnel_*` the four step rates, and the
ids a definition names besides its own, such as refund_value_rate or
days_of_inventory), each with a valid layer, unit, direction, aggregation,
grains and breakdowns. The id list is written out below so that a fresh clone,
which has no ../shared/specs, still checks it; when the dictionary is there, its
tables are parsed as well and every id in them must be in the catalog, in the
same layer. The catalog's KPI models are the list macros/kpi/kpi_catalog_models.sql
gives the assembly, its history warm-ups and raw inputs fit the contract, and on
the generated shop every KPI has values. The targets and scorecard weights seeds
are checked in tests/test_kpi_catalog_targets.py.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DICTIONARY_CANDIDATES = (
    ROOT.parent / "shared" / "specs" / "kpi_dictionary.md",
    Path("/work/shared/specs/kpi_dictionary.md"),
)

CATALOG_COLUMNS = [
    "kpi_id",
    "kpi_name",
    "layer",
    "definition",
    "formula",
    "unit",
    "direction",
    "aggregation",
    "grains",
    "breakdowns",
    "source_models",
    "owner_team",
    "history_warm_up",
    "is_computable",
    "not_computable_reason",
    "kpi_model",
    "derivation",
    "numerator_kpi",
    "denominator_kpi",
    "denominator_months_back",
]
# catalog columns only derived KPIs fill
DERIVED_COLUMNS = ["derivation", "numerator_kpi", "denominator_kpi", "denominator_months_back"]
DERIVATIONS = {"ratio", "ratio_to_daily_mean", "growth", "ratio_by_ad_channel"}
# the kind of model each aggregation is computed in (macro kpi_catalog_models)
MODEL_KIND = {"sum": "daily", "ratio": "daily", "computed": "per_grain", "derived": "derived"}
CATALOG_MODELS_MACRO = ROOT / "macros" / "kpi" / "kpi_catalog_models.sql"

STRATEGIC = [
    "gmv",
    "net_revenue",
    "net_revenue_growth_mom",
    "net_revenue_growth_yoy",
    "gross_margin_pct",
    "new_customers",
    "active_customers",
    "repeat_revenue_share",
    "ltv_12m",
    "ltv_12m_margin",
    "cac",
    "ltv_to_cac",
    "nps",
    "customer_retention_m1",
    "customer_retention_m3",
    "customer_retention_m12",
    "churn_rate",
]
OPERATIONAL = [
    "sessions",
    "dau",
    "wau",
    "mau",
    "stickiness",
    "bounce_rate",
    "session_conversion_rate",
    "funnel_product_view_rate",
    "funnel_add_to_cart_rate",
    "funnel_begin_checkout_rate",
    "funnel_purchase_rate",
    "cart_abandonment_rate",
    "checkout_abandonment_rate",
    "orders",
    "aov",
    "units_per_order",
    "cancellation_rate",
    "refund_rate",
    "refund_value_rate",
    "new_signups",
    "effective_new_customer_rate",
    "retention_d1",
    "retention_d7",
    "retention_d30",
    "active_user_retention_d1",
    "active_user_retention_d7",
    "active_user_retention_d30",
    "repurchase_rate",
    "reactivation_rate",
    "cross_sell_rate",
    "natural_traffic_share",
    "ad_ctr",
    "cpc",
    "roas",
    "cac_by_channel",
    "campaign_roi",
    "product_view_conversion_by_dwell",
]
FUNCTIONAL = [
    "first_response_time_s",
    "first_response_time_s_median",
    "first_response_time_s_p90",
    "first_response_within_30s_rate",
    "resolution_time_h",
    "resolution_rate",
    "first_contact_resolution_rate",
    "escalation_rate",
    "complaint_rate",
    "dispute_handling_time_h",
    "csat",
    "csat_rate",
    "consultation_conversion_rate",
    "tickets_per_cs_fte",
    "avg_rating",
    "negative_review_rate",
    "negative_review_resolution_rate",
    "review_response_time_h",
    "fulfilment_time_h",
    "delivery_time_d",
    "on_time_delivery_rate",
    "shipping_emissions_kg_per_order",
    "inventory_turnover",
    "days_of_inventory",
    "stockout_rate",
    "payment_success_rate",
    "page_load_p50_ms",
    "page_load_p90_ms",
    "content_ctr",
    "content_interaction_rate",
    "content_share_rate",
    "content_conversion_rate",
    "activity_participation_rate",
    "gmv_per_ops_fte",
]
EXPECTED_LAYER = (
    dict.fromkeys(STRATEGIC, "strategic")
    | dict.fromkeys(OPERATIONAL, "operational")
    | dict.fromkeys(FUNCTIONAL, "functional")
)
FUNNEL_IDS = [i for i in OPERATIONAL if i.startswith("funnel_")]

GRAINS = ["day", "week", "month", "quarter", "year"]
ALL = "|".join(GRAINS)
MQY = "month|quarter|year"
UNITS = {"currency", "count", "rate", "ratio", "seconds", "hours", "days", "milliseconds", "score", "kg_co2e"}
DIRECTIONS = {"higher_is_better", "lower_is_better"}
AGGREGATIONS = {"sum", "ratio", "computed", "derived"}
TEAMS = {"sales", "marketing", "product", "customer_service", "operations", "finance"}
DIMENSIONS = {
    "total",
    "sales_channel",
    "traffic_channel_group",
    "device_type",
    "country_code",
    "customer_type",
    "customer_gender",
    "acquisition_channel_group",
    "product_category",
    "ad_channel",
    "campaign_id",
    "support_channel",
    "support_category",
    "dwell_bucket",
    "content_type",
    "platform",
    "shipping_mode",
    "carrier",
    "warehouse_id",
    "payment_method",
}
# the lead's derived KPIs and the grains the framework brief gives them
DERIVED_GRAINS = {
    "net_revenue_growth_mom": "month",
    "net_revenue_growth_yoy": MQY,
    "cac": MQY,
    "cac_by_channel": ALL,
    "ltv_to_cac": MQY,
    "stickiness": "day|month",
    "tickets_per_cs_fte": MQY,
    "gmv_per_ops_fte": MQY,
    "inventory_turnover": MQY,
    "days_of_inventory": MQY,
}


def read_seed(name: str) -> list[dict[str, str]]:
    with (SEEDS / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle, strict=True)
        rows = list(reader)
        assert reader.fieldnames is not None
        for line, row in enumerate(rows, start=2):
            assert None not in row and None not in row.values(), f"{name}.csv line {line}: wrong field count"
    return rows


@pytest.fixture(scope="module")
def catalog() -> dict[str, dict[str, str]]:
    rows = read_seed("kpi_definitions")
    ids = [row["kpi_id"] for row in rows]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    return {row["kpi_id"]: row for row in rows}


# --------------------------------------------------------------------------- #
# the dictionary's ids
# --------------------------------------------------------------------------- #


def token_shape(token: str) -> str:
    return re.sub(r"[a-z]+", "a", re.sub(r"\d+", "#", token))


def expand_id_cell(cell: str) -> list[str]:
    """The ids a dictionary table's id cell names.

    `x, y` lists whole ids; `a_mom / _yoy` -> a_mom, a_yoy; a variant after `/`
    replaces the token of the first id with the same shape (`retention_d1 / d7`,
    `page_load_p50_ms / p90`, `dau / wau`); `funnel_*` is the four funnel step rates.
    """
    ids: list[str] = []
    for listed in cell.split(","):
        variants = [v.strip().strip("`") for v in listed.split("/") if v.strip()]
        if variants == ["funnel_*"]:
            ids.extend(FUNNEL_IDS)
            continue
        first = variants[0]
        ids.append(first)
        tokens = first.split("_")
        for variant in variants[1:]:
            suffix = variant.lstrip("_")
            if "_" in suffix:
                ids.append(suffix)
                continue
            matches = [i for i, t in enumerate(tokens) if token_shape(t) == token_shape(suffix)]
            assert matches, f"cannot expand {variant!r} of {cell!r}"
            replaced = list(tokens)
            replaced[matches[-1]] = suffix
            ids.append("_".join(replaced))
    return ids


def parse_dictionary(text: str) -> dict[str, str]:
    """kpi id -> layer, from the id column of the dictionary's three layer tables."""
    found: dict[str, str] = {}
    layer: str | None = None
    for line in text.splitlines():
        heading = re.match(r"^##\s+(Strategic|Operational|Functional) layer", line)
        if heading:
            layer = heading.group(1).lower()
            continue
        if line.startswith("## "):
            layer = None
            continue
        if layer is None or not line.startswith("|"):
            continue
        cell = line.split("|")[1].strip()
        if cell in ("id", "") or set(cell) <= {"-", ":", " "}:
            continue
        for kpi_id in expand_id_cell(cell):
            found[kpi_id] = layer
    return found


def test_expand_id_cell() -> None:
    assert expand_id_cell("net_revenue_growth_mom / _yoy") == [
        "net_revenue_growth_mom",
        "net_revenue_growth_yoy",
    ]
    assert expand_id_cell("retention_d1 / d7 / d30") == ["retention_d1", "retention_d7", "retention_d30"]
    assert expand_id_cell("customer_retention_m1 / _m3 / _m12") == [
        "customer_retention_m1",
        "customer_retention_m3",
        "customer_retention_m12",
    ]
    assert expand_id_cell("page_load_p50_ms / p90") == ["page_load_p50_ms", "page_load_p90_ms"]
    assert expand_id_cell("dau / wau / mau") == ["dau", "wau", "mau"]
    assert expand_id_cell("ad_ctr, cpc") == ["ad_ctr", "cpc"]
    assert expand_id_cell("funnel_*") == FUNNEL_IDS


def test_catalog_ids_are_the_dictionarys(catalog: dict[str, dict[str, str]]) -> None:
    assert set(catalog) == set(EXPECTED_LAYER), {
        "missing": sorted(set(EXPECTED_LAYER) - set(catalog)),
        "unexpected": sorted(set(catalog) - set(EXPECTED_LAYER)),
    }
    assert not [i for i in catalog if i.startswith("aux_")]


def test_catalog_layers_follow_the_dictionary(catalog: dict[str, dict[str, str]]) -> None:
    wrong = {i: row["layer"] for i, row in catalog.items() if row["layer"] != EXPECTED_LAYER.get(i)}
    assert not wrong


def test_dictionary_ids_are_all_in_the_catalog(catalog: dict[str, dict[str, str]]) -> None:
    path = next((p for p in DICTIONARY_CANDIDATES if p.is_file()), None)
    if path is None:
        pytest.skip("no ../shared/specs/kpi_dictionary.md next to this clone")
    parsed = parse_dictionary(path.read_text(encoding="utf-8"))
    assert len(parsed) > 60, "the dictionary's tables were not found"
    missing = sorted(set(parsed) - set(catalog))
    assert not missing, f"dictionary ids missing from the catalog: {missing}"
    wrong_layer = {
        i: (layer, catalog[i]["layer"]) for i, layer in parsed.items() if catalog[i]["layer"] != layer
    }
    assert not wrong_layer


# --------------------------------------------------------------------------- #
# the catalog's rows
# --------------------------------------------------------------------------- #


def test_catalog_columns() -> None:
    with (SEEDS / "kpi_definitions.csv").open(newline="", encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == CATALOG_COLUMNS


def test_catalog_required_fields(catalog: dict[str, dict[str, str]]) -> None:
    optional = ("not_computable_reason", "history_warm_up", *DERIVED_COLUMNS)
    required = [c for c in CATALOG_COLUMNS if c not in optional]
    blank = {(i, c) for i, row in catalog.items() for c in required if not row[c].strip()}
    assert not blank


def test_catalog_vocabularies(catalog: dict[str, dict[str, str]]) -> None:
    for kpi_id, row in catalog.items():
        assert row["unit"] in UNITS, kpi_id
        assert row["direction"] in DIRECTIONS, kpi_id
        assert row["aggregation"] in AGGREGATIONS, kpi_id
        assert row["owner_team"] in TEAMS, kpi_id
        assert row["is_computable"] in ("true", "false"), kpi_id
        has_reason = bool(row["not_computable_reason"].strip())
        assert has_reason == (row["is_computable"] == "false"), kpi_id


def test_catalog_grains(catalog: dict[str, dict[str, str]]) -> None:
    for kpi_id, row in catalog.items():
        grains = row["grains"].split("|")
        assert grains and set(grains) <= set(GRAINS), kpi_id
        assert grains == [g for g in GRAINS if g in grains], f"{kpi_id}: grains not in day..year order"
    for kpi_id, grains in DERIVED_GRAINS.items():
        assert catalog[kpi_id]["grains"] == grains, kpi_id
        assert catalog[kpi_id]["aggregation"] == "derived", kpi_id


def test_catalog_breakdowns(catalog: dict[str, dict[str, str]]) -> None:
    for kpi_id, row in catalog.items():
        breakdowns = row["breakdowns"].split("|")
        assert breakdowns[0] == "total", kpi_id
        assert len(breakdowns) == len(set(breakdowns)), kpi_id
        assert set(breakdowns) <= DIMENSIONS, f"{kpi_id}: {set(breakdowns) - DIMENSIONS}"
    assert catalog["cac_by_channel"]["breakdowns"] == "total|ad_channel"


def test_catalog_units_fit_aggregation(catalog: dict[str, dict[str, str]]) -> None:
    # a summed KPI is an amount or a count; a rate is never summed
    for kpi_id, row in catalog.items():
        if row["aggregation"] == "sum":
            assert row["unit"] in ("currency", "count"), kpi_id


def test_catalog_source_models_exist(catalog: dict[str, dict[str, str]]) -> None:
    models = {p.stem for p in (ROOT / "models").rglob("*.sql")}
    unknown = {i: m for i, row in catalog.items() for m in row["source_models"].split("|") if m not in models}
    assert not unknown


def catalog_models_macro() -> dict[str, set[str]]:
    """The models macro kpi_catalog_models lists, by kind ('daily', 'per_grain')."""
    listed: dict[str, set[str]] = defaultdict(set)
    text = CATALOG_MODELS_MACRO.read_text(encoding="utf-8")
    for model, kind in re.findall(r"\('(\w+)', '(\w+)'\)", text):
        listed[kind].add(model)
    return listed


def test_catalog_models_are_the_macros(catalog: dict[str, dict[str, str]]) -> None:
    """kpi_model names a KPI model of the aggregation's kind; the macro lists exactly those."""
    named: dict[str, set[str]] = defaultdict(set)
    for row in catalog.values():
        named[MODEL_KIND[row["aggregation"]]].add(row["kpi_model"])
    assert named.pop("derived") == {"int_kpi_values_derived"}
    listed = catalog_models_macro()
    assert dict(named) == dict(listed), (
        "macros/kpi/kpi_catalog_models.sql must list the catalog's kpi_model values: "
        f"{ {k: sorted(v) for k, v in named.items()} }"
    )
    models = {p.stem: p for p in (ROOT / "models" / "kpis").rglob("*.sql")}
    suffix = {"daily": "_kpis_aggregated", "per_grain": "_kpis_computed"}
    for kind, names in listed.items():
        for name in names:
            assert name in models and name.endswith(suffix[kind]), name


def test_catalog_derivations(catalog: dict[str, dict[str, str]]) -> None:
    """Derived KPIs say how they are formed from which series; others leave those columns empty."""
    for kpi_id, row in catalog.items():
        if row["aggregation"] != "derived":
            assert not any(row[c].strip() for c in DERIVED_COLUMNS), kpi_id
            continue
        assert row["derivation"] in DERIVATIONS, kpi_id
        for column in ("numerator_kpi", "denominator_kpi"):
            series = row[column]
            assert series.startswith("aux_") or series in catalog, (kpi_id, column)
        months_back = row["denominator_months_back"]
        assert (row["derivation"] == "growth") == bool(months_back), kpi_id
        assert not months_back or int(months_back) > 0, kpi_id


# The KPIs that need a customer's orders from before each period (issue 13:
# new vs returning, first orders and cohorts, repeat revenue share, CAC and
# LTV/CAC, reactivation) and those that need the attribution look-back.
# active_customers and churn_rate check their own windows where they are computed.
CUSTOMER_HISTORY_KPIS = {
    "new_customers",
    "repeat_revenue_share",
    "ltv_12m",
    "ltv_12m_margin",
    "cac",
    "ltv_to_cac",
    "customer_retention_m1",
    "customer_retention_m3",
    "customer_retention_m12",
    "reactivation_rate",
    "cac_by_channel",
}
ATTRIBUTION_LOOKBACK_KPIS = {"roas", "campaign_roi"}


def test_history_warm_up_families(catalog: dict[str, dict[str, str]]) -> None:
    families = {kpi: row["history_warm_up"] for kpi, row in catalog.items() if row["history_warm_up"]}
    assert {k for k, f in families.items() if f == "customer_history"} == CUSTOMER_HISTORY_KPIS
    assert {k for k, f in families.items() if f == "attribution_lookback"} == ATTRIBUTION_LOOKBACK_KPIS
    assert set(families.values()) <= {"customer_history", "attribution_lookback"}


def test_kpi_inputs_name_contract_tables_and_columns(catalog: dict[str, dict[str, str]]) -> None:
    """Every catalog KPI lists its raw inputs, each a contract table or table.column."""
    from scripts.raw_contract import TABLES

    with (SEEDS / "kpi_inputs.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["kpi_id"] for row in rows} == set(catalog)
    for row in rows:
        table, _, column = row["raw_input"].partition(".")
        assert table in TABLES, row
        if column:
            TABLES[table].column(column)  # KeyError for a column the contract does not have
    needs = {(row["kpi_id"], row["raw_input"]) for row in rows}
    # spot checks of the mapping the coverage report depends on
    assert ("gross_margin_pct", "shop_products.unit_cost") in needs
    assert ("sessions", "web_events") in needs
    assert ("new_customers", "shop_orders.customer_id") in needs


def test_every_kpi_is_supported_and_has_values_on_the_generated_shop(warehouse) -> None:
    """The generated shop carries every input: every KPI is computable and has values."""
    assert (
        warehouse.execute(
            "select kpi_id, missing_inputs from marts.kpi_coverage where not is_computable"
        ).fetchall()
        == []
    )
    without_values = warehouse.execute(
        """
        select catalog.kpi_id
        from marts.kpi_catalog as catalog
        left join (select kpi_id, count(value) as n from marts.kpi_values group by kpi_id) as v
            on catalog.kpi_id = v.kpi_id
        where coalesce(v.n, 0) = 0
        """
    ).fetchall()
    assert without_values == []
    absent = warehouse.execute(
        "select table_name from marts.data_coverage where not is_present and column_name is null"
    ).fetchall()
    assert absent == []
