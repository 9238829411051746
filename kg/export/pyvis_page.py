"""The one way a graph becomes an interactive vis-network page: the app's Graph page and
``kg export --format html`` both draw through ``page()``, with one colour table.

pyvis writes the page; what it would fetch from a CDN (bootstrap) is removed and
vis-network is inlined, so opening the page makes no request. Readability is part of the
page, not of each caller: a node's ``value`` (its papers) sets its size and its label's
size, labels smaller than ``LABEL_MIN_PX`` on screen are not drawn (when zoomed out only the
big nodes are named), and once the layout settles the view is fitted to the most important
nodes at a zoom where their labels are at least ``LABEL_MIN_PX`` pixels high.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

TYPE_COLORS = {  # fill colour per node type (paper, author, or a concept's type)
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
CENTER_BORDER = "#111111"
LABEL_MIN_PX = 10  # no label is drawn smaller; the initial zoom shows the top ones at least so
FIT_NODES = 12  # the initial view is fitted to this many of the most important nodes

_REMOTE = re.compile(
    r"<link\b[^>]*\bhref=\"https?://[^\"]*\"[^>]*>|"
    r"<script\b[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>",
    re.IGNORECASE | re.DOTALL,
)
_EMPTY_HEADING = re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>")

OPTIONS: dict[str, Any] = {
    "nodes": {
        "shape": "dot",
        "borderWidth": 3,
        "font": {"size": 14, "face": "sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
        "scaling": {
            "min": 8,
            "max": 48,
            "label": {"enabled": True, "min": 14, "max": 28, "drawThreshold": LABEL_MIN_PX,
                      "maxVisible": 40},
        },
    },
    "edges": {
        "smooth": False,
        "color": {"color": "#C8C8C8", "highlight": "#555555", "hover": "#555555"},
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}},
        "scaling": {"min": 1, "max": 6},
    },
    "layout": {"improvedLayout": False, "randomSeed": 7},  # no Kamada-Kawai: slow at 1,000
    "physics": {
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {"gravitationalConstant": -80, "springLength": 110,
                             "avoidOverlap": 0.4},
        "stabilization": {"enabled": True, "iterations": 150, "fit": False},
    },
    "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": True},
}

# After the layout settles: physics off (a big graph stays responsive), then fit the view
# to the most important nodes (window.paperKgTop, most important first): as many of them as
# fit with every label of theirs at least LABEL_MIN_PX high. window.paperKgReady tells
# tests and callers the view is final.
READABLE_JS = """
<script type="text/javascript">
(function () {
  function labelPx(id) {
    var node = network.body.nodes[id];
    return node ? node.options.font.size * network.getScale() : 0;
  }
  function readable(ids) {  // every label of ids drawn at least __MIN_PX__ px high
    return ids.every(function (id) { return labelPx(id) >= __MIN_PX__ - 0.01; });
  }
  function settle() {
    network.setOptions({physics: {enabled: false}});
    var top = (window.paperKgTop || []).filter(function (id) { return network.body.nodes[id]; });
    // the most important nodes that fit on screen with readable labels, fewest last
    var named = window.paperKgNamed || top.length;
    for (var k = top.length; k >= 1; k--) {
      network.fit({nodes: top.slice(0, k), animation: false});
      if (readable(top.slice(0, Math.min(k, named)))) { break; }
    }
    if (!top.length) { network.fit({animation: false}); }
    var smallest = Math.min.apply(null, top.slice(0, 1).map(labelPx).concat([Infinity]));
    if (isFinite(smallest) && smallest < __MIN_PX__) {  // even the first alone: zoom in on it
      network.moveTo({position: network.getPosition(top[0]),
                      scale: network.getScale() * __MIN_PX__ / smallest, animation: false});
    }
    window.paperKgReady = true;
  }
  function hook() {
    if (typeof network === "undefined" || !network) { return setTimeout(hook, 50); }
    window.paperKgTop = __TOP__;
    window.paperKgNamed = __NAMED__;
    if (network.physics.options.enabled === false || network.body.nodeIndices.length < 2) {
      return settle();
    }
    network.once("stabilizationIterationsDone", settle);
  }
  hook();
})();
</script>
"""


def safe(text: object) -> str:
    """Node data end up inside a <script>: never let them close the script element."""
    return str(text).replace("</", "<\u200b/")


def short(text: object, limit: int = 40) -> str:
    """A label on one line, at most ``limit`` characters."""
    text = safe(" ".join(str(text).split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def page(
    nodes: list[dict[str, Any]],
    edges: list[dict[str, Any]],
    top: list[str],
    named: int | None = None,
    height: str = "620px",
    head: str = "",
    header: str = "",
    script: str = "",
) -> str:
    """A self-contained HTML page: ``nodes``/``edges`` are vis-network items (``id`` and
    ``from``/``to`` plus display options), ``top`` the node ids to fit the first view to
    (most important first), the first ``named`` of them (default all) with readable
    labels. ``head`` goes into <head>, ``header`` above the canvas, ``script`` after it;
    the global ``network`` is the vis Network object."""
    from pyvis.network import Network

    net = Network(height=height, width="100%", directed=True, cdn_resources="in_line")
    for node in nodes:
        net.add_node(node["id"], **{k: v for k, v in node.items() if k != "id"})
    for edge in edges:
        net.add_edge(edge["from"], edge["to"],
                     **{k: v for k, v in edge.items() if k not in ("from", "to")})
    net.set_options(json.dumps(OPTIONS))
    text = _EMPTY_HEADING.sub("", _REMOTE.sub("", net.generate_html(notebook=False)))
    top = top[:FIT_NODES]
    readable = (READABLE_JS.replace("__TOP__", json.dumps(top))
                .replace("__NAMED__", str(len(top) if named is None else min(named, len(top))))
                .replace("__MIN_PX__", str(LABEL_MIN_PX)))
    text = text.replace("<head>", "<head>" + head, 1)
    text = text.replace("<body>", "<body>" + header, 1)
    return text.replace("</body>", readable + script + "</body>", 1)


def swatch(color: str, text: str, border: str | None = None, round_: bool = True) -> str:
    """One legend entry: a dot (filled ``color``, rimmed ``border``) and its meaning."""
    rim = f"border:3px solid {border};" if border else f"border:3px solid {color};"
    shape = "border-radius:50%;" if round_ else "border-radius:2px;"
    return (
        f'<span style="display:inline-flex;align-items:center;margin-right:12px">'
        f'<span style="display:inline-block;width:10px;height:10px;background:{color};'
        f'{rim}{shape}margin-right:4px"></span>{html.escape(text)}</span>'
    )
