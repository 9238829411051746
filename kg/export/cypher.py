"""A Cypher script that recreates the selection in Neo4j (or any Bolt/openCypher server).

One statement per line, each ending in ``;`` (cypher-shell runs it as is). No parameters:
every value is a literal, strings escaped for Cypher's single-quoted form, so a title with
quotes, backslashes or newlines cannot break out of its string. MERGE makes a re-run
harmless. Labels Paper/Author/Concept with an ``id`` property, as the Neo4j store uses
(kg/mapping/neo4j.py, which also escapes the literals).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from kg.export import ExportContext, Exporter
from kg.mapping.neo4j import NODE_LABELS, cypher_string, cypher_value

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _set(var: str, data: dict[str, Any], skip: tuple[str, ...] = ()) -> str:
    """`` SET v.k = literal, …`` (one assignment per property: the widest-supported form)."""
    parts = []
    for key in sorted(data):
        if key in skip or not _IDENT.fullmatch(key):
            continue
        literal = cypher_value(data[key])
        if literal is not None and literal != "[]":
            parts.append(f"{var}.{key} = {literal}")
    return " SET " + ", ".join(parts) if parts else ""


def _label(graph: nx.MultiDiGraph, node: str) -> str:
    return NODE_LABELS.get(str(graph.nodes[node].get("kind")), "Node")


def statements(graph: nx.MultiDiGraph) -> Iterator[str]:
    """MERGE every node by label and id, then every edge by type between matched ends."""
    for node, data in graph.nodes(data=True):
        label = _label(graph, node)
        props = _set("n", data, skip=("id", "kind"))
        yield f"MERGE (n:{label} {{id: {cypher_string(node)}}}){props};"
    for u, v, rel, data in graph.edges(keys=True, data=True):
        if not _IDENT.fullmatch(rel):
            continue
        props = _set("r", {**data, "weight": data.get("weight", 1)}, skip=("rel",))
        yield (
            f"MATCH (a:{_label(graph, u)} {{id: {cypher_string(u)}}}), "
            f"(b:{_label(graph, v)} {{id: {cypher_string(v)}}}) "
            f"MERGE (a)-[r:{rel}]->(b){props};"
        )


def script(graph: nx.MultiDiGraph, ctx: ExportContext) -> str:
    header = [
        "// paper-kg export: recreate this selection with `cypher-shell -f FILE`",
        f"// selection: {' '.join(ctx.description.split())}",
        f"// created: {ctx.created_iso}",
        f"// nodes: {graph.number_of_nodes()}, relationships: {graph.number_of_edges()}",
    ]
    return "\n".join([*header, *statements(graph)]) + "\n"


def write_cypher(graph: nx.MultiDiGraph, path: Path, ctx: ExportContext) -> list[Path]:
    path.write_text(script(graph, ctx), "utf-8")
    return [path]


EXPORTER = Exporter(".cypher", "Cypher script (MERGE statements) for Neo4j", write_cypher)
