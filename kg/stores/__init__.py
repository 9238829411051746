"""Graph stores. Every module in this package registers one backend on import."""

from __future__ import annotations

import importlib
import pkgutil

from kg.stores.base import (
    STORES,
    GraphStore,
    OpenMode,
    PaperGraph,
    QueryResult,
    ReadOnlyError,
    RemoteAccessError,
    StoreError,
    WriteStats,
    register_store,
)

__all__ = [
    "DEFAULT_STORE",
    "STORES",
    "GraphStore",
    "OpenMode",
    "PaperGraph",
    "QueryResult",
    "ReadOnlyError",
    "RemoteAccessError",
    "StoreError",
    "WriteStats",
    "load_stores",
    "open_store",
    "register_store",
]

DEFAULT_STORE = "oxigraph:./kg-data"


def load_stores() -> dict[str, type[GraphStore]]:
    """Import every backend module once; a new module is picked up without other changes."""
    if not getattr(load_stores, "_done", False):
        for info in pkgutil.iter_modules(__path__):
            if info.name != "base":
                importlib.import_module(f"{__name__}.{info.name}")
        load_stores._done = True  # type: ignore[attr-defined]
    return STORES


def open_store(uri: str | None = None, mode: OpenMode = "create") -> GraphStore:
    """Open a store by URI: 'oxigraph:PATH' (default ./kg-data), a bare path (Oxigraph),
    'rdflib:[FILE.ttl]', 'sparql+http://host/query', 'neo4j://…' / 'bolt://…'. ``mode``:
    "read" (queries, exports: nothing is written or created), "write" (an existing store),
    "create" (the default, as `kg build`: a new store is made when there is none)."""
    uri = uri or DEFAULT_STORE
    stores = load_stores()
    scheme = uri.split(":", 1)[0].lower() if ":" in uri else ""
    if scheme not in stores:
        if "://" in uri or scheme in {"http", "https"}:
            known = ", ".join(sorted(stores))
            raise StoreError(f"unknown store URI {uri!r}; use one of the schemes: {known}")
        return stores["oxigraph"].open(f"oxigraph:{uri}", mode)  # a plain path
    return stores[scheme].open(uri, mode)
