"""Writing tables to files in the background: CSV (formatted and compressed in
chunks on threads, written in order), gzip, Parquet; files past the page cache."""

from __future__ import annotations

import collections
import errno
import fcntl
import itertools
import logging
import os
import struct
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from scripts.generate.constants import FORMATS, OFFSET_TABLE, OFFSET_TZ_HOURS, Arr
from scripts.generate.csv_format import LabelCache, csv_chunks, format_chunk

LOG = logging.getLogger("generate_data")


class TableWriter:
    """Writes tables to files in the background.

    Files are written by two writer threads; the rows of a CSV file are
    formatted (and compressed) in chunks on a small pool of threads, as the
    NumPy and zlib work releases the GIL, and written in order, so the bytes
    never depend on timing. The caller goes on generating meanwhile."""

    def __init__(self, out: Path, fmt: str, threads: int = 2) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}")
        out.mkdir(parents=True, exist_ok=True)
        self.out, self.fmt = out, fmt
        # Two files at a time, so that the small tables do not queue behind web_events.
        self._files = ThreadPoolExecutor(max_workers=2, thread_name_prefix="writer")
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="format")
        self._futures: dict[str, Future[int]] = {}
        self._labels: LabelCache = {}

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._files.shutdown(wait=True, cancel_futures=True)
        self._pool.shutdown(wait=True, cancel_futures=True)

    @property
    def submitted(self) -> set[str]:
        return set(self._futures)

    def submit(self, name: str, table: pa.Table) -> None:
        self._futures[name] = self._files.submit(self._write, name, table)

    def wait(self) -> dict[str, int]:
        """Wait for every file; returns the file sizes in bytes."""
        return {name: future.result() for name, future in self._futures.items()}

    def _write(self, name: str, table: pa.Table) -> int:
        clock = time.perf_counter()
        size = self._write_file(self.out / f"{name}.{self.fmt}", name, table)
        LOG.debug("wrote %s (%.2fs)", name, time.perf_counter() - clock)
        return size

    def _write_file(self, path: Path, name: str, table: pa.Table) -> int:
        if self.fmt == "parquet":
            import pyarrow.parquet as pq  # only for this format (a noticeable import)

            pq.write_table(table, path, compression="zstd")
            return path.stat().st_size
        # Timestamps are written as ISO-8601 text in UTC ("Z"), or for the offset
        # table as local time with its offset (the same instants).
        offset = OFFSET_TZ_HOURS if name == OFFSET_TABLE else 0
        header = (",".join(table.column_names) + "\n").encode()
        rows = ordered_map(self._pool, lambda c: format_chunk(*c), csv_chunks(table, offset, self._labels))
        with DirectFile(path) as f:
            if self.fmt == "csv.gz":
                write_gzip(f, itertools.chain([header], rows), self._pool)
            else:
                f.write(header)
                for part in rows:
                    f.write(part)
        return path.stat().st_size


class DirectFile:
    """A file written past the page cache (O_DIRECT) where the file system
    allows it, else normally.

    Why: on a VM like the one this runs on, every page of a new file in the page
    cache is fresh memory, which costs about 4 s of system time per GB written
    (more than formatting the CSV); written directly it is a tenth of that, and
    the disk keeps up. Direct writes need aligned memory and whole blocks, so
    data goes through an aligned staging buffer; the last partial block is
    written normally."""

    BLOCK = 1 << 12
    STAGE = 1 << 23

    def __init__(self, path: Path) -> None:
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        self.direct = bool(getattr(os, "O_DIRECT", 0))
        try:
            self.fd = os.open(path, flags | (os.O_DIRECT if self.direct else 0), 0o666)
        except OSError:  # e.g. tmpfs refuses O_DIRECT
            self.direct = False
            self.fd = os.open(path, flags, 0o666)
        raw = np.empty(self.STAGE + self.BLOCK, dtype=np.uint8)
        start = -raw.ctypes.data % self.BLOCK
        self.stage = raw[start : start + self.STAGE]
        self.fill = 0

    def __enter__(self) -> DirectFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def write(self, data: Any) -> None:
        view = np.frombuffer(data, dtype=np.uint8)
        if not self.direct:
            self._write_all(view)
            return
        pos = 0
        while pos < len(view):
            k = min(self.STAGE - self.fill, len(view) - pos)
            self.stage[self.fill : self.fill + k] = view[pos : pos + k]
            self.fill += k
            pos += k
            if self.fill == self.STAGE:
                self._write_all(self.stage)
                self.fill = 0

    def close(self) -> None:
        try:
            whole = self.fill - self.fill % self.BLOCK
            if whole:
                self._write_all(self.stage[:whole])
            if self.fill > whole:
                self._buffered()
                self._write_all(self.stage[whole : self.fill])
        finally:
            os.close(self.fd)

    def _buffered(self) -> None:
        if self.direct:
            fcntl.fcntl(self.fd, fcntl.F_SETFL, fcntl.fcntl(self.fd, fcntl.F_GETFL) & ~os.O_DIRECT)
            self.direct = False

    def _write_all(self, view: Arr) -> None:
        pos = 0
        while pos < len(view):
            try:
                pos += os.write(self.fd, view[pos:])
            except OSError as exc:
                if not (self.direct and exc.errno == errno.EINVAL):
                    raise
                self._buffered()  # the file system takes direct opens but not direct writes


def ordered_map(
    pool: ThreadPoolExecutor, fn: Callable[[Any], Any], items: Iterable[Any], ahead: int = 2
) -> Iterator[Any]:
    """fn over items on the pool, results in order, at most ``ahead`` waiting
    (so that a slow consumer does not pile up formatted chunks in memory)."""
    pending: collections.deque[Future[Any]] = collections.deque()
    for item in items:
        pending.append(pool.submit(fn, item))
        if len(pending) > ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


GZIP_LEVEL = 6


def _deflate(data: Any, last: bool) -> bytes:
    z = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -15)
    return z.compress(data) + z.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


def write_gzip(f: DirectFile, parts: Iterable[Any], pool: ThreadPoolExecutor) -> None:
    """One gzip member made of parts deflated in parallel (as pigz does: each
    part a raw deflate stream ended by a sync flush, the last one finished).
    The header carries no time stamp: the bytes depend on the data only."""
    f.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff")
    crc, size = 0, 0
    pending: collections.deque[Future[bytes]] = collections.deque()
    held = None  # each part is deflated once the next one shows it is not the last
    for part in parts:
        if held is not None:
            pending.append(pool.submit(_deflate, held, False))
            while len(pending) > 2:
                f.write(pending.popleft().result())
        crc = zlib.crc32(part, crc)
        size += memoryview(part).nbytes
        held = part
    pending.append(pool.submit(_deflate, b"" if held is None else held, True))
    while pending:
        f.write(pending.popleft().result())
    f.write(struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF))


def write_tables(tables: dict[str, pa.Table], out: Path, fmt: str) -> dict[str, int]:
    """Write one file per table; returns file sizes in bytes."""
    with TableWriter(out, fmt) as writer:
        for name, table in tables.items():
            writer.submit(name, table)
        return writer.wait()
