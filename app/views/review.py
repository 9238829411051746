"""Review page (`kg app --curate` only): the review queue — the least confident tags nobody
has checked by hand yet (kg.curation.review_queue, as `kg curate list --queue`) — a page at a
time, each kept ("confirm-mention": the tag is marked checked and leaves the queue) or
rejected; then the recent decisions, each with its own undo."""

from __future__ import annotations

import streamlit as st

from kg.app import curate, data
from kg.app.views import curating, item_button
from kg.app.views.concept import escape_md
from kg.curation import Decision

PER_PAGE = 10


def queue_row(row: dict) -> None:
    paper, concept = str(row["paper"]), str(row["concept"])
    left, mid, right = st.columns([6, 2, 2])
    with left:
        item_button(str(row.get("title") or paper), paper, "paper",
                    key=f"review:p:{paper}:{concept}")
        st.caption(f"**{escape_md(str(row['name']))}** ({row.get('type')}, {row.get('role')}, "
                   f"confidence {row['confidence']:.2f}) · “{escape_md(str(row['sentence']))}”")
    mid.button("Keep", key=f"review:keep:{paper}:{concept}", on_click=curating.act, args=(
        lambda: Decision("confirm-mention", paper=paper, concept=concept),))
    right.button("Reject", key=f"review:reject:{paper}:{concept}", on_click=curating.act, args=(
        lambda: Decision("reject-mention", paper=paper, concept=concept),))


def recent_decisions() -> None:
    decisions = curate.recent()
    more = "+" if len(decisions) == curate.RECENT else ""
    st.markdown(f"**Recent decisions ({len(decisions)}{more})**")
    if not decisions:
        st.caption("No decision in force yet.")
    for decision in decisions:
        left, right = st.columns([8, 2])
        why = f" — {escape_md(decision.why)}" if decision.why else ""
        left.caption(f"`{decision.id}` {escape_md(curate.describe(decision))} · "
                     f"{escape_md(decision.who)}, {decision.when}{why}")
        right.button("Undo", key=f"review:undo:{decision.id}", on_click=curating.take_back,
                     args=(decision.id,))


def render() -> None:
    st.header("Review")
    if not data.curating():  # only listed when curating; a link may still name it
        st.info("Start the explorer with `kg app --curate` to review tags.")
        return
    curating.bar()
    st.session_state.setdefault("review:page", 1)
    number = st.number_input("Page", min_value=1, key="review:page")
    rows = curate.queue(PER_PAGE, (int(number) - 1) * PER_PAGE)
    st.markdown("**Review queue** · the least confident tags nobody has checked by hand yet")
    if not rows:
        st.caption("Nothing to review on this page: every tag before it was checked by hand, "
                   "or the store has no tags." if number == 1 else "No more tags: go back a page.")
    for row in rows:
        queue_row(row)
    recent_decisions()
