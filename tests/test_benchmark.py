"""The benchmark's small pure parts: scale parsing, DAG order, the floor's DDL, result
merging and the rendered table. No timing is asserted: timings belong to the benchmark."""

from __future__ import annotations

import pytest

from scripts import benchmark


def test_parse_scales_keeps_order_and_drops_duplicates() -> None:
    assert benchmark.parse_scales("1, 3,10,3") == [1.0, 3.0, 10.0]
    assert benchmark.parse_scales("0.05") == [0.05]


@pytest.mark.parametrize("text", ["", ",", "0", "1,-3"])
def test_parse_scales_rejects_empty_and_non_positive(text: str) -> None:
    with pytest.raises(ValueError):
        benchmark.parse_scales(text)


def test_scale_slug_is_a_safe_identifier() -> None:
    assert benchmark.scale_slug(1.0) == "s1"
    assert benchmark.scale_slug(10) == "s10"
    assert benchmark.scale_slug(0.05) == "s0_05"


def test_maxrss_units_depend_on_the_system() -> None:
    assert benchmark.maxrss_to_mb(2048, "Linux") == 2.0
    assert benchmark.maxrss_to_mb(2 * 1024 * 1024, "Darwin") == 2.0


def _model(name: str, parents: list[str], materialized: str = "table") -> dict:
    return {
        "unique_id": f"model.p.{name}",
        "name": name,
        "resource_type": "model",
        "database": "bench_s1",
        "schema": "marts",
        "relation_name": f'"bench_s1"."marts"."{name}"',
        "config": {"materialized": materialized},
        "depends_on": {"nodes": parents},
        "compiled_code": f"select 1 as {name}_id;\n",
    }


def _manifest(*models: dict) -> dict:
    nodes = {m["unique_id"]: m for m in models}
    nodes["seed.p.calendar"] = {"unique_id": "seed.p.calendar", "resource_type": "seed"}
    nodes["test.p.unique_c"] = {"unique_id": "test.p.unique_c", "resource_type": "test"}
    return {"nodes": nodes}


def test_models_in_dag_order_puts_parents_first_and_skips_other_nodes() -> None:
    manifest = _manifest(
        _model("c", ["model.p.a", "model.p.b"]),
        _model("b", ["model.p.a", "seed.p.calendar"]),
        _model("a", []),
        _model("d", []),
    )
    assert [n["name"] for n in benchmark.models_in_dag_order(manifest)] == ["a", "d", "b", "c"]


def test_floor_statement_wraps_the_compiled_sql() -> None:
    assert benchmark.floor_statement(_model("a", [])) == (
        'create or replace table "bench_s1"."marts"."a" as (\nselect 1 as a_id\n)'
    )
    assert benchmark.floor_statement(_model("v", [], "view")).startswith("create or replace view ")


def test_floor_statement_refuses_uncompiled_and_ephemeral_models() -> None:
    uncompiled = _model("a", [])
    uncompiled["compiled_code"] = ""
    with pytest.raises(ValueError, match="no compiled SQL"):
        benchmark.floor_statement(uncompiled)
    with pytest.raises(ValueError, match="ephemeral"):
        benchmark.floor_statement(_model("e", [], "ephemeral"))


def test_incremental_model_count() -> None:
    manifest = _manifest(_model("a", []), _model("b", [], "incremental"))
    assert benchmark.incremental_model_count(manifest) == 1


def test_model_seconds_sums_models_only() -> None:
    run_results = {
        "results": [
            {"unique_id": "model.p.a", "execution_time": 1.25},
            {"unique_id": "model.p.b", "execution_time": 2.5},
            {"unique_id": "test.p.unique_a", "execution_time": 9.0},
        ]
    }
    assert benchmark.model_seconds(run_results) == 3.75


def _entry(scale: float, build: float, raw: int, date: str = "2026-11-21") -> dict:
    steps = {
        name: {"seconds": seconds, "peak_mb": 2048.0}
        for name, seconds in {
            "generate": 1.0,
            "load": 2.0,
            "dbt build": build,
            "floor": build / 4,
            "load increment": 2.5,
            "incremental day": build / 2,
        }.items()
    }
    return {
        "scale": scale,
        "date": date,
        "machine": {"cpus": 2, "memory_gb": 23.4},
        "versions": {"dbt-core": "1.12.0", "dbt-duckdb": "1.11.1", "duckdb": "2.0.0"},
        "steps": steps,
        "dbt_model_seconds": build / 3,
        "incremental_label": benchmark.INCREMENTAL_LABEL,
        "full_build_seconds_by_kind": {"data tests": build / 2, "other models": build / 3},
        "incremental": {
            "label": benchmark.INCREMENTAL_LABEL,
            "seconds_by_kind": {"data tests": build / 4, "incremental models": 1.0, "other models": 2.0},
            "slowest_nodes": {"kpi_values": 0.75},
        },
        "floor_slowest_models": {"fct_sessions": 1.5},
        "raw_rows": {"web_events": raw, "orders": raw // 10},
        "mart_rows": {"kpi_values": 100},
    }


def test_merge_results_replaces_rerun_scales_and_keeps_the_others() -> None:
    old = {"scales": [_entry(1, 10.0, 1000), _entry(10, 100.0, 10000)]}
    merged = benchmark.merge_results(old, [_entry(3, 30.0, 3000), _entry(1, 12.0, 1000)])
    assert [e["scale"] for e in merged["scales"]] == [1, 3, 10]
    assert merged["scales"][0]["steps"]["dbt build"]["seconds"] == 12.0


def test_render_markdown_has_one_row_per_scale_ratios_and_row_counts() -> None:
    text = benchmark.render_markdown({"scales": [_entry(1, 10.0, 1000), _entry(3, 30.0, 3000)]})
    assert "Measured 2026-11-21" in text
    assert (
        "| 1 | 1,100 | 1.0 | 2.0 (2.0 GB) | 10.0 (2.0 GB) | 2.5 (2.0 GB) | 2.5 | 5.0 (2.0 GB) | 3.3 | 100 |"
        in text
    )
    assert "| 3 | 3.00 | 3.00 | 3.00 | 0.50 | 4.00 |" in text  # data, build, floor, incr/full, build/floor
    assert "| raw.web_events | 1,000 | 3,000 |" in text
    assert "| marts.kpi_values | 100 | 100 |" in text
    assert benchmark.INCREMENTAL_LABEL in text
    # where the time goes: full / incremental day per kind of node, '-' where a run had none
    assert "| scale | data tests | incremental models | other models |" in text
    assert "| 3 | 15.0 / 7.5 | - / 1.0 | 10.0 / 2.0 |" in text
    assert "scale 3, slowest nodes of the incremental day: kpi_values 0.8" in text


def test_render_markdown_marks_a_skipped_incremental_day() -> None:
    entry = _entry(3, 30.0, 3000)
    del entry["steps"]["incremental day"], entry["steps"]["load increment"], entry["incremental"]
    text = benchmark.render_markdown({"scales": [_entry(1, 10.0, 1000), entry]})
    assert "| 3 | 3,300 | 1.0 | 2.0 (2.0 GB) | 30.0 (2.0 GB) | 7.5 (2.0 GB) | - | - | 10.0 | 100 |" in text
    assert "| 3 | 3.00 | 3.00 | 3.00 | - | 4.00 |" in text


def test_render_markdown_without_results() -> None:
    assert "No results yet" in benchmark.render_markdown({"scales": []})


def test_seconds_by_kind_splits_models_by_materialization_and_tests_by_kind() -> None:
    manifest = _manifest(_model("a", []), _model("b", [], "incremental"))
    run_results = {
        "results": [
            {"unique_id": "model.p.a", "execution_time": 1.0},
            {"unique_id": "model.p.b", "execution_time": 2.0},
            {"unique_id": "test.p.unique_c", "execution_time": 0.5},
            {"unique_id": "test.p.not_null_c", "execution_time": 0.25},
            {"unique_id": "unit_test.p.a.formula", "execution_time": 0.125},
            {"unique_id": "seed.p.calendar", "execution_time": 0.0625},
        ]
    }
    assert benchmark.seconds_by_kind(run_results, manifest) == {
        "data tests": 0.75,
        "incremental models": 2.0,
        "other models": 1.0,
        "seeds": 0.06,
        "unit tests": 0.12,
    }
    assert list(benchmark.slowest_nodes(run_results, 2)) == ["b", "a"]


def test_last_day_reads_the_ground_truth(tmp_path) -> None:
    (tmp_path / "ground_truth.json").write_text('{"planted": {"end_date": "2025-12-31"}}')
    assert str(benchmark.last_day(tmp_path)) == "2025-12-31"
    (tmp_path / "ground_truth.json").write_text("{}")
    with pytest.raises(SystemExit, match="no end_date"):
        benchmark.last_day(tmp_path)


def test_release_removes_folders_and_databases_unless_kept(tmp_path) -> None:
    folder = tmp_path / "bench_s1_day_before"
    folder.mkdir()
    (folder / "shop_orders.csv").write_text("order_id\n1\n")
    database = tmp_path / "bench_s1.raw.duckdb"
    database.write_text("db")
    wal = tmp_path / "bench_s1.raw.duckdb.wal"
    wal.write_text("wal")

    benchmark.release(folder, keep=True)
    benchmark.release(database, keep=True)
    assert folder.is_dir() and database.exists() and wal.exists()

    benchmark.release(folder, keep=False)
    benchmark.release(database, keep=False)
    assert not folder.exists() and not database.exists() and not wal.exists()
    benchmark.release(folder, keep=False)  # already gone: no error


def test_the_headline_gives_the_parse_of_each_build_or_a_dash_before_d287() -> None:
    measured = _entry(1, 10.0, 1000)
    measured["steps"]["dbt parse"] = {"seconds": 14.0, "peak_mb": 2048.0}
    measured["steps"]["incremental parse"] = {"seconds": 13.5, "peak_mb": 2048.0}
    text = benchmark.render_markdown({"scales": [measured, _entry(3, 30.0, 3000)]})
    headline = text.split("## Every step")[0]
    rows = [line for line in headline.splitlines() if line.startswith("| 1 |") or line.startswith("| 3 |")]
    assert rows[0].endswith("| 14.0 / 13.5 | - | 2.0 GB |")
    assert rows[1].endswith("| - | - | 2.0 GB |")
    # the ratios stay build against floor and day against full build, parse left out
    assert "| 10.0 | 2.5 | 4.00 | 5.0 | 0.50 |" in rows[0]


def test_warning_count_and_the_headline_gives_the_warnings_of_each_build() -> None:
    run_results = {
        "results": [
            {"unique_id": "test.p.a", "status": "warn", "execution_time": 0.1},
            {"unique_id": "test.p.b", "status": "pass", "execution_time": 0.1},
            {"unique_id": "test.p.c", "status": "warn", "execution_time": 0.1},
            {"unique_id": "model.p.d", "status": "success", "execution_time": 0.1},
        ]
    }
    assert benchmark.warning_count(run_results) == 2
    measured, no_day = _entry(1, 10.0, 1000), _entry(3, 30.0, 3000)
    measured["full_build_warnings"], measured["incremental"]["warnings"] = 0, 2
    no_day["full_build_warnings"] = 1
    text = benchmark.render_markdown({"scales": [measured, no_day]})
    rows = [line for line in text.split("## Every step")[0].splitlines() if line.startswith("| ")]
    assert rows[1].endswith("| 0 / 2 | 2.0 GB |")
    assert rows[2].endswith("| 1 / - | 2.0 GB |")
