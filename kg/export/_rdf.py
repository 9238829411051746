"""The RDF mapping of the Turtle and JSON-LD exports (not a format itself).

Reuses the graph's RDF mapping (kg/mapping/: IRIs, prefixes, literal escaping, the authorship
and co-occurrence nodes) so that an exported file loaded into any triple store answers the
same SPARQL as the store itself:
pkg:Paper/pkg:Author/pkg:Concept nodes, ``dcterms:creator`` + pkg:Authorship (position),
``schema:mentions`` + pkg:Mention (role, confidence, evidence sentence), ``cito:cites``,
``skos:broader``, ``pkg:coOccursWith`` + pkg:CoOccurrence (weight).
"""

from __future__ import annotations

from urllib.parse import quote

import networkx as nx
from rdflib import Graph

from kg.export import ExportContext
from kg.mapping.rdf import authorship_triples, curated_triples, pair_node_triples
from kg.mapping.terms import (
    ID,
    PREFIXES,
    TYPE,
    XSD,
    Triples,
    author_iri,
    concept_class,
    concept_iri,
    expand,
    mention_iri,
    paper_iri,
    sparql_literal,
)
from kg.model import Curated

# the predicate of the direct triple of each edge relation (what the tests count)
EDGE_PREDICATES = {
    "AUTHORED_BY": "dcterms:creator",
    "MENTIONS": "schema:mentions",
    "CITES": "cito:cites",
    "BROADER": "skos:broader",
    "CO_OCCURS": "pkg:coOccursWith",
}
CLASSES = {"paper": "pkg:Paper", "author": "pkg:Author", "concept": "pkg:Concept"}
CONTEXT = dict(PREFIXES)
_IRI = {"paper": paper_iri, "author": author_iri, "concept": concept_iri}
_PAPER_FIELDS = {
    "title": "dcterms:title",
    "abstract": "dcterms:abstract",
    "doi": "bibo:doi",
    "arxiv_id": "pkg:arxivId",
    "venue": "pkg:venue",
}


def node_iri(node: str, kind: str) -> str:
    make = _IRI.get(kind)
    return make(node) if make else f"{ID}node/{quote(node, safe=':')}"


def _lit(value: object, datatype: str | None = None) -> str:
    return sparql_literal(value, datatype)


def _mark(data: dict) -> Curated | None:
    """The curated origin of a node or edge read from the store (kg/details.py)."""
    by = data.get("curated_by")
    return Curated(str(by), str(data.get("curated_at") or "")) if by else None


def _node_triples(node: str, data: dict, iri: str, out: Triples) -> None:
    kind = str(data.get("kind") or "")
    if kind in CLASSES:
        out.add(iri, TYPE, expand(CLASSES[kind]))
    out.add(iri, expand("dcterms:identifier"), _lit(node))
    curated_triples(iri, _mark(data), out)
    if kind == "paper":
        out.add(iri, TYPE, expand("schema:ScholarlyArticle"))
        for attr, prop in _PAPER_FIELDS.items():
            if data.get(attr):
                out.add(iri, expand(prop), _lit(str(data[attr])))
        if data.get("year") is not None:
            out.add(iri, expand("pkg:year"), _lit(int(data["year"])))
        if data.get("url"):
            out.add(iri, expand("schema:url"), _lit(str(data["url"]), XSD + "anyURI"))
    elif kind == "author":
        out.add(iri, TYPE, expand("foaf:Person"))
        out.add(iri, expand("foaf:name"), _lit(str(data.get("name") or data.get("label") or node)))
        if data.get("orcid"):
            out.add(iri, expand("pkg:orcid"), _lit(str(data["orcid"])))
    elif kind == "concept":
        out.add(iri, TYPE, expand("skos:Concept"))
        out.add(iri, expand("skos:prefLabel"), _lit(str(data.get("name") or data.get("label"))))
        for alias in data.get("aliases") or []:
            out.add(iri, expand("skos:altLabel"), _lit(str(alias)))
        if data.get("type"):
            out.add(iri, expand("pkg:conceptType"), _lit(str(data["type"])))
            cls = concept_class(str(data["type"]))
            if cls:
                out.add(iri, TYPE, cls)
    elif data.get("label"):
        out.add(iri, expand("rdfs:label"), _lit(str(data["label"])))


def _edge_triples(u: str, v: str, rel: str, data: dict, iris: dict[str, str], out: Triples) -> None:
    src, dst = iris[u], iris[v]
    out.add(src, expand(EDGE_PREDICATES.get(rel, f"pkg:{rel.lower()}")), f"<{dst}>")
    if rel == "AUTHORED_BY" and data.get("position") is not None:
        authorship_triples(u, int(data["position"]), v, out)
    elif rel == "MENTIONS":
        m = mention_iri(u, v)
        out.add(m, TYPE, expand("pkg:Mention"))
        out.add(m, expand("pkg:paper"), f"<{src}>")
        out.add(m, expand("pkg:concept"), f"<{dst}>")
        if data.get("role"):
            out.add(m, expand("pkg:role"), _lit(str(data["role"])))
        if data.get("confidence") is not None:
            out.add(m, expand("pkg:confidence"), _lit(float(data["confidence"])))
        curated_triples(m, _mark(data), out)
        if data.get("sentence"):
            e = f"{m}/0"
            out.add(m, expand("pkg:evidence"), f"<{e}>")
            out.add(e, TYPE, expand("pkg:Evidence"))
            out.add(e, expand("pkg:sentence"), _lit(str(data["sentence"])))
            if data.get("field"):
                out.add(e, expand("pkg:field"), _lit(str(data["field"])))
    elif rel == "CO_OCCURS":
        weight = data.get("weight", 1)
        a, b = sorted((u, v))  # the pair node is the store's: its concepts in id order
        pair_node_triples(a, b, int(weight) if float(weight).is_integer() else float(weight), out)


def to_rdf(graph: nx.MultiDiGraph, ctx: ExportContext) -> Graph:
    """The selection as an rdflib Graph with the store's prefixes bound."""
    out = Triples()
    iris = {n: node_iri(n, str(d.get("kind") or "")) for n, d in graph.nodes(data=True)}
    for node, data in graph.nodes(data=True):
        _node_triples(node, data, iris[node], out)
    for u, v, rel, data in graph.edges(keys=True, data=True):
        _edge_triples(u, v, rel, data, iris, out)
    export = f"{ID}export/{quote(ctx.created_iso, safe='')}"
    out.add(export, TYPE, expand("pkg:Export"))
    out.add(export, expand("dcterms:description"), _lit(ctx.description))
    out.add(export, expand("dcterms:created"), _lit(ctx.created_iso, XSD + "dateTime"))
    rdf = Graph()
    for prefix, namespace in PREFIXES.items():
        rdf.bind(prefix, namespace)
    rdf.parse(data=out.text(), format="nt")
    return rdf
