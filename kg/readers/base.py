"""The reader interface: one module per input format, each registering one ``Reader``.

A reader turns one input file into a stream of ``Paper`` records and ``Rejection``
reports; it never raises on bad input. Adding a format means adding one module to
``kg/readers/`` that defines a ``Reader`` subclass decorated with ``@register``.
"""

from __future__ import annotations

import codecs
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from kg.model import Paper

SNIFF_BYTES = 8192


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
        """Yield (1-based line number, line without newline)."""
        with self.path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
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


def read_head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(SNIFF_BYTES)


def looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    if not head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls / len(head) > 0.1
