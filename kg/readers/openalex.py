"""Reader for OpenAlex works: one work object, a list of works, an API page
({"results": [...]}) or JSON Lines of works (as in the OpenAlex snapshot).

Records are streamed (kg/readers/jsonstream.py), so a large API dump is not loaded at once.
Titles and abstracts come as HTML fragments ("<i>In situ</i>", "CO<sub>2</sub>", "&lt;10
nm"): tags are dropped and entities decoded, so a title matches the same title from BibTeX
or arXiv.
"""

from __future__ import annotations

import html
import re
from typing import Any

from kg.model import Author, Paper, paper_ref
from kg.normalize import collapse_ws, find_arxiv_id, is_preprint_server, normalize_arxiv_id
from kg.readers.base import Rejection
from kg.readers.jsonstream import JsonApiReader, year_and_date

_OPENALEX_ID = re.compile(r"(?:https?://openalex\.org/)?([WASIC]\d+)$", re.I)
# An HTML or MathML tag: '<i>', '</sub>', '<mml:math display="inline">', '<br/>'. A '<'
# followed by a space or digit ('x < 3', '<10 nm') is text, not a tag.
_TAG = re.compile(r"</?([A-Za-z][\w:.-]*)(?:\s[^<>]*)?/?>")
# Tags that separate words; every other tag (i, b, sub, sup, span ...) is inline.
_BREAKS = frozenset({"br", "p", "div", "li", "ul", "ol", "tr", "td", "h1", "h2", "h3", "h4"})


def plain_text(value: str) -> str:
    """An OpenAlex HTML fragment as text: tags dropped (a line or block break becomes a
    space), then entities decoded ('&lt;' is '<'), so decoded text is never taken for a
    tag; whitespace collapsed."""

    def untag(match: re.Match[str]) -> str:
        return " " if match.group(1).lower() in _BREAKS else ""

    return collapse_ws(html.unescape(_TAG.sub(untag, value)))


def short_id(value: Any) -> str | None:
    """'https://openalex.org/W2741809807' -> 'W2741809807'."""
    match = _OPENALEX_ID.search(str(value or "").strip())
    return match.group(1).upper() if match else None


def rebuild_abstract(index: Any) -> str:
    """OpenAlex ships abstracts as {word: [positions]} (for licensing); put words back,
    as text (the words hold the HTML of the original abstract)."""
    if not isinstance(index, dict):
        return ""
    slots: dict[int, str] = {}
    for word, positions in index.items():
        for position in positions if isinstance(positions, list) else []:
            if isinstance(position, int):
                slots[position] = word
    return plain_text(" ".join(slots[i] for i in sorted(slots)))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _authors(work: dict[str, Any]) -> list[Author]:
    authors = []
    for authorship in _list(work.get("authorships")):
        authorship = _dict(authorship)
        person = _dict(authorship.get("author"))
        name = person.get("display_name") or authorship.get("raw_author_name") or ""
        if not str(name).strip():
            continue
        affiliations = [
            inst["display_name"]
            for inst in map(_dict, _list(authorship.get("institutions")))
            if inst.get("display_name")
        ] or [str(a) for a in _list(authorship.get("raw_affiliation_strings")) if a]
        openalex = short_id(person.get("id"))
        authors.append(
            Author(
                name=str(name),
                orcid=person.get("orcid"),
                source_ids={"openalex": openalex} if openalex else {},
                affiliations=list(dict.fromkeys(affiliations)),
            )
        )
    return authors


def _arxiv_id(work: dict[str, Any]) -> str | None:
    ids = _dict(work.get("ids"))
    found = normalize_arxiv_id(ids.get("arxiv")) or find_arxiv_id(ids.get("arxiv"))
    locations = [_dict(work.get("primary_location")), *map(_dict, _list(work.get("locations")))]
    for location in [*locations, _dict(work.get("best_oa_location"))]:
        for key in ("landing_page_url", "pdf_url"):
            found = found or find_arxiv_id(location.get(key))
    return found


def convert_work(work: dict[str, Any], source: str) -> Paper | Rejection:
    """One OpenAlex work -> Paper."""
    title = work.get("title") or work.get("display_name")
    title = plain_text(title) if isinstance(title, str) else None
    if not title:
        return Rejection(source, "", "work has no title; skipped")
    ids = _dict(work.get("ids"))
    external = {"openalex": short_id(work.get("id") or ids.get("openalex"))}
    for key in ("mag", "pmid", "pmcid"):
        if ids.get(key):
            external[key] = str(ids[key]).rsplit("/", 1)[-1]
    primary = _dict(work.get("primary_location"))
    venue_source = _dict(primary.get("source"))
    venue = venue_source.get("display_name")
    if venue_source.get("type") == "repository" or is_preprint_server(venue):
        venue = None
    keywords = [
        str(_dict(k).get("display_name") or k)
        for k in _list(work.get("keywords"))
        if _dict(k).get("display_name") or isinstance(k, str)
    ] + [
        str(c["display_name"])
        for c in map(_dict, _list(work.get("concepts")))
        if c.get("display_name") and float(c.get("score") or 0) >= 0.5
    ]
    references = [
        ref
        for ref in (paper_ref(openalex=short_id(w)) for w in _list(work.get("referenced_works")))
        if ref
    ]
    return Paper(
        title=title,
        abstract=rebuild_abstract(work.get("abstract_inverted_index")),
        authors=_authors(work),
        **year_and_date(work.get("publication_year"), work.get("publication_date")),
        doi=work.get("doi") or ids.get("doi"),
        arxiv_id=_arxiv_id(work),
        venue=venue,
        url=primary.get("landing_page_url") or work.get("doi"),
        keywords=list(dict.fromkeys(keywords)),
        references=list(dict.fromkeys(references)),
        external_ids={k: v for k, v in external.items() if v},
        sources=[source],
    )


class OpenAlexReader(JsonApiReader):
    description = "OpenAlex works (API JSON or JSON Lines)"
    convert = convert_work
    page_keys = frozenset({"meta", "results", "group_by"})

    @classmethod
    def recognizes(cls, head: str) -> bool:
        return "abstract_inverted_index" in head or (
            "openalex.org/W" in head and '"paperId"' not in head
        )
