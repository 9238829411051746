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
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from kg.export import budget_note
from kg.graph import rank_nodes

NODE_TYPES = ("paper", "author", "architecture", "benchmark", "method")
TYPE_COLORS = {
    "paper": "#4C78A8",
    "author": "#F58518",
    "architecture": "#54A24B",
    "benchmark": "#E45756",
    "method": "#B279A2",
    "concept": "#9D755D",
}
UNKNOWN_COLOR = "#BAB0AC"
CLUSTER_COLORS = (
    "#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD",
    "#8C564B", "#E377C2", "#17BECF", "#BCBD22", "#7F7F7F",
)  # fmt: skip
DEFAULT_BUDGET = 300


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


def filter_graph(
    g: nx.MultiDiGraph,
    center: str,
    types: Iterable[str] | None = None,
    since: int | None = None,
    until: int | None = None,
    min_weight: float = 1,
) -> nx.MultiDiGraph:
    """Apply the page's filters, then keep what is still connected to the centre node so
    that a filter never leaves unexplained floating nodes. The centre always stays.

    Papers without a year are kept by the year filter: a missing year is not evidence that
    the paper is outside the range."""
    wanted = set(types) if types is not None else None
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
        if u in out and v in out and float(attrs.get("weight", 1) or 1) >= min_weight:
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


def apply_budget(
    g: nx.MultiDiGraph, center: str, max_nodes: int = DEFAULT_BUDGET
) -> tuple[nx.MultiDiGraph, int]:
    """Keep at most ``max_nodes`` nodes: nearest hops first, papers first within a hop (a
    view leads with papers, as selections do), then strongest (heaviest edges); returns the
    kept graph and how many nodes were left out."""
    if g.number_of_nodes() <= max_nodes:
        return g, 0
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


def concept_clusters(g: nx.MultiDiGraph, seed: int = 0) -> dict[str, int]:
    """Louvain communities of the concepts in view. Unlike kg.graph.concept_communities
    (CO_OCCURS only) concepts are also linked by papers in view that mention both, because
    an ego view often lacks the CO_OCCURS edges between its outer concepts. Cluster 0 is
    the largest."""
    concepts = [n for n, kind in g.nodes(data="kind") if kind == "concept"]
    if not concepts:
        return {}
    cg = nx.Graph()
    cg.add_nodes_from(concepts)
    members = set(concepts)

    def link(a: str, b: str, w: float) -> None:
        if a != b:
            cg.add_edge(a, b, weight=cg.get_edge_data(a, b, {"weight": 0})["weight"] + w)

    for u, v, attrs in g.edges(data=True):
        if attrs.get("rel") == "CO_OCCURS" and u in members and v in members:
            link(u, v, float(attrs.get("weight", 1) or 1))
    for node, kind in g.nodes(data="kind"):
        if kind == "paper":
            mentioned = sorted({v for v in g.successors(node) if v in members})
            for i, a in enumerate(mentioned):
                for b in mentioned[i + 1 :]:
                    link(a, b, 1.0)
    communities = nx.community.louvain_communities(cg, weight="weight", seed=seed)
    ordered = sorted(communities, key=lambda c: (-len(c), min(c)))
    return {node: index for index, community in enumerate(ordered) for node in community}


def node_sizes(g: nx.MultiDiGraph, by: str = "degree") -> dict[str, float]:
    """Pixel sizes 10–40 scaled by degree or PageRank (square root, so hubs stay readable)."""
    degree = {node: float(g.degree(node)) for node in g}
    score = rank_nodes(g) if by == "pagerank" else degree
    top = max(score.values(), default=0) or 1.0
    return {node: 10 + 30 * math.sqrt(max(value, 0) / top) for node, value in score.items()}


@dataclass
class GraphView:
    """A graph ready to draw, plus what the page says about it."""

    graph: nx.MultiDiGraph
    center: str
    omitted_nodes: int = 0
    omitted_edges: str = ""  # what the query's edge budget left out, per kind
    sizes: dict[str, float] = field(default_factory=dict)
    colors: dict[str, str] = field(default_factory=dict)
    borders: dict[str, str] = field(default_factory=dict)
    clusters: dict[str, int] = field(default_factory=dict)

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


def build_view(
    g: nx.MultiDiGraph,
    center: str,
    types: Iterable[str] | None = None,
    since: int | None = None,
    until: int | None = None,
    min_weight: float = 1,
    max_nodes: int = DEFAULT_BUDGET,
    size_by: str = "degree",
    color_by: str = "type",
) -> GraphView:
    """Filter, budget, size and colour a graph: everything but the drawing.

    ``color_by="type"`` fills nodes by type and rims concepts in their cluster's colour;
    ``color_by="cluster"`` fills concepts by cluster and rims them in their type's colour."""
    filtered = filter_graph(g, center, types, since, until, min_weight)
    kept, omitted = apply_budget(filtered, center, max_nodes)
    clusters = concept_clusters(kept)
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
    return GraphView(
        graph=kept,
        center=center,
        omitted_nodes=omitted,
        omitted_edges=budget_note(g),
        sizes=node_sizes(kept, size_by),
        colors=colors,
        borders=borders,
        clusters=clusters,
    )


def _safe(text: str) -> str:
    """Node data ends up inside a <script>: never let it close the script element."""
    return str(text).replace("</", "<\u200b/")


def _short(text: str, limit: int = 40) -> str:
    text = _safe(" ".join(str(text).split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _tooltip(node: str, attrs: dict[str, Any], cluster: int | None) -> str:
    parts = [str(attrs.get("label") or node), f"{node_type(attrs)} · {node}"]
    if attrs.get("year"):
        parts.append(f"year {attrs['year']}")
    if cluster is not None:
        parts.append(f"cluster {cluster + 1}")
    return _safe("\n".join(parts))


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
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: {enabled: false}});
    });
    network.on("click", function (params) {
      if (params.nodes && params.nodes.length) { recentre(params.nodes[0]); }
    });
  }
  hook();
})();
</script>
"""

_CDN = re.compile(
    r"<link[^>]*?cdn\.jsdelivr\.net[^>]*?/>|<script[^>]*?cdn\.jsdelivr\.net[^>]*?>\s*</script>",
    re.DOTALL,
)
_HEADING = re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>")

OPTIONS = {
    "nodes": {"shape": "dot", "font": {"size": 12, "face": "sans-serif"}, "borderWidth": 3},
    "edges": {
        "smooth": False,
        "color": {"color": "#C8C8C8", "highlight": "#555555"},
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}},
    },
    "physics": {
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 90},
        "stabilization": {"enabled": True, "iterations": 200},
    },
    "interaction": {"hover": True, "tooltipDelay": 120},
}


def render_html(view: GraphView, height: int = 620) -> str:
    """A self-contained HTML page (vis-network inlined, no network requests) with the
    click-to-re-centre script; the global ``network`` is the vis Network object."""
    from pyvis.network import Network

    net = Network(
        height=f"{height}px", width="100%", directed=True, cdn_resources="in_line", notebook=False
    )
    g = view.graph
    for node, attrs in g.nodes(data=True):
        is_center = node == view.center
        net.add_node(
            node,
            label=_short(attrs.get("label") or node),
            title=_tooltip(node, attrs, view.clusters.get(node)),
            color={
                "background": view.colors.get(node, UNKNOWN_COLOR),
                "border": "#222222" if is_center else view.borders.get(node, UNKNOWN_COLOR),
            },
            size=view.sizes.get(node, 12) + (6 if is_center else 0),
            borderWidth=5 if is_center else 3,
        )
    for u, v, attrs in g.edges(data=True):
        weight = float(attrs.get("weight", 1) or 1)
        title = str(attrs.get("rel", ""))
        if attrs.get("role"):
            title += f" ({attrs['role']})"
        if weight != 1:
            title += f" weight {weight:g}"
        net.add_edge(u, v, title=title, width=1 + math.log2(weight) if weight > 1 else 1)
    net.set_options(json.dumps(OPTIONS))
    page = net.generate_html(notebook=False)
    page = _HEADING.sub("", _CDN.sub("", page))
    script = CLICK_JS.replace("__CENTER__", json.dumps(view.center))
    return page.replace("</body>", script + "</body>", 1)


def legend_html(view: GraphView | None = None) -> str:
    """Coloured type swatches (and the number of clusters) for st.markdown."""
    counts = view.counts_by_type() if view else {}
    chips = []
    for kind in NODE_TYPES:
        count = f" {counts[kind]}" if kind in counts else ""
        chips.append(
            f'<span style="background:{TYPE_COLORS[kind]};color:white;border-radius:8px;'
            f'padding:1px 8px;margin-right:6px">{html.escape(kind)}{count}</span>'
        )
    if view and view.clusters:
        chips.append(f"<span>{len(set(view.clusters.values()))} concept clusters</span>")
    return "".join(chips)
