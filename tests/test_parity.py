"""Backend parity: the example corpus built into the embedded Oxigraph store, into a Bolt
server (ArcadeDB, or the Neo4j of NEO4J_URI) and into a SPARQL endpoint (oxigraph serve)
gives the same counts, the same rows for every named query (parameters picked from the data
itself) and the same answers to the app's own reads."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("neo4j")
pytest.importorskip("pyoxigraph")

from kg.queries import NAMED_QUERIES, run_named
from kg.stores import GraphStore, open_store
from tests.conftest import EXAMPLES, NewExtractor
from tests.servers import BoltServer, ServerStartError


@pytest.fixture(scope="module")
def bolt(request: pytest.FixtureRequest) -> BoltServer:
    try:
        return request.getfixturevalue("bolt_server")
    except ServerStartError as exc:
        pytest.skip(
            f"SKIPPED parity tests: no Bolt server (ArcadeDB did not start: "
            f"{str(exc).splitlines()[0]}); set NEO4J_URI/NEO4J_PASSWORD to test a Neo4j"
        )


def _build(store: GraphStore, new_extractor: NewExtractor) -> GraphStore:
    """``store`` emptied and built from examples/ by the real build (a fresh extractor), with
    the whole vocabulary, so that every query must leave out unmentioned concepts itself."""
    build = pytest.importorskip("kg.build").build
    inputs = sorted(p for p in EXAMPLES.iterdir() if p.is_file() and p.name != "README.md")
    if not inputs:
        pytest.skip("examples/ is empty")
    store.clear()
    build(inputs, store, with_vocabulary=True, extractor=new_extractor())
    return store


@pytest.fixture(scope="module")
def rdf(
    tmp_path_factory: pytest.TempPathFactory, new_extractor: NewExtractor
) -> Iterator[GraphStore]:
    """The reference: the embedded Oxigraph store."""
    store = open_store(f"oxigraph:{tmp_path_factory.mktemp('parity') / 'kg'}")
    try:
        yield _build(store, new_extractor)
    finally:
        store.close()


@pytest.fixture(scope="module", params=["bolt", "sparql"])
def stores(
    request: pytest.FixtureRequest, rdf: GraphStore, new_extractor: NewExtractor
) -> Iterator[tuple[GraphStore, GraphStore]]:
    """(the reference, a server store built the same way): a Bolt server (ArcadeDB, or the
    Neo4j of NEO4J_URI) and a SPARQL endpoint (oxigraph serve)."""
    monkeypatch = pytest.MonkeyPatch()
    if request.param == "bolt":
        bolt = request.getfixturevalue("bolt")
        monkeypatch.setenv("NEO4J_USERNAME", bolt.user)
        monkeypatch.setenv("NEO4J_PASSWORD", bolt.password)
        other = open_store(f"{bolt.uri}?database={bolt.database}")
    else:
        other = open_store(f"sparql+{request.getfixturevalue('sparql_server').query_url}")
    try:
        yield rdf, _build(other, new_extractor)
    finally:
        other.clear()
        other.close()
        monkeypatch.undo()


def _norm(value: Any) -> Any:
    """Floats compare to 6 places (xsd:double vs Bolt float); everything else exactly."""
    if isinstance(value, float):
        return round(value, 6)
    return value


def _rows(store: GraphStore, name: str, params: dict[str, Any]) -> list[list[Any]]:
    index = store.side_index
    if name == "search" and index is not None:
        # a Bolt store keeps no side index and scans: the embedded store's scan is compared
        # (its ranked index against rdflib's: tests/test_side_index.py)
        store.side_index = None
    try:
        return [[_norm(v) for v in row] for row in run_named(store, name, params).rows]
    finally:
        store.side_index = index


def test_counts_equal(stores: tuple[GraphStore, GraphStore]) -> None:
    rdf, graph = stores
    counts = rdf.counts()
    assert counts["papers"] > 0 and counts["mentions"] > 0, "the example build found nothing"
    assert graph.counts() == counts


def _param_sets(rdf: GraphStore) -> dict[str, list[dict[str, Any]]]:
    """Representative parameters taken from the data: the top concept, its name and type,
    the paper and author around it, a word of a title, and the defaults."""
    top = run_named(rdf, "top-concepts", {"limit": 3}).records()
    assert top, "no concepts in the example build"
    concept = top[0]
    papers = run_named(rdf, "papers-by-concept", {"concept": concept["concept"]}).records()
    paper = papers[0]["paper"]
    ego = run_named(rdf, "ego-network", {"node": paper, "hops": 1}).records()
    authors = [r["target"] for r in ego if r["rel"] == "AUTHORED_BY"]
    word = max(str(papers[0]["title"]).split(), key=len)[:6]
    sets: dict[str, list[dict[str, Any]]] = {
        "top-concepts": [{}, {"type": concept["type"], "limit": 5}, {"limit": 1000}],
        "papers-by-concept": [
            {"concept": concept["concept"]},
            {"concept": str(concept["name"]).upper(), "narrower": False},
            {"concept": top[-1]["concept"], "limit": 3},
        ],
        "concepts-under": [
            {"concept": concept["concept"]},
            {"concept": str(concept["name"]).lower(), "vocabulary": True},
            {"concept": top[-1]["concept"], "narrower": False},
        ],
        "concepts-of-paper": [{"paper": paper}, {"paper": papers[-1]["paper"]}],
        "author-concepts": [{"author": a} for a in authors[:2]],
        "author-id": [{"author": a} for a in authors[:2]] + [{"author": "nobody at all"}],
        "papers-by-author": [{"author": a} for a in authors[:2]],
        "top-cooccurring": [{}, {"concept": concept["concept"]}, {"limit": 1000}],
        "concept-trend": [
            {},
            {"concept": concept["name"]},
            {"concept": concept["concept"], "narrower": False},
        ],
        "ego-network": [
            {"node": concept["concept"]},
            {"node": [concept["concept"], paper], "rels": "MENTIONS,BROADER"},
            {"node": concept["concept"], "rels": "BROADER", "vocabulary": True},
            {"node": paper, "hops": 2},
            {"node": paper, "hops": 2, "types": "paper,author"},
            {"node": concept["concept"], "hops": 2, "types": concept["type"], "limit": 50},
        ],
        "node-degree": [
            {"node": concept["concept"]},
            {"node": concept["concept"], "vocabulary": True},
            {"node": paper},
            {"node": "concept:none"},
        ],
        "paper-id": [
            {"title": str(papers[0]["title"])},
            {"arxiv": str(paper).removeprefix("arxiv:"), "doi": "10.0/none"},
            {},
        ],
        "search": [
            {"text": word},
            {"text": str(concept["name"])[:3]},
            {"text": str(concept["name"])[:3], "vocabulary": True, "limit": 100},
            {"text": "zzzqqq"},
        ],
    }
    if authors:
        names = run_named(rdf, "search", {"text": authors[0].split(":", 1)[-1][:4]}).records()
        by_name = [{"author": r["label"]} for r in names if r["kind"] == "author"]
        sets["author-concepts"] += by_name[:1]
        sets["author-id"] += [{"author": str(r["author"]).upper()} for r in by_name[:1]]
        sets["papers-by-author"] += by_name[:1]
    return sets


def test_every_named_query_has_cases(stores: tuple[GraphStore, GraphStore]) -> None:
    assert set(_param_sets(stores[0])) == set(NAMED_QUERIES)


@pytest.mark.parametrize("name", sorted(NAMED_QUERIES))
def test_named_query_rows_equal(stores: tuple[GraphStore, GraphStore], name: str) -> None:
    rdf, graph = stores
    for params in _param_sets(rdf)[name]:
        expected = _rows(rdf, name, params)
        got = _rows(graph, name, params)
        assert got == expected, f"{name} {params}: rows differ"


@pytest.mark.parametrize(
    ("name", "params", "named"),
    [
        ("papers-by-concept", {"concept": "Quillfeather Nets"}, "Quillfeather Nets"),
        ("concept-trend", {"concept": "Quillfeather Nets"}, "Quillfeather Nets"),
        ("concept-trend", {"concept": "Quillfeather Nets", "narrower": False},
         "Quillfeather Nets"),
        ("top-cooccurring", {"concept": "Quillfeather Nets"}, "Quillfeather Nets"),
        ("papers-by-author", {"author": "Odile Nobodyson"}, "Odile Nobodyson"),
        ("author-concepts", {"author": "Odile Nobodyson"}, "Odile Nobodyson"),
        # no lookup of their own: the general note of an answer without rows
        ("concepts-under", {"concept": "Quillfeather Nets"}, "Quillfeather Nets"),
        ("concepts-of-paper", {"paper": "arxiv:0000.00000"}, "arxiv:0000.00000"),
        ("ego-network", {"node": "concept:quillfeather"}, "concept:quillfeather"),
        ("paper-id", {"title": "Quillfeather Nets at Dawn"}, "Quillfeather Nets at Dawn"),
    ],
)
def test_an_unknown_name_says_why_there_are_no_rows(
    stores: tuple[GraphStore, GraphStore], name: str, params: dict[str, Any], named: str
) -> None:
    """A concept or author the store does not hold: no rows, and a note saying so (naming
    it and how to find what the store holds), the same on every store."""
    for store in stores:
        result = run_named(store, name, params)
        assert result.rows == []
        assert len(result.notes) == 1 and repr(named) in result.notes[0], result.notes
        assert "--named search" in result.notes[0]


def test_app_reads_equal(stores: tuple[GraphStore, GraphStore]) -> None:
    """The app's own query files (app/queries: graph sizes, clusters, evidence, newest
    papers) give the same answers on every backend."""
    from kg.app import reads

    rdf, graph = stores
    top = [r["concept"] for r in run_named(rdf, "top-concepts", {"limit": 40}).records()]
    rows = run_named(rdf, "papers-by-concept", {"concept": top[0], "limit": 30}).records()
    papers = sorted({r["paper"] for r in rows})
    authors = [r["target"] for r in run_named(rdf, "ego-network", {"node": papers[0]}).records()
               if r["rel"] == "AUTHORED_BY"]
    ids = [*top, *authors, "concept:none"]
    assert reads.node_papers(rdf, ids) == reads.node_papers(graph, ids)
    assert reads.node_papers(rdf, ids)[top[0]] > 0
    pairs = reads.cooccurrences(rdf, top)
    assert pairs and pairs == reads.cooccurrences(graph, top)

    def first(store: GraphStore) -> dict[tuple[str, str], tuple[str, str]]:
        found = reads.evidence(store, papers, top)
        return {k: (v[0]["field"], v[0]["sentence"]) for k, v in found.items()}

    assert first(rdf) and first(rdf) == first(graph)
    assert reads.recent_papers(rdf, 5) == reads.recent_papers(graph, 5)
