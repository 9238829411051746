"""Session-scoped pytest fixtures for real servers (load as a plugin).

Register from ``tests/conftest.py`` with::

    pytest_plugins = ["tests.server_fixtures"]

(``tests/__init__.py`` exists so that ``tests`` is an importable package.)

* ``bolt_server``   -> :class:`tests.servers.BoltServer`. An ArcadeDB started with its Bolt
  plugin, or, when ``NEO4J_URI`` is set, the real Neo4j given by NEO4J_URI /
  NEO4J_USERNAME / NEO4J_PASSWORD / NEO4J_DATABASE (default "neo4j"); nothing is started
  then, and ``bolt_server.kind == "neo4j"``.
* ``sparql_server`` -> :class:`tests.servers.SparqlServer`: ``oxigraph serve`` with an
  on-disk store.
* ``bolt_driver``   -> a ``neo4j.Driver`` for ``bolt_server`` (session-scoped, closed at end).
* ``any_store``     -> an empty open store of each backend in turn (an Oxigraph directory,
  rdflib in memory, the SPARQL server, the Bolt server), cleared again after the test.

Both servers are shared by the whole session: tests must use their own ids/labels or clean
up after themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.stores import open_store
from kg.stores.base import GraphStore
from tests.servers import (
    BoltServer,
    ServerStartError,
    SparqlServer,
    external_bolt_server_from_env,
    start_bolt_server,
    start_sparql_server,
)


@pytest.fixture(scope="session")
def bolt_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoltServer]:
    external = external_bolt_server_from_env()
    if external is not None:
        print(f"\n[bolt_server] using external Neo4j at {external.uri} (db {external.database})")
        yield external
        return
    server = start_bolt_server(tmp_path_factory.mktemp("arcadedb"))
    print(f"\n[bolt_server] ArcadeDB at {server.uri} up in {server.startup_seconds:.1f}s")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def bolt_driver(bolt_server: BoltServer):
    driver = bolt_server.driver()
    try:
        yield driver
    finally:
        driver.close()


@pytest.fixture(scope="session")
def sparql_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    server = start_sparql_server(tmp_path_factory.mktemp("oxigraph"))
    try:
        yield server
    finally:
        server.stop()


def bolt_store_uri(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The URI of a store on the session's Bolt server, its login in the environment as
    ``open_store`` reads it; the test is skipped when no Bolt server can start here."""
    try:
        bolt = request.getfixturevalue("bolt_server")
    except ServerStartError as error:
        pytest.skip(f"no Bolt server: {str(error).splitlines()[0]}")
    monkeypatch.setenv("NEO4J_USERNAME", bolt.user)
    monkeypatch.setenv("NEO4J_PASSWORD", bolt.password)
    return f"{bolt.uri}?database={bolt.database}"


@pytest.fixture(params=["oxigraph", "rdflib", "sparql", "bolt"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path,
              monkeypatch: pytest.MonkeyPatch) -> Iterator[GraphStore]:
    """An empty store of each backend: what must hold on every store is tested on all."""
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
