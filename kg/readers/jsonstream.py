"""Incremental JSON reading for API dumps that may be too big to load at once.

OpenAlex and Semantic Scholar exports come as one object, a top-level array, a page
wrapper ({"results": [...]} / {"data": [...]}) or JSON Lines. ``iter_json_records`` yields
the records of all four shapes while holding roughly one record in memory, using
``json.JSONDecoder.raw_decode`` over a growing text buffer. Errors are yielded (not raised)
with a line number so a reader can report them and keep what it already read. A value
nested deeper than the decoder's recursion limit is skipped by a bracket-counting scan
(no recursion) and reported as its record's error; the records after it are read.
"""

from __future__ import annotations

import codecs
import json
import re
from abc import abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

from kg.model import Paper
from kg.normalize import clean_text
from kg.readers.base import Reader, Rejection, isolated
from kg.readers.inputs import decode_legacy, open_input, read_chunk, read_head

CHUNK = 1 << 16
# Keys of page wrappers whose array holds the records (OpenAlex, Semantic Scholar).
RECORD_LISTS = ("results", "data")
# Every key of a page wrapper (OpenAlex: meta, results, group_by; Semantic Scholar search and
# bulk: total, offset, next, token, data): an object holding only these is a page, and
# without its record list a page with no records ({"total": 0, "offset": 0}).
PAGE_KEYS = frozenset({*RECORD_LISTS, "meta", "group_by", "total", "offset", "next", "token"})
_WS = " \t\r\n"
# What the bracket-counting skip looks at: brackets, and strings (whose brackets do not count).
_STRUCTURE = re.compile(r'[\[\]{}]|"(?:[^"\\]|\\[\s\S])*(?P<close>")?')


@dataclass
class JsonRecord:
    value: Any
    line: int  # 1-based line where the record starts
    escaped: bool = True  # its text holds \u escapes (which may decode to unstorable text)


@dataclass
class JsonError:
    line: int
    message: str


class _NeedMore(Exception):
    """The buffer ends inside a value: read more before deciding."""


class _Invalid(Exception):
    def __init__(self, pos: int, message: str) -> None:
        super().__init__(message)
        self.pos = pos
        self.message = message


class _TooDeep(_Invalid):
    """A value nested deeper than the decoder's recursion allows; its end can be found."""


@dataclass
class _Buffer:
    """Decoded text read so far but not yet consumed, plus the line it starts on."""

    handle: BinaryIO
    text: str = ""
    pos: int = 0
    line: int = 1  # line number of text[0]
    eof: bool = False
    pending: bytes = b""
    bad_lines: list[int] = field(default_factory=list)
    _lines_decoded: int = 0

    def fill(self) -> bool:
        """Read one more chunk; False at end of file."""
        if self.eof:
            return False
        size = max(CHUNK, len(self.text) - self.pos)  # grow geometrically for big records
        raw = read_chunk(self.handle, size, self._lines_decoded + 1)
        if not raw:
            self.eof = True
            chunk = self._decode(final=True)
        else:
            if not self.text and not self.pending and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            self.pending += raw
            chunk = self._decode(final=False)
        self.text += chunk
        return bool(raw) or bool(chunk)

    def _decode(self, final: bool) -> str:
        """UTF-8, with invalid bytes decoded as Windows-1252 and their lines remembered."""
        data, out = self.pending, []
        while data:
            try:
                out.append(data.decode("utf-8"))
                data = b""
            except UnicodeDecodeError as error:
                if not final and error.reason == "unexpected end of data":
                    out.append(data[: error.start].decode("utf-8"))
                    data = data[error.start :]
                    break
                good = data[: error.start].decode("utf-8")
                out.append(good)
                line = self._lines_decoded + "".join(out).count("\n") + 1
                if line not in self.bad_lines:
                    self.bad_lines.append(line)
                out.append(decode_legacy(data[error.start : error.end]))
                data = data[error.end :]
        self.pending = data
        text = "".join(out)
        self._lines_decoded += text.count("\n")
        return text

    def compact(self) -> None:
        """Drop consumed text; only between records, as it invalidates saved positions."""
        if self.pos:
            self.line += self.text.count("\n", 0, self.pos)
            self.text = self.text[self.pos :]
            self.pos = 0

    def line_at(self, pos: int) -> int:
        return self.line + self.text.count("\n", 0, pos)

    def skip_ws(self) -> str:
        """Skip whitespace; return the next character ('' at end of file)."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in _WS:
                self.pos += 1
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.fill():
                return ""

    def expect(self, chars: str) -> str:
        char = self.skip_ws()
        if not char or char not in chars:
            found = repr(char) if char else "end of file"
            raise _Invalid(
                self.pos, f"expected {' or '.join(repr(c) for c in chars)}, found {found}"
            )
        self.pos += 1
        return char

    def value(self, decoder: json.JSONDecoder) -> Any:
        """Decode one JSON value at the cursor, reading more text as needed."""
        self.skip_ws()
        while True:
            try:
                value, end = decoder.raw_decode(self.text, self.pos)
                if end < len(self.text) or self.eof:  # a number may continue in the next chunk
                    self.pos = end
                    return value
                raise _NeedMore
            except json.JSONDecodeError as error:
                near_end = error.pos >= len(self.text) - 6
                if self.eof or not (near_end or error.msg.startswith("Unterminated string")):
                    raise _Invalid(error.pos, error.msg) from None
            except RecursionError:
                raise _TooDeep(self.pos, "nested too deeply to read") from None
            except _NeedMore:
                pass
            self.fill()  # at end of file the next round decides for good

    def skip_value(self) -> None:
        """Move past the array or object at the cursor by counting brackets outside strings
        (for values too deep to decode); _Invalid when the file ends inside it."""
        start, pos, depth = self.pos, self.pos, 0
        while True:
            match = _STRUCTURE.search(self.text, pos)
            if match is None or (match.group()[0] == '"' and match["close"] is None):
                # no bracket in the buffer, or a string going on past its end: read more
                pos = match.start() if match else len(self.text)
                if not self.fill():
                    raise _Invalid(start, "a value too deeply nested never ends")
                continue
            pos = match.end()
            depth += {"[": 1, "{": 1, "]": -1, "}": -1}.get(match.group(), 0)
            if depth == 0:
                self.pos = pos
                return


def _array(buf: _Buffer, decoder: json.JSONDecoder) -> Iterator[JsonRecord]:
    """Yield the elements of the array whose '[' is at the cursor."""
    buf.expect("[")
    if buf.skip_ws() == "]":
        buf.pos += 1
        return
    while True:
        buf.skip_ws()
        line = buf.line_at(buf.pos)
        try:
            start = buf.pos
            value = buf.value(decoder)
            yield JsonRecord(value, line, buf.text.find("\\u", start, buf.pos) >= 0)
        except _TooDeep as error:
            buf.skip_value()
            yield JsonError(line, f"invalid JSON: {error.message}")
        buf.compact()
        if buf.expect(",]") == "]":
            return


def _object(
    buf: _Buffer, decoder: json.JSONDecoder, record_lists: tuple[str, ...] = RECORD_LISTS
) -> Iterator[JsonRecord]:
    """A page wrapper yields its record list (the array under one of ``record_lists``); any
    other object is itself one record."""
    line, start = buf.line_at(buf.pos), buf.pos
    buf.expect("{")
    whole: dict[str, Any] = {}
    streamed = False
    too_deep: str | None = None  # the key of a value skipped as too deeply nested
    if buf.skip_ws() == "}":
        buf.pos += 1
    else:
        while True:
            buf.skip_ws()
            key = buf.value(decoder)
            if not isinstance(key, str):
                raise _Invalid(buf.pos, "object key must be a string")
            buf.expect(":")
            if key in record_lists and not streamed and buf.skip_ws() == "[":
                streamed = True
                yield from _array(buf, decoder)
            else:
                try:
                    whole[key] = buf.value(decoder)
                except _TooDeep:
                    buf.skip_value()
                    too_deep = too_deep or key
            if buf.expect(",}") == "}":
                break
    if too_deep is not None:
        yield JsonError(line, f"invalid JSON: the value of {too_deep!r} is nested too deeply")
    elif not streamed and not (whole and whole.keys() <= PAGE_KEYS):
        # nothing was compacted away: the object's text is all in the buffer
        yield JsonRecord(whole, line, buf.text.find("\\u", start, buf.pos) >= 0)


def iter_json_records(
    path: Path, bad_lines: list[int] | None = None, record_lists: tuple[str, ...] = RECORD_LISTS
) -> Iterator[JsonRecord | JsonError]:
    """Yield the records of a JSON / JSON Lines file. A syntax error inside a top-level
    array or wrapper ends the file (its records cannot be resynchronised); in JSON Lines
    the bad line is reported and reading resumes at the next line. Lines whose bytes were
    not UTF-8 are appended to ``bad_lines``; ``record_lists``: the keys of a wrapper object
    whose array holds the records."""
    decoder = json.JSONDecoder()
    with open_input(path) as handle:
        buf = _Buffer(handle)
        try:
            while True:
                char = buf.skip_ws()
                if not char:
                    break
                buf.compact()
                start = buf.pos
                try:
                    if char == "[":
                        yield from _array(buf, decoder)
                    elif char == "{":
                        yield from _object(buf, decoder, record_lists)
                    else:
                        raise _Invalid(buf.pos, "expected a JSON object or array")
                except _Invalid as error:
                    first, where = buf.line_at(start), buf.line_at(max(error.pos, start))
                    at = f" (at line {where})" if where != first else ""
                    yield JsonError(first, f"invalid JSON: {error.message}{at}")
                    if char == "[" or not _resync(buf, start):
                        break
        finally:
            if bad_lines is not None:
                bad_lines.extend(buf.bad_lines)


def _resync(buf: _Buffer, start: int) -> bool:
    """Move the cursor to the next line after ``start`` that begins (column 0) with '{' or
    '[' - the next JSON Lines record; nested pretty-printed objects are indented."""
    pos = start
    while True:
        found = [i for i in (buf.text.find("\n{", pos), buf.text.find("\n[", pos)) if i >= 0]
        if found:
            buf.pos = min(found) + 1
            return True
        pos = max(start, len(buf.text) - 1)
        if not buf.fill():
            buf.pos = len(buf.text)
            return False


def read_json_papers(
    path: Path, convert: Convert, record_lists: tuple[str, ...] = RECORD_LISTS
) -> Iterator[Paper | Rejection]:
    """Shared loop of the JSON API readers: stream records, turn each object into a Paper
    (or Rejection) with ``convert(record, "path:line")``, report syntax and encoding
    errors with their line and keep every record read before them."""
    file = str(path)
    bad_lines: list[int] = []
    seen = 0
    for number, item in enumerate(iter_json_records(path, bad_lines, record_lists), start=1):
        seen += 1
        if isinstance(item, JsonError):
            yield Rejection(file, f"line {item.line}", item.message)
        elif not isinstance(item.value, dict):
            kind = type(item.value).__name__
            yield Rejection(file, f"record {number} (line {item.line})", f"not an object ({kind})")
        else:
            where = f"record {number} (line {item.line})"
            value = cleaned(item.value) if item.escaped else item.value
            result = isolated(file, where, convert, value, f"{file}:{item.line}")
            if isinstance(result, Rejection):
                result = Rejection(file, where, result.message)
            yield result
    if not seen and not read_head(path).strip(b"\xef\xbb\xbf \t\r\n"):
        yield Rejection(file, "file", "no JSON records (empty file)")
    if bad_lines:
        shown = ", ".join(str(n) for n in bad_lines[:5])
        yield Rejection(
            file,
            f"line {shown}",
            "not valid UTF-8; decoded as Windows-1252 (cp1252). Convert the file to UTF-8 "
            "to silence this.",
        )


def year_and_date(year: Any, date: Any) -> dict[str, Any]:
    """An API record's ``year`` and ``date`` Paper fields: an int year, an ISO day; other
    values (strings, partial dates) are left out rather than guessed."""
    iso_day = isinstance(date, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date)
    return {"year": year if isinstance(year, int) else None, "date": date if iso_day else None}


def cleaned(value: Any) -> Any:
    """``value`` with every string in it (keys too) made storable by clean_text: a JSON
    escape such as "\\ud800" gives a lone surrogate, which no UTF-8 output can hold.
    Walked without recursion (values may be nested up to the decoder's limit)."""
    if not isinstance(value, dict | list):
        return clean_text(value) if isinstance(value, str) else value
    root: dict[str, Any] | list[Any] = {} if isinstance(value, dict) else []
    stack: list[tuple[Any, Any]] = [(value, root)]
    while stack:
        source, target = stack.pop()
        pairs = source.items() if isinstance(source, dict) else enumerate(source)
        for key, item in pairs:
            if isinstance(item, dict | list):
                copy: Any = {} if isinstance(item, dict) else []
                stack.append((item, copy))
            else:
                copy = clean_text(item) if isinstance(item, str) else item
            if isinstance(target, dict):
                target[clean_text(key)] = copy
            else:
                target.append(copy)
    return root


Convert = Callable[[dict[str, Any], str], Paper | Rejection]


class JsonApiReader(Reader):
    """A reader of one API's papers as JSON or JSON Lines: ``convert`` turns one record into
    a Paper; ``recognizes`` tells the API's records from other JSON by a file's head."""

    extensions = (".json", ".jsonl")
    convert: ClassVar[Convert]
    page_keys: ClassVar[frozenset[str]]  # keys of PAGE_KEYS that only this API's pages use

    @classmethod
    @abstractmethod
    def recognizes(cls, head: str) -> bool:
        """Whether a JSON file's head holds this API's records."""

    @classmethod
    def sniff(cls, head: str) -> bool:
        text = head.lstrip()
        return text.startswith(("{", "[")) and (cls.recognizes(head) or cls.no_records(text))

    @classmethod
    def no_records(cls, text: str) -> bool:
        """Whether a whole (small) file is an answer of this API without records: '[]'
        (a batch of nothing) or a page of it whose record list is empty or absent."""
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            return False
        if value == []:
            return True
        return (
            isinstance(value, dict) and bool(value.keys() & cls.page_keys)
            and value.keys() <= PAGE_KEYS and not any(value.get(key) for key in RECORD_LISTS)
        )

    def read(self, path: Path) -> Iterator[Paper | Rejection]:
        yield from read_json_papers(path, type(self).convert)
