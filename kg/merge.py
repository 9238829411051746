"""Merge records of the same paper (and the same author) arriving from several inputs.

When two paper records are one paper: they share a DOI, or an arXiv id, or the normalised
title - unless both carry a DOI (or both an arXiv id) and those differ.

When two author strings on ONE paper are one person: same ORCID or source author id; or
the same folded name key ('Łukasz Kaiser' = 'Lukasz Kaiser' = 'Kaiser, Łukasz'); or the
same surname with compatible given names ('A. Vaswani' ~ 'Ashish Vaswani') when exactly
one author of that paper fits.

When author records on DIFFERENT papers are one person: same ORCID or source id; or the
same full name key, provided the people holding that name key carry no conflicting strong
ids (two different ORCIDs under one name stay two people). Initials alone never merge two
people across papers: 'J. Smith' and 'John Smith' on different papers stay apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from kg.model import Author, Paper


def _given_and_surname(author: Author) -> tuple[list[str], str]:
    parts = author.key.split()
    if not parts:
        return [], ""
    return parts[:-1], parts[-1]


def _compatible_given(a: list[str], b: list[str]) -> bool:
    """'a' ~ 'ashish'; 'j m' ~ 'john michael'; 'john' !~ 'jane'."""
    if not a or not b:
        return False
    for x, y in zip(a, b, strict=False):
        if len(x) == 1 or len(y) == 1:
            if x[0] != y[0]:
                return False
        elif x != y:
            return False
    return True


def _same_person_strong(a: Author, b: Author) -> bool:
    if a.orcid and b.orcid:
        return a.orcid == b.orcid
    return any(b.source_ids.get(src) == sid for src, sid in a.source_ids.items())


def _find_match(existing: list[Author], incoming: Author, taken: set[int]) -> int | None:
    free = [i for i in range(len(existing)) if i not in taken]
    for i in free:
        if _same_person_strong(existing[i], incoming):
            return i
    for i in free:
        other = existing[i]
        if other.key == incoming.key and not (
            other.orcid and incoming.orcid and other.orcid != incoming.orcid
        ):
            return i
    given, surname = _given_and_surname(incoming)
    fits = [
        i
        for i in free
        if _given_and_surname(existing[i])[1] == surname
        and _compatible_given(_given_and_surname(existing[i])[0], given)
    ]
    return fits[0] if len(fits) == 1 else None


def merge_author_lists(existing: list[Author], incoming: list[Author]) -> list[Author]:
    """Align two author lists of the same paper; unmatched incoming authors are appended."""
    merged = list(existing)
    taken: set[int] = set()
    for author in incoming:
        index = _find_match(merged, author, taken)
        if index is None:
            merged.append(author)
            taken.add(len(merged) - 1)
        else:
            merged[index].absorb(author)
            taken.add(index)
    return merged


def _union(a: list[str], b: list[str]) -> list[str]:
    return a + [item for item in b if item not in a]


def merge_papers(into: Paper, other: Paper) -> None:
    """Fold ``other`` into ``into``; the first non-empty value wins, except where noted."""
    into.doi = into.doi or other.doi
    into.arxiv_id = into.arxiv_id or other.arxiv_id
    if len(other.abstract) > len(into.abstract):  # the fuller abstract wins
        into.abstract = other.abstract
    into.authors = merge_author_lists(into.authors, other.authors)
    counts = [n for n in (into.n_authors, other.n_authors, len(into.authors)) if n]
    into.n_authors = max(counts) if counts else None
    into.year = into.year or other.year
    if other.date and (not into.date or (into.date.startswith("--") and other.date[:1] != "-")):
        into.date = other.date  # a full date beats a month-day one
    for name in ("venue", "url"):
        setattr(into, name, getattr(into, name) or getattr(other, name))
    if other.upvotes is not None:
        into.upvotes = max(into.upvotes or 0, other.upvotes)
    into.keywords = _union(into.keywords, other.keywords)
    into.categories = _union(into.categories, other.categories)
    into.references = _union(into.references, other.references)
    for source, value in other.external_ids.items():
        into.external_ids.setdefault(source, value)
    into.sources = _union(into.sources, other.sources)


def _conflict(a: Paper, b: Paper) -> bool:
    return bool(
        (a.doi and b.doi and a.doi != b.doi)
        or (a.arxiv_id and b.arxiv_id and a.arxiv_id != b.arxiv_id)
    )


class PaperIndex:
    """Accumulates paper records and merges duplicates as they arrive."""

    def __init__(self) -> None:
        self._papers: list[Paper] = []
        self._by_key: dict[str, list[int]] = defaultdict(list)
        self.records = 0

    def add(self, paper: Paper) -> Paper:
        self.records += 1
        for key in paper.identity_keys():
            for index in self._by_key.get(key, []):
                target = self._papers[index]
                if not _conflict(target, paper):
                    merge_papers(target, paper)
                    self._register(index)
                    return target
        self._papers.append(paper)
        self._register(len(self._papers) - 1)
        return paper

    def _register(self, index: int) -> None:
        for key in self._papers[index].identity_keys():
            if index not in self._by_key[key]:
                self._by_key[key].append(index)

    def __len__(self) -> int:
        return len(self._papers)

    @property
    def merged_duplicates(self) -> int:
        return self.records - len(self._papers)

    def papers(self) -> list[Paper]:
        """All papers, with author identities unified across the corpus."""
        unify_authors(self._papers)
        return self._papers

    def __iter__(self) -> Iterator[Paper]:
        return iter(self.papers())


def unify_authors(papers: Iterable[Paper]) -> None:
    """Give every record of the same person the same strong ids (see module docstring)."""
    by_key: dict[str, list[Author]] = defaultdict(list)
    for paper in papers:
        for author in paper.authors:
            if author.key:
                by_key[author.key].append(author)
    for group in by_key.values():
        orcids = {a.orcid for a in group if a.orcid}
        sources: dict[str, set[str]] = defaultdict(set)
        for author in group:
            for src, sid in author.source_ids.items():
                sources[src].add(sid)
        if len(orcids) > 1 or any(len(ids) > 1 for ids in sources.values()):
            continue  # several people share this name: keep them apart
        orcid = next(iter(orcids), None)
        ids = {src: next(iter(values)) for src, values in sources.items()}
        for author in group:
            author.orcid = orcid
            author.source_ids = dict(ids)


def distinct_authors(papers: Iterable[Paper]) -> int:
    return len({author.id for paper in papers for author in paper.authors})
