"""Shared pytest setup: the repository root on sys.path and a built warehouse."""

import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.warehouse_fixture import warehouse_paths  # noqa: E402


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
