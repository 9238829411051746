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
        sizes = np.bincount(self.a, minlength=len(self.ids)) + np.bincount(
            self.b, minlength=len(self.ids))
        hubs = np.flatnonzero(sizes > max(keep, least))
        if not len(hubs):
            return {}
        # every pair twice (once per owner), heaviest first; a stable sort by owner keeps
        # that order within each owner. int32 halves the memory of millions of pairs
        ranked = self._order()
        owners = np.empty(2 * len(ranked), dtype=np.int32)
        owners[0::2], owners[1::2] = self.a[ranked], self.b[ranked]
        by_owner = np.argsort(owners, kind="stable")
        del owners
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        out: dict[str, list[tuple[str, str]]] = {}
        for concept in hubs:
            chosen = ranked[by_owner[starts[concept] : starts[concept] + keep] // 2]
            if self.weight[chosen[-1]] >= 2:
                out[self.ids[concept]] = [(self.ids[self.a[i]], self.ids[self.b[i]])
                                          for i in chosen]
        return out


PAIRS_PER_CHUNK = 1_000_000  # pair codes counted at once: bounds the memory of a big graph


def mention_statistics(
    mentions: Iterable[tuple[str, str]], years: Mapping[str, int]
) -> MentionStatistics:
    """Statistics of (paper key, concept id) mentions; ``years``: paper key -> year.

    Mentions become two integer columns; the pairs are then made and counted with numpy
    about ``PAIRS_PER_CHUNK`` at a time and merged into a running count, so memory grows
    with the distinct pairs, not with every paper's pairs (15M on a dense 100k graph)."""
    paper_index: dict[str, int] = {}
    provisional: dict[str, int] = {}
    paper_column, concept_column = array("q"), array("q")
    for paper, concept in mentions:
        paper_column.append(paper_index.setdefault(paper, len(paper_index)))
        concept_column.append(provisional.setdefault(concept, len(provisional)))
    ids = sorted(provisional)
    remap = np.empty(len(ids), dtype=np.int64)
    remap[[provisional[c] for c in ids]] = np.arange(len(ids), dtype=np.int64)
    n = max(len(ids), 1)
    # one row per distinct (paper, concept), sorted by paper then concept
    rows = np.unique(np.frombuffer(paper_column, dtype=np.int64) * n
                     + remap[np.frombuffer(concept_column, dtype=np.int64)])
    del paper_column, concept_column
    paper, concept = rows // n, rows % n
    papers = np.bincount(concept, minlength=len(ids)).astype(np.int64)
    year_of = np.zeros(len(paper_index), dtype=np.int64)
    dated = np.zeros(len(paper_index), dtype=bool)
    for key, index in paper_index.items():
        year = years.get(key)
        if year is not None:
            year_of[index], dated[index] = year, True
    per_year = _per_year(concept[dated[paper]], year_of[paper][dated[paper]])
    unique, counts = _count_pairs(paper, concept, n)
    return MentionStatistics(ids, unique // n, unique % n, counts, papers, per_year)


def _per_year(concept: np.ndarray, year: np.ndarray) -> Counter[tuple[int, int]]:
    """(concept index, year) -> papers, from one row per (dated paper, concept)."""
    if not len(year):
        return Counter()
    low = int(year.min())
    span = int(year.max()) - low + 1
    keys, counts = np.unique(concept * span + (year - low), return_counts=True)
    return Counter({(int(k) // span, int(k) % span + low): int(c)
                    for k, c in zip(keys, counts, strict=True)})


def _count_pairs(paper: np.ndarray, concept: np.ndarray, n: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """(sorted pair codes a * n + b, papers per pair) of rows sorted by (paper, concept)."""
    starts = np.flatnonzero(np.r_[True, paper[1:] != paper[:-1]])
    sizes = np.diff(np.r_[starts, len(paper)])
    pair_total = np.cumsum(sizes * (sizes - 1) // 2)
    unique, counts = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    first = 0  # first paper of the chunk
    while first < len(starts):
        done = pair_total[first - 1] if first else 0
        last = max(int(np.searchsorted(pair_total, done + PAIRS_PER_CHUNK, "right")),
                   first + 1)
        rows = slice(starts[first], starts[last] if last < len(starts) else len(paper))
        codes = _pair_codes(concept[rows], sizes[first:last], n)
        chunk, weight = np.unique(codes, return_counts=True)
        unique, counts = _merge_counts(unique, counts, chunk, weight)
        first = last
    return unique, counts


def _pair_codes(concept: np.ndarray, sizes: np.ndarray, n: int) -> np.ndarray:
    """a * n + b for every pair a < b of concepts within each group of ``sizes`` rows."""
    group_end = np.repeat(np.cumsum(sizes), sizes)
    later = group_end - np.arange(len(concept)) - 1  # rows after each row in its group
    left = np.repeat(np.arange(len(concept)), later)
    block_start = np.repeat(np.cumsum(later) - later, later)
    right = left + 1 + (np.arange(len(left)) - block_start)
    return concept[left] * n + concept[right]


def _merge_counts(unique: np.ndarray, counts: np.ndarray, more: np.ndarray,
                  weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct codes with counts, and more of them: one such list, counts of equal
    codes summed (added in place; the new codes inserted where they sort)."""
    at = np.searchsorted(unique, more)
    known = at < len(unique)
    known[known] = unique[at[known]] == more[known]
    counts[at[known]] += weight[known]
    new = ~known
    return np.insert(unique, at[new], more[new]), np.insert(counts, at[new], weight[new])


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
