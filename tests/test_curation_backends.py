"""apply_to_store and the review queue on every backend: rdflib, a real SPARQL endpoint
(`oxigraph serve`) and Bolt (ArcadeDB, or the Neo4j of NEO4J_URI) give the same curated
graph as the embedded store, at once and after an undo."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import build
from kg.curation import Curation, apply_to_store, review_queue
from kg.curation.store import StoreConcepts
from kg.stores import GraphStore, open_store
from tests.conftest import NewExtractor
from tests.test_curation import CASES, INPUT, paper_tags, snapshot

DECISIONS = [CASES[kind].decision for kind in
             ("reject-mention", "set-role", "add-mention", "set-type", "merge-concepts",
              "rename-concept")]


def test_apply_and_undo_on_every_backend(any_store: GraphStore, tmp_path: Path,
                                         new_extractor: NewExtractor,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_CURATOR", "curator-test")
    build([INPUT], any_store, extractor=new_extractor())
    reference = f"oxigraph:{tmp_path / 'reference'}"
    build([INPUT], reference, extractor=new_extractor())
    with open_store(reference, "read") as plain:
        assert snapshot(any_store) == snapshot(plain)
        assert review_queue(any_store, 8) == review_queue(plain, 8)
    curation, _ = Curation.load(tmp_path / "curation.csv")
    recorded = [curation.record(d) for d in DECISIONS]
    apply_to_store(any_store, curation, recorded, extractor=new_extractor())
    curated = f"oxigraph:{tmp_path / 'curated'}"
    build([INPUT], curated, extractor=new_extractor(), curation=curation)
    with open_store(curated, "read") as fresh:
        assert snapshot(any_store) == snapshot(fresh)
        assert review_queue(any_store, 8) == review_queue(fresh, 8)
    for case in (CASES[kind] for kind in ("reject-mention", "set-type", "merge-concepts")):
        assert case.holds(paper_tags(any_store), StoreConcepts(any_store))
    undo = curation.undo(recorded[0].id)  # the reject: the tag is back, the rest stays
    apply_to_store(any_store, curation, [undo], extractor=new_extractor())
    again = f"oxigraph:{tmp_path / 'again'}"
    build([INPUT], again, extractor=new_extractor(), curation=Curation.load(curation.path)[0])
    with open_store(again, "read") as fresh:
        assert snapshot(any_store) == snapshot(fresh)
