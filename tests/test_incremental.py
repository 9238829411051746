"""Incremental derived figures (kg/stores/rdf_delta.py; Neo4j recounts the touched
concepts' CO_OCCURS): adding papers to a store and refreshing only what they touch gives the
same store as the full recomputation (`kg refresh`), on every backend."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.build import build, refresh
from kg.derived import HUB_MIN_PAIRS
from kg.model import ConceptLink, Mention, Paper, PaperGraph
from kg.stores import open_store
from kg.stores.base import GraphStore
from kg.stores.rdf import RdfStore
from tests.conftest import synthetic_module

HUB = "concept:hub"
RISING = "concept:rising"  # crosses the hub threshold only with the added papers


def _link(concept_id: str) -> ConceptLink:
    name = concept_id.removeprefix("concept:")
    return ConceptLink(concept_id, name, "method", False, 0.8,
                       [Mention(name, "abstract", 0, len(name), f"{name} helps.")])


def _paper(index: int, concepts: list[str], year: int) -> PaperGraph:
    paper = Paper(f"Paper {index}", "An abstract.", [], year=year, arxiv_id=f"2401.{index:05d}")
    return PaperGraph(paper, [_link(c) for c in sorted(set(concepts))])


def corpus(hubs: bool = True) -> tuple[list[PaperGraph], list[PaperGraph]]:
    """(stored papers, papers added later): a hub concept with more than HUB_MIN_PAIRS
    pairs, and a concept that passes that threshold only through the added papers; without
    ``hubs`` a small corpus (for the slower backends, whose hub code is the RDF stores')."""
    rng = random.Random(21)
    if not hubs:
        pool = [f"concept:c{i:02d}" for i in range(30)]
        base = [_paper(i, [HUB, *rng.sample(pool, 4)], 2020 + i % 4) for i in range(48)]
        return base, [_paper(100 + i, [HUB, *rng.sample(pool, 3)], 2024) for i in range(12)]
    pool = [f"concept:c{i:04d}" for i in range(HUB_MIN_PAIRS + 200)]
    base = [_paper(i, [HUB, *rng.sample(pool, 5)], 2020 + i % 4) for i in range(700)]
    rising = pool[: HUB_MIN_PAIRS - 2]
    base += [_paper(1000 + i, [RISING, *rising[i * 10 : i * 10 + 10]], 2022)
             for i in range(len(rising) // 10)]
    # one more paper gives 300 of its pairs the weight 2: the least a hub's pairs can weigh
    base += [_paper(2000, [RISING, *rising[:300]], 2023)]
    added = [_paper(3000 + i, [HUB, RISING, *rng.sample(pool, 4)], 2024 + i % 2)
             for i in range(40)]
    added += [_paper(4000, [HUB, "concept:brand-new", pool[0]], 2025)]
    return base, added


def rdf_dump(store: GraphStore) -> list[tuple]:
    return sorted(tuple(map(str, row)) for row in
                  store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }").rows)


def neo4j_dump(store: GraphStore) -> list[tuple]:
    rows = store.query("MATCH (a:Concept)-[r:CO_OCCURS]->(b:Concept) "
                       "RETURN a.id, b.id, r.weight").rows
    return sorted(tuple(row) for row in rows)


@pytest.fixture(params=["oxigraph", "rdflib", "sparql", "neo4j"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
            ) -> Iterator[tuple[GraphStore, object, tuple]]:
    if request.param == "sparql":
        server = request.getfixturevalue("sparql_server")
        store = open_store(f"sparql+{server.query_url}")
        store.query("CLEAR ALL", write=True)
    elif request.param == "neo4j":
        bolt = request.getfixturevalue("bolt_server")
        monkeypatch.setenv("NEO4J_USERNAME", bolt.user)
        monkeypatch.setenv("NEO4J_PASSWORD", bolt.password)
        store = open_store(f"{bolt.uri}?database={bolt.database}")
        store.clear()
    else:
        store = open_store(f"{request.param}:")
    slow = request.param != "oxigraph"  # the hub code is shared by the RDF stores
    yield store, neo4j_dump if request.param == "neo4j" else rdf_dump, corpus(hubs=not slow)
    store.clear()
    store.close()


def _touched(batch: list[PaperGraph]) -> list[str]:
    return sorted({link.id for item in batch for link in item.concepts})


def test_adding_papers_refreshes_incrementally_to_the_full_result(backend) -> None:
    store, dump, (base, added) = backend
    store.write_papers(base)
    store.refresh_derived(None)
    for start in range(0, len(added), 16):  # several batches, one refresh (as a build does)
        store.write_papers(added[start : start + 16])
    store.finish(_touched(added))
    if isinstance(store, RdfStore):
        assert store.last_refresh == "incremental"
    if dump is rdf_dump and len(base) > HUB_MIN_PAIRS / 2:
        hubs = store.query("SELECT ?c WHERE { ?c <https://paper-kg.org/schema#heaviestPair> "
                           "?p } GROUP BY ?c").rows
        assert {str(row[0]).rsplit("/", 1)[1] for row in hubs} == {"hub", "rising"}
    incremental = dump(store)
    store.refresh_derived(None)
    assert dump(store) == incremental


def test_rewrites_that_drop_mentions_take_the_full_refresh(backend) -> None:
    store, dump, (base, _) = backend
    store.write_papers(base)
    store.refresh_derived(None)
    changed = [PaperGraph(item.paper, item.concepts[:2]) for item in base[:3]]
    changed[0].paper.year = 1999  # a year moved: its old year's counts fall
    store.write_papers(changed)
    store.finish(_touched(base[:3]))
    if isinstance(store, RdfStore):
        assert store.last_refresh == "full"
    after = dump(store)
    store.refresh_derived(None)
    assert dump(store) == after


def test_a_rewrite_that_changes_nothing_is_incremental_and_exact(backend) -> None:
    store, dump, (base, _) = backend
    store.write_papers(base)
    store.refresh_derived(None)
    before = dump(store)
    store.write_papers(base[:5])
    store.finish(_touched(base[:5]))
    if isinstance(store, RdfStore):
        assert store.last_refresh == "incremental"
    assert dump(store) == before


def test_kg_build_adding_papers_equals_kg_refresh(tmp_path: Path, new_extractor) -> None:
    """End to end: `kg build` of new papers into an existing store (a new process's store
    object) updates the figures incrementally; `kg refresh` afterwards changes nothing."""
    synthetic = synthetic_module()
    files = []
    for first, n in ((0, 160), (160, 40)):
        path = tmp_path / f"papers-{first}.jsonl"
        with path.open("w", encoding="utf-8") as out:
            synthetic.write(synthetic.papers(n, seed=21, first=first), "jsonl", out)
        files.append(path)
    uri = f"oxigraph:{tmp_path / 'kg'}"
    build([files[0]], uri, extractor=new_extractor())
    with open_store(uri, "write") as store:
        result = build([files[1]], store, extractor=new_extractor())
        assert result.new_papers == 40 and store.last_refresh == "incremental"
        incremental = rdf_dump(store)
        refresh(store)
        assert store.last_refresh == "full"
        assert rdf_dump(store) == incremental
