"""The app's pages (one module each, each with ``render()``) and the navigation they share.

Navigation state lives in ``st.session_state``: ``nav`` (the sidebar page, a widget key),
``item`` and ``item_kind`` (what the item pages show). It is mirrored to the URL query
(``?view=Concept&id=concept:vit``) so that links and reloads land on the same item, and
``?node=<id>`` (set by a click in the graph) opens the Graph page centred on that node.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from kg.app import data
from kg.graph import kind_of

PAGES = ("Search", "Graph", "Paper", "Concept", "Author", "Overview", "Console", "Export")
PAGE_OF_KIND = {"paper": "Paper", "concept": "Concept", "author": "Author"}


def open_item(item_id: str, kind: str | None = None, page: str | None = None) -> None:
    """Button callback: show ``item_id`` on its own page (or on ``page``)."""
    kind = kind or kind_of(item_id)
    st.session_state["item"] = item_id
    st.session_state["item_kind"] = kind
    st.session_state["nav"] = page or PAGE_OF_KIND.get(kind, "Graph")


def sync_from_url() -> None:
    """Adopt the URL's view/id on a session's first run, and a graph click's ?node= always.
    Runs before the sidebar widget is created, so setting its key here is allowed."""
    params = st.query_params
    if "node" in params:
        node = params["node"]
        del params["node"]
        open_item(node, page="Graph")
    elif not st.session_state.get("_url_synced"):
        if params.get("id"):
            open_item(params["id"], params.get("kind") or None, page=None)
        if params.get("view") in PAGES:
            st.session_state["nav"] = params["view"]
    st.session_state["_url_synced"] = True


def sync_to_url(page: str) -> None:
    wanted = {"view": page}
    if st.session_state.get("item"):
        wanted["id"] = st.session_state["item"]
    if {k: st.query_params.get(k) for k in wanted} != wanted or set(st.query_params) - {
        "view",
        "id",
    }:
        st.query_params.from_dict(wanted)


def current(kind: str) -> str | None:
    """The selected item when it is of ``kind``."""
    if st.session_state.get("item_kind") == kind:
        return st.session_state.get("item")
    return None


def item_button(
    label: str, item_id: str, kind: str | None = None, key: str = "", page: str | None = None
) -> None:
    st.button(
        label,
        key=key or f"open:{page or ''}:{item_id}",
        on_click=open_item,
        args=(item_id, kind, page),
        type="tertiary",
    )


def pick_item(kind: str | None, key: str) -> str | None:
    """A small search box for pages opened without an item: type, then choose a match."""
    what = f"{kind}s" if kind else "papers, concepts and authors"
    text = st.text_input(
        f"Find {what}", key=f"{key}:text", placeholder="type a few letters", live=True
    )
    if not text.strip():
        return None
    rows = [r for r in data.search(text, limit=50) if kind is None or r["kind"] == kind]
    if not rows:
        st.info(f"No {what} match {text!r}: try fewer letters or another spelling.")
        return None
    labels = {f"{r['label']}  ·  {r['kind']}  ·  {r['id']}": r for r in rows}
    choice = st.selectbox("Matches", list(labels), key=f"{key}:choice")
    row = labels[choice]
    st.button(  # a callback: it runs before the sidebar's "nav" radio exists, so may set it
        "Open",
        key=f"{key}:open",
        on_click=open_item,
        args=(row["id"], row["kind"], None if kind else "Graph"),
    )
    return None


def guard(render: Callable[[], None]) -> None:
    """Run a page; any failure becomes a message saying what to do, never a traceback."""
    try:
        render()
    except Exception as error:
        st.error(data.friendly(error))
