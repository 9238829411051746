"""Concept page: aliases, broader/narrower concepts, papers per year, the papers that
propose it and the concepts it co-occurs with, strongest first."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import data
from app.views import current, item_button, pick_item

MAX_LINKS = 24


def render() -> None:
    st.header("Concept")
    concept_id = current("concept")
    if not concept_id:
        pick_item("concept", "concept:pick")
        return
    attrs = data.node(concept_id)  # name, type and aliases, without the neighbourhood
    name = attrs.get("name") or attrs.get("label") or concept_id
    st.subheader(name)
    st.markdown(f"{attrs.get('type') or 'concept'} · `{concept_id}`")
    item_button("Show in graph", concept_id, "concept", key="concept:graph", page="Graph")
    aliases = [a for a in attrs.get("aliases") or [] if a != name]
    if aliases:
        st.markdown("**Aliases:** " + ", ".join(aliases))
    # broader/narrower are edges: a one-hop ego over concepts only (no papers to enrich)
    g = data.ego(concept_id, hops=1, types=["concept"])
    broader = [v for _, v, r in g.out_edges(concept_id, data="rel") if r == "BROADER"]
    narrower = [u for u, _, r in g.in_edges(concept_id, data="rel") if r == "BROADER"]
    for title, ids in (("Broader", broader), ("Narrower", narrower)):
        if ids:
            st.markdown(f"**{title} ({len(ids)})**")
            shown = sorted(ids, key=lambda n: str(g.nodes[n].get("label") or n).casefold())
            cols = st.columns(min(4, len(ids)))
            for i, other in enumerate(shown[:MAX_LINKS]):
                with cols[i % len(cols)]:
                    item_button(
                        g.nodes[other].get("label") or other,
                        other,
                        "concept",
                        key=f"concept:{title}:{other}",
                    )
    trend = data.named("concept-trend", concept=concept_id)
    years = pd.DataFrame(
        [{"year": int(r["year"]), "papers": int(r["papers"])} for r in trend if r.get("year")]
    )
    st.markdown("**Papers per year**")
    if years.empty:
        st.caption("No dated papers mention this concept.")
    else:
        per_year = years.groupby("year")["papers"].sum()
        per_year.index = per_year.index.astype(str)  # years, not quantities ("2,017")
        st.bar_chart(per_year, x_label="year", y_label="papers")
    papers = data.named("papers-by-concept", concept=concept_id, narrower=False)
    proposing = {r["paper"]: r for r in papers if r.get("role") == "proposed"}
    left, right = st.columns(2)
    with left:
        st.markdown(
            f"**Papers that propose it ({len(proposing)})** · "
            f"{len({r['paper'] for r in papers})} papers mention it"
        )
        for pid, row in list(proposing.items())[:50]:
            item_button(
                f"{row['title']} ({row.get('year') or 'n.d.'})",
                pid,
                "paper",
                key=f"concept:p:{pid}",
            )
        if not proposing:
            st.caption("No paper in the store proposes it.")
    with right:
        rows = data.named("top-cooccurring", concept=concept_id, limit=20)
        st.markdown(f"**Co-occurring concepts ({len(rows)})**")
        for row in rows:
            other, other_name = (
                (row["concept_b"], row["name_b"])
                if row["concept_a"] == concept_id
                else (row["concept_a"], row["name_a"])
            )
            a, b = st.columns([5, 1])
            with a:
                item_button(str(other_name), str(other), "concept", key=f"concept:co:{other}")
            b.markdown(str(row["weight"]))
        if not rows:
            st.caption("It never appears together with another concept.")
