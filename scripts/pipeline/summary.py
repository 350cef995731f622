"""What a run prints at the end: rows per raw table, what dbt built, the data coverage, the
unresolved references and the headline KPIs."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

# --------------------------------------------------------------------------- summary


def raw_row_counts(warehouse: Path) -> list[tuple[str, int, int, int]]:
    """(table, input, loaded, rejected) per raw table, from the loader's summary."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(
            "select table_name, input_rows, loaded_rows, rejected_rows "
            "from raw_rejects.load_summary order by table_name"
        ).fetchall()
    finally:
        con.close()


HEADLINE_KPIS: tuple[str, ...] = (
    "gmv",
    "net_revenue",
    "orders",
    "aov",
    "gross_margin_pct",
    "new_customers",
    "session_conversion_rate",
    "net_revenue_growth_yoy",
    "nps",
    "csat",
    "on_time_delivery_rate",
)


def headline_kpis(warehouse: Path) -> tuple[str | None, list[tuple[str, str, float | None, float | None]]]:
    """The last complete month and its headline KPIs: (kpi_id, unit, value, target)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        month = con.execute(
            "select max(period_start) from marts.kpi_values "
            "where kpi_id = 'gmv' and grain = 'month' and dimension = 'total' and is_complete"
        ).fetchone()[0]
        if month is None:
            return None, []
        rows = con.execute(
            "select kpi_id, unit, value, target from marts.kpi_values "
            "where grain = 'month' and dimension = 'total' and period_start = ? and kpi_id in "
            f"({', '.join('?' for _ in HEADLINE_KPIS)})",
            [month, *HEADLINE_KPIS],
        ).fetchall()
    finally:
        con.close()
    order = {kpi: i for i, kpi in enumerate(HEADLINE_KPIS)}
    return str(month)[:7], sorted(rows, key=lambda row: order[row[0]])


def format_kpi(unit: str, value: float | None) -> str:
    if value is None:
        return "-"
    if unit == "rate":
        return f"{value:.1%}"
    if unit == "currency":
        return f"{value:,.2f}"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def headline_lines(
    month: str | None,
    kpis: Sequence[tuple[str, str, float | None, float | None]],
    not_computable: set[str],
) -> list[str]:
    """The headline KPI table; a KPI the coverage lists as not computable reads so, not '-'."""
    if not month:
        return []
    lines = [
        "",
        f"headline KPIs of {month} (last complete month; all in marts.kpi_values)",
        f"{'kpi':<28}{'value':>16}{'target':>16}",
    ]
    for kpi_id, unit, value, target in kpis:
        shown = "not computable" if value is None and kpi_id in not_computable else format_kpi(unit, value)
        lines.append(f"{kpi_id:<28}{shown:>16}{format_kpi(unit, target):>16}")
    listed = {row[0] for row in kpis}
    for kpi_id in HEADLINE_KPIS:
        if kpi_id not in listed and kpi_id in not_computable:
            lines.append(f"{kpi_id:<28}{'not computable':>16}{'-':>16}")
    return lines


def read_coverage(warehouse: Path) -> tuple[Any, str]:
    """(Coverage, '') from marts.data_coverage and marts.kpi_coverage, or (None, why not)."""
    from scripts.build_dashboard import read_coverage as read_marts

    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        return None, f"cannot open {warehouse}: {exc}"
    try:
        return read_marts(con, "marts")
    finally:
        con.close()


def unresolved_references(warehouse: Path) -> list[tuple[str, str, int, int, str]] | None:
    """(raw_input, refers_to_table, unresolved_rows, unresolved_keys, example) of every reference
    in marts.data_references that does not resolve; None when the mart cannot be read."""
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return None
    try:
        return con.execute(
            "select raw_input, refers_to_table, unresolved_rows, unresolved_keys, example_unresolved_key "
            "from marts.data_references where not is_resolved order by raw_input"
        ).fetchall()
    except duckdb.Error:
        return None
    finally:
        con.close()


def reference_lines(unresolved: Sequence[tuple[str, str, int, int, str]] | None) -> list[str]:
    """The summary's lines on references to rows the data does not hold (D296)."""
    if unresolved is None:
        return ["", "unresolved references: not available (marts.data_references cannot be read)"]
    if not unresolved:
        return ["", "unresolved references (marts.data_references): none"]
    lines = ["", "unresolved references (marts.data_references; loaded and counted, see its description):"]
    for raw_input, refers_to, n_rows, n_keys, example in unresolved:
        keys = "1 key" if n_keys == 1 else f"{n_keys:,} keys"
        lines.append(f"  {raw_input:<44} -> {refers_to:<16}{n_rows:>10,} rows ({keys}, e.g. {example})")
    return lines


def _wrapped(label: str, items: Sequence[str], indent: int = 4) -> list[str]:
    text = f"{label}{', '.join(items)}"
    return textwrap.wrap(
        text,
        width=100,
        initial_indent=" " * indent,
        subsequent_indent=" " * (indent + 4),
        break_on_hyphens=False,
    )


def _date(value: Any) -> str:
    return "?" if value is None else str(value)[:10]


def coverage_lines(coverage: Any, why_not: str, history_complete: Any) -> list[str]:
    """The summary's data coverage section (one line when the coverage marts are not there)."""
    lines = ["", "data coverage (marts.data_coverage, marts.kpi_coverage)"]
    if coverage is None:
        lines[-1] = f"data coverage: not available ({why_not})"
        return lines
    present, absent = coverage.present_tables, coverage.absent_tables
    lines.append(f"  tables present ({len(present)}):")
    for table in present:
        rows = table["row_count"] or 0
        span = (
            f"{_date(table['first_date'])}..{_date(table['last_date'])}"
            if table["first_date"] is not None or table["last_date"] is not None
            else "(no dates)"
        )
        lines.append(f"    {table['table_name']:<34}{rows:>12,} rows  {span}")
    if absent:
        names = [t["table_name"] + (" (REQUIRED)" if t["is_required"] else "") for t in absent]
        lines += _wrapped(f"tables absent ({len(absent)}): ", names, indent=2)
    else:
        lines.append("  tables absent: none")
    if coverage.empty_columns:
        lines += _wrapped("optional columns empty: ", coverage.empty_columns, indent=2)
    else:
        lines.append("  optional columns empty: none")
    computable = len(coverage.kpis) - len(coverage.not_computable)
    lines.append(f"  {computable} of {len(coverage.kpis)} KPIs computable")
    for missing, kpi_ids in coverage.not_computable_by_input().items():
        lines += _wrapped(f"not computable without {missing} ({len(kpi_ids)}): ", kpi_ids)
    history = "true" if history_complete is True else str(history_complete).lower()
    warm = coverage.warm_up_groups()
    if not warm:
        lines.append(f"  history_complete: {history}; no KPI waits for a warm-up")
    else:
        lines.append(f"  history_complete: {history}; KPIs complete only once they have enough history:")
        for (days, complete_from), kpi_ids in warm.items():
            when = f"complete from {complete_from}" if complete_from else "no complete period yet"
            lines += _wrapped(f"{days}-day warm-up, {when}: ", kpi_ids)
    return lines


def dbt_results(run_results: Path) -> dict[str, dict[str, int]]:
    """Counts of dbt nodes by resource type and status from run_results.json."""
    counts: dict[str, dict[str, int]] = {}
    results = json.loads(run_results.read_text())["results"]
    for result in results:
        kind = result["unique_id"].split(".")[0]
        status = str(result["status"])
        counts.setdefault(kind, {}).setdefault(status, 0)
        counts[kind][status] += 1
    return counts
