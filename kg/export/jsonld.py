"""JSON-LD with a compact context, same triples as the Turtle export."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from kg.export import ExportContext, register
from kg.export._rdf import CONTEXT, to_rdf


@register("jsonld", ".jsonld", "JSON-LD (same triples as ttl)")
def write_jsonld(graph: nx.MultiDiGraph, path: Path, ctx: ExportContext) -> list[Path]:
    text = to_rdf(graph, ctx).serialize(format="json-ld", context=CONTEXT, indent=1)
    path.write_text(text, "utf-8")
    return [path]
