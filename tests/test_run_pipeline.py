"""make run builds into a working copy and publishes it atomically: readers never
see a half-built warehouse."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from scripts import run_pipeline


def _write_version(database: Path, version: int) -> None:
    con = duckdb.connect(str(database))
    try:
        con.execute("create or replace table build_info as select ? as version", [version])
    finally:
        con.close()


def _read_version(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("select version from build_info").fetchone()[0]


def test_working_copy_sits_next_to_the_published_file() -> None:
    published = Path("warehouse/ecommerce.duckdb")
    assert run_pipeline.working_copy_of(published) == Path("warehouse/ecommerce.building.duckdb")


def test_publish_keeps_an_open_reader_on_the_previous_version(tmp_path: Path) -> None:
    published = tmp_path / "ecommerce.duckdb"
    building = run_pipeline.working_copy_of(published)
    _write_version(published, 1)
    reader = duckdb.connect(str(published), read_only=True)
    try:
        _write_version(building, 2)
        run_pipeline.publish(building, published)
        assert _read_version(reader) == 1  # the connection opened before keeps its version
    finally:
        reader.close()
    fresh = duckdb.connect(str(published), read_only=True)
    try:
        assert _read_version(fresh) == 2
    finally:
        fresh.close()
    assert not building.exists()
    assert not Path(str(building) + ".wal").exists()


@pytest.fixture
def fake_pipeline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """run_pipeline.main with its subprocess steps replaced: 'dbt build' writes
    version 2 into whatever WAREHOUSE_PATH it is given, after checking what a
    reader of the published file sees at that moment."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "ground_truth.json").write_text(json.dumps({"planted": {"scale": 1.0, "seed": 42}}))
    published = tmp_path / "ecommerce.duckdb"
    _write_version(published, 1)
    seen: dict = {"fail": False}

    def fake_run(self: run_pipeline.Timings, name: str, cmd: list[str], env: dict[str, str]) -> None:
        self.steps[name] = 0.0
        if name == "dbt build":
            seen["build_path"] = Path(env["WAREHOUSE_PATH"])
            reader = duckdb.connect(str(published), read_only=True)
            try:
                seen["reader_during_build"] = _read_version(reader)
            finally:
                reader.close()
            _write_version(Path(env["WAREHOUSE_PATH"]), 2)
            if seen["fail"]:
                raise SystemExit("step 'dbt build' failed with exit code 1")

    monkeypatch.setattr(run_pipeline.Timings, "run", fake_run)
    monkeypatch.setattr(run_pipeline, "data_is_current", lambda *args: True)
    monkeypatch.setattr(run_pipeline, "dbt_results", lambda path: {})
    monkeypatch.setattr(run_pipeline, "raw_row_counts", lambda path: [])
    monkeypatch.setattr(run_pipeline, "headline_kpis", lambda path: (None, []))
    seen["args"] = ["--data-dir", str(data_dir), "--warehouse", str(published)]
    seen["published"] = published
    return seen


def test_a_reader_during_the_build_reads_the_previous_version(fake_pipeline: dict) -> None:
    assert run_pipeline.main(fake_pipeline["args"]) == 0
    published = fake_pipeline["published"]
    assert fake_pipeline["build_path"] == run_pipeline.working_copy_of(published)
    assert fake_pipeline["reader_during_build"] == 1
    con = duckdb.connect(str(published), read_only=True)
    try:
        assert _read_version(con) == 2
    finally:
        con.close()


def test_a_failed_build_leaves_the_published_warehouse_untouched(fake_pipeline: dict) -> None:
    fake_pipeline["fail"] = True
    with pytest.raises(SystemExit):
        run_pipeline.main(fake_pipeline["args"])
    con = duckdb.connect(str(fake_pipeline["published"]), read_only=True)
    try:
        assert _read_version(con) == 1
    finally:
        con.close()
