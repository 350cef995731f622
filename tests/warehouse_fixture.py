"""A built warehouse for tests that check the project end to end.

`make test` builds one (generate -> load -> dbt build) before pytest runs and
passes its path in TEST_WAREHOUSE, with the generated data in TEST_DATA_DIR, so
the tests reuse it. Run alone, pytest builds its own small one the same way.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# the generated shop holds its whole order history: its planted truths count
# every customer's first order, so no history warm-up applies (DECISIONLOG D203);
# every build of the generated data compared with these truths uses these vars
TEST_BUILD_VARS = "{history_complete: true}"
# dbt's command line with the parse's heap frozen before the command runs (scripts/pipeline/dbt_cli.py, D288)
DBT_CLI = [sys.executable, "-m", "scripts.pipeline.dbt_cli"]


def build_warehouse(workdir: Path, scale: str = "0.02", seed: str = "42") -> tuple[Path, Path]:
    """Generate, load and dbt-build a small warehouse in workdir; return (database, data dir)."""
    data_dir = workdir / "data"
    database = workdir / "warehouse.duckdb"
    env = dict(os.environ)
    env.update(
        WAREHOUSE_PATH=str(database),
        DBT_PROFILES_DIR=str(ROOT),
        DBT_SEND_ANONYMOUS_USAGE_STATS="False",
    )
    python = sys.executable
    steps = [
        [python, "-m", "scripts.generate_data", "--out", str(data_dir), "--scale", scale, "--seed", seed],
        [python, "-m", "scripts.load_raw", "--input", str(data_dir), "--database", str(database)],
        [
            *DBT_CLI,
            "build",
            "--quiet",
            "--target-path",
            str(workdir / "target"),
            "--vars",
            TEST_BUILD_VARS,
        ],
    ]
    for cmd in steps:
        result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return database, data_dir


def warehouse_paths(tmp_factory) -> tuple[Path, Path]:
    """The warehouse built by `make test`, or a freshly built one."""
    database = os.environ.get("TEST_WAREHOUSE")
    data_dir = os.environ.get("TEST_DATA_DIR")
    if database and data_dir:
        db_path, data_path = ROOT / database, ROOT / data_dir
        if not db_path.exists():
            raise FileNotFoundError(f"TEST_WAREHOUSE={database} does not exist: run `make dbt-test` first")
        return db_path, data_path
    return build_warehouse(tmp_factory.mktemp("warehouse"))
