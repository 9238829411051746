"""GEXF 1.2 for Gephi: node ``label`` is the display label, edges keep ``rel`` and weight."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from kg.export import ExportContext, Exporter, flat_graph


def write_gexf(graph: nx.MultiDiGraph, path: Path, ctx: ExportContext) -> list[Path]:
    flat = flat_graph(graph, ctx)
    for u, v, k, data in flat.edges(keys=True, data=True):
        data["id"] = f"{u}|{k}|{v}"  # unique edge ids: GEXF readers key edges by id
        data["label"] = k
    nx.write_gexf(flat, path, encoding="utf-8", version="1.2draft")
    return [path]


EXPORTER = Exporter(".gexf", "GEXF 1.2 (Gephi)", write_gexf)
