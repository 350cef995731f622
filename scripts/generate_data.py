"""Generate the synthetic raw data set of the e-commerce KPI warehouse.

    python -m scripts.generate_data --out data/raw --scale 1 --seed 42

The stable entry point of the generator, which lives in the package
``scripts/generate/`` (a module per domain; its docstring says what is where,
the planted parameters are ``scripts/generate/parameters.json``). This module
keeps ``main(argv)`` and re-exports what other code and the tests use.
"""

from __future__ import annotations

import sys

from scripts.generate.business_clock import Calendar
from scripts.generate.cli import main, parse_args, run, run_profile
from scripts.generate.config import Config, Generated
from scripts.generate.constants import (
    FORMATS,
    GENERATOR_VERSION,
    KIND_ABANDONED,
    KIND_BROWSE,
    KIND_CONFLICT,
    KIND_PURCHASE,
    KIND_SIGNUP,
)
from scripts.generate.csv_format import csv_chunks, format_chunk
from scripts.generate.dataset import generate
from scripts.generate.ground_truth import build_ground_truth
from scripts.generate.outdir import MARKER, TRUTH_FILE, own_files, prepare_out, refuse_reason
from scripts.generate.params import PARAMS, Params
from scripts.generate.schema import TABLE_COLUMNS, TABLE_SCHEMAS
from scripts.generate.writer import DirectFile, TableWriter, write_tables

__all__ = [
    "FORMATS",
    "GENERATOR_VERSION",
    "KIND_ABANDONED",
    "KIND_BROWSE",
    "KIND_CONFLICT",
    "KIND_PURCHASE",
    "KIND_SIGNUP",
    "MARKER",
    "PARAMS",
    "TABLE_COLUMNS",
    "TABLE_SCHEMAS",
    "TRUTH_FILE",
    "Calendar",
    "Config",
    "DirectFile",
    "Generated",
    "Params",
    "TableWriter",
    "build_ground_truth",
    "csv_chunks",
    "format_chunk",
    "generate",
    "main",
    "own_files",
    "parse_args",
    "prepare_out",
    "refuse_reason",
    "run",
    "run_profile",
    "write_tables",
]

if __name__ == "__main__":
    sys.exit(main())
