"""The data of nodes read from the store for the ids a page or a selection needs: paper
fields and author order, concept names, types and aliases, MENTIONS evidence. Batched
queries in both dialects, for the selected ids only (a page never computes a neighbourhood
to show a name).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.graph import KINDS, add_edge, kind_of, set_node

if TYPE_CHECKING:
    from kg.stores.base import GraphStore

_SPARQL_PAPERS = """
SELECT ?id ?title ?abstract ?year ?date ?doi ?arxiv_id ?venue ?entry_type ?url WHERE {
  VALUES ?id { $ids }
  ?n a pkg:Paper ; dcterms:identifier ?id .
  OPTIONAL { ?n dcterms:title ?title } OPTIONAL { ?n dcterms:abstract ?abstract }
  OPTIONAL { ?n pkg:year ?year } OPTIONAL { ?n dcterms:issued ?date }
  OPTIONAL { ?n bibo:doi ?doi } OPTIONAL { ?n pkg:arxivId ?arxiv_id }
  OPTIONAL { ?n pkg:venue ?venue } OPTIONAL { ?n pkg:entryType ?entry_type }
  OPTIONAL { ?n schema:url ?url }
}"""
_SPARQL_AUTHORS = """
SELECT ?paper ?author ?name ?position WHERE {
  VALUES ?paper { $ids }
  ?p a pkg:Paper ; dcterms:identifier ?paper .
  ?s a pkg:Authorship ; pkg:paper ?p ; pkg:author ?a ; pkg:position ?position .
  ?a dcterms:identifier ?author . OPTIONAL { ?a foaf:name ?name }
} ORDER BY ?paper ?position"""
_SPARQL_CONCEPTS = """
SELECT ?id ?name ?type ?alias WHERE {
  VALUES ?id { $ids }
  ?c a pkg:Concept ; dcterms:identifier ?id .
  OPTIONAL { ?c skos:prefLabel ?name } OPTIONAL { ?c pkg:conceptType ?type }
  OPTIONAL { ?c skos:altLabel ?alias }
}"""
# Oxigraph evaluates an OPTIONAL of several patterns by joining against every triple of its
# predicates (the evidence of 300 papers took 3 s at 10k papers): mentions and their
# evidence are two connected patterns, read apart; single-pattern OPTIONALs stay cheap.
_SPARQL_MENTIONS = """
SELECT ?paper ?concept ?role ?confidence WHERE {
  VALUES ?paper { $ids }
  ?p dcterms:identifier ?paper .
  ?m pkg:paper ?p ; a pkg:Mention ; pkg:concept ?c .
  ?c dcterms:identifier ?concept .
  OPTIONAL { ?m pkg:role ?role } OPTIONAL { ?m pkg:confidence ?confidence }
}"""
_SPARQL_EVIDENCE = """
SELECT ?paper ?concept ?field ?sentence WHERE {
  VALUES ?paper { $ids }
  ?p dcterms:identifier ?paper .
  ?m pkg:paper ?p ; pkg:concept ?c ; pkg:evidence ?e .
  ?e pkg:field ?field ; pkg:start ?start ; pkg:sentence ?sentence .
  ?c dcterms:identifier ?concept .
} ORDER BY ?paper ?concept DESC(?field) ?start"""
_CYPHER_PAPERS = """
UNWIND $ids AS id MATCH (n:Paper {id: id}) WHERE n.title IS NOT NULL
RETURN n.id AS id, n.title AS title, n.abstract AS abstract, n.year AS year, n.date AS date,
       n.doi AS doi, n.arxiv_id AS arxiv_id, n.venue AS venue, n.entry_type AS entry_type,
       n.url AS url"""
_CYPHER_AUTHORS = """
UNWIND $ids AS id MATCH (p:Paper {id: id})-[r:AUTHORED_BY]->(a:Author)
RETURN p.id AS paper, a.id AS author, a.name AS name, r.position AS position
ORDER BY paper, position"""
_CYPHER_CONCEPTS = """
UNWIND $ids AS id MATCH (c:Concept {id: id})
RETURN c.id AS id, c.name AS name, c.type AS type, c.aliases AS alias"""
_CYPHER_MENTIONS = """
UNWIND $ids AS id MATCH (p:Paper {id: id})-[m:MENTIONS]->(c:Concept)
RETURN p.id AS paper, c.id AS concept, m.role AS role, m.confidence AS confidence,
       m.fields[0] AS field, m.sentences[0] AS sentence"""
_SPARQL_AUTHOR_NAMES = """
SELECT ?id ?name WHERE {
  VALUES ?id { $ids }
  ?a a pkg:Author ; dcterms:identifier ?id . OPTIONAL { ?a foaf:name ?name }
}"""
_CYPHER_AUTHOR_NAMES = """
UNWIND $ids AS id MATCH (a:Author {id: id}) RETURN a.id AS id, a.name AS name"""
_BATCH = 200


def paper_id_fields(paper_id: str) -> dict[str, str]:
    """What a paper id itself says (its DOI or arXiv id), for stores that lack the field."""
    if paper_id.startswith("doi:"):
        return {"doi": paper_id[4:]}
    if paper_id.startswith("arxiv:"):
        return {"arxiv_id": paper_id[6:]}
    return {}


def _aliases(rows: list[dict]) -> dict[str, list[str]]:
    """Concept id -> its aliases, sorted, from concept details rows (one alias or a list
    per row, depending on the dialect)."""
    found: dict[str, set[str]] = {}
    for row in rows:
        alias = row.get("alias") or []
        found.setdefault(str(row["id"]), set()).update(
            str(a) for a in ([alias] if isinstance(alias, str) else alias)
        )
    return {concept: sorted(values) for concept, values in found.items()}


def node_details(store: GraphStore, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Id -> node attributes (kind, label, and the paper/concept/author fields of the house
    convention) for the ids found in the store: what a page needs to show names and aliases,
    without computing an ego network."""
    by_kind: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for node in dict.fromkeys(ids):
        by_kind[kind_of(node)].append(node)
    out: dict[str, dict[str, Any]] = {}
    for row in details(store, _SPARQL_PAPERS, _CYPHER_PAPERS, by_kind["paper"]):
        fields = {k: v for k, v in row.items() if k != "id" and v is not None}
        if fields.get("year") is not None:
            fields["year"] = int(fields["year"])
        paper = str(row["id"])
        out[paper] = {"kind": "paper", "label": fields.get("title"), **paper_id_fields(paper),
                      **fields}
    for row in details(store, _SPARQL_AUTHORS, _CYPHER_AUTHORS, by_kind["paper"]):
        entry = out.get(str(row["paper"]))
        if entry is not None:
            entry.setdefault("authors", []).append(str(row.get("name") or row["author"]))
    for row in details(store, _SPARQL_AUTHOR_NAMES, _CYPHER_AUTHOR_NAMES, by_kind["author"]):
        name = row.get("name") or str(row["id"])
        out[str(row["id"])] = {"kind": "author", "label": name, "name": name}
    rows = details(store, _SPARQL_CONCEPTS, _CYPHER_CONCEPTS, by_kind["concept"])
    aliases = _aliases(rows)
    for row in rows:
        concept = str(row["id"])
        name = row.get("name") or concept
        out.setdefault(concept, {"kind": "concept", "label": name, "name": name,
                                 "type": row.get("type"), "aliases": aliases[concept]})
    return out


def details(store: GraphStore, sparql: str, cypher: str, ids: list[str]) -> list[dict]:
    """Rows of a details query (the module's SPARQL and Cypher texts) for ``ids``, in
    batches, in the store's dialect."""
    rows: list[dict] = []
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        text = sparql if store.dialect == "sparql" else cypher
        rows += store.query(text, {"ids": chunk}).records()
    return rows


def _mentions(store: GraphStore, papers: list[str]) -> list[dict]:
    """The papers' MENTIONS with role, confidence and the first evidence (title before
    abstract): one row per (paper, concept)."""
    rows = details(store, _SPARQL_MENTIONS, _CYPHER_MENTIONS, papers)
    if store.dialect == "sparql":  # Cypher rows carry the first evidence already
        first: dict[tuple[str, str], dict] = {}
        for row in details(store, _SPARQL_EVIDENCE, "", papers):
            first.setdefault((str(row["paper"]), str(row["concept"])), row)
        for row in rows:
            evidence = first.get((str(row["paper"]), str(row["concept"])), {})
            row.update(field=evidence.get("field"), sentence=evidence.get("sentence"))
    return rows


def enrich(store: GraphStore, g: nx.MultiDiGraph) -> None:
    """Add the data exports need: paper fields and author order, concept type and aliases,
    AUTHORED_BY positions and MENTIONS role/confidence/evidence sentence. Every MENTIONS
    edge between a paper and a concept of ``g`` is added (a selection holds the papers'
    uses of its concepts, so that a review matrix never shows an empty cell for a paper
    that names a selected concept)."""
    by_kind: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for node, data in g.nodes(data=True):
        by_kind.get(str(data.get("kind")), []).append(node)
    papers = by_kind["paper"]
    for row in details(store, _SPARQL_PAPERS, _CYPHER_PAPERS, papers):
        fields = {k: v for k, v in row.items() if k != "id"}
        if fields.get("year") is not None:
            fields["year"] = int(fields["year"])
        set_node(g, str(row["id"]), label=fields.get("title"), **fields)
    names: dict[str, list[str]] = {}
    for row in details(store, _SPARQL_AUTHORS, _CYPHER_AUTHORS, papers):
        paper, author = str(row["paper"]), str(row["author"])
        names.setdefault(paper, []).append(str(row.get("name") or author))
        if g.has_edge(paper, author, key="AUTHORED_BY"):
            g.edges[paper, author, "AUTHORED_BY"]["position"] = int(row["position"])
    for paper, ordered in names.items():
        g.nodes[paper]["authors"] = ordered
    rows = details(store, _SPARQL_CONCEPTS, _CYPHER_CONCEPTS, by_kind["concept"])
    for row in rows:
        name = row.get("name")
        set_node(g, str(row["id"]), name=name, type=row.get("type"), label=name)
    for concept, values in _aliases(rows).items():
        if values:
            g.nodes[concept]["aliases"] = values
    for row in _mentions(store, papers):
        paper, concept = str(row["paper"]), str(row["concept"])
        if not g.has_edge(paper, concept, key="MENTIONS"):
            if g.nodes.get(concept, {}).get("kind") != "concept":
                continue
            add_edge(g, paper, concept, "MENTIONS")
        edge = g.edges[paper, concept, "MENTIONS"]
        if "role" in edge:  # one row per mention; a repeated one changes nothing
            continue
        for key in ("role", "confidence", "sentence", "field"):
            if row.get(key) is not None:
                edge[key] = float(row[key]) if key == "confidence" else row[key]
    for node, data in g.nodes(data=True):
        if data.get("kind") == "paper":
            for key, value in paper_id_fields(node).items():
                data.setdefault(key, value)
            data.setdefault("title", data.get("label"))
        elif data.get("kind") in {"author", "concept"}:
            data.setdefault("name", data.get("label"))


