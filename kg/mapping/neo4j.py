"""The graph in Neo4j's model: the rows of papers, authors, concepts, mentions and pairs,
the Cypher statements that merge them, and the neo4j-admin CSV files made of the same rows.

Pure functions of the model (kg/model.py): the Neo4j store sends ``paper_row`` /
``concept_row`` dicts to the ``UNWIND $rows`` statements below; the bulk writer and the Dask
parts write the same rows as CSV (``*_csv``) for ``neo4j-admin database import``.
Model: ``(:Paper {id, title, abstract, year, date, updated, doi, arxiv_id, venue,
entry_type, url, upvotes, n_authors, keywords, categories, sources})``, stub ``(:Paper {id})``
for cited papers outside the corpus, ``(:Author {id, name, name_key})``,
``(:Concept:Architecture|Benchmark|Method {id, name, type, aliases, source})``,
``AUTHORED_BY {position}``, ``MENTIONS {role, confidence, texts, fields, starts, ends,
sentences}`` (evidence as parallel lists), ``CITES``, ``BROADER``, ``CO_OCCURS {weight}``
once per pair, c1.id < c2.id. Papers, concepts and MENTIONS checked by hand carry
``curated``, ``curated_by``, ``curated_at`` (kg/curation).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kg.mapping import unique_links
from kg.model import ConceptInfo, ConceptLink, Curated, PaperGraph
from kg.resources import shipped

SCHEMA_FILE = shipped("kg.schema", "neo4j.cypher")
# neo4j-admin splits arrays on one character; U+001F (unit separator) never occurs in text
ARRAY_DELIMITER = "\x1f"


def type_label(concept_type: str | None) -> str | None:
    """Node label for a concept type ('architecture' -> 'Architecture'); letters only,
    because labels cannot be query parameters and are pasted into the statement."""
    letters = re.sub(r"[^A-Za-z]", "", concept_type or "")
    return letters[:1].upper() + letters[1:].lower() if letters else None


def labels(label: str | None) -> str:
    """The node labels of a concept with type label ``label``, as a Cypher pattern."""
    return f":Concept:`{label}`" if label else ":Concept"


def paper_row(graph: PaperGraph) -> dict[str, Any]:
    """A paper with its authors, citations and mentions (one per concept, the first link)."""
    paper = graph.paper
    authors = [
        {"id": author.id, "name": author.name, "key": author.key, "position": position}
        for position, author in enumerate(paper.authors, start=1)
    ]
    props = {
        "title": paper.title,
        "abstract": paper.abstract or None,
        "year": paper.year,
        "date": paper.date,
        "updated": paper.updated,
        "doi": paper.doi,
        "arxiv_id": paper.arxiv_id,
        "venue": paper.venue,
        "entry_type": paper.entry_type,
        "url": paper.url,
        "upvotes": paper.upvotes,
        "n_authors": paper.n_authors,
        "keywords": paper.keywords or None,
        "categories": paper.categories or None,
    }
    return {
        "id": paper.id,
        "props": {key: value for key, value in props.items() if value is not None},
        **curated_props(paper.curated),
        "sources": list(dict.fromkeys(paper.sources)),
        "authors": authors,
        "cites": [ref for ref in dict.fromkeys(paper.references) if ref],
        "mentions": [mention_row(link) for link in unique_links(graph.concepts)],
    }


def _concept_columns(concept: ConceptLink | ConceptInfo) -> dict[str, Any]:
    """The columns a concept node and a paper's mention of it share."""
    return {
        "id": concept.id,
        "name": concept.name,
        "type": concept.type,
        "source": concept.source,
        "label": type_label(concept.type),
    }


def mention_row(link: ConceptLink) -> dict[str, Any]:
    return {
        **_concept_columns(link),
        "role": "proposed" if link.proposed else "used",
        "confidence": float(link.confidence),
        "texts": [m.text for m in link.mentions],
        "fields": [m.field for m in link.mentions],
        "starts": [m.start for m in link.mentions],
        "ends": [m.end for m in link.mentions],
        "sentences": [m.sentence for m in link.mentions],
        **curated_props(link.curated),
    }


def concept_row(info: ConceptInfo) -> dict[str, Any]:
    return {
        **_concept_columns(info),
        "aliases": list(dict.fromkeys(info.aliases)),
        "broader": [b for b in dict.fromkeys(info.broader) if b != info.id],
        **curated_props(info.curated),
    }


def curated_props(mark: Curated | None) -> dict[str, Any]:
    """The origin of a fact checked by hand (kg/curation); None values remove the
    properties when a decision is undone."""
    if mark is None:
        return {"curated": None, "curated_by": None, "curated_at": None}
    return {"curated": True, "curated_by": mark.by, "curated_at": mark.at}


def by_label(rows: Iterable[dict[str, Any]]) -> dict[str | None, list[dict[str, Any]]]:
    """Rows grouped by type label: a label is pasted into the statement, not a parameter."""
    groups: dict[str | None, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["label"], []).append(row)
    return groups


def schema_statements(path: Path = SCHEMA_FILE) -> list[str]:
    """The statements of schema/neo4j.cypher (comments dropped, split on ';')."""
    text = "\n".join(
        line for line in path.read_text("utf-8").splitlines() if not line.lstrip().startswith("//")
    )
    return [part.strip() for part in text.split(";") if part.strip()]


# --------------------------------------------------------------------------- literals

NODE_LABELS = {"paper": "Paper", "author": "Author", "concept": "Concept"}
_CYPHER_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def cypher_string(text: str) -> str:
    """A single-quoted Cypher string literal; other control characters as \\uXXXX."""
    out = []
    for ch in text:
        if ch in _CYPHER_ESCAPES:
            out.append(_CYPHER_ESCAPES[ch])
        elif ord(ch) < 0x20 or ch in "\u2028\u2029":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"


def cypher_value(value: Any) -> str | None:
    """A literal for a property value, or None when Cypher cannot store it (dropped)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else None
    if isinstance(value, list | tuple | set):
        items = [cypher_value(v if isinstance(v, int | float | bool) else str(v)) for v in value]
        return "[" + ", ".join(i for i in items if i is not None) + "]"
    return cypher_string(str(value))


# --------------------------------------------------------------------------- statements

UPSERT_PAPERS = """
UNWIND $rows AS row
MERGE (p:Paper {id: row.id})
SET p += row.props, p.curated = row.curated, p.curated_by = row.curated_by,
    p.curated_at = row.curated_at,
    p.sources = reduce(acc = coalesce(p.sources, []), s IN row.sources |
                       CASE WHEN s IN acc THEN acc ELSE acc + s END)
"""
# A record without authors keeps the paper's authorship (as the RDF stores do).
REPLACE_AUTHORS = """
UNWIND $rows AS row
MATCH (p:Paper {id: row.id})
WHERE size(row.authors) > 0
OPTIONAL MATCH (p)-[old:AUTHORED_BY]->(:Author)
WITH p, row, collect(old) AS olds
FOREACH (old IN olds | DELETE old)
WITH p, row
UNWIND row.authors AS au
MERGE (a:Author {id: au.id})
SET a.name = au.name, a.name_key = au.key
MERGE (p)-[:AUTHORED_BY {position: au.position}]->(a)
"""
ADD_CITES = """
UNWIND $rows AS row
MATCH (p:Paper {id: row.id})
UNWIND row.cites AS ref
MERGE (q:Paper {id: ref})
MERGE (p)-[:CITES]->(q)
"""
DELETE_MENTIONS = """
UNWIND $rows AS row
MATCH (p:Paper {id: row.id})-[m:MENTIONS]->(:Concept)
WITH collect(m) AS olds
FOREACH (old IN olds | DELETE old)
"""
# Concepts first seen in a paper (coined, or vocabulary not written yet): fill only what
# is missing, the vocabulary (write_concepts) is authoritative for name/type. {labels} is
# ":Concept" plus the type label: created with all labels at once, because ArcadeDB cannot
# relabel a node inside the transaction that created it.
MERGE_LINKED_CONCEPTS = """
UNWIND $rows AS row
MERGE (c{labels} {{id: row.id}})
SET c.name = coalesce(c.name, row.name), c.type = coalesce(c.type, row.type),
    c.source = coalesce(c.source, row.source)
"""
MERGE_MENTIONS = """
UNWIND $rows AS row
MATCH (p:Paper {id: row.id})
UNWIND row.mentions AS m
MATCH (c:Concept {id: m.id})
MERGE (p)-[r:MENTIONS]->(c)
SET r.role = m.role, r.confidence = m.confidence, r.texts = m.texts, r.fields = m.fields,
    r.starts = m.starts, r.ends = m.ends, r.sentences = m.sentences,
    r.curated = m.curated, r.curated_by = m.curated_by, r.curated_at = m.curated_at
"""
UPSERT_CONCEPTS = """
UNWIND $rows AS row
MERGE (c{labels} {{id: row.id}})
SET c.name = row.name, c.type = row.type, c.source = row.source,
    c.aliases = row.aliases, c.broader_ids = row.broader,
    c.curated = row.curated, c.curated_by = row.curated_by, c.curated_at = row.curated_at
"""
REPLACE_BROADER = """
UNWIND $rows AS row
MATCH (c:Concept {id: row.id})
OPTIONAL MATCH (c)-[old:BROADER]->(:Concept)
WITH c, row, collect(old) AS olds
FOREACH (old IN olds | DELETE old)
WITH c, row
UNWIND row.broader AS bid
MATCH (b:Concept {id: bid})
MERGE (c)-[:BROADER]->(b)
"""
# Earlier concepts whose broader concept arrives only now (kept in c.broader_ids).
LINK_PENDING_BROADER = """
UNWIND $ids AS bid
MATCH (b:Concept {id: bid})
MATCH (c:Concept)
WHERE bid IN c.broader_ids AND NOT (c)-[:BROADER]->(b)
MERGE (c)-[:BROADER]->(b)
"""
# The authors of papers (before a rewrite or a removal), and those of them left without a
# paper afterwards: they go, as a build of the inputs would not make them.
AUTHORS_OF_PAPERS = ("UNWIND $ids AS id MATCH (:Paper {id: id})-[:AUTHORED_BY]->(a:Author) "
                     "RETURN DISTINCT a.id")
DELETE_ORPHAN_AUTHORS = ("UNWIND $ids AS id MATCH (a:Author {id: id}) "
                         "WHERE NOT EXISTS { (:Paper)-[:AUTHORED_BY]->(a) } DETACH DELETE a")

# Citations of a bare cited node (no title) moved to the paper it is stored as; the bare
# node goes when nothing cites it any more (GraphStore.redirect_citations).
REDIRECT_CITATIONS = """
UNWIND $rows AS row
MATCH (p:Paper)-[r:CITES]->(s:Paper {id: row.old}) WHERE s.title IS NULL
MERGE (n:Paper {id: row.new})
MERGE (p)-[:CITES]->(n)
DELETE r
"""
DELETE_BARE_PAPERS = ("UNWIND $ids AS id MATCH (s:Paper {id: id}) WHERE s.title IS NULL "
                      "AND NOT EXISTS { ()-[:CITES]->(s) } DETACH DELETE s")

# An author's AUTHORED_BY edges given to the id the person now has (GraphStore.move_authorships).
MOVE_AUTHORSHIPS = """
UNWIND $rows AS row
MATCH (p:Paper)-[r:AUTHORED_BY]->(:Author {id: row.old})
MERGE (a:Author {id: row.new})
MERGE (p)-[:AUTHORED_BY {position: r.position}]->(a)
DELETE r
"""

# A pair with both ends in $ids is taken from its smaller id only: ArcadeDB's DISTINCT kept
# both sightings of such an edge, and deleting it twice failed (RecordNotFoundException).
DELETE_COOCCURS = """
UNWIND $ids AS cid
MATCH (:Concept {id: cid})-[r:CO_OCCURS]-(other:Concept)
WHERE NOT (other.id IN $ids AND other.id < cid)
WITH collect(r) AS olds
FOREACH (old IN olds | DELETE old)
"""
# Pairs with both ends in $ids are counted from the smaller id only (c1.id < c2.id).
CREATE_COOCCURS = """
UNWIND $ids AS cid
MATCH (c1:Concept {id: cid})<-[:MENTIONS]-(p:Paper)-[:MENTIONS]->(c2:Concept)
WHERE c1.id <> c2.id AND (c1.id < c2.id OR NOT c2.id IN $ids)
WITH c1, c2, count(DISTINCT p) AS w
WITH CASE WHEN c1.id < c2.id THEN c1 ELSE c2 END AS a,
     CASE WHEN c1.id < c2.id THEN c2 ELSE c1 END AS b, w
MERGE (a)-[r:CO_OCCURS]->(b)
SET r.weight = w
"""# The same weights over the whole graph at once, for a script run after a bulk import.
COOCCURS_ALL = """
MATCH (c1:Concept)<-[:MENTIONS]-(p:Paper)-[:MENTIONS]->(c2:Concept)
WHERE c1.id < c2.id
WITH c1, c2, count(DISTINCT p) AS w
MERGE (c1)-[r:CO_OCCURS]->(c2) SET r.weight = w
"""


# --------------------------------------------------------------------------- neo4j-admin CSV

CURATED_COLUMNS = ("curated:boolean", "curated_by", "curated_at")
# file name -> header columns; node files carry :ID/:LABEL, relationship files
# :START_ID/:END_ID/:TYPE, all in separate ID spaces per label so ids never collide.
NODE_FILES: dict[str, list[str]] = {
    "papers": [
        "id:ID(Paper)", ":LABEL", "title", "abstract", "year:int", "date", "updated", "doi",
        "arxiv_id", "venue", "entry_type", "url", "upvotes:int", "n_authors:int",
        "keywords:string[]",
        "categories:string[]", "sources:string[]", *CURATED_COLUMNS,
    ],
    "paper-stubs": ["id:ID(Paper)", ":LABEL"],
    "authors": ["id:ID(Author)", ":LABEL", "name", "name_key"],
    "concepts": [
        "id:ID(Concept)", ":LABEL", "name", "type", "source", "aliases:string[]",
        "broader_ids:string[]", *CURATED_COLUMNS,
    ],
}
RELATIONSHIP_FILES: dict[str, list[str]] = {
    "authored-by": [":START_ID(Paper)", ":END_ID(Author)", ":TYPE", "position:int"],
    "mentions": [
        ":START_ID(Paper)", ":END_ID(Concept)", ":TYPE", "role", "confidence:double",
        "texts:string[]", "fields:string[]", "starts:int[]", "ends:int[]", "sentences:string[]",
        *CURATED_COLUMNS,
    ],
    "cites": [":START_ID(Paper)", ":END_ID(Paper)", ":TYPE"],
    "broader": [":START_ID(Concept)", ":END_ID(Concept)", ":TYPE"],
    "co-occurs": [":START_ID(Concept)", ":END_ID(Concept)", ":TYPE", "weight:int"],
}
_PAPER_COLUMNS = ("title", "abstract", "year", "date", "updated", "doi", "arxiv_id", "venue",
                  "entry_type", "url", "upvotes", "n_authors")


def _array(values: Iterable[Any] | None) -> str | None:
    items = [str(v).replace(ARRAY_DELIMITER, " ") for v in values or ()]
    return ARRAY_DELIMITER.join(items) if items else None


def _csv_labels(label: str | None) -> str:
    return _array(["Concept", label] if label else ["Concept"]) or "Concept"


def concept_csv(info: ConceptInfo) -> list[Any]:
    row = concept_row(info)
    return [row["id"], _csv_labels(row["label"]), row["name"], row["type"], row["source"],
            _array(row["aliases"]), _array(row["broader"]), *_curated_cells(row)]


def _curated_cells(row: dict[str, Any]) -> list[Any]:
    return [row["curated"], row["curated_by"], row["curated_at"]]


def linked_concept_csv(link: ConceptLink) -> list[Any]:
    """A concept seen only in papers: its first link gives name and type."""
    return [link.id, _csv_labels(type_label(link.type)), link.name, link.type, link.source,
            None, None, None, None, None]


def author_csv(author_id: str, name: str, key: str) -> list[Any]:
    """An author node; ``key`` is the folded name that author lookups match."""
    return [author_id, "Author", name, key]


def stub_csv(paper_id: str) -> list[Any]:
    """A cited paper outside the output."""
    return [paper_id, "Paper"]


def pair_csv(a: str, b: str, weight: int) -> list[Any]:
    return [a, b, "CO_OCCURS", weight]


def broader_csv(concept_id: str, broader_id: str) -> list[Any]:
    return [concept_id, broader_id, "BROADER"]


def paper_csv(graph: PaperGraph) -> Iterator[tuple[str, list[Any]]]:
    """(file name, row) of a paper node and its AUTHORED_BY, CITES and MENTIONS edges:
    ``paper_row``'s content in neo4j-admin's columns."""
    row = paper_row(graph)
    props, paper_id = row["props"], row["id"]
    yield "papers", [
        paper_id, "Paper", *(props.get(column) for column in _PAPER_COLUMNS),
        _array(props.get("keywords")), _array(props.get("categories")), _array(row["sources"]),
        *_curated_cells(row),
    ]
    for author in row["authors"]:
        yield "authored-by", [paper_id, author["id"], "AUTHORED_BY", author["position"]]
    for ref in row["cites"]:
        yield "cites", [paper_id, ref, "CITES"]
    for m in row["mentions"]:
        yield "mentions", [
            paper_id, m["id"], "MENTIONS", m["role"], m["confidence"], _array(m["texts"]),
            _array(m["fields"]), _array(m["starts"]), _array(m["ends"]), _array(m["sentences"]),
            *_curated_cells(m),
        ]
