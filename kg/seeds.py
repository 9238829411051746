"""Seeds: what the names, ids and queries a user gives mean in the store (concept and
author names resolved as the named queries resolve them, paper ids, DOIs and titles), and
close names to suggest when one means nothing."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from kg.details import details
from kg.mapping.terms import ID, id_of_iri
from kg.queries import read, run_named

if TYPE_CHECKING:
    from kg.selection import Selection
    from kg.stores.base import GraphStore

SUGGEST_CANDIDATES = 200  # concepts the store sends for ranking by similarity

__all__ = [
    "SelectionError",
    "query_papers",
    "resolve_authors",
    "resolve_concepts",
    "resolve_paper",
    "seed_ids",
    "suggest_concepts",
]


class SelectionError(ValueError):
    """A seed was not found or nothing was asked for; ``suggestions`` holds close names."""

    def __init__(self, message: str, suggestions: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.suggestions = list(suggestions)


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def resolve_concepts(store: GraphStore, name: str) -> list[str]:
    """The concept ids a name, alias, slug or id means (case-insensitively, as every named
    query matches them: concepts-under); SelectionError with close names when none."""
    params = {"concept": name, "narrower": False, "vocabulary": True}
    found = [str(row[0]) for row in run_named(store, "concepts-under", params).rows]
    if found:
        return sorted(found)
    raise SelectionError(f"no concept named {name!r} in the store", suggest_concepts(store, name))


def _pieces(name: str) -> list[str]:
    """The three-letter pieces of a name, lower-cased (the whole name when shorter): a
    close name (a typo, a plural) shares most of them."""
    text = _norm(name)
    return sorted({text[i : i + 3] for i in range(len(text) - 2)} or {text})


def suggest_concepts(store: GraphStore, name: str) -> list[str]:
    """Up to five concepts whose name or an alias is close to ``name`` (typos, plurals):
    the store finds the mentioned concepts sharing the most three-letter pieces with it
    (at most SUGGEST_CANDIDATES, never the whole vocabulary), which are ranked here by
    string similarity."""
    params = {"pieces": _pieces(name), "limit": SUGGEST_CANDIDATES}
    rows = store.query(read(store.dialect, "suggest-concepts"), params).rows
    labels: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for row in details(store, "details.concepts", [str(r[0]) for r in rows]):
        concept = str(row["id"])
        names[concept] = str(row.get("name") or concept)
        found = row.get("alias") or []
        labels.setdefault(concept, {names[concept]}).update(
            [found] if isinstance(found, str) else found
        )
    wanted = _norm(name)
    scored = []
    for concept, options in labels.items():
        score, best = max(
            (difflib.SequenceMatcher(None, wanted, _norm(str(o))).ratio(), str(o)) for o in options
        )
        if score >= 0.6:
            label = names[concept] if best == names[concept] else f"{names[concept]} ({best})"
            scored.append((-score, label))
    return [label for _, label in sorted(scored)[:5]]


def resolve_authors(store: GraphStore, name: str) -> list[str]:
    """The author ids an id or a name means, accents and case folded (named query
    author-id: "Lukasz Kaiser" finds "Łukasz Kaiser"); SelectionError with close names."""
    found = [str(row[0]) for row in run_named(store, "author-id", {"author": name}).rows]
    if found:
        return found
    if ":" in name and " " not in name:
        raise SelectionError(f"no author with id {name!r} in the store")
    rows = [
        r
        for r in run_named(store, "search", {"text": name, "limit": 20}).records()
        if r["kind"] == "author"
    ]
    raise SelectionError(
        f"no author named {name!r} in the store", [f"{r['label']} ({r['id']})" for r in rows[:5]]
    )


def resolve_paper(store: GraphStore, ref: str) -> str:
    """Paper id (doi:/arxiv:/title:), a bare DOI or arXiv id, or an exact title → id."""
    candidates = (
        [ref] if ":" in ref.split("/", 1)[0] else [f"doi:{ref.lower()}", f"arxiv:{ref}", ref]
    )
    found = details(store, "details.papers", candidates)
    if found:
        return str(found[0]["id"])
    rows = [
        r
        for r in run_named(store, "search", {"text": ref, "limit": 20}).records()
        if r["kind"] == "paper"
    ]
    exact = [r for r in rows if _norm(str(r["label"])) == _norm(ref)]
    if len(exact) == 1 or (not exact and len(rows) == 1):
        return str((exact or rows)[0]["id"])
    raise SelectionError(
        f"no paper {ref!r} in the store" if not rows else f"{ref!r} matches several papers",
        [f"{r['label']} ({r['id']})" for r in rows[:5]],
    )


QUERY_HINT = ("its first column must hold paper ids or paper IRIs (e.g. SELECT ?p WHERE "
              "{ ?p a pkg:Paper }, or SELECT ?id WHERE { ?p a pkg:Paper ; dcterms:identifier "
              "?id })")


def query_papers(store: GraphStore, text: str) -> list[str]:
    """Paper ids from the first column of a user query in the store's dialect: ids
    (``arxiv:…``) or the papers' IRIs (what ``SELECT ?p`` gives), each checked against the
    store, so that a column of something else is an error naming it, never papers taken
    for authors or an empty export."""
    result = store.query(text)
    if not result.columns:
        return []
    values = [str(row[0]) for row in result.rows if row and row[0] is not None]
    ids = list(dict.fromkeys(id_of_iri(v) if v.startswith(ID) else v for v in values))
    stored = {str(row["id"]) for row in details(store, "details.papers", ids)}
    missing = [i for i in ids if i not in stored]
    if missing:
        shown = ", ".join(repr(m) for m in missing[:5]) + (", …" if len(missing) > 5 else "")
        raise SelectionError(
            f"{len(missing)} of the {len(ids)} values of the query's first column are not a "
            f"paper in the store: {shown}; {QUERY_HINT}"
        )
    return ids


def seed_ids(store: GraphStore, sel: Selection) -> list[str]:
    """Every seed of the selection as a store id (SelectionError for unknown ones); a name
    that means several concepts or authors seeds each of them, as the named queries do."""
    for option, values in (("--concept", sel.concepts), ("--author", sel.authors),
                           ("--paper", sel.papers)):
        if any(not value.strip() for value in values):
            raise SelectionError(f"{option} was given an empty value, which names nothing")
    ids = [cid for name in sel.concepts for cid in resolve_concepts(store, name)]
    ids += [aid for name in sel.authors for aid in resolve_authors(store, name)]
    ids += [resolve_paper(store, p) for p in sel.papers]
    if sel.query:
        found = query_papers(store, sel.query)
        if not found:
            raise SelectionError(
                f"the query returned no papers; {QUERY_HINT}"
            )
        ids += found
    return list(dict.fromkeys(ids))
