"""Reading on the workers: one task per input file, every record numbered in input order.

A record's order key is ``file index << 40 | its number in the file``: sorting by it gives
the order in which `kg ingest` reads the same inputs, which is what merging and "the first
spelling seen" follow. Rejections are returned as data (not printed by the worker), so the
driver reports each one once even when a task is run again after a worker died.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import shutil
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
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
    """Every record of one input file with its order key, and the file's rejections."""
    out: list[Record | Rejection] = []
    number = 0
    try:
        with _uncompressed(Path(path)) as (readable, rename):
            for record in iter_records([readable], fmt, options):
                if isinstance(record, Rejection):
                    out.append(rename(record))
                else:
                    out.append((order_key(file_index, number), rename(record)))
                    number += 1
    except (OSError, EOFError, lzma.LZMAError, zlib.error) as error:
        out.append(Rejection(path, "file", f"cannot decompress: {error}"))
    return out


# Compressed inputs (told by their first bytes), until kg/readers read them transparently:
# inflated to a temporary file named without the compression suffix, and the records'
# file names turned back into the compressed file's.
_OPENERS = {b"\x1f\x8b": gzip.open, b"BZh": bz2.open, b"\xfd7zXZ\x00": lzma.open}


@contextmanager
def _uncompressed(path: Path) -> Iterator[tuple[Path, Callable]]:
    try:
        with path.open("rb") as handle:
            head = handle.read(6)
    except OSError:
        head = b""
    opener = next((o for magic, o in _OPENERS.items() if head.startswith(magic)), None)
    if opener is None:
        yield path, lambda record: record
        return
    with tempfile.TemporaryDirectory(prefix="kg-dask-") as tmp:
        plain = Path(tmp) / (path.stem if path.suffix else path.name)
        with opener(path, "rb") as source, plain.open("wb") as target:
            shutil.copyfileobj(source, target, 1 << 20)
        yield plain, lambda record: _renamed(record, str(plain), str(path))


def _renamed(record: Paper | Rejection, old: str, new: str) -> Paper | Rejection:
    if isinstance(record, Rejection):
        return replace(record, file=new) if record.file == old else record
    record.sources = [new + s[len(old):] if s.startswith(old) else s for s in record.sources]
    return record
