"""The reader interface: one module per input format, each registering one ``Reader``.

A reader turns one input file into a stream of ``Paper`` records and ``Rejection``
reports; it never raises on bad input. Adding a format means adding one module to
``kg/readers/`` that defines a ``Reader`` subclass decorated with ``@register``.

Inputs are opened with ``open_input``: gzip, bzip2 and xz files (told by their first bytes)
are decompressed on the fly, so an OpenAlex snapshot part ``part_000.gz`` streams like the
JSON Lines inside it.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import lzma
import re
import zlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, BinaryIO, ClassVar

from kg.model import Paper

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
NUL = "\x00"


class InputError(Exception):
    """The bytes of an input could not be read on (a truncated or corrupt compressed file):
    the file ends there, with what was read before kept. ``location`` is 'line N'."""

    def __init__(self, location: str, message: str) -> None:
        super().__init__(message)
        self.location = location
        self.message = message


@dataclass(frozen=True)
class Rejection:
    """A record that could not be read: where it is and why, phrased for the user."""

    file: str
    location: str  # "line 12", "record 3", "entry 'vaswani2017'" ...
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.location}: {self.message}"


@dataclass
class ReadOptions:
    """Options that change how inputs are interpreted (not which format)."""

    year: int | None = None  # the year of a Daily Papers page whose dates lack one


class Reader(ABC):
    """Base class of all format readers."""

    name: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = ""
    # A generic format (plain JSONL/CSV) also accepts content a specific reader (OpenAlex,
    # Semantic Scholar) claims; detection then prefers the specific reader.
    generic: ClassVar[bool] = False

    def __init__(self, options: ReadOptions | None = None) -> None:
        self.options = options or ReadOptions()

    @classmethod
    def sniff(cls, head: str) -> bool:
        """Whether the first characters of a file look like this format."""
        return False

    @abstractmethod
    def read(self, path: Path) -> Iterator[Paper | Rejection]:
        """Yield papers and rejections of one file, streaming where the format allows."""


READERS: dict[str, type[Reader]] = {}


def register(cls: type[Reader]) -> type[Reader]:
    READERS[cls.name] = cls
    return cls


class TextSource:
    """Line access to a text file that decodes UTF-8 leniently and reports where it failed.

    Invalid bytes are decoded as Latin-1 (nothing is silently dropped) and each affected
    line is remembered in ``bad_lines`` so the reader can reject or flag the record.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.bad_lines: list[int] = []

    def lines(self) -> Iterator[tuple[int, str]]:
        """Yield (1-based line number, line without newline). Raises InputError where a
        compressed file turns out truncated or corrupt."""
        with open_input(self.path) as handle:
            for number, raw in enumerate(read_lines(handle), start=1):
                if number == 1 and raw.startswith(codecs.BOM_UTF8):
                    raw = raw[len(codecs.BOM_UTF8) :]
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    self.bad_lines.append(number)
                    text = raw.decode("latin-1")
                yield number, text.rstrip("\r\n")

    def encoding_rejection(self) -> Rejection | None:
        if not self.bad_lines:
            return None
        shown = ", ".join(str(n) for n in self.bad_lines[:5])
        more = f" and {len(self.bad_lines) - 5} more" if len(self.bad_lines) > 5 else ""
        return Rejection(
            str(self.path),
            f"line {shown}{more}",
            "not valid UTF-8; decoded as Latin-1. Convert the file "
            "(e.g. `iconv -f cp1252 -t utf-8`) to silence this.",
        )


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


def nul_field(paper: Paper) -> str | None:
    """The first field of a paper holding a NUL character (a sign of a corrupt record,
    and invalid in XML and RDF output), or None."""
    fields: Iterable[tuple[str, object]] = [
        ("title", paper.title), ("abstract", paper.abstract), ("doi", paper.doi),
        ("arxiv_id", paper.arxiv_id), ("venue", paper.venue), ("url", paper.url),
        ("date", paper.date), ("updated", paper.updated), ("keywords", paper.keywords),
        ("categories", paper.categories), ("references", paper.references),
        ("cited_by", paper.cited_by), ("sources", paper.sources),
        ("external_ids", [*paper.external_ids, *paper.external_ids.values()]),
        ("authors", [
            part for a in paper.authors
            for part in (a.name, a.orcid, *a.affiliations, *a.source_ids.values())
        ]),
    ]
    for name, value in fields:
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and NUL in v for v in values):
            return name
    return None


def screened(paper: Paper, file: str, location: str) -> Paper | Rejection:
    """The paper, or its Rejection when a field holds a NUL character."""
    field_name = nul_field(paper)
    if field_name is None:
        return paper
    return Rejection(
        file, location, f"the {field_name} holds a NUL character (\\x00), a sign of a corrupt "
        "record; skipped"
    )


def isolated(
    file: str, location: str, convert: Callable[..., Paper | Rejection], *args: Any
) -> Paper | Rejection:
    """``convert(*args)`` for one record, screened; any error it raises becomes that record's
    Rejection, so one odd record never ends the file (a reader's own checks say more)."""
    try:
        result = convert(*args)
    except Exception as error:  # one record's problem, reported as its rejection
        return Rejection(file, location, f"could not be read ({unexpected(error)}); skipped")
    return screened(result, file, location) if isinstance(result, Paper) else result


def unexpected(error: BaseException) -> str:
    """An unexpected error in one short phrase (type and first line of its message)."""
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:200]}" if text else type(error).__name__
