"""The networkx bridge: a selection of the store as an ``nx.MultiDiGraph``.

Exports, the app's graph view and analytics all work on one in-memory shape so that a new
export format or view never talks to a store. Convention (one place, used everywhere):

- node key = entity id (``arxiv:…``, ``doi:…``, ``name:…``, ``concept:…``);
  attrs ``kind`` (paper|author|concept) and ``label``; papers add ``title``, ``year``,
  ``doi``, ``arxiv_id``, ``url``, ``venue``, ``abstract``, ``authors`` (names in order);
  concepts add ``type``, ``aliases``; authors add ``name`` (and ``orcid`` when known);
- edge key = ``rel``; attrs ``rel`` and ``weight`` (default 1): AUTHORED_BY paper→author
  (``position``), MENTIONS paper→concept (``role`` proposed|used, ``confidence``,
  ``sentence``), CITES paper→paper, BROADER narrower→broader, CO_OCCURS concept→concept
  (``weight`` = papers in common, stored once per pair).
"""

from __future__ import annotations

import difflib
import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import networkx as nx

from extract.model import CONCEPT_TYPES, ConceptInfo, ConceptLink
from kg.model import Author, Paper

if TYPE_CHECKING:
    from kg.stores.base import GraphStore

KINDS = ("paper", "author", "concept")
RELS = ("AUTHORED_BY", "MENTIONS", "CITES", "BROADER", "CO_OCCURS")
UNDIRECTED_RELS = frozenset({"CO_OCCURS"})

__all__ = [
    "KINDS",
    "RELS",
    "Selection",
    "SelectionError",
    "add_author",
    "add_concept",
    "add_cooccurrence",
    "add_edge",
    "add_paper",
    "build_graph",
    "concept_communities",
    "ego_graph",
    "graph_counts",
    "link_concepts",
    "new_graph",
    "node_details",
    "paper_id_fields",
    "rank_nodes",
    "select",
]


# --------------------------------------------------------------------------- building


def new_graph(description: str = "") -> nx.MultiDiGraph:
    """An empty graph in the house convention (``omitted`` counts budget-dropped edges)."""
    g = nx.MultiDiGraph()
    g.graph["description"] = description
    g.graph["omitted"] = 0
    return g


def add_edge(g: nx.MultiDiGraph, source: str, target: str, rel: str, **attrs: Any) -> None:
    """Add or update the one ``rel`` edge between two nodes (the key is the relation, so
    unions of selections never duplicate edges). CO_OCCURS is stored once per pair."""
    if rel in UNDIRECTED_RELS:
        reverse_exists = g.has_edge(target, source, key=rel)
        if reverse_exists or (not g.has_edge(source, target, key=rel) and target < source):
            source, target = target, source
    data = {k: v for k, v in attrs.items() if v is not None}
    data.setdefault("weight", 1)
    if g.has_edge(source, target, key=rel):
        g.edges[source, target, rel].update(data)
    else:
        g.add_edge(source, target, key=rel, rel=rel, **data)


def _set_node(g: nx.MultiDiGraph, node: str, **attrs: Any) -> None:
    """Merge attributes into a node, keeping known values over empty ones."""
    data = {k: v for k, v in attrs.items() if v not in (None, "", [])}
    if node in g:
        g.nodes[node].update(data)
    else:
        g.add_node(node, **data)


def add_author(g: nx.MultiDiGraph, author: Author) -> str:
    _set_node(g, author.id, kind="author", label=author.name, name=author.name, orcid=author.orcid)
    return author.id


def add_paper(g: nx.MultiDiGraph, paper: Paper, with_authors: bool = True) -> str:
    """Add a paper node (and its authors with AUTHORED_BY positions, 1-based)."""
    _set_node(
        g,
        paper.id,
        kind="paper",
        label=paper.title,
        title=paper.title,
        year=paper.year,
        date=paper.date,
        doi=paper.doi,
        arxiv_id=paper.arxiv_id,
        url=paper.url,
        venue=paper.venue,
        abstract=paper.abstract,
        authors=[a.name for a in paper.authors],
        references=list(paper.references),
    )
    if with_authors:
        for position, author in enumerate(paper.authors, start=1):
            add_edge(g, paper.id, add_author(g, author), "AUTHORED_BY", position=position)
    return paper.id


def add_concept(g: nx.MultiDiGraph, concept: ConceptInfo | ConceptLink) -> str:
    aliases = list(getattr(concept, "aliases", []) or [])
    _set_node(
        g,
        concept.id,
        kind="concept",
        label=concept.name,
        name=concept.name,
        type=concept.type,
        aliases=aliases,
        source=concept.source,
    )
    for broader in getattr(concept, "broader", []) or []:
        add_edge(g, concept.id, broader, "BROADER")
    return concept.id


def link_concepts(g: nx.MultiDiGraph, paper_id: str, links: Iterable[ConceptLink]) -> None:
    """MENTIONS edges with the evidence exports need (first mention's sentence)."""
    for link in links:
        add_concept(g, link)
        first = link.mentions[0] if link.mentions else None
        add_edge(
            g,
            paper_id,
            link.id,
            "MENTIONS",
            role="proposed" if link.proposed else "used",
            confidence=float(link.confidence),
            sentence=first.sentence if first else None,
            field=first.field if first else None,
            mentions=len(link.mentions),
        )


def add_cooccurrence(g: nx.MultiDiGraph, min_weight: float = 1) -> None:
    """CO_OCCURS between concepts mentioned by the same papers of ``g`` (weight = papers)."""
    pairs: Counter[tuple[str, str]] = Counter()
    for node, data in g.nodes(data=True):
        if data.get("kind") != "paper":
            continue
        concepts = sorted({t for _, t, k in g.out_edges(node, keys=True) if k == "MENTIONS"})
        pairs.update(itertools.combinations(concepts, 2))
    for (a, b), weight in pairs.items():
        if weight >= min_weight:
            add_edge(g, a, b, "CO_OCCURS", weight=weight)


def build_graph(
    records: Iterable[tuple[Paper, Iterable[ConceptLink]]],
    concepts: Iterable[ConceptInfo] = (),
    cooccurrence: bool = True,
    description: str = "",
) -> nx.MultiDiGraph:
    """A graph straight from papers and extraction results (no store): tests, small corpora
    and ``kg export`` of a file; CITES only between papers present, BROADER only between
    concepts present, so that no node lacks its data."""
    g = new_graph(description)
    papers: list[Paper] = []
    for paper, links in records:
        add_paper(g, paper)
        link_concepts(g, paper.id, links)
        papers.append(paper)
    used = {n for n, d in g.nodes(data=True) if d.get("kind") == "concept"}
    for info in concepts:
        if info.id in used:
            add_concept(g, info)
    for paper in papers:
        for ref in paper.references:
            if ref in g and ref != paper.id and g.nodes[ref].get("kind") == "paper":
                add_edge(g, paper.id, ref, "CITES")
    dangling = [n for n in g if "kind" not in g.nodes[n]]
    g.remove_nodes_from(dangling)
    if cooccurrence:
        add_cooccurrence(g)
    return g


def graph_counts(g: nx.MultiDiGraph) -> dict[str, int]:
    """Nodes per kind and edges per relation (what the export summary prints)."""
    counts = {kind: 0 for kind in KINDS} | {rel: 0 for rel in RELS}
    for _, data in g.nodes(data=True):
        counts[data.get("kind", "other")] = counts.get(data.get("kind", "other"), 0) + 1
    for _, _, rel in g.edges(keys=True):
        counts[rel] = counts.get(rel, 0) + 1
    counts["nodes"] = g.number_of_nodes()
    counts["edges"] = g.number_of_edges()
    return counts


# --------------------------------------------------------------------------- analytics


def rank_nodes(
    g: nx.MultiDiGraph, alpha: float = 0.85, max_iter: int = 100, tol: float = 1e-9
) -> dict[str, float]:
    """PageRank over the undirected weighted view (a concept is central when well connected
    either way). Own power iteration: networkx's needs scipy, which we do not ship."""
    n = g.number_of_nodes()
    if n == 0:
        return {}
    out: dict[str, dict[str, float]] = {node: {} for node in g}
    for u, v, data in g.edges(data=True):
        if u == v:
            continue
        w = float(data.get("weight", 1) or 1)
        out[u][v] = out[u].get(v, 0.0) + w
        out[v][u] = out[v].get(u, 0.0) + w
    strength = {node: sum(nbrs.values()) for node, nbrs in out.items()}
    rank = dict.fromkeys(g, 1.0 / n)
    for _ in range(max_iter):
        dangling = alpha * sum(rank[node] for node in g if strength[node] == 0) / n
        new = dict.fromkeys(g, (1.0 - alpha) / n + dangling)
        for node, nbrs in out.items():
            if strength[node]:
                share = alpha * rank[node] / strength[node]
                for nbr, w in nbrs.items():
                    new[nbr] += share * w
        delta = sum(abs(new[node] - rank[node]) for node in g)
        rank = new
        if delta < n * tol:
            break
    return rank


def concept_communities(g: nx.MultiDiGraph, seed: int = 7) -> dict[str, int]:
    """Louvain communities of concepts over CO_OCCURS weights; numbered 0.. by size so the
    largest community is 0 (stable colours in the app). Isolated concepts get their own."""
    h = nx.Graph()
    h.add_nodes_from(n for n, d in g.nodes(data=True) if d.get("kind") == "concept")
    for u, v, data in g.edges(data=True):
        if data.get("rel") == "CO_OCCURS" and u in h and v in h and u != v:
            w = float(data.get("weight", 1) or 1)
            if h.has_edge(u, v):
                h[u][v]["weight"] += w
            else:
                h.add_edge(u, v, weight=w)
    if h.number_of_nodes() == 0:
        return {}
    groups = nx.community.louvain_communities(h, weight="weight", seed=seed)
    ordered = sorted(groups, key=lambda c: (-len(c), min(c)))
    return {node: index for index, group in enumerate(ordered) for node in group}


# --------------------------------------------------------------------------- selection


class SelectionError(ValueError):
    """A seed was not found or nothing was asked for; ``suggestions`` holds close names."""

    def __init__(self, message: str, suggestions: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.suggestions = list(suggestions)


@dataclass
class Selection:
    """What to take from the store: seeds (concept names/aliases/ids, author names/ids,
    paper ids, or a query returning paper ids in its first column), hops and filters."""

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
    limit: int = 300
    everything: bool = False

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
            text += f"at most {self.limit} edges per seed"
        else:
            text = "the whole store" if self.everything else "nothing"
            if self.everything and self.limit < 10_000_000:
                text += f", at most {self.limit} edges"
        if self.types:
            text += f"; types {','.join(self.types)}"
        if self.concept_type:
            text += f"; concept type {self.concept_type}"
        if self.since is not None or self.until is not None:
            text += f"; years {self.since or '…'}–{self.until or '…'}"
        if self.min_weight > 1:
            text += f"; CO_OCCURS weight ≥ {self.min_weight:g}"
        return text


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def resolve_concept(store: GraphStore, name: str) -> str:
    """Concept name, alias or id → id, case-insensitively; SelectionError with close names."""
    if name.startswith("concept:"):
        return name
    rows = store.named("search", {"text": name, "limit": 50}).records()
    hits = [r for r in rows if r["kind"] == "concept"]
    for row in hits:
        if _norm(str(row["label"])) == _norm(name):
            return str(row["id"])
    # an alias: papers-by-concept resolves names and aliases itself
    found = store.named(
        "papers-by-concept", {"concept": name, "narrower": False, "limit": 1}
    ).records()
    if found and found[0].get("concept"):
        return str(found[0]["concept"])
    if len(hits) == 1:
        return str(hits[0]["id"])
    raise SelectionError(
        f"no concept named {name!r} in the store",
        suggest_concepts(store, name, [str(r["id"]) for r in hits]),
    )


def suggest_concepts(store: GraphStore, name: str, extra: Sequence[str] = ()) -> list[str]:
    """Up to five concepts whose name or an alias is close to ``name`` (typos, plurals):
    the used concepts and those sharing a word prefix, ranked by string similarity."""
    ids = {str(r["concept"]) for r in store.named("top-concepts", {"limit": 100_000}).records()}
    ids.update(extra)
    for word in name.split():
        if len(word) >= 4:
            rows = store.named("search", {"text": word[:4], "limit": 50}).records()
            ids.update(str(r["id"]) for r in rows if r["kind"] == "concept")
    labels: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for row in _details(store, _SPARQL_CONCEPTS, _CYPHER_CONCEPTS, sorted(ids)):
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


def resolve_author(store: GraphStore, name: str) -> str:
    """Author name or id → id; a name must match one author (case-insensitively)."""
    if ":" in name:
        if store.named("ego-network", {"node": name, "hops": 1, "limit": 1}).rows:
            return name
        raise SelectionError(f"no author with id {name!r} in the store")
    rows = [
        r
        for r in store.named("search", {"text": name, "limit": 50}).records()
        if r["kind"] == "author"
    ]
    exact = {str(r["id"]) for r in rows if _norm(str(r["label"])) == _norm(name)}
    if len(exact) == 1:
        return exact.pop()
    if not exact and len(rows) == 1:
        return str(rows[0]["id"])
    listed = [f"{r['label']} ({r['id']})" for r in rows if not exact or r["id"] in exact]
    raise SelectionError(
        f"{name!r} names several authors: give one id"
        if listed
        else f"no author named {name!r} in the store",
        listed[:5],
    )


def resolve_paper(store: GraphStore, ref: str) -> str:
    """Paper id (doi:/arxiv:/title:), a bare DOI or arXiv id, or an exact title → id."""
    candidates = (
        [ref] if ":" in ref.split("/", 1)[0] else [f"doi:{ref.lower()}", f"arxiv:{ref}", ref]
    )
    found = _details(store, _SPARQL_PAPERS, _CYPHER_PAPERS, candidates)
    if found:
        return str(found[0]["id"])
    rows = [
        r
        for r in store.named("search", {"text": ref, "limit": 20}).records()
        if r["kind"] == "paper"
    ]
    exact = [r for r in rows if _norm(str(r["label"])) == _norm(ref)]
    if len(exact) == 1 or (not exact and len(rows) == 1):
        return str((exact or rows)[0]["id"])
    raise SelectionError(
        f"no paper {ref!r} in the store" if not rows else f"{ref!r} matches several papers",
        [f"{r['label']} ({r['id']})" for r in rows[:5]],
    )


def query_papers(store: GraphStore, text: str) -> list[str]:
    """Paper ids from the first column of a user query in the store's dialect."""
    result = store.query(text)
    if not result.columns:
        return []
    return [str(row[0]) for row in result.rows if row and row[0] is not None]


def _row_graph(g: nx.MultiDiGraph, rows: Iterable[dict[str, Any]]) -> None:
    """Ego-network rows → nodes and edges (labels and kinds from the query itself)."""
    for row in rows:
        for end in ("source", "target"):
            node = str(row[end])
            kind = str(row.get(f"{end}_kind") or "")
            attrs: dict[str, Any] = {"label": row.get(f"{end}_label")}
            if kind in CONCEPT_TYPES:  # some dialects report the concept type as the kind
                attrs.update(kind="concept", type=kind)
            elif kind:
                attrs["kind"] = kind
            _set_node(g, node, **attrs)
        add_edge(
            g,
            str(row["source"]),
            str(row["target"]),
            str(row["rel"]),
            weight=row.get("weight") if row.get("weight") is not None else 1,
        )


# Node data the ego-network rows do not carry, fetched in batches for the selected ids only.
# (Candidates for a named query "node-details"; kept here until kg/queries has one.)
_SPARQL_PAPERS = """
SELECT ?id ?title ?abstract ?year ?date ?doi ?arxiv_id ?venue ?url WHERE {
  VALUES ?id { $ids }
  ?n a pkg:Paper ; dcterms:identifier ?id .
  OPTIONAL { ?n dcterms:title ?title } OPTIONAL { ?n dcterms:abstract ?abstract }
  OPTIONAL { ?n pkg:year ?year } OPTIONAL { ?n dcterms:issued ?date }
  OPTIONAL { ?n bibo:doi ?doi } OPTIONAL { ?n pkg:arxivId ?arxiv_id }
  OPTIONAL { ?n pkg:venue ?venue } OPTIONAL { ?n schema:url ?url }
}"""
_SPARQL_AUTHORS = """
SELECT ?paper ?author ?name ?position WHERE {
  VALUES ?paper { $ids }
  ?p a pkg:Paper ; dcterms:identifier ?paper .
  ?s a pkg:Authorship ; pkg:paper ?p ; pkg:author ?a ; pkg:position ?position .
  ?a dcterms:identifier ?author . OPTIONAL { ?a foaf:name ?name }
} ORDER BY ?paper ?position"""
_SPARQL_CONCEPTS = """
SELECT ?id ?name ?type ?alias WHERE {
  VALUES ?id { $ids }
  ?c a pkg:Concept ; dcterms:identifier ?id .
  OPTIONAL { ?c skos:prefLabel ?name } OPTIONAL { ?c pkg:conceptType ?type }
  OPTIONAL { ?c skos:altLabel ?alias }
}"""
_SPARQL_MENTIONS = """
SELECT ?paper ?concept ?role ?confidence ?field ?sentence WHERE {
  VALUES ?paper { $ids }
  ?p a pkg:Paper ; dcterms:identifier ?paper .
  ?m a pkg:Mention ; pkg:paper ?p ; pkg:concept ?c .
  ?c dcterms:identifier ?concept .
  OPTIONAL { ?m pkg:role ?role } OPTIONAL { ?m pkg:confidence ?confidence }
  OPTIONAL { ?m pkg:evidence ?e . ?e pkg:sentence ?sentence ; pkg:start ?start .
             OPTIONAL { ?e pkg:field ?field } }
} ORDER BY ?paper ?concept DESC(?field) ?start"""
_SPARQL_ALL_EDGES = """
SELECT ?source ?source_kind ?source_label ?target ?target_kind ?target_label ?rel ?weight
WHERE {
  { ?s dcterms:creator ?t BIND("AUTHORED_BY" AS ?rel) }
  UNION { ?s schema:mentions ?t BIND("MENTIONS" AS ?rel) }
  UNION { ?s cito:cites ?t BIND("CITES" AS ?rel) }
  UNION { ?s skos:broader ?t BIND("BROADER" AS ?rel) }
  UNION { ?s pkg:coOccursWith ?t BIND("CO_OCCURS" AS ?rel) }
  OPTIONAL { ?co a pkg:CoOccurrence ; pkg:concept ?s, ?t ; pkg:weight ?w .
             FILTER(?rel = "CO_OCCURS") }
  BIND(COALESCE(?w, 1) AS ?weight)
  ?s dcterms:identifier ?source ; a ?sclass .
  ?t dcterms:identifier ?target ; a ?tclass .
  VALUES (?sclass ?source_kind) { (pkg:Paper "paper") (pkg:Author "author")
                                  (pkg:Concept "concept") }
  VALUES (?tclass ?target_kind) { (pkg:Paper "paper") (pkg:Author "author")
                                  (pkg:Concept "concept") }
  OPTIONAL { ?s dcterms:title|foaf:name|skos:prefLabel ?source_label }
  OPTIONAL { ?t dcterms:title|foaf:name|skos:prefLabel ?target_label }
} ORDER BY DESC(?weight) ?rel ?source ?target
LIMIT %d"""
_CYPHER_PAPERS = """
UNWIND $ids AS id MATCH (n:Paper {id: id}) WHERE n.title IS NOT NULL
RETURN n.id AS id, n.title AS title, n.abstract AS abstract, n.year AS year, n.date AS date,
       n.doi AS doi, n.arxiv_id AS arxiv_id, n.venue AS venue, n.url AS url"""
_CYPHER_AUTHORS = """
UNWIND $ids AS id MATCH (p:Paper {id: id})-[r:AUTHORED_BY]->(a:Author)
RETURN p.id AS paper, a.id AS author, a.name AS name, r.position AS position
ORDER BY paper, position"""
_CYPHER_CONCEPTS = """
UNWIND $ids AS id MATCH (c:Concept {id: id})
RETURN c.id AS id, c.name AS name, c.type AS type, c.aliases AS alias"""
_CYPHER_MENTIONS = """
UNWIND $ids AS id MATCH (p:Paper {id: id})-[m:MENTIONS]->(c:Concept)
RETURN p.id AS paper, c.id AS concept, m.role AS role, m.confidence AS confidence,
       m.fields[0] AS field, m.sentences[0] AS sentence"""
_CYPHER_ALL_EDGES = """
MATCH (a)-[r]->(b)
WHERE (a:Paper OR a:Author OR a:Concept) AND (b:Paper OR b:Author OR b:Concept)
  AND NOT (a:Paper AND a.title IS NULL) AND NOT (b:Paper AND b.title IS NULL)
RETURN a.id AS source,
       CASE WHEN a:Paper THEN 'paper' WHEN a:Author THEN 'author' ELSE 'concept' END
         AS source_kind,
       coalesce(a.title, a.name, a.id) AS source_label,
       b.id AS target,
       CASE WHEN b:Paper THEN 'paper' WHEN b:Author THEN 'author' ELSE 'concept' END
         AS target_kind,
       coalesce(b.title, b.name, b.id) AS target_label,
       type(r) AS rel, coalesce(r.weight, 1) AS weight
ORDER BY weight DESC, rel, source, target
LIMIT toInteger($limit)"""
_SPARQL_AUTHOR_NAMES = """
SELECT ?id ?name WHERE {
  VALUES ?id { $ids }
  ?a a pkg:Author ; dcterms:identifier ?id . OPTIONAL { ?a foaf:name ?name }
}"""
_CYPHER_AUTHOR_NAMES = """
UNWIND $ids AS id MATCH (a:Author {id: id}) RETURN a.id AS id, a.name AS name"""
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
        by_kind[_kind_of(node)].append(node)
    out: dict[str, dict[str, Any]] = {}
    for row in _details(store, _SPARQL_PAPERS, _CYPHER_PAPERS, by_kind["paper"]):
        fields = {k: v for k, v in row.items() if k != "id" and v is not None}
        if fields.get("year") is not None:
            fields["year"] = int(fields["year"])
        paper = str(row["id"])
        out[paper] = {"kind": "paper", "label": fields.get("title"), **paper_id_fields(paper),
                      **fields}
    for row in _details(store, _SPARQL_AUTHORS, _CYPHER_AUTHORS, by_kind["paper"]):
        entry = out.get(str(row["paper"]))
        if entry is not None:
            entry.setdefault("authors", []).append(str(row.get("name") or row["author"]))
    for row in _details(store, _SPARQL_AUTHOR_NAMES, _CYPHER_AUTHOR_NAMES, by_kind["author"]):
        name = row.get("name") or str(row["id"])
        out[str(row["id"])] = {"kind": "author", "label": name, "name": name}
    rows = _details(store, _SPARQL_CONCEPTS, _CYPHER_CONCEPTS, by_kind["concept"])
    aliases = _aliases(rows)
    for row in rows:
        concept = str(row["id"])
        name = row.get("name") or concept
        out.setdefault(concept, {"kind": "concept", "label": name, "name": name,
                                 "type": row.get("type"), "aliases": aliases[concept]})
    return out


def _details(store: GraphStore, sparql: str, cypher: str, ids: list[str]) -> list[dict]:
    """Run a details query for ``ids`` in batches, in the store's dialect."""
    rows: list[dict] = []
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        text = sparql if store.dialect == "sparql" else cypher
        rows += store.query(text, {"ids": chunk}).records()
    return rows


def _enrich(store: GraphStore, g: nx.MultiDiGraph) -> None:
    """Add the data exports need: paper fields and author order, concept type and aliases,
    AUTHORED_BY positions and MENTIONS role/confidence/evidence sentence."""
    by_kind: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for node, data in g.nodes(data=True):
        by_kind.get(str(data.get("kind")), []).append(node)
    papers = by_kind["paper"]
    for row in _details(store, _SPARQL_PAPERS, _CYPHER_PAPERS, papers):
        fields = {k: v for k, v in row.items() if k != "id"}
        if fields.get("year") is not None:
            fields["year"] = int(fields["year"])
        _set_node(g, str(row["id"]), label=fields.get("title"), **fields)
    names: dict[str, list[str]] = {}
    for row in _details(store, _SPARQL_AUTHORS, _CYPHER_AUTHORS, papers):
        paper, author = str(row["paper"]), str(row["author"])
        names.setdefault(paper, []).append(str(row.get("name") or author))
        if g.has_edge(paper, author, key="AUTHORED_BY"):
            g.edges[paper, author, "AUTHORED_BY"]["position"] = int(row["position"])
    for paper, ordered in names.items():
        g.nodes[paper]["authors"] = ordered
    rows = _details(store, _SPARQL_CONCEPTS, _CYPHER_CONCEPTS, by_kind["concept"])
    for row in rows:
        _set_node(g, str(row["id"]), name=row.get("name"), type=row.get("type"))
    for concept, values in _aliases(rows).items():
        if values:
            g.nodes[concept]["aliases"] = values
    for row in _details(store, _SPARQL_MENTIONS, _CYPHER_MENTIONS, papers):
        paper, concept = str(row["paper"]), str(row["concept"])
        if not g.has_edge(paper, concept, key="MENTIONS"):
            continue
        edge = g.edges[paper, concept, "MENTIONS"]
        if "role" in edge:  # the first evidence row wins (title before abstract)
            continue
        for key in ("role", "confidence", "sentence", "field"):
            if row.get(key) is not None:
                edge[key] = float(row[key]) if key == "confidence" else row[key]
    for node, data in g.nodes(data=True):
        if data.get("kind") == "paper":
            for key, value in paper_id_fields(node).items():
                data.setdefault(key, value)
            data.setdefault("title", data.get("label"))
        elif data.get("kind") in {"author", "concept"}:
            data.setdefault("name", data.get("label"))


def _filter(
    g: nx.MultiDiGraph,
    since: int | None = None,
    until: int | None = None,
    concept_type: str | None = None,
    min_weight: float = 1,
    keep: Iterable[str] = (),
) -> None:
    """Filters the named query cannot express, applied in memory to the small subgraph;
    nodes left without any edge by them go too (except the seeds in ``keep``)."""
    before = {n for n in g if g.degree(n) > 0}
    drop = []
    for node, data in g.nodes(data=True):
        year = data.get("year")
        if (
            data.get("kind") == "paper"
            and year is not None
            and (
                (since is not None and int(year) < since)
                or (until is not None and int(year) > until)
            )
        ):
            drop.append(node)
        if concept_type and data.get("kind") == "concept" and data.get("type") != concept_type:
            drop.append(node)
    g.remove_nodes_from(drop)
    weak = [
        (u, v, k)
        for u, v, k, d in g.edges(keys=True, data=True)
        if k == "CO_OCCURS" and float(d.get("weight", 1) or 1) < min_weight
    ]
    g.remove_edges_from(weak)
    keep = set(keep)
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


def _ego_rows(
    store: GraphStore, node_id: str, hops: int, types: str, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """Rows of the named query, nearest first, and how many of the node's own edges the
    budget left out (``node-degree``: counting them is cheap; listing all of a hub's
    100,000 edges only to count them was not, and edges beyond hop 1 are not counted).

    The query orders by weight, then relation name; asking hop by hop keeps the seed's own
    edges (its MENTIONS, say) ahead of the far ones when the budget is tight."""
    kept: dict[tuple[str, str, str], dict[str, Any]] = {}
    for hop in range(1, hops + 1):
        params = {"node": node_id, "hops": hop, "types": types, "limit": limit}
        rows = store.named("ego-network", params).records()
        for row in rows:
            key = (str(row["source"]), str(row["target"]), str(row["rel"]))
            if key not in kept and len(kept) < limit:
                kept[key] = row
        if len(rows) >= limit:  # budget reached
            break
    else:
        return list(kept.values()), 0
    own = sum(1 for source, target, _ in kept if node_id in (source, target))
    degree = int(store.named("node-degree", {"node": node_id}).rows[0][0])
    return list(kept.values()), max(0, degree - own)


def ego_graph(
    store: GraphStore,
    node_id: str,
    hops: int = 1,
    types: Sequence[str] | str | None = None,
    limit: int = 300,
    since: int | None = None,
    until: int | None = None,
    min_weight: float = 1,
    concept_type: str | None = None,
) -> nx.MultiDiGraph:
    """The neighbourhood of one node, computed by the store's ``ego-network`` query, with
    the node data exports need. ``graph["omitted"]``: edges the ``limit`` budget left out."""
    rows, omitted = _ego_rows(store, node_id, hops, _types_param(types, concept_type), limit)
    g = new_graph(f"ego network of {node_id} ({hops} hops)")
    g.graph["omitted"] = omitted
    _row_graph(g, rows)
    _enrich(store, g)
    _filter(g, since, until, concept_type, min_weight, keep=[node_id])
    g.graph["seeds"] = [node_id]
    return g


def seed_ids(store: GraphStore, sel: Selection) -> list[str]:
    """Every seed of the selection as a store id (SelectionError for unknown ones)."""
    ids = [resolve_concept(store, c) for c in sel.concepts]
    ids += [resolve_author(store, a) for a in sel.authors]
    ids += [resolve_paper(store, p) for p in sel.papers]
    if sel.query:
        found = query_papers(store, sel.query)
        if not found:
            raise SelectionError(
                "the query returned no papers; its first column must hold paper ids "
                "(e.g. SELECT ?id WHERE { ?p a pkg:Paper ; dcterms:identifier ?id })"
            )
        ids += found
    return list(dict.fromkeys(ids))


def select(store: GraphStore, selection: Selection) -> nx.MultiDiGraph:
    """The union of the seeds' ego networks (or, with ``everything``, every edge up to the
    budget), enriched and filtered: what ``kg export`` writes and the app shows."""
    if not selection.has_seeds() and not selection.everything:
        raise SelectionError(
            "nothing selected: give --concept, --author, --paper or --query (or --all)"
        )
    g = new_graph(selection.describe())
    types = _types_param(selection.types, selection.concept_type)
    seeds = seed_ids(store, selection) if selection.has_seeds() else []
    omitted = 0
    for seed in seeds:
        rows, left_out = _ego_rows(store, seed, selection.hops, types, selection.limit)
        _row_graph(g, rows)
        omitted += left_out
        if seed not in g:  # a seed without edges (within the filters) is still selected
            _set_node(g, seed, kind=_kind_of(seed), label=seed)
    if not seeds:
        rows, omitted = _all_rows(store, selection.limit)
        _row_graph(g, rows)
    _enrich(store, g)
    if not seeds:
        _filter_types(g, types)
    _filter(
        g,
        selection.since,
        selection.until,
        selection.concept_type,
        selection.min_weight,
        keep=seeds,
    )
    g.graph["omitted"] = omitted
    g.graph["seeds"] = seeds
    return g


def _kind_of(node_id: str) -> str:
    if node_id.startswith("concept:"):
        return "concept"
    if node_id.split(":", 1)[0] in {"doi", "arxiv", "title"}:
        return "paper"
    return "author"


def _all_rows(store: GraphStore, limit: int) -> tuple[list[dict[str, Any]], int]:
    """Every edge of the store, strongest first, up to the budget (``--all`` only)."""

    def run(n: int) -> list[dict[str, Any]]:
        if store.dialect == "sparql":
            from kg.stores.rdf import PREFIX_BLOCK

            return store.query(PREFIX_BLOCK + _SPARQL_ALL_EDGES % n).records()
        return store.query(_CYPHER_ALL_EDGES, {"limit": n}).records()

    rows = run(limit)
    omitted = max(0, len(run(10_000_000)) - limit) if len(rows) >= limit else 0
    return rows, omitted


def _filter_types(g: nx.MultiDiGraph, types: str) -> None:
    """--types for --all (the ego-network query applies it itself for seeds)."""
    allowed = {t for t in types.split(",") if t}
    if not allowed:
        return
    g.remove_nodes_from(
        [
            n
            for n, d in g.nodes(data=True)
            if d.get("kind") not in allowed and d.get("type") not in allowed
        ]
    )
