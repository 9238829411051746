"""Incremental derived figures for the RDF stores: what a run of writes changed in the
mentions, and the figure triples to delete and insert for just that change.

A full refresh (kg/derived.py over one scan of every mention) costs time in the size of the
graph: 1-2 minutes at 100k papers. Adding k papers changes only the figures of the concepts
they mention: CO_OCCURS weights of their pairs, papers per concept and per year, and the
rankings. Those are kept exact here by counting the change per paper (before and after each
write) and reading back only the stored figures that change can move. The rankings over all
pairs stay exact because additions only raise weights: the new top pairs of the graph (or of
a hub concept) are among the old top pairs and the pairs that changed. A change that lowers
anything (a re-extraction dropping a mention, a paper's year changed), writes by query,
or an addition too big to be worth it (more than a quarter of the stored papers) take the
full refresh instead, which gives the same store (tests/test_incremental.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, combinations
from typing import Any

from kg.derived import HUB_MIN_PAIRS, HUB_PAIRS, TOP_PAIRS
from kg.mapping.rdf import (
    Figure,
    count_figures,
    figure_line,
    hub_figures,
    pair_lines,
    rank_figures,
    weight_line,
)
from kg.mapping.sparql import (
    DEGREE_QUERY,
    HEAVY_PAIRS_OF_QUERY,
    HUB_PAIRS_QUERY,
    PAPER_COUNT_QUERY,
    PAPER_COUNTS_QUERY,
    PAPER_YEARS_QUERY,
    RANKED_QUERY,
    WEIGHT_OF_QUERY,
    YEAR_COUNTS_QUERY,
    values,
)
from kg.mapping.terms import (
    CONCEPT_BASE,
    PAIR_BASE,
    PKG,
    concept_iri,
    id_of_iri,
    pair_iri,
    slug,
)

MAX_PENDING_PAPERS = 50_000  # beyond this a run's change is not recorded (memory): full refresh
FULL_FRACTION = 4  # incremental while the papers changed are at most 1/4 of those stored

Pair = tuple[str, str]  # concept ids, a < b
Select = Callable[[str], Iterable[Sequence[Any]]]  # a SELECT's rows


def _chunks(items: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def pair_of_iri(iri: str) -> Pair:
    """The concept ids of a CO_OCCURS node's IRI (inverse of terms.pair_iri)."""
    slug_a, _, slug_b = iri.removeprefix(PAIR_BASE).partition("/")
    return id_of_iri(CONCEPT_BASE + slug_a), id_of_iri(CONCEPT_BASE + slug_b)


@dataclass
class MentionDelta:
    """The change to the mentions since the last refresh, counted per paper as written:
    papers per concept, per (concept, year) and per concept pair (net: after - before).
    ``papers_before`` is the stored papers at the first write (None: not counted yet);
    ``recorded`` False when something changed the graph in a way not counted here."""

    papers_before: int | None = None
    papers: int = 0
    recorded: bool = True
    concepts: Counter[str] = field(default_factory=Counter)
    years: Counter[tuple[str, int]] = field(default_factory=Counter)
    pairs: Counter[Pair] = field(default_factory=Counter)
    touched: set[str] = field(default_factory=set)

    def paper(self, before: tuple[int | None, set[str]], after: tuple[int | None, set[str]]
              ) -> None:
        """One paper written: its (year, mentioned concept ids) before and after."""
        if not self.recorded:
            return
        self.papers += 1
        if self.papers > MAX_PENDING_PAPERS or self.papers * FULL_FRACTION > (
            self.papers_before or 0
        ):  # too big for an incremental refresh, now and for the rest of the run
            self.forget()
            return
        for (year, concepts), sign in ((before, -1), (after, 1)):
            ordered = sorted(concepts)
            self.touched.update(ordered)
            for concept in ordered:
                self.concepts[concept] += sign
                if year is not None:
                    self.years[concept, year] += sign
            for pair in combinations(ordered, 2):
                self.pairs[pair] += sign

    def forget(self) -> None:
        """Stop counting: the next refresh is a full one."""
        self.recorded = False
        self.concepts, self.years, self.pairs, self.touched = Counter(), Counter(), Counter(), set()

    def applicable(self, concept_ids: Iterable[str]) -> bool:
        """Whether the change covers ``concept_ids``, only adds, and is small enough."""
        return (self.recorded and self.papers_before is not None
                and self.touched.issuperset(concept_ids)
                and all(n >= 0 for n in chain(self.concepts.values(), self.years.values(),
                                              self.pairs.values())))


def stored_state(select: Select, paper_iris: Sequence[str]) -> dict[str, tuple[int | None,
                                                                              set[str]]]:
    """(year, mentioned concept ids) of stored papers, before a write replaces them."""
    state: dict[str, tuple[int | None, set[str]]] = {iri: (None, set()) for iri in paper_iris}
    for chunk in _chunks(list(paper_iris)):
        for paper, year, concept in select(PAPER_YEARS_QUERY.replace("#VALUES", values("p",
                                                                                      chunk))):
            was_year, concepts = state[str(paper)]
            if concept is not None:
                concepts.add(id_of_iri(str(concept)))
            if isinstance(year, int):
                was_year = year
            state[str(paper)] = (was_year, concepts)
    return state


def count_papers(select: Select) -> int:
    return next((int(row[0]) for row in select(PAPER_COUNT_QUERY)), 0)


class IncrementalPlan:
    """The triples to delete and insert to bring the stored figures in line with ``delta``
    (an applicable MentionDelta), read from the store through ``select``."""

    def __init__(self, select: Select, delta: MentionDelta) -> None:
        self.select = select
        self.pair_delta = {pair: n for pair, n in delta.pairs.items() if n}
        pair_iris = {pair_iri(*pair): pair for pair in self.pair_delta}
        self.old_weight: dict[Pair, int] = {
            pair_iris[str(co)]: int(w) for co, w in self._rows(WEIGHT_OF_QUERY, "co", pair_iris)
        }
        self.weight = {pair: self.old_weight.get(pair, 0) + n
                       for pair, n in self.pair_delta.items()}
        concepts = sorted({c for c, n in delta.concepts.items() if n}
                          | {c for (c, _), n in delta.years.items() if n})
        self.deletes: list[str] = []
        self.inserts: list[str] = []
        self._pairs()
        stored, wanted = self._counts(concepts, delta)
        for more_stored, more_wanted in (self._ranks(), self._hubs()):
            stored |= more_stored
            wanted |= more_wanted
        self.deletes += [figure_line(f) for f in sorted(stored - wanted, key=str)]
        self.inserts += [figure_line(f) for f in sorted(wanted - stored, key=str)]

    def _rows(self, template: str, var: str, iris: Iterable[str]) -> Iterator[Sequence[Any]]:
        """Rows of ``template`` (its #VALUES bound to ``iris`` as ?var), in chunks."""
        for chunk in _chunks(sorted(iris)):
            yield from self.select(template.replace("#VALUES", values(var, chunk)))

    def _pairs(self) -> None:
        for pair, weight in sorted(self.weight.items()):
            old = self.old_weight.get(pair)
            if old is None:
                self.inserts += pair_lines(slug(pair[0]), slug(pair[1]), weight)
            else:
                node = f"<{pair_iri(*pair)}>"
                self.deletes.append(weight_line(node, old))
                self.inserts.append(weight_line(node, weight))

    def _counts(self, concepts: list[str], delta: MentionDelta) -> tuple[set[Figure],
                                                                          set[Figure]]:
        """Stored and wanted papers per concept and per year of the changed concepts."""
        iris = {concept_iri(c): c for c in concepts}
        papers = {iris[str(c)]: int(n) for c, n in self._rows(PAPER_COUNTS_QUERY, "c", iris)}
        years: dict[str, dict[int, int]] = {c: {} for c in concepts}
        for c, year, n in self._rows(YEAR_COUNTS_QUERY, "c", iris):
            years[iris[str(c)]][int(year)] = int(n)
        stored = count_figures((c, papers[c], years[c]) for c in concepts if c in papers)
        for (concept, year), n in delta.years.items():
            if n:
                years[concept][year] = years[concept].get(year, 0) + n
        wanted = count_figures(
            (c, papers.get(c, 0) + delta.concepts[c], dict(sorted(years[c].items())))
            for c in concepts
        )
        return stored, wanted

    def _ranks(self) -> tuple[set[Figure], set[Figure]]:
        """The TOP_PAIRS heaviest pairs: the old ones (weights raised) and the changed."""
        stored: set[Figure] = set()
        candidates: dict[Pair, int] = {}
        for co, rank, weight in self.select(RANKED_QUERY):
            stored.add((str(co), PKG + "rank", int(rank)))
            candidates[pair_of_iri(str(co))] = int(weight)
        candidates.update(self.weight)
        return stored, rank_figures(_heaviest(candidates, TOP_PAIRS))

    def _hubs(self) -> tuple[set[Figure], set[Figure]]:
        """The heaviest pairs of the hub concepts among those whose pairs changed."""
        changed: dict[str, dict[Pair, int]] = {}
        for pair, weight in self.weight.items():
            for concept in pair:
                changed.setdefault(concept, {})[pair] = weight
        iris = {concept_iri(c): c for c in changed}
        hub_pairs: dict[str, dict[Pair, int]] = {}
        for c, co, weight in self._rows(HUB_PAIRS_QUERY, "c", iris):
            hub_pairs.setdefault(iris[str(c)], {})[pair_of_iri(str(co))] = int(weight)
        stored = hub_figures({c: list(pairs) for c, pairs in hub_pairs.items()})
        wanted: dict[str, list[Pair]] = {}
        for concept, pairs in hub_pairs.items():  # a hub stays one: its pairs only gained
            wanted[concept] = [(a, b) for a, b, _ in
                               _heaviest({**pairs, **changed[concept]}, HUB_PAIRS)]
        others = [iri for iri, c in iris.items() if c not in hub_pairs]
        degrees = {iris[str(c)]: int(n) for c, n in self._rows(DEGREE_QUERY, "c", others)}
        for concept in sorted(iris[iri] for iri in others):
            new = sum(1 for pair in changed[concept] if pair not in self.old_weight)
            if degrees.get(concept, 0) + new <= max(HUB_PAIRS, HUB_MIN_PAIRS):
                continue
            # it becomes a hub if its HUB_PAIRS-th heaviest pair weighs 2 or more, so the
            # pairs of weight 1 it did not gain now cannot be among them: not read
            heavy = HEAVY_PAIRS_OF_QUERY.replace("#CONCEPT", f"<{concept_iri(concept)}>")
            pairs = {pair_of_iri(str(co)): int(w) for co, w in self.select(heavy)}
            top = _heaviest({**pairs, **changed[concept]}, HUB_PAIRS)
            if len(top) < HUB_PAIRS:
                continue
            if top[-1][2] >= 2:
                wanted[concept] = [(a, b) for a, b, _ in top]
        return stored, hub_figures(wanted)


def _heaviest(weights: dict[Pair, int], top: int) -> list[tuple[str, str, int]]:
    """The ``top`` heaviest pairs, heaviest first, ties by ids (MentionStatistics' order)."""
    ordered = sorted(weights.items(), key=lambda item: (-item[1], item[0]))
    return [(a, b, w) for (a, b), w in ordered[:top]]
