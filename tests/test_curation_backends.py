"""apply_to_store and the review queue on every backend: rdflib, a real SPARQL endpoint
(`oxigraph serve`) and Bolt (ArcadeDB, or the Neo4j of NEO4J_URI) give the same curated
graph as the embedded store, at once and after an undo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.build import build
from kg.curation import Curation, apply_to_store, review_queue
from kg.curation.store import StoreConcepts
from kg.stores import GraphStore, open_store
from tests.conftest import NewExtractor
from tests.server_fixtures import bolt_store_uri
from tests.test_curation import CASES, INPUT, paper_tags, snapshot

DECISIONS = [CASES[kind].decision for kind in
             ("reject-mention", "set-role", "add-mention", "set-type", "merge-concepts",
              "rename-concept")]


@pytest.fixture(params=["oxigraph", "rdflib", "sparql", "bolt"])
def backend(request: pytest.FixtureRequest, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[GraphStore]:
    kind = request.param
    if kind == "oxigraph":
        uri = f"oxigraph:{tmp_path / 'kg'}"
    elif kind == "rdflib":
        uri = "rdflib:"
    elif kind == "sparql":
        uri = f"sparql+{request.getfixturevalue('sparql_server').query_url}"
    else:
        pytest.importorskip("neo4j")
        uri = bolt_store_uri(request, monkeypatch)
    store = open_store(uri)
    store.clear()
    try:
        yield store
    finally:
        store.clear()
        store.close()


def test_apply_and_undo_on_every_backend(backend: GraphStore, tmp_path: Path,
                                         new_extractor: NewExtractor,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_CURATOR", "curator-test")
    build([INPUT], backend, extractor=new_extractor())
    reference = f"oxigraph:{tmp_path / 'reference'}"
    build([INPUT], reference, extractor=new_extractor())
    with open_store(reference, "read") as plain:
        assert snapshot(backend) == snapshot(plain)
        assert review_queue(backend, 8) == review_queue(plain, 8)
    curation, _ = Curation.load(tmp_path / "curation.csv")
    recorded = [curation.record(d) for d in DECISIONS]
    apply_to_store(backend, curation, recorded, extractor=new_extractor())
    curated = f"oxigraph:{tmp_path / 'curated'}"
    build([INPUT], curated, extractor=new_extractor(), curation=curation)
    with open_store(curated, "read") as fresh:
        assert snapshot(backend) == snapshot(fresh)
        assert review_queue(backend, 8) == review_queue(fresh, 8)
    for case in (CASES[kind] for kind in ("reject-mention", "set-type", "merge-concepts")):
        assert case.holds(paper_tags(backend), StoreConcepts(backend))
    undo = curation.undo(recorded[0].id)  # the reject: the tag is back, the rest stays
    apply_to_store(backend, curation, [undo], extractor=new_extractor())
    again = f"oxigraph:{tmp_path / 'again'}"
    build([INPUT], again, extractor=new_extractor(), curation=Curation.load(curation.path)[0])
    with open_store(again, "read") as fresh:
        assert snapshot(backend) == snapshot(fresh)
