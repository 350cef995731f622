"""Time zones and file formats: timestamps without an offset, CSV, gzip and Parquet inputs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from scripts.load_raw import load
from scripts.raw_contract import TABLES
from tests.loader.helpers import (
    Row,
    base,
    load_data,
    query,
    rejects,
    required_only,
    snapshot,
    some,
    with_extra_row,
    write_folder,
)

# --------------------------------------------------------------------------- time zones


def test_timestamps_with_offsets_are_stored_in_utc(tmp_path: Path) -> None:
    cases = {
        "2025-03-01T10:00:00+08:00": dt.datetime(2025, 3, 1, 2, 0),
        "2025-03-01T10:00:00Z": dt.datetime(2025, 3, 1, 10, 0),
        "2025-03-01 10:00:00+00": dt.datetime(2025, 3, 1, 10, 0),
        "2025-03-01T10:00:00-05:30": dt.datetime(2025, 3, 1, 15, 30),
        "2025-03-01T10:00:00+0100": dt.datetime(2025, 3, 1, 9, 0),
        "2025-03-01T23:30:00-02:00": dt.datetime(2025, 3, 2, 1, 30),
        "2025-03-01T10:00:00": dt.datetime(2025, 3, 1, 10, 0),
        "2025-03-01 10:00:00.250": dt.datetime(2025, 3, 1, 10, 0, 0, 250000),
        "2025-03-01T10:00": dt.datetime(2025, 3, 1, 10, 0),
        "2025-03-01": dt.datetime(2025, 3, 1, 0, 0),
    }
    data = some("web_events")
    event = data["web_events"][0]
    data["web_events"] = [{**event, "event_id": f"E{i}", "event_at": ts} for i, ts in enumerate(cases)]
    result, db = load_data(tmp_path, data)

    assert result.rejected_rows == 0, rejects(db)
    loaded = query(db, "SELECT event_id, event_at FROM raw.web_events")
    assert loaded == [(f"E{i}", expected) for i, expected in enumerate(cases.values())]


@pytest.mark.parametrize(
    ("tz", "cases"),
    [
        (
            "America/New_York",
            {
                "2025-01-15T10:00:00": dt.datetime(2025, 1, 15, 15, 0),  # EST, UTC-5
                "2025-07-15T10:00:00": dt.datetime(2025, 7, 15, 14, 0),  # EDT, UTC-4
                "2025-03-09T01:30:00": dt.datetime(2025, 3, 9, 6, 30),  # just before the spring change
                "2025-03-09T03:30:00": dt.datetime(2025, 3, 9, 7, 30),  # just after it
                "2025-11-02T00:30:00": dt.datetime(2025, 11, 2, 4, 30),  # before the autumn change
                "2025-11-02T03:00:00": dt.datetime(2025, 11, 2, 8, 0),  # after it
                "2025-07-15": dt.datetime(2025, 7, 15, 4, 0),  # local midnight
                "2025-07-15T10:00:00+02:00": dt.datetime(2025, 7, 15, 8, 0),  # offsets stay exact
                "2025-07-15T10:00:00Z": dt.datetime(2025, 7, 15, 10, 0),
            },
        ),
        (
            "Asia/Shanghai",
            {
                "2025-03-01T10:00:00": dt.datetime(2025, 3, 1, 2, 0),
                "2025-03-01T05:00:00": dt.datetime(2025, 2, 28, 21, 0),
                "2025-03-01T10:00:00+08:00": dt.datetime(2025, 3, 1, 2, 0),
                "2025-03-01T10:00:00-01:00": dt.datetime(2025, 3, 1, 11, 0),
            },
        ),
    ],
)
def test_assume_timezone_reads_offsetless_timestamps_in_that_zone(
    tmp_path: Path, tz: str, cases: dict[str, dt.datetime]
) -> None:
    data = some("web_events", "shop_inventory_snapshots")
    event = data["web_events"][0]
    data["web_events"] = [{**event, "event_id": f"E{i}", "event_at": ts} for i, ts in enumerate(cases)]
    result, db = load_data(tmp_path, data, tz=tz)

    assert result.rejected_rows == 0, rejects(db)
    loaded = query(db, "SELECT event_id, event_at FROM raw.web_events")
    assert loaded == [(f"E{i}", expected) for i, expected in enumerate(cases.values())]
    # Dates are calendar days, never shifted.
    assert query(db, "SELECT snapshot_date FROM raw.shop_inventory_snapshots") == [(dt.date(2025, 3, 1),)]


# --------------------------------------------------------------------------- formats


def _typed_parquet(folder: Path, data: dict[str, list[Row]]) -> None:
    """Write each table as Parquet with native types, as a user's export would."""
    folder.mkdir(parents=True)
    for table, rows in data.items():
        arrays = {}
        for col in TABLES[table].columns:
            values = [r[col.name] or None for r in rows]
            if col.type == "timestamp":
                parsed = [dt.datetime.fromisoformat(v) if v else None for v in values]
                arrays[col.name] = pa.array(parsed, pa.timestamp("us", tz="UTC"))
            elif col.type == "date":
                arrays[col.name] = pa.array([dt.date.fromisoformat(v) if v else None for v in values])
            elif col.type == "integer":
                arrays[col.name] = pa.array([int(v) if v else None for v in values], pa.int64())
            elif col.type == "decimal":
                arrays[col.name] = pa.array([float(v) if v else None for v in values], pa.float64())
            elif col.type == "boolean":
                arrays[col.name] = pa.array([v in ("true", "yes", "1") if v else None for v in values])
            else:
                arrays[col.name] = pa.array(values, pa.string())
        pq.write_table(pa.table(arrays), folder / f"{table}.parquet")


def test_csv_gzip_and_parquet_give_identical_raw_tables(tmp_path: Path) -> None:
    # Every table, and a rejected row, which must be the same in every format.
    data = with_extra_row("shop_orders", full=True, status="bogus")
    snapshots = {}
    for fmt in ("csv", "csv.gz", "parquet"):
        _, db = load_data(tmp_path, data, fmt=fmt)
        snapshots[fmt] = snapshot(db, with_loaded_at=False)
    typed_dir = tmp_path / "typed_parquet"
    _typed_parquet(typed_dir, base())
    load(typed_dir, tmp_path / "typed.duckdb")

    for fmt in ("csv.gz", "parquet"):
        for name, rows in snapshots["csv"].items():
            if name == "raw_rejects.rejected_rows":  # source_file differs by name only
                rows = [(*r[:1], r[1].replace(".csv", "." + fmt), *r[2:]) for r in rows]
            elif name == "raw_rejects.load_summary":
                rows = [(r[0], r[1] and r[1].replace(".csv", "." + fmt), *r[2:]) for r in rows]
            assert snapshots[fmt][name] == rows, (fmt, name)
    # Native Parquet types (timestamps, floats, booleans...) give the same raw
    # tables as text (the extra CSV row is rejected, so it is not in raw).
    typed = snapshot(tmp_path / "typed.duckdb")
    for name, rows in snapshots["csv"].items():
        if name.startswith("raw."):
            assert typed[name] == rows, name


def test_extra_column_is_warned_and_ignored(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data = some()
    for row in data["shop_products"]:
        row["internal_note"] = "do not load"
    with caplog.at_level("WARNING", logger="load_raw"):
        result, db = load_data(tmp_path, data)

    assert "shop_products.csv: extra column(s) ignored: internal_note" in result.warnings
    assert "extra column(s) ignored: internal_note" in caplog.text
    columns = [
        r[0]
        for r in query(
            db,
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'shop_products'",
        )
    ]
    assert columns == list(TABLES["shop_products"].column_names)
    assert result.rejected_rows == 0


def test_columns_in_any_order_and_missing_optional_columns(tmp_path: Path) -> None:
    data = some()
    data["shop_customers"] = [
        {"signup_at": r["signup_at"], "Customer_ID": r["customer_id"]} for r in data["shop_customers"]
    ]
    result, db = load_data(tmp_path, data)

    assert result.rejected_rows == 0
    assert any("optional column(s) missing, loaded as NULL: email" in w for w in result.warnings)
    assert query(db, "SELECT customer_id, email, is_test FROM raw.shop_customers ORDER BY 1") == [
        ("C1", None, None),
        ("C2", None, None),
    ]


def test_missing_optional_table_is_created_empty_with_types(tmp_path: Path) -> None:
    result, db = load_data(tmp_path, required_only())

    assert result.table("web_events").input_rows == 0
    assert result.table("web_events").source_file is None
    assert query(db, "SELECT count(*) FROM raw.web_events") == [(0,)]
    assert query(
        db,
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'raw' AND table_name = 'org_headcount' ORDER BY ordinal_position",
    ) == [("month", "DATE"), ("team", "VARCHAR"), ("headcount", "DECIMAL(18,4)")]
    assert query(
        db,
        "SELECT table_name, source_file, input_rows FROM raw_rejects.load_summary WHERE table_name = 'survey_nps'",
    ) == [("survey_nps", None, 0)]


def test_header_only_file_loads_zero_rows(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", some())
    (folder / "survey_nps.csv").write_text("response_id,customer_id,responded_at,score\n", encoding="utf-8")
    result = load(folder, tmp_path / "w.duckdb")

    assert result.table("survey_nps").input_rows == 0


def test_unknown_files_are_warned_about(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", required_only())
    (folder / "README.txt").write_text("hello", encoding="utf-8")
    (folder / "shop_vouchers.csv").write_text("id\n1\n", encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"\0")

    result = load(folder, tmp_path / "w.duckdb")

    assert "README.txt: not a contract table file, ignored" in result.warnings
    assert "shop_vouchers.csv: not a contract table file, ignored" in result.warnings
    assert not any(".DS_Store" in w for w in result.warnings)
