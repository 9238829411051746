"""A standalone interactive page (pyvis / vis-network) that works offline: the library is
inlined and pyvis's CDN links (bootstrap) are removed, so opening it makes no request."""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import networkx as nx
from pyvis.network import Network

from kg.analytics import concept_communities, rank_nodes
from kg.export import ExportContext, Exporter, node_label

COLORS = {
    "paper": "#4e79a7",
    "author": "#f28e2b",
    "architecture": "#59a14f",
    "benchmark": "#e15759",
    "method": "#b07aa1",
    "concept": "#76b7b2",
}
SHAPES = {"paper": "dot", "author": "triangle", "concept": "diamond"}
_REMOTE = re.compile(
    r"<link\b[^>]*\bhref=\"https?://[^\"]*\"[^>]*>|"
    r"<script\b[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>",
    re.IGNORECASE | re.DOTALL,
)


def _tooltip(node: str, data: dict, community: int | None) -> str:
    lines = [node_label_from(data, node), f"{data.get('kind', '')} · {node}"]
    for key in ("type", "year", "venue", "doi", "arxiv_id"):
        if data.get(key):
            lines.append(f"{key}: {data[key]}")
    if community is not None:
        lines.append(f"community {community}")
    return "\n".join(lines)


def node_label_from(data: dict, node: str) -> str:
    return str(data.get("label") or data.get("title") or data.get("name") or node)


def page(graph: nx.MultiDiGraph, ctx: ExportContext) -> str:
    """The HTML text (no external resources)."""
    net = Network(height="800px", width="100%", directed=True, cdn_resources="in_line")
    ranks = rank_nodes(graph)
    top = max(ranks.values(), default=1.0) or 1.0
    communities = concept_communities(graph)
    for node, data in graph.nodes(data=True):
        kind = str(data.get("kind", "concept"))
        color = COLORS.get(str(data.get("type") or kind), COLORS.get(kind, "#999999"))
        label = node_label(graph, node)
        net.add_node(
            node,
            label=label if len(label) <= 40 else label[:37] + "…",
            title=_tooltip(node, data, communities.get(node)),
            color=color,
            shape=SHAPES.get(kind, "dot"),
            size=8 + 30 * ranks.get(node, 0) / top,
        )
    for u, v, rel, data in graph.edges(keys=True, data=True):
        title = rel
        if data.get("role"):
            title += f" ({data['role']})"
        if data.get("sentence"):
            title += f"\n{data['sentence']}"
        net.add_edge(
            u,
            v,
            title=title,
            value=float(data.get("weight", 1) or 1),
            arrows="to" if rel != "CO_OCCURS" else "",
        )
    net.toggle_physics(True)
    net.set_edge_smooth("continuous")
    text = net.generate_html(notebook=False)
    text = _REMOTE.sub("", text)
    text = re.sub(r"<center>\s*<h1>\s*</h1>\s*</center>", "", text)  # pyvis's empty headings
    head = (
        f"<title>{html_lib.escape(ctx.description or 'paper-kg export')}</title>"
        f'<meta name="generator" content="paper-kg, {ctx.created_iso}">'
    )
    text = text.replace("<head>", "<head>" + head, 1)
    return text.replace("<body>", "<body>" + _header(graph, ctx), 1)


def _header(graph: nx.MultiDiGraph, ctx: ExportContext) -> str:
    """Selection, date, counts and a colour legend above the canvas."""
    swatches = " ".join(
        f'<span style="color:{color}">&#9679;</span> {name}' for name, color in COLORS.items()
    )
    return (
        '<div style="font-family:sans-serif;margin:8px">'
        f"<b>paper-kg export</b> — {html_lib.escape(ctx.description)}<br>"
        f"<small>{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges · "
        f"made {ctx.created_iso} · {swatches} · hover for details</small></div>"
    )


def write_html(graph: nx.MultiDiGraph, path: Path, ctx: ExportContext) -> list[Path]:
    path.write_text(page(graph, ctx), "utf-8")
    return [path]


EXPORTER = Exporter(".html", "standalone interactive page (works offline)", write_html)
