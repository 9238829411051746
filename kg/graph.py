"""The networkx bridge: the in-memory shape of a selection of the store, an
``nx.MultiDiGraph`` (kg/selection.py cuts it out of a store; kg/details.py adds node data;
kg/analytics.py ranks and groups its nodes).

Exports, the app's graph view and analytics all work on one in-memory shape so that a new
export format or view never talks to a store. Convention (one place, used everywhere):

- node key = entity id (``arxiv:…``, ``doi:…``, ``name:…``, ``concept:…``);
  attrs ``kind`` (paper|author|concept) and ``label``; papers add ``title``, ``year``,
  ``doi``, ``arxiv_id``, ``url``, ``venue``, ``entry_type`` (BibTeX), ``abstract``,
  ``authors`` (names in order);
  concepts add ``type``, ``aliases``; authors add ``name`` (and ``orcid`` when known);
- edge key = ``rel``; attrs ``rel`` and ``weight`` (default 1): AUTHORED_BY paper→author
  (``position``), MENTIONS paper→concept (``role`` proposed|used, ``confidence``,
  ``sentence``), CITES paper→paper, BROADER narrower→broader, CO_OCCURS concept→concept
  (``weight`` = papers in common, stored once per pair).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable
from typing import Any

import networkx as nx

from kg.mapping.terms import ID
from kg.model import Author, ConceptInfo, ConceptLink, Paper

KINDS = ("paper", "author", "concept")
RELS = ("AUTHORED_BY", "MENTIONS", "CITES", "BROADER", "CO_OCCURS")
UNDIRECTED_RELS = frozenset({"CO_OCCURS"})

__all__ = [
    "KINDS",
    "RELS",
    "add_author",
    "add_concept",
    "add_cooccurrence",
    "add_edge",
    "add_paper",
    "build_graph",
    "graph_counts",
    "kind_of",
    "link_concepts",
    "new_graph",
    "set_node",
]


# --------------------------------------------------------------------------- building


def kind_of(node_id: str) -> str:
    """A node's kind from its id: ``concept:…``, papers ``doi:``/``arxiv:``/``title:``,
    anything else an author (``orcid:``, ``name:``, ``openalex:A…``); an IRI of the graph's
    own nodes (``https://paper-kg.org/id/paper/…``, what ``SELECT ?p`` gives) by the kind it
    names, so that a query's papers are never taken for authors."""
    if node_id.startswith(ID):
        kind = node_id.removeprefix(ID).split("/", 1)[0]
        return kind if kind in KINDS else "author"
    if node_id.startswith("concept:"):
        return "concept"
    if node_id.split(":", 1)[0] in {"doi", "arxiv", "title"}:
        return "paper"
    return "author"


def new_graph(description: str = "") -> nx.MultiDiGraph:
    """An empty graph in the house convention: ``omitted`` counts the edges a budget left
    out, ``omitted_by_kind`` per relation."""
    g = nx.MultiDiGraph()
    g.graph["description"] = description
    g.graph["omitted"] = 0
    g.graph["omitted_by_kind"] = {}
    return g


def add_edge(g: nx.MultiDiGraph, source: str, target: str, rel: str, **attrs: Any) -> None:
    """Add or update the one ``rel`` edge between two nodes (the key is the relation, so
    unions of selections never duplicate edges). CO_OCCURS is stored once per pair."""
    if rel in UNDIRECTED_RELS:
        reverse_exists = g.has_edge(target, source, key=rel)
        if reverse_exists or (not g.has_edge(source, target, key=rel) and target < source):
            source, target = target, source
    data = {k: v for k, v in attrs.items() if v is not None}
    data.setdefault("weight", 1)
    if g.has_edge(source, target, key=rel):
        g.edges[source, target, rel].update(data)
    else:
        g.add_edge(source, target, key=rel, rel=rel, **data)


def set_node(g: nx.MultiDiGraph, node: str, **attrs: Any) -> None:
    """Merge attributes into a node, keeping known values over empty ones."""
    data = {k: v for k, v in attrs.items() if v not in (None, "", [])}
    if node in g:
        g.nodes[node].update(data)
    else:
        g.add_node(node, **data)


def add_author(g: nx.MultiDiGraph, author: Author) -> str:
    set_node(g, author.id, kind="author", label=author.name, name=author.name, orcid=author.orcid)
    return author.id


# the Paper fields a paper node carries as they are
_PAPER_FIELDS = ("title", "year", "date", "doi", "arxiv_id", "url", "venue", "entry_type",
                 "abstract")


def add_paper(g: nx.MultiDiGraph, paper: Paper, with_authors: bool = True) -> str:
    """Add a paper node (and its authors with AUTHORED_BY positions, 1-based)."""
    fields = {name: getattr(paper, name) for name in _PAPER_FIELDS}
    set_node(g, paper.id, kind="paper", label=paper.title, **fields,
             authors=[a.name for a in paper.authors], references=list(paper.references))
    if with_authors:
        for position, author in enumerate(paper.authors, start=1):
            add_edge(g, paper.id, add_author(g, author), "AUTHORED_BY", position=position)
    return paper.id


def add_concept(g: nx.MultiDiGraph, concept: ConceptInfo | ConceptLink) -> str:
    aliases = list(getattr(concept, "aliases", []) or [])
    set_node(g, concept.id, kind="concept", label=concept.name, name=concept.name,
             type=concept.type, aliases=aliases, source=concept.source)
    for broader in getattr(concept, "broader", []) or []:
        add_edge(g, concept.id, broader, "BROADER")
    return concept.id


def link_concepts(g: nx.MultiDiGraph, paper_id: str, links: Iterable[ConceptLink]) -> None:
    """MENTIONS edges with the evidence exports need (first mention's sentence)."""
    for link in links:
        add_concept(g, link)
        first = link.mentions[0] if link.mentions else None
        add_edge(
            g,
            paper_id,
            link.id,
            "MENTIONS",
            role="proposed" if link.proposed else "used",
            confidence=float(link.confidence),
            sentence=first.sentence if first else None,
            field=first.field if first else None,
            mentions=len(link.mentions),
        )


def add_cooccurrence(g: nx.MultiDiGraph, min_weight: float = 1) -> None:
    """CO_OCCURS between concepts mentioned by the same papers of ``g`` (weight = papers)."""
    pairs: Counter[tuple[str, str]] = Counter()
    for node, data in g.nodes(data=True):
        if data.get("kind") != "paper":
            continue
        concepts = sorted({t for _, t, k in g.out_edges(node, keys=True) if k == "MENTIONS"})
        pairs.update(itertools.combinations(concepts, 2))
    for (a, b), weight in pairs.items():
        if weight >= min_weight:
            add_edge(g, a, b, "CO_OCCURS", weight=weight)


def build_graph(
    records: Iterable[tuple[Paper, Iterable[ConceptLink]]],
    concepts: Iterable[ConceptInfo] = (),
    cooccurrence: bool = True,
    description: str = "",
) -> nx.MultiDiGraph:
    """A graph straight from papers and extraction results (no store): tests, small corpora
    and ``kg export`` of a file; CITES only between papers present, BROADER only between
    concepts present, so that no node lacks its data."""
    g = new_graph(description)
    papers: list[Paper] = []
    for paper, links in records:
        add_paper(g, paper)
        link_concepts(g, paper.id, links)
        papers.append(paper)
    used = {n for n, d in g.nodes(data=True) if d.get("kind") == "concept"}
    for info in concepts:
        if info.id in used:
            add_concept(g, info)
    for paper in papers:
        for ref in paper.references:
            if ref in g and ref != paper.id and g.nodes[ref].get("kind") == "paper":
                add_edge(g, paper.id, ref, "CITES")
    dangling = [n for n in g if "kind" not in g.nodes[n]]
    g.remove_nodes_from(dangling)
    if cooccurrence:
        add_cooccurrence(g)
    return g


def graph_counts(g: nx.MultiDiGraph) -> dict[str, int]:
    """Nodes per kind and edges per relation (what the export summary prints)."""
    counts = {kind: 0 for kind in KINDS} | {rel: 0 for rel in RELS}
    for _, data in g.nodes(data=True):
        counts[data.get("kind", "other")] = counts.get(data.get("kind", "other"), 0) + 1
    for _, _, rel in g.edges(keys=True):
        counts[rel] = counts.get(rel, 0) + 1
    counts["nodes"] = g.number_of_nodes()
    counts["edges"] = g.number_of_edges()
    return counts
