"""Turtle, in the RDF store's vocabulary (load it into any triple store)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from kg.export import ExportContext, Exporter
from kg.export._rdf import to_rdf


def write_ttl(graph: nx.MultiDiGraph, path: Path, ctx: ExportContext) -> list[Path]:
    to_rdf(graph, ctx).serialize(destination=path, format="turtle", encoding="utf-8")
    return [path]


EXPORTER = Exporter(".ttl", "RDF Turtle (pkg: vocabulary of the RDF store)", write_ttl)
