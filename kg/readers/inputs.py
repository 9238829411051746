"""The bytes of input files: decompressed on the fly when gzip, bzip2 or xz (told by their
first bytes, not their names), so an OpenAlex snapshot part ``part_000.gz`` streams like the
JSON Lines inside it; UTF-16 and UTF-32 text (told by its byte-order mark, as Windows tools
write it) turned into UTF-8 as it is read, so every reader sees UTF-8; and the sniffing that
tells a binary file from text.
"""

from __future__ import annotations

import bz2
import codecs
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
# Byte-order marks of the wide Unicode encodings (UTF-32 first: its LE mark starts like
# UTF-16's) -> the codec that reads them (the codec consumes the mark).
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# A code unit that is not valid UTF-16/32 becomes the byte 0xFF (never valid UTF-8), so the
# readers' UTF-8 check reports its line instead of a silent replacement character.
_INVALID_WIDE = "paper-kg-invalid-wide"
codecs.register_error(_INVALID_WIDE, lambda error: ("\udcff", error.end))
# The five bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) as Latin-1.
_CP1252_GAPS = "paper-kg-cp1252-gaps"
codecs.register_error(
    _CP1252_GAPS, lambda error: (error.object[error.start : error.end].decode("latin-1"), error.end)
)


def decode_legacy(raw: bytes) -> str:
    """Bytes that are not UTF-8, as Windows-1252 (what Excel's "CSV (Comma delimited)" and
    other Windows tools write: curly quotes and dashes at 0x80-0x9F, where Latin-1 has
    control characters), its five undefined bytes as Latin-1: nothing is dropped."""
    return raw.decode("cp1252", errors=_CP1252_GAPS)


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
    bzip2 or xz, and as UTF-8 when its text is UTF-16 or UTF-32: nothing is unpacked to
    disk or held whole."""
    module = compression_of(path)
    handle = module.open(path, "rb") if module else path.open("rb")
    try:
        encoding = _wide_encoding(handle.peek(4)[:4])  # type: ignore[attr-defined]
    except DECOMPRESSION_ERRORS as error:
        handle.close()
        raise InputError("line 1", _broken(error)) from None
    except BaseException:
        handle.close()
        raise
    return io.BufferedReader(_Utf8Of(handle, encoding)) if encoding else handle


def _wide_encoding(start: bytes) -> str | None:
    return next((codec for bom, codec in _WIDE_BOMS if start.startswith(bom)), None)


def wide_text(path: Path) -> bool:
    """Whether a plain file is UTF-16 or UTF-32 text: its byte offsets are not those of
    the UTF-8 the readers see, so it cannot be read in byte ranges."""
    with path.open("rb") as handle:
        return _wide_encoding(handle.read(4)) is not None


class _Utf8Of(io.RawIOBase):
    """The UTF-8 bytes of a UTF-16 or UTF-32 byte stream, decoded as they are read."""

    def __init__(self, source: BinaryIO, encoding: str) -> None:
        super().__init__()
        self._source = source
        self._decoder = codecs.getincrementaldecoder(encoding)(errors=_INVALID_WIDE)
        self._ready = b""
        self._ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._ready and not self._ended:
            chunk = self._source.read(SNIFF_BYTES)
            self._ended = not chunk
            text = self._decoder.decode(chunk, final=self._ended)
            self._ready = text.encode("utf-8", "surrogateescape")
        size = min(len(buffer), len(self._ready))
        buffer[:size] = self._ready[:size]
        self._ready = self._ready[size:]
        return size

    def close(self) -> None:
        self._source.close()
        super().close()


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
        if isinstance(getattr(handle, "raw", None), io.FileIO):  # plain: sample it all
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
