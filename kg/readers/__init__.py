"""Format readers: one module per format, named in kg/plugins.py's table (imported when
a file is read, not when the names are listed)."""

from __future__ import annotations

from pathlib import Path

from kg import plugins
from kg.readers.base import Note, Reader, ReadOptions, Rejection
from kg.readers.inputs import (
    COMPRESSED_SUFFIXES,
    InputError,
    binary_throughout,
    format_suffix,
    read_head,
)

__all__ = [
    "COMPRESSED_SUFFIXES",
    "InputError",
    "Note",
    "ReadOptions",
    "Reader",
    "Rejection",
    "UnknownFormat",
    "detect_format",
    "format_suffix",
    "load_readers",
    "reader_names",
]


class UnknownFormat(ValueError):
    """The format of a file could not be told from its name or content."""


def reader_names() -> list[str]:
    """The ``--format`` names of the readers, in detection order (nothing imported)."""
    return plugins.names("reader")


def load_readers() -> dict[str, type[Reader]]:
    """Every reader by format name, in detection order (detection asks each of them)."""
    return plugins.load_all("reader")


def detect_format(path: Path) -> str:
    """Pick a reader by content first (extensions lie: '.json' may be OpenAlex or S2),
    then by extension unless the content says otherwise (``Reader.plausible``: a '.txt'
    note is no Daily Papers page); a compressed file by its decompressed text and inner
    extension ('works.jsonl.gz'). Raises UnknownFormat with a hint when neither decides."""
    readers = load_readers()
    head_bytes = read_head(path)
    if not head_bytes.strip():
        raise UnknownFormat("empty file")
    if binary_throughout(path):
        raise UnknownFormat("binary file (not text); pass a text export of your papers")
    head = head_bytes.decode("utf-8", errors="replace").removeprefix("\ufeff")
    suffix = format_suffix(path)
    by_ext = [name for name, cls in readers.items() if suffix in cls.extensions]
    sniffed = sorted(
        (name for name, cls in readers.items() if cls.sniff(head)),
        key=lambda name: readers[name].generic,
    )
    for name in sniffed:
        if name in by_ext:
            return name
    if sniffed:
        return sniffed[0]
    generic = [name for name in by_ext if readers[name].generic]
    known = ", ".join(sorted(reader_names()))
    if len(by_ext) == 1 or len(generic) == 1:
        name = (generic or by_ext)[0]
        if readers[name].plausible(head):
            return name
        raise UnknownFormat(
            f"cannot tell the format: a {suffix} file, but not {readers[name].description} "
            f"(nothing in it looks like one); pass --format if it is (one of: {known})"
        )
    raise UnknownFormat(f"cannot tell the format; pass --format (one of: {known})")
