"""Curating from the app (`kg app --curate`): a decision is checked against the store,
recorded in the curation file and applied to the store at once (kg.curation), then the
cached page data is forgotten so the page shows the change. Nothing here draws."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

import streamlit as st

from kg import curation as cur
from kg.app import data
from kg.curation.decisions import curator

if TYPE_CHECKING:
    from kg.extract import Extractor

RECENT = 20  # decisions listed for undo


def load() -> tuple[cur.Curation, list[cur.Problem]]:
    """The curation file as it is now (read at every decision: a co-author's `kg curate`
    may have added lines since)."""
    path = data.curation_file()
    if path is None:
        raise cur.CurationError("this explorer is not curating; start it with `kg app --curate`")
    return cur.Curation.load(path)


def who() -> str:
    return curator()


@st.cache_resource(show_spinner="Loading the extractor (an undo extracts the papers again)…")
def _loaded(uri: str) -> Extractor:
    """The extractor the store at ``uri`` was built with (its vocabulary and options)."""
    from kg.extractor_settings import store_extractor

    return store_extractor(data.get_store())


def _extractor() -> Extractor:
    """The loaded extractor with the state of a fresh one (no coined concepts remembered from
    an earlier undo), so an undo gives what a build from scratch gives."""
    from kg.extract.merge import NearDuplicates

    extractor = copy.copy(_loaded(data.store_uri()))
    extractor.coined = {}
    extractor.duplicates = NearDuplicates(entry.info() for entry in extractor.entries)
    return extractor


def decide(decision: cur.Decision) -> tuple[cur.Decision, cur.ApplyReport]:
    """Record ``decision`` and apply it to the store; cur.CurationError (nothing written) when
    it is malformed, names something the store lacks or contradicts a decision in force."""
    curation, _ = load()
    store = data.get_store()
    message = decision.problem() or cur.store_problem(store, curation, decision)
    if message:
        raise cur.CurationError(message)
    recorded = curation.record(decision)
    extractor = _extractor() if decision.action in cur.IDENTITY_ACTIONS else None
    try:
        return recorded, cur.apply_to_store(store, curation, [recorded], extractor)
    finally:
        data.clear_caches()


def undo(decision_id: str | None = None) -> tuple[cur.Decision, cur.ApplyReport]:
    """Take back a decision (the last in force when None) and bring the store back."""
    curation, _ = load()
    undone = curation.undo(decision_id)
    try:
        return undone, cur.apply_to_store(data.get_store(), curation, [undone], _extractor())
    finally:
        data.clear_caches()


def sources(paper: str) -> list[str]:
    """The ``file:line`` of the records a stored paper was merged from."""
    from kg.details import details

    return sorted(str(row["source"])
                  for row in details(data.get_store(), "curation.sources", [paper]))


def stored_as(paper: str) -> str | None:
    """The stored paper that ``paper`` (an id, a DOI or arXiv id of one of its records) is
    now: itself, or the paper holding that id after a merge or separation."""
    from kg.curation.identity import holding
    from kg.details import details

    store = data.get_store()
    if details(store, "details.papers", [paper]):
        return paper
    return next(iter(sorted(holding(store, paper))), None)


def recent(limit: int = RECENT) -> list[cur.Decision]:
    """The decisions in force, newest first."""
    curation, _ = load()
    return curation.decisions[::-1][:limit]


def find(decision_id: str) -> cur.Decision | None:
    return load()[0].find(decision_id)


def queue(limit: int, offset: int) -> list[dict]:
    """The review queue (kg.curation.review_queue), read fresh: it changes with each decision."""
    return cur.review_queue(data.get_store(), limit, offset)


def describe(decision: cur.Decision) -> str:
    """One line saying what a decision does, for messages and the list of recent ones."""
    d = decision
    what = {
        "reject-mention": f"{d.concept} is not a concept of {d.paper}",
        "confirm-mention": f"{d.concept} on {d.paper} checked",
        "set-role": f"{d.paper} {d.value} {d.concept}",
        "add-mention": f"{d.concept} added to {d.paper} ({d.field} {d.start}–{d.end})",
        "stop-concept": f"{d.concept} is not a concept anywhere",
        "set-type": f"{d.concept} is a {d.value}",
        "rename-concept": f"{d.concept} renamed {d.value!r}",
        "merge-concepts": f"{d.concept} merged into {d.target}",
        "merge-authors": f"{d.author} merged into {d.target}",
        "split-author": f"papers {d.value} split off {d.author}",
        "same-paper": f"{d.paper} and {d.target} are the same paper",
        "different-papers": f"{d.paper} and {d.target} are different papers",
        "undo": f"undo of {d.target}",
    }.get(d.action, d.action)
    return f"{d.action}: {what}"


def outcome(decision: cur.Decision, report: cur.ApplyReport) -> str:
    """What the reviewer is told after a decision."""
    if report.pending:
        return (f"Recorded {decision.id} ({describe(decision)}), not applied to the store: "
                f"{report.problem}. The next `kg build` of this store from its inputs "
                "applies it.")
    return f"Recorded {decision.id} ({describe(decision)}); {changed(report)} updated."


def changed(report: cur.ApplyReport) -> str:
    """'2 papers and 1 concept'."""
    def count(n: int, what: str) -> str:
        return f"{n} {what}{'' if n == 1 else 's'}"

    return f"{count(len(report.papers), 'paper')} and {count(len(report.concepts), 'concept')}"
