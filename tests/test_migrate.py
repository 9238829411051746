"""Graph format 2 (leaner triples) and `kg refresh --migrate` from format 1, on an embedded
Oxigraph store, an rdflib file and a SPARQL endpoint: a store written in the old format is
refused with a message saying what to do, and migrating it gives the store a fresh build of
the same papers makes, with the same evidence texts and sentences as before."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from typer.testing import CliRunner

from kg.cli import app
from kg.details import details
from kg.mapping.rdf import FORMAT_VERSION
from kg.queries import run_named
from kg.stores import StoreError, open_store
from kg.stores.oxigraph import MARKER
from tests.format1_papers import concepts, papers

FORMAT1 = Path(__file__).parent / "data" / "format1.nt"


def all_triples(uri: str) -> set[tuple]:
    with open_store(uri, "read", check_format=False) as store:
        return {tuple(r) for r in store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }").rows}


def _format1_store(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A store holding tests/data/format1.nt, as an older paper-kg left it."""
    if kind == "oxigraph":
        path = tmp_path / "old"
        ox.Store(str(path)).bulk_load(path=str(FORMAT1), format=ox.RdfFormat.N_TRIPLES)
        (path / MARKER).write_text(json.dumps({"paper_kg_store": True, "schema_version": 1,
                                               "backend": "oxigraph"}), "utf-8")
        return f"oxigraph:{path}"
    if kind == "rdflib":
        path = tmp_path / "old.ttl"
        rdflib.Graph().parse(FORMAT1, format="nt").serialize(path, format="turtle")
        return f"rdflib:{path}"
    server = request.getfixturevalue("sparql_server")
    uri = f"sparql+{server.query_url}"
    with open_store(uri) as store:
        store.query("CLEAR ALL", write=True)
        store.query("INSERT DATA {\n" + FORMAT1.read_text("utf-8") + "}", write=True)
    return uri


def _fresh(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """The same papers built by this version (in another store of the same kind)."""
    if kind == "sparql":  # one server: compare against an embedded store instead
        kind = "oxigraph"
    uri = {"oxigraph": f"oxigraph:{tmp_path / 'fresh'}",
           "rdflib": f"rdflib:{tmp_path / 'fresh.ttl'}"}[kind]
    with open_store(uri) as store:
        store.write_concepts(concepts())
        store.write_papers(papers())
        store.refresh_derived(None)
    return uri


@pytest.fixture(params=["oxigraph", "rdflib", "sparql"])
def kind(request: pytest.FixtureRequest) -> str:
    return request.param


def test_old_store_is_refused_then_migrated(kind: str, tmp_path: Path,
                                            request: pytest.FixtureRequest) -> None:
    old = _format1_store(kind, tmp_path, request)
    before = all_triples(old)
    for mode in ("read", "write"):
        with pytest.raises(StoreError) as refused:
            open_store(old, mode)
        assert old in str(refused.value) and "format 1" in str(refused.value)
        assert f"kg refresh --migrate --store {old}" in str(refused.value)
    done = CliRunner().invoke(app, ["query", "--store", old, "--named", "top-concepts"])
    assert done.exit_code != 0 and "kg refresh --migrate" in done.output
    assert done.exception is None or isinstance(done.exception, SystemExit)

    done = CliRunner().invoke(app, ["refresh", "--migrate", "--store", old])
    assert done.exit_code == 0, done.output
    migrated = all_triples(old)
    assert migrated == all_triples(_fresh(kind, tmp_path, request))
    assert len(migrated) < len(before)
    if kind == "oxigraph":  # the directory's marker follows the graph's format
        marker = Path(old.removeprefix("oxigraph:")) / MARKER
        assert json.loads(marker.read_text("utf-8"))["schema_version"] == FORMAT_VERSION
    # migrating again changes nothing
    assert CliRunner().invoke(app, ["refresh", "--migrate", "--store", old]).exit_code == 0
    assert all_triples(old) == migrated


def test_migrated_evidence_reads_as_before(tmp_path: Path,
                                           request: pytest.FixtureRequest) -> None:
    """What users read (concepts-of-paper, the evidence of curation tags) is the evidence
    as it was written: the texts and sentences of tests/format1_papers.py."""
    old = _format1_store("oxigraph", tmp_path, request)
    assert CliRunner().invoke(app, ["refresh", "--migrate", "--store", old]).exit_code == 0
    with open_store(old, "read") as store:
        for item in papers():
            found = run_named(store, "concepts-of-paper", {"paper": item.paper.id})
            rows = [dict(zip(found.columns, row, strict=True)) for row in found.rows]
            got = sorted((r["concept"], r["field"], r["start"], r["end"], r["sentence"])
                         for r in rows if r["field"] is not None)
            wanted = sorted((link.id, m.field, m.start, m.end, m.sentence)
                            for link in item.concepts for m in link.mentions)
            assert got == wanted
            assert {r["concept"] for r in rows} == {link.id for link in item.concepts}
        tags = details(store, "curation.tags", [item.paper.id for item in papers()])
        got = sorted((r["paper"], r["concept"], r["texts"], r["fields"], r["starts"], r["ends"],
                      r["sentences"]) for r in tags if r.get("texts") is not None)
    assert got == sorted((item.paper.id, link.id, m.text, m.field, m.start, m.end, m.sentence)
                         for item in papers() for link in item.concepts for m in link.mentions)


def test_new_stores_record_their_format(tmp_path: Path) -> None:
    uri = _fresh("oxigraph", tmp_path, None)  # type: ignore[arg-type]
    rows = all_triples(uri)
    assert ("https://paper-kg.org/id/store", "https://paper-kg.org/schema#formatVersion",
            FORMAT_VERSION) in rows
    with open_store(uri, "read") as store:
        store.check_format()  # no complaint


def test_evidence_reads_the_same_on_bolt(tmp_path: Path, request: pytest.FixtureRequest,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Neo4j keeps the evidence as lists on MENTIONS; the RDF stores derive texts and
    sentences from the field: concepts-of-paper gives the same rows, edge cases included
    (a character outside the BMP, a text and a sentence the field does not hold)."""
    from tests.server_fixtures import bolt_store_uri

    bolt = bolt_store_uri(request, monkeypatch)
    rdf = _fresh("oxigraph", tmp_path, request)
    with open_store(bolt) as graph:
        graph.clear()
        try:
            graph.write_concepts(concepts())
            graph.write_papers(papers())
            graph.refresh_derived(None)
            with open_store(rdf, "read") as store:
                for item in papers():
                    params = {"paper": item.paper.id}
                    ours = run_named(store, "concepts-of-paper", params).rows
                    theirs = run_named(graph, "concepts-of-paper", params).rows
                    assert sorted(map(repr, ours)) == sorted(map(repr, theirs))
        finally:
            graph.clear()


def test_app_on_an_old_store_says_how_to_migrate(tmp_path: Path, request: pytest.FixtureRequest,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The explorer opened on a format-1 store shows the message, changes nothing."""
    from tests.test_app import app_test

    old = _format1_store("oxigraph", tmp_path, request)
    before = all_triples(old)
    at = app_test(old, monkeypatch).run()
    assert not at.exception
    assert at.error and f"kg refresh --migrate --store {old}" in at.error[0].value
    assert all_triples(old) == before
