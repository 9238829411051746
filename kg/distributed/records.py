"""Reading on the workers: one task per input file, every record numbered in input order.

A record's order key is ``file index << 40 | its number in the file``: sorting by it gives
the order in which `kg ingest` reads the same inputs, which is what merging and "the first
spelling seen" follow. Rejections are returned as data (not printed by the worker), so the
driver reports each one once even when a task is run again after a worker died.
"""

from __future__ import annotations

from pathlib import Path

from kg.ingest import iter_records
from kg.model import Paper
from kg.readers import ReadOptions, Rejection

RECORD_BITS = 40  # records per file < 2**40 and files < 2**20: order keys * 4 fit int64
MAX_FILES = 1 << 20

Record = tuple[int, Paper]  # (order key, record)


def order_key(file_index: int, number: int) -> int:
    return file_index << RECORD_BITS | number


def file_of(order: int) -> int:
    """The index of the input file a record (order key) came from."""
    return order >> RECORD_BITS


def read_file(
    file_index: int, path: str, fmt: str | None, options: ReadOptions | None
) -> list[Record | Rejection]:
    """Every record of one input file with its order key, and the file's rejections
    (compressed files are read by kg/readers as they are)."""
    out: list[Record | Rejection] = []
    number = 0
    for record in iter_records([Path(path)], fmt, options):
        if isinstance(record, Rejection):
            out.append(record)
        else:
            out.append((order_key(file_index, number), record))
            number += 1
    return out
