"""Format readers. Every module in this package registers one reader on import."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from kg.readers.base import READERS, Reader, ReadOptions, Rejection, register
from kg.readers.inputs import (
    COMPRESSED_SUFFIXES,
    InputError,
    binary_throughout,
    format_suffix,
    read_head,
)

__all__ = [
    "COMPRESSED_SUFFIXES",
    "READERS",
    "InputError",
    "ReadOptions",
    "Reader",
    "Rejection",
    "UnknownFormat",
    "detect_format",
    "format_suffix",
    "load_readers",
    "register",
]


class UnknownFormat(ValueError):
    """The format of a file could not be told from its name or content."""


def load_readers() -> dict[str, type[Reader]]:
    """Import every reader module once; a new module is picked up without other changes."""
    if not getattr(load_readers, "_done", False):
        for info in pkgutil.iter_modules(__path__):
            if info.name not in ("base", "inputs"):
                importlib.import_module(f"{__name__}.{info.name}")
        load_readers._done = True  # type: ignore[attr-defined]
    return READERS


def detect_format(path: Path) -> str:
    """Pick a reader by content first (extensions lie: '.json' may be OpenAlex or S2),
    then by extension; a compressed file by its decompressed text and inner extension
    ('works.jsonl.gz'). Raises UnknownFormat with a hint when neither decides."""
    readers = load_readers()
    head_bytes = read_head(path)
    if not head_bytes.strip():
        raise UnknownFormat("empty file")
    if binary_throughout(path):
        raise UnknownFormat("binary file (not text); pass a text export of your papers")
    head = head_bytes.decode("utf-8", errors="replace")
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
    if len(by_ext) == 1 or len(generic) == 1:
        return (generic or by_ext)[0]
    known = ", ".join(sorted(readers))
    raise UnknownFormat(f"cannot tell the format; pass --format (one of: {known})")
