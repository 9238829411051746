"""The bytes of input files: decompressed on the fly when gzip, bzip2 or xz (told by their
first bytes, not their names), so an OpenAlex snapshot part ``part_000.gz`` streams like the
JSON Lines inside it; and the sniffing that tells a binary file from text.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import BinaryIO

SNIFF_BYTES = 8192
SAMPLE_BLOCKS = 16  # blocks of SNIFF_BYTES looked at before calling a file binary
COMPRESSED_SUFFIXES = (".gz", ".bz2", ".xz")
# First bytes of each compression format -> how to open it (bzip2: 'BZh', block size, then
# the magic of a block or of the end of the stream).
_MAGIC: tuple[tuple[re.Pattern[bytes], ModuleType], ...] = (
    (re.compile(rb"\x1f\x8b\x08"), gzip),
    (re.compile(rb"BZh[1-9](?:\x31\x41\x59\x26\x53\x59|\x17\x72\x45\x38\x50\x90)"), bz2),
    (re.compile(rb"\xfd7zXZ\x00"), lzma),
)
# What a broken compressed stream raises while it is read.
DECOMPRESSION_ERRORS = (EOFError, zlib.error, lzma.LZMAError, gzip.BadGzipFile)


class InputError(Exception):
    """The bytes of an input could not be read on (a truncated or corrupt compressed file):
    the file ends there, with what was read before kept. ``location`` is 'line N'."""

    def __init__(self, location: str, message: str) -> None:
        super().__init__(message)
        self.location = location
        self.message = message


def compression_of(path: Path) -> ModuleType | None:
    """The module (gzip, bz2, lzma) that decompresses ``path``, told by its first bytes
    rather than its name; None for a plain file."""
    with path.open("rb") as handle:
        magic = handle.read(10)
    return next((module for pattern, module in _MAGIC if pattern.match(magic)), None)


def open_input(path: Path) -> BinaryIO:
    """The bytes of an input file, decompressed while they are read when it is gzip,
    bzip2 or xz: nothing is unpacked to disk or held whole."""
    module = compression_of(path)
    return module.open(path, "rb") if module else path.open("rb")


def read_lines(handle: BinaryIO) -> Iterator[bytes]:
    """The raw lines of ``handle``; a broken compressed stream becomes an InputError
    naming the line where it broke (the lines before it have been yielded)."""
    number = 0
    try:
        for number, raw in enumerate(handle, start=1):  # noqa: B007 - read after the loop
            yield raw
    except DECOMPRESSION_ERRORS as error:
        raise InputError(f"line {number + 1}", _broken(error)) from None


def read_chunk(handle: BinaryIO, size: int, line: int) -> bytes:
    """``handle.read(size)``, a broken compressed stream becoming an InputError."""
    try:
        return handle.read(size)
    except DECOMPRESSION_ERRORS as error:
        raise InputError(f"line {line}", _broken(error)) from None


def _broken(error: BaseException) -> str:
    return (
        f"the compressed data is truncated or corrupt ({error or type(error).__name__}); "
        "the rest of the file was skipped, the records before it were read"
    )


def format_suffix(path: Path) -> str:
    """The extension that names the format: 'papers.csv.gz' -> '.csv', 'part_000.gz' -> ''."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSED_SUFFIXES:
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def read_head(path: Path) -> bytes:
    """The first SNIFF_BYTES of the (decompressed) file, for format detection."""
    with open_input(path) as handle:
        return read_chunk(handle, SNIFF_BYTES, 1)


def looks_binary(block: bytes) -> bool:
    """Whether a block of bytes is not text: many control bytes, or NUL bytes more often
    than one in 500 in bytes that are not UTF-8 either (compressed or random data). A few
    stray NUL bytes in text do not make it binary."""
    if not block:
        return False
    controls = sum(1 for b in block if b < 32 and b not in (9, 10, 12, 13, 27))
    if controls / len(block) > 0.1:
        return True
    return block.count(0) > len(block) // 500 and not _utf8(block)


def _utf8(block: bytes) -> bool:
    """Whether ``block`` is UTF-8 (a sequence cut by the block's end allowed)."""
    try:
        block.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start >= len(block) - 3 and error.reason == "unexpected end of data"
    return True


def binary_throughout(path: Path) -> bool:
    """Whether a file is binary in every block sampled (the head, then blocks spread over a
    plain file or following the head of a compressed one): a text file with a few stray
    NUL bytes is read, and its records holding them are rejected one by one."""
    with open_input(path) as handle:
        head = read_chunk(handle, SNIFF_BYTES, 1)
        if not looks_binary(head):
            return False
        if isinstance(handle, io.BufferedReader):  # plain: sample across the whole file
            size = path.stat().st_size
            step = max(SNIFF_BYTES, size // SAMPLE_BLOCKS)
            blocks = []
            for offset in range(step, size, step):
                handle.seek(offset)
                blocks.append(handle.read(SNIFF_BYTES))
        else:
            blocks = [read_chunk(handle, SNIFF_BYTES, 1) for _ in range(SAMPLE_BLOCKS - 1)]
        return all(looks_binary(block) for block in blocks if block)


@dataclass(frozen=True)
class Span:
    """One piece of a plain (uncompressed) file whose records are single lines, so that
    several tasks can read one big file at once: the lines that start at a byte offset in
    ``[start, end)``. ``newlines_before`` is the number of newlines before ``start`` (so
    line numbers in messages are the file's own)."""

    start: int
    end: int
    newlines_before: int = 0


def byte_ranges(path: Path, size: int) -> list[tuple[int, int]]:
    """``path`` cut into ranges of about ``size`` bytes (the last one takes the rest)."""
    total = path.stat().st_size
    starts = range(0, total, max(1, size))
    return [(start, min(start + size, total)) for start in starts] or [(0, 0)]


def count_newlines(path: Path, start: int, end: int, block: int = 1 << 20) -> int:
    """The newlines in bytes ``[start, end)`` of a plain file."""
    count = 0
    with path.open("rb") as handle:
        handle.seek(start)
        left = end - start
        while left > 0:
            chunk = handle.read(min(block, left))
            if not chunk:
                break
            count += chunk.count(b"\n")
            left -= len(chunk)
    return count


def span_lines(path: Path, span: Span) -> Iterator[tuple[int, bytes]]:
    """(line number, raw line) of the lines of ``span``: a line that began before it
    belongs to the span before."""
    with path.open("rb") as handle:
        number = span.newlines_before + 1
        position = span.start
        if span.start > 0:
            handle.seek(span.start - 1)
            if handle.read(1) != b"\n":  # inside a line: it belongs to the span before
                rest = handle.readline()
                position += len(rest)
                number += rest.endswith(b"\n")
        while position < span.end:
            raw = handle.readline()
            if not raw:
                break
            yield number, raw
            position += len(raw)
            number += 1
