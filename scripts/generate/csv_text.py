"""CSV text: Arrow tables to CSV bytes, vectorised.

DuckDB's and Arrow's CSV writers format value by value; for web_events that
was 6-10 s of CPU, more than generating it. Here each column becomes an array
of fixed-width text records: the value right-aligned, padded on the left with
commas and ending with its separator (',' or, in the last column, '\\n'),
mostly by lookups in tables of label, digit and date texts. A chunk of rows
is one byte buffer, prefilled with commas; the end of every field is known
from the running sum of the field lengths, and each column's records are
written there in one vectorised assignment, last column first. A record's
padding then lands on fields further left in the same row, which are
written afterwards, or on empty fields, which are a single comma anyway; so
columns that are mostly empty only write their non-empty rows. Records
whose padding would reach into the row before (always in the first column,
unless all its values have one width) are written exactly, length by length.
Fewer, wider writes are cheaper: fixed-width columns ride on the column
before them, and adjacent columns with few labels are combined (a record
for every combination of their labels). The formatters per column type are
in ``csv_format``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from scripts.generate.arrays import _digit_text, civil_from_days
from scripts.generate.constants import DAY, HOUR, Arr

CSV_CHUNK_ROWS = 1 << 16


_COMMA = ord(",")


def _needs_quotes(data: Arr) -> bool:
    """Whether text bytes contain a character that CSV has to quote (a byte
    search per character is much faster than comparing arrays)."""
    text = data.tobytes()
    return any(c in text for c in (b",", b'"', b"\n", b"\r"))


@dataclasses.dataclass
class CsvField:
    """One column of a chunk of rows as text records."""

    rec: Arr  # S{w}: right-aligned text + separator, padded on the left with commas
    length: Arr | int  # bytes of each row's field incl. its separator (an int: all alike)
    rows: Arr | None = None  # the rows rec belongs to, when only those are non-empty


CsvFormatter = Callable[[int, int], CsvField]


@functools.cache
def _group_text() -> tuple[Arr, Arr, Arr]:
    """Every number below 10**4 as 4 characters: zero-padded; right-aligned with
    commas in front (0 -> ',,,,'); and its number of digits (0 -> 0)."""
    padded = _digit_text(4)
    n = np.arange(10_000)
    n_digits = np.select([n >= 1000, n >= 100, n >= 10, n >= 1], [4, 3, 2, 1], 0).astype(np.int32)
    top = padded.view(np.uint8).reshape(-1, 4).copy()
    top[np.arange(4) < (4 - n_digits)[:, None]] = _COMMA  # leading zeros become padding
    return padded, top.view("S4").ravel(), n_digits


@functools.cache
def _time_of_day_text() -> Arr:
    """ "HH:MM:SS" for every second of a day (fixed-width bytes)."""
    sod = np.arange(DAY)
    rec = np.empty(DAY, dtype=[("h", "S2"), ("c1", "S1"), ("m", "S2"), ("c2", "S1"), ("s", "S2")])
    rec["h"], rec["m"], rec["s"] = (
        _digit_text(2)[sod // HOUR],
        _digit_text(2)[sod // 60 % 60],
        _digit_text(2)[sod % 60],
    )
    rec["c1"] = rec["c2"] = b":"
    return rec.view("S8")


def _date_text(epoch_days: Arr, suffix: bytes) -> Arr:
    """ "YYYY-MM-DD" + suffix for each day."""
    year, month, day = civil_from_days(epoch_days)
    rec = np.empty(
        len(epoch_days),
        dtype=[("y", "S4"), ("m1", "S1"), ("m", "S2"), ("m2", "S1"), ("d", "S2"), ("x", f"S{len(suffix)}")],
    )
    rec["y"] = _digit_text(4)[np.clip(year, 0, 9_999)]
    rec["m"], rec["d"] = _digit_text(2)[month], _digit_text(2)[day]
    rec["m1"] = rec["m2"] = b"-"
    rec["x"] = suffix
    return rec.view(f"S{10 + len(suffix)}")


def _buffer(a: pa.Array, i: int, dtype: Any, count: int) -> Arr:
    """Buffer i of an Arrow array as NumPy, from the array's offset on (no copy)."""
    if count == 0:
        return np.zeros(0, dtype=dtype)
    return np.frombuffer(a.buffers()[i], dtype=dtype, count=a.offset + count)[a.offset :]


def _valid_rows(a: pa.Array, lo: int, hi: int) -> Arr | None:
    """Validity of rows lo..hi (None: no NULLs in the array)."""
    if a.null_count == 0:
        return None
    first = a.offset + lo
    bits = np.frombuffer(a.buffers()[0], dtype=np.uint8)[first // 8 : (a.offset + hi + 7) // 8]
    return np.unpackbits(bits, bitorder="little")[first % 8 : first % 8 + hi - lo].view(bool)


def _null_record(width: int, sep: bytes) -> Arr:
    return np.frombuffer(b"," * (width - 1) + sep, dtype=f"S{width}")


def _with_nulls(rec: Arr, width: int, valid: Arr | None, sep: bytes) -> CsvField:
    """Records of fixed width with NULL rows made empty."""
    if valid is None:
        return CsvField(rec, width)
    rec[~valid] = _null_record(width, sep)[0]
    return CsvField(rec, np.where(valid, width, 1).astype(np.int32))


def _csv_quote(text: str) -> bytes:
    b = text.encode()
    if b == b"" or any(c in b for c in b',"\n\r'):
        return b'"' + b.replace(b'"', b'""') + b'"'
    return b


def _label_records(values: pa.Array, sep: bytes) -> tuple[Arr, Arr]:
    """Records and lengths of each value of a string array, plus one (last) for NULL.

    Ids (all the same width, nothing to quote) are built from the Arrow buffer
    directly; other labels (few) one by one."""
    n = len(values)
    offsets = _buffer(values, 1, np.int32, n + 1) if n else np.zeros(1, np.int32)
    widths = np.diff(offsets)
    if n and values.null_count == 0 and widths.min() == widths.max() > 0:
        k = int(widths[0])
        data = np.frombuffer(values.buffers()[2], dtype=np.uint8, count=int(offsets[-1]))[int(offsets[0]) :]
        if not _needs_quotes(data):
            rec = np.full((n + 1, k + 1), _COMMA, dtype=np.uint8)
            rec[:n, :k] = data.reshape(n, k)
            rec[:, k] = ord(sep)
            length = np.full(n + 1, k + 1, dtype=np.int32)
            length[n] = 1
            return rec.view(f"S{k + 1}").ravel(), length
    texts = [b"" if s is None else _csv_quote(s) for s in values.to_pylist()] + [b""]
    w = max(len(t) for t in texts) + 1
    rec = np.frombuffer(b"".join(t.rjust(w - 1, b",") + sep for t in texts), dtype=f"S{w}")
    return rec, np.array([len(t) + 1 for t in texts], dtype=np.int32)


def _number_records(units: Arr, n_digits: int, tail: list[tuple[str, Any]]) -> tuple[Arr, Arr]:
    """Right-aligned decimal text of non-negative integers (commas in place of
    leading zeros) followed by fixed-width tail fields; and the text lengths.

    Built from 4-digit groups: the highest non-zero group without its leading
    zeros, the groups below it zero-padded."""
    padded, top, group_digits = _group_text()
    n_groups = max(1, -(-n_digits // 4))
    groups = []
    x = units
    for _ in range(n_groups - 1):
        x, g = np.divmod(x, 10_000)
        groups.append(g)
    groups.append(x)
    fields = [(f"g{i}", "S4") for i in range(n_groups - 1, -1, -1)]
    fields += [(name, f"S{len(v) if isinstance(v, bytes) else v.dtype.itemsize}") for name, v in tail]
    rec = np.empty(len(units), dtype=fields)
    length = np.zeros(len(units), dtype=np.int32)
    above = np.zeros(len(units), dtype=bool)  # a higher group is non-zero
    for i in range(n_groups - 1, 0, -1):
        g = groups[i]
        rec[f"g{i}"] = np.where(above, padded[g], top[g])
        length += np.where(above, 4, group_digits[g])
        above |= g > 0
    g = groups[0]
    rec["g0"] = np.where(above, padded[g], np.where(g == 0, b",,,0", top[g]))
    length += np.where(above, 4, np.maximum(group_digits[g], 1))
    for name, value in tail:
        rec[name] = value
    return rec.view(f"S{rec.dtype.itemsize}"), length


def _merge_fixed(fields: Sequence[CsvField]) -> list[CsvField]:
    """Fold each fixed-width field into the one before it: the padding of a
    record is at its left, so [variable][fixed][fixed] is still one
    right-aligned record, and one write instead of three."""
    runs: list[list[CsvField]] = []
    for f in fields:
        prev = runs[-1][0] if runs else None
        if prev is None or prev.rows is not None or f.rows is not None or not isinstance(f.length, int):
            runs.append([f])
        else:
            runs[-1].append(f)
    out = []
    for run in runs:
        if len(run) == 1:
            out.append(run[0])
            continue
        rec = np.empty(len(run[0].rec), dtype=[(f"f{i}", f.rec.dtype) for i, f in enumerate(run)])
        for i, f in enumerate(run):
            rec[f"f{i}"] = f.rec
        out.append(
            CsvField(rec.view(f"S{rec.dtype.itemsize}"), run[0].length + sum(f.length for f in run[1:]))
        )
    return out


def csv_record_table(fields: Sequence[CsvField]) -> tuple[Arr, Arr]:
    """Rows laid out as in ``csv_rows`` but each right-aligned in a record of
    one width (padded on the left with commas): a label table for combined
    columns. Returns (records, lengths)."""
    n = len(fields[0].rec)
    width = sum(f.rec.dtype.itemsize for f in fields)  # room for any padding
    length = np.zeros(n, dtype=np.int32)
    for f in fields:
        length += f.length
    out = np.full(n * width, _COMMA, dtype=np.uint8)
    end = np.arange(1, n + 1, dtype=np.int64) * width
    for f in reversed(fields):
        w = f.rec.dtype.itemsize
        windows = np.ndarray(buffer=out, dtype=f"S{w}", shape=(len(out) - w + 1,), strides=(1,))
        windows[end - w] = f.rec
        end -= f.length
    return out.view(f"S{width}"), length


def csv_rows(fields: Sequence[CsvField], n: int) -> Arr:
    """Lay out a chunk of n rows (see the section comment) as bytes."""
    fields = _merge_fixed(fields)
    row_len = np.full(n, sum(f.length for f in fields if isinstance(f.length, int)), dtype=np.int64)
    for f in fields:
        if not isinstance(f.length, int):
            row_len += f.length
    end = np.cumsum(row_len)  # exclusive end of each row, then of each field
    row_start = end - row_len
    out = np.full(int(end[-1]) if n else 0, _COMMA, dtype=np.uint8)
    for j in range(len(fields) - 1, -1, -1):
        f = fields[j]
        w = f.rec.dtype.itemsize
        e = end if f.rows is None else end[f.rows]
        # A record whose padding would reach into the row before (where the
        # fields to its left are shorter than the padding, always so in the
        # first column unless it has one width) is written without it.
        spill = e - w < (row_start if f.rows is None else row_start[f.rows])
        if spill.any():
            length = np.broadcast_to(f.length, (n,))
            length = length if f.rows is None else length[f.rows]
            bad = np.flatnonzero(spill)
            _write_exact(out, e[bad] - length[bad], f.rec[bad], length[bad])
            good = np.flatnonzero(~spill)
            e, rec = e[good], f.rec[good]
        else:
            rec = f.rec
        # Windows of w bytes starting at every byte: assigning record i to
        # window e - w puts it right before end e.
        windows = np.ndarray(buffer=out, dtype=f"S{w}", shape=(max(len(out) - w + 1, 0),), strides=(1,))
        windows[e - w] = rec
        if j:
            end -= f.length
    return out


def _write_exact(out: Arr, start: Arr, rec: Arr, length: Arr) -> None:
    """Write records without their padding, one field length at a time."""
    w = rec.dtype.itemsize
    raw = rec.view(np.uint8).reshape(-1, w)
    for k in np.unique(length):
        rows = np.flatnonzero(length == k)
        windows = np.ndarray(buffer=out, dtype=f"S{k}", shape=(len(out) - k + 1,), strides=(1,))
        windows[start[rows]] = np.ascontiguousarray(raw[rows, w - k :]).view(f"S{k}").ravel()
