"""The curation controls of the item pages, shown only by `kg app --curate`: a bar with the
curator, an optional "why" and undo; per tag, per concept and per author the decisions of
kg.curation; and a span picker to add a missed concept. Every control is a button whose
callback records the decision (kg.app.curate) before the page is drawn again, so the page
shows the store as the decision left it; what happened is said in a message on that page."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import streamlit as st
import streamlit.components.v1 as components

from kg.app import curate, data
from kg.app.views import open_item
from kg.curation import Decision
from kg.model import CONCEPT_TYPES
from kg.resources import shipped

SAID = "curate:said"  # (kind, text) of the last decision, shown once
WHY = "curate:why"
WORD = re.compile(r"\S+")
EDGE_PUNCTUATION = ".,;:!?()[]{}\"'“”‘’"


def checked_mark(mark: tuple[str, str] | None) -> str:
    """' ✓ checked by hand (who, date)' for a curated fact, '' otherwise."""
    return f" ✓ checked by hand ({mark[0]}, {mark[1][:10]})" if mark else ""


def _say(kind: str, text: str) -> None:
    st.session_state[SAID] = (kind, text)


# a decision that removes a tag recomputes every derived figure: about a minute at 100k papers
UPDATING = "Updating the store and its derived figures…"


def act(make: Callable[[], Decision], then: Callable[[], None] | None = None) -> None:
    """Button callback: build the decision from the widgets' current values (and the why),
    record and apply it; the outcome or the reason it was refused becomes the message."""
    try:
        decision = make()
        why = str(st.session_state.get(WHY) or "").strip()
        if why and not decision.why:
            decision = replace(decision, why=why)
        with st.spinner(UPDATING):
            recorded, report = curate.decide(decision)
    except Exception as error:  # a refused decision is a message, never a traceback
        _say("error", data.friendly(error))
        return
    st.session_state[WHY] = ""
    _say("success", curate.outcome(recorded, report))
    if then is not None:
        then()


def take_back(decision_id: str | None) -> None:
    """Button callback: undo a decision (the last one when None)."""
    try:
        with st.spinner(UPDATING):
            undone, report = curate.undo(decision_id)
    except Exception as error:
        _say("error", data.friendly(error))
        return
    target = curate.find(undone.target)
    what = curate.describe(target) if target else undone.target
    _say("success", f"Undone: {what}; {curate.changed(report)} brought back.")


def bar() -> None:
    """Who is curating, the optional why of the next decision, undo of the last one and the
    message of the last decision."""
    said = st.session_state.pop(SAID, None)
    if said:
        (st.success if said[0] == "success" else st.error)(said[1])
    _, problems = curate.load()
    if problems:  # skipped lines stay skipped, as in `kg build`; say which
        st.warning(f"{len(problems)} lines of the curation file are skipped: " + "; ".join(
            str(problem) for problem in problems[:3]) + (" …" if len(problems) > 3 else ""))
    left, mid, right = st.columns([3, 4, 3])
    left.caption(f"Curating as **{curate.who()}** into `{data.curation_file()}`")
    mid.text_input("Why (optional, kept with the next decision)", key=WHY,
                   label_visibility="collapsed", placeholder="why (optional)")
    last = curate.recent(1)
    if last:
        right.button(f"Undo: {curate.describe(last[0])}", key="curate:undo-last",
                     on_click=take_back, args=(last[0].id,))


def concept_choice(key: str, label: str) -> str | None:
    """A concept picked by a few letters of its name (the search the app uses)."""
    text = st.text_input(label, key=f"{key}:text", placeholder="a few letters of its name")
    if len(text.strip()) < 2:
        return None
    rows = [r for r in data.search(text, limit=50) if r["kind"] == "concept"]
    if not rows:
        st.caption(f"No concept matches {text!r}.")
        return None
    labels = {str(r["id"]): f"{r['label']} · {r['papers']} papers · {r['id']}" for r in rows}
    return st.selectbox("Concept", list(labels), format_func=labels.get, key=f"{key}:pick")


def type_choice(key: str, current: str) -> None:
    options = list(CONCEPT_TYPES)
    st.session_state.setdefault(key, current if current in options else options[0])
    st.selectbox("Type", options, key=key)


def tag_controls(paper: str, concept: str, row: dict[str, Any]) -> None:
    """The decisions about one tag of a paper, in a popover beside it."""
    key = f"curate:tag:{concept}"
    with st.popover("Curate", key=f"{key}:menu"):
        st.button("Not a concept here", key=f"{key}:reject", on_click=act, args=(
            lambda: Decision("reject-mention", paper=paper, concept=concept),))
        other = "used" if row.get("role") == "proposed" else "proposed"
        st.button(f"Mark as {other} here", key=f"{key}:role", on_click=act, args=(
            lambda: Decision("set-role", paper=paper, concept=concept, value=other),))
        st.button("Right as it is", key=f"{key}:confirm", on_click=act, args=(
            lambda: Decision("confirm-mention", paper=paper, concept=concept),))
        type_choice(f"{key}:type", str(row.get("type") or ""))
        st.button("Set this type (everywhere)", key=f"{key}:settype", on_click=act, args=(
            lambda: Decision("set-type", concept=concept, value=st.session_state[f"{key}:type"]),))
        target = concept_choice(f"{key}:same", "Same as…")
        if target:
            st.button("Merge into it", key=f"{key}:merge", on_click=act, args=(
                lambda: Decision("merge-concepts", concept=concept, target=target),))


def concept_controls(concept: str, name: str, kind: str) -> None:
    """The decisions about a concept everywhere."""
    key = "curate:concept"
    with st.expander("Curate this concept"):
        st.button("Not a concept anywhere", key=f"{key}:stop", on_click=act, args=(
            lambda: Decision("stop-concept", concept=concept),))
        left, right = st.columns(2)
        with left:
            st.session_state.setdefault(f"{key}:name", name)
            st.text_input("Name", key=f"{key}:name")
            st.button("Rename", key=f"{key}:rename", on_click=act, args=(
                lambda: Decision("rename-concept", concept=concept,
                                 value=str(st.session_state[f"{key}:name"]).strip()),))
        with right:
            type_choice(f"{key}:type", kind)
            st.button("Change type", key=f"{key}:settype", on_click=act, args=(
                lambda: Decision("set-type", concept=concept,
                                 value=st.session_state[f"{key}:type"]),))
        target = concept_choice(f"{key}:merge", "Merge into…")
        if target:
            st.button("Merge into it", key=f"{key}:merge", on_click=act, args=(
                lambda: Decision("merge-concepts", concept=concept, target=target),
                lambda: open_item(target, "concept")))


def merge_control(
    kind: str, item: str, key: str, texts: tuple[str, str, str, str],
    decision: Callable[[str], Decision], follow: Callable[[str], None],
) -> None:
    """The same … as another item of ``kind``: type, pick one of the matches (an author's
    with its paper count), then a button records ``decision(target)`` and ``follow``s.
    ``texts``: the box's label and placeholder, the button's label and key suffix."""
    label, placeholder, button, suffix = texts
    text = st.text_input(label, key=f"{key}:text", placeholder=placeholder)
    rows = [r for r in data.search(text, limit=50)
            if r["kind"] == kind and r["id"] != item] if len(text.strip()) >= 2 else []
    if not rows:
        if text.strip():
            st.caption(f"No other {kind} matches {text!r}.")
        return
    counted = kind == "author"
    labels = {str(r["id"]): f"{r['label']} · " + (f"{r['papers']} papers · " if counted else "")
              + str(r["id"]) for r in rows}
    target = st.selectbox(kind.capitalize(), list(labels), format_func=labels.get,
                          key=f"{key}:pick")
    st.button(button, key=f"{key}:{suffix}", on_click=act,
              args=(lambda: decision(target), lambda: follow(target)))


def author_controls(author: str, papers: dict[str, str]) -> None:
    """Merge with another author, or split papers off to another person (``papers``: id ->
    label). Both change which author nodes exist, at once: the page follows the person
    when this author node is gone (merged, or every paper split off)."""
    key = "curate:author"
    with st.expander("Curate this author"):
        merge_control("author", author, key, (
                      "Same person as…", "a few letters of the other author's name",
                      "Merge into that author", "merge"),
                      lambda target: Decision("merge-authors", author=author, target=target),
                      lambda target: open_item(target, "author"))
        chosen = st.multiselect("Papers written by another person of this name",
                                list(papers), format_func=papers.get, key=f"{key}:split")
        if chosen:
            def follow() -> None:  # every paper went to the new person: show that one
                if set(chosen) >= set(papers):
                    open_item(f"{author}~{curate.recent(1)[0].id}", "author")

            st.button("Split them off", key=f"{key}:splitoff", on_click=act, args=(
                lambda: Decision("split-author", author=author, value=";".join(chosen)),
                follow))


SEPARATED = "curate:separated"  # (identifier, the paper its records are now), shown once


def paper_controls(paper: str, attrs: dict[str, Any]) -> None:
    """The identity decisions about a paper: the same paper as another one (the page
    follows the merged paper), or, for a paper merged from several records, the records
    carrying one of its identifiers are a different paper (the page says where they went).
    Both rebuild the papers from their source records at once (kg.curation)."""
    key = "curate:paper"
    separated = st.session_state.pop(SEPARATED, None)
    if separated:
        ident, now = separated
        st.info(f"The records carrying {ident} are now the paper {now or '(not stored)'}.")
        if now:
            st.button(f"Open {now}", key=f"{key}:separated", on_click=open_item,
                      args=(now, "paper"))
    with st.expander("Curate this paper (same as another / different papers)"):
        merge_control("paper", paper, key, ("Same paper as…",
                      "a few letters of the other paper's title", "Same paper: merge them", "same"),
                      lambda target: Decision("same-paper", paper=paper, target=target),
                      lambda target: open_item(curate.stored_as(paper) or curate.stored_as(target)
                                               or paper, "paper"))
        different_papers(paper, attrs, key)


def different_papers(paper: str, attrs: dict[str, Any], key: str) -> None:
    """For a paper merged from two or more records: pick the identifier whose records are
    another paper. Records are told apart by DOI or arXiv id (those a decision can name)."""
    records = curate.sources(paper)
    if len(records) < 2:
        return
    st.markdown(f"**Merged from {len(records)} records:** " + ", ".join(
        f"`{record}`" for record in records))
    identifiers = [f"{prefix}:{attrs[name]}" for prefix, name in (("doi", "doi"),
                                                                    ("arxiv", "arxiv_id"))
                   if attrs.get(name)]
    kept = paper if paper in identifiers else (identifiers or [paper])[0]
    others = [ident for ident in identifiers if ident != kept]
    if not others:
        st.caption(f"Its records share one identifier ({kept}); records are told apart by "
                   "DOI or arXiv id.")
        return
    apart = st.selectbox(f"The records carrying this identifier are not {kept}", others,
                         key=f"{key}:apart")

    def went() -> None:  # say where the separated records went, and stay on this paper
        st.session_state[SEPARATED] = (apart, curate.stored_as(apart))
        open_item(curate.stored_as(kept) or paper, "paper")

    st.button("Different papers: separate them", key=f"{key}:different", on_click=act, args=(
        lambda: Decision("different-papers", paper=kept, target=apart), went))


def words(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of the words of ``text``, without the punctuation at their
    edges, so that a span picked from them is exactly text[start:end]."""
    spans = []
    for match in WORD.finditer(text):
        start, end = match.span()
        while start < end and text[start] in EDGE_PUNCTUATION:
            start += 1
        while end > start and text[end - 1] in EDGE_PUNCTUATION:
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


def span_select(text: str, field: str, key: str) -> object:
    """The span selection component (app/components/span_select): the last selection made
    with the mouse, or None. Declared at each use, not at import: `kg app` imports the pages
    before Streamlit's runtime exists (kg.app.serve), whose registry must know it."""
    component = components.declare_component(
        "span_select", path=str(shipped("kg.app", "components", "span_select")))
    return component(text=text, field=field, key=key, default=None)


def mouse_span(selection: object, field: str, text: str) -> tuple[int, int] | None:
    """The (start, end) of a selection made with the mouse when it is one of ``text``."""
    if not isinstance(selection, dict) or selection.get("field") != field:
        return None
    start, end = selection.get("start"), selection.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        return None
    return (start, end) if text[start:end] == selection.get("text") else None


def picked_span(key: str, field: str, text: str) -> tuple[int, int] | None:
    """The span chosen in ``text``: selected with the mouse (a component in plain HTML/JS,
    app/components/span_select), or a run of words picked with a two-handle slider; the
    one used last counts."""
    source = f"{key}:source"
    selection = span_select(text, field, f"{key}:{field}:mouse")
    if selection and selection != st.session_state.get(f"{key}:seen"):
        st.session_state[f"{key}:seen"] = selection
        st.session_state[source] = "mouse"
    spans = words(text)
    if not spans:
        return None
    picked = st.select_slider(
        "…or pick the words", options=list(range(len(spans))), value=(0, 0),
        key=f"{key}:{field}:words", format_func=lambda i: text[spans[i][0]:spans[i][1]],
        on_change=st.session_state.__setitem__, args=(source, "slider"))
    chosen = mouse_span(selection, field, text)
    if chosen and st.session_state.get(source) == "mouse":
        return chosen
    first, last = picked if isinstance(picked, tuple) else (picked, picked)
    return spans[first][0], spans[last][1]


def span_picker(paper: str, fields: dict[str, str]) -> None:
    """Add a missed concept: select its words in the title or abstract, then name it: an
    existing concept or a new one with its type."""
    key = "curate:add"
    with st.expander("Add a missed concept (select its words in the title or abstract)"):
        present = [f for f in ("abstract", "title") if fields.get(f)]
        if not present:
            st.caption("This paper has no title or abstract text to select from.")
            return
        field = st.radio("In the", present, horizontal=True, key=f"{key}:field")
        text = fields[field]
        span = picked_span(key, field, text)
        if span is None:
            st.caption(f"The {field} has no words.")
            return
        start, end = span
        chosen = text[start:end]
        st.markdown(f"Selected ({field} {start}–{end}): **{chosen}**")
        existing = concept_choice(f"{key}:concept", "An existing concept? (empty: a new one)")
        if existing:
            make = lambda: Decision("add-mention", paper=paper, concept=existing,  # noqa: E731
                                    field=field, start=start, end=end)
        else:
            type_choice(f"{key}:type", "method")
            make = lambda: Decision(  # noqa: E731
                "add-mention", paper=paper, concept=chosen, field=field, start=start, end=end,
                value=st.session_state[f"{key}:type"])
        st.button(f"Add {existing or repr(chosen)} to this paper", key=f"{key}:go",
                  on_click=act, args=(make,))
