"""The default store: an embedded Oxigraph (pyoxigraph) database on disk, no server needed.

``oxigraph:./kg-data`` or a bare path; ``oxigraph:`` alone is an in-memory store. A store
directory holds the marker file MARKER (with the schema version) beside Oxigraph's files:
a build makes a new store only in a new or empty directory and never touches a directory
of other files; a store made before the marker existed is recognised by its Oxigraph files
and gets the marker the next time it is opened for writing. Opened for reading (queries,
exports) the store must exist and is opened read-only, so nothing is written (a read-only
directory works). Opened for writing while another process holds it (e.g. the app), or in
a directory this user cannot write, it is opened read-only so that queries still work.
Large inserts go through Oxigraph's bulk loader; inside ``deferred_writes`` (a build) new
papers' triples are spooled to temporary files of SPOOL_TRIPLES triples that SPOOL_LOADERS
background threads bulk-load while the build goes on extracting.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg import __version__
from kg.mapping.rdf import FORMAT_VERSION
from kg.mapping.terms import PREFIXES
from kg.side_index import side_path
from kg.stores.base import CURATION_FILE, STORE_MARKER, OpenMode, QueryResult, StoreError
from kg.stores.rdf import RdfStore
from kg.stores.sparql_text import bind_text, python_value

BULK_BYTES = 4_000_000  # inserts larger than this use the (non-transactional) bulk loader
READ_ONLY_ATTEMPTS = 5
# deferred triples per bulk load: the loader needs roughly 1 KB of memory per triple
SPOOL_TRIPLES = 100_000
# concurrent bulk loads: two overlap one load's disk waits with the other's work (12M
# triples: 48 s with two, 56-70 s with one, benchmarks/RESULTS.md); also the number of
# spool files waiting before the build waits for the loaders
SPOOL_LOADERS = 2
SPOOL_PREFIX = "paper-kg-spool-"  # + PID + "-": whose build a spool file belongs to
ORPHAN_AGE = 3600.0  # seconds untouched before a dead build's spool file is removed
MARKER = STORE_MARKER
# the graph format the store was made in or migrated to (kg/mapping/rdf.py; the graph's own
# format triple is what reads check): owl:versionInfo in schema/paper-kg.ttl
SCHEMA_VERSION = FORMAT_VERSION


def from_term(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return python_value(term.value, "literal", term.datatype.value)
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


def convert(result: Any) -> QueryResult:
    """pyoxigraph results (solutions, boolean or triples) as a QueryResult."""
    if isinstance(result, ox.QuerySolutions):
        columns = [v.value for v in result.variables]
        rows = [[from_term(sol[i]) for i in range(len(columns))] for sol in result]
        return QueryResult(columns, rows)
    if isinstance(result, ox.QueryBoolean):
        return QueryResult(["boolean"], [[bool(result)]])
    rows = [[from_term(t.subject), from_term(t.predicate), from_term(t.object)] for t in result]
    return QueryResult(["subject", "predicate", "object"], rows)


def remove_orphaned_spools() -> None:
    """Delete spool files left by builds that were killed (SIGKILL or SIGTERM skip the
    cleanup): their process is gone and the file was not touched for ORPHAN_AGE (a PID seen
    from another container may not be ours to judge)."""
    for path in Path(tempfile.gettempdir()).glob(f"{SPOOL_PREFIX}*.nt"):
        pid = path.name.removeprefix(SPOOL_PREFIX).split("-", 1)[0]
        try:
            stale = time.time() - path.stat().st_mtime > ORPHAN_AGE
            if pid.isdigit() and stale and not _running(int(pid)):
                path.unlink()
        except OSError:  # removed meanwhile, or not ours to remove
            continue


def directory_kind(path: Path) -> str:
    """What a store path holds: 'missing', 'empty', 'store' (with the marker), 'unmarked'
    (Oxigraph's files, from before the marker) or 'foreign' (anything else)."""
    if not path.exists():
        return "missing"
    if (path / MARKER).is_file():
        return "store"
    try:
        if all(child.name == CURATION_FILE for child in path.iterdir()):
            return "empty"  # nothing, or only a curation file waiting for its store
        options = [f.read_text("utf-8", "replace") for f in path.glob("OPTIONS-*")]
    except OSError as error:
        raise StoreError(f"cannot read the directory {path}: {error.strerror or error}") from None
    if (path / "CURRENT").is_file() and any('[CFOptions "id2str"]' in o for o in options):
        return "unmarked"
    return "foreign"


def check_store_directory(path: Path, mode: OpenMode) -> str:
    """The directory's kind (directory_kind) when ``mode`` may open it; else StoreError
    saying why, before anything is created or changed."""
    if path.exists() and not path.is_dir():
        raise StoreError(
            f"{path} is a file, not an Oxigraph store directory; give a directory path "
            "(e.g. --store oxigraph:./kg-data) or rdflib:FILE.ttl for a Turtle file"
        )
    kind = directory_kind(path)
    if kind == "foreign":
        raise StoreError(
            f"{path} is not empty and is not a paper-kg store (it has no {MARKER}); nothing in "
            "it was changed. Give a new or empty directory for the store"
        )
    if kind in ("missing", "empty") and mode != "create":
        state = "no such directory" if kind == "missing" else "the directory is empty"
        raise StoreError(
            f"no paper-kg store at {path} ({state}); build one with `kg build INPUT... "
            f"--store {path}`, or check --store"
        )
    if kind == "store":
        _check_marker(path / MARKER)
    return kind


def _check_marker(marker: Path) -> None:
    try:
        version = json.loads(marker.read_text("utf-8")).get("schema_version")
    except (OSError, ValueError, AttributeError) as error:
        raise StoreError(f"the store marker {marker} is unreadable ({error}); restore it") \
            from None
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise StoreError(
            f"the store at {marker.parent} has schema version {version!r}, which this paper-kg "
            f"({__version__}, schema {SCHEMA_VERSION}) does not know; upgrade paper-kg"
        )


def write_marker(path: Path) -> None:
    marker = {"paper_kg_store": True, "schema_version": SCHEMA_VERSION, "backend": "oxigraph",
              "created_by": f"paper-kg {__version__}"}
    tmp = path / f".{MARKER}.tmp"
    tmp.write_text(json.dumps(marker, indent=2) + "\n", "utf-8")
    os.replace(tmp, path / MARKER)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


class OxigraphStore(RdfStore):
    exclusive = True  # RocksDB locks the directory: other processes can only read it

    def __init__(self, uri: str, store: ox.Store, path: Path | None, read_only: bool) -> None:
        super().__init__(uri)
        self.store: ox.Store | None = store
        self.path = path
        self.read_only = read_only
        self._spool: tuple[int, str] | None = None  # (fd, path) of the file being filled
        self._spooled = 0  # triples in it
        self._swept = False  # whether orphaned spool files were looked for
        self._loader: ThreadPoolExecutor | None = None
        self._loading: deque[Future[None]] = deque()  # queued loads, oldest first
        self.read_only_reason = ""  # why a read-only store is, for messages

    @classmethod
    def open(cls, uri: str, mode: OpenMode = "create") -> OxigraphStore:
        location = uri.split(":", 1)[1] if uri.lower().startswith("oxigraph:") else uri
        if not location:
            store = cls(uri, ox.Store(), None, False)  # 'oxigraph:' = in memory
            store._open_side_index(None, read_only=False)
            return store
        path = Path(location).expanduser()
        kind = check_store_directory(path, mode)
        if mode == "read":
            return cls._read_only(uri, path, "opened for reading")
        try:
            if kind == "missing":  # a new store in a new folder: RocksDB makes only the last
                path.parent.mkdir(parents=True, exist_ok=True)
            store = cls(uri, ox.Store(str(path)), path, False)
        except OSError as error:
            message = str(error).lower()
            if "lock" in message:  # held by another process: still readable
                return cls._read_only(uri, path, "in use by another process (e.g. the app)")
            unwritable = ("permission denied", "operation not permitted", "read-only file system")
            if any(reason in message for reason in unwritable) and kind in ("store", "unmarked"):
                return cls._read_only(uri, path, "in a directory this user cannot write")
            raise StoreError(f"cannot open Oxigraph store at {path}: {error}") from None
        if kind != "store":  # new, or made before the marker existed
            try:
                write_marker(path)
            except OSError as error:
                store.close()
                raise StoreError(f"cannot write {path / MARKER}: {error.strerror}") from None
        store._open_side_index(side_path(path, directory=True), read_only=False)
        return store

    @classmethod
    def _read_only(cls, uri: str, path: Path, reason: str) -> OxigraphStore:
        for attempt in range(READ_ONLY_ATTEMPTS):
            try:
                store = cls(uri, ox.Store.read_only(str(path)), path, True)
            except (OSError, RuntimeError) as error:
                # a writer may compact files away between listing and opening them
                if attempt + 1 < READ_ONLY_ATTEMPTS and "No such file" in str(error):
                    time.sleep(0.05 * (attempt + 1))
                    continue
                raise StoreError(
                    f"the Oxigraph store at {path} cannot be read ({error}); if another "
                    "process (e.g. the app) is writing it, stop that process, or use another "
                    "--store"
                ) from None
            store.read_only_reason = reason
            store._open_side_index(side_path(path, directory=True), read_only=True)
            return store
        raise AssertionError("unreachable")

    def _engine(self) -> ox.Store:
        if self.store is None:
            raise StoreError(f"store {self.uri} is closed; open it again")
        return self.store

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError(
                f"the Oxigraph store at {self.path} was opened read-only "
                f"({self.read_only_reason}), so it cannot be changed; stop that process or "
                "use a store you can write"
            )

    def _select(self, text: str, params: dict[str, Any] | None = None) -> QueryResult:
        # pyoxigraph substitutions only bind projected variables (SEP-0007), so parameters
        # are pasted as escaped literals, as on the other SPARQL backends
        try:
            result = self._engine().query(bind_text(text, params or {}), prefixes=PREFIXES)
            return convert(result)
        except SyntaxError as error:
            raise StoreError(f"SPARQL syntax error: {error}; check the query") from None
        except OSError as error:
            raise StoreError(f"cannot read the Oxigraph store at {self.path}: {error}") from None
        except RuntimeError as error:
            raise StoreError(f"SPARQL evaluation failed: {error}") from None

    def _rows(self, text: str) -> Iterator[list[Any]]:
        """Stream a SELECT's rows (the refresh reads millions of mention rows)."""
        solutions = self._engine().query(text, prefixes=PREFIXES)
        width = len(solutions.variables)  # type: ignore[union-attr]
        for solution in solutions:  # type: ignore[union-attr]
            yield [from_term(solution[i]) for i in range(width)]

    def _update(self, text: str) -> None:
        self._check_writable()
        try:
            self._engine().update(text, prefixes=PREFIXES)
        except SyntaxError as error:
            raise StoreError(f"SPARQL Update syntax error: {error}; check the update") from None
        except (OSError, RuntimeError) as error:  # a LOAD that failed, a full disk …
            raise StoreError(f"SPARQL Update failed on {self.path or self.uri}: {error}") \
                from None

    def _write(self, delete: str, ntriples: str) -> None:
        if len(ntriples) < BULK_BYTES:
            super()._write(delete, ntriples)
            return
        # large loads: deletions in one transaction, then the bulk loader (re-running a
        # build after an interruption converges because both steps are idempotent)
        if delete:
            self._update(delete)
        self._check_writable()
        self._engine().bulk_load(ntriples.encode("utf-8"), ox.RdfFormat.N_TRIPLES)

    def _append(self, ntriples: str, triples: int) -> None:
        if self._deferred is None:
            super()._append(ntriples, triples)
            return
        self._check_writable()
        if self._spool is None:
            if not self._swept:  # this store's first spool: clear killed builds' files
                remove_orphaned_spools()
                self._swept = True
            self._spool = tempfile.mkstemp(prefix=f"{SPOOL_PREFIX}{os.getpid()}-", suffix=".nt")
        os.write(self._spool[0], ntriples.encode("utf-8"))
        self._spooled += triples
        if self._spooled >= SPOOL_TRIPLES:
            self._load_spool()

    def _load_spool(self) -> None:
        """Queue the spool file for the background loaders; wait only when SPOOL_LOADERS
        files are already queued (the build then runs ahead of them by that much disk)."""
        if self._spool is None:
            return
        (fd, path), self._spool, self._spooled = self._spool, None, 0
        os.close(fd)
        while len(self._loading) >= SPOOL_LOADERS:
            self._wait_for(self._loading.popleft())
        self._loader = self._loader or ThreadPoolExecutor(SPOOL_LOADERS, "bulk-load")
        self._loading.append(self._loader.submit(self._bulk_load_file, path))

    def _bulk_load_file(self, path: str) -> None:
        # pyoxigraph releases the GIL while loading: the build goes on meanwhile. The spool
        # holds only triples written by kg/mapping/rdf.py (IRIs percent-encoded, literals
        # escaped), so the loader's own validation is skipped (lenient: ~15% faster)
        try:
            self._engine().bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES, lenient=True)
        finally:
            os.unlink(path)

    def _wait_for(self, loading: Future[None]) -> None:
        try:
            loading.result()
        except (OSError, SyntaxError) as error:
            raise StoreError(f"bulk load into {self.uri} failed: {error}") from None

    def _flush_appended(self) -> None:
        self._load_spool()
        while self._loading:
            self._wait_for(self._loading.popleft())

    def rdflib_graph(self):  # -> rdflib.Graph
        """This store as an rdflib Graph (through oxrdflib), for rdflib-based tools."""
        import rdflib
        from oxrdflib import OxigraphStore as OxRdflibStore
        from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

        # the default graph, where paper-kg writes (a plain Graph() would be a named graph)
        self._settle()
        return rdflib.Graph(
            store=OxRdflibStore(store=self._engine()), identifier=DATASET_DEFAULT_GRAPH_ID
        )

    def migrate(self) -> bool:
        migrated = super().migrate()
        if migrated and self.path is not None:  # the marker follows the graph's format
            write_marker(self.path)
        return migrated

    def close(self) -> None:
        if self.store is not None and not self.read_only:
            self._settle()
            # after a build's bulk loads this waits for RocksDB's compactions (~9 s of a 20k
            # stress build) and is worth it: closed without it, that store answered the app's
            # heavy named queries 2-3x slower (benchmarks/RESULTS.md, 2026-12-05)
            self.store.flush()
        self._close_side_index()
        if self._loader is not None:
            self._loader.shutdown()
        self.store = None
