"""Graph stores: one module per backend, found by URI scheme in kg/plugins.py's table (only
the backend a URI names is imported: opening Oxigraph imports nothing of rdflib or Neo4j)."""

from __future__ import annotations

from kg import plugins
from kg.stores.base import (
    GraphStore,
    OpenMode,
    PaperGraph,
    QueryResult,
    ReadOnlyError,
    RemoteAccessError,
    StoreError,
    WriteStats,
)

__all__ = [
    "DEFAULT_STORE",
    "GraphStore",
    "OpenMode",
    "PaperGraph",
    "QueryResult",
    "ReadOnlyError",
    "RemoteAccessError",
    "StoreError",
    "WriteStats",
    "open_store",
    "store_schemes",
]

DEFAULT_STORE = "oxigraph:./kg-data"


def store_schemes() -> list[str]:
    """The URI schemes a store can be opened with (nothing imported)."""
    return plugins.names("store")


def open_store(
    uri: str | None = None, mode: OpenMode = "create", check_format: bool = True
) -> GraphStore:
    """Open a store by URI: 'oxigraph:PATH' (default ./kg-data), a bare path (Oxigraph),
    'rdflib:[FILE.ttl]', 'sparql+http://host/query', 'neo4j://…' / 'bolt://…'. ``mode``:
    "read" (queries, exports: nothing is written or created), "write" (an existing store),
    "create" (the default, as `kg build`: a new store is made when there is none). A store
    of an older graph format is refused (StoreError saying how to migrate it) unless
    ``check_format`` is False (`kg refresh --migrate`)."""
    uri = uri or DEFAULT_STORE
    scheme = uri.split(":", 1)[0].lower() if ":" in uri else ""
    if not plugins.known("store", scheme):
        if "://" in uri or scheme in {"http", "https"}:
            known = ", ".join(sorted(store_schemes()))
            raise StoreError(f"unknown store URI {uri!r}; use one of the schemes: {known}")
        scheme, uri = "oxigraph", f"oxigraph:{uri}"  # a plain path
    try:
        backend: type[GraphStore] = plugins.load("store", scheme)
    except plugins.PluginError as error:
        raise StoreError(str(error)) from error
    store = backend.open(uri, mode)
    if check_format:
        try:
            store.check_format()
        except StoreError:
            store.close()
            raise
    return store
