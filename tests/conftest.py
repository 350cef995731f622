"""Shared pytest setup: a built warehouse. The package `scripts` is installed
(`make install`: pip install -e .); pytest finds `tests` from the repository root."""

from pathlib import Path

import duckdb
import pytest

from tests.warehouse_fixture import warehouse_paths


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
