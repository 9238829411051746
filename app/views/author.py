"""Author page: their papers, co-authors (by shared papers) and the concepts they use."""

from __future__ import annotations

from collections import Counter

import streamlit as st

from kg.app import data
from kg.app.views import curating, item_button, page_item


def render() -> None:
    author_id = page_item("author")
    if author_id is None:
        return
    attrs = data.node(author_id)
    st.subheader(attrs.get("name") or attrs.get("label") or author_id)
    st.markdown(f"`{author_id}`")
    item_button("Show in graph", author_id, "author", key="author:graph", page="Graph")
    # papers and co-authors are the neighbourhood: two hops over papers and authors
    g = data.ego(author_id, hops=2, types=["paper", "author"], limit=1000)
    papers = sorted(
        {u for u, _, r in g.in_edges(author_id, data="rel") if r == "AUTHORED_BY"},
        key=lambda p: (-(g.nodes[p].get("year") or 0), str(g.nodes[p].get("label"))),
    )
    if data.curating():
        curating.author_controls(author_id, {
            p: f"{g.nodes[p].get('label') or p} ({g.nodes[p].get('year') or 'n.d.'})"
            for p in papers})
    coauthors: Counter[str] = Counter()
    for paper in papers:
        for _, other, rel in g.out_edges(paper, data="rel"):
            if rel == "AUTHORED_BY" and other != author_id:
                coauthors[other] += 1
    left, right = st.columns(2)
    with left:
        st.markdown(f"**Papers ({len(papers)})**")
        for paper in papers:
            year = g.nodes[paper].get("year") or "n.d."
            item_button(
                f"{g.nodes[paper].get('label') or paper} ({year})",
                paper,
                "paper",
                key=f"author:p:{paper}",
            )
    with right:
        st.markdown(f"**Co-authors ({len(coauthors)})**")
        for other, shared in sorted(coauthors.items(), key=lambda kv: (-kv[1], kv[0]))[:50]:
            a, b = st.columns([5, 1])
            with a:
                item_button(
                    g.nodes[other].get("label") or other, other, "author", key=f"author:co:{other}"
                )
            b.markdown(str(shared))
    concepts = data.named("author-concepts", author=author_id)
    st.markdown(f"**Concepts ({len(concepts)})**")
    if concepts:
        st.dataframe(
            [{"concept": r["name"], "type": r["type"], "papers": r["papers"]} for r in concepts],
            hide_index=True,
            use_container_width=True,
        )
    else:
        st.caption("No concepts were extracted from this author's papers.")
