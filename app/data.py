"""Cached access to the store for the app: one open store per URI and process, named-query
results cached for a few minutes so that reruns (every widget change) stay instant.

The store URI comes from ``PAPER_KG_STORE`` (set by `kg app --store`), write permission from
``PAPER_KG_ALLOW_WRITE`` (set by `kg app --allow-write`), the curation file from
``PAPER_KG_CURATION`` (set by `kg app --curate`; empty: not curating). Nothing here draws:
the views do.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import networkx as nx
import streamlit as st

from kg.app import console_run, reads
from kg.app.store_check import no_graph_here, no_papers
from kg.curation import CurationError
from kg.details import node_details
from kg.queries import QueryParamError, prepare, run_named
from kg.queries import search_note as search_note_of
from kg.selection import concept_papers as store_concept_papers
from kg.selection import ego_graph
from kg.stores import (
    DEFAULT_STORE,
    GraphStore,
    QueryResult,
    ReadOnlyError,
    RemoteAccessError,
    StoreError,
    open_store,
)

CACHE_TTL = 3600  # data changes only on a rebuild or a console write (which clears)
PAPERS_LIMIT = 5000  # rows of a concept's papers fetched for its page (newest first)
LINKS_LIMIT = 5000  # edges read for a concept's broader and narrower concepts
SEARCH_LIMIT = 200  # matches fetched for a search text (the Search page's full list)
SUGGEST_MIN = 2  # type-ahead starts at this many characters
SUGGEST_LIMIT = 8  # suggestions shown while typing
KIND_ORDER = ("concept", "paper", "author")
TRUE = {"1", "true", "yes", "on"}


def store_uri() -> str:
    return os.environ.get("PAPER_KG_STORE") or DEFAULT_STORE


def write_allowed() -> bool:
    return os.environ.get("PAPER_KG_ALLOW_WRITE", "").strip().lower() in TRUE


def curation_file() -> Path | None:
    """The curation file decisions go to, or None when the app is not curating."""
    path = os.environ.get("PAPER_KG_CURATION", "").strip()
    return Path(path) if path else None


def curating() -> bool:
    return curation_file() is not None


class NoGraphError(StoreError):
    """The store URI names no graph (an empty or non-store directory): the message says
    which `kg build` makes one."""


@st.cache_resource(show_spinner=False)
def _open_mode(uri: str, write: bool) -> GraphStore:
    # "read" unless --allow-write or --curate: a read-only app opens an embedded store
    # read-only, so it never creates or changes a file; "write" opens an existing store only
    nothing = no_graph_here(uri)
    if nothing:
        raise NoGraphError(nothing)
    return open_store(uri, "write" if write else "read")


def _open(uri: str) -> GraphStore:
    return _open_mode(uri, write_allowed() or curating())


def get_store() -> GraphStore:
    """The store of this process (opened once: embedded stores lock their directory)."""
    return _open(store_uri())


def no_papers_yet() -> str | None:
    """What to run when the store holds no papers yet, else None."""
    return None if counts().get("papers") else no_papers(store_uri())


def clear_caches() -> None:
    """Forget cached results (after a console write, or a rebuild: the Refresh button)."""
    _named.clear()
    _concept_papers.clear()
    _ego.clear()
    _node.clear()
    _counts.clear()
    _node_papers.clear()
    _recent.clear()
    _cooccurrences.clear()
    _evidence.clear()
    _tag_marks.clear()
    _concept_mark.clear()


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _named(uri: str, name: str, params: tuple[tuple[str, Any], ...]) -> list[dict[str, Any]]:
    return run_named(_open(uri), name, dict(params)).records()


def named(name: str, **params: Any) -> list[dict[str, Any]]:
    """Rows of a named query (kg/queries) as dicts, cached per store and parameters."""
    return _named(store_uri(), name, tuple(sorted(params.items())))


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _concept_papers(uri: str, concept: str, narrower: bool, limit: int) -> list[dict[str, Any]]:
    return store_concept_papers(_open(uri), concept, narrower, limit)


def concept_papers(
    concept: str, narrower: bool = True, limit: int = PAPERS_LIMIT
) -> list[dict[str, Any]]:
    """The papers about a concept, as ``kg export --concept`` and the named query
    papers-by-concept give them (kg.selection.concept_papers): one row per (paper, mentioned
    concept), newest first, at most ``limit`` rows."""
    return _concept_papers(store_uri(), concept, narrower, limit)


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _counts(uri: str) -> dict[str, int]:
    return dict(_open(uri).counts())


def counts() -> dict[str, int]:
    return _counts(store_uri())


def search(text: str, limit: int = SEARCH_LIMIT) -> list[dict[str, Any]]:
    """Papers, concepts and authors whose title/name/alias contains ``text``, each with
    ``papers``: the papers mentioning the concept / written by the author (None for a
    paper). The store's search ignores case, so the text is lower-cased here: "ViT" and
    "vit" share a cache entry."""
    text = text.strip().lower()
    if not text:
        return []
    rows = named("search", text=text, limit=limit)
    counts = node_papers([str(r["id"]) for r in rows if r["kind"] != "paper"])
    return [{**r, "papers": counts.get(str(r["id"]), 0) if r["kind"] != "paper" else None}
            for r in rows]


def search_note() -> str:
    """Why the store's search is a scan, not its ranked index ("" when it has one)."""
    return search_note_of(get_store())


def _fit(label: str, needle: str) -> int:
    """How well a label matches: starts with the text, has a word starting with it,
    contains it, or (a concept found through an alias) does not contain it."""
    if label.startswith(needle):
        return 0
    if f" {needle}" in f" {label}" or f"-{needle}" in label:
        return 1
    return 2 if needle in label else 3


def ranked(rows: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """Concepts, then papers, then authors; concepts and authors by their papers (most
    first), then by how well the label matches, shorter first; papers by the match."""
    rank = {kind: i for i, kind in enumerate(KIND_ORDER)}
    needle = text.strip().casefold()

    def key(row: dict[str, Any]) -> tuple[int, int, int, int, str]:
        label = str(row["label"]).casefold()
        return (rank.get(str(row["kind"]), len(rank)), -(row.get("papers") or 0),
                _fit(label, needle), len(label), label)

    return sorted(rows, key=key)


def suggest(text: str, limit: int = SUGGEST_LIMIT) -> list[dict[str, Any]]:
    """Type-ahead suggestions for ``text``: nothing under SUGGEST_MIN characters, else the
    first ``limit`` of the Search page's ranked matches (see ``ranked``): the store is
    asked once per text, so the suggestions and the full list share one cached query."""
    if len(text.strip()) < SUGGEST_MIN:
        return []
    return ranked(search(text), text)[:limit]


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _node(uri: str, node_id: str) -> dict[str, Any]:
    return node_details(_open(uri), [node_id]).get(node_id, {})


def node(node_id: str) -> dict[str, Any]:
    """A node's own data (kind, label, and title/abstract/year…, name/type/aliases) without
    its neighbours: the cheap call for a page header; {} when the store has no such node."""
    return dict(_node(store_uri(), node_id))


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _ego(
    uri: str,
    node: str,
    hops: int,
    types: tuple[str, ...] | None,
    limit: int,
    since: int | None,
    until: int | None,
    min_weight: float,
    narrower: bool,
) -> nx.MultiDiGraph:
    return ego_graph(
        _open(uri),
        node,
        hops=hops,
        types=list(types) if types else None,
        limit=limit,
        since=since,
        until=until,
        min_weight=min_weight,
        narrower=narrower,
    )


def ego(
    node: str,
    hops: int = 1,
    types: list[str] | None = None,
    limit: int = 300,
    since: int | None = None,
    until: int | None = None,
    min_weight: float = 1,
    narrower: bool = True,
) -> nx.MultiDiGraph:
    """The selection around ``node`` (kg.selection.ego_graph: what ``kg export`` takes for
    that seed, its papers first), computed in the store, cached."""
    return _ego(
        store_uri(), node, hops, tuple(types) if types else None, limit, since, until,
        min_weight, narrower,
    )


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _recent(uri: str, limit: int) -> list[dict[str, Any]]:
    return reads.recent_papers(_open(uri), limit)


def recent_papers(limit: int = 10) -> list[dict[str, Any]]:
    """The newest papers (landing page)."""
    return _recent(store_uri(), limit)


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _node_papers(uri: str, ids: tuple[str, ...]) -> dict[str, int]:
    return reads.node_papers(_open(uri), list(ids))


def node_papers(ids: list[str]) -> dict[str, int]:
    """Concept and author id -> its papers in the store (graph node sizes)."""
    return _node_papers(store_uri(), tuple(sorted(ids)))


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _cooccurrences(uri: str, ids: tuple[str, ...]) -> list[tuple[str, str, int]]:
    return reads.cooccurrences(_open(uri), list(ids))


def cooccurrences(concepts: list[str]) -> list[tuple[str, str, int]]:
    """The CO_OCCURS pairs among ``concepts`` (graph clusters)."""
    return _cooccurrences(store_uri(), tuple(sorted(concepts)))


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _evidence(
    uri: str, papers: tuple[str, ...], concepts: tuple[str, ...]
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    return reads.evidence(_open(uri), list(papers), list(concepts))


def evidence(
    papers: list[str], concepts: list[str]
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """(paper, concept) -> the sentences mentioning it, title before abstract."""
    return _evidence(store_uri(), tuple(papers), tuple(concepts))


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _tag_marks(uri: str, paper: str) -> dict[str, tuple[str, str]]:
    from kg.curation.store import stored_tags

    links = stored_tags(_open(uri), [paper]).get(paper, [])
    return {link.id: (link.curated.by, link.curated.at) for link in links if link.curated}


def tag_marks(paper: str) -> dict[str, tuple[str, str]]:
    """Concept id -> (who, when) for the tags of ``paper`` checked by hand."""
    return _tag_marks(store_uri(), paper)


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _concept_mark(uri: str, concept: str) -> tuple[str, str] | None:
    from kg.curation.store import StoreConcepts

    info = StoreConcepts(_open(uri)).get(concept)
    return (info.curated.by, info.curated.at) if info and info.curated else None


def concept_mark(concept: str) -> tuple[str, str] | None:
    """(who, when) when the concept node itself was changed by hand (type, name, merge)."""
    return _concept_mark(store_uri(), concept)


def console_read(text: str, params: dict[str, Any] | None = None) -> QueryResult:
    """Run the console's read query in a child process stopped after the timeout
    (kg.app.console_run); nothing that reaches outside the store (SERVICE, LOAD) runs."""
    return console_run.run(store_uri(), text, params or {}, console_run.timeout_seconds())


def console_write(text: str, params: dict[str, Any] | None = None) -> QueryResult:
    """Run a write query of an app started with --allow-write (in this process, which
    holds the store open for writing), then forget cached results."""
    result = get_store().query(text, params or {}, write=True)
    clear_caches()
    return result


def console_example(name: str, params: dict[str, Any]) -> tuple[str, dict[str, Any], bool]:
    """A named query as the console shows it: the text it runs on this store for these
    parameters and every parameter that text binds (its lookups made: the concept ids a
    name means, an author's ids), so that the example runs as shown; and whether a lookup
    already found nothing (no rows)."""
    prepared = prepare(get_store(), name, params)
    return prepared.text, prepared.params, prepared.empty


def dialect() -> str:
    return get_store().dialect


def friendly(error: BaseException) -> str:
    """A message for st.error that says what went wrong and what to do next."""
    if isinstance(error, CurationError):
        return f"Not recorded: {error}."
    if isinstance(error, ReadOnlyError):
        return (
            "This explorer is read-only, so the write query was refused. "
            "Restart it with `kg app --allow-write` to run write queries."
        )
    if isinstance(error, NoGraphError):
        return str(error)
    if isinstance(error, console_run.QueryTimeout):
        return f"Stopped: {error}."
    if isinstance(error, console_run.QueryFailed):
        return f"The query could not run: {error}."
    if isinstance(error, RemoteAccessError):
        return f"{error}. The explorer never lets a query reach outside the store."
    if isinstance(error, StoreError):
        return (
            f"The store {store_uri()!r} could not be used: {error}. "
            "Check the URI given to `kg app --store`, or build one with `kg build examples/`."
        )
    if isinstance(error, QueryParamError):
        return f"{error}."
    if isinstance(error, ImportError):
        return f"A part of paper-kg is missing ({error}); reinstall with `pip install -e .`."
    return f"{type(error).__name__}: {error}"
