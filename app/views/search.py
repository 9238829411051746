"""Search page: papers (title), concepts (name, alias) and authors (name) as you type;
each result opens its page, or the graph centred on it."""

from __future__ import annotations

import streamlit as st

from app import data
from app.views import open_item

ORDER = ("concept", "paper", "author")
LIMIT = 30


def render() -> None:
    st.header("Search")
    text = st.text_input(
        "Papers, concepts and authors",
        key="search:text",
        placeholder="e.g. transformer, ImageNet, Vaswani — press Enter",
    )
    if not text.strip():
        st.caption("Type part of a title, a concept name or alias, or an author's name.")
        return
    rows = data.search(text, limit=LIMIT)
    if not rows:
        st.info(f"Nothing matches {text.strip()!r}. Try fewer letters or another spelling.")
        return
    kinds = sorted({r["kind"] for r in rows}, key=lambda k: (*ORDER, k).index(k))
    for kind in kinds:
        hits = [r for r in rows if r["kind"] == kind]
        st.subheader(f"{kind.capitalize()}s ({len(hits)})")
        for row in hits:
            left, right = st.columns([8, 1])
            left.button(
                str(row["label"]),
                key=f"search:open:{row['id']}",
                on_click=open_item,
                args=(row["id"], kind),
                help=row["id"],
                type="tertiary",
            )
            right.button(
                "graph",
                key=f"search:graph:{row['id']}",
                on_click=open_item,
                args=(row["id"], kind, "Graph"),
            )
    if len(rows) >= LIMIT:
        st.caption(f"Showing the first {LIMIT} matches: type more to narrow them down.")
