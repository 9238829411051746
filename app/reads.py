"""The app's own reads, beyond the named queries: plain query files in app/queries (SPARQL
``.rq`` and Cypher ``.cypher``, the same rows from both), run for a page's ids in batches the
way kg.details runs its queries, on every store."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from kg.details import evidence as details_evidence
from kg.resources import shipped

if TYPE_CHECKING:
    from kg.stores.base import GraphStore

BATCH = 200


@cache
def query_text(name: str, dialect: str) -> str:
    suffix = "rq" if dialect == "sparql" else "cypher"
    return shipped("kg.app", "queries", f"{name}.{suffix}").read_text("utf-8")


def read(store: GraphStore, name: str, ids: list[str], **params: Any) -> list[dict[str, Any]]:
    """Rows of the query ``name`` for ``ids`` (in batches of BATCH) and ``params``."""
    text = query_text(name, store.dialect)
    rows: list[dict[str, Any]] = []
    for start in range(0, len(ids), BATCH):
        rows += store.query(text, {"ids": ids[start : start + BATCH], **params}).records()
    return rows


def recent_papers(store: GraphStore, limit: int) -> list[dict[str, Any]]:
    """The newest papers with a year: paper, title, year. A store with a side index names
    them from it (kg/side_index.py), the store gives the rows."""
    index = store.usable_side_index()
    if index is None:
        return store.query(query_text("recent-papers", store.dialect), {"limit": limit}).records()
    return read(store, "recent-papers.of-papers", index.recent_papers(limit))


def node_papers(store: GraphStore, ids: list[str]) -> dict[str, int]:
    """Concept and author id -> the papers mentioning / written by it."""
    wanted = [i for i in ids if not i.startswith(("doi:", "arxiv:", "title:"))]
    return {str(r["id"]): int(r["papers"]) for r in read(store, "node-papers", wanted)}


def cooccurrences(store: GraphStore, concepts: list[str]) -> list[tuple[str, str, int]]:
    """The CO_OCCURS pairs among ``concepts``: (a, b, papers mentioning both), a < b."""
    if len(concepts) < 2:  # no pair; the store would still walk a hub's 27k pairs (2.4 s)
        return []
    rows = read(store, "cooccurs-among", concepts, among=concepts)
    return sorted({(str(r["concept_a"]), str(r["concept_b"]), int(r["weight"])) for r in rows})


def evidence(
    store: GraphStore, papers: list[str], concepts: list[str]
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """(paper, concept) -> its evidence (field, sentence), title before abstract (Cypher
    stores keep the first only)."""
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in details_evidence(store, papers, concepts):
        out.setdefault((str(row["paper"]), str(row["concept"])), []).append(row)
    return out
