"""The reader interface: one module per input format, each registering one ``Reader``.

A reader turns one input file into a stream of ``Paper`` records and ``Rejection``
reports; it never raises on bad input. Adding a format means adding one module to
``kg/readers/`` that defines a ``Reader`` subclass, plus its row in kg/plugins.py. A reader
converts each record through ``isolated``: an error in one record becomes its rejection,
and a record holding a NUL character is rejected (``screened``). Bytes come from
kg/readers/inputs.py (decompression, binary sniffing).
"""

from __future__ import annotations

import codecs
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from kg.model import Paper
from kg.readers.inputs import (
    Span,
    decode_legacy,
    open_input,
    read_lines,
    span_lines,
    wide_text,
)

NUL = "\x00"


@dataclass(frozen=True)
class Rejection:
    """A record that could not be read: where it is and why, phrased for the user."""

    file: str
    location: str  # "line 12", "record 3", "entry 'vaswani2017'" ...
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.location}: {self.message}"


@dataclass(frozen=True)
class Note(Rejection):
    """Not an error: something said about an input that holds no papers (an empty result
    page) or a path left out on purpose (``skipped``: the output file, a store). Reported
    where rejections are, never counted as one; a Rejection so that code knowing only
    papers and rejections never takes it for a paper."""

    skipped: bool = False


@dataclass
class ReadOptions:
    """Options that change how inputs are interpreted (not which format)."""

    year: int | None = None  # the year of a Daily Papers page whose dates lack one


class Reader(ABC):
    """Base class of all format readers."""

    extensions: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = ""
    # A generic format (plain JSONL/CSV) also accepts content a specific reader (OpenAlex,
    # Semantic Scholar) claims; detection then prefers the specific reader.
    generic: ClassVar[bool] = False
    # Every record is one line: a big plain file can be read in byte ranges at once
    # (``read(path, span)``, as the Dask export does).
    splittable: ClassVar[bool] = False

    def __init__(self, options: ReadOptions | None = None) -> None:
        self.options = options or ReadOptions()

    @classmethod
    def sniff(cls, head: str) -> bool:
        """Whether the first characters of a file look like this format."""
        return False

    @classmethod
    def plausible(cls, head: str) -> bool:
        """Whether a file no reader sniffed may still be read by this one because its
        extension names it (a reader whose extension is common text says no to content
        without its signs)."""
        return True

    @abstractmethod
    def read(self, path: Path) -> Iterator[Paper | Rejection]:
        """Yield papers and rejections of one file, streaming where the format allows (a
        ``splittable`` reader also takes ``span``: only those lines of the file)."""


class TextSource:
    """Line access to a text file that decodes UTF-8 leniently and reports where it failed.

    A line that is not UTF-8 is decoded as Windows-1252 (what Excel and other Windows tools
    write: curly quotes and dashes, where Latin-1 has control characters; nothing is
    dropped) and remembered in ``bad_lines`` so the reader can reject or flag the record.
    """

    def __init__(self, path: Path, span: Span | None = None) -> None:
        self.path = path
        self.span = span  # only these lines of a plain file (see Reader.splittable)
        self.bad_lines: list[int] = []

    def lines(self) -> Iterator[tuple[int, str]]:
        """Yield (1-based line number, line without newline). Raises InputError where a
        compressed file turns out truncated or corrupt."""
        for number, raw in self._raw_lines():
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                self.bad_lines.append(number)
                text = decode_legacy(raw)
            yield number, text.rstrip("\r\n")

    def _raw_lines(self) -> Iterator[tuple[int, bytes]]:
        if self.span is not None and not wide_text(self.path):
            yield from span_lines(self.path, self.span)
            return
        if self.span is not None and self.span.start > 0:
            return  # UTF-16 has no line starts at byte offsets: the first range reads it all
        with open_input(self.path) as handle:
            yield from enumerate(read_lines(handle), start=1)

    def encoding_rejection(self) -> Rejection | None:
        if not self.bad_lines:
            return None
        shown = ", ".join(str(n) for n in self.bad_lines[:5])
        more = f" and {len(self.bad_lines) - 5} more" if len(self.bad_lines) > 5 else ""
        return Rejection(
            str(self.path),
            f"line {shown}{more}",
            "not valid UTF-8; decoded as Windows-1252 (cp1252, as Excel writes CSV). Convert "
            "the file (e.g. `iconv -f cp1252 -t utf-8`) to silence this.",
        )


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
