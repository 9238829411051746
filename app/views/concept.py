"""Concept page: aliases, broader/narrower concepts, papers per year, the papers about it
(those that mention it or, unless switched off, a concept below it: the same papers as
`kg export --concept` and the named query papers-by-concept), the ones that propose it and
the concepts it co-occurs with, strongest first."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kg.app import data
from kg.app.views import current, item_button, pick_item

MAX_LINKS = 24
MAX_PAPERS = 50


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
    narrower = st.checkbox(
        "Include the papers of narrower concepts",
        value=True,
        key="concept:narrower",
        help="The papers about a concept are those that mention it or a concept below it "
        "(skos:broader*), as in `kg export --concept`; untick for those that name it.",
    )
    trend = data.named("concept-trend", concept=concept_id, narrower=narrower)
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
    papers = data.concept_papers(concept_id, narrower=narrower)
    about = {r["paper"]: r for r in papers}
    proposing = {r["paper"]: r for r in papers
                 if r.get("role") == "proposed" and r.get("concept") == concept_id}
    capped = "+" if len(papers) >= data.PAPERS_LIMIT else ""
    left, right = st.columns(2)
    with left:
        st.markdown(f"**Papers about it ({len(about)}{capped})**")
        for pid, row in list(about.items())[:MAX_PAPERS]:
            item_button(
                f"{row['title']} ({row.get('year') or 'n.d.'})",
                pid,
                "paper",
                key=f"concept:about:{pid}",
            )
        if len(about) > MAX_PAPERS:
            st.caption(
                f"The newest {MAX_PAPERS} of them; all with `kg export --concept "
                f"{concept_id} --format bib`."
            )
        if not about:
            st.caption("No paper in the store mentions it"
                       + (" or a concept below it." if narrower else "."))
        st.markdown(f"**Papers that propose it ({len(proposing)})**")
        for pid, row in list(proposing.items())[:MAX_PAPERS]:
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
