"""Neo4j backend (also any Neo4j-5-compatible Bolt server, e.g. ArcadeDB).

URI: ``neo4j://host:7687``, ``bolt://…``, ``neo4j+s://…`` (TLS) …, optionally with
``?database=NAME``; a bare ``neo4j:`` uses ``NEO4J_URI``. Credentials come only from
``NEO4J_USERNAME`` / ``NEO4J_PASSWORD`` (never from the URI, never printed); the database
from the URI or ``NEO4J_DATABASE`` (else the server default).

Graph model (schema/neo4j.cypher holds the constraints, applied on open):
``(:Paper {id, title, abstract, year, date, updated, doi, arxiv_id, venue, entry_type, url,
upvotes, n_authors, keywords, categories, sources})`` — cited papers outside the corpus are stub
``(:Paper {id})`` nodes, so ``counts()["papers"]`` counts only papers with a title;
``(:Author {id, name, name_key})`` (name_key: the folded name, for lookups);
``(:Concept:Architecture|Benchmark|Method {id, name, type, aliases, source})``;
``(p)-[:AUTHORED_BY {position}]->(a)`` (1-based);
``(p)-[:MENTIONS {role, confidence, texts, fields, starts, ends, sentences}]->(c)`` with the
evidence as parallel lists (one entry per mention); ``(p)-[:CITES]->(p2)``;
``(c)-[:BROADER]->(broader)``; ``(c1)-[:CO_OCCURS {weight}]->(c2)`` once per pair, c1.id < c2.id.

Writes are batched ``UNWIND $rows … MERGE`` statements inside ``execute_write``
transactions, so an interrupted run leaves whole batches and a re-run converges. Every
relationship is written with MERGE on its key (MENTIONS and CITES: the two ends;
AUTHORED_BY: the ends and position; BROADER, CO_OCCURS: the ends), and edges are deleted
only after the match has been collected (``WITH … collect``): ArcadeDB's Bolt server skips
edges when it deletes while iterating the edges of a node changed earlier in the same
transaction, which left duplicated MENTIONS on a rebuild.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar, TypeVar
from urllib.parse import parse_qs, urlsplit, urlunsplit

from kg.model import CONCEPT_TYPES, ConceptInfo, ConceptLink
from kg.resources import shipped
from kg.stores.base import (
    COUNT_KEYS,
    GraphStore,
    OpenMode,
    PaperGraph,
    QueryResult,
    ReadOnlyError,
    RemoteAccessError,
    StoreError,
    WriteStats,
    register_store,
)

SCHEMA_FILE = shipped("kg.schema", "neo4j.cypher")
SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")
BATCH_SIZE = 500  # papers (or concepts) per transaction; each statement stays ≤ 1000 rows
TYPE_LABELS = tuple(t.capitalize() for t in CONCEPT_TYPES)

T = TypeVar("T")

# Clauses that change data or schema; a read query containing one is refused.
_WRITE_CLAUSE = re.compile(
    r"\b(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|FOREACH|LOAD\s+CSV|ALTER|RENAME|GRANT|"
    r"DENY|REVOKE|START\s+DATABASE|STOP\s+DATABASE)\b|\bIN\s+TRANSACTIONS\b",
    re.IGNORECASE,
)
# Clauses and procedures that reach outside the database: files and URLs (LOAD CSV, APOC
# loaders, importers, exporters, remote Bolt), other databases (USE, Fabric federation).
_REMOTE_CLAUSE = re.compile(
    r"\bLOAD\s+CSV\b|(?<![\w.$`])USE\s+[\w`]|\bapoc\s*\.\s*(?:load|import|export|bolt|es|mongo|"
    r"mongodb|couchbase|redis|systemdb|http|cypher\s*\.\s*run(?:Schema)?Files?)\b",
    re.IGNORECASE,
)
# String literals, quoted identifiers and comments: their text is not Cypher.
_NON_CODE = re.compile(
    r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.DOTALL
)


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def write_clause(text: str) -> str | None:
    """The first data/schema-changing clause of a Cypher text (outside strings/comments)."""
    match = _WRITE_CLAUSE.search(_NON_CODE.sub(" ", text))
    return " ".join(match.group(0).upper().split()) if match else None


def remote_clause(text: str) -> str | None:
    """The first clause or procedure of a Cypher text that reaches outside the database."""
    match = _REMOTE_CLAUSE.search(_NON_CODE.sub(" ", text))
    return " ".join(match.group(0).split()) if match else None


def type_label(concept_type: str | None) -> str | None:
    """Node label for a concept type ('architecture' -> 'Architecture'); letters only,
    because labels cannot be query parameters and are pasted into the statement."""
    letters = re.sub(r"[^A-Za-z]", "", concept_type or "")
    return letters[:1].upper() + letters[1:].lower() if letters else None


def parse_uri(uri: str) -> tuple[str, str | None]:
    """Split a store URI into the driver URI and the database name (query or env)."""
    raw = uri.strip()
    if raw.split(":", 1)[0].lower() in SCHEMES and raw.split(":", 1)[1].strip("/") == "":
        raw = os.environ.get("NEO4J_URI", "")
        if not raw:
            raise StoreError(
                f"{uri!r} names no server; use --store neo4j://HOST:7687 or set NEO4J_URI"
            )
    parts = urlsplit(raw)
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        raise StoreError(
            f"not a Neo4j URI: {parts.scheme}://{parts.hostname or ''}…; "
            f"use one of {', '.join(s + '://HOST:PORT' for s in SCHEMES[:2])} or bolt://HOST:PORT"
        )
    if parts.username or parts.password:
        raise StoreError(
            "credentials in the store URI are not accepted; remove them and set "
            "NEO4J_USERNAME / NEO4J_PASSWORD instead"
        )
    query = parse_qs(parts.query)
    database = (query.get("database") or [""])[0] or os.environ.get("NEO4J_DATABASE") or None
    driver_uri = urlunsplit((parts.scheme.lower(), parts.netloc, "", "", ""))
    return driver_uri, database


def _plain(value: Any) -> Any:
    """Driver values as plain Python: nodes/relationships become property dicts."""
    from neo4j.graph import Node, Relationship
    from neo4j.graph import Path as GraphPath

    if isinstance(value, Node | Relationship):
        return {key: _plain(val) for key, val in value.items()}
    if isinstance(value, GraphPath):
        return [_plain(node) for node in value.nodes]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {key: _plain(val) for key, val in value.items()}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


def _paper_row(graph: PaperGraph) -> dict[str, Any]:
    paper = graph.paper
    authors = [
        {"id": author.id, "name": author.name, "key": author.key, "position": position}
        for position, author in enumerate(paper.authors, start=1)
    ]
    links: dict[str, ConceptLink] = {}
    for link in graph.concepts:
        links.setdefault(link.id, link)
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
        "sources": list(dict.fromkeys(paper.sources)),
        "authors": authors,
        "cites": [ref for ref in dict.fromkeys(paper.references) if ref],
        "mentions": [_mention_row(link) for link in links.values()],
    }


def _mention_row(link: ConceptLink) -> dict[str, Any]:
    return {
        "id": link.id,
        "name": link.name,
        "type": link.type,
        "source": link.source,
        "label": type_label(link.type),
        "role": "proposed" if link.proposed else "used",
        "confidence": float(link.confidence),
        "texts": [m.text for m in link.mentions],
        "fields": [m.field for m in link.mentions],
        "starts": [m.start for m in link.mentions],
        "ends": [m.end for m in link.mentions],
        "sentences": [m.sentence for m in link.mentions],
    }


_UPSERT_PAPERS = """
UNWIND $rows AS row
MERGE (p:Paper {id: row.id})
SET p += row.props,
    p.sources = reduce(acc = coalesce(p.sources, []), s IN row.sources |
                       CASE WHEN s IN acc THEN acc ELSE acc + s END)
"""
# A record without authors keeps the paper's authorship (as the RDF stores do).
_REPLACE_AUTHORS = """
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
_ADD_CITES = """
UNWIND $rows AS row
MATCH (p:Paper {id: row.id})
UNWIND row.cites AS ref
MERGE (q:Paper {id: ref})
MERGE (p)-[:CITES]->(q)
"""
_DELETE_MENTIONS = """
UNWIND $rows AS row
MATCH (p:Paper {id: row.id})-[m:MENTIONS]->(:Concept)
WITH collect(m) AS olds
FOREACH (old IN olds | DELETE old)
"""
# Concepts first seen in a paper (coined, or vocabulary not written yet): fill only what
# is missing, the vocabulary (write_concepts) is authoritative for name/type. {labels} is
# ":Concept" plus the type label: created with all labels at once, because ArcadeDB cannot
# relabel a node inside the transaction that created it.
_MERGE_LINKED_CONCEPTS = """
UNWIND $rows AS row
MERGE (c{labels} {{id: row.id}})
SET c.name = coalesce(c.name, row.name), c.type = coalesce(c.type, row.type),
    c.source = coalesce(c.source, row.source)
"""
_MERGE_MENTIONS = """
UNWIND $rows AS row
MATCH (p:Paper {id: row.id})
UNWIND row.mentions AS m
MATCH (c:Concept {id: m.id})
MERGE (p)-[r:MENTIONS]->(c)
SET r.role = m.role, r.confidence = m.confidence, r.texts = m.texts, r.fields = m.fields,
    r.starts = m.starts, r.ends = m.ends, r.sentences = m.sentences
"""
_UPSERT_CONCEPTS = """
UNWIND $rows AS row
MERGE (c{labels} {{id: row.id}})
SET c.name = row.name, c.type = row.type, c.source = row.source,
    c.aliases = row.aliases, c.broader_ids = row.broader
"""
_REPLACE_BROADER = """
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
_LINK_PENDING_BROADER = """
UNWIND $ids AS bid
MATCH (b:Concept {id: bid})
MATCH (c:Concept)
WHERE bid IN c.broader_ids AND NOT (c)-[:BROADER]->(b)
MERGE (c)-[:BROADER]->(b)
"""
# A pair with both ends in $ids is taken from its smaller id only: ArcadeDB's DISTINCT kept
# both sightings of such an edge, and deleting it twice failed (RecordNotFoundException).
_DELETE_COOCCURS = """
UNWIND $ids AS cid
MATCH (:Concept {id: cid})-[r:CO_OCCURS]-(other:Concept)
WHERE NOT (other.id IN $ids AND other.id < cid)
WITH collect(r) AS olds
FOREACH (old IN olds | DELETE old)
"""
# Pairs with both ends in $ids are counted from the smaller id only (c1.id < c2.id).
_CREATE_COOCCURS = """
UNWIND $ids AS cid
MATCH (c1:Concept {id: cid})<-[:MENTIONS]-(p:Paper)-[:MENTIONS]->(c2:Concept)
WHERE c1.id <> c2.id AND (c1.id < c2.id OR NOT c2.id IN $ids)
WITH c1, c2, count(DISTINCT p) AS w
WITH CASE WHEN c1.id < c2.id THEN c1 ELSE c2 END AS a,
     CASE WHEN c1.id < c2.id THEN c2 ELSE c1 END AS b, w
MERGE (a)-[r:CO_OCCURS]->(b)
SET r.weight = w
"""
_COUNT_QUERIES = {
    "papers": "MATCH (n:Paper) WHERE n.title IS NOT NULL RETURN count(n) AS n",
    "authors": "MATCH (n:Author) RETURN count(n) AS n",
    # as the RDF stores: concepts some paper mentions, the others apart (kg/stores/base.py)
    "concepts": "MATCH (n:Concept) WHERE EXISTS { (:Paper)-[:MENTIONS]->(n) } "
    "RETURN count(n) AS n",
    "unmentioned_concepts": "MATCH (n:Concept) WHERE NOT EXISTS { (:Paper)-[:MENTIONS]->(n) } "
    "RETURN count(n) AS n",
    "authored_by": "MATCH ()-[r:AUTHORED_BY]->() RETURN count(r) AS n",
    "mentions": "MATCH ()-[r:MENTIONS]->() RETURN count(r) AS n",
    # like the RDF stores: only citations between papers of the corpus (not stubs)
    "cites": "MATCH (:Paper)-[r:CITES]->(q:Paper) WHERE q.title IS NOT NULL RETURN count(r) AS n",
    "broader": "MATCH (c:Concept)-[r:BROADER]->(b:Concept) WHERE EXISTS "
    "{ (:Paper)-[:MENTIONS]->(c) } AND EXISTS { (:Paper)-[:MENTIONS]->(b) } RETURN count(r) AS n",
    "co_occurs": "MATCH ()-[r:CO_OCCURS]->() RETURN count(r) AS n",
}
assert set(_COUNT_QUERIES) == set(COUNT_KEYS)


def _labels(label: str | None) -> str:
    return f":Concept:`{label}`" if label else ":Concept"


def _by_label(rows: Iterable[dict[str, Any]]) -> dict[str | None, list[dict[str, Any]]]:
    groups: dict[str | None, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["label"], []).append(row)
    return groups


@register_store
class Neo4jStore(GraphStore):
    """A graph in Neo4j (or ArcadeDB over Bolt), written with batched MERGE statements."""

    scheme: ClassVar[str] = "neo4j"
    schemes: ClassVar[tuple[str, ...]] = SCHEMES[1:]
    dialect: ClassVar[str] = "cypher"

    def __init__(self, driver: Any, uri: str, database: str | None) -> None:
        self._driver = driver
        self.uri = uri  # without credentials or query: safe to show
        self.database = database
        self.batch_size = BATCH_SIZE
        self._touched: set[str] = set()  # concepts whose CO_OCCURS may be stale

    @classmethod
    def open(cls, uri: str, mode: OpenMode = "create") -> Neo4jStore:
        try:
            import neo4j
        except ImportError as exc:  # pragma: no cover - a declared dependency
            raise StoreError("the `neo4j` package is missing; pip install neo4j") from exc
        driver_uri, database = parse_uri(uri)
        user = os.environ.get("NEO4J_USERNAME") or "neo4j"
        password = os.environ.get("NEO4J_PASSWORD") or ""
        auth = (user, password) if password else None
        timeout = float(os.environ.get("NEO4J_CONNECT_TIMEOUT", "10"))
        try:
            driver = neo4j.GraphDatabase.driver(
                driver_uri, auth=auth, connection_timeout=timeout, max_transaction_retry_time=5
            )
        except (ValueError, neo4j.exceptions.ConfigurationError) as exc:
            raise StoreError(f"bad Neo4j URI {driver_uri}: {_scrub(str(exc), password)}") from None
        store = cls(driver, driver_uri, database)
        try:
            store._check_connection()
            if mode != "read":  # reading writes nothing, not even the constraints
                store.apply_schema()
        except BaseException:
            driver.close()
            raise
        return store

    # ------------------------------------------------------------------ plumbing

    def _where(self) -> str:
        return f"{self.uri}" + (f" (database {self.database!r})" if self.database else "")

    def _error(self, exc: Exception) -> StoreError:
        """One line naming the server and what to check; never the password."""
        from neo4j import exceptions as nx

        password = os.environ.get("NEO4J_PASSWORD") or ""
        where = self._where()
        if isinstance(exc, nx.AuthError):
            return StoreError(
                f"Neo4j at {where} rejected the credentials; check NEO4J_USERNAME and "
                "NEO4J_PASSWORD"
            )
        closed = isinstance(exc, nx.DriverError) and not isinstance(exc, nx.Neo4jError)
        if closed and "closed" in str(exc).lower():
            return StoreError(
                f"the connection to Neo4j at {where} was closed; open the store again"
            )
        if isinstance(exc, nx.ServiceUnavailable | nx.SessionExpired | OSError):
            return StoreError(
                f"cannot reach Neo4j at {where}; check that the server is running and the "
                "host/port in --store or NEO4J_URI"
            )
        message = getattr(exc, "message", None) or str(exc)
        code = getattr(exc, "code", "") or ""
        if "DatabaseNotFound" in code or "does not exist" in message:
            return StoreError(
                f"Neo4j at {self.uri} has no database {self.database!r}; create it or fix "
                "?database= / NEO4J_DATABASE"
            )
        first = _scrub(" ".join(message.split()), password)
        return StoreError(f"Neo4j at {where}: {first}")

    def _check_connection(self) -> None:
        try:
            with self._driver.session(database=self.database) as session:
                session.run("RETURN 1").consume()
        except Exception as exc:
            raise self._error(exc) from None

    def apply_schema(self) -> None:
        """Create the constraints and indexes of schema/neo4j.cypher (idempotent)."""
        for statement in schema_statements():
            self._run_auto(statement)

    def _run_auto(self, text: str, **params: Any) -> None:
        try:
            with self._driver.session(database=self.database) as session:
                session.run(text, params).consume()
        except Exception as exc:
            raise self._error(exc) from None

    def _write(self, statements: list[tuple[str, dict[str, Any]]]) -> None:
        """Run statements in one explicit write transaction (all or nothing)."""

        def work(tx: Any) -> None:
            for text, params in statements:
                tx.run(text, params).consume()

        try:
            with self._driver.session(database=self.database) as session:
                session.execute_write(work)
        except Exception as exc:
            raise self._error(exc) from None

    def _read(self, text: str, params: dict[str, Any] | None = None) -> QueryResult:
        import neo4j

        try:
            with self._driver.session(
                database=self.database, default_access_mode=neo4j.READ_ACCESS
            ) as session:
                result = session.run(text, params or {})
                columns = list(result.keys())
                rows = [[_plain(value) for value in record.values()] for record in result]
        except Exception as exc:
            raise self._error(exc) from None
        return QueryResult(columns, rows)

    # ------------------------------------------------------------------ writes

    def write_concepts(self, concepts: Iterable[ConceptInfo]) -> WriteStats:
        rows: dict[str, dict[str, Any]] = {}
        for info in concepts:
            rows[info.id] = {
                "id": info.id,
                "name": info.name,
                "type": info.type,
                "source": info.source,
                "label": type_label(info.type),
                "aliases": list(dict.fromkeys(info.aliases)),
                "broader": [b for b in dict.fromkeys(info.broader) if b != info.id],
            }
        all_rows = list(rows.values())
        before = self.counts()
        for chunk in _chunks(all_rows, self.batch_size):
            self._relabel(chunk)
            self._write(
                [
                    (_UPSERT_CONCEPTS.format(labels=_labels(label)), {"rows": group})
                    for label, group in _by_label(chunk).items()
                ]
            )
        for chunk in _chunks(all_rows, self.batch_size):  # all nodes exist now
            ids = [row["id"] for row in chunk]
            self._write(
                [(_REPLACE_BROADER, {"rows": list(chunk)}), (_LINK_PENDING_BROADER, {"ids": ids})]
            )
        return _diff(before, self.counts())

    def write_papers(self, batch: Sequence[PaperGraph]) -> WriteStats:
        rows_by_id: dict[str, dict[str, Any]] = {}
        for graph in batch:
            rows_by_id[graph.paper.id] = _paper_row(graph)  # the last record of an id wins
        rows = list(rows_by_id.values())
        before = self.counts()
        for chunk in _chunks(rows, self.batch_size):
            chunk = list(chunk)
            links = {m["id"]: m for row in chunk for m in row["mentions"]}
            existing = self._concept_labels(list(links))
            new_concepts = [link for cid, link in links.items() if cid not in existing]
            self._touched.update(links)
            self._touched.update(self._mentioned([row["id"] for row in chunk]))
            statements: list[tuple[str, dict[str, Any]]] = [
                (_UPSERT_PAPERS, {"rows": chunk}),
                (_REPLACE_AUTHORS, {"rows": chunk}),
                (_ADD_CITES, {"rows": chunk}),
                (_DELETE_MENTIONS, {"rows": chunk}),
            ]
            statements += [
                (_MERGE_LINKED_CONCEPTS.format(labels=_labels(label)), {"rows": group})
                for label, group in _by_label(new_concepts).items()
            ]
            statements.append((_MERGE_MENTIONS, {"rows": chunk}))
            self._write(statements)
        return _diff(before, self.counts())

    def _mentioned(self, paper_ids: list[str]) -> set[str]:
        """Concepts the papers mention now: a re-write may drop them, so their
        co-occurrence must be refreshed too."""
        found = self._read(
            "UNWIND $ids AS pid MATCH (:Paper {id: pid})-[:MENTIONS]->(c:Concept) "
            "RETURN DISTINCT c.id",
            {"ids": paper_ids},
        )
        return {row[0] for row in found.rows}

    def _concept_labels(self, ids: list[str]) -> dict[str, set[str]]:
        """The labels of those of ``ids`` already in the store."""
        if not ids:
            return {}
        found = self._read(
            "UNWIND $ids AS cid MATCH (c:Concept {id: cid}) RETURN c.id, labels(c)", {"ids": ids}
        )
        return {row[0]: set(row[1]) for row in found.rows}

    def _relabel(self, rows: Sequence[dict[str, Any]]) -> None:
        """Move existing concepts whose type changed to their new type label, each in its
        own auto-commit statement: ArcadeDB rejects relabelling inside a larger transaction."""
        existing = self._concept_labels([row["id"] for row in rows])
        known = set(TYPE_LABELS) | {row["label"] for row in rows if row["label"]}
        for row in rows:
            labels = existing.get(row["id"])
            if labels is None:
                continue
            wrong = sorted((labels & known) - {row["label"]})
            if not wrong and (row["label"] is None or row["label"] in labels):
                continue
            clause = (" REMOVE c:" + ":".join(f"`{w}`" for w in wrong)) if wrong else ""
            if row["label"]:
                clause += f" SET c:`{row['label']}`"
            self._run_auto(f"MATCH (c:Concept {{id: $id}}){clause}", id=row["id"])

    def update_cooccurrence(self, concept_ids: Iterable[str] | None = None) -> None:
        if concept_ids is None:
            ids = [row[0] for row in self._read("MATCH (c:Concept) RETURN c.id").rows]
        else:
            ids = list(self._touched | set(concept_ids))
        self._touched.clear()
        ids.sort()
        size = max(1, self.batch_size // 5)  # a concept's pairs can be many rows
        for chunk in _chunks(ids, size):
            self._write([(_DELETE_COOCCURS, {"ids": list(chunk)})])
        for chunk in _chunks(ids, size):
            self._write([(_CREATE_COOCCURS, {"ids": list(chunk)})])

    # ------------------------------------------------------------------ reads

    def counts(self) -> dict[str, int]:
        return {key: int(self._read(text).rows[0][0]) for key, text in _COUNT_QUERIES.items()}

    def query(
        self,
        text: str,
        params: dict[str, Any] | None = None,
        write: bool = False,
        allow_remote: bool = False,
    ) -> QueryResult:
        clause = None if write else write_clause(text)
        if clause:
            raise ReadOnlyError(
                f"the query contains {clause}, which changes the graph; pass --write "
                "(write=True) if you mean it"
            )
        remote = None if allow_remote else remote_clause(text)
        if remote:
            raise RemoteAccessError(
                f"the query uses {remote}, which reaches outside the database and is "
                "refused: queries stay local"
            )
        if not write:
            return self._read(text, params)
        try:
            with self._driver.session(database=self.database) as session:
                result = session.run(text, params or {})
                columns = list(result.keys())
                rows = [[_plain(value) for value in record.values()] for record in result]
        except Exception as exc:
            raise self._error(exc) from None
        return QueryResult(columns, rows)

    def clear(self) -> None:
        """Delete every node and edge (tests, `kg build --fresh`); batched to bound memory."""
        while True:
            result = self.query(
                "MATCH (n) WITH n LIMIT 5000 DETACH DELETE n RETURN count(*) AS n", write=True
            )
            if not result.rows or not result.rows[0][0]:
                return

    def close(self) -> None:
        self._driver.close()


def schema_statements(path: Path = SCHEMA_FILE) -> list[str]:
    """The statements of schema/neo4j.cypher (comments dropped, split on ';')."""
    text = "\n".join(
        line for line in path.read_text("utf-8").splitlines() if not line.lstrip().startswith("//")
    )
    return [part.strip() for part in text.split(";") if part.strip()]


def _diff(before: dict[str, int], after: dict[str, int]) -> WriteStats:
    return WriteStats({key: max(0, after[key] - before[key]) for key in COUNT_KEYS})


def _scrub(text: str, secret: str) -> str:
    return text.replace(secret, "***") if secret else text
