"""The data of nodes read from the store for the ids a page or a selection needs: paper
fields and author order, concept names, types and aliases, MENTIONS evidence. Batched
queries in both dialects, for the selected ids only (a page never computes a neighbourhood
to show a name).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import networkx as nx
from more_itertools import chunked

from kg.graph import KINDS, add_edge, kind_of, set_node
from kg.queries import read

if TYPE_CHECKING:
    from kg.stores.base import GraphStore

_BATCH = 200


def paper_id_fields(paper_id: str) -> dict[str, str]:
    """What a paper id itself says (its DOI or arXiv id), for stores that lack the field."""
    if paper_id.startswith("doi:"):
        return {"doi": paper_id[4:]}
    if paper_id.startswith("arxiv:"):
        return {"arxiv_id": paper_id[6:]}
    return {}


def _aliases(rows: list[dict]) -> dict[str, list[str]]:
    """Concept id -> its aliases, sorted, from concept details rows (one alias or a list
    per row, depending on the dialect)."""
    found: dict[str, set[str]] = {}
    for row in rows:
        alias = row.get("alias") or []
        found.setdefault(str(row["id"]), set()).update(
            str(a) for a in ([alias] if isinstance(alias, str) else alias)
        )
    return {concept: sorted(values) for concept, values in found.items()}


def node_details(store: GraphStore, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Id -> node attributes (kind, label, and the paper/concept/author fields of the house
    convention) for the ids found in the store: what a page needs to show names and aliases,
    without computing an ego network."""
    by_kind: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for node in dict.fromkeys(ids):
        by_kind[kind_of(node)].append(node)
    out: dict[str, dict[str, Any]] = {}
    for row in details(store, "details.papers", by_kind["paper"]):
        fields = {k: v for k, v in row.items() if k != "id" and v is not None}
        if fields.get("year") is not None:
            fields["year"] = int(fields["year"])
        paper = str(row["id"])
        out[paper] = {"kind": "paper", "label": fields.get("title"), **paper_id_fields(paper),
                      **fields}
    for row in authorships(store, by_kind["paper"]):
        entry = out.get(str(row["paper"]))
        if entry is not None:
            entry.setdefault("authors", []).append(str(row.get("name") or row["author"]))
    for row in details(store, "details.authors", by_kind["author"]):
        name = row.get("name") or str(row["id"])
        out[str(row["id"])] = {"kind": "author", "label": name, "name": name}
    rows = details(store, "details.concepts", by_kind["concept"])
    aliases = _aliases(rows)
    for row in rows:
        concept = str(row["id"])
        name = row.get("name") or concept
        out.setdefault(concept, {"kind": "concept", "label": name, "name": name,
                                 "type": row.get("type"), "aliases": aliases[concept]})
    return out


def details(store: GraphStore, name: str, ids: list[str], **params: Any) -> list[dict]:
    """Rows of a details query (the file ``name`` of the store's dialect, kg/queries) for
    ``ids``, in batches (``params``: the query's other parameters)."""
    text = read(store.dialect, name)
    rows: list[dict] = []
    for chunk in chunked(ids, _BATCH):
        rows += store.query(text, {**params, "ids": chunk}).records()
    return rows


def authorships(store: GraphStore, papers: list[str]) -> list[dict]:
    """The authors of ``papers`` in order (paper, position): sorted here, where Oxigraph's
    ORDER BY compared the paper ids as stored strings (half the query's time)."""
    rows = details(store, "details.authorships", papers)
    return sorted(rows, key=lambda row: (str(row["paper"]), int(row["position"])))


def _of_concepts(rows: list[dict], concepts: list[str]) -> list[dict]:
    """The rows (of a paper's mentions or evidence) of ``concepts``."""
    wanted = set(concepts)
    return [row for row in rows if row["concept"] in wanted]


def _evidence_rows(store: GraphStore, papers: list[str], concepts: list[str]) -> list[dict]:
    """The evidence rows of ``evidence`` in its order, sentences not yet cut."""
    rows = _of_concepts(details(store, "details.evidence", papers), concepts)
    return sorted(rows, key=lambda row: (str(row["paper"]), str(row["concept"]),
                                         row["field"] != "title", int(row["start"] or 0)))


def _cut_sentences(
    store: GraphStore, rows: list[dict], fields: Mapping[str, dict] | None = None
) -> list[dict]:
    """Each SPARQL row's sentence: as stored, else cut from its field by the offsets
    (``from``, ``to``; none: the whole field), the fields read once per paper unless the
    caller has read them (``fields``: paper id -> its details.papers row). Cypher rows carry
    the sentence itself and no offsets."""
    uncut = [row for row in rows if row.get("sentence") is None and "from" in row]
    if fields is None:
        papers = sorted({str(row["paper"]) for row in uncut})
        fields = {str(r["id"]): r for r in details(store, "details.papers", papers)}
    for row in uncut:
        paper = fields.get(str(row["paper"]), {})
        text = paper.get("title" if row["field"] == "title" else "abstract")
        start, end = row.get("from"), row.get("to")
        if text is not None and start is not None and end is not None:
            text = str(text)[int(start) : int(end)]
        row["sentence"] = text
    for row in rows:
        row.pop("from", None)
        row.pop("to", None)
    return rows


def evidence(store: GraphStore, papers: list[str], concepts: list[str]) -> list[dict]:
    """The evidence of the papers' mentions of ``concepts`` (paper, concept, field, start,
    sentence), in order: per (paper, concept), title before abstract, then by start (Cypher
    stores keep the first only)."""
    return _cut_sentences(store, _evidence_rows(store, papers, concepts))


def first_evidence(
    store: GraphStore, papers: list[str], concepts: list[str],
    fields: Mapping[str, dict] | None = None,
) -> dict[tuple[str, str], dict]:
    """(paper, concept) -> the first of its evidence rows (``evidence``'s order); only
    those get their sentence (``fields``: as for ``_cut_sentences``)."""
    first: dict[tuple[str, str], dict] = {}
    for row in _evidence_rows(store, papers, concepts):
        first.setdefault((str(row["paper"]), str(row["concept"])), row)
    _cut_sentences(store, list(first.values()), fields)
    return first


def _mentions(
    store: GraphStore, papers: list[str], concepts: list[str], fields: Mapping[str, dict]
) -> list[dict]:
    """The papers' MENTIONS of ``concepts`` with role, confidence and the first evidence
    (title before abstract): one row per (paper, concept); ``fields``: paper id -> its
    details.papers row, already read."""
    if not concepts:
        return []
    rows = _of_concepts(details(store, "details.mentions", papers), concepts)
    if store.dialect == "sparql":  # Cypher rows carry the first evidence already
        first = first_evidence(store, papers, concepts, fields)
        for row in rows:
            found = first.get((str(row["paper"]), str(row["concept"])), {})
            row.update(field=found.get("field"), sentence=found.get("sentence"))
    return rows


def enrich(store: GraphStore, g: nx.MultiDiGraph) -> None:
    """Add the data exports need: paper fields and author order, concept type and aliases,
    AUTHORED_BY positions and MENTIONS role/confidence/evidence sentence. Every MENTIONS
    edge between a paper and a concept of ``g`` is added (a selection holds the papers'
    uses of its concepts, so that a review matrix never shows an empty cell for a paper
    that names a selected concept)."""
    by_kind: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for node, data in g.nodes(data=True):
        by_kind.get(str(data.get("kind")), []).append(node)
    papers = by_kind["paper"]
    paper_rows = {str(row["id"]): row for row in details(store, "details.papers", papers)}
    for paper, row in paper_rows.items():
        fields = {k: v for k, v in row.items() if k != "id"}
        if fields.get("year") is not None:
            fields["year"] = int(fields["year"])
        set_node(g, paper, label=fields.get("title"), **fields)
    names: dict[str, list[str]] = {}
    for row in authorships(store, papers):
        paper, author = str(row["paper"]), str(row["author"])
        names.setdefault(paper, []).append(str(row.get("name") or author))
        if g.has_edge(paper, author, key="AUTHORED_BY"):
            g.edges[paper, author, "AUTHORED_BY"]["position"] = int(row["position"])
    for paper, ordered in names.items():
        g.nodes[paper]["authors"] = ordered
    rows = details(store, "details.concepts", by_kind["concept"])
    for row in rows:
        name = row.get("name")
        set_node(g, str(row["id"]), name=name, type=row.get("type"), label=name)
    for concept, values in _aliases(rows).items():
        if values:
            g.nodes[concept]["aliases"] = values
    for row in _mentions(store, papers, by_kind["concept"], paper_rows):
        paper, concept = str(row["paper"]), str(row["concept"])
        if not g.has_edge(paper, concept, key="MENTIONS"):
            add_edge(g, paper, concept, "MENTIONS")
        edge = g.edges[paper, concept, "MENTIONS"]
        if "role" in edge:  # one row per mention; a repeated one changes nothing
            continue
        for key in ("role", "confidence", "sentence", "field", "curated_by", "curated_at"):
            if row.get(key) is not None:
                edge[key] = float(row[key]) if key == "confidence" else row[key]
    for node, data in g.nodes(data=True):
        if data.get("kind") == "paper":
            for key, value in paper_id_fields(node).items():
                data.setdefault(key, value)
            data.setdefault("title", data.get("label"))
        elif data.get("kind") in {"author", "concept"}:
            data.setdefault("name", data.get("label"))


