"""BI readers: the published warehouse opens in an older DuckDB, read-only.

BI tools bundle their own DuckDB, often an older one (Evidence's node client,
DBeaver's JDBC driver, Metabase's plugin). The loader creates every warehouse
file with DuckDB's storage compatibility set to v1.1.0, and the build and the
publish keep that format, so DuckDB 1.1 and later open it. This test opens the
test warehouse (built like the published one: loader, dbt build, checkpoint)
with DuckDB 1.1.3, installed by `make compat-duckdb` in a virtual environment of
its own (.venv-duckdb-compat), and reads every table and view in it.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMPAT_PYTHON = Path(os.environ.get("DUCKDB_COMPAT_PYTHON", ROOT / ".venv-duckdb-compat" / "bin" / "python"))

# run by the old DuckDB: every relation of the file, read read-only; prints a JSON report
READ_EVERY_RELATION = r"""
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
relations = con.execute(
    "select table_schema, table_name from information_schema.tables "
    "where table_catalog = current_database() order by 1, 2"
).fetchall()
unreadable = []
for schema, name in relations:
    try:
        con.execute(f'select count(*) from (select * from "{schema}"."{name}" limit 10)').fetchall()
    except duckdb.Error as exc:
        unreadable.append(f"{schema}.{name}: {str(exc).splitlines()[0][:200]}")
print(json.dumps({"version": duckdb.__version__, "relations": len(relations), "unreadable": unreadable}))
"""


def test_duckdb_1_1_reads_every_relation_of_the_published_format(built_warehouse: tuple[Path, Path]) -> None:
    assert COMPAT_PYTHON.exists(), f"{COMPAT_PYTHON} is missing: run `make compat-duckdb` (make test does)"
    result = subprocess.run(
        [str(COMPAT_PYTHON), "-c", READ_EVERY_RELATION, str(built_warehouse[0])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"DuckDB 1.1 cannot open {built_warehouse[0]}:\n{result.stderr[-2000:]}"
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["version"].startswith("1.1."), report["version"]
    assert report["relations"] > 100, report  # raw, staging, intermediate and marts
    assert report["unreadable"] == [], report["unreadable"]
