"""The generator's vectorised CSV writer (scripts/generate/csv_text.py, csv_format.py)
against value-by-value text, and its page-cache bypassing file writes (writer.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from scripts import generate_data as gd
from scripts.generate import csv_format


def _reference_csv(table: pa.Table, offset_hours: int = 0) -> bytes:
    """The CSV text of a table, value by value (what the vectorised writer must produce)."""
    zone = dt.timezone(dt.timedelta(hours=offset_hours))
    suffix = "Z" if offset_hours == 0 else f"{offset_hours:+03d}:00"

    def text(value: object, typ: pa.DataType) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, dt.datetime):
            return value.astimezone(zone).strftime("%Y-%m-%dT%H:%M:%S") + suffix
        if isinstance(value, dt.date):
            return value.isoformat()
        if pa.types.is_decimal(typ):
            return f"{value:.{typ.scale}f}"
        value = str(value)
        if value == "" or any(c in value for c in ',"\n\r'):
            return '"' + value.replace('"', '""') + '"'
        return value

    types = [f.type.value_type if pa.types.is_dictionary(f.type) else f.type for f in table.schema]
    lines = [",".join(table.column_names)]
    for row in zip(*(table[c].to_pylist() for c in table.column_names), strict=True):
        lines.append(",".join(text(v, t) for v, t in zip(row, types, strict=True)))
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_csv_writer_matches_value_by_value_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """The vectorised CSV writer against a plain reference on awkward data:
    NULLs everywhere, a first column of varying width, quoting, wide numbers,
    several record batches and chunks, combined dictionary columns."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n = 1_000
    monkeypatch.setattr(csv_format, "CSV_CHUNK_ROWS", 97)

    def nulls(p: float) -> np.ndarray:
        return rng.random(n) < p

    words = ["a", "bb", "c,c", 'd"d', "eeeeeeeeeeeeeeeeeeee", "f\ng", "é", "x" * 40]
    ids = [f"ID{i:05d}" for i in range(300)]
    ts = pa.array(rng.integers(-(10**9), 3 * 10**9, n), pa.timestamp("s", tz="UTC"), mask=nulls(0.2))

    def batch() -> pa.RecordBatch:
        return pa.record_batch(
            {
                "first": pa.array([words[i] for i in rng.integers(0, len(words), n)], mask=nulls(0.1)),
                "dict_a": pa.DictionaryArray.from_arrays(
                    pa.array(rng.integers(0, 3, n).astype(np.int8), mask=nulls(0.3)),
                    pa.array(["x", "yy", "z,z"]),
                ),
                "dict_b": pa.DictionaryArray.from_arrays(
                    pa.array(rng.integers(0, len(words), n).astype(np.int16), mask=nulls(0.7)),
                    pa.array(words),
                ),
                "ids": pa.DictionaryArray.from_arrays(
                    pa.array(rng.integers(0, 300, n).astype(np.int32)), pa.array(ids)
                ),
                "big": pa.array(rng.integers(0, 2**62, n), mask=nulls(0.1)),
                "sparse_a": pa.DictionaryArray.from_arrays(
                    pa.array(rng.integers(0, 2, n).astype(np.int8), mask=nulls(0.8)), pa.array(["s", "t,t"])
                ),
                "sparse_b": pa.DictionaryArray.from_arrays(
                    pa.array(rng.integers(0, 3, n).astype(np.int8), mask=nulls(0.9)),
                    pa.array(["u", "v", "w"]),
                ),
                "wide": pa.array([ids[i] for i in rng.integers(0, 300, n)], mask=nulls(0.6)),
                "small": pa.array(rng.integers(0, 1000, n).astype(np.int32), mask=nulls(0.5)),
                "negative": pa.array(rng.integers(-5, 5, n)),
                "money": pa.array(
                    [
                        None if rng.random() < 0.1 else Decimal(int(x)) / 100
                        for x in rng.integers(0, 10**9, n)
                    ],
                    pa.decimal128(18, 2),
                ),
                "rate": pa.array(
                    [Decimal(int(x)) / 10**6 for x in rng.integers(0, 10**8, n)], pa.decimal128(18, 6)
                ),
                "at": ts,
                "day": pa.array(rng.integers(0, 40_000, n).astype(np.int32), pa.date32()),
                "flag": pa.array(rng.random(n) < 0.5, mask=nulls(0.2)),
                "last": pa.DictionaryArray.from_arrays(
                    pa.array(rng.integers(0, 3, n).astype(np.int8), mask=nulls(0.9)),
                    pa.array(["p", "q", "r"]),
                ),
            }
        )

    table = pa.Table.from_batches([batch(), batch()])
    with gd.TableWriter(tmp_path, "csv") as writer:
        writer.submit("t", table)
        writer.wait()
    assert (tmp_path / "t.csv").read_bytes() == _reference_csv(table)
    # Local time at an offset, as shop_orders is written.
    body = b"".join(gd.format_chunk(*chunk).tobytes() for chunk in gd.csv_chunks(table, 8))
    assert body == _reference_csv(table, 8).split(b"\n", 1)[1]


def test_direct_file_writes_every_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Direct (page-cache bypassing) writes go through an aligned staging buffer
    in whole blocks: pieces of any size, across buffer boundaries, on a file
    system with O_DIRECT and (where there is one) on tmpfs, which has none."""
    import numpy as np

    monkeypatch.setattr(gd.DirectFile, "STAGE", 3 * gd.DirectFile.BLOCK)
    rng = np.random.default_rng(0)
    pieces = [rng.integers(0, 256, k, dtype=np.uint8) for k in (0, 1, 4095, 4096, 4097, 20_000, 12_288, 7)]
    folders = [tmp_path] + ([Path("/dev/shm")] if Path("/dev/shm").is_dir() else [])
    for folder in folders:
        path = folder / f"direct_{tmp_path.name}.bin"
        try:
            with gd.DirectFile(path) as f:
                for piece in pieces:
                    f.write(piece)
                f.write(b"tail")
            assert path.read_bytes() == b"".join(p.tobytes() for p in pieces) + b"tail"
        finally:
            path.unlink(missing_ok=True)


# --------------------------------------------------------------------------- determinism
