"""Checking the staged rows against the contract in SQL: the checked tables, the rejects
(the quarantine, with every reason) and the per-column profile of what loaded."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

import duckdb

from scripts.loader.common import (
    _GIVEN,
    _WHITESPACE,
    _WHITESPACE_CHARS,
    DATE_PATTERN,
    DECIMAL_PATTERN,
    INTEGER_PATTERN,
    TIMESTAMP_PATTERN,
    UTC_NAMES,
    TableResult,
    _ident,
    _lit,
    _num,
    _shown,
    _Source,
    log,
)
from scripts.loader.read import UNTERMINATED_REASON, stage_source, unreadable
from scripts.loader.tables import LOAD_COLUMNS_DDL
from scripts.raw_contract import (
    BOOLEAN_FALSE,
    BOOLEAN_TRUE,
    COVERAGE_DATE_COLUMN,
    TABLES,
    ColumnSpec,
    RowCheck,
    TableSpec,
)

# --------------------------------------------------------------------------- validation SQL


def _trimmed(expr: str) -> str:
    """Trimmed value, NULL when empty. The cheap edge test skips trim() for clean values.

    ``expr < '!'`` (strings compare bytewise) holds for an empty value and for one
    starting with any byte below '!': every trimmed character (space, tab, CR, LF)
    and a few other control characters, for which trim() changes nothing. One
    comparison thus stands for the four starts_with tests.
    """
    edges = " OR ".join([f"{expr} < '!'", *(f"ends_with({expr}, {char})" for char in _WHITESPACE_CHARS)])
    return f"nullif(CASE WHEN {edges} THEN trim({expr}, {_WHITESPACE}) ELSE {expr} END, '')"


def is_id_column(col: ColumnSpec) -> bool:
    """An id column (``*_id``): the literal text NULL in it is treated as missing."""
    return col.type == "string" and col.name.endswith("_id")


def _typed(col: ColumnSpec, v: str, timezone: str) -> str:
    """SQL turning the trimmed text ``v`` into the column's type; NULL when it does not parse."""
    if col.type == "string":
        if col.allowed:
            whens = " ".join(f"WHEN {_lit(a.lower())} THEN {_lit(a)}" for a in col.allowed)
            return f"CASE lower({v}) {whens} END"
        return v
    if col.type == "timestamp":
        aware = f"make_timestamp(epoch_us(try_cast({v} AS TIMESTAMPTZ)))"
        if timezone in UTC_NAMES:
            # Offset-less text is already UTC; the plain cast is much cheaper than
            # ICU, but it ignores offsets, so only use it when there is none.
            has_offset = f"(length({v}) > 10 AND regexp_matches(substr({v}, 12), '[Zz+-]'))"
            parsed = f"CASE WHEN {has_offset} THEN {aware} ELSE try_cast({v} AS TIMESTAMP) END"
        else:
            parsed = aware
        return f"CASE WHEN regexp_full_match({v}, {_lit(TIMESTAMP_PATTERN)}) THEN {parsed} END"
    if col.type == "date":
        return f"CASE WHEN regexp_full_match({v}, {_lit(DATE_PATTERN)}) THEN try_cast({v} AS DATE) END"
    if col.type == "integer":
        return f"CASE WHEN regexp_full_match({v}, {_lit(INTEGER_PATTERN)}) THEN try_cast({v} AS BIGINT) END"
    if col.type == "decimal":
        return f"CASE WHEN regexp_full_match({v}, {_lit(DECIMAL_PATTERN)}) THEN try_cast({v} AS {col.duckdb_type}) END"
    if col.type == "boolean":
        trues = ", ".join(_lit(x) for x in BOOLEAN_TRUE)
        falses = ", ".join(_lit(x) for x in BOOLEAN_FALSE)
        return f"CASE WHEN lower({v}) IN ({trues}) THEN true WHEN lower({v}) IN ({falses}) THEN false END"
    raise ValueError(f"unknown contract type {col.type!r}")


def _type_expectation(col: ColumnSpec) -> str:
    if col.allowed:
        return "not one of " + ", ".join(col.allowed)
    return {
        "timestamp": "not an ISO-8601 timestamp",
        "date": "not a date (expected YYYY-MM-DD)",
        "integer": "not an integer",
        "decimal": f"not a decimal number (or outside {col.duckdb_type})",
        "boolean": "not a boolean (expected true/false, 1/0, yes/no)",
    }[col.type]


@dataclass(frozen=True)
class Window:
    """The plausibility window of dates and timestamps: earliest date and load time (UTC)."""

    earliest: dt.date
    loaded_at: dt.datetime

    def latest(self, col: ColumnSpec) -> dt.datetime:
        return self.loaded_at + dt.timedelta(days=col.future_days)


def _window_reasons(col: ColumnSpec, t: str, window: Window) -> list[str]:
    """Reasons for a date or timestamp outside the plausibility window."""
    name = col.name
    latest = window.latest(col)
    if col.type == "date":
        lo, hi = f"DATE {_lit(window.earliest.isoformat())}", f"DATE {_lit(latest.date().isoformat())}"
        latest_text = f"{latest.date().isoformat()} (the load day + {col.future_days} days)"
    else:
        lo = f"TIMESTAMP {_lit(window.earliest.isoformat())}"
        hi = f"TIMESTAMP {_lit(latest.isoformat(sep=' ', timespec='seconds'))}"
        latest_text = (
            f"{latest.isoformat(sep=' ', timespec='seconds')} UTC (the load time + {col.future_days} days)"
        )
    shown = _shown(f"CAST({t} AS VARCHAR)")
    return [
        f"CASE WHEN {t} < {lo} THEN {_lit(name + ' ')} || {shown} || "
        f"{_lit(f' is before the earliest plausible date {window.earliest.isoformat()} (--earliest-date)')} "
        f"WHEN {t} > {hi} THEN {_lit(name + ' ')} || {shown} || "
        f"{_lit(f' is after the latest plausible value {latest_text}')} END"
    ]


def _scale(col: ColumnSpec) -> int:
    """Decimal places of a decimal column's storage type."""
    match = re.search(r"\(\s*\d+\s*,\s*(\d+)\s*\)", col.duckdb_type)
    return int(match.group(1)) if match else 0


def _column_reasons(col: ColumnSpec, v: str, t: str, window: Window | None = None) -> list[str]:
    """SQL expressions, each a reason text or NULL, for one column."""
    name = col.name
    reasons = []
    if col.required:
        reasons.append(f"CASE WHEN {v} IS NULL THEN {_lit(name + ' is missing (required)')} END")
    if col.type != "string" or col.allowed:
        reasons.append(
            f"CASE WHEN {v} IS NOT NULL AND {t} IS NULL "
            f"THEN {_lit(name + ' ')} || {_shown(v)} || {_lit(' is ' + _type_expectation(col))} END"
        )
    if col.pattern:
        label = col.pattern_name or "value"
        reasons.append(
            f"CASE WHEN {v} IS NOT NULL AND NOT regexp_full_match({v}, {_lit(col.pattern)}) "
            f"THEN {_lit(name + ' ')} || {_shown(v)} || {_lit(f' is not an {label} (expected {col.pattern})')} END"
        )
    range_text = col.range_text()
    if range_text:
        conditions = []
        if col.min_value is not None:
            conditions.append(f"{t} {'<=' if col.min_exclusive else '<'} {_num(col.min_value)}")
        if col.max_value is not None:
            conditions.append(f"{t} > {_num(col.max_value)}")
        reasons.append(
            f"CASE WHEN {' OR '.join(conditions)} "
            f"THEN {_lit(name + ' ')} || {_shown(v)} || {_lit(f' is out of range (expected {range_text})')} END"
        )
    if col.type == "decimal":
        # a value with more decimals than the storage keeps would be rounded: rejected instead
        scale = _scale(col)
        reasons.append(
            f"CASE WHEN {t} IS NOT NULL AND try_cast({v} AS DECIMAL(38,20)) <> {t} "
            f"THEN {_lit(name + ' ')} || {_shown(v)} || "
            f"{_lit(f' has more than {scale} decimals (the limit of {col.duckdb_type}; round it in the source)')} END"
        )
    if window is not None and col.type in ("date", "timestamp"):
        reasons += _window_reasons(col, t, window)
    return reasons


def _check_reason(check: RowCheck, alias: str) -> str:
    """SQL expression giving the reason text when a row check fails, else NULL.

    Inputs that are NULL make the comparison NULL, so the check does not apply.
    """

    def ref(column: str) -> str:
        return f"{alias}.{_ident(column)}"

    def text(column: str) -> str:
        return f"CAST({ref(column)} AS VARCHAR)"

    col = ref(check.column)
    if check.kind == "equals_sum":

        def signed_sum(render) -> str:
            terms = " ".join(f"{'+' if sign > 0 else '-'} {render(term)}" for sign, term in check.terms)
            return terms.removeprefix("+ ")

        expected, formula = signed_sum(ref), signed_sum(str)
        tolerance = _num(check.tolerance)
        return (
            f"CASE WHEN abs({col} - ({expected})) > {tolerance} THEN "
            f"{_lit(check.column + ' ')} || {text(check.column)} || "
            f"{_lit(f' does not match {formula} = ')} || CAST(({expected}) AS VARCHAR) || "
            f"{_lit(f' (tolerance {tolerance})')} END"
        )
    if check.kind in ("not_before", "not_above"):
        assert check.other is not None
        other = ref(check.other)
        op, word = ("<", "before") if check.kind == "not_before" else (">", "above")
        return (
            f"CASE WHEN {col} {op} {other} THEN {_lit(check.column + ' ')} || {text(check.column)} || "
            f"{_lit(f' is {word} {check.other} ')} || {text(check.other)} END"
        )
    if check.kind == "first_of_month":
        return (
            f"CASE WHEN day({col}) <> 1 THEN {_lit(check.column + ' ')} || {text(check.column)} || "
            f"{_lit(' is not the first day of a month')} END"
        )
    raise ValueError(f"unknown row check kind {check.kind!r}")


def _key_text(spec: TableSpec, alias: str) -> str:
    parts = [
        f"{_lit(k + '=')} || '''' || CAST({alias}.{_ident(k)} AS VARCHAR) || ''''" for k in spec.primary_key
    ]
    return " || ', ' || ".join(parts)


def validate_table(
    con: duckdb.DuckDBPyConnection,
    source: _Source,
    timezone: str,
    parents: Collection[str],
    window: Window | None = None,
) -> tuple[int, int]:
    """Build ``_final_<table>``: typed columns, ``_row_number`` and ``_reason`` (NULL = loaded).

    ``parents`` are the tables already validated, which references are checked
    against. Returns (loaded, rejected) row counts.
    """
    started = time.perf_counter()
    spec = source.spec
    name = spec.name
    checked, final = _ident(f"_checked_{name}"), _ident(f"_final_{name}")

    # 1. Trimmed text with defaults applied (a default is part of a key, so it comes first).
    text_cols = []
    given_cols = []  # whether the file gave a value where a default may fill in (data coverage)
    for col in spec.columns:
        if col.name in source.mapping:
            expr = _trimmed(_ident(source.mapping[col.name]))
            if is_id_column(col):
                # an export's NULL written out as text is no id: treated as missing
                expr = f"CASE WHEN upper({expr}) = 'NULL' THEN NULL ELSE {expr} END"
        else:
            expr = "CAST(NULL AS VARCHAR)"
        if col.default is not None:
            text_cols.append(f"{expr} IS NOT NULL AS {_ident(_GIVEN + col.name)}")
            given_cols.append(f"t.{_ident(_GIVEN + col.name)}")
            expr = f"coalesce({expr}, {_lit(col.default)})"
        text_cols.append(f"{expr} AS {_ident('_v_' + col.name)}")
    # 2. Typed values.
    typed_cols = [
        f"{_typed(col, _ident('_v_' + col.name), timezone)} AS {_ident(col.name)}" for col in spec.columns
    ]
    # 3. Reasons: per column, references, then row checks on the typed values.
    reasons: list[str] = []
    joins: list[str] = []
    for col in spec.columns:
        reasons += _column_reasons(col, f"t.{_ident('_v_' + col.name)}", f"t.{_ident(col.name)}", window)
    for index, col in enumerate(c for c in spec.columns if c.references):
        assert col.references is not None
        ref_table, ref_col = col.references
        alias = f"ref{index}"
        if ref_table in parents:
            keys_sql = (
                f"SELECT {_ident(ref_col)} AS key, bool_or(_reason IS NULL) AS loaded "
                f"FROM {_ident('_final_' + ref_table)} "
                f"WHERE {_ident(ref_col)} IS NOT NULL GROUP BY 1"
            )
        else:  # no file for the referenced table: nothing can match
            keys_sql = "SELECT CAST(NULL AS VARCHAR) AS key, true AS loaded WHERE false"
        joins.append(f"LEFT JOIN ({keys_sql}) AS {alias} ON t.{_ident(col.name)} = {alias}.key")
        value = f"{_lit(col.name + ' ')} || {_shown('t.' + _ident(col.name))}"
        reasons.append(
            f"CASE WHEN t.{_ident(col.name)} IS NOT NULL AND {alias}.key IS NULL "
            f"THEN {value} || {_lit(' not found in ' + ref_table)} "
            f"WHEN {alias}.key IS NOT NULL AND NOT {alias}.loaded "
            f"THEN {value} || {_lit(f' not found in {ref_table} (that row was rejected)')} END"
        )
    reasons += [_check_reason(check, "t") for check in spec.checks]
    if source.unterminated:
        reasons.append(f"CASE WHEN t._row_number = {source.input_rows} THEN {_lit(UNTERMINATED_REASON)} END")
    source.in_file_order = not joins

    col_list = ", ".join(f"t.{_ident(c.name)}" for c in spec.columns)
    reason_sql = f"nullif(concat_ws('; ', {', '.join(reasons)}), '')"
    if source.reader is None:
        con.execute(
            f"""
            CREATE OR REPLACE TABLE {checked} AS
            WITH text_values AS (
                SELECT rowid + 1 AS _row_number, {", ".join(text_cols)}
                FROM {_ident(source.stage)}
            ),
            typed AS (
                SELECT *, {", ".join(typed_cols)} FROM text_values
            )
            SELECT t._row_number, {col_list}, {"".join(c + ", " for c in given_cols)}
                {reason_sql} AS _reason
            FROM typed AS t
            {" ".join(joins)}
            """
        )
    else:
        # Straight from the file, in one pass: no joins here, so the rows keep the
        # file's order and the row number is the checked table's rowid + 1. The raw
        # text of a row is kept (as the rejects show it) only when it is rejected.
        assert not joins and not source.unterminated
        raw_cols = ", ".join(f"_c{i}" for i in range(len(source.file_columns)))
        pairs = ", ".join(f"{_lit(name)}, t._c{i}" for i, name in enumerate(source.file_columns))
        try:
            con.execute(
                f"""
                CREATE OR REPLACE TABLE {checked} AS
                WITH text_values AS (
                    SELECT {raw_cols}, {", ".join(text_cols)}
                    FROM ({source.reader})
                ),
                typed AS (
                    SELECT *, {", ".join(typed_cols)} FROM text_values
                ),
                reasoned AS (
                    SELECT *, {reason_sql} AS _reason FROM typed AS t
                )
                SELECT {col_list}, {"".join(c + ", " for c in given_cols)} t._reason,
                    CASE WHEN t._reason IS NOT NULL THEN CAST(json_object({pairs}) AS VARCHAR) END AS _raw_row
                FROM reasoned AS t
                """
            )
        except duckdb.Error as exc:
            raise unreadable(source, exc) from exc
        source.has_row_number = False

    log.debug("%s: rules checked in %.1fs", name, time.perf_counter() - started)

    # 4. Duplicate keys: the first row (in file order) not rejected otherwise is kept.
    keys = [_ident(k) for k in spec.primary_key]
    row_number = "_row_number" if source.has_row_number else "rowid + 1"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _duplicates AS
        SELECT {", ".join(keys)}, min({row_number}) AS _first
        FROM {checked}
        WHERE _reason IS NULL
        GROUP BY ALL
        HAVING count(*) > 1
        """
    )
    duplicates = con.execute("SELECT count(*) FROM _duplicates").fetchone()
    if duplicates and duplicates[0]:
        key_join = " AND ".join(f"c.{k} = d.{k}" for k in keys)
        numbered = "" if source.has_row_number else "c.rowid + 1 AS _row_number, "
        con.execute(
            f"""
            CREATE OR REPLACE TABLE {final} AS
            SELECT {numbered}c.* EXCLUDE (_reason),
                CASE
                    WHEN c._reason IS NOT NULL THEN c._reason
                    WHEN d._first IS NOT NULL AND c.{row_number} <> d._first
                        THEN 'duplicate primary key (' || {_key_text(spec, "c")} || ')'
                END AS _reason
            FROM {checked} AS c
            LEFT JOIN _duplicates AS d ON {key_join}
            """
        )
        con.execute(f"DROP TABLE {checked}")
        source.in_file_order = False
        source.has_row_number = True
    else:
        con.execute(f"DROP TABLE IF EXISTS {final}")
        con.execute(f"ALTER TABLE {checked} RENAME TO {final}")
    con.execute("DROP TABLE _duplicates")
    log.debug("%s: keys checked in %.1fs", name, time.perf_counter() - started)
    row = con.execute(f"SELECT count(*), count(_reason) FROM {final}").fetchone()
    assert row is not None
    total, rejected = int(row[0]), int(row[1])
    if source.reader is not None:
        source.input_rows = total
    return total - rejected, rejected


def _collect_rejects(con: duckdb.DuckDBPyConnection, source: _Source, order: int) -> None:
    """Append the table's rejected rows, with the raw row as read, to ``_rejects``."""
    final = _ident("_final_" + source.spec.name)
    row_number = "f._row_number" if source.has_row_number else "f.rowid + 1"
    if source.reader is not None:
        # checked straight from the file: the raw text of rows rejected by the
        # checks was kept; a duplicate key needs the file read again (rare)
        missing = con.execute(
            f"SELECT count(*) FROM {final} WHERE _reason IS NOT NULL AND _raw_row IS NULL"
        ).fetchone()
        if not (missing and missing[0]):
            con.execute(
                f"""
                INSERT INTO _rejects
                SELECT {_lit(source.spec.name)}, {_lit(source.path.name)}, {row_number},
                    f._raw_row, f._reason, {order}
                FROM {final} AS f
                WHERE f._reason IS NOT NULL
                """
            )
            return
        stage_source(con, source)
    pairs = ", ".join(f"{_lit(name)}, s._c{i}" for i, name in enumerate(source.file_columns))
    con.execute(
        f"""
        INSERT INTO _rejects
        SELECT {_lit(source.spec.name)}, {_lit(source.path.name)}, {row_number},
            CAST(json_object({pairs}) AS VARCHAR), f._reason, {order}
        FROM {final} AS f
        JOIN {_ident(source.stage)} AS s ON s.rowid = {row_number} - 1
        WHERE f._reason IS NOT NULL
        """
    )


def _profile_columns(
    con: duckdb.DuckDBPyConnection, staged: dict[str, _Source], loaded_at: dt.datetime
) -> None:
    """Build ``_load_columns``: per contract table and column, what the load carried.

    One aggregate query per loaded table counts its loaded rows, the rows with
    a value in each column (as the file gave it: a default the loader filled in,
    such as category 'unknown' or discount 0, does not count) and the span of
    each date or timestamp column; a table without a file gets its rows with
    zero counts.
    """
    con.execute(f"CREATE TABLE _load_columns ({LOAD_COLUMNS_DDL})")
    rows: list[list[object]] = []
    for spec in TABLES.values():
        source = staged.get(spec.name)
        stats: dict[str, object] = {}
        if source is not None:
            parts = ["count(*) AS _rows"]
            for i, column in enumerate(spec.columns):
                if column.default is not None:
                    # a value the loader filled in is not data the file carried
                    parts.append(f"count(*) FILTER (WHERE {_ident(_GIVEN + column.name)}) AS n{i}")
                else:
                    parts.append(f"count({_ident(column.name)}) AS n{i}")
                if column.type in ("date", "timestamp"):
                    parts.append(f"CAST(min({_ident(column.name)}) AS DATE) AS lo{i}")
                    parts.append(f"CAST(max({_ident(column.name)}) AS DATE) AS hi{i}")
            cursor = con.execute(
                f"SELECT {', '.join(parts)} FROM {_ident('_final_' + spec.name)} WHERE _reason IS NULL"
            )
            names = [d[0] for d in cursor.description]
            stats = dict(zip(names, cursor.fetchone(), strict=True))
        for i, column in enumerate(spec.columns):
            rows.append(
                [
                    spec.name,
                    column.name,
                    spec.required,
                    column.required,
                    source is not None and column.name in source.mapping,
                    int(stats.get("_rows", 0)),
                    int(stats.get(f"n{i}", 0)),
                    stats.get(f"lo{i}"),
                    stats.get(f"hi{i}"),
                    COVERAGE_DATE_COLUMN[spec.name] == column.name,
                    loaded_at,
                ]
            )
    # one statement for all rows (executemany runs one INSERT per row: slow for ~200 rows)
    placeholders = ", ".join("(" + ", ".join("?" for _ in range(11)) + ")" for _ in rows)
    con.execute(
        f"INSERT INTO _load_columns SELECT * FROM (VALUES {placeholders})",
        [value for row in rows for value in row],
    )


def _warn_if_empty(
    spec: TableSpec, source: _Source, staged: dict[str, _Source], warnings: list[str] | None
) -> None:
    """Warn when a required table's file has a header but no rows."""
    if spec.required and source.input_rows == 0 and warnings is not None:
        dependants = sorted(
            t.name
            for t in TABLES.values()
            for c in t.columns
            if c.references and c.references[0] == spec.name and t.name in staged
        )
        also = f"; every row of {', '.join(dependants)} that refers to it is rejected" if dependants else ""
        message = (
            f"WARNING: required table {spec.name} has a header but no rows ({source.path.name}): "
            f"its KPIs will be empty{also}"
        )
        warnings.append(message)
        log.warning(message)


def _validate_all(
    con: duckdb.DuckDBPyConnection,
    staged: dict[str, _Source],
    timezone: str,
    window: Window | None = None,
    warnings: list[str] | None = None,
) -> list[TableResult]:
    """Check every staged table in contract order (parents before references)."""
    con.execute(
        "CREATE TABLE _rejects (table_name VARCHAR, source_file VARCHAR, "
        "row_number BIGINT, raw_row VARCHAR, reason VARCHAR, _order INTEGER)"
    )
    results: list[TableResult] = []
    validated: set[str] = set()
    for order, spec in enumerate(TABLES.values()):
        source = staged.get(spec.name)
        if source is None:
            results.append(TableResult(spec.name, None, 0, 0, 0, 0.0))
            continue
        started = time.perf_counter()
        loaded, rejected = validate_table(con, source, timezone, parents=validated, window=window)
        validated.add(spec.name)
        # after the check: a table checked straight from its file knows its row count only then
        _warn_if_empty(spec, source, staged, warnings)
        if loaded + rejected != source.input_rows:
            raise RuntimeError(
                f"{spec.name}: loaded {loaded} + rejected {rejected} != input {source.input_rows}"
            )
        if rejected:
            _collect_rejects(con, source, order)
        con.execute(f"DROP TABLE IF EXISTS {_ident(source.stage)}")
        seconds = time.perf_counter() - started
        results.append(
            TableResult(
                table=spec.name,
                source_file=source.path.name,
                input_rows=source.input_rows,
                loaded_rows=loaded,
                rejected_rows=rejected,
                seconds=source.seconds + seconds,
            )
        )
        log.info(
            "%-32s checked: %s loaded, %s rejected (%.1fs)",
            spec.name,
            f"{loaded:,}",
            f"{rejected:,}",
            seconds,
        )
    return results


OVER_REFUNDS_SQL = """
WITH orders AS (
    SELECT order_id, currency, items_amount - coalesce(discount_amount, 0) AS refundable
    FROM _final_shop_orders WHERE _reason IS NULL
),
items AS (
    SELECT order_item_id, quantity * unit_price - coalesce(discount_amount, 0) AS refundable
    FROM _final_shop_order_items WHERE _reason IS NULL
),
dated AS (
    SELECT r.refund_id, r.order_id, r.order_item_id, r.amount, r.refunded_at, o.currency,
        CASE WHEN r.order_item_id IS NULL THEN o.refundable ELSE coalesce(i.refundable, 0) END AS refundable
    FROM _final_shop_refunds AS r
    JOIN orders AS o ON r.order_id = o.order_id
    LEFT JOIN items AS i ON r.order_item_id = i.order_item_id
    WHERE r._reason IS NULL
),
with_earlier AS (
    SELECT *, coalesce(sum(CASE WHEN refunded_at IS NOT NULL THEN amount END) OVER (
        PARTITION BY order_id, coalesce(order_item_id, '')
        ORDER BY refunded_at, refund_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS earlier
    FROM dated
),
excess AS (
    SELECT currency, amount - least(amount, greatest(refundable - earlier, 0)) AS excess FROM with_earlier
)
SELECT currency, count(*), sum(excess) FROM excess WHERE excess > 0 GROUP BY currency ORDER BY currency
"""


def _over_refunds(
    con: duckdb.DuckDBPyConnection, staged: dict[str, _Source]
) -> list[tuple[str, int, Decimal]]:
    """Refunds larger than what they refund (their line, or the whole order, less earlier
    completed refunds of it), per currency: loaded as they are, capped downstream, reported here."""
    if "shop_refunds" not in staged:
        return []
    return [(str(c), int(n), Decimal(str(x))) for c, n, x in con.execute(OVER_REFUNDS_SQL).fetchall()]
