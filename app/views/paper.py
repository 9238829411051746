"""Paper page: title, links, authors, the abstract with every concept mention highlighted
in its type's colour (from the stored mention offsets), and the concepts with their role."""

from __future__ import annotations

import html
from typing import Any

import streamlit as st

from kg.app import data
from kg.app.graph_view import TYPE_COLORS, UNKNOWN_COLOR
from kg.app.views import curating, item_button, page_item
from kg.details import paper_id_fields


def highlight(text: str, spans: list[tuple[int, int, str, str]]) -> str:
    """HTML of ``text`` with each (start, end, type, name) span marked in its type's colour.
    Offsets index ``text``; out-of-range spans are skipped and overlaps keep the earlier
    (then longer) span so the text is never duplicated or lost."""
    out: list[str] = []
    pos = 0
    for start, end, kind, name in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if start < pos or end > len(text) or start >= end:
            continue
        color = TYPE_COLORS.get(kind, UNKNOWN_COLOR)
        out.append(html.escape(text[pos:start]))
        out.append(
            f'<mark style="background:{color}33;border-bottom:2px solid {color};'
            f'padding:0 2px" title="{html.escape(f"{name} ({kind})", quote=True)}">'
            f"{html.escape(text[start:end])}</mark>"
        )
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def mention_spans(rows: list[dict[str, Any]], field: str) -> list[tuple[int, int, str, str]]:
    spans = []
    for row in rows:
        if row.get("field") == field and row.get("start") is not None:
            try:
                start, end = int(row["start"]), int(row["end"])
            except (TypeError, ValueError):
                continue
            spans.append((start, end, str(row.get("type") or ""), str(row.get("name") or "")))
    return spans


def links(attrs: dict[str, Any]) -> list[str]:
    out = []
    if attrs.get("doi"):
        out.append(f"[doi:{attrs['doi']}](https://doi.org/{attrs['doi']})")
    if attrs.get("arxiv_id"):
        out.append(f"[arXiv:{attrs['arxiv_id']}](https://arxiv.org/abs/{attrs['arxiv_id']})")
    if attrs.get("url") and not any(attrs["url"] in link for link in out):
        out.append(f"[link]({attrs['url']})")
    return out


def render() -> None:
    paper_id = page_item("paper")
    if paper_id is None:
        return
    # the paper's own fields, without its neighbourhood; its id may say its DOI / arXiv id
    attrs = {**paper_id_fields(paper_id), **data.node(paper_id)}
    title = attrs.get("title") or attrs.get("label") or paper_id
    rows = data.named("concepts-of-paper", paper=paper_id)
    st.subheader(title)
    meta = [str(x) for x in (attrs.get("year"), attrs.get("venue")) if x]
    st.markdown(" · ".join([*meta, f"`{paper_id}`", *links(attrs)]))
    item_button("Show in graph", paper_id, "paper", key="paper:graph", page="Graph")
    if attrs.get("authors"):  # their ids and order are edges: a one-hop, authors-only ego
        g = data.ego(paper_id, hops=1, types=["author"])
        authors = sorted(
            (d.get("position") or 0, v)
            for _, v, d in g.out_edges(paper_id, data=True)
            if d.get("rel") == "AUTHORED_BY"
        )
        st.markdown("**Authors**")
        cols = st.columns(min(4, max(1, len(authors))))
        for i, (_, author_id) in enumerate(authors):
            with cols[i % len(cols)]:
                item_button(g.nodes[author_id].get("label") or author_id, author_id, "author")
    title_spans = mention_spans(rows, "title")
    if title_spans:
        st.markdown(highlight(title, title_spans), unsafe_allow_html=True)
    abstract = attrs.get("abstract") or ""
    st.markdown("**Abstract**")
    if abstract:
        st.markdown(
            f'<div class="paper-abstract">{highlight(abstract, mention_spans(rows, "abstract"))}'
            "</div>",
            unsafe_allow_html=True,
        )
    else:
        st.caption("No abstract in the store for this paper.")
    if data.curating():
        curating.paper_controls(paper_id, attrs)
        curating.span_picker(paper_id, {"title": str(attrs.get("title") or ""),
                                         "abstract": abstract})
    concepts: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = concepts.setdefault(str(row["concept"]), {**row, "mentions": 0})
        entry["mentions"] += 1
    st.markdown(f"**Concepts ({len(concepts)})**")
    if not concepts:
        st.caption("No concepts were extracted from this paper.")
    marks = data.tag_marks(paper_id)
    for concept_id, row in sorted(
        concepts.items(), key=lambda kv: (kv[1].get("role") != "proposed", str(kv[1]["name"]))
    ):
        left, mid, right, end = st.columns([4, 2, 3, 1])
        with left:
            item_button(str(row["name"]), concept_id, "concept", key=f"paper:c:{concept_id}")
        color = TYPE_COLORS.get(str(row.get("type")), UNKNOWN_COLOR)
        mid.markdown(
            f'<span style="color:{color}">{html.escape(str(row.get("type")))}</span>',
            unsafe_allow_html=True,
        )
        confidence = row.get("confidence")
        right.markdown(
            f"{row.get('role')}"
            + (f" · {float(confidence):.2f}" if confidence not in (None, "") else "")
            + curating.checked_mark(marks.get(concept_id))
        )
        if data.curating():
            with end:
                curating.tag_controls(paper_id, concept_id, row)
