"""Small NumPy helpers (cumulative sums, fast sorts and draws) and builders of Arrow
arrays straight from NumPy buffers (ids, labels, timestamps, dates, decimals)."""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from scripts.generate.constants import Arr, Frame
from scripts.generate.schema import _D, _I, _M, _TS


def cumsum0(x: Arr) -> Arr:
    """Exclusive cumulative sum with a leading zero (length len(x) + 1)."""
    out = np.zeros(len(x) + 1, dtype=np.int64)
    np.cumsum(x, out=out[1:])
    return out


def stable_argsort(key: Arr) -> Arr:
    """np.argsort(key, kind="stable") for an integer key, much faster: key and
    position packed into one int64 and sorted with NumPy's SIMD sort (ties keep
    their order through the position bits)."""
    n = len(key)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    lo = int(key.min())
    pos_bits = (n - 1).bit_length()
    if (int(key.max()) - lo).bit_length() + pos_bits > 62:
        return np.argsort(key, kind="stable")
    packed = (key.astype(np.int64) - lo) << pos_bits
    packed |= np.arange(n)
    packed.sort()
    return packed & ((1 << pos_bits) - 1)


def sort_by(primary: Arr, secondary: Arr) -> Arr:
    """Stable order by (primary, secondary): two stable sorts, least significant first."""
    order = stable_argsort(secondary)
    return order[stable_argsort(primary[order])]


def lognormal(rng: np.random.Generator, median: float | Arr, sigma: float | Arr, n: int) -> Arr:
    """Lognormal draws given the median instead of the log-mean."""
    return rng.lognormal(np.log(median), sigma, n)


def lognormal32(rng: np.random.Generator, median: float | Arr, sigma: float, n: int) -> Arr:
    """Single-precision ``lognormal`` (twice as fast), for the millions of event timings."""
    x = rng.standard_normal(n, dtype=np.float32)
    x *= np.float32(sigma)
    x += np.log(np.asarray(median, dtype=np.float32))
    return np.exp(x, out=x)


def searchsorted_right(edges: Arr, x: Arr) -> Arr:
    """np.searchsorted(edges, x, side="right") for sorted edges, same result,
    several times faster for many x: the range of the edges is cut into cells,
    and a value whose cell and both neighbours hold no edge gets the answer
    from a table (the neighbours absorb any rounding in finding the cell); the
    few other values are searched."""
    if len(x) < 50_000 or not 0 < len(edges) <= 100_000:
        return np.searchsorted(edges, x, side="right")
    lo, hi = float(edges[0]), float(edges[-1])
    m = 8 * len(edges)
    width = (hi - lo) / m
    if not width > 0:
        return np.searchsorted(edges, x, side="right")
    # Answers at -inf, every cell boundary and +inf; a cell's answer when its
    # neighbourhood agrees, else -1.
    bound = np.searchsorted(edges, lo + np.arange(m + 1) * width, side="right")
    at = np.concatenate([[0], bound, [len(edges)]])
    table = np.where(at[:m] == at[3:], at[:m], -1).astype(np.int32)
    cell = x * (1.0 / width)
    cell -= lo / width
    np.clip(cell, 0, m - 1, out=cell)
    out = table[cell.astype(np.int32)].astype(np.int64)
    miss = np.flatnonzero(out < 0)
    out[miss] = np.searchsorted(edges, x[miss], side="right")
    return out


def pick(rng: np.random.Generator, probs: Sequence[float] | Arr, n: int) -> Arr:
    """Categorical draws (int64 indices) from a probability vector."""
    p = np.asarray(probs, dtype=float)
    return np.minimum(searchsorted_right(np.cumsum(p / p.sum()), rng.random(n)), len(p) - 1)


def poisson(rng: np.random.Generator, lam: float, n: int) -> Arr:
    """Poisson draws with a small mean, by inverting the distribution
    function: faster than ``rng.poisson`` for millions."""
    if lam <= 0:
        return np.zeros(n, dtype=np.int64)
    k = np.arange(int(lam + 12 * math.sqrt(lam) + 12))
    pmf = np.exp(k * math.log(lam) - lam - np.array([math.lgamma(x + 1.0) for x in k]))
    return pick(rng, pmf, n)


def pick_sorted(rng: np.random.Generator, probs: Arr, n: int) -> Arr:
    """Like ``pick``, the draws in ascending order: much faster over many
    categories (sorted lookups stay in cache); for draws whose order does not matter."""
    p = np.asarray(probs, dtype=float)
    u = rng.random(n)
    u.sort()
    return np.minimum(np.searchsorted(np.cumsum(p / p.sum()), u, side="right"), len(p) - 1)


def _validity(valid: Arr | None) -> pa.Buffer | None:
    if valid is None or bool(valid.all()):
        return None
    return pa.py_buffer(np.packbits(valid.astype(np.uint8), bitorder="little"))


@functools.cache
def _digit_text(width: int) -> Arr:
    """All numbers below 10**width as zero-padded fixed-width bytes (width <= 4)."""
    assert width <= 4, width
    n = np.arange(10**width)
    digits = np.stack([n // 10 ** (width - 1 - k) % 10 for k in range(width)], axis=1) + ord("0")
    return digits.astype(np.uint8).view(f"S{width}").ravel()


def _string_array(records: Arr, valid: Arr | None) -> pa.Array:
    """Arrow string array over packed fixed-width byte records (no copy)."""
    n, rec = len(records), records.dtype.itemsize
    offsets = np.arange(n + 1, dtype=np.int64) * rec
    data = pa.py_buffer(records.view(np.uint8))
    if n * rec >= 2**31:
        return pa.Array.from_buffers(
            pa.large_string(), n, [_validity(valid), pa.py_buffer(offsets), data]
        ).cast(pa.string())
    return pa.Array.from_buffers(
        pa.string(), n, [_validity(valid), pa.py_buffer(offsets.astype(np.int32)), data]
    )


def zero_padded(nums: Arr, width: int) -> Arr:
    """Non-negative integers as zero-padded text of a fixed width (S<width>),
    built from 4-digit groups looked up in a table."""
    lead = width % 4 or 4
    n_groups = (width - lead) // 4
    rec = np.empty(len(nums), dtype=[("g0", f"S{lead}")] + [(f"g{i}", "S4") for i in range(1, n_groups + 1)])
    x = np.asarray(nums)
    if len(x) and x.max() < 2**31:
        x = x.astype(np.int32)  # 32-bit division is the faster
    for i in range(n_groups, 0, -1):
        x, group = np.divmod(x, 10_000)
        rec[f"g{i}"] = np.take(_digit_text(4), group)
    rec["g0"] = np.take(_digit_text(lead), x)
    return rec.view(f"S{width}")


def str_ids(prefix: str, nums: Arr, width: int, valid: Arr | None = None, suffix: str = "") -> pa.Array:
    """Fixed-width ids like ``C000123``: packed records of prefix, digits and
    suffix (no per-row Python)."""
    nums = np.maximum(np.ascontiguousarray(nums, dtype=np.int64), 0)
    if len(nums):
        width = max(width, len(str(int(nums.max()))))
    parts = [("p", prefix.encode()), ("d", b"0" * width), ("s", suffix.encode())]
    rec = np.empty(len(nums), dtype=[(k, f"S{len(v)}") for k, v in parts if v])
    for k, v in parts:
        if v and k != "d":
            rec[k] = v
    rec["d"] = zero_padded(nums, width)
    return _string_array(rec, valid)


def seq_ids(prefix: str, n: int, width: int, suffix: str = "", first: int = 1) -> pa.Array:
    """``str_ids`` of first..first+n-1, faster: the digit groups of consecutive
    numbers repeat regularly, so they are repeated instead of computed (event ids)."""
    width = max(width, len(str(first + n - 1)))
    lead = width % 4 or 4
    n_groups = (width - lead) // 4
    pre, suf = prefix.encode(), suffix.encode()
    fields = [("p", f"S{len(pre)}")] if pre else []
    fields += [("g0", f"S{lead}")] + [(f"g{i}", "S4") for i in range(1, n_groups + 1)]
    fields += [("s", f"S{len(suf)}")] if suf else []
    rec = np.empty(n, dtype=np.dtype(fields))
    if pre:
        rec["p"] = pre
    if suf:
        rec["s"] = suf
    last = first + n - 1
    for i in range(n_groups + 1):
        texts = _digit_text(lead if i == 0 else 4)
        step = 10 ** (4 * (n_groups - i))  # the group of x is texts[(x // step) % len(texts)]
        if step == 1:
            skip = first % len(texts)
            rec[f"g{i}"] = np.tile(texts, (skip + n) // len(texts) + 1)[skip : skip + n]
            continue
        k = np.arange(first // step, last // step + 1)
        count = np.minimum(last, (k + 1) * step - 1) - np.maximum(first, k * step) + 1
        rec[f"g{i}"] = np.repeat(texts[k % len(texts)], count)
    return _string_array(rec, None)


def emails(is_test: Arr) -> pa.Array:
    """``user000001@example.com`` by customer number; ``test...`` for test accounts."""
    width = max(6, len(str(len(is_test))))
    rec = np.empty(len(is_test), dtype=[("p", "S4"), ("d", f"S{width}"), ("s", "S12")])
    rec["p"] = np.where(is_test, b"test", b"user")
    rec["d"] = zero_padded(np.arange(1, len(is_test) + 1), width)
    rec["s"] = b"@example.com"
    return _string_array(rec, None)


@functools.lru_cache(maxsize=256)
def label_array(labels: tuple[str, ...]) -> pa.Array:
    """One Arrow array per label list, so that the tables and record batches
    using it share the dictionary (and the CSV writer formats it once)."""
    return pa.array(labels, pa.string())


def str_take(labels: pa.Array | Sequence[str], idx: Arr) -> pa.Array:
    """labels[idx] as a dictionary-encoded string array; negative indices are NULL.

    Dictionary arrays cost nothing to build and DuckDB and Parquet read them as
    plain strings, so even million-row reference columns stay cheap."""
    lab = labels if isinstance(labels, pa.Array) else label_array(tuple(labels))
    idx = np.asarray(idx)
    valid = idx >= 0
    # The narrowest index type (most columns have a few labels: 1 byte a row);
    # indices in range under NULLs too, as readers may look at them.
    itype = next(t for t in (np.int8, np.int16, np.int32) if len(lab) <= np.iinfo(t).max)
    codes = np.maximum(idx, 0).astype(itype, copy=False)
    indices = pa.Array.from_buffers(
        pa.from_numpy_dtype(itype), len(codes), [_validity(valid), pa.py_buffer(codes)]
    )
    return pa.DictionaryArray.from_arrays(indices, lab, safe=False)


def ts_arr(sec: Arr, valid: Arr | None = None) -> pa.Array:
    """Epoch seconds (int64) as a UTC timestamp array."""
    s = np.ascontiguousarray(sec, dtype=np.int64)
    return pa.Array.from_buffers(_TS, len(s), [_validity(valid), pa.py_buffer(s)])


def civil_from_days(days: Arr) -> tuple[Arr, Arr, Arr]:
    """(year, month, day) of days since 1970-01-01 (proleptic Gregorian)."""
    z = np.asarray(days, dtype=np.int64) + 719_468
    era = np.floor_divide(z, 146_097)
    doe = z - era * 146_097
    yoe = (doe - doe // 1_460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


def date_arr(epoch_days: Arr) -> pa.Array:
    d = np.ascontiguousarray(epoch_days, dtype=np.int32)
    return pa.Array.from_buffers(_D, len(d), [None, pa.py_buffer(d)])


def dec_arr(units: Arr, typ: pa.DataType = _M, valid: Arr | None = None) -> pa.Array:
    """Integer minor units (cents for money) as an exact decimal array."""
    u = np.ascontiguousarray(units, dtype=np.int64)
    buf = np.empty((len(u), 2), dtype=np.int64)
    buf[:, 0] = u
    buf[:, 1] = u >> 63
    return pa.Array.from_buffers(typ, len(u), [_validity(valid), pa.py_buffer(buf)])


def int_arr(x: Arr, valid: Arr | None = None, typ: pa.DataType = _I) -> pa.Array:
    x = np.ascontiguousarray(x, dtype=typ.to_pandas_dtype())
    return pa.Array.from_buffers(typ, len(x), [_validity(valid), pa.py_buffer(x)])


def subset(frame: Frame, mask_or_idx: Arr) -> Frame:
    return {k: v[mask_or_idx] for k, v in frame.items()}


def concat_frames(frames: Sequence[Frame]) -> Frame:
    keys = frames[0].keys()
    return {k: np.concatenate([f[k] for f in frames]) for k in keys}
