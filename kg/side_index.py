"""The side index of an embedded store: SQLite (standard library) in a file beside it
(INDEX_FILE in an Oxigraph directory, ``FILE.search.sqlite`` beside an rdflib file, in
memory for an in-memory store), for what a graph store cannot answer quickly at 100k papers:

- full-text search (FTS5) over paper titles and abstracts, concept names and aliases and
  author names, ranked by BM25, accent- and case-folded (kg.normalize.fold), the last word a
  prefix (type-ahead);
- a concept's newest papers: its MENTIONS ordered as papers-by-concept orders them (year
  descending, paper id), so the first page of "the papers about X" reads a few rows per
  concept instead of sorting every mention.

The index only finds candidates: the store gives the rows (labels, kinds, whether a concept
is mentioned; titles, years, roles), so an entry the index still holds for a node the store
no longer has shows nothing. It is kept in step by the store's own writes (``add_papers``,
``add_concepts``, ``clear``); anything that writes around them (an update with
``kg query --write``, a bulk load) marks it incomplete, and an incomplete index is never used
(the store's own queries answer; a search says so) until the end of the next build or
``kg refresh`` rebuilds it from the store. A store opened read-only opens its index
read-only, or not at all when there is none: nothing is created.
"""

from __future__ import annotations

import heapq
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from more_itertools import chunked

from kg.model import ConceptInfo, PaperGraph
from kg.normalize import fold

INDEX_FILE = "paper-kg-search.sqlite"  # in an Oxigraph store directory
SIDE_SUFFIX = ".search.sqlite"  # beside an rdflib store file
VERSION = "4"  # of the index's tables: another version is rebuilt
# BM25 weights of the columns name (title, concept name, author name) and alias
NAME_WEIGHTS = (2.0, 1.0)
# letters and digits of every script (the fold leaves Latin text in ASCII): a search for
# 'Обучение' or '深度学习' has words, as the FTS5 tokenizer (unicode61) has tokens for them
_WORD = re.compile(r"[^\W_]+")
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # one row per node: which kind, whether a paper mentions it (concepts), a digest of the
    # indexed text (an unchanged node is not rewritten: authors come with every paper), and
    # its name and aliases as word keys ("|glimmer|glimmer net|"): a name typed whole first
    "CREATE TABLE IF NOT EXISTS node(rowid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, "
    "kind TEXT NOT NULL, label TEXT NOT NULL, mentioned INTEGER NOT NULL DEFAULT 0, "
    "digest TEXT NOT NULL DEFAULT '', keys TEXT NOT NULL DEFAULT '')",
    # names and abstracts apart, so that each has its own word statistics (BM25's IDF: a
    # word in most abstracts still tells names apart) and names are searched alone first;
    # detail=column: no phrase queries (not used), a third of the size
    "CREATE VIRTUAL TABLE IF NOT EXISTS names USING fts5(name, alias, "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3', detail=column)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS bodies USING fts5(body, "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3', detail=column)",
    # a paper's year as stored (-1: none; a record without a year keeps the stored one)
    "CREATE TABLE IF NOT EXISTS paper(id TEXT PRIMARY KEY, year INTEGER NOT NULL) "
    "WITHOUT ROWID",
    # one row per (concept, paper) MENTIONS, in papers-by-concept's order per concept
    "CREATE TABLE IF NOT EXISTS mention(concept TEXT NOT NULL, year INTEGER NOT NULL, "
    "paper TEXT NOT NULL, PRIMARY KEY (concept, year DESC, paper)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS mention_of_paper ON mention(paper)",
)
_TABLES = ("node", "names", "bodies", "paper", "mention")


@dataclass(frozen=True)
class Entry:
    """One node as the index holds it (texts as stored, folded when indexed)."""

    kind: str  # "paper" | "concept" | "author"
    id: str
    name: str
    alias: str = ""
    body: str = ""
    mentioned: bool = False


def words_key(text: str) -> str:
    """The folded words of a text, one space apart ('Łukasz  KAI-ser' -> 'lukasz kai ser')."""
    return " ".join(_WORD.findall(fold(text)))


def _name_keys(entry: Entry) -> str:
    """The ``keys`` column of a node: its name's and aliases' word keys, '|' around each."""
    names = [entry.name, *entry.alias.split(" | ")]
    return "|" + "|".join(words_key(n) for n in names if n) + "|"


def match_expression(text: str) -> str | None:
    """The FTS5 query of a search text: its folded words, all required, the last one a
    prefix ('Łukasz Kai' -> '"lukasz" "kai"*'); None when it has no word."""
    words = words_key(text).split()
    if not words:
        return None
    return " ".join(f'"{w}"' for w in words) + "*"


def side_path(store_path: Path, directory: bool) -> Path:
    """Where the index of an embedded store lives."""
    return store_path / INDEX_FILE if directory else \
        store_path.with_name(store_path.name + SIDE_SUFFIX)


class SideIndex:
    """The SQLite FTS5 index of one store (see the module's docstring)."""

    def __init__(self, connection: sqlite3.Connection, writable: bool) -> None:
        self.db = connection
        self.writable = writable
        # the app's sessions share one open store: one reader of the connection at a time
        self._lock = threading.Lock()
        self._dirty = False  # a transaction is open
        self._resume = False  # whether ``commit`` marks the index complete again

    @classmethod
    def open(cls, path: Path | None, writable: bool, empty_store: bool) -> SideIndex | None:
        """The index at ``path`` (None: in memory). Read-only: None when there is no file
        (nothing is created). Writable: a new file is made, complete only if the store is
        empty (else the next build's end or ``kg refresh`` fills it)."""
        if path is not None and not writable:
            if not path.is_file():
                return None
            try:  # mode=ro: never a journal or any other file
                db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
                index = cls(db, writable=False)
                return index if index._meta("version") == VERSION else None
            except sqlite3.Error:
                return None
        existed = path is not None and path.is_file()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False,
                             isolation_level=None)
        db.execute("PRAGMA journal_mode=DELETE")  # no -wal/-shm files beside the store
        db.execute("PRAGMA synchronous=NORMAL")
        index = cls(db, writable=True)
        if existed and index._meta("version") != VERSION:
            db.executescript("".join(f"DROP TABLE IF EXISTS {t};" for t in (*_TABLES, "meta")))
            existed = False
        for statement in _SCHEMA:
            db.execute(statement)
        if not existed:
            index._set_meta("version", VERSION)
            index._set_meta("complete", "1" if empty_store else "0")
        return index

    # --- state ---------------------------------------------------------------------------

    def _meta(self, key: str) -> str | None:
        try:
            with self._lock:
                row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    @property
    def complete(self) -> bool:
        """Whether the index holds every node of the store (queries may use it): as stored
        for readers, and for the writing process its own state (its writes are in step)."""
        if self._dirty:
            return self._resume
        return self._meta("complete") == "1"

    def mark_incomplete(self) -> None:
        """The store was changed around the index: searches fall back until a rebuild."""
        self._resume = False
        if self.complete:
            self._set_meta("complete", "0")

    def _begin(self) -> None:
        """Open the transaction of a run of writes. A complete index is marked incomplete
        first, durably, and complete again by ``commit``: a run that dies before (its store
        changed, the index not) leaves it marked, and the next build or refresh rebuilds it."""
        if self._dirty:
            return
        self._resume = self.complete
        if self._resume:
            self._set_meta("complete", "0")
        self.db.execute("BEGIN")
        self._dirty = True

    def commit(self) -> None:
        """Make the writes since ``_begin`` durable: call it when the store's are."""
        if not self._dirty:
            return
        if self._resume:
            self._set_meta("complete", "1")
        self.db.commit()  # ends the transaction ``_begin`` opened
        self._dirty = False

    def close(self) -> None:
        if self.writable:
            self.commit()
        self.db.close()

    # --- writes --------------------------------------------------------------------------

    def add_papers(self, batch: Sequence[PaperGraph]) -> None:
        """Index what ``GraphStore.write_papers`` wrote: the papers, their authors, the
        concepts they mention (marked mentioned; names of new ones as the papers give them)
        and their MENTIONS, which replace the papers' earlier ones."""
        entries: list[Entry] = []
        for item in batch:
            paper = item.paper
            entries.append(Entry("paper", paper.id, paper.title or "", "", paper.abstract or ""))
            entries += [Entry("author", a.id, a.name) for a in paper.authors if a.name]
        self._upsert(entries)
        links = {link.id: link for item in batch for link in item.concepts}
        self._upsert([Entry("concept", c, link.name, mentioned=True)
                      for c, link in links.items()], keep_existing=True)
        latest = {item.paper.id: item for item in batch}
        years = self._years(list(latest))
        rows: list[tuple[str, int, str]] = []
        for paper_id, item in latest.items():
            year = item.paper.year if item.paper.year is not None else years.get(paper_id, -1)
            rows += [(concept, year, paper_id) for concept in {c.id for c in item.concepts}]
            self.db.execute("INSERT OR REPLACE INTO paper(id, year) VALUES (?, ?)",
                            (paper_id, year))
            if paper_id in years:  # indexed before: its earlier mentions go
                self.db.execute("DELETE FROM mention WHERE paper = ?", (paper_id,))
        rows.sort(key=lambda row: (row[0], -row[1], row[2]))  # the key's order: fewer pages
        self.db.executemany("INSERT OR IGNORE INTO mention(concept, year, paper) "
                            "VALUES (?, ?, ?)", rows)

    def _years(self, papers: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for start in range(0, len(papers), 500):
            chunk = papers[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(self.db.execute(
                f"SELECT id, year FROM paper WHERE id IN ({marks})", chunk).fetchall())
        return found

    def add_concepts(self, concepts: Iterable[ConceptInfo]) -> None:
        """Index what ``GraphStore.write_concepts`` wrote (names and aliases replace the
        indexed ones; whether a paper mentions it stays)."""
        self._upsert([Entry("concept", c.id, c.name, " | ".join(c.aliases))
                      for c in concepts])

    def clear(self) -> None:
        """The store was emptied: so is the index (and it is complete)."""
        self._begin()
        for table in _TABLES:
            self.db.execute(f"DELETE FROM {table}")
        self._resume = True

    def rebuild(self, entries: Iterable[Entry],
                mentions: Iterable[tuple[str, str, int | None]]) -> int:
        """Replace the whole index by ``entries`` and ``mentions`` ((paper, concept, year)
        rows), read from the store, and mark it complete; returns how many nodes it holds."""
        self._begin()
        for table in _TABLES:
            self.db.execute(f"DELETE FROM {table}")
        count = 0
        for chunk in chunked(entries, 5000):
            self._upsert(chunk)
            count += len(chunk)
        rows = ((concept, -1 if year is None else year, paper)
                for paper, concept, year in mentions)
        for chunk in chunked(rows, 10_000):
            self.db.executemany("INSERT OR IGNORE INTO mention(concept, year, paper) "
                                "VALUES (?, ?, ?)", chunk)
            self.db.executemany("INSERT OR REPLACE INTO paper(id, year) VALUES (?, ?)",
                                [(paper, year) for _, year, paper in chunk])
        for table in ("names", "bodies"):
            self.db.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
        self._resume = True
        self.commit()
        return count

    def _upsert(self, entries: Sequence[Entry], keep_existing: bool = False) -> None:
        """Insert or replace nodes (the last entry of an id wins); with ``keep_existing``,
        nodes already indexed keep their text and only gain ``mentioned``."""
        if not entries:
            return
        self._begin()
        latest = {e.id: e for e in entries}
        ids = list(latest)
        stored: dict[str, tuple[int, str, int]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            stored.update((row[0], row[1:]) for row in self.db.execute(
                f"SELECT id, rowid, digest, mentioned FROM node WHERE id IN ({marks})", chunk))
        for entry in latest.values():
            digest = f"{entry.kind}\x1f{entry.name}\x1f{entry.alias}\x1f{entry.body}"
            mentioned = int(entry.mentioned)
            old = stored.get(entry.id)
            if old is not None:
                rowid, old_digest, was_mentioned = old
                if mentioned and not was_mentioned:
                    self.db.execute("UPDATE node SET mentioned = 1 WHERE rowid = ?", (rowid,))
                if keep_existing or old_digest == digest:
                    continue  # (authors come again with every paper: most end here)
                self.db.execute("DELETE FROM names WHERE rowid = ?", (rowid,))
                self.db.execute("DELETE FROM bodies WHERE rowid = ?", (rowid,))
                self.db.execute("UPDATE node SET kind = ?, label = ?, digest = ?, keys = ? "
                                "WHERE rowid = ?",
                                (entry.kind, entry.name, digest, _name_keys(entry), rowid))
            else:
                rowid = self.db.execute(
                    "INSERT INTO node(id, kind, label, mentioned, digest, keys) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (entry.id, entry.kind, entry.name, mentioned, digest,
                     _name_keys(entry))).lastrowid
            self.db.execute("INSERT INTO names(rowid, name, alias) VALUES (?, ?, ?)",
                            (rowid, fold(entry.name), fold(entry.alias)))
            if entry.body:
                self.db.execute("INSERT INTO bodies(rowid, body) VALUES (?, ?)",
                                (rowid, fold(entry.body)))

    # --- search --------------------------------------------------------------------------

    def search(self, text: str, limit: int, vocabulary: bool = False) -> list[str]:
        """The ids of the best ``limit`` nodes for ``text``: matches in a name or alias first
        (a name or alias that is the text itself, then by BM25: a short name holding every
        word beats a long title), then the nodes whose abstract holds the words (BM25); ties
        by kind, shorter label, label, id. Concepts no paper mentions only with
        ``vocabulary``."""
        expression = match_expression(text)
        if expression is None or limit <= 0:
            return []
        whole = f"|{words_key(text)}|"
        with self._lock:
            found = self._ranked("names", expression, whole, limit, vocabulary)
            if len(found) < limit:
                seen = set(found)
                found += [i for i in self._ranked("bodies", expression, whole,
                                                  limit + len(found), vocabulary)
                          if i not in seen]
        return found[:limit]

    def papers_titled(self, title: str) -> list[str]:
        """The papers whose title has the same folded words as ``title`` ('BERT: Deep…' =
        'Bert - deep…'): how a build finds the stored paper a record with another spelling
        of its title belongs to, where the store compares titles exactly."""
        words = words_key(title).split()
        if not words:
            return []
        expression = " ".join(f'"{w}"' for w in words)
        with self._lock:
            rows = self.db.execute(
                "SELECT node.id FROM names JOIN node ON node.rowid = names.rowid "
                "WHERE names MATCH ? AND node.kind = 'paper' AND instr(node.keys, ?) = 1 "
                "ORDER BY node.id", (f"name : {expression}", f"|{' '.join(words)}|"))
            return [paper for (paper,) in rows]

    def newest_papers(self, concepts: Sequence[str], rows: int) -> list[str]:
        """The papers of the first ``rows`` (paper, concept) MENTIONS of ``concepts`` in
        papers-by-concept's order (year descending, papers without one last, then paper id,
        concept id): each concept's rows come in that order from the table's key, merged
        lazily, so a page reads about ``rows`` + one row per concept."""
        def of(concept: str) -> Iterator[tuple[int, str, str]]:
            cursor = self.db.execute(
                "SELECT year, paper FROM mention WHERE concept = ? ORDER BY year DESC, paper",
                (concept,))
            for year, paper in cursor:
                yield -year, paper, concept

        with self._lock:
            merged = heapq.merge(*(of(c) for c in dict.fromkeys(concepts)))
            return list(dict.fromkeys(paper for _, paper, _ in islice(merged, rows)))

    def recent_papers(self, limit: int) -> list[str]:
        """The newest ``limit`` papers with a year, newest first, then by id (the app's
        landing page: a store sorting every paper's id takes ~20 s at 100k papers)."""
        with self._lock:
            return [paper for (paper,) in self.db.execute(
                "SELECT id FROM paper WHERE year >= 0 ORDER BY year DESC, id LIMIT ?", (limit,))]

    def _ranked(self, table: str, expression: str, whole: str, limit: int,
                vocabulary: bool) -> list[str]:
        weights = ", ".join(str(w) for w in NAME_WEIGHTS) if table == "names" else "1.0"
        rows = self.db.execute(
            f"SELECT node.id FROM {table} JOIN node ON node.rowid = {table}.rowid "
            f"WHERE {table} MATCH ? AND (node.kind != 'concept' OR node.mentioned OR ?) "
            f"ORDER BY instr(node.keys, ?) = 0, bm25({table}, {weights}), node.kind, "
            f"length(node.label), node.label, node.id LIMIT ?",
            (expression, int(vocabulary), whole, limit))
        return [node_id for (node_id,) in rows]
