"""Search page: papers (title), concepts (name, alias) and authors (name) as you type.

The box commits after a short typing pause (``live``), so suggestions appear without
pressing Enter: the best few matches (``data.suggest``), each opening its page. Below them
the full list of matches, grouped by kind, each with a button to open it in the graph."""

from __future__ import annotations

import streamlit as st

from kg.app import data
from kg.app.views import open_item

ORDER = data.KIND_ORDER
LIMIT = data.SEARCH_LIMIT
ICONS = {"concept": ":material/hub:", "paper": ":material/article:", "author": ":material/person:"}


def render() -> None:
    st.header("Search")
    text = st.text_input(
        "Papers, concepts and authors",
        key="search:text",
        placeholder="e.g. transformer, ImageNet, Vaswani",
        live=True,
    )
    if len(text.strip()) < data.SUGGEST_MIN:
        st.caption(
            f"Type at least {data.SUGGEST_MIN} letters of a title, a concept name or alias, "
            "or an author's name: suggestions appear as you type."
        )
        return
    suggestions = data.suggest(text)
    if not suggestions:
        st.info(f"Nothing matches {text.strip()!r}. Try fewer letters or another spelling.")
        return
    with st.container(border=True, key="search:suggestions"):
        st.caption("Suggestions")
        for row in suggestions:
            st.button(
                f"{row['label']} · {row['kind']}",
                key=f"search:suggest:{row['id']}",
                on_click=open_item,
                args=(row["id"], row["kind"]),
                help=row["id"],
                icon=ICONS.get(str(row["kind"])),
                type="tertiary",
            )
    rows = data.search(text, limit=LIMIT)
    kinds = sorted({r["kind"] for r in rows}, key=lambda k: (*ORDER, k).index(k))
    st.markdown(f"**All matches ({len(rows)}{'+' if len(rows) >= LIMIT else ''})**")
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
