"""A pure-Python store on rdflib: ``rdflib:`` (in memory) or ``rdflib:graph.ttl`` (a file
loaded on open and saved on close). Handy for small graphs, tests and hand-editable output.
Opened for reading, the file must exist and is never saved.

The model of a new backend: everything it writes is kg/mapping/'s, and the whole store
contract (kg/stores/base.py) comes from RdfStore; this module adds only ``open``/``close``
and the two engine hooks ``_select`` and ``_update``, plus three index shortcuts where
rdflib's SPARQL evaluator is slow (``_write`` parses N-Triples; ``_existing`` and ``counts``
look triples up: the SPARQL counts took 195 s on examples/ with the whole vocabulary,
against 7 ms). It is registered by its scheme, ``rdflib``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import rdflib
from rdflib.util import guess_format

from kg.mapping.terms import PREFIXES
from kg.side_index import side_path
from kg.stores.base import OpenMode, QueryResult, StoreError
from kg.stores.rdf import RdfStore
from kg.stores.sparql_text import bind_text, python_value


def from_term(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, rdflib.Literal):
        datatype = str(term.datatype) if term.datatype else None
        return python_value(str(term), "literal", datatype)
    return str(term)


class RdflibStore(RdfStore):

    def __init__(
        self, uri: str, graph: rdflib.Graph, path: Path | None, read_only: bool = False
    ) -> None:
        super().__init__(uri)
        self.graph = graph
        self.path = path
        self.read_only = read_only
        self._dirty = False

    @classmethod
    def open(cls, uri: str, mode: OpenMode = "create") -> RdflibStore:
        location = uri.split(":", 1)[1] if ":" in uri else ""
        graph = rdflib.Graph()
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace, override=True)
        if not location:
            store = cls(uri, graph, None)
            store._open_side_index(None, read_only=False)
            return store
        path = Path(location).expanduser()
        fmt = guess_format(str(path))
        if fmt is None:
            raise StoreError(
                f"cannot tell the RDF format of {path}; use a file ending in .ttl, .nt, .nq, "
                ".jsonld, .rdf or .trig"
            )
        if path.exists():
            try:
                graph.parse(path, format=fmt)
            except Exception as error:  # rdflib raises many parser-specific types
                raise StoreError(f"cannot read {path} as {fmt}: {error}; fix or move it") from None
        elif mode != "create":
            raise StoreError(f"no store file at {path}; build one with `kg build INPUT... "
                             f"--store {uri}`, or check --store")
        store = cls(uri, graph, path, read_only=mode == "read")
        store._open_side_index(side_path(path, directory=False), read_only=mode == "read")
        return store

    def _existing(self, iris: Sequence[str], predicate: str, obj: str = "?any") -> set[str]:
        # by index, not by a VALUES join (slow in rdflib's evaluator)
        prop = rdflib.URIRef(predicate.strip("<>"))
        value = None if obj.startswith("?") else rdflib.URIRef(obj.strip("<>"))
        return {i for i in iris if (rdflib.URIRef(i), prop, value) in self.graph}

    def counts(self) -> dict[str, int]:
        """The definitions of COUNTS_QUERY (kg/mapping/sparql.py), by index lookups;
        tests/test_store_rdf.py checks both give the same counts."""
        g, rdf_type = self.graph, rdflib.RDF.type
        pkg = rdflib.Namespace(PREFIXES["pkg"])

        def typed(cls: rdflib.URIRef) -> set[rdflib.term.Node]:
            return set(g.subjects(rdf_type, cls))

        papers, concepts = typed(pkg.Paper), typed(pkg.Concept)
        mentioned = concepts & set(g.objects(None, rdflib.URIRef(PREFIXES["schema"] + "mentions")))

        def between(prop: rdflib.URIRef, nodes: set[rdflib.term.Node]) -> int:
            return sum(1 for a, b in g.subject_objects(prop) if a in nodes and b in nodes)

        return {
            "papers": len(papers),
            "authors": len(typed(pkg.Author)),
            "concepts": len(mentioned),
            "unmentioned_concepts": len(concepts - mentioned),
            "authored_by": len(typed(pkg.Authorship)),
            "mentions": len(set(g.subjects(pkg.role, None))),
            "cites": between(rdflib.URIRef(PREFIXES["cito"] + "cites"), papers),
            "broader": between(rdflib.SKOS.broader, mentioned),
            "co_occurs": len(set(g.subjects(pkg.weight, None))),
        }

    def _select(self, text: str, params: dict[str, Any] | None = None) -> QueryResult:
        try:
            result = self.graph.query(bind_text(text, params or {}), initNs=PREFIXES)
        except Exception as error:  # pyparsing/rdflib errors have no common base
            raise StoreError(f"SPARQL error: {error}; check the query") from None
        if result.type == "ASK":
            return QueryResult(["boolean"], [[bool(result.askAnswer)]])
        if result.type in {"CONSTRUCT", "DESCRIBE"}:
            rows = [[from_term(t) for t in triple] for triple in result]
            return QueryResult(["subject", "predicate", "object"], rows)
        columns = [str(v) for v in result.vars or []]
        return QueryResult(columns, [[from_term(t) for t in row] for row in result])

    def _update(self, text: str) -> None:
        try:
            self.graph.update(text, initNs=PREFIXES)
        except Exception as error:
            raise StoreError(f"SPARQL Update error: {error}; check the update") from None
        self._dirty = True

    def _write(self, delete: str, ntriples: str) -> None:
        # deletions hold only IRIs and fixed terms (no user text), so splitting them into
        # small updates is safe; rdflib's parser recurses once per operation
        operations = delete.split(" ;\n") if delete else []
        for start in range(0, len(operations), 40):
            self._update(" ;\n".join(operations[start : start + 40]))
        if ntriples:  # parsing N-Triples is far faster than a big INSERT DATA in rdflib
            self.graph.parse(data=ntriples, format="nt")
            self._dirty = True

    def close(self) -> None:
        """Save the graph (atomically: temp file then rename) when it was changed; a store
        opened for reading is never saved."""
        if self.path is not None and self._dirty and not self.read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(self.path.name + ".tmp")
            self.graph.serialize(tmp, format=guess_format(str(self.path)) or "turtle")
            os.replace(tmp, self.path)
            self._dirty = False
        self._close_side_index()  # after the graph is saved
