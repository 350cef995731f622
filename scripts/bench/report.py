"""The benchmark's results: merged into results.json and rendered as Markdown tables."""

from __future__ import annotations

from typing import Any


def merge_results(old: dict[str, Any], new_entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Replace the entries of the scales just run, keep the others, sorted by scale."""
    by_scale = {float(e["scale"]): e for e in old.get("scales", [])}
    for entry in new_entries:
        by_scale[float(entry["scale"])] = entry
    return {"scales": [by_scale[s] for s in sorted(by_scale)]}


def _mb(value: float) -> str:
    return f"{value / 1024:.1f} GB" if value >= 1024 else f"{value:.0f} MB"


def _s(value: float) -> str:
    return f"{value:,.1f}"


def _step(steps: dict[str, Any], name: str) -> str:
    """'12.3 (1.2 GB)', or '-' for a step that was not run."""
    if name not in steps:
        return "-"
    return f"{_s(steps[name]['seconds'])} ({_mb(steps[name]['peak_mb'])})"


def render_markdown(results: dict[str, Any]) -> str:
    """The results file: one row per scale, ratios against the smallest scale, rows per table."""
    entries = results["scales"]
    if not entries:
        return "# Benchmark\n\nNo results yet: run `make bench`.\n"
    lines = ["# Benchmark", ""]
    dates = sorted({e["date"] for e in entries})
    first = entries[0]
    m, v = first["machine"], first["versions"]
    lines.append(
        f"Measured {', '.join(dates)} by `scripts/benchmark.py` (`make bench`) on a "
        f"{m['cpus']}-core, {m['memory_gb']} GB machine; dbt-core {v['dbt-core']}, "
        f"dbt-duckdb {v['dbt-duckdb']}, DuckDB {v['duckdb']}. Wall time in seconds; "
        "peak = maximum resident memory of the step's process tree."
    )
    lines.append("")
    lines.append(render_headline(entries))
    lines.append("## Every step")
    lines.append("")
    lines.append(
        "| scale | raw rows | generate s | load s (peak) | dbt build --full-refresh s (peak) "
        "| floor: compiled SQL, no dbt s (peak) | load increment s | incremental day s (peak) "
        "| dbt model time s | mart rows |"
    )
    lines.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for e in entries:
        st = e["steps"]
        lines.append(
            "| {scale:g} | {raw:,} | {gen} | {load} | {build} | {floor} | {load_inc} | {inc} "
            "| {models} | {marts:,} |".format(
                scale=e["scale"],
                raw=sum(e["raw_rows"].values()),
                gen=_s(st["generate"]["seconds"]),
                load=_step(st, "load"),
                build=_step(st, "dbt build"),
                floor=_step(st, "floor"),
                load_inc=_s(st["load increment"]["seconds"]) if "load increment" in st else "-",
                inc=_step(st, "incremental day"),
                models=_s(e["dbt_model_seconds"]),
                marts=sum(e["mart_rows"].values()),
            )
        )
    lines.append("")
    labels = sorted({e["incremental_label"] for e in entries})
    lines.append(f"Incremental day: {'; '.join(labels)}.")
    lines.append(
        "Generate: the whole history; it is then cut into the deliveries through the second-last "
        "and the last day (not in the table; see the JSON). Load: the first delivery. "
        "Floor: every model's compiled SQL run in DAG order as `create or replace table|view` "
        "in one DuckDB connection on the freshly loaded raw data (models only: no data tests, "
        "unit tests, contracts or persisted docs). dbt model time: the sum of dbt's own "
        "execution time of the models in the full build (it runs 2 threads, so it can exceed "
        "the part of the wall time spent on models)."
    )
    lines.append("")
    lines.append(render_breakdown(entries))
    lines.append("")
    lines.append(render_ratios(entries))
    lines.append("## Rows per table")
    lines.append("")
    header = "| table | " + " | ".join(f"scale {e['scale']:g}" for e in entries) + " |"
    lines.append(header)
    lines.append("|---|" + "---:|" * len(entries))
    for kind in ("raw_rows", "mart_rows"):
        prefix = "raw." if kind == "raw_rows" else "marts."
        names = sorted({name for e in entries for name in e[kind]})
        for name in names:
            cells = " | ".join(f"{e[kind].get(name, 0):,}" for e in entries)
            lines.append(f"| {prefix}{name} | {cells} |")
    lines.append("")
    lines.append("## Slowest models in the floor (seconds)")
    lines.append("")
    for e in entries:
        slow = ", ".join(f"{name} {sec:.1f}" for name, sec in e["floor_slowest_models"].items())
        lines.append(f"- scale {e['scale']:g}: {slow}")
    lines.append("")
    return "\n".join(lines)


def _peak(steps: dict[str, Any]) -> float:
    return max(s["peak_mb"] for s in steps.values())


def _parse(steps: dict[str, Any]) -> str:
    """The dbt parse before the full build and before the day, or '-' (measured before D287)."""
    full, day = steps.get("dbt parse"), steps.get("incremental parse")
    if full is None:
        return "-"
    return f"{_s(full['seconds'])} / {_s(day['seconds']) if day else '-'}"


def _warnings(entry: dict[str, Any]) -> str:
    """dbt's warnings in the full build and in the day, or '-' (not recorded before D296)."""
    full = entry.get("full_build_warnings")
    if full is None:
        return "-"
    day = (entry.get("incremental") or {}).get("warnings")
    return f"{full} / {'-' if day is None else day}"


def render_headline(entries: list[dict[str, Any]]) -> str:
    """The targets of issue 16 in one table: load speed, build against the floor, the daily run."""
    lines = [
        "| scale | raw rows | load rows/s | full build s | floor s | build / floor "
        "| incremental day s | day / full | docs s | dbt parse s (full / day) "
        "| dbt warnings (full / day) | peak memory |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for e in entries:
        st = e["steps"]
        rows = sum(e["raw_rows"].values())
        build, floor = st["dbt build"]["seconds"], st["floor"]["seconds"]
        day = st.get("incremental day")
        docs = st.get("docs")
        day_ratio = f"{day['seconds'] / build:.2f}" if day else "-"
        lines.append(
            f"| {e['scale']:g} | {rows / 1e6:.1f} M | {rows / st['load']['seconds'] / 1e6:.2f} M "
            f"| {_s(build)} | {_s(floor)} | {build / floor:.2f} "
            f"| {_s(day['seconds']) if day else '-'} | {day_ratio} "
            f"| {_s(docs['seconds']) if docs else '-'} | {_parse(st)} | {_warnings(e)} | {_mb(_peak(st))} |"
        )
    lines.append("")
    lines.append(
        "Load rows/s: raw rows of the first delivery over the load's wall time (every contract check "
        "included). Full build: `dbt build --full-refresh` without unit tests. Floor: the same models' "
        "compiled SQL in one DuckDB connection, no dbt. Incremental day: the next daily delivery, "
        "`dbt build` with the incremental models' tests on the rows it rebuilt. Docs: `dbt docs "
        "generate --no-compile` after the full build. Both builds and the docs run as the main job "
        "runs them: in one process after its parse, with the parsed manifest (D287); the parse is "
        "its own column (the main job runs it during the load; '-': measured before D287, when "
        "each build's time included its parse). dbt warnings: nodes that ended in a warning "
        "(contract data should give none; '-': not recorded before D296). Peak memory: the largest step."
    )
    lines.append("")
    return "\n".join(lines)


def render_breakdown(entries: list[dict[str, Any]]) -> str:
    """Where the full build and the incremental day spend dbt's execution time, per kind of node."""
    rows = [e for e in entries if e.get("full_build_seconds_by_kind")]
    if not rows:
        return ""
    kinds = sorted({k for e in rows for run in ("full", "day") for k in _kinds(e, run)})
    lines = [
        "dbt execution time per kind of node, full build / incremental day (seconds, summed over "
        "dbt's 2 threads):",
        "",
        "| scale | " + " | ".join(kinds) + " |",
        "|---:|" + "---:|" * len(kinds),
    ]
    for e in rows:
        full, day = _kinds(e, "full"), _kinds(e, "day")
        cells = [f"{_s(full[k]) if k in full else '-'} / {_s(day[k]) if k in day else '-'}" for k in kinds]
        lines.append(f"| {e['scale']:g} | " + " | ".join(cells) + " |")
    lines.append("")
    for e in rows:
        slow = e.get("incremental", {}).get("slowest_nodes")
        if slow:
            text = ", ".join(f"{name} {sec:.1f}" for name, sec in slow.items())
            lines.append(f"- scale {e['scale']:g}, slowest nodes of the incremental day: {text}")
    lines.append("")
    return "\n".join(lines)


def _kinds(entry: dict[str, Any], run: str) -> dict[str, float]:
    if run == "full":
        return entry.get("full_build_seconds_by_kind") or {}
    return entry.get("incremental", {}).get("seconds_by_kind") or {}


def render_ratios(entries: list[dict[str, Any]]) -> str:
    """Growth against the smallest scale (data ratio vs build time ratio) and incremental/full."""
    base = entries[0]
    base_rows = sum(base["raw_rows"].values())
    base_build = base["steps"]["dbt build"]["seconds"]
    lines = [
        "| scale | data ratio | build time ratio | floor time ratio | incremental / full | dbt build / floor |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for e in entries:
        rows = sum(e["raw_rows"].values())
        build = e["steps"]["dbt build"]["seconds"]
        floor = e["steps"]["floor"]["seconds"]
        incremental = e["steps"].get("incremental day")
        ratio = f"{incremental['seconds'] / build:.2f}" if incremental else "-"
        lines.append(
            f"| {e['scale']:g} | {rows / base_rows:.2f} | {build / base_build:.2f} | "
            f"{floor / base['steps']['floor']['seconds']:.2f} | {ratio} | {build / floor:.2f} |"
        )
    lines.append("")
    lines.append(f"Ratios are against scale {base['scale']:g}.")
    lines.append("")
    return "\n".join(lines)
