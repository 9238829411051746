"""The RDF store: a GraphStore over any SPARQL 1.1 query+update engine (Oxigraph, rdflib,
remote endpoints); a backend only supplies ``_select`` and ``_update`` (``_write`` and
``_append`` may be overridden for a faster bulk path).

What is written is kg/mapping/rdf.py's triples, so every backend holds the same graph and
the named queries run unchanged on each; this class decides only how little to write:
the difference with what is stored (concepts, derived figures), appends for new papers, and
the deletions a re-written paper needs (kg/mapping/sparql.py).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import chain, islice
from pathlib import Path
from typing import Any

import numpy as np

from kg.derived import MentionStatistics, mention_statistics
from kg.mapping.rdf import (
    Figure,
    concept_core_triples,
    concept_triples,
    figure_line,
    figure_triples,
    format_triples,
    mention_triples,
    pair_lines,
    pair_node,
    paper_triples,
    weight_line,
)
from kg.mapping.sparql import (
    CITED_STUBS_QUERY,
    CONCEPT_PROPS,
    COUNTS_QUERY,
    FIGURES_QUERY,
    MENTIONS_QUERY,
    PAPER_NODES_QUERY,
    PAPERS_QUERY,
    WEIGHTS_QUERY,
    YEARS_QUERY,
    each,
    orphan_remove_update,
    paper_delete_update,
    paper_remove_update,
    repoint_update,
    setting_update,
    values,
)
from kg.mapping.terms import (
    CONCEPT_BASE,
    PAIR_BASE,
    TYPE,
    XSD,
    Triples,
    author_iri,
    concept_iri,
    expand,
    id_of_iri,
    paper_iri,
    slug,
    sparql_literal,
)
from kg.model import ConceptInfo, ConceptLink, PaperGraph
from kg.queries import read
from kg.side_index import Entry, SideIndex
from kg.stores import rdf_format
from kg.stores.base import (
    COUNT_KEYS,
    GraphStore,
    QueryResult,
    StoreError,
    WriteStats,
)
from kg.stores.rdf_delta import IncrementalPlan, MentionDelta, count_papers, stored_state
from kg.stores.sparql_text import bind_text, parsed_shape, sparql_shape

CHUNK_TRIPLES = 100_000  # triples per update: bounded transactions on big graphs
_CONCEPT_CLASS = expand("pkg:Concept")


def _chunks(items: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class PairChanges:
    """The CO_OCCURS triples to delete and to insert to turn the stored pairs (sorted codes
    ``old`` with weights, ``orphans``: (slug a, slug b, weight) of pairs with a concept no
    longer mentioned) into ``stats``'s."""

    def __init__(
        self, stats: MentionStatistics, old: np.ndarray, old_weight: np.ndarray,
        orphans: list[tuple[str, str, int]],
    ) -> None:
        self.stats, self.old, self.old_weight, self.orphans = stats, old, old_weight, orphans
        self.slugs = [slug(concept_id) for concept_id in stats.ids]
        new = stats.codes()
        self.at = np.minimum(np.searchsorted(old, new), max(len(old) - 1, 0))
        if len(old):  # `at` is where each new pair is, or would be, among the old ones
            self.found = old[self.at] == new
            changed = self.found & (old_weight[self.at] != stats.weight)
        else:
            self.found = changed = np.zeros(len(new), dtype=bool)
        self.changed = np.flatnonzero(changed)
        self.gone = ~np.isin(old, new)

    def deletes(self) -> Iterator[str]:
        for i in self.changed:
            yield self._weight_line(i, int(self.old_weight[self.at[i]]))
        gone = zip(self.old[self.gone], self.old_weight[self.gone], strict=True)
        width = max(len(self.slugs), 1)
        for code, was in gone:
            yield from pair_lines(self.slugs[code // width], self.slugs[code % width], was)
        for slug_a, slug_b, was in self.orphans:
            yield from pair_lines(slug_a, slug_b, was)

    def inserts(self) -> Iterator[str]:
        stats = self.stats
        for i in self.changed:
            yield self._weight_line(i, int(stats.weight[i]))
        new = np.flatnonzero(~self.found)
        slugs = self.slugs
        for start in range(0, len(new), CHUNK_TRIPLES):  # not millions of Python ints at once
            part = new[start : start + CHUNK_TRIPLES]
            for a, b, w in zip(stats.a[part].tolist(), stats.b[part].tolist(),
                               stats.weight[part].tolist(), strict=True):
                yield from pair_lines(slugs[a], slugs[b], w)

    def _weight_line(self, i: int, weight: int) -> str:
        """The pkg:weight triple of new pair ``i`` (an index into ``stats``)."""
        return weight_line(pair_node(self.slugs[self.stats.a[i]], self.slugs[self.stats.b[i]]),
                           weight)


class RdfStore(GraphStore):
    """A GraphStore over any SPARQL 1.1 query+update engine; subclasses supply the engine.
    """

    dialect = "sparql"
    exclusive = False  # whether only this object writes the store (an embedded one)
    read_only_message = ("this is a SPARQL Update and the store is opened read-only; "
                         "add --write to change the graph")
    remote_message = ("the query asks the store to reach outside it ({remote}), which "
                      "is refused: queries stay local")

    def __init__(self, uri: str) -> None:
        self.uri = uri
        # concept IRIs whose node (types, identifier, label) this object wrote: a batch need
        # not repeat them (a write query may delete nodes, so it forgets them)
        self._written_concepts: set[str] = set()
        self._written_authors: set[tuple[Any, ...]] = set()  # the same, for author nodes
        self._deferred: set[str] | None = None  # papers held back by _append (deferred_writes)
        self._delta = MentionDelta()  # the mentions' change since the last refresh
        self.last_refresh = ""  # how the last refresh_derived ran: "incremental" or "full"
        self._format_written = False  # this object wrote the graph format triple
        # every paper IRI the store holds, when it held none at this object's first paper
        # write and only this object writes it (``exclusive``); None: look them up
        self._papers_held: set[str] | None = None
        self._checked_empty = False
        # with ``_papers_held``: the lines of each concept's own properties (CONCEPT_PROPS)
        # this object wrote, one string per concept, which are all the store holds, so
        # neither a batch's first labels nor write_concepts' difference needs a read (~4 s
        # at the end of a 20k build). Dropped at the refresh that ends a build; the stress
        # build's peak still rose from 1,425 to 1,482 MiB with them (benchmarks/RESULTS.md)
        self._concept_lines: dict[str, str] | None = None

    # --- engine hooks -------------------------------------------------------------------

    def _select(self, text: str, params: dict[str, Any] | None = None) -> QueryResult:
        raise NotImplementedError

    def _update(self, text: str) -> None:
        raise NotImplementedError

    def _write(self, delete: str, ntriples: str) -> None:
        """Apply deletions then insert N-Triples, atomically where the engine can."""
        insert = f"INSERT DATA {{\n{ntriples}}}" if ntriples else ""
        text = " ;\n".join(part for part in (delete, insert) if part)
        if text:
            self._update(text)

    def _append(self, ntriples: str, triples: int) -> None:
        """Insert triples that replace nothing (``triples`` lines); inside ``deferred_writes``
        a backend may hold them back until ``_flush_appended``."""
        self._write("", ntriples)

    def _flush_appended(self) -> None:
        """Write whatever ``_append`` held back (backends that defer override this)."""

    # --- deferral -----------------------------------------------------------------------

    @contextmanager
    def deferred_writes(self) -> Iterator[None]:
        self._deferred = set()
        try:
            yield
        finally:
            self._deferred = None
            self._settle()

    def _settle(self) -> None:
        """Make held-back inserts visible: before anything that reads or rewrites the graph
        (the build's own lookups of the papers it is writing need not wait)."""
        self._flush_appended()
        if self._deferred:
            self._deferred.clear()

    # --- GraphStore ---------------------------------------------------------------------

    def _existing(self, iris: Sequence[str], predicate: str, obj: str = "?any") -> set[str]:
        """The IRIs among ``iris`` that have a ``predicate`` triple (with object ``obj``, an
        N-Triples term, when one is given)."""
        found: set[str] = set()
        for chunk in _chunks(list(iris)):
            result = self._select(
                f"SELECT DISTINCT ?x WHERE {{ {values('x', chunk)} ?x {predicate} {obj} }}"
            )
            found.update(str(row[0]) for row in result.rows)
        return found

    def write_concepts(self, concepts: Iterable[ConceptInfo]) -> WriteStats:
        self._settle()  # the differences are taken against everything written before
        # the same concept twice: the last wins (a batch may not see an earlier one's
        # held-back triples)
        unique = list({concept.id: concept for concept in concepts}.values())
        stats = WriteStats({"concepts": 0})
        for start in range(0, len(unique), 1000):
            stats.add(self._write_concept_batch(unique[start : start + 1000]))
        if self.side_index is not None:
            self.side_index.add_concepts(unique)
        return stats

    def _write_concept_batch(self, batch: list[ConceptInfo]) -> WriteStats:
        """Replace the concepts' own triples by writing only the difference with the stored
        ones: a build's coined concepts already have their type triples (written with the
        papers) and gain labels; a per-concept DELETE cost ~0.2 ms each (50k at 100k papers).
        """
        iris = [concept_iri(c.id) for c in batch]
        out = Triples()
        for concept in batch:
            concept_triples(concept, out)
        stored, odd = self._stored_concept_lines(iris)
        existing = {iri for iri in iris if f"<{iri}> {TYPE} {_CONCEPT_CLASS} ." in stored}
        wanted = set(out.lines)
        deletes = each(sorted(odd), f"DELETE {{ {{S}} ?prop ?o }} WHERE {{ {{S}} ?prop ?o "
                                     f"VALUES ?prop {{ {' '.join(CONCEPT_PROPS)} }} }}")
        stale = [line for line in stored if line not in wanted]
        if stale:
            deletes.append("DELETE DATA {\n" + "\n".join(stale) + "\n}")
        inserts = [line for line in out.lines
                   if line not in stored or line[1 : line.index(">")] in odd]
        if deletes:
            self._write(" ;\n".join(deletes), "\n".join(inserts) + "\n")
        elif inserts:
            self._append("\n".join(inserts) + "\n", len(inserts))
        self._written_concepts.update(iris)
        if self._concept_lines is not None:  # what the store now holds of them: ``wanted``
            self._remember_concept_lines(out.lines, replace=iris)
        return WriteStats({"concepts": len(set(iris) - existing)})

    def _remember_concept_lines(self, lines: list[str], replace: Iterable[str] = ()) -> None:
        """Note written lines of concepts' own properties; the concepts in ``replace`` hold
        only these lines now."""
        held = self._concept_lines
        assert held is not None
        for iri in replace:
            held[iri] = ""
        for line in lines:
            iri = line[1 : line.index(">")]
            before = held.get(iri)
            held[iri] = f"{before}\n{line}" if before else line

    def _stored_concept_lines(self, iris: Sequence[str]) -> tuple[set[str], set[str]]:
        """The stored triples of the concepts' own properties as the N-Triples lines
        concept_triples writes, and the concepts with a value it never writes (a typed or
        language-tagged literal, e.g. from a user's update: those are replaced wholesale)."""
        if self._concept_lines is not None:
            held = self._concept_lines
            return {line for iri in iris for line in held.get(iri, "").split("\n") if line}, set()
        lines: set[str] = set()
        odd: set[str] = set()
        for chunk in _chunks(list(iris)):
            # a branch per property: with ?p from VALUES too, Oxigraph scans every triple
            branches = " UNION ".join(f"{{ ?s {p} ?o BIND({p} AS ?p) }}" for p in CONCEPT_PROPS)
            result = self._select(
                f"SELECT ?s ?p ?o ?form WHERE {{ {values('s', chunk)} {branches} "
                f'BIND(IF(isIRI(?o), "iri", IF(isLiteral(?o) && DATATYPE(?o) = <{XSD}string>'
                f' && LANG(?o) = "", "string", "other")) AS ?form) }}'
            )
            for s, p, o, form in result.rows:
                if form == "iri":
                    lines.add(f"<{s}> <{p}> <{o}> .")
                elif form == "string":
                    lines.add(f"<{s}> <{p}> {sparql_literal(str(o))} .")
                else:
                    odd.add(str(s))
        return lines, odd

    def write_papers(self, batch: Sequence[PaperGraph]) -> WriteStats:
        if not batch:
            return WriteStats({"papers": 0})
        merged: dict[str, PaperGraph] = {}
        for item in batch:  # the same paper twice in one batch: the last record wins
            merged[item.paper.id] = item
        batch = list(merged.values())
        papers = [paper_iri(i.paper.id) for i in batch]
        if self._deferred and not self._deferred.isdisjoint(papers):
            self._settle()  # written earlier in this block and not loaded yet
        existing = self._stored_papers(papers)
        # only papers already stored have old triples to delete (none in a fresh build);
        # the deletions must see every held-back triple, and they drop author names
        rewritten = [item for item in batch if paper_iri(item.paper.id) in existing]
        if rewritten:
            self._settle()
            self._written_authors.clear()
        before = self._stored_before([paper_iri(item.paper.id) for item in rewritten])
        known_authors = None if rewritten else self._written_authors
        out = Triples()
        if not self._format_written:  # once per run: an RDF set keeps one copy
            format_triples(out)
            self._format_written = True
        new_concepts: dict[str, ConceptLink] = {}
        concept_lines = Triples()
        for item in batch:
            paper_triples(item.paper, out, known_authors)
            for link in item.concepts:
                if concept_iri(link.id) not in self._written_concepts:
                    concept_core_triples(link.id, link.type, concept_lines)
                    new_concepts.setdefault(link.id, link)
                mention_triples(item.paper, link, out)
        concept_lines.lines += self._first_labels(new_concepts)
        out.lines += concept_lines.lines
        if rewritten:
            # authors and source files only the rewritten papers pointed to go with them
            pointed = self._paper_nodes([paper_iri(item.paper.id) for item in rewritten])
            self._write(paper_delete_update(rewritten), out.text())
            self._remove_orphans(pointed)
        else:
            self._append(out.text(), len(out.lines))
            if self._deferred is not None:
                self._deferred.update(papers)
        self._written_concepts.update(concept_iri(cid) for cid in new_concepts)
        if self._papers_held is not None:
            self._papers_held.update(papers)
        if self._concept_lines is not None:
            self._remember_concept_lines(concept_lines.lines)
        self._record(batch, before)  # once written: a failed write counts nothing
        if self.side_index is not None:
            self.side_index.add_papers(batch)
        return WriteStats({"papers": len(set(papers) - existing)})

    def _stored_papers(self, papers: list[str]) -> set[str]:
        """The papers among ``papers`` the store holds: in a store that held none at the
        first write and that only this object writes, the ones written since (late in a
        100k build, looking 1,000 papers up took ~0.15 s per batch)."""
        if not self._checked_empty and self.exclusive:
            self._checked_empty = True
            if not self._select(PAPERS_QUERY + " LIMIT 1").rows:
                self._papers_held = set()
                if not self._select(  # nor any concept: a build's first write
                    f'ASK {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{CONCEPT_BASE}")) }}'
                ).rows[0][0]:
                    self._concept_lines = {}
        if self._papers_held is not None:
            return self._papers_held.intersection(papers)
        return self._existing(papers, TYPE, expand("pkg:Paper"))

    def delete_papers(self, paper_ids: Sequence[str]) -> None:
        self._settle()
        papers = [paper_iri(i) for i in paper_ids]
        if self._papers_held is not None:
            self._papers_held.difference_update(papers)
        self._concept_lines = None  # orphaned concepts go with the papers
        nodes = self._paper_nodes(papers)
        for chunk in _chunks(papers):
            self._write(paper_remove_update(chunk), "")
        self._remove_orphans(nodes)
        self._written_authors.clear()
        self._delta.forget()  # removals are not counted: the next refresh is a full one
        if self.side_index is not None:
            self.side_index.mark_incomplete()

    def redirect_citations(self, renamed: Mapping[str, str]) -> None:
        iris = {paper_iri(old): paper_iri(new) for old, new in renamed.items() if old != new}
        stubs: list[str] = []
        for chunk in _chunks(sorted(iris)):  # a read first: most keys were never cited
            query = CITED_STUBS_QUERY.replace("$values", values("old", chunk))
            stubs += [str(row[0]) for row in self._select(query).rows]
        if not stubs:
            return
        self._settle()
        for chunk in _chunks(sorted(stubs)):
            self._write(repoint_update({old: iris[old] for old in chunk}, ["cito:cites"]),
                        "")

    def move_authorships(self, renamed: Mapping[str, str]) -> None:
        iris = {author_iri(old): author_iri(new) for old, new in renamed.items() if old != new}
        if not iris:
            return
        self._settle()
        self._written_authors.clear()
        for chunk in _chunks(sorted(iris), 100):
            self._write(repoint_update({old: iris[old] for old in chunk},
                                       ["pkg:author", "dcterms:creator"]), "")
        self._remove_orphans(set(iris))

    def _paper_nodes(self, papers: list[str]) -> set[str]:
        """The authors and source files ``papers`` (IRIs) point to."""
        nodes: set[str] = set()
        for chunk in _chunks(papers):
            query = PAPER_NODES_QUERY.replace("$values", values("p", chunk))
            nodes.update(str(row[0]) for row in self._select(query).rows)
        return nodes

    def _remove_orphans(self, nodes: set[str]) -> None:
        """Delete those of ``nodes`` (authors, source files) nothing points to any more."""
        for chunk in _chunks(sorted(nodes)):  # (through _write: rdflib splits it)
            self._write(orphan_remove_update(chunk), "")

    def write_setting(self, name: str, value: str | None) -> None:
        self._settle()
        self._update(setting_update(name, value))

    def _stored_before(self, rewritten: list[str]) -> dict[str, tuple[int | None, set[str]]]:
        """What the incremental refresh needs of the store before a write: the year and
        mentioned concepts of the ``rewritten`` papers (and, at the first write since the
        last refresh, how many papers it holds)."""
        delta = self._delta
        if not delta.recorded:
            return {}
        if delta.papers_before is None:
            delta.papers_before = count_papers(self._rows)
        return stored_state(self._rows, rewritten) if rewritten else {}

    def _record(self, batch: Sequence[PaperGraph],
                before: dict[str, tuple[int | None, set[str]]]) -> None:
        """Count the batch's change to the mentions for an incremental refresh."""
        delta = self._delta
        for item in batch:
            old_year, old = before.get(paper_iri(item.paper.id), (None, set()))
            year = old_year if item.paper.year is None else item.paper.year
            delta.paper((old_year, old), (year, {link.id for link in item.concepts}))

    def _first_labels(self, links: dict[str, ConceptLink]) -> list[str]:
        """Labels for concepts first seen in a paper (coined) that have none stored yet,
        as lines to insert with the papers: a read and an append, where an INSERT … WHERE
        NOT EXISTS per batch waited on the build's bulk loads (a third of its main thread)."""
        label = expand("skos:prefLabel")
        iris = {concept_iri(cid): link.name for cid, link in sorted(links.items())}
        held = self._concept_lines
        if held is None:
            labelled = self._existing(list(iris), label)
        else:
            labelled = {iri for iri in iris if f"<{iri}> {label} " in held.get(iri, "")}
        return [f"<{iri}> {label} {sparql_literal(name)} ."
                for iri, name in iris.items() if iri not in labelled]

    def refresh_derived(self, concept_ids: Iterable[str] | None = None) -> None:
        """Bring everything derived from the mentions (kg/derived.py) in line with them.
        When this store counted every change since the last refresh, the change only adds
        and is small next to the graph, only the figures it moves are read and rewritten
        (kg/stores/rdf_delta.py: time in the papers added). Otherwise (None included) every
        figure is recomputed in Python from one scan of the MENTIONS shortcuts (a SPARQL
        self-join is quadratic on big builds) and only the difference with what is stored is
        written, so a re-build that changes little writes little."""
        self._settle()
        self._concept_lines = None  # the end of a build: freed before the full refresh's peak
        delta, self._delta = self._delta, MentionDelta()
        if concept_ids is not None and delta.applicable(concept_ids):
            plan = IncrementalPlan(self._rows, delta)
            self._apply(iter(plan.deletes), iter(plan.inserts))
            self.last_refresh = "incremental"
            return
        self.last_refresh = "full"
        stats = mention_statistics(self._mentions(), self._paper_years())
        pairs = self._pair_changes(stats)
        wanted, stored = figure_triples(stats), self._stored_figures()
        self._apply(chain(pairs.deletes(), (figure_line(f) for f in stored - wanted)),
                    chain(pairs.inserts(), (figure_line(f) for f in wanted - stored)))

    def _apply(self, deletes: Iterator[str], inserts: Iterator[str]) -> None:
        """Delete then insert N-Triples lines, in chunks: a big graph has millions of pairs."""
        while chunk := list(islice(deletes, CHUNK_TRIPLES)):
            self._update("DELETE DATA {\n" + "\n".join(chunk) + "\n}")
        while chunk := list(islice(inserts, CHUNK_TRIPLES)):
            self._append("\n".join(chunk) + "\n", len(chunk))

    def _pair_changes(self, stats: MentionStatistics) -> PairChanges:
        """How the stored CO_OCCURS differ from ``stats``'s, compared as integer codes."""
        index = {slug(c): i for i, c in enumerate(stats.ids)}
        width = max(len(stats.ids), 1)
        codes, weights = array("q"), array("q")
        orphans: list[tuple[str, str, int]] = []
        for co, weight in self._rows(WEIGHTS_QUERY):
            slug_a, _, slug_b = str(co).removeprefix(PAIR_BASE).partition("/")
            a, b = index.get(slug_a), index.get(slug_b)
            if a is None or b is None:  # a concept nobody mentions any more
                orphans.append((slug_a, slug_b, int(weight)))
            else:
                codes.append(a * width + b)
                weights.append(int(weight))
        old = np.frombuffer(codes, dtype=np.int64)
        order = np.argsort(old, kind="stable")
        return PairChanges(stats, old[order], np.frombuffer(weights, dtype=np.int64)[order],
                           orphans)

    def _stored_figures(self) -> set[Figure]:
        stored: set[Figure] = set()
        for s, p, o in self._rows(FIGURES_QUERY):
            stored.add((str(s), str(p), o if isinstance(o, int) else str(o)))
        return stored

    def _rows(self, text: str) -> Iterator[list[Any]]:
        """Rows of a SELECT; backends that can stream them override this."""
        yield from self._select(text).rows

    def _mentions(self) -> Iterator[tuple[str, str]]:
        ids: dict[str, str] = {}
        for paper, concept in self._rows(MENTIONS_QUERY):
            found = ids.get(concept)
            if found is None:
                found = ids[concept] = id_of_iri(str(concept))
            yield str(paper), found

    def _paper_years(self) -> dict[str, int]:
        return {str(p): int(y) for p, y in self._rows(YEARS_QUERY) if isinstance(y, int)}

    def check_format(self) -> None:
        rdf_format.check(self.uri, self._rows)

    def migrate(self) -> bool:
        self._settle()
        migrated = rdf_format.migrate(self._rows, self._update, self._append)
        self._settle()
        self._written_concepts.clear()
        self._papers_held = self._concept_lines = None
        self._delta.forget()
        return migrated

    def clear(self) -> None:
        self._settle()
        self._format_written = False
        self._update("CLEAR DEFAULT")
        self._written_concepts.clear()
        self._written_authors.clear()
        self._papers_held, self._checked_empty = None, False  # the next write looks again
        self._concept_lines = None
        if self.side_index is not None:
            self.side_index.clear()
        self._delta = MentionDelta(papers_before=0)

    def side_index_entries(self) -> Iterator[Entry]:
        self._settle()
        for node_id, title, abstract in self._rows(read("sparql", "side-index.papers")):
            yield Entry("paper", str(node_id), str(title or ""), "", str(abstract or ""))
        for node_id, names in self._rows(read("sparql", "side-index.authors")):
            yield Entry("author", str(node_id), str(names or ""))
        for node_id, name, aliases, mentioned in self._rows(read("sparql", "side-index.concepts")):
            yield Entry("concept", str(node_id), str(name), str(aliases or ""),
                        mentioned=mentioned in (True, "true", 1))

    def side_index_mentions(self) -> Iterator[tuple[str, str, int | None]]:
        self._settle()
        for paper, concept, year in self._rows(read("sparql", "side-index.mentions")):
            yield str(paper), str(concept), year if isinstance(year, int) else None

    def _open_side_index(self, path: Path | None, read_only: bool) -> None:
        """Open the index kept beside the store at ``path`` (None: in memory); a new one is
        complete only when the store holds no paper (else the build's end fills it)."""
        if read_only:
            self.side_index = SideIndex.open(path, writable=False, empty_store=False)
            if self.side_index is None:
                self.side_index_note = ("the store has no search index yet (the next "
                                        "`kg build` or `kg refresh` makes it)")
            return
        empty = not self._select("ASK { ?p a <https://paper-kg.org/schema#Paper> }").rows[0][0]
        self.side_index = SideIndex.open(path, writable=True, empty_store=empty)

    def _close_side_index(self) -> None:
        """Commit and close the index: after the store's own writes are durable."""
        if self.side_index is not None:
            self.side_index.close()
            self.side_index = None

    def counts(self) -> dict[str, int]:
        self._settle()
        found = {str(row[0]): int(row[1]) for row in self._select(COUNTS_QUERY).rows}
        return {key: found.get(key, 0) for key in COUNT_KEYS}

    def _query_shape(
        self, text: str, params: dict[str, Any] | None, write: bool, allow_remote: bool
    ) -> tuple[str | None, str | None]:
        # classify the template with every parameter as the literal 1 (valid wherever a
        # bound value may stand, LIMIT included) so the parse is cached across values
        self._settle()
        kind, remote = sparql_shape(bind_text(text, dict.fromkeys(params or {}, 1)))
        return ("update" if kind == "update" else None, ", ".join(remote) or None)

    def _execute(
        self, text: str, params: dict[str, Any] | None, write: bool, writes: str | None
    ) -> QueryResult:
        if writes:
            if self.side_index is not None:  # the update may change what is indexed
                self.side_index.mark_incomplete()
            self._update(bind_text(text, params or {}))
            self._written_concepts.clear()
            self._written_authors.clear()
            self._papers_held = self._concept_lines = None
            self._delta.forget()  # the update may change mentions: the next refresh is full
            return QueryResult([], [])
        try:
            return self._select(text, params)
        except StoreError:
            # a query that skipped the parse (sparql_shape) and failed: when it is not valid
            # SPARQL, rdflib's parser says where, in the words a parsed query's error uses
            parsed_shape(bind_text(text, dict.fromkeys(params or {}, 1)))
            raise

