"""Not-found page: what a link to an unknown page or id shows instead of a made-up page."""

from __future__ import annotations

import streamlit as st

from kg.app import data
from kg.app.views import PAGE_OF_KIND
from kg.graph import kind_of

ITEM_PAGES = {"Graph", *PAGE_OF_KIND.values()}


def missing_item(page: str) -> str | None:
    """Why the selected item cannot be shown on ``page`` (an item page), or None. Ids that
    no store could hold (control characters, undecodable bytes) are refused unasked."""
    item = st.session_state.get("item")
    if page not in ITEM_PAGES or not item:
        return None
    kind = kind_of(item)
    if not item.isprintable() or "\ufffd" in item:
        return f"{item!r} is not a valid {kind} id."
    if not data.node(item):
        return f"There is no {kind} with the id {item!r} in this store."
    return None


def render(reason: str) -> None:
    st.header("Not found")
    st.error(reason)
    st.markdown(
        "Look it up on the **Search** page, or start from the **Overview** page's top "
        "concepts. An id is `concept:<slug>`, `doi:…`, `arxiv:…`, `title:…`, or an author's "
        "`name:…`/`orcid:…`."
    )
    st.button("Go to Search", key="notfound:search", on_click=leave, args=("Search",))


def leave(page: str) -> None:
    st.session_state.pop("not_found", None)
    st.session_state.pop("item", None)
    st.session_state.pop("item_kind", None)
    st.session_state["nav"] = page
