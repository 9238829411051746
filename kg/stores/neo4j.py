"""Neo4j backend (also any Neo4j-5-compatible Bolt server, e.g. ArcadeDB).

URI: ``neo4j://host:7687``, ``bolt://…``, ``neo4j+s://…`` (TLS) …, optionally with
``?database=NAME``; a bare ``neo4j:`` uses ``NEO4J_URI``. Credentials come only from
``NEO4J_USERNAME`` / ``NEO4J_PASSWORD`` (never from the URI, never printed); the database
from the URI or ``NEO4J_DATABASE`` (else the server default).

The graph model, its rows and write statements are kg/mapping/neo4j.py's; schema/neo4j.cypher
holds the constraints, applied on open. Cited papers outside the corpus are stub
``(:Paper {id})`` nodes, so ``counts()["papers"]`` counts only papers with a title.

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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, ClassVar, TypeVar
from urllib.parse import parse_qs, urlsplit, urlunsplit

from kg.mapping import neo4j as mapping
from kg.model import CONCEPT_TYPES, ConceptInfo, PaperGraph
from kg.stores.base import (
    COUNT_KEYS,
    GraphStore,
    OpenMode,
    QueryResult,
    StoreError,
    WriteStats,
)

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


class Neo4jStore(GraphStore):
    """A graph in Neo4j (or ArcadeDB over Bolt), written with batched MERGE statements."""

    dialect: ClassVar[str] = "cypher"
    read_only_message = ("the query contains {writes}, which changes the graph; pass --write "
                         "(write=True) if you mean it")
    remote_message = ("the query uses {remote}, which reaches outside the database and is "
                      "refused: queries stay local")

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
        for statement in mapping.schema_statements():
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

        return self._run(text, params, neo4j.READ_ACCESS)

    def _run(self, text: str, params: dict[str, Any] | None, access_mode: str) -> QueryResult:
        """One statement in its own session: READ_ACCESS refuses writes server-side."""
        try:
            with self._driver.session(
                database=self.database, default_access_mode=access_mode
            ) as session:
                result = session.run(text, params or {})
                columns = list(result.keys())
                rows = [[_plain(value) for value in record.values()] for record in result]
        except Exception as exc:
            raise self._error(exc) from None
        return QueryResult(columns, rows)

    # ------------------------------------------------------------------ writes

    def write_concepts(self, concepts: Iterable[ConceptInfo]) -> WriteStats:
        rows = {info.id: mapping.concept_row(info) for info in concepts}
        all_rows = list(rows.values())
        added = 0
        for chunk in _chunks(all_rows, self.batch_size):
            existing = self._concept_labels([row["id"] for row in chunk])
            added += len(chunk) - len(existing)
            self._relabel(chunk, existing)
            self._write(
                [
                    (mapping.UPSERT_CONCEPTS.format(labels=mapping.labels(label)), {"rows": group})
                    for label, group in mapping.by_label(chunk).items()
                ]
            )
        for chunk in _chunks(all_rows, self.batch_size):  # all nodes exist now
            ids = [row["id"] for row in chunk]
            self._write(
                [(mapping.REPLACE_BROADER, {"rows": list(chunk)}),
                 (mapping.LINK_PENDING_BROADER, {"ids": ids})]
            )
        return WriteStats({"concepts": added})

    def write_papers(self, batch: Sequence[PaperGraph]) -> WriteStats:
        rows_by_id: dict[str, dict[str, Any]] = {}
        for graph in batch:
            rows_by_id[graph.paper.id] = mapping.paper_row(graph)  # the last record of an id wins
        rows = list(rows_by_id.values())
        added = 0
        for chunk in _chunks(rows, self.batch_size):
            chunk = list(chunk)
            links = {m["id"]: m for row in chunk for m in row["mentions"]}
            existing = self._concept_labels(list(links))
            new_concepts = [link for cid, link in links.items() if cid not in existing]
            stored, mentioned = self._stored_papers([row["id"] for row in chunk])
            added += sum(1 for row in chunk
                         if row["id"] not in stored and row["props"].get("title") is not None)
            self._touched.update(links)
            self._touched.update(mentioned)
            statements: list[tuple[str, dict[str, Any]]] = [
                (mapping.UPSERT_PAPERS, {"rows": chunk}),
                (mapping.REPLACE_AUTHORS, {"rows": chunk}),
                (mapping.ADD_CITES, {"rows": chunk}),
                (mapping.DELETE_MENTIONS, {"rows": chunk}),
            ]
            statements += [
                (mapping.MERGE_LINKED_CONCEPTS.format(labels=mapping.labels(label)),
                 {"rows": group})
                for label, group in mapping.by_label(new_concepts).items()
            ]
            statements.append((mapping.MERGE_MENTIONS, {"rows": chunk}))
            if stored:  # authors only the rewritten papers had go with them
                before = self._read(mapping.AUTHORS_OF_PAPERS, {"ids": sorted(stored)}).rows
                statements.append((mapping.DELETE_ORPHAN_AUTHORS,
                                   {"ids": [row[0] for row in before]}))
            self._write(statements)
        return WriteStats({"papers": added})

    def redirect_citations(self, renamed: Mapping[str, str]) -> None:
        self._repoint(renamed, mapping.REDIRECT_CITATIONS, mapping.DELETE_BARE_PAPERS)

    def move_authorships(self, renamed: Mapping[str, str]) -> None:
        self._repoint(renamed, mapping.MOVE_AUTHORSHIPS, mapping.DELETE_ORPHAN_AUTHORS)

    def _repoint(self, renamed: Mapping[str, str], move: str, cleanup: str) -> None:
        """Move edges from the nodes ``renamed`` names (keys) to others (values) with the
        statement ``move``, then remove the old nodes left alone with ``cleanup``."""
        rows = [{"old": old, "new": new} for old, new in renamed.items() if old != new]
        if rows:
            self._write([(move, {"rows": rows}), (cleanup, {"ids": [r["old"] for r in rows]})])

    def delete_papers(self, paper_ids: Sequence[str]) -> None:
        ids = list(paper_ids)
        _, mentioned = self._stored_papers(ids)
        self._touched.update(mentioned)  # their figures follow at the next refresh
        authors = [row[0] for row in self._read(mapping.AUTHORS_OF_PAPERS, {"ids": ids}).rows]
        self._write([
            ("UNWIND $ids AS id MATCH (:Paper {id: id})-[r]->() DELETE r", {"ids": ids}),
            ("UNWIND $ids AS id MATCH (p:Paper {id: id}) WHERE NOT EXISTS { ()-[:CITES]->(p) } "
             "DETACH DELETE p", {"ids": ids}),
            ("UNWIND $ids AS id MATCH (p:Paper {id: id}) SET p = {id: id}", {"ids": ids}),
            (mapping.DELETE_ORPHAN_AUTHORS, {"ids": authors}),
        ])

    def write_setting(self, name: str, value: str | None) -> None:
        if value is None:
            self._write([("MATCH (s:StoreSetting {id: $name}) DELETE s", {"name": name})])
        else:
            self._write([("MERGE (s:StoreSetting {id: $name}) SET s.value = $value",
                          {"name": name, "value": value})])

    def _stored_papers(self, paper_ids: list[str]) -> tuple[set[str], set[str]]:
        """Of ``paper_ids``, those stored as papers (with a title, as counts() counts them),
        and the concepts they mention now: a re-write may drop those, so their derived
        figures must be refreshed too. One lookup by id, where counting the whole graph
        before and after each write cost 16 scans."""
        found = self._read(
            "UNWIND $ids AS pid MATCH (p:Paper {id: pid}) "
            "OPTIONAL MATCH (p)-[:MENTIONS]->(c:Concept) "
            "RETURN p.id, p.title IS NOT NULL, collect(DISTINCT c.id)",
            {"ids": paper_ids},
        )
        stored = {row[0] for row in found.rows if row[1]}
        return stored, {cid for row in found.rows for cid in row[2]}

    def _concept_labels(self, ids: list[str]) -> dict[str, set[str]]:
        """The labels of those of ``ids`` already in the store."""
        if not ids:
            return {}
        found = self._read(
            "UNWIND $ids AS cid MATCH (c:Concept {id: cid}) RETURN c.id, labels(c)", {"ids": ids}
        )
        return {row[0]: set(row[1]) for row in found.rows}

    def _relabel(self, rows: Sequence[dict[str, Any]], existing: dict[str, set[str]]) -> None:
        """Move existing concepts (``existing``: their labels) whose type changed to their new
        type label, each in its own auto-commit statement: ArcadeDB rejects relabelling
        inside a larger transaction."""
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

    def refresh_derived(self, concept_ids: Iterable[str] | None = None) -> None:
        """CO_OCCURS of ``concept_ids`` and of the concepts this store's writes touched
        since the last refresh (all concepts for None), recounted in Cypher; the other
        figures are counted by the queries on the fly (kg/queries/cypher)."""
        if concept_ids is None:
            ids = [row[0] for row in self._read("MATCH (c:Concept) RETURN c.id").rows]
        else:
            ids = list(self._touched | set(concept_ids))
        self._touched.clear()
        ids.sort()
        size = max(1, self.batch_size // 5)  # a concept's pairs can be many rows
        for chunk in _chunks(ids, size):
            self._write([(mapping.DELETE_COOCCURS, {"ids": list(chunk)})])
        for chunk in _chunks(ids, size):
            self._write([(mapping.CREATE_COOCCURS, {"ids": list(chunk)})])

    # ------------------------------------------------------------------ reads

    def counts(self) -> dict[str, int]:
        return {key: int(self._read(text).rows[0][0]) for key, text in _COUNT_QUERIES.items()}

    def _query_shape(
        self, text: str, params: dict[str, Any] | None, write: bool, allow_remote: bool
    ) -> tuple[str | None, str | None]:
        return (None if write else write_clause(text),
                None if allow_remote else remote_clause(text))

    def _execute(
        self, text: str, params: dict[str, Any] | None, write: bool, writes: str | None
    ) -> QueryResult:
        if not write:
            return self._read(text, params)
        import neo4j

        return self._run(text, params, neo4j.WRITE_ACCESS)

    def clear(self) -> None:
        """Delete every node and edge; batched to bound memory."""
        while True:
            result = self.query(
                "MATCH (n) WITH n LIMIT 5000 DETACH DELETE n RETURN count(*) AS n", write=True
            )
            if not result.rows or not result.rows[0][0]:
                self._touched.clear()
                return

    def close(self) -> None:
        self._driver.close()


def _scrub(text: str, secret: str) -> str:
    return text.replace(secret, "***") if secret else text
