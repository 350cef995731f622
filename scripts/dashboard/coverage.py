"""Data coverage: which raw tables and columns the warehouse was built from and which KPIs
they make computable (marts.data_coverage, marts.kpi_coverage); run_pipeline's summary reads it too."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import duckdb

from scripts.dashboard.common import COVERAGE_TABLES, Section, _day, log
from scripts.dashboard.data import _dicts, existing_tables


@dataclass
class Coverage:
    """What the warehouse was built from and what that makes computable.

    ``tables``: the table rows of marts.data_coverage (column_name NULL);
    ``empty_columns``: ``table.column`` of the optional columns without a value
    in tables that are present; ``kpis``: marts.kpi_coverage.
    """

    tables: list[dict[str, Any]]
    empty_columns: list[str]
    kpis: list[dict[str, Any]]

    @property
    def present_tables(self) -> list[dict[str, Any]]:
        return [t for t in self.tables if t["is_present"]]

    @property
    def absent_tables(self) -> list[dict[str, Any]]:
        return [t for t in self.tables if not t["is_present"]]

    @property
    def not_computable(self) -> list[dict[str, Any]]:
        return [k for k in self.kpis if not k["is_computable"]]

    def not_computable_by_input(self) -> dict[str, list[str]]:
        """KPI ids not computable, grouped by their missing inputs (most KPIs first)."""
        groups: dict[str, list[str]] = {}
        for kpi in self.not_computable:
            groups.setdefault(kpi["missing_inputs"] or "(inputs not named)", []).append(kpi["kpi_id"])
        return {
            missing: sorted(kpi_ids)
            for missing, kpi_ids in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
        }

    def warm_up_groups(self) -> dict[tuple[int, str], list[str]]:
        """Computable KPI ids that need a warm-up of history, by (warm-up days, complete_from)."""
        groups: dict[tuple[int, str], list[str]] = {}
        for kpi in self.kpis:
            if kpi["complete_from"] is None or not kpi["is_computable"]:  # no warm-up applies
                continue
            key = (int(kpi["warm_up_days"] or 0), str(kpi["complete_from"])[:10])
            groups.setdefault(key, []).append(kpi["kpi_id"])
        return {key: sorted(kpi_ids) for key, kpi_ids in sorted(groups.items())}


def read_coverage(con: duckdb.DuckDBPyConnection, schema: str) -> tuple[Coverage | None, str]:
    """(Coverage, '') from the two coverage marts, or (None, why not) when they are absent or unreadable."""
    present = existing_tables(con, schema)
    missing = [f"{schema}.{t}" for t in COVERAGE_TABLES if t not in present]
    if missing:
        return None, f"the warehouse has no {' or '.join(missing)} (built before the coverage marts existed?)"
    # select *: a column added to the marts later does not break the panel; the
    # columns read below are those the marts document (source_file may be absent)
    try:
        tables = _dicts(con.execute(f"select * from {schema}.data_coverage where column_name is null"))
        empty = con.execute(
            f"""
            select c.table_name || '.' || c.column_name
            from {schema}.data_coverage as c
            inner join {schema}.data_coverage as t
                on t.table_name = c.table_name and t.column_name is null and t.is_present
            where c.column_name is not null and not c.is_required and not c.is_present
            order by c.table_name, c.column_name
            """
        ).fetchall()
        kpis = _dicts(con.execute(f"select * from {schema}.kpi_coverage"))
        needed = {
            "data_coverage": ({"table_name", "is_required", "is_present", "row_count"}, tables),
            "kpi_coverage": ({"kpi_id", "is_computable", "missing_inputs", "complete_from"}, kpis),
        }
        for mart, (columns, rows) in needed.items():
            lacking = sorted(columns - set(rows[0])) if rows else []
            if lacking:
                return None, f"{schema}.{mart} lacks column(s) {', '.join(lacking)}"
    except duckdb.Error as exc:
        return None, f"the coverage marts could not be read: {' '.join(str(exc).split())[:200]}"
    for row in tables:
        for name in ("source_file", "first_date", "last_date"):
            row.setdefault(name, None)
    for row in kpis:
        row.setdefault("kpi_name", row["kpi_id"])
        row.setdefault("layer", "")
        row.setdefault("warm_up_days", None)
    tables.sort(key=lambda t: (not t["is_present"], not t["is_required"], t["table_name"]))
    kpis.sort(key=lambda k: (str(k["layer"]), k["kpi_id"]))
    return Coverage(tables=tables, empty_columns=[row[0] for row in empty], kpis=kpis), ""


def coverage_section(con: duckdb.DuckDBPyConnection, schema: str) -> Section:
    """The data coverage panel: raw tables present and absent, empty optional columns,
    the KPIs not computable with their missing inputs, and the history warm-up."""
    coverage, why_not = read_coverage(con, schema)
    if coverage is None:
        return Section(
            section_id="coverage",
            title="Data coverage",
            intro=f"Not available: {why_not}.",
        )
    log.info("%-38s %6d tables, %d KPIs", "data coverage", len(coverage.tables), len(coverage.kpis))
    computable = len(coverage.kpis) - len(coverage.not_computable)
    with_files = any(t["source_file"] for t in coverage.tables)
    table_rows = "".join(
        f"<tr><td>{html.escape(str(t['table_name']))}</td>"
        f"<td>{'required' if t['is_required'] else 'optional'}</td>"
        + (f"<td>{html.escape(str(t['source_file'] or ''))}</td>" if with_files else "")
        + f"<td>{t['row_count'] or 0:,}</td><td>{_day(t['first_date'])}</td><td>{_day(t['last_date'])}</td></tr>"
        for t in coverage.present_tables
    )
    parts = [
        f'<p class="coverage-headline"><b>{computable} of {len(coverage.kpis)} KPIs computable</b> '
        f"from {len(coverage.present_tables)} of {len(coverage.tables)} raw tables.</p>",
        '<table class="data" id="coverage-tables"><thead><tr><th>table present</th><th>kind</th>'
        + ("<th>file</th>" if with_files else "")
        + "<th>rows</th><th>first date</th><th>last date</th></tr></thead>"
        f"<tbody>{table_rows}</tbody></table>",
    ]
    absent = [
        html.escape(str(t["table_name"])) + (" <b>(required)</b>" if t["is_required"] else "")
        for t in coverage.absent_tables
    ]
    parts.append(f"<p><b>Tables absent</b> (loaded empty): {', '.join(absent) if absent else 'none'}.</p>")
    empty = ", ".join(html.escape(c) for c in coverage.empty_columns) or "none"
    parts.append(f"<p><b>Optional columns without a value</b>: {empty}.</p>")
    groups = coverage.not_computable_by_input()
    if groups:
        names = {k["kpi_id"]: k["kpi_name"] or k["kpi_id"] for k in coverage.kpis}
        body = "".join(
            f"<tr><td>{html.escape(missing)}</td><td>{len(kpi_ids)}</td>"
            f"<td>{html.escape(', '.join(sorted(str(names[k]) for k in kpi_ids)))}</td></tr>"
            for missing, kpi_ids in groups.items()
        )
        parts.append(
            '<table class="data" id="coverage-kpis"><thead><tr><th>missing inputs</th><th>KPIs</th>'
            f"<th>not computable</th></tr></thead><tbody>{body}</tbody></table>"
        )
    else:
        parts.append("<p>Every KPI is computable from this data.</p>")
    warm = coverage.warm_up_groups()
    if warm:
        items = "".join(
            f"<li>{days}-day warm-up: complete from {start}: {html.escape(', '.join(kpi_ids))}</li>"
            for (days, start), kpi_ids in warm.items()
        )
        parts.append(
            "<p><b>History warm-up</b> (from the first day whose periods have enough history; "
            f"none with history_complete):</p><ul>{items}</ul>"
        )
    return Section(
        section_id="coverage",
        title="Data coverage",
        intro=(
            "What this warehouse was built from (marts.data_coverage) and which KPIs that makes computable "
            "(marts.kpi_coverage). A table absent from the export loads empty; the KPIs that need it read NULL."
        ),
        extra_html="".join(parts),
    )
