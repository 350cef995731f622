"""The bad-input checklist (/work/shared/specs/bad_inputs.md), one table row per class.

Every row builds a tiny input folder (the BASE rows of tests/loader/helpers.py,
required tables plus the optional table a class needs), breaks it the way the
class describes and loads it. The expected outcome is one of

- ``E(regex)``: the load stops with LoadError matching ``regex`` and no
  database file is left behind;
- ``Q(table, regex)``: the load finishes, a rejected row of ``table`` has a
  reason matching ``regex``, and loaded + rejected = input for every table;
- ``L(check)``: the load finishes with nothing rejected and ``check(db, result)``
  asserts the loaded value.

Rows are numbered after the class (``07-dup-case`` is class 7); a class with
several variants has several rows.

The cases are in tests/bad_inputs/cases.py, written with tests/bad_inputs/kit.py.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from scripts import load_raw
from scripts.load_raw import LoadError, load
from tests.bad_inputs.cases import CASES
from tests.bad_inputs.kit import Case, E, Q
from tests.loader.helpers import TEST_PII_KEY, query, write_folder


@dataclass
class Outcome:
    """What loading one case gave: the result, or the exception it raised."""

    tmp: Path
    result: load_raw.LoadResult | None = None
    error: BaseException | None = None

    @property
    def database(self) -> Path:
        return self.tmp / "w.duckdb"


def _run(case: Case, tmp: Path) -> Outcome:
    folder = write_folder(tmp / "in", case.data())
    if case.mutate:
        case.mutate(folder)
    options = dict(case.options)
    source = folder / options.pop("input") if "input" in options else folder
    outcome = Outcome(tmp)
    try:
        outcome.result = load(source, outcome.database, **options)
    except Exception as exc:
        outcome.error = exc
    return outcome


@pytest.fixture(scope="module")
def outcomes(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Every selected case loaded once, two at a time (DuckDB runs outside the GIL): the
    file stays fast. The cases share the test key for the e-mail hash."""
    selected = {
        item.callspec.params["case"].id
        for item in request.session.items
        if item.module is request.module and hasattr(item, "callspec") and "case" in item.callspec.params
    }
    cases = [case for case in CASES if case.id in selected]
    folders = {case.id: tmp_path_factory.mktemp(case.id) for case in cases}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KPI_PII_HASH_KEY", TEST_PII_KEY)
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {case.id: pool.submit(_run, case, folders[case.id]) for case in cases}
            return {case_id: future.result() for case_id, future in futures.items()}


def test_every_class_has_a_row() -> None:
    classes = {int(case.id[:2]) for case in CASES}
    assert classes == set(range(1, 39))
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input(case: Case, outcomes: dict[str, Outcome]) -> None:
    expect, outcome = case.expect, outcomes[case.id]
    if isinstance(expect, E):
        assert isinstance(outcome.error, LoadError), outcome.error or "the load finished"
        assert re.search(expect.message, str(outcome.error)), str(outcome.error)
        assert "\n" not in str(outcome.error)  # one line
        assert not outcome.database.exists()
        return
    if outcome.error is not None:
        raise outcome.error
    result, db = outcome.result, outcome.database
    assert result is not None
    rejected = query(db, "SELECT table_name, reason FROM raw_rejects.rejected_rows")
    for table in result.tables:
        assert table.loaded_rows + table.rejected_rows == table.input_rows, table
        assert query(db, f"SELECT count(*) FROM raw.{table.table}") == [(table.loaded_rows,)]
    if isinstance(expect, Q):
        matching = [r for t, r in rejected if t == expect.table and re.search(expect.reason, r)]
        assert len(matching) == expect.rows, rejected
        if expect.also:
            expect.also(db, result)
    else:
        assert rejected == []
        expect.check(db, result)
