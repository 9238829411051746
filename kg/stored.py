"""Papers already in a store, as records: which stored paper a new record is, and that
paper read back whole, so that an incremental build merges the new record into it (as a
build of every input merges their records, kg/merge.py) instead of writing over it.

A store's write replaces a paper (its fields, authors, mentions): that is what curation
needs. A second build that brings one more record of a stored paper (its DOI in a BibTeX
file, its title in a Daily Papers page) must not lose what the first build stored, so the
build reads the stored paper, merges the new record into it (the stored one first: it came
from the earlier input) and writes the merge, extracted again from the merged text.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from copy import deepcopy
from dataclasses import dataclass, field, replace
from itertools import count
from typing import TYPE_CHECKING, Any

from more_itertools import chunked

from kg.details import details
from kg.mapping.terms import id_of_iri
from kg.merge import (
    IdentityRules,
    apply_reference_aliases,
    kept_apart,
    merge_papers,
    numbered_id,
)
from kg.model import Author, Curated, Paper
from kg.normalize import title_hash, title_key
from kg.queries import read
from kg.side_index import words_key

if TYPE_CHECKING:
    from kg.stores.base import GraphStore

BATCH = 200  # papers per lookup: a few VALUES queries per batch, whatever the store's size
NUMBERS_READ = 20  # title:<hash>~2 … ~21, then ~22 …: papers that share one title


def read_papers(store: GraphStore, ids: Sequence[str]) -> dict[str, Paper]:
    """The stored papers among ``ids`` (with a title), id -> the paper as a record: fields,
    authors in order (with ORCID and affiliations where the store keeps them), keywords,
    categories, external ids, citations and sources; ``stored_id`` is its id."""
    papers: dict[str, Paper] = {}
    for row in details(store, "stored.papers", list(dict.fromkeys(ids))):
        paper_id = str(row["id"])
        mark = (Curated(str(row["curated_by"]), str(row.get("curated_at") or ""))
                if row.get("curated_by") else None)
        papers[paper_id] = Paper(
            title=str(row["title"]), abstract=_text(row.get("abstract")) or "",
            year=_number(row.get("year")), date=_text(row.get("date")),
            updated=_text(row.get("updated")), doi=_text(row.get("doi")),
            arxiv_id=_text(row.get("arxiv_id")), venue=_text(row.get("venue")),
            entry_type=_text(row.get("entry_type")), url=_text(row.get("url")),
            upvotes=_number(row.get("upvotes")), n_authors=_number(row.get("n_authors")),
            stored_id=paper_id, curated=mark,
        )
    if not papers:
        return papers
    found = sorted(papers)
    _add_authors(papers, details(store, "stored.authorships", found))
    values: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in details(store, "stored.values", found):
        value = str(row["value"])
        kind = str(row["kind"])
        if kind == "reference" and "://" in value:
            value = id_of_iri(value)
        values[str(row["paper"]), kind].append(value)
    for paper_id, paper in papers.items():  # in the order stored, where a store keeps one
        paper.keywords = list(dict.fromkeys(values[paper_id, "keyword"]))
        paper.categories = list(dict.fromkeys(values[paper_id, "category"]))
        paper.references = list(dict.fromkeys(values[paper_id, "reference"]))
        paper.sources = list(dict.fromkeys(values[paper_id, "source"]))
        for external in sorted(set(values[paper_id, "external"])):
            source, _, value = external.partition(":")
            paper.external_ids.setdefault(source, value)
    return papers


def _add_authors(papers: dict[str, Paper], rows: list[dict[str, Any]]) -> None:
    """Each paper's authors in position order, each keeping the id it is stored under."""
    by_position: dict[tuple[str, int], Author] = {}
    for row in rows:
        key = (str(row["paper"]), int(row["position"]))
        author = by_position.get(key)
        if author is None:
            author = by_position[key] = stored_author(
                str(row["author"]), _text(row.get("name")), _text(row.get("orcid")))
        affiliation = _text(row.get("affiliation"))
        if affiliation and affiliation not in author.affiliations:
            author.affiliations.append(affiliation)
    for (paper_id, _), author in sorted(by_position.items()):
        papers[paper_id].authors.append(author)


def stored_author(author_id: str, name: str | None, orcid: str | None) -> Author:
    """An author as stored: the ORCID or source id its id holds, and that id kept (a name
    spelled otherwise elsewhere, a reviewer's id) so the author stays the same node."""
    prefix, _, value = author_id.partition(":")
    author = Author(name or value.replace("-", " "), orcid=orcid or
                    (value if prefix == "orcid" else None))
    if prefix not in ("orcid", "name") and value:
        author.source_ids[prefix] = value
    if author.id != author_id:
        author.curated_id = author_id
    return author


def _text(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


def _number(value: object) -> int | None:
    try:
        return None if value is None or value == "" else int(str(value))
    except ValueError:
        return None


@dataclass
class Matched:
    """What ``find_stored`` learns beyond each paper's stored id, for ``with_stored``.

    ``repeated``: ids that several of a build's papers are (records that share no key with
    each other, only with the stored paper: its DOI, its arXiv id); ``with_stored`` merges
    them all. ``joined``: stored id -> other stored papers a paper of the build shows to be
    the same one (a preprint stored by its arXiv id, its journal version by its DOI, then a
    record with both): ``with_stored`` merges them into it, and ``remove_joined`` removes
    them once it is written (``removed``: each such id -> the id it joined and the
    sources it brought), as one build of every input joins the three records."""

    repeated: set[str] = field(default_factory=set)
    joined: dict[str, list[str]] = field(default_factory=dict)
    removed: dict[str, tuple[str, list[str]]] = field(default_factory=dict)


def find_stored(
    store: GraphStore, papers: Sequence[Paper], rules: IdentityRules | None = None,
    matched: Matched | None = None,
) -> list[str | None]:
    """For each of ``papers`` (a build's papers, or merging skeletons of them, in input
    order): the id of the stored paper it is, else None. A stored paper is a match when it
    holds the record's DOI or arXiv id, or its title (the same folded words), and the merge
    rules do not keep the two apart (kg/merge.py: other DOIs, years far apart, no first
    author in common; a curation's decisions), judged against the stored paper with the
    records matched to it before (a second record with another DOI stays apart, as in one
    build). A paper whose title id is taken by another paper of that title gets the next
    free ``~n`` id, as in one build (kg.merge.distinct_ids). ``matched`` is told which
    stored papers several of ``papers`` are and which stored papers they join."""
    matched = matched if matched is not None else Matched()
    matcher = StoredMatcher(store, rules, {paper.id for paper in papers}, matched.joined)
    found: list[str | None] = []
    for chunk in chunked(papers, BATCH):
        found += matcher.match(chunk)
    matched.repeated.update(i for i, n in Counter(filter(None, found)).items() if n > 1)
    return found


class StoredMatcher:
    """``find_stored``'s state over a build's papers: the stored papers matched so far,
    each with the records matched to it merged in, and the ids given out."""

    def __init__(self, store: GraphStore, rules: IdentityRules | None,
                 reserved: set[str], joined: dict[str, list[str]]) -> None:
        self.store, self.rules = store, rules
        self.titled = TitleLookup(store)
        self.claimed: dict[str, Paper] = {}  # id -> the stored paper and its matches
        self.reserved = set(reserved)  # ids the build's papers hold or were given
        self.joined = joined  # stored id -> the stored papers joined into it
        self.moved: dict[str, str] = {}  # a joined paper's id -> the id it joined

    def match(self, papers: list[Paper]) -> list[str | None]:
        store = self.store
        by_doi = _lookup(store, "stored.by-doi", [p.doi for p in papers if p.doi])
        by_arxiv = _lookup(store, "stored.by-arxiv", [p.arxiv_id for p in papers if p.arxiv_id])
        by_title = _lookup(store, "stored.by-title", [p.title for p in papers if p.title])
        candidates: list[list[str]] = []
        for paper in papers:
            ids = [*by_doi.get(paper.doi or "", []), *by_arxiv.get(paper.arxiv_id or "", []),
                   paper.id]
            if title_key(paper.title):
                ids += [f"title:{title_hash(paper.title)}", *by_title.get(paper.title, []),
                        *self.titled(paper.title)]
            candidates.append(list(dict.fromkeys(self.moved.get(i, i) for i in ids)))
        known = self._read({i for ids in candidates for i in ids})
        result: list[str | None] = []
        for paper, ids in zip(papers, candidates, strict=True):
            found = self._first_same(known, ids, paper)
            if found is None and paper.id in known and paper.id.startswith("title:"):
                found = self._numbered(paper)  # its title id is another paper's
            if found is not None:
                self._claim(found, known.get(found), paper)
                if known.get(found) is not None:
                    self._join(found, [i for i in ids if i in known], known)
            result.append(found)
        return result

    def _join(self, found: str, ids: list[str], known: dict[str, Paper]) -> None:
        """The other stored papers among ``ids`` that the paper matched as ``found`` shows
        to be ``found`` (the merge rules, against ``found`` with its matches merged in),
        joined into it: as one build merges a record that links two papers it holds. A
        stored paper another paper of this build is already matched to stays as it is."""
        for other in ids:
            if other == found or other in self.claimed or other in self.moved:
                continue
            if kept_apart(self.claimed[found], known[other], self.rules):
                continue
            merge_papers(self.claimed[found], _skeleton_copy(known[other]))
            self.joined.setdefault(found, []).append(other)
            self.moved[other] = found

    def _read(self, ids: Iterable[str]) -> dict[str, Paper]:
        """The stored papers among ``ids``, as matched so far."""
        wanted = set(ids)
        known = read_papers(self.store, sorted(wanted - self.claimed.keys()))
        known.update((i, self.claimed[i]) for i in wanted & self.claimed.keys())
        return known

    def _first_same(self, known: dict[str, Paper], ids: list[str],
                    paper: Paper) -> str | None:
        """The first of ``ids`` stored as a paper the merge rules take ``paper`` to be."""
        return next((i for i in ids
                     if i in known and not kept_apart(known[i], paper, self.rules)), None)

    def _numbered(self, paper: Paper) -> str:
        """The stored paper numbered after the title id that ``paper`` is, else the first
        number neither stored nor given to another paper of this build."""
        base = paper.id.split("~")[0]
        for first in count(2, NUMBERS_READ):
            ids = [numbered_id(base, n) for n in range(first, first + NUMBERS_READ)]
            known = self._read(ids)
            found = self._first_same(known, ids, paper) or next(
                (i for i in ids if i not in known
                 and (i == paper.id or i not in self.reserved)), None)
            if found is not None:
                return found
        raise AssertionError("unreachable")  # count() never ends

    def _claim(self, paper_id: str, stored: Paper | None, paper: Paper) -> None:
        """Remember that ``paper`` is ``paper_id``: the next records are judged against
        the stored paper with this one merged in."""
        base = self.claimed.get(paper_id) or stored or Paper(title=paper.title)
        merge_papers(base, _skeleton_copy(paper))
        self.claimed[paper_id] = base
        self.reserved.add(paper_id)


def _skeleton_copy(paper: Paper) -> Paper:
    """What the merge rules read of a paper, with authors of its own (merging changes
    them)."""
    authors = [replace(a, source_ids=dict(a.source_ids), affiliations=list(a.affiliations))
               for a in paper.authors]
    return Paper(title=paper.title, authors=authors, doi=paper.doi, arxiv_id=paper.arxiv_id,
                 year=paper.year)


class TitleLookup:
    """The stored papers with a title's folded words (``words_key``): from the side index
    where the store has one, else from every stored title, read once when first asked."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.index = store.usable_side_index()
        self.by_key: dict[str, list[str]] | None = None

    def __call__(self, title: str) -> list[str]:
        if self.index is not None:
            return self.index.papers_titled(title)
        if self.by_key is None:
            self.by_key = defaultdict(list)
            rows = self.store.query(read(self.store.dialect, "all-papers")).records()
            for row in rows:
                if row.get("title"):
                    self.by_key[words_key(str(row["title"]))].append(str(row["id"]))
        return self.by_key.get(words_key(title), [])


def _lookup(store: GraphStore, query: str, keys: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for row in details(store, query, sorted(set(keys))):
        found[str(row["key"])].append(str(row["paper"]))
    return found


def with_stored(store: GraphStore, papers: Iterable[Paper],
                aliases: Mapping[str, str] | None = None,
                matched: Matched | None = None) -> Iterator[Paper]:
    """``papers`` with each one the store already holds (under its id) merged into the
    stored paper: the stored record first, so its values win where both have one (the
    fuller abstract, every author, keyword, citation and source are kept); and citations
    of stored papers by another of their ids (an arXiv id, an OpenAlex work) naming the
    id they are stored under, both ways: stored papers that cited one of ``papers`` by an
    id it is not stored under cite it by its id now; authors by name alone take a stored
    person's ORCID or source id, and stored name-only authors the one ``papers`` bring.
    ``aliases``: the build's own keys of its papers (kg.merge.reference_aliases), applied
    to the stored citations merged in;
    ``matched`` (``find_stored``): ids several of ``papers`` have, each merged into the
    merge of the ones before, so the last one written holds them all; and the stored papers
    a paper joins, merged in after it (as one build merges them) and left in
    ``matched.removed`` for ``remove_joined``."""
    matched = matched or Matched()
    merged_so_far: dict[str, Paper] = {}
    for chunk in chunked(papers, BATCH):
        stored = read_papers(store, [paper.id for paper in chunk])
        joins = {paper.id: matched.joined.pop(paper.id) for paper in chunk
                 if paper.id in matched.joined}
        joined = read_papers(store, [i for ids in joins.values() for i in ids])
        _cite_stored_ids(store, chunk)
        store.move_authorships(_share_strong_ids(store, chunk))
        store.redirect_citations(_other_ids(chunk))
        for paper in chunk:
            base = merged_so_far.get(paper.id) or stored.get(paper.id)
            if base is None:
                yield paper
                continue
            merge_papers(base, paper)
            for other in joins.pop(paper.id, []):
                if other in joined:
                    merge_papers(base, joined[other])
                    matched.removed[other] = (paper.id, joined[other].sources)
            apply_reference_aliases(base, aliases or {})
            base.curated = paper.curated or base.curated
            if paper.id in matched.repeated:  # a copy: the one yielded goes on down the pipeline
                merged_so_far[paper.id] = deepcopy(base)
            yield base


def remove_joined(store: GraphStore, removed: Mapping[str, tuple[str, list[str]]]) -> None:
    """Remove the stored papers joined into others (``removed``: id -> the id it joined
    and its sources), and point their citations at the paper they joined. Called once the
    papers they joined are written, and only for those whose written paper holds the joined
    one's sources (it was not rejected): a run stopped before, or a paper refused, leaves
    both papers, never neither."""
    written = read_papers(store, sorted({into for into, _ in removed.values()}))
    gone = {other: into for other, (into, sources) in removed.items()
            if into in written and set(sources) <= set(written[into].sources)}
    if gone:
        store.delete_papers(sorted(gone))
        store.redirect_citations(gone)


# reference key prefix -> the lookup of stored papers by that kind of id
_REFERENCE_LOOKUPS = {"doi": "stored.by-doi", "arxiv": "stored.by-arxiv",
                      "openalex": "stored.by-external", "s2": "stored.by-external"}


def _cite_stored_ids(store: GraphStore, papers: list[Paper]) -> None:
    """Point each citation ('doi:…', 'arxiv:…', 'openalex:W…') of ``papers`` at the one
    stored paper holding that id, where it is stored under another id: as a build of every
    input resolves citations within its corpus (kg.merge.resolve_references)."""
    refs = {ref for paper in papers for ref in (*paper.references, *paper.cited_by)}
    wanted: dict[str, list[str]] = defaultdict(list)
    for ref in refs:
        kind, _, value = ref.partition(":")
        if kind in _REFERENCE_LOOKUPS and value:
            wanted[_REFERENCE_LOOKUPS[kind]].append(value if kind in ("doi", "arxiv") else ref)
    target: dict[str, str] = {}
    for query, keys in wanted.items():
        prefix = {"stored.by-doi": "doi:", "stored.by-arxiv": "arxiv:"}.get(query, "")
        for key, ids in _lookup(store, query, keys).items():
            if len(set(ids)) == 1:
                target[prefix + key] = ids[0]
    if not target:
        return
    for paper in papers:
        for name in ("references", "cited_by"):
            refs_of = getattr(paper, name)
            setattr(paper, name, list(dict.fromkeys(target.get(r, r) for r in refs_of)))


def _other_ids(papers: list[Paper]) -> dict[str, str]:
    """The ids a citation may name each of ``papers`` by, other than the one it has
    (its DOI, arXiv id, OpenAlex or Semantic Scholar work) -> that one."""
    other: dict[str, str] = {}
    for paper in papers:
        keys = [k for k in paper.identity_keys() if not k.startswith("title:")]
        keys += [f"{source}:{paper.external_ids[source]}" for source in ("openalex", "s2")
                 if paper.external_ids.get(source)]
        other.update((key, paper.id) for key in keys if key != paper.id)
    return other


def _share_strong_ids(store: GraphStore, papers: list[Paper]) -> dict[str, str]:
    """One person per name and strong id, as one build shares a name's ORCID or source id
    among its records (kg.merge.author_identities), read in one lookup of the stored
    authors under the names (folded keys) of ``papers``: a name-only author of ``papers``
    takes the strong id of the one stored person of that name; stored name-only authors
    ('name:…') take the one strong id of their name, returned as name id -> that id (for
    GraphStore.move_authorships). A name with several strong ids stays as it is."""
    authors = [a for paper in papers for a in paper.authors if a.key and not a.curated_id]
    if not authors:
        return {}
    stored_strong: dict[str, set[tuple[str, str | None]]] = defaultdict(set)
    named: dict[str, str] = {}
    for row in details(store, "stored.authors-by-key", sorted({a.key for a in authors})):
        key, author_id = str(row["key"]), str(row["author"])
        if author_id.startswith("name:"):
            named[key] = author_id
        else:
            stored_strong[key].add((author_id, _text(row.get("orcid"))))
    for author in authors:
        found = stored_strong.get(author.key, set())
        if not (author.orcid or author.source_ids) and len(found) == 1:
            (author_id, orcid), = found
            known = stored_author(author_id, author.name, orcid)
            if known.curated_id is None:  # an ORCID or a source id, not a reviewer's id
                author.orcid, author.source_ids = known.orcid, dict(known.source_ids)
    strong = {key: {author_id for author_id, _ in found}
              for key, found in stored_strong.items()}
    for author in authors:
        if author.orcid or author.source_ids:
            strong.setdefault(author.key, set()).add(author.id)
    return {named[key]: next(iter(ids)) for key, ids in strong.items()
            if key in named and len(ids) == 1}
