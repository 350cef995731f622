"""Properties of a run: the command line, the summary, logging, re-runs and failures mid-write."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scripts.load_raw import LoadError, load, main
from scripts.loader import tables
from scripts.raw_contract import TABLES
from tests.loader.helpers import (
    load_data,
    query,
    raw_counts,
    rejects,
    required_only,
    snapshot,
    some,
    with_extra_row,
    write_folder,
)

# --------------------------------------------------------------------------- run properties


def test_counts_add_up_and_are_recorded(tmp_path: Path) -> None:
    data = with_extra_row("web_events", full=True, event_at="bad")
    data["shop_orders"].append(dict(data["shop_orders"][0]))
    result, db = load_data(tmp_path, data)

    summary = query(
        db,
        "SELECT table_name, source_file, input_rows, loaded_rows, rejected_rows FROM raw_rejects.load_summary",
    )
    assert [r[0] for r in summary] == list(TABLES)
    counts, rejected = raw_counts(db), rejects(db)
    for table, source_file, input_rows, loaded_rows, rejected_rows in summary:
        assert loaded_rows + rejected_rows == input_rows
        assert counts[table] == loaded_rows
        assert len([r for r in rejected if r[0] == table]) == rejected_rows
        assert source_file == f"{table}.csv"
        assert input_rows == len(data[table])
    assert result.input_rows == sum(len(rows) for rows in data.values())
    assert (result.loaded_rows, result.rejected_rows) == (result.input_rows - 2, 2)
    assert len({r[0] for r in query(db, "SELECT loaded_at FROM raw_rejects.load_summary")}) == 1


def test_idempotent_reload_gives_the_same_raw_layer(tmp_path: Path) -> None:
    data = with_extra_row("shop_orders", status="bogus")
    folder = write_folder(tmp_path / "in", data)
    database = tmp_path / "w.duckdb"

    first = load(folder, database)
    before = snapshot(database, with_loaded_at=False)
    second = load(folder, database)

    assert snapshot(database, with_loaded_at=False) == before
    assert [(t.table, t.input_rows, t.loaded_rows, t.rejected_rows) for t in first.tables] == [
        (t.table, t.input_rows, t.loaded_rows, t.rejected_rows) for t in second.tables
    ]
    assert query(database, "SELECT count(*) FROM raw.shop_orders") == [(2,)]
    assert query(database, "SELECT count(*) FROM raw_rejects.rejected_rows") == [(1,)]


def test_reload_replaces_the_previous_content(tmp_path: Path) -> None:
    database = tmp_path / "w.duckdb"
    load(
        write_folder(tmp_path / "full", with_extra_row("shop_orders", full=True, status="bogus")),
        database,
    )
    load(write_folder(tmp_path / "small", required_only()), database)

    assert query(database, "SELECT count(*) FROM raw.web_events") == [(0,)]
    assert query(database, "SELECT count(*) FROM raw_rejects.rejected_rows") == [(0,)]
    assert query(database, "SELECT count(*) FROM raw.shop_orders") == [(2,)]


@pytest.mark.parametrize(
    "breakage",
    ["missing_column", "broken_gzip", "bad_timezone", "write_error"],
)
def test_fatal_error_leaves_a_loaded_database_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, breakage: str
) -> None:
    database = tmp_path / "w.duckdb"
    load(
        write_folder(tmp_path / "good", with_extra_row("shop_orders", status="bogus")),
        database,
    )
    before = snapshot(database)

    data = some("org_headcount")
    data["shop_orders"].pop()  # a different content, which must not reach the database
    folder = write_folder(tmp_path / "bad", data)
    tz = "UTC"
    if breakage == "missing_column":
        (folder / "web_events.csv").write_text("event_id,event_at\nE1,2025-03-01\n", encoding="utf-8")
    elif breakage == "broken_gzip":
        (folder / "org_headcount.csv").unlink()
        (folder / "org_headcount.csv.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    elif breakage == "bad_timezone":
        tz = "Nowhere/Special"
    else:
        # A failure in the middle of the write transaction, after earlier tables were replaced.
        real_ddl = tables.column_ddl

        def failing_ddl(spec):
            return "not valid sql" if spec.name == "org_headcount" else real_ddl(spec)

        monkeypatch.setattr(tables, "column_ddl", failing_ddl)

    with pytest.raises(LoadError):
        load(folder, database, assume_timezone=tz)
    assert snapshot(database) == before


def test_failed_first_load_leaves_no_database_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "column_ddl", lambda spec: "not valid sql")
    database = tmp_path / "nested" / "w.duckdb"

    with pytest.raises(LoadError, match="write failed, nothing was changed"):
        load(write_folder(tmp_path / "in", some()), database)
    assert not database.exists()


def test_cli_loads_and_prints_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_folder(tmp_path / "in", with_extra_row("shop_orders", status="bogus"))
    database = tmp_path / "from_env" / "w.duckdb"
    monkeypatch.setenv("WAREHOUSE_PATH", str(database))

    assert main(["--input", str(folder)]) == 0

    out = capsys.readouterr().out
    assert database.exists()
    assert any(line.split()[:4] == ["shop_orders", "3", "2", "1"] for line in out.splitlines())
    assert any(line.split()[:4] == ["total", "9", "8", "1"] for line in out.splitlines())
    assert "raw_rejects.rejected_rows" in out


def test_cli_runs_as_a_script(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", required_only())
    database = tmp_path / "w.duckdb"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "scripts.load_raw",
            "--input",
            str(folder),
            "--database",
            str(database),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "shop_order_items" in done.stdout
    assert "checked" in done.stderr  # progress lines go to stderr

    helped = subprocess.run(
        [sys.executable, "-m", "scripts.load_raw", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert helped.returncode == 0
    assert "--assume-timezone" in helped.stdout
