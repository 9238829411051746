"""Analytics on a selection graph (kg/graph.py convention): node centrality and concept
communities, computed by networkx."""

from __future__ import annotations

import networkx as nx

__all__ = ["concept_communities", "rank_nodes"]


def rank_nodes(
    g: nx.MultiDiGraph, alpha: float = 0.85, max_iter: int = 200, tol: float = 1e-9
) -> dict[str, float]:
    """PageRank over the undirected weighted view (a concept is central when well connected
    either way; parallel edges add their weights, self-loops are left out), by networkx's
    sparse power iteration (benchmarks/bench_pagerank.py). The error shrinks by ``alpha``
    per round, so 200 rounds always reach ``tol`` (per node, as networkx counts it)."""
    if g.number_of_nodes() == 0:
        return {}
    h = nx.Graph()
    h.add_nodes_from(g)
    for u, v, data in g.edges(data=True):
        if u != v:
            w = float(data.get("weight", 1) or 1)
            h.add_edge(u, v, weight=h[u][v]["weight"] + w if h.has_edge(u, v) else w)
    return nx.pagerank(h, alpha=alpha, max_iter=max_iter, tol=tol, weight="weight")


def concept_communities(g: nx.MultiDiGraph, seed: int = 7) -> dict[str, int]:
    """Louvain communities of concepts over CO_OCCURS weights; numbered 0.. by size so the
    largest community is 0 (stable colours in the app). Isolated concepts get their own."""
    h = nx.Graph()
    h.add_nodes_from(n for n, d in g.nodes(data=True) if d.get("kind") == "concept")
    for u, v, data in g.edges(data=True):
        if data.get("rel") == "CO_OCCURS" and u in h and v in h and u != v:
            w = float(data.get("weight", 1) or 1)
            if h.has_edge(u, v):
                h[u][v]["weight"] += w
            else:
                h.add_edge(u, v, weight=w)
    if h.number_of_nodes() == 0:
        return {}
    groups = nx.community.louvain_communities(h, weight="weight", seed=seed)
    ordered = sorted(groups, key=lambda c: (-len(c), min(c)))
    return {node: index for index, group in enumerate(ordered) for node in group}
