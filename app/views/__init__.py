"""The app's pages (one module each, each with ``render()``) and the navigation they share.

Navigation state lives in ``st.session_state``: ``nav`` (the sidebar page, a widget key),
``item`` and ``item_kind`` (what the item pages show). It is mirrored to the URL query
(``?view=Concept&id=concept:vit``, with the widget states of kg.app.state) so that links,
reloads, graph clicks and the back button land on the same view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from kg.app import data, state
from kg.graph import kind_of

T = TypeVar("T")
PAGES = ("Search", "Graph", "Paper", "Concept", "Author", "Overview", "Console", "Export")
CURATING_PAGES = ("Review",)  # only in an app started with --curate
PAGE_OF_KIND = {"paper": "Paper", "concept": "Concept", "author": "Author"}


PAGERS = ("concept:papers:page", "concept:narrower:page")  # list pages of one item


def pages() -> tuple[str, ...]:
    """The pages of this app: the Review page only when curating."""
    return PAGES + (CURATING_PAGES if data.curating() else ())


def open_item(
    item_id: str, kind: str | None = None, page: str | None = None, from_url: bool = False
) -> None:
    """Button callback: show ``item_id`` on its own page (or on ``page``), its lists on
    their first page (unless the URL says which)."""
    kind = kind or kind_of(item_id)
    if item_id != st.session_state.get("item") and not from_url:
        state.forget(PAGERS)
    st.session_state["item"] = item_id
    st.session_state["item_kind"] = kind
    st.session_state["nav"] = page or PAGE_OF_KIND.get(kind, "Graph")


def sync_from_url() -> None:
    """Adopt the URL's view, item and widget states when they are new to this session (a
    first load, a graph click, the back button, a shared link). Runs before the sidebar
    widget is created, so setting its key here is allowed. An unknown view or id becomes
    the not-found page (``not_found``), never a page made up for it."""
    params = state.adopt_url()
    if params is not None:
        st.session_state.pop("not_found", None)
        view = params.get("view")
        if params.get("id"):
            open_item(params["id"], page=view if view in pages() else None, from_url=True)
        if view in pages():
            st.session_state["nav"] = view
        elif view is not None:
            st.session_state["not_found"] = f"There is no page called {view!r}."
    state.restore()


def sync_to_url(page: str) -> None:
    wanted = {"view": page}
    if st.session_state.get("item"):
        wanted["id"] = st.session_state["item"]
    state.write_url(wanted)


def current(kind: str) -> str | None:
    """The selected item when it is of ``kind``."""
    if st.session_state.get("item_kind") == kind:
        return st.session_state.get("item")
    return None


def page_item(kind: str) -> str | None:
    """An item page's header (with the curating bar under `kg app --curate`) and its selected
    item of ``kind``; with none selected, the page shows a picker instead and gets None."""
    st.header(kind.capitalize())
    item = current(kind)
    if not item:
        pick_item(kind, f"{kind}:pick")
        return None
    if data.curating():
        from kg.app.views import curating

        curating.bar()
    return item


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


def paged(items: list[T], key: str, size: int, what: str) -> list[T]:
    """The items of the page chosen with a "Page" box (``key``, kept in the URL) when they
    do not fit on one, with a caption saying which are shown."""
    pages = max(1, -(-len(items) // size))
    if pages == 1:
        return items
    number = st.session_state.get(key, 1)
    st.session_state[key] = number if isinstance(number, int) and 1 <= number <= pages else 1
    left, right = st.columns([1, 4])
    number = left.number_input(f"Page (of {pages})", 1, pages, key=key)
    start = (number - 1) * size
    right.caption(f"{what} {start + 1}–{min(start + size, len(items))} of {len(items)}")
    return items[start : start + size]


def guard(render: Callable[[], None]) -> None:
    """Run a page; any failure becomes a message saying what to do, never a traceback."""
    try:
        render()
    except Exception as error:
        st.error(data.friendly(error))


def narrower_checkbox() -> bool:
    """Whether a concept's papers include those of narrower concepts: one switch (URL/session
    key ``narrower``) shared by the concept page and the graph page."""
    st.session_state.setdefault("narrower", True)
    return st.checkbox(
        "Include the papers of narrower concepts",
        key="narrower",
        help="The papers about a concept are those that mention it or a concept below it "
        "(skos:broader*), as in `kg export --concept` and the named query papers-by-concept; "
        "untick for those that name it.",
    )
