"""Reader for JSON Lines: one paper object per line, with the column names of
docs/INPUT-FORMATS.md. The output of `kg ingest` is valid input (round trip). A JSON
array, one pretty-printed object or a wrapper ({"papers": [...]}) is read as one document;
Hugging Face Daily Papers API items and Kaggle arXiv snapshot lines by their shape
(kg/readers/columns.py ``reshaped``).

``record_to_paper`` turns one flat mapping (a JSON object or a CSV row) into a Paper and is
shared with the CSV reader so both formats accept the same columns with the same rules.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from contextlib import suppress
from datetime import date as Date
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from dateutil import parser as dateparser

from kg.model import Author, Paper
from kg.normalize import clean_text
from kg.readers.base import Note, Reader, Rejection, TextSource, isolated
from kg.readers.columns import LIST_FIELDS, WRAPPERS, canonical, reshaped
from kg.readers.inputs import Span, read_head
from kg.readers.jsonstream import read_json_papers

TEXT_FIELDS = ("abstract", "doi", "arxiv_id", "venue", "url")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ].*)?$|^--(\d{2})-(\d{2})$")


# How `kg ingest` output and typical paper objects open (an OpenAlex id is not one).
_OPENING = re.compile(r'\{\s*"(?:id|title)"\s*:\s*"(?!https://openalex\.org/)')




class BadRecord(ValueError):
    """A field that cannot be used; the message names the field and the value."""


def _text(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadRecord(f"{name} must be text, not {type(value).__name__}")
    text = clean_text(str(value)).strip()
    return text or None


def _int(name: str, value: Any, low: int = 0, high: int = 10**9) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise BadRecord(f"{name} must be a whole number, not {value!r}")
    number: int | None = None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*\d{1,10}(?:\.0*)?\s*", value):
        number = int(float(value))
    if number is None or not low <= number <= high:
        raise BadRecord(f"{name} must be a whole number from {low} to {high}, not {value!r}")
    return number


def _split(value: str, sep: str = ";") -> list[str]:
    return [part.strip() for part in value.split(sep) if part.strip()]


def _list(name: str, value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        listed = list_literal(value)
        value = _split(clean_text(value)) if listed is None else listed
    if not isinstance(value, list):
        raise BadRecord(f"{name} must be a list or a ';'-separated text")
    items = [_text(f"{name} item", item) for item in value]
    return [item for item in items if item]


def _date(value: Any, notes: list[str] | None = None, lenient: bool = False) -> str | None:
    """ISO 'YYYY-MM-DD' (a time part is dropped), 'YYYY-MM', 'YYYY' or '--MM-DD'; other
    common shapes ('June 2016', '2019/03/01', 'March 5, 2019', an e-mail date) are read by
    dateutil, what they leave out noted in ``notes``. ``lenient`` (a spreadsheet, whose
    dates people type): a date that cannot be read is a note and left empty rather than
    the record's rejection."""
    text = _text("date", value)
    if text is None:
        return None
    try:
        return _iso_date(text)
    except BadRecord as error:
        # an ISO date that does not exist is wrong, not another shape
        loose = None if _DATE.match(text) else _loose_date(text, notes)
        if loose is not None:
            return loose
        if not lenient or notes is None:
            raise
        notes.append(f"{error} and cannot be read otherwise; the date is left empty")
        return None


def _iso_date(text: str) -> str:
    match = _DATE.match(text)
    if not match:
        raise BadRecord(f"date {text!r} is not ISO (YYYY-MM-DD, YYYY-MM, YYYY or --MM-DD)")
    year, month, day, md_month, md_day = match.groups()
    try:
        if md_month:
            Date(2000, int(md_month), int(md_day))
            return f"--{md_month}-{md_day}"
        Date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise BadRecord(f"date {text!r} does not exist") from None
    return "-".join(part for part in (year, month, day) if part)


# Two defaults that differ in every part: a part equal in both parses was written.
_DEFAULTS = (datetime(1, 1, 1), datetime(2, 2, 2))
_YEAR_ONLY = re.compile(r"(?<!\d)([12]\d{3})(?!\d)")


def _day_month_swapped(text: str, read: datetime) -> bool:
    """Whether a numeric date not led by its year ('03/01/2019') reads otherwise day first."""
    if re.search(r"[^\W\d_]", text) or re.match(r"\s*\d{4}\D", text):
        return False  # a month name, or year-month-day
    return dateparser.parse(text, default=_DEFAULTS[0], dayfirst=True).date() != read.date()


def _loose_date(text: str, notes: list[str] | None) -> str | None:
    """The ISO form of a date in a common non-ISO shape, as precise as the text says:
    'June 2016' -> '2016-06'. Day and month of '03/01/2019' could be either way round,
    so only its year is kept (with a note). None when no year can be read."""
    if len(text) > 64:  # no date is this long; dateutil's time grows with the text
        return None
    with suppress(TypeError, ValueError, IndexError):  # an e-mail date (arXiv's versions)
        return parsedate_to_datetime(text).date().isoformat()
    try:
        first, second = (dateparser.parse(text, default=d) for d in _DEFAULTS)
    except (ValueError, OverflowError):
        years = set(_YEAR_ONLY.findall(text))
        if len(years) != 1 or re.search(r"\d{5}", text):
            return None
        year = years.pop()
        if notes is not None:
            notes.append(f"date {text!r} read as the year {year} only")
        return year
    if first.year != second.year or not 1000 <= first.year <= 2999:
        return None
    parts = [f"{first.year:04d}"]
    if first.month == second.month:
        parts.append(f"{first.month:02d}")
        if first.day == second.day:
            parts.append(f"{first.day:02d}")
    if len(parts) == 3 and _day_month_swapped(text, first):
        if notes is not None:
            notes.append(f"date {text!r} is ambiguous (day/month order); its year is kept")
        return parts[0]
    return "-".join(parts)


def _author(value: Any) -> Author | None:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        name = _text("author", value)
        return Author(name=name) if name else None
    if not isinstance(value, dict):
        raise BadRecord(f"an author must be a name or an object, not {type(value).__name__}")
    name = _text("author name", value.get("name"))
    if not name:
        return None
    source_ids = value.get("source_ids") or {}
    if not isinstance(source_ids, dict):
        raise BadRecord("author source_ids must be an object")
    ids = {str(k): str(v) for k, v in source_ids.items() if isinstance(v, str | int) and v}
    orcid = _text("author orcid", value.get("orcid"))
    given = _text("author id", value.get("id"))
    if given and ":" in given:  # 'orcid:…', 'openalex:A1'; 'name:…' is derived, not an id
        source, _, ident = given.partition(":")
        if source == "orcid":
            orcid = orcid or ident
        elif source != "name" and not given.startswith(("http:", "https:")):
            ids.setdefault(source, ident)
    affiliations = _list("author affiliations", value.get("affiliations"))
    return Author(name=name, orcid=orcid, source_ids=ids, affiliations=affiliations)


def _authors(value: Any) -> list[Author]:
    if value is None:
        return []
    if isinstance(value, str):
        value = author_names(clean_text(value))
    if not isinstance(value, list):
        raise BadRecord("authors must be a list or a ';'-separated text")
    return [author for author in map(_author, value) if author]


# ' and ' between names, with an Oxford comma: 'A, B, and C'.
_AND = re.compile(r",?\s+and\s+")


def author_names(text: str) -> list[str]:
    """The names in one text of authors, as exports write them: a list literal
    ("['A B', 'C D']"), ';'-separated names, names joined by ' and ', or names separated by
    commas ('Jane Doe, Rick Roe'; Scopus 'LeCun Y., Bengio Y.'). A single 'Last, First'
    stays one name (turned round by Author)."""
    listed = list_literal(text)
    if listed is not None:
        return [str(item) for item in listed if item is not None and str(item).strip()]
    if ";" in text:
        return _split(text)
    return [name for part in _AND.split(text) for name in _comma_names(part.strip()) if name]


def _comma_names(text: str) -> list[str]:
    """'A B, C D' -> two names when every part is a name of several words; single words
    in an even number ('Doe, Jane, Roe, Rick') -> 'Last, First' pairs; else one name. A
    surname with a particle ('van der Berg, Jan Piet': lower-case first) stays one name."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if len(parts) < 2:
        return parts
    particle = len(parts) == 2 and parts[0][:1].islower()
    if not particle and all(len(part.split()) > 1 for part in parts):
        return parts
    if len(parts) > 2 and len(parts) % 2 == 0 and all(len(p.split()) == 1 for p in parts):
        return [f"{parts[i]}, {parts[i + 1]}" for i in range(0, len(parts), 2)]
    return [text]


LITERAL_LIMIT = 1 << 16  # a longer cell is not parsed as a list (literal_eval's cost)


def list_literal(text: str) -> list[Any] | None:
    """A cell holding a list as JSON or as Python writes it (pandas' ``to_csv`` of a list
    column: "['A', 'B']"), read safely (json, then ast.literal_eval: no code runs); None
    when the text is not one."""
    stripped = text.strip()
    if not (stripped.startswith("[") and stripped.endswith("]")) or len(stripped) > LITERAL_LIMIT:
        return None
    for parse in (json.loads, ast.literal_eval):
        try:
            value = parse(stripped)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
        if isinstance(value, list) and all(not isinstance(v, list | dict) for v in value):
            return value
    return None


_SCOPUS_NAME = re.compile(r"^(?P<name>.*?)\s*\((?P<id>\d+)\)$")


def scopus_authors(text: str) -> list[Author]:
    """Scopus's "Author full names" ('Zhou, Jie (57211234567); Cui, Ganqu (…)'): full names,
    each with its Scopus author id, kept as the source id ``scopus``."""
    authors = []
    for part in _split(clean_text(text)):
        match = _SCOPUS_NAME.match(part)
        name, ident = (match["name"], match["id"]) if match else (part, None)
        if name:
            authors.append(Author(name=name, source_ids={"scopus": ident} if ident else {}))
    return authors


def _external_ids(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadRecord("external_ids must be an object")
    return {
        clean_text(str(k)): clean_text(str(v)) for k, v in value.items() if isinstance(v, str | int)
    }


def record_to_paper(
    record: dict[str, Any], origin: str, notes: list[str] | None = None, lenient: bool = False
) -> Paper:
    """Build a Paper from a mapping keyed by canonical column names.

    ``origin`` ('file:line') is the source unless the record carries its own ``sources``
    (a file written by `kg ingest`), whose provenance is kept instead. What a date leaves
    out goes to ``notes``; ``lenient``: a date that cannot be read is left out with a note
    rather than rejecting the record (see ``_date``).
    Raises BadRecord naming the first unusable field.
    """
    title = _text("title", record.get("title"))
    if not title:
        raise BadRecord("missing title")
    fields: dict[str, Any] = {name: _text(name, record.get(name)) for name in TEXT_FIELDS}
    fields["abstract"] = fields["abstract"] or ""
    for name in LIST_FIELDS:
        fields[name] = _list(name, record.get(name))
    fields["sources"] = fields["sources"] or [origin]
    external_ids = _external_ids(record.get("external_ids"))
    ident = _text("id", record.get("id"))
    if ident:
        scheme, colon, value = ident.partition(":")
        if not colon or scheme in ("http", "https"):
            external_ids.setdefault("id", ident)
        elif scheme == "doi":
            fields["doi"] = fields["doi"] or value
        elif scheme == "arxiv":
            fields["arxiv_id"] = fields["arxiv_id"] or value
        elif scheme != "title":  # title ids are derived from the title itself
            external_ids.setdefault(scheme, value)
    return Paper(
        title=title,
        authors=_record_authors(record),
        n_authors=_int("n_authors", record.get("n_authors")),
        year=_int("year", record.get("year"), 1000, 2999),
        date=_date(record.get("date"), notes, lenient),
        updated=_date(record.get("updated"), notes, lenient),
        upvotes=_int("upvotes", record.get("upvotes")),
        external_ids=external_ids,
        **fields,
    )


def _record_authors(record: dict[str, Any]) -> list[Author]:
    """Scopus's full names with their ids when the record has them, else ``authors``."""
    full = record.get("author_full_names")
    if isinstance(full, str) and full.strip():
        return scopus_authors(full)
    return _authors(record.get("authors"))


def _foreign(record: dict[str, Any]) -> bool:
    """Whether a JSON object is an OpenAlex work or a Semantic Scholar paper."""
    ident = record.get("id")
    return (
        "paperId" in record
        or "authorships" in record
        or (isinstance(ident, str) and ident.startswith("https://openalex.org/"))
    )


def converted(
    record: dict[str, Any], origin: str, notes: list[str] | None = None, lenient: bool = False
) -> Paper | Rejection:
    """A record with any column spellings (or of a known API shape, see
    ``columns.reshaped``) as a Paper, or a Rejection naming the unusable field (its location
    left for the caller to say). ``notes`` collects what was read only in part."""
    try:
        return record_to_paper(canonical(reshaped(record)), origin, notes, lenient)
    except BadRecord as error:
        return Rejection(origin, "", str(error))


def paper_or_rejection(
    record: dict[str, Any], file: str, line: int, lenient: bool = False
) -> Iterator[Paper | Rejection]:
    """The record as a Paper, or a Rejection at ``line`` naming the unusable field; then a
    Note for each part of it read only in part (``lenient``: a date that cannot be read is
    such a note, not a rejection; other notes come either way)."""
    notes: list[str] = []

    def convert() -> Paper | Rejection:
        result = converted(record, f"{file}:{line}", notes, lenient)
        if isinstance(result, Rejection):
            return Rejection(file, f"line {line}", result.message)
        return result

    result = isolated(file, f"line {line}", convert)
    yield result
    if isinstance(result, Paper):
        yield from (Note(file, f"line {line}", note) for note in notes)


def _paper_object(value: Any) -> bool:
    """A paper with a title, or a Daily Papers API item ({"paper": {...}, ...})."""
    if not isinstance(value, dict) or _foreign(value):
        return False
    inner = value.get("paper")
    return "title" in value or (isinstance(inner, dict) and "title" in inner)


def _paper_wrapper(value: Any) -> bool:
    """An object wrapping a list of papers ({"papers": [...]}, {"data": [...]}, ...)."""
    return isinstance(value, dict) and "title" not in value and any(
        isinstance(value.get(key), list) and value[key] and _paper_object(value[key][0])
        for key in WRAPPERS
    )


# The opening of a pretty-printed object ('{' alone, or '{"papers": [') or a wrapper.
_DOCUMENT_OPENING = re.compile(r'\{\s*(?:"[^"]+"\s*:\s*[\[{]?\s*)?$')
_WRAPPER_OPENING = re.compile(r'\{\s*"(?:' + "|".join(WRAPPERS) + r')"\s*:\s*\[\s*\{')


def _document(text: str) -> bool | None:
    """Whether text opening with '{' is one pretty-printed paper object or a wrapper of
    papers (one JSON document rather than JSON Lines); None when it is JSON Lines."""
    first = text.split("\n", 1)[0].strip()
    try:
        value = json.loads(first)
    except (ValueError, RecursionError):
        if not _DOCUMENT_OPENING.match(first):
            return None
        try:
            value, _ = json.JSONDecoder().raw_decode(text)
        except (ValueError, RecursionError):  # a long document cut by the head
            return bool(_OPENING.match(text) or _WRAPPER_OPENING.match(text))
        return _paper_object(value) or _paper_wrapper(value)
    return True if _paper_wrapper(value) else None


def _paper_array(text: str) -> bool:
    """Whether JSON text opening with '[' is an array of paper objects (a file written as
    one JSON array rather than JSON Lines), judged by its first element."""
    rest = text[1:].lstrip()
    try:
        value, _ = json.JSONDecoder().raw_decode(rest)
    except (ValueError, RecursionError):
        return bool(_OPENING.match(rest))  # a long first record cut by the head
    return _paper_object(value)


def _is_document_file(path: Path) -> bool:
    """A JSON array, a pretty-printed object or a wrapper of papers: read as JSON."""
    head = read_head(path).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"["):
        return True
    text = head.decode("utf-8", errors="replace")
    return text.startswith("{") and bool(_document(text))


def _read_document(path: Path) -> Iterator[Paper | Rejection]:
    """A JSON document of papers (array, object, wrapper), each paper followed by the
    notes of what in it was read only in part."""
    notes: list[str] = []
    origin = [""]

    def convert(record: dict[str, Any], where: str) -> Paper | Rejection:
        notes.clear()
        origin[0] = where
        return converted(record, where, notes)

    for result in read_json_papers(path, convert, WRAPPERS):
        yield result
        if isinstance(result, Paper) and notes:
            line = origin[0].rpartition(":")[2]
            yield from (Note(str(path), f"line {line}", note) for note in notes)


class JsonlReader(Reader):
    """JSON Lines, one paper per line (or a JSON array of them); also reads what
    `kg ingest` writes."""

    generic = True
    splittable = True
    extensions = (".jsonl", ".ndjson")
    description = "JSON Lines, one paper object per line"

    @classmethod
    def sniff(cls, head: str) -> bool:
        """A paper object with a title among the first complete lines; OpenAlex and
        Semantic Scholar records (also JSON Lines) are left to their own readers."""
        if head.lstrip().startswith("["):
            return _paper_array(head.lstrip())
        document = _document(head.lstrip()) if head.lstrip().startswith("{") else None
        if document is not None:
            return document
        lines = [line.strip() for line in head.splitlines() if line.strip()]
        for line in lines[:5]:
            try:
                value = json.loads(line)
            except (ValueError, RecursionError):
                if len(lines) == 1 and not head.endswith("\n"):
                    # Possibly a long first record cut by the head: judge by its opening.
                    return bool(_OPENING.match(line))
                continue
            return _paper_object(value) or _paper_wrapper(value)
        # No line parses, yet every one is shaped like an object: broken JSON Lines, which
        # the reader reports line by line better than "unknown format" would.
        complete = lines if head.endswith("\n") else lines[:-1]
        return bool(complete) and all(ln.startswith("{") and ln.endswith("}") for ln in complete)

    def read(self, path: Path, span: Span | None = None) -> Iterator[Paper | Rejection]:
        """Line by line; a file holding one JSON array of paper objects, one pretty-printed
        object or a wrapper of them is read as that document (whole, by the first range
        when read in ranges)."""
        if _is_document_file(path):
            if span is None or span.start == 0:
                yield from _read_document(path)
            return
        file = str(path)
        source = TextSource(path, span)
        for number, line in source.lines():
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except (ValueError, RecursionError) as error:
                reason = getattr(error, "msg", None) or "nested too deeply"
                yield Rejection(file, f"line {number}", f"invalid JSON: {reason}")
                continue
            if not isinstance(value, dict):
                kind = type(value).__name__
                yield Rejection(file, f"line {number}", f"expected a JSON object, found {kind}")
                continue
            yield from paper_or_rejection(value, file, number)
        rejection = source.encoding_rejection()
        if rejection:
            yield rejection
