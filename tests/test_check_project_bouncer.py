"""The house rules dbt-bouncer checks (dbt-bouncer.yml): it passes a small good project
and fails a bad one, naming each planted breach.

Each project is a few files written to a temporary folder and parsed by `dbt parse`
(the manifest is what dbt-bouncer reads); dbt-bouncer runs from its own venv
(.venv-bouncer, `make check` creates it; DBT_BOUNCER overrides its path).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "dbt-bouncer.yml"
BOUNCER = Path(os.environ.get("DBT_BOUNCER", ROOT / ".venv-bouncer" / "bin" / "dbt-bouncer"))
DBT = Path(sys.executable).parent / "dbt"

pytestmark = pytest.mark.skipif(
    not BOUNCER.is_file(), reason=f"no dbt-bouncer at {BOUNCER}: `make check` installs it"
)

PROJECT = {
    "dbt_project.yml": 'name: bouncer_fixture\nversion: "1.0"\nprofile: bouncer_fixture\n',
    "profiles.yml": "bouncer_fixture:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: fixture.duckdb}\n",
}


def sources_yaml(system: str, *tables: str) -> str:
    entries = "".join(f"      - name: {t}\n        description: One row per {t} row.\n" for t in tables)
    return f"sources:\n  - name: {system}\n    description: The {system} system.\n    tables:\n{entries}"


def models_yaml(**descriptions: str) -> str:
    entries = "".join(f"  - name: {name}\n    description: {text}\n" for name, text in descriptions.items())
    return f"models:\n{entries}"


def select_from(*calls: str) -> str:
    joins = "".join(f" cross join {{{{ {call} }}}} as p{i}" for i, call in enumerate(calls[1:], 1))
    return f"select p0.id from {{{{ {calls[0]} }}}} as p0{joins}\n"


ROW = "One row per order."
ORDERS, ITEMS = "source('shop', 'orders')", "source('shop', 'items')"
RATES_SRC = "source('finance', 'rates')"

GOOD = {
    "models/staging/shop/_shop__sources.yml": sources_yaml("shop", "orders", "items"),
    "models/staging/finance/_finance__sources.yml": sources_yaml("finance", "rates"),
    "models/staging/finance/stg_finance__exchange_rates.sql": select_from(RATES_SRC),
    "models/staging/finance/_finance__models.yml": models_yaml(
        stg_finance__exchange_rates="One row per day."
    ),
    # the one staging model other staging models may read
    "models/staging/shop/stg_shop__orders.sql": select_from(ORDERS, "ref('stg_finance__exchange_rates')"),
    "models/staging/shop/stg_shop__items.sql": select_from(ITEMS),
    "models/staging/shop/_shop__models.yml": models_yaml(
        stg_shop__orders=ROW, stg_shop__items="One row per item."
    ),
    "models/intermediate/commerce/int_orders_joined.sql": select_from(
        "ref('stg_shop__orders')", "ref('stg_shop__items')"
    ),
    "models/intermediate/commerce/_commerce__models.yml": models_yaml(int_orders_joined=ROW),
    "models/core/fct_orders.sql": select_from("ref('int_orders_joined')"),
    "models/core/_core__models.yml": models_yaml(fct_orders=ROW),
    "models/kpis/commerce/int_orders_counted.sql": select_from("ref('fct_orders')"),
    "models/kpis/commerce/_commerce__models.yml": models_yaml(int_orders_counted="One row per day."),
    "models/marts/kpis/kpi_orders.sql": select_from("ref('int_orders_counted')", "ref('fct_orders')"),
    "models/marts/kpis/_kpis__models.yml": models_yaml(kpi_orders="One row per KPI and day."),
}

# each planted breach: the files it adds or replaces, and the (check, resource) pairs it fails
BAD = {
    **GOOD,
    # naming: an intermediate model without int_, which also reads a mart (layer-order)
    "models/intermediate/commerce/orders_ranked.sql": select_from("ref('kpi_orders')"),
    # naming: a staging model named after another source than its folder's
    "models/staging/shop/stg_web__sessions.sql": select_from("source('shop', 'sessions')"),
    # naming: a mart without a BI prefix; outside the layers; core in a sub-folder
    "models/marts/kpis/orders_summary.sql": select_from("ref('fct_orders')"),
    "models/reports/fct_sales.sql": select_from("ref('fct_orders')"),
    "models/core/extra/dim_days.sql": select_from("ref('int_orders_joined')"),
    # staging-reads-model: staging reads a staging model that is not the exchange rates
    "models/staging/shop/stg_shop__items.sql": select_from(ITEMS, "ref('stg_shop__orders')"),
    # source-outside-staging and source-and-model: a KPI model reads a source and a model
    "models/kpis/commerce/int_orders_counted.sql": select_from(
        "source('shop', 'returns')", "ref('fct_orders')"
    ),
    # staging-source (two source tables); source-fanout (shop.orders read twice)
    "models/staging/shop/stg_shop__baskets.sql": select_from("source('shop', 'carts')", ORDERS),
    # too-many-parents: 7 models
    "models/marts/kpis/kpi_everything.sql": select_from(
        *(f"ref('{m}')" for m in ("fct_orders", "kpi_orders", "int_orders_joined", "stg_shop__orders")),
        *(f"ref('{m}')" for m in ("stg_shop__items", "int_orders_counted", "orders_summary")),
    ),
    "models/staging/shop/_shop__sources.yml": sources_yaml(
        "shop", "orders", "items", "sessions", "returns", "carts"
    ),
    "models/staging/shop/_shop__models.yml": models_yaml(
        stg_shop__orders=ROW,
        stg_shop__items="One row per item.",
        stg_web__sessions="One row per session.",
        stg_shop__baskets="One row per basket.",
    )
    # an undocumented YAML column
    + "    columns:\n      - name: id\n        description: ''\n",
    "models/intermediate/commerce/_commerce__models.yml": models_yaml(
        int_orders_joined=ROW, orders_ranked=ROW
    ),
    # missing-description (and so no grain); grain: a description without 'one row per'
    "models/marts/kpis/_kpis__models.yml": models_yaml(
        kpi_orders="Orders.", orders_summary=ROW, kpi_everything="One row per day."
    ),
    "models/core/extra/_extra__models.yml": models_yaml(dim_days="One row per day."),
}

EXPECTED_BAD = {
    ("check_model_names", "orders_ranked"),
    ("check_lineage_permitted_upstream_models", "orders_ranked"),
    ("check_model_names", "stg_web__sessions"),
    ("check_model_names", "orders_summary"),
    ("check_model_directories", "fct_sales"),
    ("check_model_directories", "dim_days"),
    ("check_lineage_permitted_upstream_models", "stg_shop__items"),
    ("check_lineage_source_cannot_be_used", "int_orders_counted"),
    ("check_model_does_not_directly_join_to_source", "int_orders_counted"),
    ("check_source_used_by_models_in_same_directory", "shop_returns"),
    ("check_model_depends_on_multiple_sources", "stg_shop__baskets"),
    ("check_model_max_upstream_dependencies", "stg_shop__baskets"),
    ("check_source_used_by_only_one_model", "shop_orders"),
    ("check_model_max_upstream_dependencies", "kpi_everything"),
    ("check_model_column_description_populated", "stg_shop__baskets"),
    ("check_model_description_populated", "fct_sales"),
    ("check_model_description_contains_regexp_pattern", "fct_sales"),
    ("check_model_description_contains_regexp_pattern", "kpi_orders"),
}


def parsed(root: Path, files: dict[str, str]) -> Path:
    """Write a dbt project into `root` and `dbt parse` it (target/manifest.json)."""
    for name, text in {**PROJECT, **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    env = {**os.environ, "DBT_PROFILES_DIR": str(root), "DBT_PROJECT_DIR": str(root)}
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "False"
    done = subprocess.run([str(DBT), "parse", "--quiet"], cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def bounce(root: Path) -> tuple[int, str, set[tuple[str, str]]]:
    """Run dbt-bouncer with the repository's config on `root`'s manifest: exit code, output, failures."""
    report = root / "bouncer.json"
    env = {**os.environ, "DBT_PROJECT_DIR": str(root), "COLUMNS": "250", "NO_COLOR": "1"}
    args = ["run", "--config-file", str(CONFIG), "--output-file", str(report), "--output-format", "json"]
    done = subprocess.run([str(BOUNCER), *args], cwd=root, env=env, capture_output=True, text=True)
    results = json.loads(report.read_text(encoding="utf-8")) if report.is_file() else []
    failures = set()
    for result in results:
        if result["outcome"] == "failed":
            check, *_, resource = result["check_run_id"].split(":")
            failures.add((check, resource))
    return done.returncode, done.stdout + done.stderr, failures


def test_bouncer_passes_the_good_project(tmp_path: Path) -> None:
    code, output, failures = bounce(parsed(tmp_path, GOOD))
    assert (code, failures) == (0, set()), output


def test_bouncer_fails_each_planted_breach_and_names_the_model(tmp_path: Path) -> None:
    code, output, failures = bounce(parsed(tmp_path, BAD))
    assert code != 0
    assert failures == EXPECTED_BAD, output
    for _, resource in EXPECTED_BAD:
        assert f":{resource}" in output  # the failed-checks table names the model (or source)


def test_every_staging_source_folder_has_its_naming_check() -> None:
    """A new source folder needs a line in check_model_directories and its own check_model_names."""
    text = CONFIG.read_text(encoding="utf-8")
    for folder in sorted(p.name for p in (ROOT / "models" / "staging").iterdir() if p.is_dir()):
        assert f"include: ^models/staging/{folder}/\n    model_name_pattern: ^stg_{folder}__" in text, folder
