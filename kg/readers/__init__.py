"""Format readers: one module per format, named in kg/plugins.py's table (imported when
a file is read, not when the names are listed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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
    error = api_error(head)
    if error is not None:
        raise UnknownFormat(
            f"an API error response, not papers ({error}); fetch the papers again"
        )
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


# Keys of the error bodies web APIs answer with ({"message": "Too Many Requests", "code":
# "429"}, {"error": "Paper with id … not found"}); an object holding only these is one.
_ERROR_KEYS = frozenset({
    "error", "errors", "message", "detail", "details", "code", "status", "statusCode",
    "status_code", "type", "reason", "request_id", "requestId",
})
_ERROR_TEXT = ("error", "message", "detail", "errors", "reason")


def api_error(head: str) -> str | None:
    """What a file that is a web API's error body (not papers) says, or None: an input
    saved from a failed request should say so, not ask for --format."""
    try:
        value = json.loads(head)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, dict) or not value or not value.keys() <= _ERROR_KEYS:
        return None
    said = [_said(value[key]) for key in _ERROR_TEXT if key in value]
    if not said or str(value.get("status", "")).lower() in ("ok", "success"):
        return None
    code = value.get("code", value.get("status", value.get("statusCode")))
    text = " ".join(said)[:200]
    return f"{code}: {text}" if isinstance(code, str | int) and str(code) not in text else text


def _said(value: Any) -> str:
    """An error field as one line of text (a nested error object by its message)."""
    if isinstance(value, dict):
        value = value.get("message", value)
    return " ".join(str(value).split())
