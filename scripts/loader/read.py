"""Finding the input files and reading each, completely and as text, into the working database."""

from __future__ import annotations

import csv
import gzip
import os
import time
from collections.abc import Sequence
from pathlib import Path

import duckdb

from scripts.loader.common import (
    FORMAT_EXPECTATIONS,
    MAX_LINE_BYTES,
    LoadError,
    _error_text,
    _ident,
    _lit,
    _Source,
    log,
)
from scripts.raw_contract import (
    FILE_SUFFIXES,
    TABLES,
    TableSpec,
)

# --------------------------------------------------------------------------- discovery


def _suffix_of(name: str) -> tuple[str, str] | None:
    """(table, suffix) for a file name matching the naming rule, else None."""
    for suffix in sorted(FILE_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix
    return None


def discover_files(input_dir: Path, warnings: list[str]) -> dict[str, Path]:
    """Map each contract table to its one input file; fatal on ambiguity or a missing required table."""
    if not input_dir.is_dir():
        raise LoadError(f"{input_dir}: input folder not found (expected a folder of raw files)")
    found: dict[str, list[Path]] = {}
    for path in sorted(input_dir.iterdir()):
        if path.name.startswith("."):
            continue
        parsed = _suffix_of(path.name)
        if parsed is not None and parsed[0] in TABLES and path.is_dir():
            raise LoadError(
                f"{path}: is a folder, not a file (expected one file {path.name} for table {parsed[0]}; "
                "Spark-style folders of part files are not read: concatenate the parts into one file)"
            )
        if parsed is not None and parsed[0] in TABLES and path.is_symlink() and not path.exists():
            raise LoadError(
                f"{path}: is a broken symbolic link (it points to {os.readlink(path)}, which does not exist; "
                f"expected a file for table {parsed[0]})"
            )
        if not path.is_file():
            parsed = None
        if parsed is None or parsed[0] not in TABLES:
            message = f"{path.name}: not a contract table file, ignored"
            warnings.append(message)
            log.warning(message)
            continue
        found.setdefault(parsed[0], []).append(path)
    files: dict[str, Path] = {}
    for table, paths in found.items():
        if len(paths) > 1:
            names = ", ".join(p.name for p in paths)
            raise LoadError(
                f"{input_dir}: ambiguous input for table {table}: {names} (expected exactly one file per table)"
            )
        files[table] = paths[0]
    for spec in TABLES.values():
        if spec.required and spec.name not in files:
            options = " or ".join(spec.name + s for s in FILE_SUFFIXES)
            raise LoadError(f"{input_dir}: required table {spec.name} is missing (expected a file {options})")
    return files


# --------------------------------------------------------------------------- reading


def _set_timezone(con: duckdb.DuckDBPyConnection, tz: str) -> str:
    """Validate ``tz`` and make it the session zone; return its canonical name."""
    row = con.execute(
        "SELECT min(name) FROM pg_timezone_names() WHERE lower(name) = lower(?)", [tz]
    ).fetchone()
    if not row or row[0] is None:
        raise LoadError(
            f"--assume-timezone: unknown time zone {tz!r} (expected an IANA name such as UTC or Europe/Paris)"
        )
    canonical = str(row[0])
    con.execute(f"SET TimeZone = {_lit(canonical)}")
    return canonical


def _read_sql(path: Path, suffix: str) -> str:
    if suffix == ".parquet":
        return f"read_parquet({_lit(str(path))})"
    compression = "gzip" if suffix == ".csv.gz" else "none"
    # Everything the sniffer could guess is pinned, except the line ending: a
    # guessed comment character or skipped lines would drop rows silently.
    return (
        f"read_csv({_lit(str(path))}, header = true, all_varchar = true, delim = ',', "
        f"quote = '\"', escape = '\"', comment = '', skip = 0, encoding = 'utf-8', "
        f"compression = '{compression}', strict_mode = true, null_padding = false, "
        f"max_line_size = {MAX_LINE_BYTES})"
    )


def _header_names(path: Path, suffix: str) -> list[str] | None:
    """The column names exactly as the file's header spells them (DuckDB renames duplicates)."""
    try:
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            return list(pq.read_schema(path).names)
        opener = gzip.open if suffix == ".csv.gz" else open
        with opener(path, "rt", encoding="utf-8-sig", errors="replace", newline="") as handle:
            return next(csv.reader(handle), None)
    except (OSError, ValueError, csv.Error, ImportError, EOFError):
        return None  # DuckDB read the header; its own errors are reported elsewhere


def _long_line(path: Path, suffix: str) -> tuple[int, int] | None:
    """(1-based line number, bytes) of the file's first line over MAX_LINE_BYTES, if any."""
    opener = gzip.open if suffix == ".csv.gz" else open
    with opener(path, "rb") as handle:
        for number, line in enumerate(handle, 1):
            if len(line) > MAX_LINE_BYTES:
                return number, len(line.rstrip(b"\r\n"))
    return None


def _unreadable(path: Path, suffix: str, exc: duckdb.Error, detail: str | None = None) -> LoadError:
    """The fatal error for a file DuckDB could not read, naming where and why."""
    expected = FORMAT_EXPECTATIONS[suffix]
    if "Maximum line size" in str(exc):
        found = _long_line(path, suffix)
        where = f"line {found[0]} of the file is {found[1]:,} bytes" if found else "a line is too long"
        detail = (
            f"{where}, over the line-size limit of {MAX_LINE_BYTES:,} bytes per line (record): "
            "shorten or split the long value"
        )
        return LoadError(f"{path}: {detail}")
    return LoadError(f"{path}: not readable as {expected} ({detail or _error_text(exc)})")


COMMENT_STARTS = ("#", "//", "--")


def _comment_hint(first: str) -> str:
    return (
        f"; the first line starts with {first.strip()[:20]!r}: comment lines are not allowed, "
        "the first line must be the header"
    )


def _diagnose_csv(con: duckdb.DuckDBPyConnection, path: Path, suffix: str) -> str | None:
    """Where and why a CSV the sniffer gave up on breaks: read again with the header's columns
    and nothing guessed, so DuckDB names the line and the problem (column count, open quote)."""
    header = _header_names(path, suffix)
    if not header:
        return None
    if header[0].lstrip().startswith(COMMENT_STARTS):
        return _comment_hint(header[0]).removeprefix("; ")
    columns = "{" + ", ".join(f"'_c{i}': 'VARCHAR'" for i in range(len(header))) + "}"
    compression = "gzip" if suffix == ".csv.gz" else "none"
    try:
        con.execute(
            f"SELECT count(*) FROM read_csv({_lit(str(path))}, auto_detect = false, header = true, "
            f"columns = {columns}, delim = ',', quote = '\"', escape = '\"', comment = '', skip = 0, "
            f"compression = '{compression}', strict_mode = true, null_padding = false, "
            f"max_line_size = {MAX_LINE_BYTES})"
        ).fetchall()
    except duckdb.Error as exc:
        return _error_text(exc) if "CSV Error" in str(exc) else None
    return None


def _check_duplicate_columns(path: Path, names: Sequence[str]) -> None:
    """Fatal when the header names a column twice (after trimming and lower-casing)."""
    seen: dict[str, str] = {}
    for name in names:
        key = name.strip().lower()
        if key in seen:
            raise LoadError(
                f"{path}: column {key!r} appears twice in the header (as {seen[key]!r} and {name!r}); "
                "expected each column once"
            )
        seen[key] = name


def _ends_with_line_break(path: Path, suffix: str) -> bool:
    """True when the CSV's last byte is a line break (a cut-off download usually is not)."""
    if suffix == ".csv":
        with path.open("rb") as handle:
            handle.seek(-1, os.SEEK_END)
            return handle.read(1) in (b"\n", b"\r")
    last = b""
    with gzip.open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            last = chunk[-1:]
    return last in (b"\n", b"\r")


UNTERMINATED_REASON = (
    "last line has no line break: the file may be cut off (a truncated download); "
    "end the file with a line break if the row is complete"
)


def _map_columns(spec: TableSpec, path: Path, file_columns: list[str], warnings: list[str]) -> dict[str, int]:
    """Contract column -> position in the file (names match trimmed and case-insensitively)."""
    positions: dict[str, int] = {}
    for index, name in enumerate(file_columns):
        key = name.strip().lower()
        if key in positions and key in spec.column_names:
            raise LoadError(f"{path}: column {key!r} appears twice (expected each contract column once)")
        positions.setdefault(key, index)
    mapping = {c: positions[c] for c in spec.column_names if c in positions}

    missing_optional = []
    for col in spec.columns:
        if col.name in mapping:
            continue
        if col.required:
            hint = ""
            if len(file_columns) == 1 and any(sep in file_columns[0] for sep in ";\t|"):
                hint = "; the header has a single column: is the file comma-separated?"
            elif file_columns and file_columns[0].lstrip().startswith(COMMENT_STARTS):
                hint = _comment_hint(file_columns[0])
            raise LoadError(
                f"{path}: required column {col.name!r} is missing "
                f"(expected a header with {col.name!r}: {col.type}, {col.description}){hint}"
            )
        missing_optional.append(col.name)
    if missing_optional:
        message = f"{path.name}: optional column(s) missing, loaded as NULL: {', '.join(missing_optional)}"
        warnings.append(message)
        log.warning(message)
    extra = [name for index, name in enumerate(file_columns) if index not in mapping.values()]
    if extra:
        message = f"{path.name}: extra column(s) ignored: {', '.join(extra)}"
        warnings.append(message)
        log.warning(message)
    return mapping


def stage_file(con: duckdb.DuckDBPyConnection, spec: TableSpec, path: Path, warnings: list[str]) -> _Source:
    """Read one file completely into an all-text table; fatal if unreadable or a required column is missing.

    Staged columns are named by position (``_c0``, ``_c1``, ...), so whatever
    the file's header holds (quotes, ``rowid``, odd case) cannot clash.
    """
    parsed = _suffix_of(path.name)
    assert parsed is not None
    suffix = parsed[1]
    expected = FORMAT_EXPECTATIONS[suffix]
    if path.stat().st_size == 0:
        raise LoadError(f"{path}: file is empty (expected {expected})")
    reader = _read_sql(path, suffix)
    try:
        file_columns = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()]
    except duckdb.Error as exc:
        detail = _diagnose_csv(con, path, suffix) if suffix != ".parquet" else None
        raise _unreadable(path, suffix, exc, detail) from exc
    header = _header_names(path, suffix)
    _check_duplicate_columns(path, header if header and len(header) == len(file_columns) else file_columns)
    # The header is checked before the whole file is read: a missing column fails fast.
    mapping = _map_columns(spec, path, file_columns, warnings)

    stage = f"_stage_{spec.name}"
    source = _Source(
        spec=spec,
        path=path,
        stage=stage,
        file_columns=file_columns,
        mapping={name: f"_c{index}" for name, index in mapping.items()},
        reader=_text_select(file_columns, reader),
    )
    # A CSV whose last line has no line break gets a reason on its last row, which
    # needs the row count first: such a file (rare) is staged like a table whose
    # references are checked through joins (which may shuffle rows, so they need
    # row numbers before). Every other file is checked straight from the reader,
    # in one pass (validate.validate_table), without an all-text copy.
    references = any(col.references for col in spec.columns)
    try:
        unterminated_file: bool | None = suffix != ".parquet" and not _ends_with_line_break(path, suffix)
    except (OSError, EOFError):
        unterminated_file = None  # a broken file: staging reports why
    if references or unterminated_file is not False:
        stage_source(con, source, suffix)
        if unterminated_file is None:
            unterminated_file = suffix != ".parquet" and not _ends_with_line_break(path, suffix)
        source.unterminated = unterminated_file and source.input_rows > 0
    return source


def _text_select(file_columns: list[str], reader: str) -> str:
    """The file's rows with every column as text, named by position (_c0, _c1, ...)."""
    # Parquet values are turned into text too, so every format passes the same checks.
    select = ", ".join(f"CAST({_ident(name)} AS VARCHAR) AS _c{i}" for i, name in enumerate(file_columns))
    return f"SELECT {select} FROM {reader}"


def stage_source(con: duckdb.DuckDBPyConnection, source: _Source, suffix: str | None = None) -> None:
    """Read the whole file into the all-text table ``source.stage`` (rowid = file order)."""
    if suffix is None:
        parsed = _suffix_of(source.path.name)
        assert parsed is not None
        suffix = parsed[1]
    assert source.reader is not None
    try:
        con.execute(f"CREATE OR REPLACE TABLE {_ident(source.stage)} AS {source.reader}")
    except duckdb.Error as exc:
        raise _unreadable(source.path, suffix, exc) from exc
    count = con.execute(f"SELECT count(*) FROM {_ident(source.stage)}").fetchone()
    source.input_rows = int(count[0]) if count else 0
    source.reader = None


def unreadable(source: _Source, exc: duckdb.Error) -> LoadError:
    """The fatal error for a file that failed while it was read and checked in one pass."""
    parsed = _suffix_of(source.path.name)
    assert parsed is not None
    return _unreadable(source.path, parsed[1], exc)


def _stage_all(
    con: duckdb.DuckDBPyConnection, files: dict[str, Path], warnings: list[str]
) -> dict[str, _Source]:
    """Read every input file completely, so any fatal problem surfaces before a write."""
    staged: dict[str, _Source] = {}
    for spec in TABLES.values():
        if spec.name not in files:
            message = f"{spec.name}: no input file, created empty (optional table)"
            warnings.append(message)
            log.info(message)
            continue
        started = time.perf_counter()
        source = stage_file(con, spec, files[spec.name], warnings)
        source.seconds = time.perf_counter() - started
        staged[spec.name] = source
        if source.reader is not None:
            log.info("%-32s header read from %s, checked from the file", spec.name, source.path.name)
            continue
        log.info(
            "%-32s read %11s rows from %s (%.1fs)",
            spec.name,
            f"{source.input_rows:,}",
            source.path.name,
            source.seconds,
        )
    return staged
