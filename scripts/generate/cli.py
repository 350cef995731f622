"""The command line: ``main(argv)`` (also ``scripts/generate_data.py``), the run
that writes a data set, and profiles."""

from __future__ import annotations

import argparse
import ctypes
import dataclasses
import datetime as dt
import json
import logging
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from scripts import data_profiles
from scripts.generate.business_clock import Calendar
from scripts.generate.config import Config
from scripts.generate.constants import FORMATS
from scripts.generate.dataset import generate
from scripts.generate.ground_truth import build_ground_truth
from scripts.generate.outdir import TRUTH_FILE, prepare_out, refuse_reason
from scripts.generate.writer import TableWriter

LOG = logging.getLogger("generate_data")


def run(cfg: Config) -> dict[str, Any]:
    """Generate, write and describe the data set; returns a summary."""
    t0 = time.perf_counter()
    cal = Calendar.build(cfg.start, cfg.end)
    with TableWriter(cfg.out, cfg.fmt) as writer:
        gen = generate(cfg, emit=writer.submit)
        t_gen = time.perf_counter()
        for name, table in gen.tables.items():
            if name not in writer.submitted:
                writer.submit(name, table)
        truth = build_ground_truth(gen, cfg, cal)
        t_truth = time.perf_counter()
        written = writer.wait()
    sizes = {name: written[name] for name in gen.tables}
    (cfg.out / "ground_truth.json").write_text(json.dumps(truth, indent=2) + "\n")
    t_end = time.perf_counter()
    rows = {k: v.num_rows for k, v in gen.tables.items()}
    total = sum(rows.values())
    for name in rows:
        LOG.info("%-34s %10d rows %8.1f MB", name, rows[name], sizes[name] / 1e6)
    LOG.info(
        "generate %.2fs, ground truth %.2fs, writing finished %.2fs later (it overlaps both); "
        "%d rows in %.2fs, %.0f rows/s",
        t_gen - t0,
        t_truth - t_gen,
        t_end - t_truth,
        total,
        t_end - t0,
        total / (t_end - t0),
    )
    return {
        "rows": rows,
        "total_rows": total,
        "seconds": t_end - t0,
        "sizes": sizes,
        "rows_per_second": total / (t_end - t0),
    }


def run_profile(cfg: Config, profile_name: str) -> dict[str, Any]:
    """Generate the full data set into a temporary folder, then write the profile's
    files (see scripts/data_profiles.py) into ``cfg.out``."""
    import tempfile

    profile = data_profiles.PROFILES[profile_name]
    data_profiles.check_window(profile, cfg.start, cfg.end)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="generate_data-") as tmp:
        full = Path(tmp) / "full"
        run(dataclasses.replace(cfg, out=full, fmt="parquet"))
        planted = json.loads((full / TRUTH_FILE).read_text())["planted"]
        t_full = time.perf_counter()
        truth = data_profiles.apply_profile(profile, full, cfg.out, cfg.fmt, planted)
    rows = truth["profile"]["row_counts"]
    seconds = time.perf_counter() - t0
    LOG.info(
        "profile %s: full set %.2fs, reshaped in %.2fs; %s, %s, window %s",
        profile_name,
        t_full - t0,
        seconds - (t_full - t0),
        profile.currency,
        profile.timezone,
        truth["profile"]["window"],
    )
    total = sum(rows.values())
    return {"rows": rows, "total_rows": total, "seconds": seconds, "rows_per_second": total / seconds}


def tune_memory() -> None:
    """Make large temporary arrays cheap to allocate (Linux/glibc only).

    The generator allocates many short-lived arrays of tens to hundreds of MB.
    By default glibc serves each block above 32 MB with a fresh mmap and
    returns it on free, so every such array pays page faults again, and NumPy
    asks for transparent huge pages, whose compaction stalls are worse still
    here. Serving everything from the heap and keeping freed memory for reuse
    cut system time several-fold (scale 10: 168 s -> 73 s to generate, peak
    memory 14 -> 10 GB). Best-effort: elsewhere nothing happens."""
    core = getattr(np, "_core", None)
    set_hugepage = getattr(getattr(core, "multiarray", None), "_set_madvise_hugepage", None)
    if set_hugepage is not None:
        set_hugepage(False)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL("libc.so.6")
        except OSError:
            return
        m_trim_threshold, m_top_pad, m_mmap_max, m_arena_max = -1, -2, -4, -8
        libc.mallopt(m_mmap_max, 0)
        # One heap for all threads: memory freed by one is reused by the others.
        libc.mallopt(m_arena_max, 1)
        libc.mallopt(m_trim_threshold, 2**31 - 1)
        libc.mallopt(m_top_pad, 64 * 2**20)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from exc


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="generate_data.py",
        description="Generate the synthetic raw e-commerce data set (every raw contract table "
        "plus ground_truth.json).",
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder (created if missing)")
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="volume multiplier: 1 = ~20k customers, ~60k orders, ~1M sessions (default 1)",
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument(
        "--start", type=_date, default=dt.date(2024, 1, 1), help="first day, YYYY-MM-DD (default 2024-01-01)"
    )
    parser.add_argument(
        "--end",
        type=_date,
        default=dt.date(2025, 12, 31),
        help="last day, inclusive, YYYY-MM-DD (default 2025-12-31)",
    )
    parser.add_argument(
        "--format", dest="fmt", choices=FORMATS, default="csv", help="file format (default csv)"
    )
    parser.add_argument(
        "--profile",
        choices=data_profiles.PROFILE_NAMES,
        default=data_profiles.FULL,
        help="shape of the export: full = every table (default); minimal, bare and marketplace drop "
        "tables and optional columns and move currency, time zone and date span like real exports "
        "(see scripts/data_profiles.py; load them with --assume-timezone <the profile's zone>)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not math.isfinite(args.scale) or args.scale <= 0:
        LOG.error("--scale must be > 0, got %s", args.scale)
        return 2
    if args.start >= args.end:
        LOG.error("--start (%s) must be before --end (%s)", args.start, args.end)
        return 2
    if args.seed < 0:
        LOG.error("--seed must be >= 0, got %s", args.seed)
        return 2
    cfg = Config(out=args.out, scale=args.scale, seed=args.seed, start=args.start, end=args.end, fmt=args.fmt)
    if args.profile != data_profiles.FULL:
        try:
            data_profiles.check_window(data_profiles.PROFILES[args.profile], cfg.start, cfg.end)
        except data_profiles.ProfileError as exc:
            LOG.error("%s", exc)
            return 2
    reason = refuse_reason(cfg.out)
    if reason is not None:
        LOG.error("%s", reason)
        print(f"generate_data.py: error: {reason}", file=sys.stderr)
        return 2
    tune_memory()
    try:
        prepare_out(cfg.out, args.profile)
        if args.profile == data_profiles.FULL:
            summary = run(cfg)
        else:
            summary = run_profile(cfg, args.profile)
    except (OSError, RuntimeError, data_profiles.ProfileError) as exc:
        LOG.error("generation failed: %s", exc)
        return 1
    print(
        f"wrote {len(summary['rows'])} tables, {summary['total_rows']} rows to {cfg.out} "
        f"(profile {args.profile}) "
        f"in {summary['seconds']:.1f}s ({summary['rows_per_second']:,.0f} rows/s)"
    )
    return 0
