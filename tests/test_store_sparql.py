"""The remote SPARQL store against a real `oxigraph serve` (the sparql_server fixture)."""

from __future__ import annotations

import pytest

from kg.queries import NAMED_QUERIES, run_named
from kg.stores import ReadOnlyError, StoreError, open_store
from kg.stores.sparql import SparqlStore, parse_uri
from tests.servers import free_port
from tests.test_store_rdf import EVIL, EXPECTED, fill, link, sample, triples

PARAMS = {
    "top-concepts": {},
    "papers-by-concept": {"concept": "Transformer"},
    "concepts-under": {"concept": "Transformer"},
    "concepts-of-paper": {"paper": "arxiv:2010.11929"},
    "author-concepts": {"author": "Noam Shazeer"},
    "author-id": {"author": "noam SHAZEER"},
    "papers-by-author": {"author": "Noam Shazeer"},
    "top-cooccurring": {"concept": "imagenet"},
    "concept-trend": {"concept": "Transformer"},
    "ego-network": {"node": "concept:transformer", "hops": 2},
    "search": {"text": "ima"},
    "paper-id": {"arxiv": "2010.11929"},
    "node-degree": {"node": "concept:transformer"},
}


@pytest.fixture
def remote(sparql_server):
    """The shared server, emptied for this test."""
    store = open_store(f"sparql+{sparql_server.query_url}")
    store.query("CLEAR ALL", write=True)
    yield store
    store.close()


def test_uri_forms() -> None:
    assert parse_uri("sparql+http://h:7878/query") == (
        "http://h:7878/query", "http://h:7878/update", "http://h:7878/store", None
    )
    query, update, store, auth = parse_uri(
        "sparql+https://u:p%40ss@h/ds/sparql?update=/ds/update&store=&x=1"
    )
    assert (query, update, store) == ("https://h/ds/sparql?x=1", "https://h/ds/update", None)
    assert auth == "Basic dTpwQHNz"  # base64 of "u:p@ss"
    assert parse_uri("sparql+http://h/sparql")[1:3] == ("http://h/sparql", None)


def test_remote_graph_equals_embedded(remote) -> None:
    fill(remote)
    assert remote.counts() == EXPECTED
    with open_store("oxigraph:") as local:
        fill(local)
        assert triples(remote) == triples(local)
        for name, params in PARAMS.items():
            assert run_named(remote, name, params).rows == run_named(local, name, params).rows, name
    assert set(PARAMS) == set(NAMED_QUERIES)


def test_remote_is_idempotent_and_replaces_mentions(remote) -> None:
    fill(remote)
    fill(remote)
    assert remote.counts() == EXPECTED
    vit = sample()[1]
    remote.write_papers([type(vit)(vit.paper, [link("concept:vit", "ViT", "architecture")])])
    remote.refresh_derived([])
    assert remote.counts()["mentions"] == EXPECTED["mentions"] - 3


def test_remote_clear_empties_the_graph(remote) -> None:
    fill(remote)
    remote.clear()
    assert remote.counts() == dict.fromkeys(EXPECTED, 0)
    fill(remote)
    assert remote.counts() == EXPECTED


def test_remote_without_graph_store_protocol(sparql_server) -> None:
    base = sparql_server.base_url
    with open_store(f"sparql+{base}/query?update=/update&store=") as store:
        assert isinstance(store, SparqlStore) and store.store_url is None
        store.query("CLEAR ALL", write=True)
        fill(store)
        assert store.counts() == EXPECTED


@pytest.mark.parametrize("evil", EVIL[:3])
def test_remote_injection(remote, evil: str) -> None:
    fill(remote)
    before = triples(remote)
    assert run_named(remote, "search", {"text": evil}).rows == []
    assert run_named(remote, "papers-by-concept", {"concept": evil}).rows == []
    assert triples(remote) == before
    rows = remote.query("SELECT ?x WHERE { BIND($v AS ?x) }", {"v": evil}).rows
    assert rows == [[evil]]


def test_remote_read_only_by_default(remote) -> None:
    fill(remote)
    with pytest.raises(ReadOnlyError):
        remote.query("DROP ALL")
    assert remote.counts() == EXPECTED


def test_unreachable_server_is_one_clear_line() -> None:
    port = free_port()
    with pytest.raises(StoreError) as info:
        open_store(f"sparql+http://user:secret@127.0.0.1:{port}/query")
    message = str(info.value)
    assert "\n" not in message
    assert f"127.0.0.1:{port}/query" in message
    assert "check that the server is running" in message
    assert "secret" not in message


def test_http_error_names_the_endpoint(sparql_server) -> None:
    with pytest.raises(StoreError, match="HTTP 404"):
        open_store(f"sparql+{sparql_server.base_url}/nowhere")
