"""Reader for Semantic Scholar Graph API papers: one paper object, a list (the batch
endpoint), a page ({"data": [...]}, search / bulk, or the ``/references`` and
``/citations`` endpoints, whose items wrap the paper in ``citedPaper`` / ``citingPaper``)
or JSON Lines (the datasets API, whose keys are lower case: ``externalids``,
``publicationdate``).

Records are streamed (kg/readers/jsonstream.py). ``references`` become this paper's
references; ``citations`` (papers citing it) are kept in ``cited_by``. A ``null`` in a
batch answer (an id Semantic Scholar did not find) is a Note, not a rejection.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.model import Author, Paper, paper_ref
from kg.normalize import is_preprint_server
from kg.readers.base import Note, Rejection
from kg.readers.jsonstream import JsonApiReader, year_and_date

# externalIds keys (lower-cased) kept in Paper.external_ids (DOI and ArXiv become fields).
_EXTERNAL = {"corpusid": "s2_corpus", "mag": "mag", "pubmed": "pmid", "dblp": "dblp", "acl": "acl"}
# The items of /paper/{id}/references and /citations: the paper sits under one of these.
_WRAPPERS = ("citedPaper", "citingPaper")
# read_json_papers' rejection of a record that is JSON null (kg/readers/jsonstream.py).
_NULL_RECORD = f"not an object ({type(None).__name__})"
_PAPER_URL = re.compile(r"semanticscholar\.org/paper/(?:[^/]+/)?([0-9a-f]{40})\b")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _lower(value: Any) -> dict[str, Any]:
    """An object with lower-case keys: the Graph API spells them ``externalIds``, the
    datasets API ``externalids``; the first spelling of a key wins."""
    out: dict[str, Any] = {}
    for key, item in _dict(value).items():
        out.setdefault(str(key).lower(), item)
    return out


def _unwrapped(item: Any) -> dict[str, Any]:
    """The paper of a /references or /citations item (its ``contexts`` and ``intents``
    say how it is cited, not what it is), else the item itself."""
    item = _dict(item)
    for key in _WRAPPERS:
        if key in item:
            return _dict(item[key])
    return item


def _ref(item: Any) -> str | None:
    """A cited/citing paper (S2 stub or full object) -> a paper_ref key."""
    item = _lower(_unwrapped(item))
    ext = _lower(item.get("externalids"))
    return paper_ref(doi=ext.get("doi"), arxiv_id=ext.get("arxiv"), s2=item.get("paperid"))


def _refs(values: Any) -> list[str]:
    return list(dict.fromkeys(ref for ref in map(_ref, _list(values)) if ref))


def _external_ids(paper: dict[str, Any], ext: dict[str, Any]) -> dict[str, str]:
    """S2's own ids: ``paperId`` (the datasets API gives it only inside ``url``), the
    corpus id (top-level ``corpusid`` in the datasets) and the other catalogues'."""
    found = _PAPER_URL.search(str(paper.get("url") or ""))
    s2 = paper.get("paperid") or (found.group(1) if found else None)
    external = {"s2": str(s2)} if s2 else {}
    ext = {"corpusid": paper.get("corpusid"), **{k: v for k, v in ext.items() if v}}
    for key, name in _EXTERNAL.items():
        if ext.get(key) not in (None, ""):
            external[name] = str(ext[key])
    return external


def _authors(values: Any) -> list[Author]:
    authors = []
    for author in map(_lower, _list(values)):
        if not str(author.get("name") or "").strip():
            continue
        author_id = author.get("authorid")
        authors.append(Author(
            name=str(author["name"]),
            source_ids={"s2": str(author_id)} if author_id else {},
            affiliations=[str(x) for x in _list(author.get("affiliations")) if x],
        ))
    return authors


def _venue(paper: dict[str, Any]) -> str | None:
    venue = (
        paper.get("venue")
        or _dict(paper.get("publicationvenue")).get("name")
        or _dict(paper.get("journal")).get("name")
    )
    return None if not venue or is_preprint_server(venue) else str(venue)


def convert_paper(paper: dict[str, Any], source: str) -> Paper | Rejection:
    """One S2 paper (Graph API or datasets spelling, or wrapped as a /references or
    /citations item) -> Paper."""
    paper = _lower(_unwrapped(paper))
    title = paper.get("title")
    if not isinstance(title, str) or not title.strip():
        return Rejection(source, "", "paper has no title; skipped")
    ext = _lower(paper.get("externalids"))
    fields = [str(f) for f in _list(paper.get("fieldsofstudy")) if f]
    fields += [str(_dict(f).get("category")) for f in _list(paper.get("s2fieldsofstudy"))]
    return Paper(
        title=title,
        abstract=str(paper.get("abstract") or ""),
        authors=_authors(paper.get("authors")),
        **year_and_date(paper.get("year"), paper.get("publicationdate")),
        doi=ext.get("doi"),
        arxiv_id=ext.get("arxiv"),
        venue=_venue(paper),
        url=paper.get("url"),
        keywords=[f for f in dict.fromkeys(fields) if f and f != "None"],
        references=_refs(paper.get("references")),
        cited_by=_refs(paper.get("citations")),
        external_ids=_external_ids(paper, ext),
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
        """A Graph API ``paperId``, or a datasets record (``corpusid`` with
        ``externalids``)."""
        ours = '"paperId"' in head or ('"corpusid"' in head and '"externalids"' in head)
        return ours and "abstract_inverted_index" not in head

    def read(self, path: Path) -> Iterator[Paper | Rejection]:
        """The papers; a ``null`` record (the batch endpoint's answer for an id it does
        not know) is a Note, as an empty answer is: nothing is wrong with the file."""
        for record in super().read(path):
            if type(record) is Rejection and record.message == _NULL_RECORD:
                record = Note(
                    record.file, record.location, "null (an id Semantic Scholar did not find)"
                )
            yield record
