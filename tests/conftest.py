"""Shared pytest setup: a built warehouse. The package `scripts` is installed
(`make install`: pip install -e .); pytest finds `tests` from the repository root."""

import os
from pathlib import Path

import duckdb
import pytest

from tests.warehouse_fixture import ROOT, warehouse_paths


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist (`make test` runs two workers, a test file's tests on one
    worker), each worker's dbt commands log to their own folder: two processes
    rotating one logs/dbt.log could trip over each other."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and "DBT_LOG_PATH" not in os.environ:
        os.environ["DBT_LOG_PATH"] = str(ROOT / "logs" / f"pytest-{worker}")


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(database path, generated data dir) of a warehouse built end to end."""
    return warehouse_paths(tmp_path_factory)


@pytest.fixture()
def warehouse(built_warehouse: tuple[Path, Path]):
    """A read-only connection to the built warehouse."""
    con = duckdb.connect(str(built_warehouse[0]), read_only=True)
    yield con
    con.close()
