"""ground_truth.json: the planted parameters and the realized KPIs."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from scripts.generate.business_clock import Calendar
from scripts.generate.config import Config, Generated
from scripts.generate.truth_planted import DOC
from scripts.generate.truth_sql import realized_sql
from scripts.generate.truth_traffic import traffic_realized


def build_ground_truth(gen: Generated, cfg: Config, cal: Calendar) -> dict[str, Any]:
    """The realized KPIs: the SQL part on a thread (DuckDB lets go of the GIL)
    while the traffic part runs here."""
    import duckdb  # only needed here: importing it takes a sixth of a second

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="truth") as pool:
        sql_part = pool.submit(realized_sql, duckdb.connect(), gen, cfg, cal)
        traffic, experiments, sessions_by_month = traffic_realized(cal, gen)
        try:
            realized = sql_part.result()
        except duckdb.Error as exc:
            raise RuntimeError(f"ground truth query failed: {exc}") from exc
    realized["traffic"] = traffic
    realized["experiments"] = experiments
    for row in realized["monthly"]:
        row["sessions"] = sessions_by_month.get(row["month"], 0)
    return {"_doc": DOC, "planted": gen.planted, "realized": realized}
