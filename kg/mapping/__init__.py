"""The graph mapping: how the model (kg/model.py, kg/derived.py) becomes a graph, written once.

- ``terms``: namespaces, the IRI of every node kind, RDF literal escaping;
- ``rdf``: the triples of a paper, author, concept, mention, co-occurrence pair, figure;
- ``sparql``: the update and reads the RDF stores need over those triples;
- ``neo4j``: the rows, Cypher statements and neo4j-admin CSV of the property graph.

The stores (kg/stores/), the bulk writers (kg/bulk.py, kg/distributed/) and the exports
(kg/export/) all write through these functions, so a schema change is made here only.
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.model import ConceptLink


def unique_links(links: Iterable[ConceptLink]) -> list[ConceptLink]:
    """One link per concept and paper, the first one, as every backend keeps it."""
    seen: dict[str, ConceptLink] = {}
    for link in links:
        seen.setdefault(link.id, link)
    return list(seen.values())
