"""Writing a checked load into a DuckDB file: a working copy published atomically (or in place)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from scripts.loader import tables
from scripts.loader.common import LoadError, TableResult, _error_text, _ident, _lit, _Source, log
from scripts.loader.tables import (
    LOAD_COLUMNS_COLUMNS,
    LOAD_COLUMNS_COMMENT,
    LOAD_COLUMNS_DDL,
    LOAD_SUMMARY_COLUMNS,
    LOAD_SUMMARY_COMMENT,
    LOAD_SUMMARY_DDL,
    REJECTED_ROWS_COLUMNS,
    REJECTED_ROWS_COMMENT,
    REJECTED_ROWS_DDL,
)
from scripts.raw_contract import (
    LOAD_COLUMNS_TABLE,
    LOAD_SUMMARY_TABLE,
    RAW_SCHEMA,
    REJECTED_ROWS_TABLE,
    REJECTS_SCHEMA,
    TABLES,
)

# New DuckDB files keep the storage format DuckDB 1.1+ reads (a file keeps its
# format on later writes), so older readers (BI tools) can open the warehouse.
STORAGE_VERSION = "v1.1.0"


def working_copy_of(database: Path) -> Path:
    """The file a load builds in before it is published over ``database``."""
    return Path(f"{database}.loading")


@contextlib.contextmanager
def _exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock named ``path`` (fatal when another load holds it); removed on exit."""
    import fcntl

    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise LoadError(f"{path}: cannot create the load's lock file ({exc.strerror})") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise LoadError(
                f"{path}: another load into the same database is running (wait for it to finish)"
            ) from None
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the holder before us removed the file: lock the new one
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
        os.close(fd)


def _write(
    con: duckdb.DuckDBPyConnection,
    database: Path,
    results: list[TableResult],
    staged: dict[str, _Source],
    loaded_at: dt.datetime,
    in_place: bool = False,
) -> None:
    """Replace the raw layer and the rejects, publishing the result atomically.

    The load builds in a working copy next to ``database`` (``<file>.loading``: a
    copy of the published file, or a new file), checkpoints it and renames it
    over ``database``: a reader holding the published file open never blocks the
    load and never sees a partial state, and a failed or killed load leaves the
    published file as it was (a stale working copy is removed by the next load).
    ``in_place`` writes straight into ``database`` (for a caller that already
    works on a private copy), in one transaction.
    """
    database.parent.mkdir(parents=True, exist_ok=True)
    if in_place:
        _write_file(con, database, results, staged, loaded_at, remove_on_failure=not database.exists())
        return
    wal = Path(f"{database}.wal")
    if wal.exists():
        raise LoadError(
            f"{wal}: the database has an unfinished write-ahead log (another program is writing to it, "
            "or one was killed); open the database once with DuckDB to recover it, then load again"
        )
    working = working_copy_of(database)
    with _exclusive_lock(Path(f"{database}.lock")):
        for stale in (working, Path(f"{working}.wal")):
            stale.unlink(missing_ok=True)
        try:
            if database.exists():
                try:
                    shutil.copyfile(database, working)
                except OSError as exc:
                    raise LoadError(
                        f"{working}: cannot copy the warehouse to a working copy, nothing was changed "
                        f"({exc.strerror})"
                    ) from exc
            _write_file(con, working, results, staged, loaded_at, remove_on_failure=True)
            os.replace(working, database)
        except BaseException:
            for leftover in (working, Path(f"{working}.wal")):
                leftover.unlink(missing_ok=True)
            raise


def _write_file(
    con: duckdb.DuckDBPyConnection,
    database: Path,
    results: list[TableResult],
    staged: dict[str, _Source],
    loaded_at: dt.datetime,
    remove_on_failure: bool,
) -> None:
    """Replace the raw layer and the rejects in ``database`` in one transaction, then checkpoint."""
    existed = database.exists()
    options = "" if existed else f" (STORAGE_VERSION {_lit(STORAGE_VERSION)})"
    try:
        con.execute(f"ATTACH {_lit(str(database))} AS wh{options}")
    except duckdb.Error as exc:
        raise LoadError(f"{database}: cannot open the warehouse database ({_error_text(exc)})") from exc
    raw, rej = f"wh.{_ident(RAW_SCHEMA)}", f"wh.{_ident(REJECTS_SCHEMA)}"
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {raw}; CREATE SCHEMA IF NOT EXISTS {rej}")
        for spec in TABLES.values():
            started = time.perf_counter()
            target = f"{raw}.{_ident(spec.name)}"
            descriptions = {c.name: c.description for c in spec.stored_columns}
            con.execute(tables.table_ddl(target, tables.column_ddl(spec), spec.description, descriptions))
            source = staged.get(spec.name)
            if source is not None:
                cols = ", ".join(_ident(c.name) for c in spec.stored_columns)
                order = "" if source.in_file_order else " ORDER BY _row_number"
                con.execute(
                    f"INSERT INTO {target} SELECT {cols} FROM {_ident('_final_' + spec.name)} "
                    f"WHERE _reason IS NULL{order}"
                )
            log.debug("wrote %s.%s in %.2fs", RAW_SCHEMA, spec.name, time.perf_counter() - started)

        rejected = f"{rej}.{_ident(REJECTED_ROWS_TABLE)}"
        con.execute(
            tables.table_ddl(rejected, REJECTED_ROWS_DDL, REJECTED_ROWS_COMMENT, REJECTED_ROWS_COLUMNS)
        )
        con.execute(
            f"INSERT INTO {rejected} SELECT * EXCLUDE (_order) FROM _rejects ORDER BY _order, row_number"
        )

        columns = f"{rej}.{_ident(LOAD_COLUMNS_TABLE)}"
        con.execute(tables.table_ddl(columns, LOAD_COLUMNS_DDL, LOAD_COLUMNS_COMMENT, LOAD_COLUMNS_COLUMNS))
        con.execute(f"INSERT INTO {columns} SELECT * FROM _load_columns")

        summary = f"{rej}.{_ident(LOAD_SUMMARY_TABLE)}"
        con.execute(tables.table_ddl(summary, LOAD_SUMMARY_DDL, LOAD_SUMMARY_COMMENT, LOAD_SUMMARY_COLUMNS))
        con.executemany(
            f"INSERT INTO {summary} VALUES (?, ?, ?, ?, ?, ?, ?)", tables.summary_rows(results, loaded_at)
        )
        started = time.perf_counter()
        con.execute("COMMIT")
        con.execute("CHECKPOINT wh")
        log.debug("committed in %.1fs", time.perf_counter() - started)
    except BaseException as exc:
        # Roll back whatever part of the write happened: the database keeps its previous content.
        for statement in ("ROLLBACK", "DETACH wh"):
            try:
                con.execute(statement)
            except duckdb.Error:
                log.debug("%s failed after a write error", statement, exc_info=True)
        if remove_on_failure:
            for leftover in (database, Path(f"{database}.wal")):
                leftover.unlink(missing_ok=True)
        if isinstance(exc, duckdb.Error):
            raise LoadError(f"{database}: write failed, nothing was changed ({_error_text(exc)})") from exc
        raise
    con.execute("DETACH wh")
