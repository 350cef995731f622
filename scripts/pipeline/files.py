"""The warehouse files: the working copy a run builds in, its atomic publish, and whether
the demo's generated data can be reused."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb

# --------------------------------------------------------------------------- warehouse files


def working_copy_of(published: Path) -> Path:
    """The file a build writes before it is published (same folder, so the rename is atomic)."""
    return published.with_name(published.stem + ".building" + published.suffix)


def copy_published(published: Path, working_copy: Path) -> None:
    """Start a daily (incremental) build from a byte copy of the published warehouse.

    Only the file's bytes are read: no DuckDB connection to the published file is
    opened, so a BI tool holding it open (read-only) neither blocks the copy nor is
    blocked by it. The published file is always checkpointed (publish() folds the
    write-ahead log in before the rename), so the one file is the whole database.
    """
    if published.with_name(published.name + ".wal").exists():
        raise RuntimeError(
            f"{published} has a write-ahead log: something other than `make run` wrote into it. "
            "Open it once read-write (duckdb.connect(path).execute('checkpoint')) or rebuild it in full"
        )
    shutil.copyfile(published, working_copy)


def staged_dashboard(out: Path) -> Path:
    """Where the pipeline draws the dashboard before it publishes (moved to `out` after)."""
    return out.with_name(out.name + ".building")


def discard(database: Path) -> None:
    """Remove a DuckDB file and its write-ahead log, if any."""
    for path in (database, database.with_name(database.name + ".wal")):
        path.unlink(missing_ok=True)


def checkpoint(database: Path) -> None:
    """Fold the write-ahead log into the database file; RuntimeError if one is left."""
    con = duckdb.connect(str(database))
    try:
        con.execute("checkpoint")
    finally:
        con.close()
    if database.with_name(database.name + ".wal").exists():
        raise RuntimeError(f"{database} still has a write-ahead log after a checkpoint")


def publish(working_copy: Path, published: Path) -> None:
    """Atomically replace the published warehouse with the finished working copy.

    The working copy is checkpointed first, so that the one file holds the whole
    database (no write-ahead log left behind), then renamed over the published
    file: `os.replace` is atomic within a file system. A reader that opened the
    published file before keeps its open file, i.e. the previous complete
    version; the next connection opens the new one.
    """
    checkpoint(working_copy)
    published.parent.mkdir(parents=True, exist_ok=True)
    os.replace(working_copy, published)
    published.with_name(published.name + ".wal").unlink(missing_ok=True)


def generator_mtime() -> float:
    """When the generator's code last changed: scripts/generate_data.py and the
    modules of scripts/generate/, if that package exists."""
    package = Path(__file__).resolve().parent.parent
    files = [package / "generate_data.py", *(package / "generate").glob("**/*.py")]
    return max(path.stat().st_mtime for path in files if path.exists())


def data_is_current(data_dir: Path, scale: float, seed: int) -> bool:
    """True when data_dir already holds the full generated set made with this scale and
    seed by the current generator (a generator edited since then, or a profile's
    set, regenerates)."""
    truth = data_dir / "ground_truth.json"
    if not truth.exists():
        return False
    if truth.stat().st_mtime < generator_mtime():
        return False
    try:
        planted = json.loads(truth.read_text()).get("planted", {})
    except json.JSONDecodeError:
        return False
    return (
        float(planted.get("scale", -1)) == float(scale)
        and int(planted.get("seed", -1)) == seed
        and planted.get("profile", "full") == "full"
    )
