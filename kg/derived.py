"""Figures derived from the MENTIONS edges and stored with the graph: CO_OCCURS weights,
papers per concept and per year, the heaviest pairs overall and around each hub concept.

They are brought up to date after every build (``GraphStore.refresh_derived``; a small
addition to an RDF store only updates what it moves, kg/stores/rdf_delta.py) because reading
them is what the app does all the time: on a 100k-paper graph, counting a hub concept's
papers by year or sorting its 40,000 pairs by weight takes seconds in an RDF store (Oxigraph
joins a row in ~12 µs), while reading a stored answer takes milliseconds. One pass over the
(paper, concept) mention list gives all of them; pairs are counted with numpy so a 100k-paper
graph (millions of pairs) takes seconds and little memory.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import combinations

import numpy as np

TOP_PAIRS = 1000  # pairs ranked over the whole graph (top-cooccurring reads the rank)
HUB_PAIRS = 300  # a hub concept keeps links to this many of its heaviest pairs
HUB_MIN_PAIRS = 1000  # ... when it has more pairs than this (reading them all is slow)


@dataclass
class MentionStatistics:
    """Concept ids in id order; the arrays index into ``ids``. Pairs have ``a < b``."""

    ids: list[str]
    a: np.ndarray
    b: np.ndarray
    weight: np.ndarray
    papers: np.ndarray  # per concept: distinct papers mentioning it
    per_year: Counter[tuple[int, int]]  # (concept index, year) -> papers of that year

    def pairs(self, only: np.ndarray | None = None) -> Iterator[tuple[str, str, int]]:
        """(a id, b id, weight) in id order, of every pair or of the pair indexes ``only``."""
        ids = self.ids
        for i in range(len(self.a)) if only is None else only:
            yield ids[self.a[i]], ids[self.b[i]], int(self.weight[i])

    def codes(self) -> np.ndarray:
        """One integer per pair (a * number of concepts + b), to compare pair sets fast."""
        return self.a * max(len(self.ids), 1) + self.b

    def concept_counts(self) -> Iterator[tuple[str, int, dict[int, int]]]:
        """(concept id, papers, {year: papers}) for every mentioned concept."""
        years: dict[int, dict[int, int]] = {}
        for (concept, year), n in self.per_year.items():
            years.setdefault(concept, {})[year] = n
        for i, concept_id in enumerate(self.ids):
            yield concept_id, int(self.papers[i]), dict(sorted(years.get(i, {}).items()))

    def _order(self) -> np.ndarray:
        """Pair indexes by weight descending, then a, then b (the order of the queries)."""
        return np.lexsort((self.b, self.a, -self.weight))

    def ranked(self, top: int = TOP_PAIRS) -> list[tuple[str, str, int]]:
        """The ``top`` heaviest pairs, heaviest first (ties by ids: a total order)."""
        ids = self.ids
        return [(ids[self.a[i]], ids[self.b[i]], int(self.weight[i]))
                for i in self._order()[:top]]

    def hubs(
        self, keep: int | None = None, least: int | None = None
    ) -> dict[str, list[tuple[str, str]]]:
        """Concept id -> its ``keep`` heaviest pairs, heaviest first, for the concepts with
        more than ``least`` pairs whose ``keep``-th pair still weighs 2 or more: there the
        heaviest CO_OCCURS edges are exactly the top of its ego network (every other kind of
        edge weighs 1), so a budgeted ego network reads them instead of every edge."""
        keep = HUB_PAIRS if keep is None else keep
        least = HUB_MIN_PAIRS if least is None else least
        owners = np.concatenate([self.a, self.b])
        pair = np.tile(np.arange(len(self.a)), 2)
        order = np.lexsort((self.b[pair], self.a[pair], -self.weight[pair], owners))
        owners, pair = owners[order], pair[order]
        sizes = np.bincount(owners, minlength=len(self.ids))
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        out: dict[str, list[tuple[str, str]]] = {}
        for concept in np.flatnonzero(sizes > max(keep, least)):
            chosen = pair[starts[concept] : starts[concept] + keep]
            if self.weight[chosen[-1]] >= 2:
                out[self.ids[concept]] = [(self.ids[self.a[i]], self.ids[self.b[i]])
                                          for i in chosen]
        return out


def mention_statistics(
    mentions: Iterable[tuple[str, str]], years: Mapping[str, int]
) -> MentionStatistics:
    """Statistics of (paper key, concept id) mentions; ``years``: paper key -> year."""
    provisional: dict[str, int] = {}
    by_paper: dict[str, set[int]] = {}
    for paper, concept in mentions:
        index = provisional.setdefault(concept, len(provisional))
        by_paper.setdefault(paper, set()).add(index)
    ids = sorted(provisional)
    remap = np.empty(len(ids), dtype=np.int64)
    for final, concept_id in enumerate(ids):
        remap[provisional[concept_id]] = final
    n = max(len(ids), 1)
    codes = array("q")
    papers = np.zeros(len(ids), dtype=np.int64)
    per_year: Counter[tuple[int, int]] = Counter()
    for paper, concepts in by_paper.items():
        ordered = sorted(int(remap[c]) for c in concepts)
        papers[ordered] += 1
        year = years.get(paper)
        if year is not None:
            per_year.update((c, year) for c in ordered)
        codes.extend(x * n + y for x, y in combinations(ordered, 2))
    unique, counts = np.unique(np.frombuffer(codes, dtype=np.int64), return_counts=True)
    return MentionStatistics(ids, unique // n, unique % n, counts, papers, per_year)


def pair_statistics(pairs: Iterable[tuple[str, str, int]]) -> MentionStatistics:
    """Statistics of already counted pairs (a id < b id, weight), without paper counts: the
    rankings of pairs counted elsewhere (a distributed reduction, kg/distributed)."""
    rows = list(pairs)
    ids = sorted({concept for a, b, _ in rows for concept in (a, b)})
    index = {concept: i for i, concept in enumerate(ids)}
    a = np.array([index[row[0]] for row in rows], dtype=np.int64)
    b = np.array([index[row[1]] for row in rows], dtype=np.int64)
    weight = np.array([row[2] for row in rows], dtype=np.int64)
    return MentionStatistics(ids, a, b, weight, np.zeros(len(ids), dtype=np.int64), Counter())
