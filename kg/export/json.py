"""node-link JSON (networkx ``node_link_data``: d3 and most JS graph libraries read it)."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from kg.export import ExportContext, Exporter


def write_json(graph: nx.MultiDiGraph, path: Path, ctx: ExportContext) -> list[Path]:
    data = nx.node_link_data(graph, edges="edges")
    data["graph"] = {
        **{k: v for k, v in data.get("graph", {}).items() if k != "description"},
        "description": ctx.description,
        "created": ctx.created_iso,
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), "utf-8")
    return [path]


EXPORTER = Exporter(".json", "node-link JSON (networkx, d3)", write_json)
