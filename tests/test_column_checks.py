"""The column_checks generic test (macros/tests/test_column_checks.sql) on planted bad rows.

dbt runs in this process (dbtRunner) on one parsed manifest and renders the test's
macro with `dbt show --inline` against small DuckDB tables: a clean table passes (no
row), and each table with one planted fault fails with exactly one row naming the
check, the column, the failing rows and an example value. NULLs pass accepted_values
and accepted_range, as in dbt's single-column tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
dbt_main = pytest.importorskip("dbt.cli.main")

# every kind of check, on the columns of the tables below
CHECKS = (
    "not_null=['id', 'status'], unique=['id'], "
    "accepted_values={'status': ['paid', 'shipped'], 'code': {'values': [1, 2], 'quote': false}}, "
    "accepted_range={'score': {'min_value': 0, 'max_value': 10}, 'ratio': {'min_value': 0, 'inclusive': false}}, "
    "unique_combination=[['part_a', 'part_b']]"
)
COLUMNS = (
    "id integer, status varchar, code integer, score integer, ratio double, part_a varchar, part_b integer"
)
# rows that pass every check; the last one has NULL where only not_null would object
CLEAN = [
    (1, "paid", 1, 0, 0.5, "x", 1),
    (2, "shipped", 2, 10, 1.0, "x", 2),
    (3, "paid", None, None, None, "y", 1),
]
# table -> (the planted row, the one failing check it must produce)
PLANTED: dict[str, tuple[tuple[Any, ...], tuple[str, str, int, str | None]]] = {
    "not_null": ((4, None, 1, 1, 1.0, "z", 1), ("not_null", "status", 1, None)),
    "accepted_values": ((4, "lost", 1, 1, 1.0, "z", 1), ("accepted_values", "status", 1, "lost")),
    "accepted_values_unquoted": ((4, "paid", 3, 1, 1.0, "z", 1), ("accepted_values", "code", 1, "3")),
    "accepted_range_max": ((4, "paid", 1, 11, 1.0, "z", 1), ("accepted_range", "score", 1, "11")),
    "accepted_range_min": ((4, "paid", 1, -1, 1.0, "z", 1), ("accepted_range", "score", 1, "-1")),
    "accepted_range_exclusive": ((4, "paid", 1, 1, 0.0, "z", 1), ("accepted_range", "ratio", 1, "0.0")),
    "unique": ((1, "paid", 1, 1, 1.0, "z", 1), ("unique", "id", 2, "1")),
    "unique_combination": (
        (4, "paid", 1, 1, 1.0, "x", 1),
        ("unique_combination", "part_a, part_b", 2, "x, 1"),
    ),
}


@pytest.fixture(scope="module")
def show(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A function running `dbt show --inline` on a warehouse holding the clean and planted tables."""
    work = tmp_path_factory.mktemp("column_checks")
    database = work / "warehouse.duckdb"
    con = duckdb.connect(str(database))
    for table, (row, _) in {"clean": (None, None), **PLANTED}.items():
        con.execute(f"create table main.{table} ({COLUMNS})")
        for values in [*CLEAN, *([row] if row else [])]:
            con.execute(f"insert into main.{table} values (?, ?, ?, ?, ?, ?, ?)", list(values))
    con.close()
    paths = ["--target-path", str(work / "target"), "--log-path", str(work / "logs")]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DBT_PROFILES_DIR", str(ROOT))
        patch.setenv("DBT_PROJECT_DIR", str(ROOT))
        patch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
        patch.setenv("WAREHOUSE_PATH", str(database))
        patch.chdir(ROOT)
        parsed = dbt_main.dbtRunner().invoke(["parse", *paths, "--quiet"])
        assert parsed.success, parsed.exception

        def run(table: str) -> list[tuple[str, str, int, str | None]]:
            messages: list[str] = []
            os.environ["WAREHOUSE_PATH"] = str(database)
            runner = dbt_main.dbtRunner(
                manifest=parsed.result, callbacks=[lambda e: messages.append(e.info.msg)]
            )
            query = "{{ test_column_checks(model='main." + table + "', " + CHECKS + ") }}"
            result = runner.invoke(["show", "--inline", query, "--limit", "100", *paths])
            assert result.success, "\n".join(str(m) for m in messages)[-3000:]
            rows = result.result.results[0].agate_table.rows
            return sorted((r[0], r[1], int(r[2]), r[3]) for r in rows)

        yield run


def test_clean_rows_pass(show: Any) -> None:
    assert show("clean") == []


@pytest.mark.parametrize("table", sorted(PLANTED))
def test_a_planted_fault_fails_naming_check_and_column(show: Any, table: str) -> None:
    assert show(table) == [PLANTED[table][1]]
