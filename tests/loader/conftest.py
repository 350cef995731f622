"""Every loader test loads with a known e-mail hash key (BASE is not generator data)."""

import pytest

from tests.loader.helpers import TEST_PII_KEY


@pytest.fixture(autouse=True)
def _pii_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPI_PII_HASH_KEY", TEST_PII_KEY)
