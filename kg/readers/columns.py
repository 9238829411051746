"""Column names of flat paper records (JSONL keys, CSV headings): the canonical names of
docs/INPUT-FORMATS.md and the spellings that reference managers and databases export
(Zotero, Scopus, Web of Science, IEEE Xplore), so that their exports read without renaming
a column. Shared by the JSONL and CSV readers, so both accept the same columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from kg.normalize import normalize_arxiv_id
from kg.readers.tex import decode_tex

# Canonical column name -> accepted spellings (compared after lower-casing and turning
# spaces and hyphens into underscores). Export spellings: Zotero ("Abstract Note",
# "Publication Title", "Manual Tags", "Automatic Tags"), Scopus ("Source title", "Author
# Keywords"), Web of Science ("Article Title", "Source Title"), IEEE Xplore ("Document
# Title", "Publication Title", "Author Keywords").
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "paper_id"),
    "title": ("title", "paper_title", "article_title", "document_title"),
    "abstract": ("abstract", "summary", "abstract_note"),
    "authors": ("authors", "author", "author_names", "creators"),
    # Scopus: 'Zhou, Jie (57211234567); …', read over "Authors" (kg/readers/jsonl.py)
    "author_full_names": ("author_full_names",),
    "n_authors": ("n_authors", "num_authors", "author_count"),
    "year": ("year", "publication_year", "pub_year"),
    "date": ("date", "published", "publication_date", "pub_date", "publishedat"),
    "updated": ("updated",),
    "doi": ("doi",),
    "arxiv_id": ("arxiv_id", "arxiv", "arxivid", "eprint"),
    "venue": (
        "venue", "journal", "booktitle", "conference", "source_title", "publication_title",
    ),
    "url": ("url", "link"),
    "keywords": (
        "keywords", "keyword", "tags", "author_keywords", "manual_tags", "automatic_tags",
    ),
    "categories": ("categories", "category", "subjects"),
    "upvotes": ("upvotes", "votes"),
    "references": ("references", "refs"),
    "external_ids": ("external_ids",),
    "sources": ("sources",),
}
COLUMN = {spelling: name for name, spellings in SYNONYMS.items() for spelling in spellings}
LIST_FIELDS = ("keywords", "categories", "references", "sources")
# Keys of an object wrapping a list of papers ({"papers": [...]}), read as that list.
WRAPPERS = ("papers", "data", "results")
# Web of Science's tab-delimited export heads its columns with two-letter field tags; a
# header holding its record-type (PT) and accession-number (UT) tags is one. AF (full
# names) is read rather than AU (surname and initials) when both are there; ID (Keywords
# Plus) is not a paper id.
WOS_MARKS = ("PT", "UT")
WOS_TAGS = {
    "TI": "title", "AB": "abstract", "AF": "authors", "AU": "authors", "PY": "year",
    "DI": "doi", "SO": "venue", "DE": "keywords",
}


def column_name(raw: str) -> str | None:
    """The canonical name of a column heading, or None for columns we do not use."""
    key = re.sub(r"[\s\-]+", "_", raw.strip().lstrip("\ufeff").lower())
    return COLUMN.get(key)


def column_names(header: Sequence[str]) -> list[str | None]:
    """The canonical name of each heading of a header row (None: not used), reading the
    field tags of a Web of Science export as such."""
    tags = [heading.strip().lstrip("\ufeff") for heading in header]
    if not all(mark in tags for mark in WOS_MARKS):
        return [column_name(heading) for heading in header]
    skip = {"AU"} if "AF" in tags else set()
    return [WOS_TAGS.get(tag) if tag not in skip else None for tag in tags]


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _gathered(first: Any, more: Any) -> Any:
    """Two columns of one list field together ('moe; routing' + 'sparse' -> 'moe; routing;
    sparse'); values of different shapes keep the first, as other fields do."""
    if isinstance(first, str) and isinstance(more, str):
        return f"{first}; {more}"
    if isinstance(first, list) and isinstance(more, list):
        return first + more
    return first


def named(pairs: Iterable[tuple[str | None, Any]]) -> dict[str, Any]:
    """Values by canonical name (pairs named None are dropped): the first non-empty value
    of a field wins, except that the columns of a list field add up (Zotero's "Manual Tags"
    and "Automatic Tags" are both keywords)."""
    out: dict[str, Any] = {}
    for name, value in pairs:
        if name is None or _empty(value):
            continue
        if name not in out:
            out[name] = value
        elif name in LIST_FIELDS:
            out[name] = _gathered(out[name], value)
    return out


def canonical(record: dict[str, Any]) -> dict[str, Any]:
    """A record keyed by known column spellings, keyed by canonical names (see ``named``)."""
    return named((column_name(str(key)), value) for key, value in record.items())


def reshaped(record: dict[str, Any]) -> dict[str, Any]:
    """A record of a known nested API shape flattened to column names; others unchanged:
    a Hugging Face Daily Papers item ({"paper": {...}}) or a line of Kaggle's arXiv
    metadata snapshot (a bare arXiv id with ``authors_parsed`` or ``versions``)."""
    inner = record.get("paper")
    if isinstance(inner, dict) and ("title" in inner or "id" in inner):
        return daily_papers_item(record, inner)
    if _kaggle_arxiv_line(record):
        return kaggle_arxiv(record)
    return record


def _kaggle_arxiv_line(record: dict[str, Any]) -> bool:
    """A bare arXiv id with ``authors_parsed`` or arXiv's ``versions`` ([{"version",
    "created"}]): a record of another source with a 'versions' list is left alone."""
    ident, versions = record.get("id"), record.get("versions")
    if not isinstance(ident, str) or normalize_arxiv_id(ident) != ident.strip():
        return False
    dated = isinstance(versions, list) and bool(versions) and all(
        isinstance(v, dict) and "created" in v for v in versions
    )
    return "authors_parsed" in record or dated


def daily_papers_item(record: dict[str, Any], paper: dict[str, Any]) -> dict[str, Any]:
    """The paper of a Daily Papers API item: its id is the arXiv id, ``summary`` the
    abstract, ``publishedAt`` the date, ``authors[].name`` the authors."""
    authors = paper.get("authors")
    return {
        "arxiv_id": paper.get("id"),
        "title": paper.get("title") or record.get("title"),
        "abstract": paper.get("summary"),
        "date": paper.get("publishedAt") or record.get("publishedAt"),
        "authors": [_author_of(a) for a in authors] if isinstance(authors, list) else authors,
        "upvotes": paper.get("upvotes"),
    }


def _author_of(value: Any) -> Any:
    """A Daily Papers author ({"_id", "name", "user", ...}) as a name; other values as given."""
    return value.get("name") if isinstance(value, dict) else value


def kaggle_arxiv(record: dict[str, Any]) -> dict[str, Any]:
    """A line of Kaggle's arXiv snapshot: ``id`` is the arXiv id, ``authors_parsed``
    ([last, first, suffix]) the authors, the first version's date the date,
    ``update_date`` the revision, ``categories`` space-separated, ``journal-ref`` the venue;
    TeX accents in names ('Bal\\'azs') decoded."""
    parsed = record.get("authors_parsed")
    authors: Any = record.get("authors")
    if isinstance(parsed, list) and parsed:
        authors = [_parsed_name(item) for item in parsed]
    elif isinstance(authors, str):
        authors = decode_tex(authors)
    versions = record.get("versions")
    first = versions[0] if isinstance(versions, list) and versions else None
    categories = record.get("categories")
    doi = record.get("doi")
    return {
        "arxiv_id": record["id"],
        "title": record.get("title"),
        "abstract": record.get("abstract"),
        "authors": authors,
        "date": first.get("created") if isinstance(first, dict) else None,
        "updated": record.get("update_date"),
        "categories": categories.split() if isinstance(categories, str) else categories,
        "venue": record.get("journal-ref"),
        "doi": doi.split()[0] if isinstance(doi, str) and doi.strip() else doi,
    }


def _parsed_name(item: Any) -> Any:
    """['Bal\\'azs', 'C.', ''] -> 'C. Balázs' (suffix last); other values as given."""
    if not isinstance(item, list) or not all(isinstance(part, str) for part in item):
        return item
    last, first, *rest = [*item, "", ""]
    first = re.sub(r"\.\s+-", ".-", first)  # Kaggle's 'C. -P.' for 'C.-P.'
    return decode_tex(" ".join(p for p in (first, last, *rest) if p.strip()))
