"""CSV formatters per column type: each gives a column's text records for a range
of rows (see ``csv_text`` for how records become rows)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from scripts.generate.arrays import zero_padded
from scripts.generate.constants import DAY, HOUR, Arr
from scripts.generate.csv_text import (
    CSV_CHUNK_ROWS,
    CsvField,
    CsvFormatter,
    _buffer,
    _date_text,
    _label_records,
    _needs_quotes,
    _null_record,
    _number_records,
    _time_of_day_text,
    _valid_rows,
    _with_nulls,
    csv_record_table,
    csv_rows,
)

LabelCache = dict[tuple[Any, ...], tuple[Arr, Arr]]


def _dictionary_formatter_labels(
    a: pa.DictionaryArray, sep: bytes, cache: LabelCache | None
) -> tuple[Arr, Arr]:
    """Label records of a dictionary column, shared through the cache between
    record batches and tables with the same dictionary (ids, label lists)."""
    key = (*_dictionary_key(a), sep)
    if cache is not None and key in cache:
        return cache[key]
    records = _label_records(a.dictionary, sep)
    if cache is not None:
        cache[key] = records
    return records


def _dictionary_formatter(
    a: pa.DictionaryArray, sep: bytes, last: bool, cache: LabelCache | None = None
) -> CsvFormatter:
    labels, label_len = _dictionary_formatter_labels(a, sep, cache)
    null = len(labels) - 1
    # Indices under NULLs are arbitrary but in range; the raw buffer needs no copy.
    indices = _buffer(a.indices, 1, a.indices.type.to_pandas_dtype(), len(a))
    # Mostly empty columns (utm_*, order_id of web_events) only write their values.
    sparse = not last and a.null_count > len(a) // 2
    same_width = len(labels) > 1 and bool((label_len[:-1] == label_len[0]).all())  # ids

    def fmt(lo: int, hi: int) -> CsvField:
        idx = indices[lo:hi]
        valid = _valid_rows(a, lo, hi)
        if sparse and valid is not None:
            rows = np.flatnonzero(valid)
            taken = idx[rows]
            length = np.ones(hi - lo, dtype=np.int32)
            length[rows] = label_len[taken]
            return CsvField(labels[taken], length, rows)
        if valid is not None:
            idx = np.where(valid, idx, null)
        elif same_width:
            return CsvField(labels[idx], int(label_len[0]))
        return CsvField(labels[idx], label_len[idx])

    return fmt


COMBINED_LABELS_MAX = 1 << 16


def _dictionary_key(a: pa.DictionaryArray) -> tuple[Any, ...]:
    d = a.dictionary
    return (tuple(b.address if b is not None else 0 for b in d.buffers()), d.offset, len(d))


def _combined_formatter(
    arrays: Sequence[pa.DictionaryArray], seps: Sequence[bytes], cache: LabelCache
) -> CsvFormatter:
    """Adjacent dictionary columns with few labels (event name, page type and
    URL; referrer and utm_*) as one field: a record for every combination of
    their labels (NULL included), so one lookup and one write instead of one
    per column."""
    key = ("combined", *(_dictionary_key(a) for a in arrays), *seps)
    if key not in cache:
        parts = [_dictionary_formatter_labels(a, sep, cache) for a, sep in zip(arrays, seps, strict=True)]
        # Every combination, laid out like rows of a CSV chunk (see csv_rows).
        combos = np.indices([len(labels) for labels, _ in parts]).reshape(len(parts), -1)
        cache[key] = csv_record_table(
            [CsvField(rec[i], size[i]) for (rec, size), i in zip(parts, combos, strict=True)]
        )
    labels, label_len = cache[key]
    sizes = [len(a.dictionary) + 1 for a in arrays]
    indices = [_buffer(a.indices, 1, a.indices.type.to_pandas_dtype(), len(a)) for a in arrays]
    all_null = len(labels) - 1
    sparse = min(a.null_count for a in arrays) > len(arrays[0]) // 2

    def fmt(lo: int, hi: int) -> CsvField:
        idx = np.zeros(hi - lo, dtype=np.int32)
        for a, size, codes in zip(arrays, sizes, indices, strict=True):
            idx *= size
            valid = _valid_rows(a, lo, hi)
            idx += codes[lo:hi] if valid is None else np.where(valid, codes[lo:hi], size - 1)
        if sparse:
            rows = np.flatnonzero(idx != all_null)
            taken = idx[rows]
            length = np.full(hi - lo, label_len[all_null], dtype=np.int32)
            length[rows] = label_len[taken]
            return CsvField(labels[taken], length, rows)
        return CsvField(labels[idx], label_len[idx])

    return fmt


def _column_groups(batch: pa.RecordBatch) -> list[list[int]]:
    """Columns to format together: runs of adjacent dictionary columns whose
    label combinations stay few; every other column alone."""
    groups: list[list[int]] = []
    combos = 0
    for i, column in enumerate(batch.columns):
        n = len(column.dictionary) + 1 if pa.types.is_dictionary(column.type) else 0
        last = groups[-1] if groups else None
        if n and last is not None and combos and combos * n <= COMBINED_LABELS_MAX:
            last.append(i)
            combos *= n
        else:
            groups.append([i])
            combos = n if n and n <= COMBINED_LABELS_MAX else 0
    return groups


def _string_formatter(a: pa.Array, sep: bytes, last: bool) -> CsvFormatter:
    n = len(a)
    offsets = _buffer(a, 1, np.int32, n + 1)
    widths = np.diff(offsets)
    if n and widths.min() == widths.max() > 0:
        k = int(widths[0])
        data = np.frombuffer(a.buffers()[2], dtype=np.uint8, count=int(offsets[-1]))[int(offsets[0]) :]
        if not _needs_quotes(data):
            text = data.reshape(n, k)

            def fmt(lo: int, hi: int) -> CsvField:
                rec = np.empty((hi - lo, k + 1), dtype=np.uint8)
                rec[:, :k] = text[lo:hi]
                rec[:, k] = ord(sep)
                return _with_nulls(rec.view(f"S{k + 1}").ravel(), k + 1, _valid_rows(a, lo, hi), sep)

            return fmt
    if n <= 1 << 16:
        # Texts of varying width (product names): a record per row, as labels.
        labels, label_len = _label_records(a, sep)
        return lambda lo, hi: CsvField(labels[lo:hi], label_len[lo:hi])
    import pyarrow.compute as pc  # rare, and a noticeable import

    return _dictionary_formatter(pc.dictionary_encode(a), sep, last)


def _number_formatter(a: pa.Array, sep: bytes, last: bool) -> CsvFormatter:
    """Integers, and decimals (whose 128-bit units fit in 64 bits here)."""
    n = len(a)
    scale = a.type.scale if pa.types.is_decimal(a.type) else 0
    high = np.zeros(0, dtype=np.int64)
    if pa.types.is_decimal(a.type):
        # 128-bit little-endian units: the low word, and the high word (0 when it fits).
        words = np.frombuffer(a.buffers()[1], dtype=np.int64, count=2 * (a.offset + n))[2 * a.offset :]
        units, high = words[0::2], words[1::2]
    elif a.type in (pa.int64(), pa.int32()):
        units = _buffer(a, 1, a.type.to_pandas_dtype(), n)  # values under NULLs are arbitrary
    else:
        units = _buffer(a, 1, a.type.to_pandas_dtype(), n).astype(np.int64)
    # (Arrow's own is_valid/fill_null would import pyarrow.compute: 0.2 s holding the GIL.)
    valid = _valid_rows(a, 0, n)
    units_valid = units if valid is None else units[valid]
    high_valid = high if valid is None or not len(high) else high[valid]
    if (len(units_valid) and units_valid.min() < 0) or high_valid.any():
        # Negative or huge numbers never come out of the generator; Arrow's
        # own text keeps the writer general.
        import pyarrow.compute as pc

        return _dictionary_formatter(pc.dictionary_encode(pc.cast(a, pa.string())), sep, last)
    unit = 10**scale
    top = int(units_valid.max()) if len(units_valid) else 0
    n_digits = len(str(top // unit))
    if scale == 0 and top < 2**17 and n > top // 4:
        # Many small integers (dwell and load times): every text once, then lookups.
        table, table_len = _number_records(np.arange(top + 1), n_digits, [("sep", sep)])
        table = np.concatenate([table, _null_record(table.dtype.itemsize, sep)])
        table_len = np.concatenate([table_len + 1, [1]]).astype(np.int32)

        def lookup(lo: int, hi: int) -> CsvField:
            valid = _valid_rows(a, lo, hi)
            idx = units[lo:hi] if valid is None else np.where(valid, units[lo:hi], top + 1)
            return CsvField(table[idx], table_len[idx])

        return lookup

    def fmt(lo: int, hi: int) -> CsvField:
        valid = _valid_rows(a, lo, hi)
        u = units[lo:hi] if valid is None else np.where(valid, units[lo:hi], 0)
        if scale:
            whole, frac = np.divmod(u, unit)
            tail = [("dot", b"."), ("frac", zero_padded(frac, scale)), ("sep", sep)]
            rec, length = _number_records(whole, n_digits, tail)
            length += scale + 2
        else:
            rec, length = _number_records(u, n_digits, [("sep", sep)])
            length += 1
        if valid is not None:
            rec[~valid] = _null_record(rec.dtype.itemsize, sep)[0]
            length[~valid] = 1
        return CsvField(rec, length)

    return fmt


def _timestamp_formatter(a: pa.Array, sep: bytes, offset_hours: int) -> CsvFormatter:
    """ISO-8601 with seconds: ``2025-03-01T10:00:00Z``, or the local time at the
    offset: ``2025-03-01T18:00:00+08:00``."""
    if a.type.unit != "s":
        raise TypeError(f"timestamps are written with second resolution, got {a.type}")
    n = len(a)
    sec = _buffer(a, 1, np.int64, n) + offset_hours * HOUR
    valid = _valid_rows(a, 0, n)
    days = (sec if valid is None else sec[valid]) // DAY
    d0, d1 = (int(days.min()), int(days.max())) if len(days) else (0, 0)
    dates = _date_text(np.arange(d0, d1 + 1), b"T")
    suffix = b"Z" if offset_hours == 0 else f"{offset_hours:+03d}:00".encode()
    width = 20 + len(suffix)

    def fmt(lo: int, hi: int) -> CsvField:
        day, sod = np.divmod(sec[lo:hi], DAY)
        valid = _valid_rows(a, lo, hi)
        if valid is not None:
            day = np.where(valid, day, d0)
            sod = np.where(valid, sod, 0)
        rec = np.empty(hi - lo, dtype=[("d", "S11"), ("t", "S8"), ("z", f"S{len(suffix)}"), ("s", "S1")])
        rec["d"] = dates[day - d0]
        rec["t"] = _time_of_day_text()[sod]
        rec["z"] = suffix
        rec["s"] = sep
        return _with_nulls(rec.view(f"S{width}"), width, valid, sep)

    return fmt


def _date_formatter(a: pa.Array, sep: bytes) -> CsvFormatter:
    days = _buffer(a, 1, np.int32, len(a))
    d0, d1 = (int(days.min()), int(days.max())) if len(days) else (0, 0)
    dates = _date_text(np.arange(d0, d1 + 1), sep)

    def fmt(lo: int, hi: int) -> CsvField:
        valid = _valid_rows(a, lo, hi)
        day = days[lo:hi] if valid is None else np.where(valid, days[lo:hi], d0)
        return _with_nulls(dates[day - d0], 11, valid, sep)

    return fmt


def _bool_formatter(a: pa.Array, sep: bytes) -> CsvFormatter:
    labels, label_len = _label_records(pa.array(["false", "true"]), sep)
    bits = np.frombuffer(a.buffers()[1], dtype=np.uint8)
    values = np.unpackbits(bits, bitorder="little")[a.offset : a.offset + len(a)].astype(np.int8)

    def fmt(lo: int, hi: int) -> CsvField:
        valid = _valid_rows(a, lo, hi)
        idx = values[lo:hi] if valid is None else np.where(valid, values[lo:hi], 2)
        return CsvField(labels[idx], label_len[idx])

    return fmt


def csv_formatter(
    column: pa.Array | pa.ChunkedArray,
    sep: bytes,
    offset_hours: int = 0,
    last: bool = False,
    labels: LabelCache | None = None,
) -> CsvFormatter:
    """A function giving a column's text records for rows lo..hi."""
    a = column
    if isinstance(a, pa.ChunkedArray):  # one chunk as a rule; combining would copy it
        a = a.chunk(0) if a.num_chunks == 1 else a.combine_chunks()
    typ = a.type
    if pa.types.is_dictionary(typ):
        return _dictionary_formatter(a, sep, last, labels)
    if pa.types.is_string(typ):
        return _string_formatter(a, sep, last)
    if pa.types.is_timestamp(typ):
        return _timestamp_formatter(a, sep, offset_hours)
    if pa.types.is_date32(typ):
        return _date_formatter(a, sep)
    if pa.types.is_integer(typ) or pa.types.is_decimal(typ):
        return _number_formatter(a, sep, last)
    if pa.types.is_boolean(typ):
        return _bool_formatter(a, sep)
    raise TypeError(f"no CSV text for {typ}")


CsvChunk = tuple[list[CsvFormatter], int, int]


def csv_chunks(table: pa.Table, offset_hours: int = 0, labels: LabelCache | None = None) -> list[CsvChunk]:
    """The row chunks of a table, each with the column formatters of its record
    batch (label records are shared between batches, and tables, with the same
    dictionary: the ids)."""
    names = table.column_names
    labels = {} if labels is None else labels
    chunks: list[CsvChunk] = []
    seps = [b","] * (len(names) - 1) + [b"\n"]
    for batch in table.to_batches():
        formatters = []
        for group in _column_groups(batch):
            if len(group) > 1 and group[-1] < len(names) - 1:
                columns = [batch.column(i) for i in group]
                formatters.append(_combined_formatter(columns, [seps[i] for i in group], labels))
            else:
                formatters += [
                    csv_formatter(batch.column(i), seps[i], offset_hours, i == len(names) - 1, labels)
                    for i in group
                ]
        n = batch.num_rows
        chunks += [(formatters, lo, min(n, lo + CSV_CHUNK_ROWS)) for lo in range(0, n, CSV_CHUNK_ROWS)]
    return chunks


def format_chunk(formatters: Sequence[CsvFormatter], lo: int, hi: int) -> Arr:
    return csv_rows([fmt(lo, hi) for fmt in formatters], hi - lo)
