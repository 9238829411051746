"""Concept page: aliases, every broader and narrower concept (paged), papers per year (the
undated ones counted), the papers about it — those that mention it or, unless switched off,
a concept below it: the same papers as `kg export --concept` and the named query
papers-by-concept — paged and sortable, each with the sentence that mentions it, the papers
that propose it (the extractor's role rules: never a question, a citing sentence or a
survey) and the concepts it co-occurs with, with their shared papers."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from kg.app import data
from kg.app.views import (
    curating,
    item_button,
    narrower_checkbox,
    page_item,
    paged,
)

LINKS_PER_PAGE = 24
PAPERS_PER_PAGE = 20
SORTS = {
    "newest": "newest first",
    "oldest": "oldest first",
    "role": "proposers first",
}


def escape_md(text: str) -> str:
    """Plain text for st.markdown/st.caption: no markup, links or LaTeX out of a sentence."""
    return "".join("\\" + c if c in "\\`*_{}[]#|$<>~" else c for c in text)


def telling(sentences: list[dict[str, Any]], role: str) -> dict[str, Any] | None:
    """The sentence to show for a paper: the first; for a proposer the first that states
    something (a question proposes nothing)."""
    if role == "proposed":
        stating = [s for s in sentences if not str(s["sentence"]).rstrip().endswith("?")]
        sentences = stating or sentences
    return sentences[0] if sentences else None


def about_papers(rows: list[dict[str, Any]], concept_id: str) -> list[dict[str, Any]]:
    """One entry per paper from the rows of papers-by-concept (one per paper and mentioned
    concept): its title and year, the concepts it mentions, and "proposed" when it proposes
    the concept itself."""
    papers: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = papers.setdefault(str(row["paper"]), {
            "paper": str(row["paper"]), "title": row.get("title"), "year": row.get("year"),
            "concepts": [], "role": "used"})
        entry["concepts"].append(str(row["concept"]))
        if row.get("role") == "proposed" and row.get("concept") == concept_id:
            entry["role"] = "proposed"
    return list(papers.values())


def sort_papers(papers: list[dict[str, Any]], how: str) -> list[dict[str, Any]]:
    """Newest or oldest first (undated last either way), or proposers first then newest."""
    def year(p: dict[str, Any]) -> int:
        return int(p["year"]) if p.get("year") not in (None, "") else -1

    if how == "oldest":
        return sorted(papers, key=lambda p: (year(p) < 0, year(p), p["paper"]))
    newest = sorted(papers, key=lambda p: (-year(p), p["paper"]))
    if how == "role":
        return sorted(newest, key=lambda p: p["role"] != "proposed")
    return newest


def paper_list(papers: list[dict[str, Any]], key: str) -> None:
    """Each paper as a button, then its role and the sentence mentioning the concept."""
    evidence = data.evidence([p["paper"] for p in papers],
                             sorted({c for p in papers for c in p["concepts"]}))
    for paper in papers:
        item_button(f"{paper['title'] or paper['paper']} ({paper.get('year') or 'n.d.'})",
                    paper["paper"], "paper", key=f"{key}:{paper['paper']}")
        found = telling([s for c in paper["concepts"]
                         for s in evidence.get((paper["paper"], c), [])], paper["role"])
        said = (f" · {found['field']}: “{escape_md(str(found['sentence']))}”" if found
                else " · no evidence sentence stored")
        st.caption(f"{paper['role']}{said}")


def linked_concepts(title: str, ids: list[str], labels: dict[str, str], key: str) -> None:
    if not ids:
        return
    st.markdown(f"**{title} ({len(ids)})**")
    shown = sorted(ids, key=lambda n: labels.get(n, n).casefold())
    if key:
        shown = paged(shown, key, LINKS_PER_PAGE, "concepts")
    cols = st.columns(min(4, len(shown)))
    for i, other in enumerate(shown):
        with cols[i % len(cols)]:
            item_button(labels.get(other, other), other, "concept", key=f"concept:{title}:{other}")


def years_chart(concept_id: str, narrower: bool, papers: int, capped: bool) -> None:
    trend = data.named("concept-trend", concept=concept_id, narrower=narrower)
    years = pd.DataFrame(
        [{"year": int(r["year"]), "papers": int(r["papers"])} for r in trend if r.get("year")]
    )
    dated = int(years["papers"].sum()) if not years.empty else 0
    st.markdown("**Papers per year**")
    if years.empty:
        st.caption("None of its papers has a year.")
    else:
        per_year = years.groupby("year")["papers"].sum()
        per_year.index = per_year.index.astype(str)  # years, not quantities ("2,017")
        st.bar_chart(per_year, x_label="year", y_label="papers", height=220)
    if not capped:
        st.caption(f"{dated} dated papers; {papers - dated} without a year (not in the chart).")


def render() -> None:
    concept_id = page_item("concept")
    if concept_id is None:
        return
    attrs = data.node(concept_id)  # name, type and aliases, without the neighbourhood
    name = attrs.get("name") or attrs.get("label") or concept_id
    st.subheader(name)
    st.markdown(f"{attrs.get('type') or 'concept'} · `{concept_id}`"
                + curating.checked_mark(data.concept_mark(concept_id)))
    if data.curating():
        curating.concept_controls(concept_id, str(name), str(attrs.get("type") or ""))
    item_button("Show in graph", concept_id, "concept", key="concept:graph", page="Graph")
    aliases = [a for a in attrs.get("aliases") or [] if a != name]
    if aliases:
        st.markdown("**Aliases:** " + ", ".join(aliases))
    # broader/narrower: its BROADER edges only (a hub's co-occurrences are read apart, ranked)
    links = data.named("ego-network", node=concept_id, rels="BROADER", limit=data.LINKS_LIMIT)
    labels = {str(r[end]): str(r[f"{end}_label"] or r[end])
              for r in links for end in ("source", "target")}
    broader = [str(r["target"]) for r in links if r["source"] == concept_id]
    narrower_ids = [str(r["source"]) for r in links if r["target"] == concept_id]
    linked_concepts("Broader", broader, labels, "")
    linked_concepts("Narrower", narrower_ids, labels, "concept:narrower:page")
    narrower = narrower_checkbox()
    rows = data.concept_papers(concept_id, narrower=narrower)
    capped = len(rows) >= data.PAPERS_LIMIT
    papers = about_papers(rows, concept_id)
    proposing = [p for p in sort_papers(papers, "newest") if p["role"] == "proposed"]
    years_chart(concept_id, narrower, len(papers), capped)
    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"**Papers about it ({len(papers)}{'+' if capped else ''})**")
        if capped:
            st.caption(f"The newest {data.PAPERS_LIMIT} mentions; all with `kg export "
                       f"--concept {concept_id} --format bib`.")
        if not papers:
            st.caption("No paper in the store mentions it"
                       + (" or a concept below it." if narrower else "."))
        else:
            if st.session_state.get("concept:sort") not in SORTS:
                st.session_state["concept:sort"] = "newest"
            how = st.radio("Sort", tuple(SORTS), format_func=SORTS.get, horizontal=True,
                           key="concept:sort", label_visibility="collapsed")
            shown = paged(sort_papers(papers, how), "concept:papers:page", PAPERS_PER_PAGE,
                          "papers")
            paper_list(shown, "concept:about")
    with right:
        st.markdown(f"**Papers that propose it ({len(proposing)})**")
        if proposing:
            paper_list(proposing[:PAPERS_PER_PAGE], "concept:p")
            if len(proposing) > PAPERS_PER_PAGE:
                st.caption("More with the sort “proposers first” on the left.")
        else:
            st.caption("No paper in the store proposes it.")
        rows = data.named("top-cooccurring", concept=concept_id, limit=20)
        st.markdown(f"**Co-occurring concepts ({len(rows)})** · papers mentioning both")
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
