"""Turn a networkx ego graph into what the Graph page shows: filtered, budgeted, sized,
coloured, and rendered as a self-contained pyvis (vis-network) HTML page.

Everything here is plain Python over the graph convention of kg/graph.py (node attrs
``kind``/``label``/``type``/``year``; edge attrs ``rel``/``weight``) so it can be tested on
hand-built graphs without a store or a browser.

Click to re-centre: the rendered page carries a small script (``CLICK_JS``). Streamlit shows
the HTML in a same-origin ``srcdoc`` iframe, so the script can reach the parent document; on
a node click it sets ``?view=Graph&id=<id>`` in the parent page's URL, keeping its other
parameters (hops, filters: kg.app.state), by clicking a temporary link in the *parent*
document (the iframe sandbox forbids navigating the top window from the iframe itself, but
a link that belongs to the parent page may). The new page load adopts that URL, and the
back button returns to the previous one.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from kg.analytics import rank_nodes
from kg.export import budget_note
from kg.export.pyvis_page import (
    CENTER_BORDER,
    CLUSTER_COLORS,
    TYPE_COLORS,
    UNKNOWN_COLOR,
    page,
    safe,
    short,
    swatch,
)

NODE_TYPES = ("paper", "author", "architecture", "benchmark", "method")
DEFAULT_BUDGET = 300
TOP_N_ABOVE = 300  # above this many nodes the page offers "top N by papers"
MODES = {"near": "nearest first", "top": "top N by papers"}
SIZE_BY = ("papers", "pagerank")


def node_type(attrs: dict[str, Any]) -> str:
    """The type a user filters and colours by: paper/author, or a concept's own type."""
    kind = attrs.get("kind") or "unknown"
    if kind == "concept":
        return attrs.get("type") or "concept"
    return kind


def _undirected_distances(g: nx.MultiDiGraph, center: str) -> dict[str, int]:
    """Hops from the centre, either direction. The papers the centre's selection led with
    (``graph["seed_papers"]``) are one hop away even when the concept they name is linked
    to the centre only through vocabulary concepts a selection leaves out."""
    if center not in g:
        return {}
    h = nx.Graph(g.to_undirected(as_view=True))
    h.add_edges_from((center, p) for p in g.graph.get("seed_papers", {}).get(center, ())
                     if p in h)
    return dict(nx.single_source_shortest_path_length(h, center))


@dataclass(frozen=True)
class Filters:
    """The graph page's filters: node kinds/concept types (None: all), a year range (papers
    without a year stay) and the least weight an edge needs."""

    types: Iterable[str] | None = None
    since: int | None = None
    until: int | None = None
    min_weight: float = 1


def filter_graph(
    g: nx.MultiDiGraph, center: str, filters: Filters = Filters()
) -> nx.MultiDiGraph:
    """Apply the page's filters, then keep what is still connected to the centre node so
    that a filter never leaves unexplained floating nodes. The centre always stays.

    Papers without a year are kept by the year filter: a missing year is not evidence that
    the paper is outside the range."""
    since, until = filters.since, filters.until
    wanted = set(filters.types) if filters.types is not None else None
    out = nx.MultiDiGraph()
    out.graph.update(g.graph)
    for node, attrs in g.nodes(data=True):
        if node != center:
            if wanted is not None and node_type(attrs) not in wanted:
                continue
            year = attrs.get("year") if attrs.get("kind") == "paper" else None
            if isinstance(year, int) and (
                (since is not None and year < since) or (until is not None and year > until)
            ):
                continue
        out.add_node(node, **attrs)
    for u, v, key, attrs in g.edges(keys=True, data=True):
        if u in out and v in out and float(attrs.get("weight", 1) or 1) >= filters.min_weight:
            out.add_edge(u, v, key=key, **attrs)
    if center in out:
        keep = _undirected_distances(out, center)
        out.remove_nodes_from([n for n in list(out) if n not in keep])
    return out


def strength(g: nx.MultiDiGraph, node: str) -> float:
    """Sum of the weights of a node's edges, both directions."""
    total = 0.0
    for _, _, w in g.in_edges(node, data="weight", default=1):
        total += float(w or 1)
    for _, _, w in g.out_edges(node, data="weight", default=1):
        total += float(w or 1)
    return total


def weight(g: nx.MultiDiGraph, node: str, papers: dict[str, int]) -> float:
    """What a node weighs: a concept's or author's papers in the store (``papers``), a
    paper's links in view."""
    if g.nodes[node].get("kind") == "paper":
        return float(g.degree(node))
    return float(papers.get(node, 0))


def apply_budget(
    g: nx.MultiDiGraph,
    center: str,
    max_nodes: int = DEFAULT_BUDGET,
    mode: str = "near",
    papers: dict[str, int] | None = None,
) -> tuple[nx.MultiDiGraph, int]:
    """Keep at most ``max_nodes`` nodes and return them with how many were left out.

    ``near``: nearest hops first, papers first within a hop (a view leads with papers, as
    selections do), then strongest (heaviest edges). ``top``: the heaviest (see ``weight``),
    half of the places for papers (the most linked) so that a hub's view still shows what
    is written about it. The centre always stays; nodes cut off from it go."""
    if g.number_of_nodes() <= max_nodes:
        return g, 0
    if mode == "top":
        counts = papers or {}
        heavy = sorted(g, key=lambda n: (n != center, -weight(g, n, counts), str(n)))
        is_paper = {n: g.nodes[n].get("kind") == "paper" for n in g}
        paper_room = max_nodes // 2
        chosen = [n for n in heavy if is_paper[n]][:paper_room]
        chosen += [n for n in heavy if not is_paper[n]][: max_nodes - len(chosen)]
        chosen += [n for n in heavy if n not in set(chosen)][: max_nodes - len(chosen)]
        kept = set(chosen)
    else:
        dist = _undirected_distances(g, center)
        far = max(dist.values(), default=0) + 1
        ranked = sorted(
            g.nodes,
            key=lambda n: (
                dist.get(n, far),
                g.nodes[n].get("kind") != "paper",
                -strength(g, n),
                str(n),
            ),
        )
        kept = set(ranked[:max_nodes])
    out = g.subgraph(kept).copy()
    # A node kept for its hop may have lost its only path to the centre: drop strays.
    if center in out:
        reach = _undirected_distances(out, center)
        out.remove_nodes_from([n for n in list(out) if n not in reach])
    return out, g.number_of_nodes() - out.number_of_nodes()


def concept_clusters(
    g: nx.MultiDiGraph, cooccurs: Iterable[tuple[str, str, int]] = (), seed: int = 0
) -> dict[str, int]:
    """Louvain communities of the concepts in view on their co-occurrence graph: the store's
    CO_OCCURS pairs among them (``cooccurs``), those in the graph, and the papers in view
    mentioning two of them. A concept that co-occurs with none in view, or alone in its
    community, is in no cluster: a cluster means concepts used together. Cluster 0 is the
    largest."""
    members = {n for n, kind in g.nodes(data="kind") if kind == "concept"}
    cg = nx.Graph()

    def link(a: str, b: str, w: float) -> None:
        if a != b and a in members and b in members:
            cg.add_edge(a, b, weight=cg.get_edge_data(a, b, {"weight": 0})["weight"] + w)

    for a, b, w in cooccurs:
        link(a, b, float(w))
    for u, v, attrs in g.edges(data=True):
        if attrs.get("rel") == "CO_OCCURS":
            link(u, v, float(attrs.get("weight", 1) or 1))
    for node, kind in g.nodes(data="kind"):
        if kind == "paper":
            mentioned = sorted({v for v in g.successors(node) if v in members})
            for i, a in enumerate(mentioned):
                for b in mentioned[i + 1 :]:
                    link(a, b, 1.0)
    if not cg.number_of_edges():
        return {}
    communities = nx.community.louvain_communities(cg, weight="weight", seed=seed)
    ordered = sorted((c for c in communities if len(c) > 1), key=lambda c: (-len(c), min(c)))
    return {node: index for index, community in enumerate(ordered) for node in community}


def node_values(
    g: nx.MultiDiGraph, papers: dict[str, int], by: str = "papers"
) -> dict[str, float]:
    """What sets a node's size (and its label's): its papers (a concept's or author's in
    the store; 1 for a paper) or its PageRank in view."""
    if by == "pagerank":
        return {n: float(v) for n, v in rank_nodes(g).items()}
    return {n: 1.0 if g.nodes[n].get("kind") == "paper" else float(max(papers.get(n, 1), 1))
            for n in g}


@dataclass
class GraphView:
    """A graph ready to draw, plus what the page says about it."""

    graph: nx.MultiDiGraph
    center: str
    omitted_nodes: int = 0
    omitted_edges: str = ""  # what the query's edge budget left out, per kind
    values: dict[str, float] = field(default_factory=dict)
    colors: dict[str, str] = field(default_factory=dict)
    borders: dict[str, str] = field(default_factory=dict)
    clusters: dict[str, int] = field(default_factory=dict)
    color_by: str = "type"
    size_by: str = "papers"

    def counts_by_type(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for _, attrs in self.graph.nodes(data=True):
            kind = node_type(attrs)
            counts[kind] = counts.get(kind, 0) + 1
        return counts

    def summary(self) -> str:
        """One line for the page: sizes and, when the budget bit, how much was left out."""
        text = f"{self.graph.number_of_nodes()} nodes, {self.graph.number_of_edges()} edges"
        left = []
        if self.omitted_nodes:
            left.append(f"{self.omitted_nodes} weaker nodes")
        if self.omitted_edges:
            left.append(f"edges beyond the query limit: {self.omitted_edges}")
        if left:
            text += " — left out: " + ", ".join(left)
        return text

    def top(self) -> tuple[list[str], int]:
        """The nodes the first view is fitted to, and how many of them lead and must be
        readable: the centre and the heaviest others, then a few papers (so that the first
        view shows what is written about the centre; their labels show on zooming in)."""
        others = sorted((n for n in self.graph if n != self.center),
                        key=lambda n: (-self.values.get(n, 0), str(n)))
        papers = [n for n in others if self.graph.nodes[n].get("kind") == "paper"][:3]
        rest = [n for n in others if n not in papers][:8]
        return [self.center, *rest, *papers], 1 + len(rest)


def build_view(
    g: nx.MultiDiGraph,
    center: str,
    filters: Filters = Filters(),
    max_nodes: int = DEFAULT_BUDGET,
    size_by: str = "papers",
    color_by: str = "type",
    papers: dict[str, int] | None = None,
    cooccurs: Iterable[tuple[str, str, int]] = (),
    mode: str = "near",
) -> GraphView:
    """Filter, budget, size and colour a graph: everything but the drawing. ``papers``:
    concept/author id -> its papers (sizes, "top N"); ``cooccurs``: CO_OCCURS pairs among
    the concepts (clusters).

    ``color_by="type"`` fills nodes by type and rims clustered concepts in their cluster's
    colour; ``color_by="cluster"`` fills clustered concepts by cluster and rims them in
    their type's colour."""
    papers = papers or {}
    filtered = filter_graph(g, center, filters)
    kept, omitted = apply_budget(filtered, center, max_nodes, mode, papers)
    clusters = concept_clusters(kept, cooccurs)
    colors: dict[str, str] = {}
    borders: dict[str, str] = {}
    for node, attrs in kept.nodes(data=True):
        type_color = TYPE_COLORS.get(node_type(attrs), UNKNOWN_COLOR)
        cluster_color = (
            CLUSTER_COLORS[clusters[node] % len(CLUSTER_COLORS)] if node in clusters else None
        )
        if color_by == "cluster" and cluster_color:
            colors[node], borders[node] = cluster_color, type_color
        else:
            colors[node], borders[node] = type_color, cluster_color or type_color
        if node == center:
            borders[node] = CENTER_BORDER
    return GraphView(
        graph=kept,
        center=center,
        omitted_nodes=omitted,
        omitted_edges=budget_note(g),
        values=node_values(kept, papers, size_by),
        colors=colors,
        borders=borders,
        clusters=clusters,
        color_by=color_by,
        size_by=size_by,
    )


def _tooltip(node: str, attrs: dict[str, Any], view: GraphView) -> str:
    parts = [str(attrs.get("label") or node), f"{node_type(attrs)} · {node}"]
    if attrs.get("year"):
        parts.append(f"year {attrs['year']}")
    if attrs.get("kind") != "paper" and view.size_by == "papers":
        parts.append(f"{view.values.get(node, 0):g} papers")
    if node in view.clusters:
        parts.append(f"cluster {view.clusters[node] + 1}")
    return safe("\n".join(parts))


CLICK_JS = """
<script type="text/javascript">
(function () {
  function recentre(id) {
    try {
      var doc = window.parent.document;
      var url = new URL(window.parent.location.href);
      url.searchParams.set("id", id);  // the other parameters (hops, filters) stay
      url.searchParams.set("view", "Graph");
      var link = doc.createElement("a");
      link.href = url.toString();
      link.target = "_self";
      doc.body.appendChild(link);
      link.click();
      link.remove();
    } catch (e) {
      console.log("paper-kg: cannot re-centre from this frame: " + e);
    }
  }
  function hook() {
    if (typeof network === "undefined" || !network) { return setTimeout(hook, 50); }
    window.paperKgCenter = __CENTER__;
    network.on("click", function (params) {
      if (params.nodes && params.nodes.length) { recentre(params.nodes[0]); }
    });
  }
  hook();
})();
</script>
"""


def render_html(view: GraphView, height: int = 620) -> str:
    """A self-contained HTML page (kg.export.pyvis_page: vis-network inlined, no network
    requests, labels readable at the first zoom) with the click-to-re-centre script."""
    g = view.graph
    nodes = []
    for node, attrs in g.nodes(data=True):
        is_center = node == view.center
        nodes.append({
            "id": node,
            "label": short(attrs.get("label") or node),
            "title": _tooltip(node, attrs, view),
            "color": {"background": view.colors.get(node, UNKNOWN_COLOR),
                      "border": view.borders.get(node, UNKNOWN_COLOR)},
            "value": math.sqrt(max(view.values.get(node, 1), 0)),  # hubs do not dwarf all
            "borderWidth": 6 if is_center else 3,
        })
    edges = []
    for u, v, attrs in g.edges(data=True):
        edge_weight = float(attrs.get("weight", 1) or 1)
        title = str(attrs.get("rel", ""))
        if attrs.get("role"):
            title += f" ({attrs['role']})"
        if edge_weight != 1:
            title += f" weight {edge_weight:g}"
        edges.append({"from": u, "to": v, "title": title, "value": edge_weight})
    script = CLICK_JS.replace("__CENTER__", json.dumps(view.center))
    top, named = view.top()
    return page(nodes, edges, top, named, height=f"{height}px", script=script)


def cluster_names(view: GraphView, per_cluster: int = 3) -> list[list[str]]:
    """The heaviest concept names of each cluster, cluster 0 first."""
    members: dict[int, list[str]] = {}
    for node, index in view.clusters.items():
        members.setdefault(index, []).append(node)
    return [
        [str(view.graph.nodes[n].get("label") or n) for n in
         sorted(members[i], key=lambda n: (-view.values.get(n, 0), n))[:per_cluster]]
        for i in sorted(members)
    ]


def legend_html(view: GraphView) -> str:
    """Every colour, rim and size of the drawing explained, for st.markdown."""
    counts = view.counts_by_type()
    by_cluster = view.color_by == "cluster" and view.clusters
    fills = [swatch(TYPE_COLORS[kind], f"{kind} {counts[kind]}")
             for kind in (*NODE_TYPES, "concept") if counts.get(kind)]
    center_attrs = view.graph.nodes[view.center]
    center_fill = view.colors.get(view.center, UNKNOWN_COLOR)
    rows = [
        ("Type (fill" + ("; the rim of clustered concepts)" if by_cluster else ")"),
         "".join(fills)),
        ("Centre", swatch(center_fill, str(center_attrs.get("label") or view.center),
                          CENTER_BORDER)),
    ]
    clusters = [
        swatch(CLUSTER_COLORS[i % len(CLUSTER_COLORS)], f"{i + 1}: {', '.join(names)}",
               round_=False)
        for i, names in enumerate(cluster_names(view))
    ]
    if clusters:
        what = "Fill of concepts" if by_cluster else "Rim of concepts"
        rows.append((what, "".join(clusters)
                     + " — clusters: Louvain communities of the concepts' co-occurrence; "
                     "concepts without one keep their type colour"))
    else:
        rows.append(("Clusters", "none: no two concepts in view are used together"))
    size = ("papers mentioning a concept / written by an author (a paper: one)"
            if view.size_by == "papers" else "PageRank in view")
    rows.append(("Size", html.escape(size) + "; labels of small nodes appear when you zoom in"))
    return "<br>".join(f"<small><b>{label}:</b></small> {body}" for label, body in rows)
