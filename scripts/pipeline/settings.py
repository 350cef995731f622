"""The pipeline's settings: options checked before any step (time zone, currency, dbt vars,
the input folder), the dbt commands they make, and the step runner with its timings."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytz
import yaml

from scripts.paths import ROOT

log = logging.getLogger("run_pipeline")

DEFAULT_DATA_DIR = Path("data/generated")
DEFAULT_WAREHOUSE = Path("warehouse/ecommerce.duckdb")
DEFAULT_DASHBOARD = Path("dashboard/index.html")
DEFAULT_SCALE = 1.0
DEFAULT_SEED = 42
TRUE_WORDS = ("true", "1", "yes", "on")
FALSE_WORDS = ("false", "0", "no", "off")
# the generator's exit code when it refuses its arguments or the output folder
GENERATOR_REFUSED = 2


class SettingsError(ValueError):
    """A bad option: the run stops before any step, with this message."""


class StepFailed(SystemExit):
    """A pipeline step exited non-zero; `returncode` is its exit code."""

    def __init__(self, name: str, returncode: int) -> None:
        super().__init__(f"step '{name}' failed with exit code {returncode}")
        self.returncode = returncode


@dataclass
class Timings:
    """Wall time per pipeline step, in seconds, in the order the steps ran."""

    steps: dict[str, float] = field(default_factory=dict)

    def run(self, name: str, cmd: list[str], env: dict[str, str]) -> None:
        log.info("== %s: %s", name, " ".join(cmd))
        start = time.perf_counter()
        result = subprocess.run(cmd, cwd=ROOT, env=env, check=False)
        self.steps[name] = time.perf_counter() - start
        if result.returncode != 0:
            raise StepFailed(name, result.returncode)


# --------------------------------------------------------------------------- settings


def parse_bool(text: str, option: str) -> bool:
    """true/false, 1/0, yes/no, on/off (any case)."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SettingsError(f"{option}: expected true or false, got {text!r}")


def parse_vars(text: str | None) -> dict[str, Any]:
    """The `--vars` YAML mapping as a dict ({} when empty); SettingsError when it is not one."""
    if text is None or not text.strip():
        return {}
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        problem = " ".join(str(exc).split())
        raise SettingsError(
            f"--vars (VARS) is not valid YAML: {problem}. Expected a mapping such as "
            "'{churn_days: 120, anomaly_threshold: 4}'"
        ) from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SettingsError(
            f"--vars (VARS) must be a YAML mapping such as '{{churn_days: 120}}', "
            f"got a {type(value).__name__}: {text!r}"
        )
    keys = [key for key in value if not isinstance(key, str)]
    if keys:
        raise SettingsError(f"--vars (VARS): every var name must be text, got {keys!r}")
    return value


# the one list of accepted currency codes: dbt's settings check reads it too
CURRENCY_LIST = ROOT / "macros" / "settings" / "iso_4217_currencies.sql"


def iso_4217_currencies() -> frozenset[str]:
    """The active ISO-4217 codes of macros/settings/iso_4217_currencies.sql (`set codes = "..."`)."""
    found = re.search(r'set codes = "([A-Z\s]+)"', CURRENCY_LIST.read_text(encoding="utf-8"))
    if found is None:
        raise RuntimeError(f'{CURRENCY_LIST} holds no `set codes = "..."` list')
    return frozenset(found.group(1).split())


def check_timezone(name: str) -> str:
    """An IANA zone name as given; SettingsError when the zone is unknown.

    The same rule as dbt's settings check (macros/settings/setting_value.sql):
    one of pytz.all_timezones, case as written."""
    if name not in pytz.all_timezones_set:
        raise SettingsError(
            f"--timezone (TIMEZONE): unknown time zone {name!r} (expected an IANA name such as "
            "UTC, Europe/London or America/New_York)"
        )
    return name


def check_currency(code: str) -> str:
    """An active ISO-4217 code (iso_4217_currencies), upper-cased; SettingsError otherwise."""
    upper = code.strip().upper()
    if upper not in iso_4217_currencies():
        raise SettingsError(
            f"--currency (CURRENCY): expected an active ISO-4217 code such as GBP (listed in "
            f"{CURRENCY_LIST.relative_to(ROOT)}), got {code!r}"
        )
    return upper


def merge_vars(
    timezone: str | None,
    currency: str | None,
    history_complete: bool | None,
    extra: dict[str, Any],
) -> dict[str, Any]:
    """The dbt vars of a run: `extra` (--vars) with the options on top.

    An option and `--vars` that set the same var differently are an error
    rather than a silent choice. history_complete is always set (default false).
    """
    options = {
        "reporting_timezone": ("--timezone (TIMEZONE)", timezone),
        "reporting_currency": ("--currency (CURRENCY)", currency),
        "history_complete": ("--history-complete (HISTORY_COMPLETE)", history_complete),
    }
    merged = dict(extra)
    for var, (option, value) in options.items():
        if value is None:
            continue
        if var in extra and extra[var] != value:
            raise SettingsError(
                f"{var} is set twice, differently: {option} gives {value!r}, --vars (VARS) "
                f"{extra[var]!r}; set it once"
            )
        merged[var] = value
    merged.setdefault("history_complete", False)
    return merged


def vars_option(dbt_vars: dict[str, Any]) -> list[str]:
    """`--vars '{...}'` for a dbt command (one line of flow-style YAML), or nothing."""
    if not dbt_vars:
        return []
    text = yaml.safe_dump(dbt_vars, default_flow_style=True, sort_keys=True, width=1_000_000).strip()
    return ["--vars", text]


def dbt_commands(dbt_vars: dict[str, Any]) -> dict[str, list[str]]:
    """The dbt steps' arguments: parse, build (models and data tests) and docs.

    The same build serves a fresh working copy (every model built in full) and a
    copy of the published warehouse (`--incremental`: incremental models add the
    new days). Unit tests are left out: they test the SQL, not the data, and
    `make test` runs them. The three run in one process (pipeline.dbt_session):
    the build and the docs reuse the parse's manifest, and the docs reuse the
    build's compilation (`--no-compile`) and only read the catalog."""
    return {
        "parse": ["parse", *vars_option(dbt_vars)],
        "build": ["build", "--exclude-resource-type", "unit_test", *vars_option(dbt_vars)],
        "docs": ["docs", "generate", "--static", "--no-compile", *vars_option(dbt_vars)],
    }


def project_var_defaults() -> dict[str, Any]:
    """The vars declared in dbt_project.yml ({} if it cannot be read)."""
    try:
        project = yaml.safe_load((ROOT / "dbt_project.yml").read_text())
    except (OSError, yaml.YAMLError):
        return {}
    found = project.get("vars") if isinstance(project, dict) else None
    return found if isinstance(found, dict) else {}


def effective_settings(dbt_vars: dict[str, Any]) -> dict[str, Any]:
    """Reporting zone, currency and history_complete as dbt will see them."""
    defaults = project_var_defaults()

    def pick(name: str, fallback: Any) -> Any:
        return dbt_vars.get(name, defaults.get(name, fallback))

    return {
        "reporting_timezone": pick("reporting_timezone", "UTC"),
        "reporting_currency": pick("reporting_currency", "USD"),
        "history_complete": pick("history_complete", False),
    }


def absolute(path: Path) -> Path:
    """The path made absolute against the current directory (subprocesses run in ROOT)."""
    return path if path.is_absolute() else Path.cwd() / path


def dbt_target_dir() -> Path:
    """Where dbt writes run_results.json and the docs: $DBT_TARGET_PATH or ROOT/target."""
    configured = os.environ.get("DBT_TARGET_PATH")
    if not configured:
        return ROOT / "target"
    return Path(configured) if Path(configured).is_absolute() else ROOT / configured


def check_input_dir(input_dir: Path, outputs: Sequence[Path]) -> Path:
    """The input folder, resolved; SettingsError when it is missing, not a folder,
    or when one of the pipeline's outputs (or dbt's target and log folders) would
    be written inside it."""
    if not input_dir.exists():
        raise SettingsError(
            f"--input (INPUT) {input_dir}: no such folder. Expected the folder of your raw files, "
            "one per contract table (docs/raw_contract.md; make contract-templates writes empty ones)"
        )
    if not input_dir.is_dir():
        raise SettingsError(
            f"--input (INPUT) {input_dir}: not a folder. Give the folder that holds the files "
            "(shop_orders.csv, ...), not a file"
        )
    folder = input_dir.resolve()
    dbt_dirs = [dbt_target_dir(), ROOT / os.environ.get("DBT_LOG_PATH", "logs")]
    for output in [*outputs, *dbt_dirs, ROOT]:
        if output.resolve().is_relative_to(folder):
            raise SettingsError(
                f"--input (INPUT) {input_dir}: the run would write {output} inside it, and the input "
                "folder is only ever read. Keep the raw files in a folder of their own"
            )
    for dbt_dir in dbt_dirs:
        if folder.is_relative_to(dbt_dir.resolve()):
            raise SettingsError(
                f"--input (INPUT) {input_dir}: it lies inside {dbt_dir}, which dbt writes. "
                "Keep the raw files in a folder of their own"
            )
    return folder
