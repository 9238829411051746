"""The default store: an embedded Oxigraph (pyoxigraph) database on disk, no server needed.

``oxigraph:./kg-data`` or a bare path; ``oxigraph:`` alone is an in-memory store. When
another process holds the database (e.g. the app), it is opened read-only so that queries
still work. Large inserts go through Oxigraph's bulk loader.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.stores.base import QueryResult, StoreError, register_store
from kg.stores.rdf import PREFIXES, RdfStore, bind_text, python_value

BULK_BYTES = 4_000_000  # inserts larger than this use the (non-transactional) bulk loader
READ_ONLY_ATTEMPTS = 5


def from_term(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return python_value(term.value, "literal", term.datatype.value)
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


def convert(result: Any) -> QueryResult:
    """pyoxigraph results (solutions, boolean or triples) as a QueryResult."""
    if isinstance(result, ox.QuerySolutions):
        columns = [v.value for v in result.variables]
        rows = [[from_term(sol[i]) for i in range(len(columns))] for sol in result]
        return QueryResult(columns, rows)
    if isinstance(result, ox.QueryBoolean):
        return QueryResult(["boolean"], [[bool(result)]])
    rows = [[from_term(t.subject), from_term(t.predicate), from_term(t.object)] for t in result]
    return QueryResult(["subject", "predicate", "object"], rows)


@register_store
class OxigraphStore(RdfStore):
    scheme = "oxigraph"

    def __init__(self, uri: str, store: ox.Store, path: Path | None, read_only: bool) -> None:
        super().__init__(uri)
        self.store: ox.Store | None = store
        self.path = path
        self.read_only = read_only

    @classmethod
    def open(cls, uri: str) -> OxigraphStore:
        location = uri.split(":", 1)[1] if uri.lower().startswith("oxigraph:") else uri
        if not location:
            return cls(uri, ox.Store(), None, False)  # 'oxigraph:' = in memory
        path = Path(location).expanduser()
        if path.exists() and not path.is_dir():
            raise StoreError(
                f"{path} is a file, not an Oxigraph store directory; give a directory path "
                "(e.g. --store oxigraph:./kg-data) or rdflib:FILE.ttl for a Turtle file"
            )
        try:
            return cls(uri, ox.Store(str(path)), path, False)
        except OSError as error:
            if "lock" not in str(error).lower():
                raise StoreError(f"cannot open Oxigraph store at {path}: {error}") from None
        for attempt in range(READ_ONLY_ATTEMPTS):  # held by another process: still readable
            try:
                return cls(uri, ox.Store.read_only(str(path)), path, True)
            except (OSError, RuntimeError) as error:
                # the writer may compact files away between listing and opening them
                if attempt + 1 < READ_ONLY_ATTEMPTS and "No such file" in str(error):
                    time.sleep(0.05 * (attempt + 1))
                    continue
                raise StoreError(
                    f"the Oxigraph store at {path} is in use by another process and cannot be "
                    f"read ({error}); stop that process (e.g. the app) or use another --store"
                ) from None
        raise AssertionError("unreachable")

    def _engine(self) -> ox.Store:
        if self.store is None:
            raise StoreError(f"store {self.uri} is closed; open it again")
        return self.store

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError(
                f"the Oxigraph store at {self.path} is in use by another process (e.g. the "
                "app), so it was opened read-only; stop that process and run again"
            )

    def _select(self, text: str, params: dict[str, Any] | None = None) -> QueryResult:
        # pyoxigraph substitutions only bind projected variables (SEP-0007), so parameters
        # are pasted as escaped literals, as on the other SPARQL backends
        try:
            result = self._engine().query(bind_text(text, params or {}), prefixes=PREFIXES)
            return convert(result)
        except SyntaxError as error:
            raise StoreError(f"SPARQL syntax error: {error}; check the query") from None
        except OSError as error:
            raise StoreError(f"cannot read the Oxigraph store at {self.path}: {error}") from None
        except RuntimeError as error:
            raise StoreError(f"SPARQL evaluation failed: {error}") from None

    def _rows(self, text: str) -> Iterator[list[Any]]:
        """Stream a SELECT's rows (the refresh reads millions of mention rows)."""
        solutions = self._engine().query(text, prefixes=PREFIXES)
        width = len(solutions.variables)  # type: ignore[union-attr]
        for solution in solutions:  # type: ignore[union-attr]
            yield [from_term(solution[i]) for i in range(width)]

    def _update(self, text: str) -> None:
        self._check_writable()
        try:
            self._engine().update(text, prefixes=PREFIXES)
        except SyntaxError as error:
            raise StoreError(f"SPARQL Update syntax error: {error}; check the update") from None

    def _write(self, delete: str, ntriples: str) -> None:
        if len(ntriples) < BULK_BYTES:
            super()._write(delete, ntriples)
            return
        # large loads: deletions in one transaction, then the bulk loader (re-running a
        # build after an interruption converges because both steps are idempotent)
        if delete:
            self._update(delete)
        self._check_writable()
        self._engine().bulk_load(ntriples.encode("utf-8"), ox.RdfFormat.N_TRIPLES)

    def rdflib_graph(self):  # -> rdflib.Graph
        """This store as an rdflib Graph (through oxrdflib), for rdflib-based tools."""
        import rdflib
        from oxrdflib import OxigraphStore as OxRdflibStore
        from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

        # the default graph, where paper-kg writes (a plain Graph() would be a named graph)
        return rdflib.Graph(
            store=OxRdflibStore(store=self._engine()), identifier=DATASET_DEFAULT_GRAPH_ID
        )

    def close(self) -> None:
        if self.store is not None and not self.read_only:
            self.store.flush()
        self.store = None
