"""Derived columns: the keyed hash of e-mail addresses (the address itself is not loaded)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path

import duckdb

from scripts.loader.common import LoadError, _ident, _Source

# --------------------------------------------------------------------------- derived columns

PII_KEY_ENV = "KPI_PII_HASH_KEY"
# The key used, when KPI_PII_HASH_KEY is unset, for data our generator wrote (its
# marker file is in the input folder): synthetic addresses only, so not a secret.
DEMO_PII_HASH_KEY = "kpi-demo-key: synthetic data only, not a secret"
GENERATOR_MARKER = ".generated-by-generate_data"
GENERATOR_TRUTH = "ground_truth.json"
PII_KEY_HINT = (
    f"set a secret key first, e.g. export {PII_KEY_ENV}=$(python -c 'import secrets; "
    "print(secrets.token_hex(32))'), and keep it secret and stable (another key gives other hashes)"
)


def generated_input(input_dir: Path) -> bool:
    """True for a folder our generator wrote: its marker, or (increments) its ground truth."""
    if (input_dir / GENERATOR_MARKER).is_file():
        return True
    truth = input_dir / GENERATOR_TRUTH
    if not truth.is_file():
        return False
    try:
        planted = json.loads(truth.read_text(encoding="utf-8")).get("planted", {})
    except (OSError, ValueError, AttributeError):
        return False
    return isinstance(planted, dict) and "generator_version" in planted


def pii_hash(key: str, value: str | None) -> str | None:
    """Hex HMAC-SHA256 of ``lower(trim(value))`` under ``key``; None for a missing value."""
    if value is None:
        return None
    text = value.strip().lower()
    if not text:
        return None
    return hmac.new(key.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()


def _derive_email_hash(con: duckdb.DuckDBPyConnection, staged: dict[str, _Source], input_dir: Path) -> None:
    """Add ``email_hash`` (keyed HMAC of the email) to the checked customers; the key must be set."""
    source = staged["shop_customers"]
    final = _ident("_final_shop_customers")
    row = con.execute(f"SELECT count(email) FROM {final} WHERE _reason IS NULL").fetchone()
    has_emails = bool(row and row[0])
    key = os.environ.get(PII_KEY_ENV) or ""
    if not key and has_emails:
        if not generated_input(input_dir):
            raise LoadError(
                f"{source.path}: column 'email' has addresses, which are stored only as a keyed hash, "
                f"but {PII_KEY_ENV} is not set: {PII_KEY_HINT}"
            )
        key = DEMO_PII_HASH_KEY
    con.execute(f"ALTER TABLE {final} ADD COLUMN email_hash VARCHAR")
    if not has_emails:
        return
    con.create_function(
        "_pii_hash", lambda value: pii_hash(key, value), ["VARCHAR"], "VARCHAR", side_effects=False
    )
    try:
        con.execute(f"UPDATE {final} SET email_hash = _pii_hash(email) WHERE email IS NOT NULL")
    finally:
        con.remove_function("_pii_hash")
