"""Graph page: the ego network of the selected item, 1–3 hops, filtered by node type,
year range and minimum edge weight, drawn with pyvis. Clicking a node re-centres on it
(see app/graph_view.py for how the click reaches the app)."""

from __future__ import annotations

import streamlit as st

from kg.app import data
from kg.app.graph_view import (
    DEFAULT_BUDGET,
    MODES,
    NODE_TYPES,
    SIZE_BY,
    TOP_N_ABOVE,
    Filters,
    build_view,
    legend_html,
    node_type,
    render_html,
)
from kg.app.views import narrower_checkbox, open_item, pick_item

HEIGHT = 640


def _recentre() -> None:
    choice = st.session_state.get("graph:recentre")
    if choice:
        open_item(choice, page="Graph")


def defaults(**values: object) -> None:
    """Start values of the page's widgets (``graph:<name>``), unless the URL or an earlier
    run set them; values a widget cannot show (a shared link's typo) give way too."""
    limits = {"hops": (1, 3), "min_weight": (1, 1000), "budget": (10, 2000)}
    choices = {"size": SIZE_BY, "color": ("type", "cluster"), "mode": tuple(MODES)}
    for name, value in values.items():
        key = f"graph:{name}"
        current = st.session_state.get(key, value)
        if name in limits and not (isinstance(current, int)
                                   and limits[name][0] <= current <= limits[name][1]):
            current = value
        if name in choices and current not in choices[name]:
            current = value
        if name == "types":
            current = [t for t in current if t in NODE_TYPES] or value
        st.session_state[key] = current


def render() -> None:
    st.header("Graph")
    center = st.session_state.get("item")
    if not center:
        st.caption("Choose a node to centre the graph on (or use the Search page).")
        pick_item(None, "graph:pick")
        return
    defaults(hops=1, types=list(NODE_TYPES), min_weight=1, budget=DEFAULT_BUDGET)
    c1, c2, c3, c4 = st.columns([1, 3, 1, 1])
    hops = c1.slider("Hops", 1, 3, key="graph:hops")
    types = c2.multiselect("Node types", NODE_TYPES, key="graph:types")
    min_weight = c3.number_input("Min edge weight", 1, 1000, key="graph:min_weight")
    budget = c4.number_input("Node budget", 10, 2000, step=50, key="graph:budget")
    store_types = None if set(types) == set(NODE_TYPES) else types
    narrower = True
    if center.startswith("concept:"):
        narrower = narrower_checkbox()
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
        low, high = st.session_state.get("graph:years", (years[0], years[-1]))
        st.session_state["graph:years"] = (max(low, years[0]), min(high, years[-1]))
        since, until = st.slider("Years (papers)", years[0], years[-1], key="graph:years")
    s1, s2, s3 = st.columns(3)
    defaults(size="papers", color="type", mode="top")
    size_by = s1.radio("Size by", SIZE_BY, horizontal=True, key="graph:size")
    color_by = s2.radio("Colour by", ("type", "cluster"), horizontal=True, key="graph:color")
    mode = "near"
    if full.number_of_nodes() > TOP_N_ABOVE:
        mode = s3.radio(
            "Which nodes", tuple(MODES), format_func=MODES.get, horizontal=True,
            key="graph:mode",
            help=f"Over {TOP_N_ABOVE} nodes: the node budget's heaviest (papers in the "
            "store; half the places for papers), or the nearest hops first.",
        )
    papers = data.node_papers(list(full))
    concepts = [n for n, kind in full.nodes(data="kind") if kind == "concept"]
    view = build_view(
        full, center, Filters(types, since, until, min_weight), int(budget), size_by, color_by,
        papers=papers, cooccurs=data.cooccurrences(concepts), mode=mode,
    )
    label = full.nodes[center].get("label") or center
    st.markdown(f"**{label}** · `{center}` · {view.summary()}")
    st.markdown(legend_html(view), unsafe_allow_html=True)
    st.session_state["graph:nodes"] = sorted(view.graph.nodes)
    st.session_state["view_graph"] = view.graph
    st.session_state["view_item"] = center  # the export panel's view is this item's only
    st.session_state["view_desc"] = (
        f"ego network of {label} ({center}), {hops} hop(s), types {', '.join(types)}"
        + (f", years {since}–{until}" if since is not None else "")
        + (f", edge weight ≥ {min_weight}" if min_weight > 1 else "")
    )
    st.iframe(render_html(view, HEIGHT), height=HEIGHT + 20)
    others = sorted(
        (n for n in view.graph if n != center),
        key=lambda n: -view.values.get(n, 0),
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
