"""JSON-LD with a compact context, same triples as the Turtle export."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from kg.export import ExportContext, Exporter
from kg.export._rdf import CONTEXT, to_rdf


def write_jsonld(graph: nx.MultiDiGraph, path: Path, ctx: ExportContext) -> list[Path]:
    text = to_rdf(graph, ctx).serialize(format="json-ld", context=CONTEXT, indent=1)
    document = json.loads(text)
    if isinstance(document.get("@graph"), list):  # node order by id: the same file each time
        document["@graph"].sort(key=lambda node: str(node.get("@id", "")))
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return [path]


EXPORTER = Exporter(".jsonld", "JSON-LD (same triples as ttl)", write_jsonld)
