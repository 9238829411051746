"""Column names of flat paper records (JSONL keys, CSV headings): the canonical names of
docs/INPUT-FORMATS.md and the spellings that reference managers and databases export
(Zotero, Scopus, Web of Science, IEEE Xplore), so that their exports read without renaming
a column. Shared by the JSONL and CSV readers, so both accept the same columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

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
    "n_authors": ("n_authors", "num_authors", "author_count"),
    "year": ("year", "publication_year", "pub_year"),
    "date": ("date", "published", "publication_date", "pub_date"),
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
