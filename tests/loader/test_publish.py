"""The atomic publish of a DuckDB load (a reader never sees a partial load) and the keyed e-mail hash."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scripts import load_raw
from scripts.load_raw import LoadError, load, main
from scripts.loader import duckdb_writer
from tests.loader.helpers import (
    ANA_HASH,
    ROOT,
    load_data,
    query,
    snapshot,
    some,
    with_extra_row,
    write_folder,
)

# --------------------------------------------------------------------------- atomic publish


def test_reader_holding_the_published_file_never_blocks_or_sees_a_mix(tmp_path: Path) -> None:
    database = tmp_path / "w.duckdb"
    load(write_folder(tmp_path / "one", some()), database)
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
            "print(con.execute('SELECT count(*) FROM raw.shop_orders').fetchone()[0], flush=True); "
            "sys.stdin.readline(); "
            "print(con.execute('SELECT count(*) FROM raw.shop_orders').fetchone()[0], flush=True)",
            str(database),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None and reader.stdin is not None
        assert reader.stdout.readline().strip() == "2"
        # the reader holds the file open (read-only) while a second load publishes
        load(write_folder(tmp_path / "two", with_extra_row("shop_orders")), database)
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "2"  # its snapshot, never a mix
    finally:
        reader.kill()
        reader.wait()
    assert query(database, "SELECT count(*) FROM raw.shop_orders") == [(3,)]
    assert not load_raw.working_copy_of(database).exists()
    assert not Path(f"{database}.lock").exists()


@pytest.mark.parametrize("existed", [False, True])
def test_killed_load_leaves_the_published_file_as_it_was(tmp_path: Path, existed: bool) -> None:
    database = tmp_path / "w.duckdb"
    if existed:
        load(write_folder(tmp_path / "good", some()), database)
        before = snapshot(database)
    folder = write_folder(tmp_path / "in", with_extra_row("shop_orders"))
    # kill -9 the loader in the middle of its write (after some tables were replaced)
    killer = (
        "import os, sys; from scripts import load_raw; from scripts.loader import tables\n"
        "real = tables.table_ddl\n"
        "def ddl(target, *args):\n"
        "    if 'org_headcount' in target: os.kill(os.getpid(), 9)\n"
        "    return real(target, *args)\n"
        "tables.table_ddl = ddl; load_raw.load(sys.argv[1], sys.argv[2])"
    )
    done = subprocess.run(
        [sys.executable, "-c", killer, str(folder), str(database)], cwd=ROOT, check=False, capture_output=True
    )
    assert done.returncode == -9
    if existed:
        assert snapshot(database) == before
    else:
        assert not database.exists()  # no empty file where there was none
    # the next load removes the stale working copy and publishes
    load(folder, database)
    assert query(database, "SELECT count(*) FROM raw.shop_orders") == [(3,)]
    assert not load_raw.working_copy_of(database).exists()


def test_new_database_keeps_a_format_older_duckdb_reads(tmp_path: Path) -> None:
    _, database = load_data(tmp_path, some())
    tags = query(database, "SELECT tags FROM duckdb_databases() WHERE database_name = current_database()")
    assert tags == [({"storage_version": "v1.0.0+"},)]


def test_concurrent_load_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    import fcntl

    database = tmp_path / "w.duckdb"
    load(write_folder(tmp_path / "one", some()), database)
    before = snapshot(database)
    with open(f"{database}.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another load holds the database
        with pytest.raises(LoadError, match="another load into the same database is running"):
            load(write_folder(tmp_path / "two", with_extra_row("shop_orders")), database)
    assert snapshot(database) == before


def test_in_place_writes_straight_into_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    database = tmp_path / "w.building.duckdb"
    copies: list[tuple] = []
    monkeypatch.setattr(duckdb_writer.shutil, "copyfile", lambda *a: copies.append(a))
    load(write_folder(tmp_path / "one", some()), database, in_place=True)
    load(write_folder(tmp_path / "two", with_extra_row("shop_orders")), database, in_place=True)
    assert copies == []
    assert query(database, "SELECT count(*) FROM raw.shop_orders") == [(3,)]
    assert main(["--input", str(tmp_path / "one"), "--database", str(database), "--in-place"]) == 0
    assert query(database, "SELECT count(*) FROM raw.shop_orders") == [(2,)]


def test_leftover_write_ahead_log_is_fatal(tmp_path: Path) -> None:
    database = tmp_path / "w.duckdb"
    load(write_folder(tmp_path / "one", some()), database)
    Path(f"{database}.wal").write_bytes(b"x")
    with pytest.raises(LoadError, match="unfinished write-ahead log"):
        load(tmp_path / "one", database)


# --------------------------------------------------------------------------- keyed e-mail hash


def test_email_hash_needs_a_key_for_data_not_generated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KPI_PII_HASH_KEY")
    folder = write_folder(tmp_path / "in", some())
    with pytest.raises(LoadError, match=r"KPI_PII_HASH_KEY is not set: .*secrets.token_hex\(32\)"):
        load(folder, tmp_path / "w.duckdb")
    assert not (tmp_path / "w.duckdb").exists()

    # no addresses at all: no key needed
    data = some()
    for row in data["shop_customers"]:
        row["email"] = ""
    load(write_folder(tmp_path / "no_email", data), tmp_path / "n.duckdb")
    assert query(tmp_path / "n.duckdb", "SELECT count(email_hash) FROM raw.shop_customers") == [(0,)]

    # the generator's folder (its marker): the fixed demo key
    (folder / ".generated-by-generate_data").write_text("test\n")
    load(folder, tmp_path / "g.duckdb")
    assert query(
        tmp_path / "g.duckdb", "SELECT email_hash FROM raw.shop_customers WHERE customer_id = 'C1'"
    ) == [
        # HMAC-SHA256 of 'ana@example.com' under the documented demo key, computed once
        ("5ab0979c69de82fe3da83351f565e5a40c9ceafe56e347b8d2f14d59e1c18182",)
    ]


def test_email_hash_is_keyed_trimmed_lower_cased_and_not_read_from_the_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = some()
    data["shop_customers"][1]["email"] = "  ANA@Example.COM "
    for row in data["shop_customers"]:
        row["email_hash"] = "forged"
    _, db = load_data(tmp_path, data)
    assert query(db, "SELECT customer_id, email_hash FROM raw.shop_customers ORDER BY 1") == [
        ("C1", ANA_HASH),
        ("C2", ANA_HASH),
    ]
    assert "extra column(s) ignored: email_hash" in caplog.text
