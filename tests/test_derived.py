"""kg/derived.py: figures derived from mentions, and the queries that read them instead of
counting (hub concepts' stored heaviest pairs must give exactly the rows of a full scan)."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest

from kg import derived
from kg.derived import mention_statistics
from kg.model import ConceptLink, Paper
from kg.queries import prepare, run_named
from kg.stores import PaperGraph, open_store


def corpus(seed: int = 3, papers: int = 60) -> list[tuple[str, list[str], int]]:
    """(paper id, concept ids, year): a few concepts in most papers, like real hubs."""
    rng = random.Random(seed)
    concepts = [f"concept:c{i:02d}" for i in range(25)]
    weights = [1 / (rank + 1) for rank in range(len(concepts))]
    out = []
    for n in range(papers):
        chosen = sorted(set(rng.choices(concepts, weights, k=rng.randint(1, 7))))
        out.append((f"arxiv:2401.{n:05d}", chosen, 2020 + n % 4))
    return out


@pytest.mark.parametrize("chunk", [1, 7, 100, derived.PAIRS_PER_CHUNK])
def test_statistics_match_brute_force_counts(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pairs counted a chunk of papers at a time (merged into one count) give the counts
    of one pass, whatever the chunk size; a mention repeated or out of order counts once."""
    monkeypatch.setattr(derived, "PAIRS_PER_CHUNK", chunk)
    rows = corpus()
    mentions = [(p, c) for p, cs, _ in rows for c in cs]
    mentions += mentions[::5]  # repeated mentions of a paper, after other papers'
    stats = mention_statistics(reversed(mentions), {p: y for p, _, y in rows[::2]})
    pairs: Counter[tuple[str, str]] = Counter()
    papers: Counter[str] = Counter()
    per_year: Counter[tuple[str, int]] = Counter()
    for n, (_, concepts, year) in enumerate(rows):
        pairs.update(itertools.combinations(sorted(concepts), 2))
        papers.update(concepts)
        if n % 2 == 0:  # only these papers have a year
            per_year.update((c, year) for c in concepts)
    assert {(a, b): w for a, b, w in stats.pairs()} == dict(pairs)
    found = {c: (n, years) for c, n, years in stats.concept_counts()}
    assert {c: n for c, (n, _) in found.items()} == dict(papers)
    assert {(c, y): n for c, (_, years) in found.items() for y, n in years.items()} == \
        dict(per_year)
    expected = sorted(pairs.items(), key=lambda item: (-item[1], item[0]))
    assert stats.ranked(10) == [(a, b, w) for (a, b), w in expected[:10]]


def test_statistics_of_no_mentions_are_empty() -> None:
    stats = mention_statistics(iter([]), {"arxiv:2401.00001": 2024})
    assert stats.ids == [] and list(stats.pairs()) == [] and not stats.per_year
    assert stats.ranked() == [] and stats.hubs() == {}


def test_hubs_keep_their_heaviest_pairs_only_when_they_outweigh_other_edges() -> None:
    rows = corpus()
    stats = mention_statistics(((p, c) for p, cs, _ in rows for c in cs), {})
    hubs = stats.hubs(keep=4, least=4)
    assert hubs, "the fixture should have hub concepts"
    weights = {(a, b): w for a, b, w in stats.pairs()}
    for concept, kept in hubs.items():
        own = sorted(((w, a, b) for (a, b), w in weights.items() if concept in (a, b)),
                     key=lambda t: (-t[0], t[1], t[2]))
        assert len(own) > 4 and own[3][0] >= 2
        assert kept == [(a, b) for _, a, b in own[:4]]
    assert stats.hubs(keep=4, least=10_000) == {}


@pytest.fixture
def hub_store(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(derived, "HUB_PAIRS", 4)
    monkeypatch.setattr(derived, "HUB_MIN_PAIRS", 4)
    store = open_store("oxigraph:")
    graphs = [
        PaperGraph(Paper(title=f"Paper {pid}", abstract="", arxiv_id=pid.split(":")[1],
                         year=year),
                   [ConceptLink(c, c.split(":")[1].upper(), "method", False, 1.0)
                    for c in concepts])
        for pid, concepts, year in corpus()
    ]
    store.write_papers(graphs)
    store.refresh_derived(None)
    yield store
    store.close()


def test_hub_reads_equal_full_scans(hub_store) -> None:
    calls = [("ego-network", {"node": "concept:c00", "limit": 4}),
             ("ego-network", {"node": "concept:c01", "limit": 3}),
             ("top-cooccurring", {"concept": "concept:c00", "limit": 4})]
    def probes() -> list[bool]:  # would the hub path be taken?
        return ["pkg:heaviestPair ?co" in prepare(hub_store, name, params).text
                for name, params in calls]

    assert probes() == [True, True, True]
    fast = [run_named(hub_store, name, params).rows for name, params in calls]
    assert all(row[6] == "CO_OCCURS" for row in fast[0])
    hub_store.query("DELETE WHERE { ?c pkg:heaviestPair ?p }", write=True)  # full scans now
    assert probes() == [False, False, False]
    slow = [run_named(hub_store, name, params).rows for name, params in calls]
    assert fast == slow


def test_stored_counts_follow_a_rewrite(hub_store) -> None:
    before = {r[0]: r[3] for r in run_named(hub_store, "top-concepts", {"limit": 100}).rows}
    paper = Paper(title="Paper arxiv:2401.00000", abstract="", arxiv_id="2401.00000", year=2020)
    hub_store.write_papers([PaperGraph(paper, [])])  # the paper loses all its concepts
    hub_store.refresh_derived(None)
    after = {r[0]: r[3] for r in run_named(hub_store, "top-concepts", {"limit": 100}).rows}
    lost = corpus()[0][1]
    assert {c: before[c] - after.get(c, 0) for c in lost} == dict.fromkeys(lost, 1)
    trend = run_named(hub_store, "concept-trend", {"concept": lost[0]}).rows
    assert sum(row[3] for row in trend) == after.get(lost[0], 0)
