"""Reading on the workers: one task (and partition) per input file, or per byte range of a
big plain file whose records are single lines (JSON Lines), every record numbered in input
order.

A record's order key is ``partition << 40 | its number in the partition``, partitions being
numbered in input order: sorting by it gives the order in which `kg ingest` reads the same
inputs, which is what merging and "the first spelling seen" follow, and the key tells the
partition a record lives in. Rejections are returned as data (not printed by the worker), so
the driver reports each one once even when a task is run again after a worker died."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import accumulate
from pathlib import Path

from kg.ingest import iter_records, iter_span
from kg.model import Paper
from kg.readers import InputError, ReadOptions, Rejection, detect_format, load_readers
from kg.readers.inputs import Span, byte_ranges, compression_of

RECORD_BITS = 40  # records per file < 2**40 and files < 2**20: order keys * 4 fit int64
MAX_PARTS = 1 << 20

Record = tuple[int, Paper]  # (order key, record)


def order_key(part: int, number: int) -> int:
    return part << RECORD_BITS | number


def part_of(order: int) -> int:
    """The reading partition (file or range) a record (order key) came from."""
    return order >> RECORD_BITS


def read_file(
    part: int, path: str, fmt: str | None, options: ReadOptions | None
) -> list[Record | Rejection]:
    """Every record of one input file with its order key, and the file's rejections
    (compressed files are read by kg/readers as they are)."""
    return _numbered(part, iter_records([Path(path)], fmt, options))


def _numbered(part: int, records: Iterable[Paper | Rejection]) -> list[Record | Rejection]:
    out: list[Record | Rejection] = []
    number = 0
    for record in records:
        if isinstance(record, Rejection):
            out.append(record)
        else:
            out.append((order_key(part, number), record))
            number += 1
    return out


def read_span(
    part: int, path: str, fmt: str, span: Span, options: ReadOptions | None
) -> list[Record | Rejection]:
    """The records of one byte range of a file, and its rejections (named by the file's
    own line numbers)."""
    return _numbered(part, iter_span(Path(path), fmt, span, options))


def ranges_of(
    path: str, fmt: str | None, range_bytes: int
) -> tuple[str, list[tuple[int, int]]] | None:
    """(format, byte ranges) when ``path`` is worth reading in ranges: a plain file bigger
    than ``range_bytes`` in a format whose records are single lines; else None."""
    file = Path(path)
    try:
        if file.stat().st_size <= range_bytes or compression_of(file) is not None:
            return None
        name = fmt or detect_format(file)
    except (OSError, ValueError, InputError):  # unreadable or unknown: read_file says so
        return None
    if not load_readers()[name].splittable:
        return None
    return name, byte_ranges(file, range_bytes)


def spans(ranges: list[tuple[int, int]], newlines: list[int]) -> list[Span]:
    """The Spans of ``ranges`` given the newlines counted in each."""
    before = [0, *accumulate(newlines)]
    return [Span(start, end, before[i]) for i, (start, end) in enumerate(ranges)]
