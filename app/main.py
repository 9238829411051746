"""Streamlit entry script: `kg app` runs `streamlit run app/main.py`.

The sidebar picks a page (app/views/<page>.py); the store comes from PAPER_KG_STORE.
"""

from __future__ import annotations

import streamlit as st

from kg.app import data
from kg.app.views import (
    PAGES,
    author,
    concept,
    console,
    export,
    graph,
    guard,
    overview,
    paper,
    search,
    sync_from_url,
    sync_to_url,
)

RENDER = {
    "Search": search.render,
    "Graph": graph.render,
    "Paper": paper.render,
    "Concept": concept.render,
    "Author": author.render,
    "Overview": overview.render,
    "Console": console.render,
    "Export": export.render,
}


def main() -> None:
    st.set_page_config(page_title="paper-kg explorer", layout="wide")
    sync_from_url()
    st.session_state.setdefault("nav", "Search")
    with st.sidebar:
        st.title("paper-kg")
        page = st.radio("Page", PAGES, key="nav")
        mode = "read-write" if data.write_allowed() else "read-only"
        st.caption(f"Store `{data.store_uri()}` · {mode}")
        if st.session_state.get("item"):
            st.caption(f"Selected: `{st.session_state['item']}`")
        st.button(
            "Refresh data",
            key="refresh",
            on_click=data.clear_caches,
            help="Results are cached for an hour; refresh after rebuilding the store.",
        )
    try:
        data.get_store()
    except Exception as error:
        st.error(data.friendly(error))
        return
    guard(RENDER[page])
    sync_to_url(page)


main()
