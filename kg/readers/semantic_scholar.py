"""Reader for Semantic Scholar Graph API papers: one paper object, a list (the batch
endpoint), a page ({"data": [...]}, search / bulk) or JSON Lines (datasets).

Records are streamed (kg/readers/jsonstream.py). ``references`` become this paper's
references; ``citations`` (papers citing it) are kept in ``cited_by``.
"""

from __future__ import annotations

from typing import Any

from kg.model import Author, Paper, paper_ref
from kg.normalize import is_preprint_server
from kg.readers.base import Rejection
from kg.readers.jsonstream import JsonApiReader, year_and_date

# externalIds keys kept verbatim in Paper.external_ids (DOI and ArXiv become fields).
_EXTERNAL = {"CorpusId": "s2_corpus", "MAG": "mag", "PubMed": "pmid", "DBLP": "dblp", "ACL": "acl"}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _ref(item: Any) -> str | None:
    """A cited/citing paper (S2 stub or full object) -> a paper_ref key."""
    item = _dict(item)
    if "citedPaper" in item or "citingPaper" in item:  # /references, /citations endpoints
        item = _dict(item.get("citedPaper") or item.get("citingPaper"))
    ext = _dict(item.get("externalIds"))
    return paper_ref(doi=ext.get("DOI"), arxiv_id=ext.get("ArXiv"), s2=item.get("paperId"))


def _refs(values: Any) -> list[str]:
    return list(dict.fromkeys(ref for ref in map(_ref, _list(values)) if ref))


def convert_paper(paper: dict[str, Any], source: str) -> Paper | Rejection:
    """One S2 paper -> Paper."""
    title = paper.get("title")
    if not isinstance(title, str) or not title.strip():
        return Rejection(source, "", "paper has no title; skipped")
    ext = _dict(paper.get("externalIds"))
    external = {"s2": str(paper["paperId"])} if paper.get("paperId") else {}
    for key, name in _EXTERNAL.items():
        if ext.get(key) not in (None, ""):
            external[name] = str(ext[key])
    authors = [
        Author(
            name=str(a["name"]),
            source_ids={"s2": str(a["authorId"])} if a.get("authorId") else {},
            affiliations=[str(x) for x in _list(a.get("affiliations")) if x],
        )
        for a in map(_dict, _list(paper.get("authors")))
        if str(a.get("name") or "").strip()
    ]
    venue = (
        paper.get("venue")
        or _dict(paper.get("publicationVenue")).get("name")
        or _dict(paper.get("journal")).get("name")
    )
    if is_preprint_server(venue):
        venue = None
    fields = [str(f) for f in _list(paper.get("fieldsOfStudy")) if f]
    fields += [str(_dict(f).get("category")) for f in _list(paper.get("s2FieldsOfStudy"))]
    return Paper(
        title=title,
        abstract=str(paper.get("abstract") or ""),
        authors=authors,
        **year_and_date(paper.get("year"), paper.get("publicationDate")),
        doi=ext.get("DOI"),
        arxiv_id=ext.get("ArXiv"),
        venue=str(venue) if venue else None,
        url=paper.get("url"),
        keywords=[f for f in dict.fromkeys(fields) if f and f != "None"],
        references=_refs(paper.get("references")),
        cited_by=_refs(paper.get("citations")),
        external_ids=external,
        sources=[source],
    )


class SemanticScholarReader(JsonApiReader):
    """Told by the records' ``paperId``; a head that also holds OpenAlex's
    ``abstract_inverted_index`` is left to the OpenAlex reader, so one reader claims a file."""

    description = "Semantic Scholar Graph API papers (JSON or JSON Lines)"
    convert = convert_paper
    page_keys = frozenset({"total", "offset", "next", "token", "data"})

    @classmethod
    def recognizes(cls, head: str) -> bool:
        return '"paperId"' in head and "abstract_inverted_index" not in head
