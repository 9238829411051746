"""The store interface: one small class per backend, registered by URI scheme.

A backend is one module in ``kg/stores/`` defining a ``GraphStore`` subclass, plus one row
per URI scheme in kg/plugins.py; ``open_store(uri)`` picks it by the URI's scheme. The CLI,
the build, the app and the exports only ever talk to this interface. The contract, whole:
``open`` (by mode), ``write_concepts`` / ``write_papers`` (idempotent upserts that return
what they added), ``delete_papers`` (papers whose identity a curation decision changed),
``refresh_derived`` (the figures that follow from the mentions), ``finish`` (the end of
a run: kg/pipeline.py), ``write_setting`` / ``setting`` (how the graph was made: the
extractor's settings, kg/extractor_settings.py), ``counts``, ``query`` (read-only unless
asked; named queries are kg/queries' ``run_named``), ``clear``, ``deferred_writes`` and
``close``; an embedded backend may keep a side index (kg/side_index.py: ``side_index``, fed
by its writes, rebuilt from ``side_index_entries`` / ``side_index_mentions``). An RDF
backend gets all but ``open`` and two engine hooks from kg/stores/rdf.py, and writes what
kg/mapping/ maps; kg/stores/rdflib_store.py shows how little a backend needs.

Graph model (see ``schema/README.md``): Paper, Author, Concept nodes; AUTHORED_BY
(position), MENTIONS (role, confidence, evidence), CITES, BROADER, CO_OCCURS (weight).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from kg.model import ConceptInfo, PaperGraph

if TYPE_CHECKING:
    from kg.side_index import Entry, SideIndex


class StoreError(RuntimeError):
    """A store could not be opened or used; the message says what to check (no secrets)."""


class ReadOnlyError(StoreError):
    """A write query was sent without ``write=True``."""


class RemoteAccessError(StoreError):
    """A query would make the store contact another server or read a file (SPARQL SERVICE,
    LOAD, FROM; Cypher LOAD CSV, APOC loaders) and ``allow_remote`` was not given."""


# The curation file kept in an embedded store's directory by default (kg/curation/paths.py).
CURATION_FILE = "curation.csv"
# the file that makes a directory a paper-kg store (kg/stores/oxigraph.py writes it)
STORE_MARKER = "paper-kg-store.json"

# How a store is opened: "read" never writes anything (an embedded store is opened
# read-only and must exist); "write" opens an existing store for changes; "create" also
# makes a new one (kg build).
OpenMode = Literal["read", "write", "create"]


@dataclass
class WriteStats:
    """What a write added, for the build summary (counts of new nodes/edges)."""

    added: dict[str, int] = field(default_factory=dict)

    def add(self, other: WriteStats) -> None:
        for key, value in other.added.items():
            self.added[key] = self.added.get(key, 0) + value


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[list[Any]]
    notes: list[str] = field(default_factory=list)  # for the user (how it was answered)

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=False)) for row in self.rows]


# Keys of GraphStore.counts(), the same on every backend. "concepts" counts the concepts
# some paper mentions, "unmentioned_concepts" the other concept nodes (vocabulary: the
# broader chain of mentioned ones, or all of it with `kg build --with-vocabulary`); "broader"
# counts the BROADER links between mentioned concepts (the links a selection can show).
COUNT_KEYS = (
    "papers",
    "authors",
    "concepts",
    "unmentioned_concepts",
    "authored_by",
    "mentions",
    "cites",
    "broader",
    "co_occurs",
)


class GraphStore(ABC):
    """A graph backend. Writes are idempotent: writing the same paper twice changes nothing;
    writing a paper again replaces its MENTIONS (re-extraction) and merges its fields."""

    dialect: ClassVar[str]  # "sparql" or "cypher": the query language of `query`
    # the index kept beside the store (kg/side_index.py: full text, a concept's newest
    # papers), None when it keeps none; ``side_index_note`` says why searches scan instead
    side_index: SideIndex | None = None
    side_index_note = "this store keeps no full-text index (only embedded stores do)"
    # why `query` refused a write ({writes}: what writes) or a query reaching outside the store
    # ({remote}: what reaches out), in the dialect's words
    read_only_message: ClassVar[str]
    remote_message: ClassVar[str]

    @classmethod
    @abstractmethod
    def open(cls, uri: str, mode: OpenMode = "create") -> GraphStore:
        """Open the store named by ``uri`` (see OpenMode); StoreError when it is unreachable,
        missing for "read"/"write", or not a paper-kg store."""

    @abstractmethod
    def write_concepts(self, concepts: Iterable[ConceptInfo]) -> WriteStats:
        """Upsert concept nodes with aliases and BROADER edges."""

    @abstractmethod
    def write_papers(self, batch: Sequence[PaperGraph]) -> WriteStats:
        """Upsert papers, authors, AUTHORED_BY, CITES; replace each paper's MENTIONS."""

    @abstractmethod
    def delete_papers(self, paper_ids: Sequence[str]) -> None:
        """Remove papers with their authorships, mentions, sources and citations; a paper
        another one cites stays as the bare cited node a build leaves, and authors left
        without a paper go. For identity decisions (kg/curation/identity.py), which rewrite
        the papers afterwards; the caller refreshes the derived figures."""

    @abstractmethod
    def redirect_citations(self, renamed: Mapping[str, str]) -> None:
        """Point stored citations of a bare cited id (a key of ``renamed``: 'arxiv:…',
        'openalex:W…', no stored paper with a title) at the id the paper is stored under
        (its value): a paper cited before it arrived under another id links to it, as in a
        build of every input. A stored paper is never redirected."""

    @abstractmethod
    def move_authorships(self, renamed: Mapping[str, str]) -> None:
        """Give the authorships of each author id (keys: a name id, 'name:…') to the id the
        person now has (values: an ORCID or source id, written with the paper that brought
        it), and remove the old author node: one person, as in a build of every input."""

    @abstractmethod
    def refresh_derived(self, concept_ids: Iterable[str] | None = None) -> None:
        """Bring what is derived from the MENTIONS (kg/derived.py: CO_OCCURS weights; in RDF
        also papers per concept and year, and the rankings) in line with them, for the
        concepts ``concept_ids`` and for every concept whose mentions this store's
        ``write_papers`` changed since the last refresh; None: the whole graph. A backend
        may refresh more than asked, never less (the RDF stores update the figures a small
        addition moves, kg/stores/rdf_delta.py, and otherwise recompute every figure from
        one scan and write the difference)."""

    @abstractmethod
    def clear(self) -> None:
        """Delete the graph: every node and edge of a Neo4j database, every triple of an RDF
        store's default graph (where paper-kg writes). For rebuilding from scratch, tests."""

    def check_format(self) -> None:  # noqa: B027 - optional hook
        """StoreError when the store holds a graph format this code does not read (an RDF
        store written before the leaner encoding: `kg refresh --migrate` rewrites it)."""

    def migrate(self) -> bool:
        """Rewrite a store of an older graph format in place to the current one, losing
        nothing; False when there was nothing to do."""
        return False

    def finish(self, concept_ids: Sequence[str]) -> dict[str, int]:
        """The end of a run of writes (kg/pipeline.py GraphSink): refresh the derived
        figures of the concepts the run's papers mention, bring the side index in step,
        then count the graph."""
        self.refresh_derived(concept_ids)
        self.sync_side_index()
        return self.counts()

    # --- side index (kg/side_index.py), kept in step by the write hooks ---------------------

    def usable_side_index(self) -> SideIndex | None:
        """The side index queries may use: None when there is none, or it is not complete
        (``side_index_note`` then says why)."""
        index = self.side_index
        if index is not None and not index.complete:
            self.side_index_note = ("the store's search index is out of date (changed "
                                    "around it); `kg refresh` rebuilds it")
            return None
        return index

    def sync_side_index(self, full: bool = False) -> None:
        """Make the index's writes durable, rebuilding it from the store first when it is
        incomplete (or ``full``: ``kg refresh``)."""
        index = self.side_index
        if index is None or not index.writable:
            return
        if full or not index.complete:
            index.rebuild(self.side_index_entries(), self.side_index_mentions())
        else:
            index.commit()

    def side_index_entries(self) -> Iterable[Entry]:
        """Every paper, author and concept as the index holds them (backends with an index)."""
        raise NotImplementedError

    def side_index_mentions(self) -> Iterable[tuple[str, str, int | None]]:
        """Every MENTIONS as (paper id, concept id, the paper's year or None)."""
        raise NotImplementedError

    @abstractmethod
    def write_setting(self, name: str, value: str | None) -> None:
        """Keep ``value`` under ``name`` in the store (None: remove it): a setting node,
        outside the graph's counts and of no query about papers."""

    def setting(self, name: str) -> str | None:
        """The value ``write_setting`` kept under ``name``, or None."""
        from kg.queries import read

        rows = self.query(read(self.dialect, "store-setting"), {"name": name}).rows
        return str(rows[0][0]) if rows and rows[0][0] is not None else None

    @abstractmethod
    def counts(self) -> dict[str, int]:
        """Node and edge counts under COUNT_KEYS."""

    def query(
        self,
        text: str,
        params: dict[str, Any] | None = None,
        write: bool = False,
        allow_remote: bool = False,
    ) -> QueryResult:
        """Run a query in the store's dialect; ReadOnlyError for writes unless ``write``,
        RemoteAccessError for federation or loading (SERVICE, LOAD) unless ``allow_remote``."""
        writes, remote = self._query_shape(text, params, write, allow_remote)
        if writes and not write:
            raise ReadOnlyError(self.read_only_message.format(writes=writes))
        if remote and not allow_remote:
            raise RemoteAccessError(self.remote_message.format(remote=remote))
        return self._execute(text, params, write, writes)

    @abstractmethod
    def _query_shape(
        self, text: str, params: dict[str, Any] | None, write: bool, allow_remote: bool
    ) -> tuple[str | None, str | None]:
        """(what makes the text a write, what in it reaches outside the store), None for
        none; a backend may skip a check the caller waived (``write``, ``allow_remote``)."""

    @abstractmethod
    def _execute(
        self, text: str, params: dict[str, Any] | None, write: bool, writes: str | None
    ) -> QueryResult:
        """Run a query that passed the checks; ``writes`` as ``_query_shape`` found it."""

    @contextmanager
    def deferred_writes(self) -> Iterator[None]:
        """A block of bulk writes (``kg build``): a backend may hold back inserts of new
        papers and load them in bulk, e.g. at the block's end; anything that reads first
        makes them visible. Stores that write at once need not override this."""
        yield

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections and flush."""

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

