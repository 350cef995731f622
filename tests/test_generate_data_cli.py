"""The generator's command line: arguments, formats, profiles, and the output folder
(only its own, only its own files replaced)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from scripts import generate_data as gd
from scripts.raw_contract import TABLES

CONTRACT = {name: tuple(c.name for c in spec.columns) for name, spec in TABLES.items()}


def _generate(out: Path, *args: str) -> None:
    assert gd.main(["--out", str(out), *args]) == 0


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_cli_rejects_bad_arguments(tmp_path: Path) -> None:
    assert gd.main(["--out", str(tmp_path / "a"), "--start", "2025-01-02", "--end", "2025-01-01"]) == 2
    assert gd.main(["--out", str(tmp_path / "b"), "--scale", "0"]) == 2
    assert gd.main(["--out", str(tmp_path / "c"), "--scale", "-1"]) == 2
    with pytest.raises(SystemExit) as help_exit:
        gd.main(["--help"])
    assert help_exit.value.code == 0
    assert not (tmp_path / "a").exists()


def test_parquet_and_short_period(tmp_path: Path) -> None:
    out = tmp_path / "pq"
    _generate(out, "--scale", "0.01", "--start", "2025-10-01", "--end", "2025-12-31", "--format", "parquet")
    db = duckdb.connect()
    for table, columns in CONTRACT.items():
        rel = db.execute(f"select * from read_parquet('{out / (table + '.parquet')}')")
        assert tuple(d[0] for d in rel.description) == columns
        assert rel.fetchone() is not None, f"{table} is empty"
    truth = json.loads((out / "ground_truth.json").read_text())
    assert [p["name"] for p in truth["planted"]["peak_periods"]] == [
        "singles_day",
        "black_friday_cyber_monday",
        "year_end",
    ]


TINY = ["--scale", "0.01", "--start", "2025-10-01", "--end", "2025-12-31"]


def _listing(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_refuses_a_folder_it_did_not_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A user's non-empty folder is never written to, even when its files carry
    contract table names: exit 2, a message naming the folder and `make run INPUT=`."""
    user = tmp_path / "my export"
    user.mkdir()
    (user / "shop_orders.csv").write_text("order_id\nmine\n")
    (user / "notes.txt").write_text("keep me\n")
    (user / "ground_truth.json").write_text('{"planted": {"seed": 1}}\n')  # not the generator's
    before = _listing(user)
    assert gd.main(["--out", str(user), *TINY]) == 2
    assert gd.main(["--out", str(user), "--profile", "minimal", "--scale", "0.01"]) == 2
    assert _listing(user) == before
    err = capsys.readouterr().err
    assert str(user) in err and "make run INPUT=" in err and "not written by generate_data.py" in err


def test_refuses_a_file_as_out(tmp_path: Path) -> None:
    target = tmp_path / "file.csv"
    target.write_text("x\n")
    assert gd.main(["--out", str(target), *TINY]) == 2
    assert target.read_text() == "x\n"


def test_regenerates_its_own_folder_and_nothing_else(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    _generate(out, *TINY)
    assert (out / gd.MARKER).is_file()
    first = _digests(out)
    # Files of the user's beside the generated ones, and a stale file of an
    # earlier run in another format.
    (out / "notes.txt").write_text("keep me\n")
    (out / "sub").mkdir()
    (out / "sub" / "shop_orders.csv").write_text("keep me too\n")
    (out / "shop_orders.parquet").write_bytes(b"stale")
    _generate(out, *TINY)
    assert not (out / "shop_orders.parquet").exists()
    assert (out / "notes.txt").read_text() == "keep me\n"
    assert (out / "sub" / "shop_orders.csv").read_text() == "keep me too\n"
    again = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.iterdir() if p.name in first}
    assert again == first
    # A profile written into the same folder replaces the full set's files: the
    # tables it drops do not linger.
    _generate(out, "--profile", "bare", "--scale", "0.01")
    names = {p.name for p in out.iterdir()}
    assert names == {
        "notes.txt",
        "sub",
        "ground_truth.json",
        gd.MARKER,
        *(f"{t}.csv" for t in ("shop_customers", "shop_products", "shop_orders", "shop_order_items")),
    }


def test_accepts_an_empty_folder_and_an_older_generator_folder(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    _generate(empty, *TINY)
    older = tmp_path / "older"
    older.mkdir()
    # Written by a generator before the marker existed: its ground truth names its version.
    (older / "ground_truth.json").write_text(json.dumps({"planted": {"generator_version": "1.0"}}))
    (older / "shop_orders.csv").write_text("stale\n")
    _generate(older, *TINY)
    assert (older / gd.MARKER).is_file()
    assert (older / "shop_orders.csv").read_text() != "stale\n"


def test_profile_arguments(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as bad:
        gd.main(["--out", str(tmp_path / "a"), "--profile", "nope"])
    assert bad.value.code == 2
    # A span that does not hold the profile's window is refused before anything is written.
    assert gd.main(["--out", str(tmp_path / "b"), "--profile", "marketplace", *TINY]) == 2
    assert not (tmp_path / "b").exists()


def test_full_profile_is_the_default(tmp_path: Path) -> None:
    _generate(tmp_path / "default", *TINY)
    _generate(tmp_path / "full", *TINY, "--profile", "full")
    assert _digests(tmp_path / "default") == _digests(tmp_path / "full")


def test_profile_formats_agree(tmp_path: Path) -> None:
    """A profile written as CSV, gzipped CSV or Parquet holds the same rows and facts."""
    truths = {}
    for fmt in ("csv", "csv.gz", "parquet"):
        out = tmp_path / fmt.replace(".", "_")
        _generate(out, "--profile", "marketplace", "--scale", "0.01", "--format", fmt)
        truths[fmt] = json.loads((out / "ground_truth.json").read_text())["profile"]
        assert {p.name for p in out.glob("shop_*")} == {f"{t}.{fmt}" for t in truths[fmt]["tables_written"]}
    assert truths["csv"] == truths["csv.gz"] == truths["parquet"]
