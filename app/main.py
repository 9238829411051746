"""Streamlit entry script: `kg app` runs `streamlit run app/main.py`.

The sidebar picks a page (app/views/<page>.py); the store comes from PAPER_KG_STORE.
"""

from __future__ import annotations

import streamlit as st

from kg.app import data, state
from kg.app.main_pages import RENDER
from kg.app.views import guard, not_found, pages, sync_from_url, sync_to_url


def main() -> None:
    st.set_page_config(page_title="paper-kg explorer", layout="wide")
    sync_from_url()
    st.session_state.setdefault("nav", "Search")
    with st.sidebar:
        st.title("paper-kg")
        page = st.radio("Page", pages(), key="nav", on_change=st.session_state.pop,
                        args=("not_found", None))
        mode = ("curating" if data.curating() else
                "read-write" if data.write_allowed() else "read-only")
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
    empty = data.no_papers_yet()
    if empty:  # a store, but nothing in it: say what fills it; the console still works
        st.warning(empty)
    reason = st.session_state.get("not_found") or not_found.missing_item(page)
    if reason:
        not_found.render(reason)  # the URL stays as given: a reload shows the same
        state.seen_url()
        return
    guard(RENDER[page])
    sync_to_url(page)


main()
