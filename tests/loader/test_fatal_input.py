"""Fatal input stops the load before anything is written, with exit code 2 and a message naming the problem."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from scripts.load_raw import LoadError, load, main
from tests.loader.helpers import BASE, some, write_folder, write_table

# --------------------------------------------------------------------------- fatal input


def test_missing_required_file_is_fatal(tmp_path: Path) -> None:
    data = some()
    del data["shop_orders"]
    folder = write_folder(tmp_path / "in", data)
    database = tmp_path / "w.duckdb"

    with pytest.raises(
        LoadError,
        match=r"required table shop_orders is missing \(expected a file shop_orders.csv",
    ):
        load(folder, database)
    assert not database.exists()


def test_two_files_for_one_table_is_fatal(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", some())
    write_table(folder, "shop_orders", BASE["shop_orders"], "parquet")

    with pytest.raises(
        LoadError,
        match="ambiguous input for table shop_orders: shop_orders.csv, shop_orders.parquet",
    ):
        load(folder, tmp_path / "w.duckdb")


def test_missing_input_folder_is_fatal(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="input folder not found"):
        load(tmp_path / "nope", tmp_path / "w.duckdb")


def test_missing_required_column_is_fatal(tmp_path: Path) -> None:
    data = some()
    for row in data["shop_order_items"]:
        del row["quantity"]
    folder = write_folder(tmp_path / "in", data)

    with pytest.raises(LoadError) as error:
        load(folder, tmp_path / "w.duckdb")
    message = str(error.value)
    assert "shop_order_items.csv" in message
    assert "required column 'quantity' is missing" in message
    assert "integer, Units sold, > 0." in message


def test_semicolon_file_gets_a_hint(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", some())
    (folder / "shop_products.csv").write_text("product_id;category\nP1;shoes\n", encoding="utf-8")

    with pytest.raises(LoadError, match="is the file comma-separated"):
        load(folder, tmp_path / "w.duckdb")


def _garbage(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 8)


def _not_gzip(path: Path) -> None:
    path.write_bytes(b"order_id,status\nO1,paid\n")


def _truncated_gzip(path: Path) -> None:
    body = "".join(f"O{i},paid\n" for i in range(20000)).encode()
    data = gzip.compress(b"order_id,status\n" + body)
    path.write_bytes(data[: len(data) // 2])


def _broken_parquet(path: Path) -> None:
    path.write_bytes(b"PAR1" + b"\x00" * 64 + b"PAR1")


def _ragged_rows(path: Path) -> None:
    path.write_text("order_item_id,order_id\nI1,O1\nI2,O2,extra,fields\nI3\n", encoding="utf-8")


def _not_utf8(path: Path) -> None:
    path.write_bytes("order_item_id,order_id\nI1,Ø1\n".encode("utf-16"))


def _empty(path: Path) -> None:
    path.write_bytes(b"")


@pytest.mark.parametrize(
    ("file_name", "breaker", "expected"),
    [
        (
            "shop_order_items.csv",
            _garbage,
            "not readable as a UTF-8, comma-separated CSV file",
        ),
        ("shop_order_items.csv.gz", _not_gzip, "not readable as a gzip-compressed"),
        (
            "shop_order_items.csv.gz",
            _truncated_gzip,
            "not readable as a gzip-compressed",
        ),
        ("shop_order_items.parquet", _broken_parquet, "not readable as a Parquet file"),
        (
            "shop_order_items.csv",
            _ragged_rows,
            "not readable as a UTF-8, comma-separated CSV file",
        ),
        (
            "shop_order_items.csv",
            _not_utf8,
            "not readable as a UTF-8, comma-separated CSV file",
        ),
        ("shop_order_items.csv", _empty, "file is empty"),
    ],
    ids=[
        "csv-garbage",
        "not-gzip",
        "truncated-gzip",
        "broken-parquet",
        "ragged-csv",
        "utf16",
        "empty",
    ],
)
def test_unreadable_file_is_fatal(tmp_path: Path, file_name: str, breaker, expected: str) -> None:
    data = some()
    del data["shop_order_items"]
    folder = write_folder(tmp_path / "in", data)
    breaker(folder / file_name)

    with pytest.raises(LoadError) as error:
        load(folder, tmp_path / "w.duckdb")
    assert str(error.value).startswith(str(folder / file_name))
    assert expected in str(error.value)
    assert "\n" not in str(error.value)
    assert not (tmp_path / "w.duckdb").exists()


def test_unknown_timezone_is_fatal(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", some())
    with pytest.raises(LoadError, match="unknown time zone 'Mars/Olympus'"):
        load(folder, tmp_path / "w.duckdb", assume_timezone="Mars/Olympus")


def test_cli_fatal_exit_code_and_one_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = some()
    del data["shop_customers"]
    folder = write_folder(tmp_path / "in", data)

    code = main(["--input", str(folder), "--database", str(tmp_path / "w.duckdb")])

    assert code == 2
    captured = capsys.readouterr()
    errors = [line for line in captured.err.splitlines() if "error" in line]
    assert errors == [
        f"load_raw: error: {folder}: required table shop_customers is missing "
        "(expected a file shop_customers.csv or shop_customers.csv.gz or shop_customers.parquet)"
    ]
    assert captured.out == ""
