"""The contract page (docs/raw_contract.md) is rendered from scripts/raw_contract.py and
kept in step (--check); make contract-templates writes one header-only CSV per table."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from scripts import render_contract_doc
from scripts.raw_contract import TABLES


def test_the_committed_page_is_current() -> None:
    assert render_contract_doc.main(["--check"]) == 0


def test_check_fails_on_a_stale_page_and_writes_nothing(tmp_path: Path) -> None:
    page = tmp_path / "raw_contract.md"
    page.write_text(render_contract_doc.render().replace("| `order_id` |", "| `order_no` |", 1))
    stale = page.read_text()
    assert render_contract_doc.main(["--check", "--out", str(page)]) == 1
    assert page.read_text() == stale
    assert render_contract_doc.main(["--out", str(page)]) == 0
    assert render_contract_doc.main(["--check", "--out", str(page)]) == 0


def test_the_page_covers_every_table_and_column_and_the_file_rules() -> None:
    page = render_contract_doc.render()
    for table in TABLES.values():
        kind = "required" if table.required else "optional"
        assert f"### {table.name} ({kind})" in page
        section = page.split(f"### {table.name} ({kind})")[1].split("\n### ")[0]
        assert "Primary key: " + ", ".join(f"`{k}`" for k in table.primary_key) in section
        for column in table.columns:
            assert f"| `{column.name}` | {column.type} | {'yes' if column.required else ''} |" in section
    for rule in (
        "--assume-timezone",
        "TIMEZONE",
        "YYYY-MM-DD",
        "ISO-4217",
        "raw_rejects.rejected_rows",
        "loaded + rejected = input",
        "marts.kpi_coverage",
        ".csv.gz",
        ".parquet",
    ):
        assert rule in page, rule
    assert "{{" not in page and "{%" not in page  # docs/ is a dbt docs path: no Jinja


def test_templates_are_header_only_csv_files_the_loader_reads(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    assert render_contract_doc.main(["--templates", str(folder)]) == 0
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{name}.csv" for name in TABLES)
    for table in TABLES.values():
        with (folder / f"{table.name}.csv").open(newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows == [list(table.column_names)]
    # DuckDB (the loader's reader) sees the contract's columns and no rows
    con = duckdb.connect()
    described = con.execute(
        f"describe select * from read_csv('{folder / 'shop_orders.csv'}', header = true, all_varchar = true)"
    ).fetchall()
    assert [row[0] for row in described] == list(TABLES["shop_orders"].column_names)
    # writing again over its own templates is fine
    assert render_contract_doc.main(["--templates", str(folder)]) == 0


def test_templates_never_overwrite_other_files(tmp_path: Path) -> None:
    (tmp_path / "shop_orders.csv").write_text("order_id,status\n1,paid\n")
    assert render_contract_doc.main(["--templates", str(tmp_path)]) == render_contract_doc.EXIT_REFUSED
    assert (tmp_path / "shop_orders.csv").read_text() == "order_id,status\n1,paid\n"
    assert not (tmp_path / "shop_customers.csv").exists()
