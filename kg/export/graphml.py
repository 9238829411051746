"""GraphML for Gephi, yEd, Cytoscape and networkx (lists are written as JSON text)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from kg.export import ExportContext, Exporter, flat_graph


def write_graphml(graph: nx.MultiDiGraph, path: Path, ctx: ExportContext) -> list[Path]:
    nx.write_graphml(flat_graph(graph, ctx), path, encoding="utf-8", named_key_ids=True)
    return [path]


EXPORTER = Exporter(".graphml", "GraphML (Gephi, yEd, Cytoscape, networkx)", write_graphml)
