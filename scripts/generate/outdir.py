"""The output folder: only the generator's own, and only its own files replaced."""

from __future__ import annotations

import json
from pathlib import Path

from scripts.generate.constants import GENERATOR_VERSION
from scripts.raw_contract import FILE_SUFFIXES, TABLES

# Written into every folder the generator fills; a folder without it (and without
# an older generator's ground_truth.json) is someone else's and is never written to.
MARKER = ".generated-by-generate_data"


TRUTH_FILE = "ground_truth.json"


def own_files(out: Path) -> list[Path]:
    """Every file the generator writes or wrote into ``out``: a file per contract
    table in each accepted format, the ground truth and the marker."""
    names = [f"{table}{suffix}" for table in TABLES for suffix in FILE_SUFFIXES]
    return [out / name for name in (*names, TRUTH_FILE, MARKER)]


def written_by_generator(out: Path) -> bool:
    """True when ``out`` carries the generator's marker, or (older runs) a ground
    truth whose planted parameters name a generator version."""
    if (out / MARKER).is_file():
        return True
    truth = out / TRUTH_FILE
    if not truth.is_file():
        return False
    try:
        planted = json.loads(truth.read_text()).get("planted", {})
    except (OSError, ValueError, AttributeError):
        return False
    return isinstance(planted, dict) and "generator_version" in planted


def refuse_reason(out: Path) -> str | None:
    """Why the generator must not write into ``out``, or None when it may."""
    if not out.exists():
        return None
    if not out.is_dir():
        return f"--out {out} exists and is not a folder"
    if not any(out.iterdir()) or written_by_generator(out):
        return None
    return (
        f"--out {out} is not empty and was not written by generate_data.py (it has no {MARKER} "
        f"and no generator {TRUTH_FILE}), so nothing in it is replaced. To build the warehouse from "
        f"your own data, pass the folder with `make run INPUT={out}` instead; to generate, choose a "
        "new or empty folder."
    )


def prepare_out(out: Path, profile: str) -> None:
    """Clear the generator's own files from ``out`` (never anything else) and
    mark the folder as the generator's before writing into it."""
    out.mkdir(parents=True, exist_ok=True)
    for path in own_files(out):
        if path.is_file() or path.is_symlink():
            path.unlink()
    (out / MARKER).write_text(
        f"written by scripts/generate_data.py (generator {GENERATOR_VERSION}, profile {profile}); "
        "it replaces only its own files in this folder\n"
    )
