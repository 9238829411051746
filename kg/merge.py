"""Merge records of the same paper (and the same author) arriving from several inputs.

When two paper records are one paper: they share a DOI, or an arXiv id, or the normalised
title - unless both carry a DOI (or both an arXiv id) and those differ. Records that share
only the title (no DOI or arXiv id in common) are one paper only when nothing contradicts
it: their years are at most a year apart, and the first author of each (when both name
authors) is among the other's authors ('Deep learning' by LeCun, Bengio and Hinton, 2015,
is not the book by Goodfellow, Bengio and Courville, 2016).

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

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import pairwise
from typing import Protocol

from kg.model import Author, Paper, paper_ref
from kg.normalize import find_arxiv_id, title_key


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


def _ambiguous(a: Author, b: Author, pool: list[Author]) -> bool:
    """Whether a third name on the paper also fits 'a' or 'b' ('J. Smith' vs 'John Smith'
    when 'Jane Smith' is listed too): then an initial cannot tell who is who."""
    _, surname = _given_and_surname(a)
    for other in pool:
        if other.key in (a.key, b.key):
            continue
        given, other_surname = _given_and_surname(other)
        if other_surname == surname and (
            _compatible_given(given, _given_and_surname(a)[0])
            or _compatible_given(given, _given_and_surname(b)[0])
        ):
            return True
    return False


def _find_match(
    existing: list[Author], incoming: Author, taken: set[int], pool: list[Author]
) -> int | None:
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
    if len(fits) != 1 or _ambiguous(existing[fits[0]], incoming, pool):
        return None
    return fits[0]


def merge_author_lists(existing: list[Author], incoming: list[Author]) -> list[Author]:
    """Align two author lists of the same paper; unmatched incoming authors are appended.
    Initials match a full name only when no other author of the paper (in either list)
    could be meant."""
    merged = list(existing)
    pool = [*existing, *incoming]
    taken: set[int] = set()
    for author in incoming:
        index = _find_match(merged, author, taken, pool)
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
    if other.title != into.title and case_detail(other.title) > case_detail(into.title) \
            and title_key(other.title) == title_key(into.title):
        into.title = other.title  # "BERT: ..." over a lower-cased copy ("Bert: ...")
    into.doi = into.doi or other.doi
    into.arxiv_id = into.arxiv_id or other.arxiv_id
    if len(other.abstract) > len(into.abstract):  # the fuller abstract wins
        into.abstract = other.abstract
    into.authors = merge_author_lists(into.authors, other.authors)
    # The records' own counts, not len(into.authors): authors left unmerged because an
    # initial was ambiguous must not inflate the count; None ('and others') means unknown.
    counts = [n for n in (into.n_authors, other.n_authors) if n]
    into.n_authors = max(counts) if counts else None
    into.year = into.year or other.year
    if other.date and (not into.date or (into.date.startswith("--") and other.date[:1] != "-")):
        into.date = other.date  # a full date beats a month-day one
    for name in ("venue", "entry_type", "url"):
        setattr(into, name, getattr(into, name) or getattr(other, name))
    if other.upvotes is not None:
        into.upvotes = max(into.upvotes or 0, other.upvotes)
    into.keywords = _union(into.keywords, other.keywords)
    into.categories = _union(into.categories, other.categories)
    into.references = _union(into.references, other.references)
    into.cited_by = _union(into.cited_by, other.cited_by)
    for source, value in other.external_ids.items():
        into.external_ids.setdefault(source, value)
    into.sources = _union(into.sources, other.sources)


def case_detail(title: str) -> int:
    """How much of a title's letter case is kept: the capitals inside words (acronyms,
    "ResNet"), which a source that lower-cases titles (Google Scholar's BibTeX) loses; 0
    for a title in capitals throughout, which keeps none."""
    if title.isupper():
        return 0
    return sum(1 for before, letter in pairwise(title)
               if letter.isupper() and before.isalpha())


# A preprint and its published version may carry neighbouring years.
YEARS_APART = 1


def _may_be_same_person(a: Author, b: Author) -> bool:
    """The rules of one paper without the guard against ambiguous initials: whether ``b``
    could be ``a`` ('Y. LeCun' could be 'Yann LeCun'); different ORCIDs never are."""
    if a.orcid and b.orcid:
        return a.orcid == b.orcid
    if a.key == b.key or _same_person_strong(a, b):
        return True
    given, surname = _given_and_surname(a)
    other_given, other_surname = _given_and_surname(b)
    return surname == other_surname and _compatible_given(given, other_given)


def _shares_id(a: Paper, b: Paper) -> bool:
    return bool((a.doi and a.doi == b.doi) or (a.arxiv_id and a.arxiv_id == b.arxiv_id))


def _title_only_contradiction(a: Paper, b: Paper) -> bool:
    """Whether two records that share no DOI or arXiv id, only a title, are two papers
    after all: the same title is weak evidence ('Deep learning', 'Attention'), so years
    more than ``YEARS_APART`` apart, or a first author the other record does not list
    (no author in common included), say they are different papers."""
    if _shares_id(a, b):
        return False
    if a.year and b.year and abs(a.year - b.year) > YEARS_APART:
        return True
    if not (a.authors and b.authors):
        return False
    return not (
        any(_may_be_same_person(a.authors[0], other) for other in b.authors)
        and any(_may_be_same_person(b.authors[0], other) for other in a.authors)
    )


def _conflict(a: Paper, b: Paper) -> bool:
    """Whether two records with a key in common are still two papers."""
    return bool(
        (a.doi and b.doi and a.doi != b.doi)
        or (a.arxiv_id and b.arxiv_id and a.arxiv_id != b.arxiv_id)
    ) or _title_only_contradiction(a, b)


class IdentityRules(Protocol):
    """Decisions about paper identity over the rules above (kg/curation PaperRules)."""

    def extra_keys(self, paper: Paper) -> list[str]: ...
    def joined(self, a: Paper, b: Paper) -> bool: ...
    def kept_apart(self, a: Paper, b: Paper) -> bool: ...


def kept_apart(a: Paper, b: Paper, rules: IdentityRules | None = None) -> bool:
    """Whether two records with a key in common stay two papers: the rules above, with
    a curation's decisions (``rules``) over them."""
    if rules is None:
        return _conflict(a, b)
    if rules.kept_apart(a, b):
        return True
    return _conflict(a, b) and not rules.joined(a, b)


class PaperIndex:
    """Accumulates paper records and merges duplicates as they arrive.

    A record that links two papers already held (an arXiv-only record, a DOI-only record,
    then one carrying both) merges all three, so the order of inputs does not matter.
    """

    def __init__(self, rules: IdentityRules | None = None) -> None:
        self._papers: list[Paper | None] = []  # None: merged into another paper
        self._by_key: dict[str, list[int]] = defaultdict(list)
        self.records = 0
        self.rules = rules

    def _keys(self, paper: Paper) -> list[str]:
        keys = paper.identity_keys()
        return keys + self.rules.extra_keys(paper) if self.rules else keys

    def _conflict(self, a: Paper, b: Paper) -> bool:
        return kept_apart(a, b, self.rules)

    def _matches(self, paper: Paper) -> list[int]:
        found: list[int] = []
        for key in self._keys(paper):
            for index in self._by_key.get(key, []):
                if self._papers[index] is not None and index not in found:
                    found.append(index)
        return found

    def add(self, paper: Paper) -> Paper:
        self.records += 1
        target_index: int | None = None
        for index in self._matches(paper):
            candidate = self._papers[index]
            assert candidate is not None
            if not self._conflict(candidate, paper):
                target_index = index
                break
        if target_index is None:
            self._papers.append(paper)
            self._register(len(self._papers) - 1)
            return paper
        target = self._papers[target_index]
        assert target is not None
        merge_papers(target, paper)
        # The merged record may now share a key with another paper held: join them too.
        for index in self._matches(target):
            other = self._papers[index]
            if index != target_index and other is not None and not self._conflict(target, other):
                merge_papers(target, other)
                self._papers[index] = None
        self._register(target_index)
        return target

    def _register(self, index: int) -> None:
        paper = self._papers[index]
        assert paper is not None
        for key in self._keys(paper):
            if index not in self._by_key[key]:
                self._by_key[key].append(index)

    def live(self) -> list[Paper]:
        """The papers held, duplicates merged (authors and references not yet unified),
        each under an id of its own (``distinct_ids``)."""
        papers = [paper for paper in self._papers if paper is not None]
        distinct_ids(papers)
        return papers

    def __len__(self) -> int:
        return sum(paper is not None for paper in self._papers)  # (live() also assigns ids)

    @property
    def merged_duplicates(self) -> int:
        return self.records - len(self)

    def papers(self) -> list[Paper]:
        """All papers, with author identities unified and citations pointing at paper ids
        across the corpus."""
        papers = self.live()
        unify_authors(papers)
        resolve_references(papers)
        return papers

    def __iter__(self) -> Iterator[Paper]:
        return iter(self.papers())


def numbered_id(title_id: str, number: int) -> str:
    """The id of the ``number``-th paper that shares the title id ``title_id`` (2 on)."""
    return f"{title_id}~{number}"


def distinct_ids(papers: list[Paper]) -> None:
    """Papers kept apart that would share an id (one title and no DOI or arXiv id: two
    editorials called "Introduction") get ids of their own, so that neither overwrites the
    other in a store: the first keeps the title hash, the others, in the order they first
    arrive, add a number after '~' ('title:26aca7941a99d90e~2'), as split authors do.
    (A number, not the year: the year of a title-only paper may be unknown.)"""
    seen: set[str] = set()
    for paper in papers:
        given = paper.id
        if given not in seen or not given.startswith("title:"):
            seen.add(given)  # (two papers with one DOI stay as they were: the first is kept)
            continue
        candidate, number = numbered_id(given, 2), 2
        while candidate in seen:
            number += 1
            candidate = numbered_id(given, number)
        paper.stored_id = candidate
        seen.add(candidate)


_REF_SCHEME = re.compile(r"^(doi|arxiv|title|openalex|s2):(.+)$", re.I)


def canonical_ref(ref: str) -> str:
    """Bring a cited-paper reference to ``paper_ref`` form: '2005.14165' ->
    'arxiv:2005.14165', 'https://doi.org/10.1/X' -> 'doi:10.1/x'; unknown forms are kept."""
    ref = ref.strip()
    match = _REF_SCHEME.match(ref)
    if match:
        scheme, value = match.group(1).lower(), match.group(2)
        if scheme == "doi":
            return paper_ref(doi=value) or ref
        if scheme == "arxiv":
            return paper_ref(arxiv_id=value) or ref
        return f"{scheme}:{value}"
    return (
        paper_ref(doi=ref)
        or paper_ref(arxiv_id=ref)
        or paper_ref(arxiv_id=find_arxiv_id(ref))
        or ref
    )


def resolve_references(papers: Iterable[Paper]) -> None:
    """Rewrite references (and cited_by) to the id of the paper they name when that paper
    is in the corpus: an OpenAlex 'openalex:W…' or an arXiv id of a paper whose id is
    its DOI then links to the paper node instead of dangling."""
    papers = list(papers)
    aliases = reference_aliases(papers)
    for paper in papers:
        apply_reference_aliases(paper, aliases)


def reference_aliases(papers: Iterable[Paper]) -> dict[str, str]:
    """Every key a reference may name a corpus paper by -> that paper's id."""
    alias: dict[str, str] = {}
    for paper in papers:
        for key in paper.identity_keys():
            alias.setdefault(key, paper.id)
        for source in ("openalex", "s2"):
            if paper.external_ids.get(source):
                alias.setdefault(f"{source}:{paper.external_ids[source]}", paper.id)
    return alias


def apply_reference_aliases(paper: Paper, alias: dict[str, str]) -> None:
    for name in ("references", "cited_by"):
        refs = [canonical_ref(ref) for ref in getattr(paper, name) if ref and ref.strip()]
        setattr(paper, name, list(dict.fromkeys(alias.get(ref, ref) for ref in refs)))


AuthorIdentity = tuple[str | None, dict[str, str]]  # (ORCID, source -> author id)


def unify_authors(papers: Iterable[Paper]) -> None:
    """Give every record of the same person the same strong ids (see module docstring)."""
    papers = list(papers)
    identities = author_identities(papers)
    for paper in papers:
        apply_author_identities(paper, identities)


def author_identities(papers: Iterable[Paper]) -> dict[str, AuthorIdentity]:
    """Name key -> the strong ids every author under that key gets; names that several
    people share (conflicting ORCIDs or source ids) are left out: they stay apart."""
    by_key: dict[str, list[Author]] = defaultdict(list)
    for paper in papers:
        for author in paper.authors:
            if author.key:
                by_key[author.key].append(author)
    identities: dict[str, AuthorIdentity] = {}
    for key, group in by_key.items():
        identity = shared_identity(group)
        if identity is not None:
            identities[key] = identity
    return identities


def shared_identity(authors: Iterable[Author]) -> AuthorIdentity | None:
    """The strong ids of every author under one name key, or None when they belong to
    several people (conflicting ORCIDs or source ids)."""
    orcids: set[str] = set()
    sources: dict[str, set[str]] = defaultdict(set)
    for author in authors:
        if author.orcid:
            orcids.add(author.orcid)
        for src, sid in author.source_ids.items():
            sources[src].add(sid)
    if len(orcids) > 1 or any(len(ids) > 1 for ids in sources.values()):
        return None  # several people share this name: keep them apart
    return next(iter(orcids), None), {src: next(iter(ids)) for src, ids in sources.items()}


def apply_author_identities(paper: Paper, identities: dict[str, AuthorIdentity]) -> None:
    for author in paper.authors:
        identity = identities.get(author.key) if author.key else None
        if identity is not None:
            author.orcid = identity[0]
            author.source_ids = dict(identity[1])
