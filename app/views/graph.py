"""Graph page: the ego network of the selected item, 1–3 hops, filtered by node type,
year range and minimum edge weight, drawn with pyvis. Clicking a node re-centres on it
(see app/graph_view.py for how the click reaches the app)."""

from __future__ import annotations

import streamlit as st

from kg.app import data
from kg.app.graph_view import (
    DEFAULT_BUDGET,
    NODE_TYPES,
    build_view,
    legend_html,
    node_type,
    render_html,
)
from kg.app.views import open_item, pick_item

HEIGHT = 640


def _recentre() -> None:
    choice = st.session_state.get("graph:recentre")
    if choice:
        open_item(choice, page="Graph")


def render() -> None:
    st.header("Graph")
    center = st.session_state.get("item")
    if not center:
        st.caption("Choose a node to centre the graph on (or use the Search page).")
        pick_item(None, "graph:pick")
        return
    c1, c2, c3, c4 = st.columns([1, 3, 1, 1])
    hops = c1.slider("Hops", 1, 3, 1, key="graph:hops")
    types = c2.multiselect("Node types", NODE_TYPES, default=list(NODE_TYPES), key="graph:types")
    min_weight = c3.number_input("Min edge weight", 1, 1000, 1, key="graph:min_weight")
    budget = c4.number_input("Node budget", 10, 2000, DEFAULT_BUDGET, step=50, key="graph:budget")
    store_types = None if set(types) == set(NODE_TYPES) else types
    narrower = True
    if center.startswith("concept:"):
        narrower = st.checkbox(
            "Include the papers of narrower concepts",
            value=True,
            key="graph:narrower",
            help="The papers about a concept are those that mention it or a concept below it "
            "(as in `kg export` and the named query papers-by-concept).",
        )
    with st.spinner("Querying the store…"):
        full = data.ego(
            center, hops=hops, types=store_types, limit=max(budget, 300), narrower=narrower
        )
    if center not in full:
        st.warning(
            f"{center!r} has no links in the store (or is not in it): "
            "pick another item on the Search page."
        )
        return
    years = sorted(
        int(y) for _, y in full.nodes(data="year") if isinstance(y, int) or str(y).isdigit()
    )
    since = until = None
    if len(set(years)) > 1:
        since, until = st.slider(
            "Years (papers)", years[0], years[-1], (years[0], years[-1]), key="graph:years"
        )
    s1, s2 = st.columns(2)
    size_by = s1.radio("Size by", ("degree", "pagerank"), horizontal=True, key="graph:size")
    color_by = s2.radio("Colour by", ("type", "cluster"), horizontal=True, key="graph:color")
    view = build_view(full, center, types, since, until, min_weight, int(budget), size_by, color_by)
    label = full.nodes[center].get("label") or center
    st.markdown(f"**{label}** · `{center}` · {view.summary()}")
    st.markdown(legend_html(view), unsafe_allow_html=True)
    st.session_state["graph:nodes"] = sorted(view.graph.nodes)
    st.session_state["view_graph"] = view.graph
    st.session_state["view_desc"] = (
        f"ego network of {label} ({center}), {hops} hop(s), types {', '.join(types)}"
        + (f", years {since}–{until}" if since is not None else "")
        + (f", edge weight ≥ {min_weight}" if min_weight > 1 else "")
    )
    st.iframe(render_html(view, HEIGHT), height=HEIGHT + 20)
    others = sorted(
        (n for n in view.graph if n != center),
        key=lambda n: -view.sizes.get(n, 0),
    )
    if others:
        st.selectbox(
            "Re-centre on (or click a node in the graph)",
            ["", *others],
            format_func=lambda n: (
                ""
                if not n
                else f"{view.graph.nodes[n].get('label') or n} · {node_type(view.graph.nodes[n])}"
            ),
            key="graph:recentre",
            on_change=_recentre,
        )
