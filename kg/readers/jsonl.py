"""Reader for JSON Lines: one paper object per line, with the column names of
docs/INPUT-FORMATS.md. The output of `kg ingest` is valid input (round trip).

``record_to_paper`` turns one flat mapping (a JSON object or a CSV row) into a Paper and is
shared with the CSV reader so both formats accept the same columns with the same rules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date as Date
from pathlib import Path
from typing import Any

from kg.model import Author, Paper
from kg.normalize import clean_text
from kg.readers.base import Reader, Rejection, TextSource, isolated
from kg.readers.columns import LIST_FIELDS, canonical
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
        return _split(clean_text(value))
    if not isinstance(value, list):
        raise BadRecord(f"{name} must be a list or a ';'-separated text")
    items = [_text(f"{name} item", item) for item in value]
    return [item for item in items if item]


def _date(value: Any) -> str | None:
    """ISO 'YYYY-MM-DD' (a time part is dropped), 'YYYY-MM', 'YYYY' or '--MM-DD'."""
    text = _text("date", value)
    if text is None:
        return None
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
        value = _split(clean_text(value))
    if not isinstance(value, list):
        raise BadRecord("authors must be a list or a ';'-separated text")
    return [author for author in map(_author, value) if author]


def _external_ids(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadRecord("external_ids must be an object")
    return {
        clean_text(str(k)): clean_text(str(v)) for k, v in value.items() if isinstance(v, str | int)
    }


def record_to_paper(record: dict[str, Any], origin: str) -> Paper:
    """Build a Paper from a mapping keyed by canonical column names.

    ``origin`` ('file:line') is the source unless the record carries its own ``sources``
    (a file written by `kg ingest`), whose provenance is kept instead.
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
        authors=_authors(record.get("authors")),
        n_authors=_int("n_authors", record.get("n_authors")),
        year=_int("year", record.get("year"), 1000, 2999),
        date=_date(record.get("date")),
        updated=_date(record.get("updated")),
        upvotes=_int("upvotes", record.get("upvotes")),
        external_ids=external_ids,
        **fields,
    )


def _foreign(record: dict[str, Any]) -> bool:
    """Whether a JSON object is an OpenAlex work or a Semantic Scholar paper."""
    ident = record.get("id")
    return (
        "paperId" in record
        or "authorships" in record
        or (isinstance(ident, str) and ident.startswith("https://openalex.org/"))
    )


def converted(record: dict[str, Any], origin: str) -> Paper | Rejection:
    """A record with any column spellings as a Paper, or a Rejection naming the unusable
    field (its location left for the caller to say)."""
    try:
        return record_to_paper(canonical(record), origin)
    except BadRecord as error:
        return Rejection(origin, "", str(error))


def paper_or_rejection(record: dict[str, Any], file: str, line: int) -> Paper | Rejection:
    """The record as a Paper, or a Rejection at ``line`` naming the unusable field."""

    def convert() -> Paper | Rejection:
        result = converted(record, f"{file}:{line}")
        if isinstance(result, Rejection):
            return Rejection(file, f"line {line}", result.message)
        return result

    return isolated(file, f"line {line}", convert)


def _paper_object(value: Any) -> bool:
    return isinstance(value, dict) and "title" in value and not _foreign(value)


def _paper_array(text: str) -> bool:
    """Whether JSON text opening with '[' is an array of paper objects (a file written as
    one JSON array rather than JSON Lines), judged by its first element."""
    rest = text[1:].lstrip()
    try:
        value, _ = json.JSONDecoder().raw_decode(rest)
    except (ValueError, RecursionError):
        return bool(_OPENING.match(rest))  # a long first record cut by the head
    return _paper_object(value)


def _is_array_file(path: Path) -> bool:
    return read_head(path).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"[")


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
        lines = [line.strip() for line in head.splitlines() if line.strip()]
        for line in lines[:5]:
            try:
                value = json.loads(line)
            except (ValueError, RecursionError):
                if len(lines) == 1 and not head.endswith("\n"):
                    # Possibly a long first record cut by the head: judge by its opening.
                    return bool(_OPENING.match(line))
                continue
            return _paper_object(value)
        # No line parses, yet every one is shaped like an object: broken JSON Lines, which
        # the reader reports line by line better than "unknown format" would.
        complete = lines if head.endswith("\n") else lines[:-1]
        return bool(complete) and all(ln.startswith("{") and ln.endswith("}") for ln in complete)

    def read(self, path: Path, span: Span | None = None) -> Iterator[Paper | Rejection]:
        """Line by line; a file holding one JSON array of paper objects is read as that
        array (whole, by the first range when read in ranges)."""
        if _is_array_file(path):
            if span is None or span.start == 0:
                yield from read_json_papers(path, converted)
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
            yield paper_or_rejection(value, file, number)
        rejection = source.encoding_rejection()
        if rejection:
            yield rejection
