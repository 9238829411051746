"""A standalone interactive page (pyvis / vis-network) that works offline: the library is
inlined and pyvis's CDN links (bootstrap) are removed, so opening it makes no request."""

from __future__ import annotations

import html as html_lib
from pathlib import Path

import networkx as nx

from kg.analytics import concept_communities, rank_nodes
from kg.export import ExportContext, Exporter, node_label
from kg.export.pyvis_page import TYPE_COLORS, UNKNOWN_COLOR, page, safe, short, swatch

SHAPES = {"paper": "dot", "author": "triangle", "concept": "diamond"}


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


def _color(data: dict) -> str:
    kind = str(data.get("kind", "concept"))
    return TYPE_COLORS.get(str(data.get("type") or kind), TYPE_COLORS.get(kind, UNKNOWN_COLOR))


def html_page(graph: nx.MultiDiGraph, ctx: ExportContext) -> str:
    """The HTML text (no external resources), drawn by kg.export.pyvis_page as the app's
    Graph page is: sized by PageRank, coloured by the one type colour table."""
    ranks = rank_nodes(graph)
    communities = concept_communities(graph)
    nodes = [
        {
            "id": node,
            "label": short(node_label(graph, node)),
            "title": safe(_tooltip(node, data, communities.get(node))),
            "color": _color(data),
            "shape": SHAPES.get(str(data.get("kind", "concept")), "dot"),
            "value": ranks.get(node, 0),
        }
        for node, data in graph.nodes(data=True)
    ]
    edges = []
    for u, v, rel, data in graph.edges(keys=True, data=True):
        title = rel
        if data.get("role"):
            title += f" ({data['role']})"
        if data.get("sentence"):
            title += f"\n{data['sentence']}"
        edges.append({"from": u, "to": v, "title": title,
                      "value": float(data.get("weight", 1) or 1),
                      "arrows": "to" if rel != "CO_OCCURS" else ""})
    top = sorted(ranks, key=lambda n: (-ranks[n], n))
    head = (
        f"<title>{html_lib.escape(ctx.description or 'paper-kg export')}</title>"
        f'<meta name="generator" content="paper-kg, {ctx.created_iso}">'
    )
    return page(nodes, edges, top, height="800px", head=head, header=_header(graph, ctx))


def _header(graph: nx.MultiDiGraph, ctx: ExportContext) -> str:
    """Selection, date, counts and a colour legend above the canvas."""
    kinds = {str(d.get("type") or d.get("kind")) for _, d in graph.nodes(data=True)}
    swatches = "".join(swatch(color, name) for name, color in TYPE_COLORS.items()
                       if name in kinds)
    return (
        '<div style="font-family:sans-serif;margin:8px">'
        f"<b>paper-kg export</b> — {html_lib.escape(ctx.description)}<br>"
        f"<small>{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges · "
        f"made {ctx.created_iso} · {swatches} · size: PageRank · hover for details</small>"
        "</div>"
    )


def write_html(graph: nx.MultiDiGraph, path: Path, ctx: ExportContext) -> list[Path]:
    path.write_text(html_page(graph, ctx), "utf-8")
    return [path]


EXPORTER = Exporter(".html", "standalone interactive page (works offline)", write_html)
