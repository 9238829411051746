"""Search page: papers (title), concepts (name, alias) and authors (name) as you type.

The box commits after a short typing pause (``live``), so suggestions appear without
pressing Enter: the best few matches (``data.suggest``), each opening its page. Below them
every match, grouped by kind and paged, concepts and authors ranked by their papers (the
count shown), each with a button to open it in the graph."""

from __future__ import annotations

import streamlit as st

from kg.app import data, state
from kg.app.views import item_button, open_item, paged

ORDER = data.KIND_ORDER
PER_PAGE = 20
STARTERS = 10  # top concepts and newest papers on the landing page
ICONS = {"concept": ":material/hub:", "paper": ":material/article:", "author": ":material/person:"}


def counted(row: dict) -> str:
    papers = row.get("papers")
    if papers is None:
        return str(row["label"])
    return f"{row['label']} · {papers} paper{'s' if papers != 1 else ''}"


def landing() -> None:
    """Where to start: what the store holds, its most used concepts, its newest papers."""
    counts = data.counts()
    st.markdown(
        " · ".join(f"**{counts.get(k, 0):,}** {k}" for k in ("papers", "authors", "concepts",
                                                              "mentions"))
    )
    left, right = st.columns(2)
    with left:
        st.markdown("**Top concepts** · papers mentioning")
        for row in data.named("top-concepts", limit=STARTERS):
            item_button(f"{row['name']} · {row['papers']}", str(row["concept"]), "concept",
                        key=f"start:c:{row['concept']}")
    with right:
        st.markdown("**Newest papers**")
        for row in data.recent_papers(STARTERS):
            item_button(f"{row['title'] or row['paper']} ({row['year']})", str(row["paper"]),
                        "paper", key=f"start:p:{row['paper']}")


def render() -> None:
    st.header("Search")
    text = st.text_input(
        "Papers, concepts and authors",
        key="search:text",
        placeholder="e.g. transformer, ImageNet, Vaswani",
        live=True,
        on_change=state.forget,
        args=(("search:page",),),
    )
    if len(text.strip()) < data.SUGGEST_MIN:
        st.caption(
            f"Type at least {data.SUGGEST_MIN} letters of a title, a concept name or alias, "
            "or an author's name: suggestions appear as you type."
        )
        landing()
        return
    note = data.search_note()
    if note:
        st.caption(f"Note: {note}.")
    suggestions = data.suggest(text)
    if not suggestions:
        st.info(f"Nothing matches {text.strip()!r}. Try fewer letters or another spelling.")
        return
    with st.container(border=True, key="search:suggestions"):
        st.caption("Suggestions")
        for row in suggestions:
            st.button(
                f"{counted(row)} · {row['kind']}",
                key=f"search:suggest:{row['id']}",
                on_click=open_item,
                args=(row["id"], row["kind"]),
                help=row["id"],
                icon=ICONS.get(str(row["kind"])),
                type="tertiary",
            )
    rows = data.ranked(data.search(text), text)
    capped = "+" if len(rows) >= data.SEARCH_LIMIT else ""
    kinds = sorted({r["kind"] for r in rows}, key=lambda k: (*ORDER, k).index(k))
    by_kind = {kind: [r for r in rows if r["kind"] == kind] for kind in kinds}
    st.markdown(f"**All matches ({len(rows)}{capped})**")
    if st.session_state.get("search:kind") not in kinds:
        st.session_state["search:kind"] = kinds[0]
    kind = st.radio(
        "Kind", kinds, format_func=lambda k: f"{k}s ({len(by_kind[k])}{capped})",
        horizontal=True, key="search:kind", label_visibility="collapsed",
        on_change=state.forget, args=(("search:page",),),
    )
    for row in paged(by_kind[kind], "search:page", PER_PAGE, f"{kind}s"):
        left, right = st.columns([8, 1])
        left.button(
            counted(row),
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
    if capped:
        st.caption(f"The first {data.SEARCH_LIMIT} matches: type more to narrow them down.")
