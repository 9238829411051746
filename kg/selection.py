"""Selections: a piece of the store cut out as a graph (kg/graph.py convention), the one
answer to "what is around X" for ``kg export``, the app's graph view and analytics.

A concept or author seed leads with its papers: "the papers about X" are the rows of the
named query ``papers-by-concept`` (X and, unless ``narrower`` is off, every concept below it:
``concepts-under``), an author's papers those of ``papers-by-author``; they come first, up to
the budget. What budget is left is shared by the other edge kinds (max-min fair: no kind can
starve another), hop by hop outwards from the nodes already selected, and what was left out
is counted per kind. Concepts no paper mentions (vocabulary background) never enter unless
``vocabulary`` is asked for (a seed is always kept).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import networkx as nx
from more_itertools import chunked

from kg.details import enrich
from kg.export import exporter
from kg.graph import KINDS, RELS, add_edge, kind_of, new_graph, set_node
from kg.model import CONCEPT_TYPES
from kg.queries import MAX_LIMIT, read, run_named
from kg.seeds import SelectionError, seed_ids

if TYPE_CHECKING:
    from kg.stores.base import GraphStore

ALL = MAX_LIMIT  # "no limit" for the named queries' LIMIT
DEFAULT_LIMIT = 300  # edges per seed
# which node kinds an edge kind can touch: a frontier of concepts has no AUTHORED_BY edges
REL_KINDS = {
    "AUTHORED_BY": {"paper", "author"},
    "MENTIONS": {"paper", "concept"},
    "CITES": {"paper"},
    "BROADER": {"concept"},
    "CO_OCCURS": {"concept"},
}
_FRONTIER_CHUNK = 500  # node ids per ego-network call

__all__ = [
    "ALL",
    "Selection",
    "author_papers",
    "concept_papers",
    "default_limit",
    "ego_graph",
    "select",
    "share",
]


@dataclass
class Selection:
    """What to take from the store: seeds (concept names/aliases/ids, author names/ids,
    paper ids, or a query returning paper ids in its first column), hops and filters.
    ``narrower``: a concept's papers include those of the concepts below it;
    ``vocabulary``: concepts no paper mentions may appear."""

    concepts: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    papers: list[str] = field(default_factory=list)
    query: str | None = None
    hops: int = 1
    types: list[str] = field(default_factory=list)
    since: int | None = None
    until: int | None = None
    concept_type: str | None = None
    min_weight: float = 1
    limit: int = DEFAULT_LIMIT
    everything: bool = False
    narrower: bool = True
    vocabulary: bool = False

    def has_seeds(self) -> bool:
        return bool(self.concepts or self.authors or self.papers or self.query)

    def describe(self) -> str:
        """One line for READMEs, summaries and file headers."""
        parts: list[str] = []
        for label, values in (
            ("concept", self.concepts),
            ("author", self.authors),
            ("paper", self.papers),
        ):
            parts.extend(f"{label} {value!r}" for value in values)
        if self.query:
            parts.append("papers of a query")
        if parts:
            text = f"seeds: {', '.join(parts)}; hops {self.hops}; "
            text += (
                "every edge" if self.limit >= ALL else f"at most {self.limit} edges per seed"
            ) + " (papers first)"
            if self.concepts:
                text += "; a concept's papers " + (
                    "include its narrower concepts'" if self.narrower else "name it"
                )
        else:
            text = "the whole store" if self.everything else "nothing"
            if self.everything and self.limit < ALL:
                text += f", at most {self.limit} edges"
        if self.types:
            text += f"; types {','.join(self.types)}"
        if self.concept_type:
            text += f"; concept type {self.concept_type}"
        if self.since is not None or self.until is not None:
            text += f"; years {self.since or '…'}–{self.until or '…'}"
        if self.min_weight > 1:
            text += f"; CO_OCCURS weight ≥ {self.min_weight:g}"
        if self.vocabulary:
            text += "; with vocabulary concepts no paper mentions"
        return text


def default_limit(fmt: str, whole_store: bool = False) -> int:
    """The edge budget of a selection exported as ``fmt`` when none is given: reference
    lists and the matrix hold every paper of the selection, graph formats a readable
    neighbourhood (and the whole store without seeds). The one rule of ``kg export`` and
    the app's export panel, so that both write the same papers."""
    return ALL if whole_store or exporter(fmt).content == "papers" else DEFAULT_LIMIT


# --------------------------------------------------------------------------- papers of


def concept_papers(
    store: GraphStore, concept: str, narrower: bool = True, limit: int = ALL
) -> list[dict[str, Any]]:
    """The papers about ``concept`` (id, slug, name or alias): the rows of the named query
    papers-by-concept, one per (paper, mentioned concept), newest first. The one definition
    ``kg export``, the app and ``kg query --named papers-by-concept`` share."""
    params = {"concept": concept, "narrower": narrower, "limit": limit}
    return run_named(store, "papers-by-concept", params).records()


def author_papers(store: GraphStore, author: str, limit: int = ALL) -> list[dict[str, Any]]:
    """The papers of ``author`` (id, or a name with accents and case folded): the rows of
    papers-by-author, newest first."""
    return run_named(store, "papers-by-author", {"author": author, "limit": limit}).records()


# --------------------------------------------------------------------------- budget


def share(budget: int, wanted: dict[str, int]) -> dict[str, int]:
    """Split ``budget`` among kinds that want ``wanted[kind]`` items, max-min fair: each
    gets an equal part, and what a kind does not need goes to the others (a remainder
    smaller than the number of kinds goes to the first ones, in ``wanted``'s order)."""
    given = dict.fromkeys(wanted, 0)
    hungry = [kind for kind, n in wanted.items() if n > 0]
    left = max(0, budget)
    while hungry and left > 0:
        part = max(1, left // len(hungry))
        for kind in list(hungry):
            take = min(part, wanted[kind] - given[kind], left)
            given[kind] += take
            left -= take
            if given[kind] >= wanted[kind]:
                hungry.remove(kind)
            if left == 0:
                break
    return given


Row = dict[str, Any]
EdgeKey = tuple[str, str, str]


def _key(row: Row) -> EdgeKey:
    return str(row["source"]), str(row["target"]), str(row["rel"])


def _order(row: Row) -> tuple[float, str, str, str]:
    """The ego-network query's order: weight descending, then rel, source, target."""
    return (-float(row.get("weight") or 1), str(row["rel"]), str(row["source"]),
            str(row["target"]))


def _allowed(types: str) -> set[str]:
    return {t for t in types.split(",") if t}


def _passes(types: set[str], kind: str, concept_type: str | None = None) -> bool:
    """Whether a node of ``kind`` (and concept type) passes a ``types`` filter."""
    return not types or kind in types or (kind == "concept" and concept_type in types)


def _reaches(allowed: set[str], rel: str, kinds: set[str]) -> bool:
    """Whether a ``rel`` edge from a frontier of ``kinds`` can end at a node the ``types``
    filter lets through (from concepts, MENTIONS ends at papers: with types=concept the
    store need not list a hub's 30k of them only to drop each)."""
    ends = REL_KINDS[rel]
    far = set().union(*((ends - {kind}) or ends for kind in kinds & ends))
    concept_types = allowed - set(KINDS)  # any other entry may be a concept type
    return bool(far) and (not allowed or any(
        k in allowed or (k == "concept" and concept_types) for k in far))


@dataclass
class _Seed:
    """What one seed's selection took (``rows``), and left out per kind (``omitted``;
    ``exact`` is False when a count is only a lower bound)."""

    rows: dict[EdgeKey, Row] = field(default_factory=dict)
    omitted: Counter[str] = field(default_factory=Counter)
    exact: bool = True
    papers: set[str] = field(default_factory=set)  # the seed's own papers that were taken

    def add(self, rows: Iterable[Row]) -> None:
        for row in rows:
            self.rows.setdefault(_key(row), row)

    def nodes(self) -> set[str]:
        return {end for source, target, _ in self.rows for end in (source, target)}


def _lead(store: GraphStore, seed: str, sel: Selection) -> tuple[list[Row], int]:
    """The seed's papers as edge rows (a concept's MENTIONS of it and of the concepts below
    it, an author's AUTHORED_BY), newest first, within the year filters, and how many there
    are in all; at most ``sel.limit`` rows are fetched unless years must be filtered. The
    type filters play no part: they drop concept nodes later, never papers about the seed
    (``target_type`` tells which concepts they will drop)."""
    bounded = sel.since is None and sel.until is None
    limit = sel.limit if bounded else ALL
    if kind_of(seed) == "author":
        found = author_papers(store, seed, limit)
        rows = [
            {"source": r["paper"], "source_kind": "paper", "source_label": r["title"],
             "target": seed, "target_kind": "author", "target_label": None,
             "rel": "AUTHORED_BY", "weight": 1, "year": r.get("year")}
            for r in found
        ]
        total = _degree(store, seed, sel.vocabulary).get("AUTHORED_BY", 0)
    else:
        params = {"concept": seed, "narrower": sel.narrower, "vocabulary": False}
        below = {str(r["concept"]): r for r in run_named(store, "concepts-under", params).records()}
        rows = [
            {"source": r["paper"], "source_kind": "paper", "source_label": r["title"],
             "target": r["concept"], "target_kind": "concept",
             "target_label": below[str(r["concept"])]["name"], "rel": "MENTIONS", "weight": 1,
             "year": r.get("year"), "target_type": below[str(r["concept"])]["type"]}
            for r in concept_papers(store, seed, sel.narrower, limit)
            if str(r["concept"]) in below
        ]
        total = sum(int(r["papers"] or 0) for r in below.values())
    if not bounded:
        rows = [r for r in rows if _in_years(r.get("year"), sel.since, sel.until)]
        total = len(rows)
    return rows, max(total, len(rows))


def _in_years(year: object, since: int | None, until: int | None) -> bool:
    """Papers without a year stay: a missing year is no evidence of being out of range."""
    if year is None:
        return True
    return (since is None or int(year) >= since) and (until is None or int(year) <= until)


def _degree(store: GraphStore, node: str, vocabulary: bool) -> dict[str, int]:
    """Edges of each relation touching ``node`` (named query node-degree)."""
    rows = run_named(store, "node-degree", {"node": node, "vocabulary": vocabulary}).rows
    return {str(rel): int(edges) for rel, edges in rows}


def _edges_of(
    store: GraphStore, nodes: list[str], rel: str, sel: Selection, types: str, limit: int
) -> list[Row]:
    """The ``rel`` edges touching any of ``nodes``, strongest first, at most ``limit``."""
    rows: list[Row] = []
    for chunk in chunked(nodes, _FRONTIER_CHUNK):
        params = {"node": chunk, "hops": 1, "rels": rel,
                  "types": types, "vocabulary": sel.vocabulary, "limit": limit}
        rows += run_named(store, "ego-network", params).records()
    return sorted({_key(r): r for r in rows}.values(), key=_order)[:limit]


def _seed_selection(store: GraphStore, seed: str, sel: Selection, types: str) -> _Seed:
    """One seed's edges: its papers first, then hop by hop the other kinds, each hop's
    remaining budget shared fairly among the kinds that touch the frontier."""
    taken = _Seed()
    allowed = _allowed(types)
    kind = kind_of(seed)
    lead_rel = None
    hidden: set[str] = set()  # concepts of the lead the type filters drop: no frontier
    if kind in {"concept", "author"} and _passes(allowed, "paper"):
        lead_rel = "MENTIONS" if kind == "concept" else "AUTHORED_BY"
        lead, total = _lead(store, seed, sel)
        taken.add(lead[: sel.limit])
        taken.papers = {str(row["source"]) for row in lead[: sel.limit]}
        taken.omitted[lead_rel] += total - min(len(lead), sel.limit)
        hidden = {str(row["target"]) for row in lead[: sel.limit] if "target_type" in row
                  and not _passes(allowed, "concept", row["target_type"])} - {seed}
    frontier, seen = [seed], {seed} | hidden
    for hop in range(1, sel.hops + 1):
        if hop > 1:  # outwards from what the previous hop selected
            frontier = sorted(taken.nodes() - seen)
            seen.update(frontier)
        left = sel.limit - len(taken.rows)
        if hop > 1 and (left <= 0 or not frontier):  # farther edges are not counted
            taken.exact = taken.exact and not frontier
            break
        kinds = {kind_of(node) for node in frontier}
        rels = [r for r in RELS if _reaches(allowed, r, kinds) and not (hop == 1 and r == lead_rel)]
        had = Counter(rel for *_, rel in taken.rows)
        fetched = {rel: _edges_of(store, frontier, rel, sel, types, max(left, 0) + had[rel] + 1)
                   for rel in rels}
        new = {rel: [r for r in rows if _key(r) not in taken.rows]
               for rel, rows in fetched.items()}
        given = share(left, {rel: len(rows) for rel, rows in new.items()})
        for rel, rows in new.items():
            taken.add(rows[: given[rel]])
            taken.omitted[rel] += len(rows) - given[rel]
            if len(fetched[rel]) > max(left, 0) + had[rel]:  # more exist than were fetched
                taken.exact = False
        if hop == 1 and not allowed:  # the seed's own edges: counted exactly
            _count_seed_edges(store, seed, sel, taken, rels)
    return taken


def _count_seed_edges(
    store: GraphStore, seed: str, sel: Selection, taken: _Seed, rels: list[str]
) -> None:
    """Replace the hop-1 omissions of ``rels`` by exact counts of the seed's edges (the
    only edges a budget that ends at hop 1 leaves out)."""
    degree = _degree(store, seed, sel.vocabulary)
    for rel in rels:
        kept = sum(1 for source, target, r in taken.rows if r == rel and seed in (source, target))
        taken.omitted[rel] = max(0, degree.get(rel, 0) - kept)
    taken.exact = True  # farther hops, if any, may still make a count a lower bound


# --------------------------------------------------------------------------- select


def select(store: GraphStore, selection: Selection) -> nx.MultiDiGraph:
    """The union of the seeds' selections (or, with ``everything``, every edge up to the
    budget), with node data, filtered: what ``kg export`` writes and the app shows.
    ``graph["omitted_by_kind"]``: edges the budget left out per relation (a lower bound
    when ``graph["omitted_exact"]`` is False)."""
    if not selection.has_seeds() and not selection.everything:
        raise SelectionError(
            "nothing selected: give --concept, --author, --paper or --query (or --all)"
        )
    g = new_graph(selection.describe())
    types = _types_param(selection.types, selection.concept_type)
    seeds = seed_ids(store, selection) if selection.has_seeds() else []
    omitted: Counter[str] = Counter()
    exact = True
    leads: dict[str, set[str]] = {}
    for seed in seeds:
        taken = _seed_selection(store, seed, selection, types)
        leads[seed] = taken.papers
        _row_graph(g, taken.rows.values())
        omitted.update(taken.omitted)
        exact = exact and taken.exact
        if seed not in g:  # a seed without edges (within the filters) is still selected
            set_node(g, seed, kind=kind_of(seed), label=seed)
    if not seeds:
        rows, left_out = _all_rows(store, selection.limit, selection.vocabulary)
        _row_graph(g, rows)
        omitted.update(left_out)
    if not seeds and not any(omitted.values()):  # the whole store: also papers without edges
        for row in store.query(read(store.dialect, "all-papers")).records():
            if str(row["id"]) not in g:
                set_node(g, str(row["id"]), kind="paper", label=row.get("title"))
    enrich(store, g)
    lead_papers = {paper for papers in leads.values() for paper in papers}
    if not seeds:  # the whole store: every paper is what the selection is about
        lead_papers = {node for node, kind in g.nodes(data="kind") if kind == "paper"}
    _filter(
        g,
        selection.since,
        selection.until,
        types,
        selection.min_weight,
        keep={*seeds, *lead_papers},
    )
    g.graph["omitted_by_kind"] = {rel: n for rel, n in sorted(omitted.items()) if n > 0}
    g.graph["omitted"] = sum(g.graph["omitted_by_kind"].values())
    g.graph["omitted_exact"] = exact
    g.graph["seeds"] = seeds
    # the papers each seed led with: about it even when the concept they name is linked to
    # it only through vocabulary concepts left out (views keep them beside the seed)
    g.graph["seed_papers"] = {
        seed: sorted(p for p in papers if p in g) for seed, papers in leads.items()
    }
    return g


def ego_graph(
    store: GraphStore,
    node_id: str,
    hops: int = 1,
    types: Sequence[str] | str | None = None,
    limit: int = DEFAULT_LIMIT,
    since: int | None = None,
    until: int | None = None,
    min_weight: float = 1,
    concept_type: str | None = None,
    narrower: bool = True,
) -> nx.MultiDiGraph:
    """The selection around one node (the app's graph view): the same answer as
    ``kg export`` with that node as the only seed; an empty graph when it is not stored."""
    seed = {"concept": "concepts", "author": "authors", "paper": "papers"}[kind_of(node_id)]
    listed = types.split(",") if isinstance(types, str) else list(types or [])
    selection = Selection(
        **{seed: [node_id]}, hops=hops, types=listed, since=since, until=until,
        min_weight=min_weight, concept_type=concept_type, limit=limit, narrower=narrower,
    )
    try:
        g = select(store, selection)
    except SelectionError:
        return new_graph(f"{node_id} is not in the store")
    g.graph["description"] = f"ego network of {node_id} ({hops} hops)"
    return g


# --------------------------------------------------------------------------- helpers


def _row_graph(g: nx.MultiDiGraph, rows: Iterable[Row]) -> None:
    """Edge rows → nodes and edges (labels and kinds from the rows)."""
    for row in rows:
        for end in ("source", "target"):
            node = str(row[end])
            kind = str(row.get(f"{end}_kind") or "")
            attrs: dict[str, Any] = {"label": row.get(f"{end}_label")}
            if kind in CONCEPT_TYPES:  # some dialects report the concept type as the kind
                attrs.update(kind="concept", type=kind)
            elif kind:
                attrs["kind"] = kind
            set_node(g, node, **attrs)
        add_edge(
            g,
            str(row["source"]),
            str(row["target"]),
            str(row["rel"]),
            weight=row.get("weight") if row.get("weight") is not None else 1,
        )


def _filter(
    g: nx.MultiDiGraph,
    since: int | None = None,
    until: int | None = None,
    types: str = "",
    min_weight: float = 1,
    keep: Iterable[str] = (),
) -> None:
    """Filters applied in memory to the small subgraph: papers outside the years, nodes of
    kinds or concept types ``types`` leaves out (--types with --concept-type pushed in:
    ``_types_param``), weak CO_OCCURS. Nodes in ``keep`` (the seeds and the papers they
    lead with) pass the type filters and stay when left without edges: the filters drop
    concept nodes, never the papers a selection is about. Other nodes left without any
    edge go too."""
    keep = set(keep)
    allowed = _allowed(types)
    before = {n for n in g if g.degree(n) > 0}
    drop = [
        node
        for node, data in g.nodes(data=True)
        if (data.get("kind") == "paper" and not _in_years(data.get("year"), since, until))
        or (node not in keep and not _passes(allowed, str(data.get("kind")), data.get("type")))
    ]
    g.remove_nodes_from(drop)
    weak = [
        (u, v, k)
        for u, v, k, d in g.edges(keys=True, data=True)
        if k == "CO_OCCURS" and float(d.get("weight", 1) or 1) < min_weight
    ]
    g.remove_edges_from(weak)
    g.remove_nodes_from([n for n in before if n in g and g.degree(n) == 0 and n not in keep])


def _types_param(types: Sequence[str] | str | None, concept_type: str | None) -> str:
    """The ego-network ``types`` list, with --concept-type pushed into the store query."""
    listed = [
        t.strip().lower()
        for t in (types.split(",") if isinstance(types, str) else types or [])
        if t.strip()
    ]
    if concept_type:
        listed = listed or ["paper", "author", "concept"]
        if "concept" in listed or concept_type in listed:
            listed = [t for t in listed if t != "concept" and t not in CONCEPT_TYPES]
            listed.append(concept_type)
    return ",".join(dict.fromkeys(listed))


def _all_rows(store: GraphStore, limit: int, vocabulary: bool) -> tuple[list[Row], Counter[str]]:
    """Every edge of the store, strongest first, up to the budget (``--all`` only), and
    how many of each kind the budget left out."""

    def run(n: int) -> list[Row]:
        params = {"limit": n, "vocabulary": vocabulary}
        return store.query(read(store.dialect, "all-edges"), params).records()

    rows = run(limit)
    left_out: Counter[str] = Counter()
    if len(rows) >= limit:
        left_out.update(str(r["rel"]) for r in run(ALL))
        left_out.subtract(str(r["rel"]) for r in rows)
    return rows, left_out

