"""Real database servers for tests: ArcadeDB (Bolt) and Oxigraph (SPARQL over HTTP).

Both run as subprocesses bound to 127.0.0.1 on free ports, with their data and logs
under a caller-supplied work directory. No Docker, no network access.

Usage::

    with start_bolt_server(tmp_path / "bolt") as bolt:
        driver = neo4j.GraphDatabase.driver(bolt.uri, auth=bolt.auth)
        driver.execute_query("RETURN 1", database_=bolt.database)

    with start_sparql_server(tmp_path / "sparql") as sparql:
        urllib.request.urlopen(sparql.query_url + "?query=ASK%7B%7D")

This module deliberately does not import pytest; the fixtures are in
``tests/server_fixtures.py``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Self

__all__ = [
    "BoltServer",
    "ServerStartError",
    "SparqlServer",
    "arcadedb_package_dir",
    "free_port",
    "oxigraph_executable",
    "start_bolt_server",
    "start_sparql_server",
]

BOLT_USER = "root"
BOLT_PASSWORD = "paper-kg-test-pw"  # ArcadeDB wants >= 8 characters
BOLT_DATABASE = "kg"
BOLT_HEAP = os.environ.get("PAPER_KG_ARCADEDB_HEAP", "1g")
BOLT_START_TIMEOUT = float(os.environ.get("PAPER_KG_ARCADEDB_START_TIMEOUT", "120"))
SPARQL_START_TIMEOUT = float(os.environ.get("PAPER_KG_OXIGRAPH_START_TIMEOUT", "30"))


class ServerStartError(RuntimeError):
    """A test server did not come up; the message includes the tail of its log."""


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free on ``host`` right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return f"<could not read {path}: {exc}>"
    return "\n".join(text.splitlines()[-lines:])


def _stop_process(proc: subprocess.Popen[bytes] | None, timeout: float = 15.0) -> None:
    """Terminate ``proc`` (SIGTERM), then kill it if it does not exit in ``timeout``."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


@dataclass
class _ManagedProcess:
    """Shared bits of both servers: the process handle, its log file and stop()."""

    workdir: Path
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    startup_seconds: float = 0.0
    _log_file: IO[bytes] | None = field(default=None, repr=False)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_tail(self, lines: int = 40) -> str:
        return _tail(self.log_path, lines)

    def stop(self) -> None:
        """Stop the server by its own process handle: terminate, then kill."""
        try:
            _stop_process(self.process)
        finally:
            if self._log_file is not None:
                self._log_file.close()
                self._log_file = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _spawn(self, cmd: list[str]) -> None:
        self._log_file = self.log_path.open("ab")
        self.process = subprocess.Popen(
            cmd,
            cwd=self.workdir,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C in pytest does not hit the child directly
        )

    def _fail(self, what: str) -> ServerStartError:
        rc = self.process.poll() if self.process is not None else None
        state = f"exited with code {rc}" if rc is not None else "still running (stopping it)"
        self.stop()
        return ServerStartError(
            f"{what}; process {state}. Log {self.log_path}, last lines:\n{self.log_tail()}"
        )


# --------------------------------------------------------------------------- ArcadeDB


def arcadedb_package_dir() -> Path:
    """Directory of the installed ``arcadedb_embedded`` package (holds ``jre/`` and ``jars/``)."""
    spec = importlib.util.find_spec("arcadedb_embedded")
    if spec is None or spec.origin is None:
        raise ServerStartError(
            "arcadedb_embedded is not installed; `pip install arcadedb-embedded` "
            "(it bundles the JRE and the ArcadeDB server jars incl. the Bolt plugin)"
        )
    return Path(spec.origin).resolve().parent


@dataclass
class BoltServer(_ManagedProcess):
    """A Bolt endpoint: an ArcadeDB subprocess, or (``process is None``) an external Neo4j."""

    uri: str = ""
    user: str = BOLT_USER
    password: str = BOLT_PASSWORD
    database: str = BOLT_DATABASE
    bolt_port: int = 0
    http_port: int = 0
    kind: str = "arcadedb"  # or "neo4j" when pointing at an external server

    @property
    def auth(self) -> tuple[str, str]:
        return (self.user, self.password)

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}" if self.http_port else ""

    def driver(self, **kwargs: object):  # -> neo4j.Driver
        """A new ``neo4j`` driver for this server (caller closes it)."""
        import neo4j

        return neo4j.GraphDatabase.driver(self.uri, auth=self.auth, **kwargs)

    def rss_bytes(self) -> int | None:
        """Resident memory of the server process (Linux /proc), or None."""
        if self.pid is None:
            return None
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            return None
        return None


def _wait_for_bolt(server: BoltServer, timeout: float) -> None:
    import neo4j
    from neo4j.exceptions import Neo4jError, ServiceUnavailable

    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while time.monotonic() < deadline:
        if server.process is not None and server.process.poll() is not None:
            raise server._fail("ArcadeDB exited during start-up")
        try:
            with neo4j.GraphDatabase.driver(
                server.uri, auth=server.auth, connection_timeout=2.0, max_connection_pool_size=1
            ) as drv:
                # a plain auto-commit run: execute_query would retry for 30 s on its own
                with drv.session(database=server.database) as session:
                    record = session.run("RETURN 1 AS one").single()
                if record is not None and record["one"] == 1:
                    return
        except (ServiceUnavailable, Neo4jError, OSError) as exc:
            # the Bolt port opens before the default database has been created
            last_error = exc
        time.sleep(0.2)
    raise server._fail(
        f"ArcadeDB Bolt at {server.uri} (database {server.database!r}) did not answer "
        f"`RETURN 1` within {timeout:.0f}s; last error: {last_error!r}"
    )


def start_bolt_server(
    workdir: Path,
    *,
    database: str = BOLT_DATABASE,
    password: str = BOLT_PASSWORD,
    heap: str = BOLT_HEAP,
    timeout: float = BOLT_START_TIMEOUT,
) -> BoltServer:
    """Start ArcadeDB with its Bolt plugin on 127.0.0.1 and wait until it serves ``database``.

    The server root (config, databases, logs) is ``workdir``; console output goes to
    ``workdir/arcadedb.log``. Returns a started :class:`BoltServer` usable as a context
    manager; call ``stop()`` when done.
    """
    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    pkg = arcadedb_package_dir()
    java = pkg / "jre" / "bin" / "java"
    if not java.exists():
        raise ServerStartError(f"bundled JRE not found at {java}")
    bolt_port = free_port()
    http_port = free_port()
    while http_port == bolt_port:
        http_port = free_port()

    server = BoltServer(
        workdir=workdir,
        log_path=workdir / "arcadedb.log",
        uri=f"bolt://127.0.0.1:{bolt_port}",
        password=password,
        database=database,
        bolt_port=bolt_port,
        http_port=http_port,
    )
    cmd = [
        str(java),
        f"-Xmx{heap}",
        "-XX:+UseSerialGC",  # small, predictable footprint for a test server
        "-Djava.awt.headless=true",
        "-cp",
        str(pkg / "jars" / "*"),  # java expands the wildcard itself
        f"-Darcadedb.server.rootPath={workdir}",
        f"-Darcadedb.server.databaseDirectory={workdir / 'databases'}",
        f"-Darcadedb.server.rootPassword={password}",
        f"-Darcadedb.server.defaultDatabases={database}[{BOLT_USER}]",
        "-Darcadedb.server.plugins=Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
        "-Darcadedb.bolt.host=127.0.0.1",
        f"-Darcadedb.bolt.port={bolt_port}",
        f"-Darcadedb.bolt.defaultDatabase={database}",
        "-Darcadedb.server.httpIncomingHost=127.0.0.1",
        f"-Darcadedb.server.httpIncomingPort={http_port}",
        "-Darcadedb.server.mode=development",
        "com.arcadedb.server.ArcadeDBServer",
    ]
    (workdir / "command.txt").write_text(" ".join(cmd) + "\n", encoding="utf-8")
    started = time.monotonic()
    server._spawn(cmd)
    try:
        _wait_for_bolt(server, timeout)
    except BaseException:
        server.stop()
        raise
    server.startup_seconds = time.monotonic() - started
    return server


def external_bolt_server_from_env() -> BoltServer | None:
    """A :class:`BoltServer` for a real Neo4j if ``NEO4J_URI`` is set, else None.

    Reads NEO4J_URI, NEO4J_USERNAME (default "neo4j"), NEO4J_PASSWORD and
    NEO4J_DATABASE (default "neo4j"). Nothing is started or stopped.
    """
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        return None
    return BoltServer(
        workdir=Path.cwd(),
        log_path=Path(os.devnull),
        uri=uri,
        user=os.environ.get("NEO4J_USERNAME", "neo4j"),
        password=os.environ.get("NEO4J_PASSWORD", ""),
        database=os.environ.get("NEO4J_DATABASE", "neo4j"),
        kind="neo4j",
    )


# --------------------------------------------------------------------------- Oxigraph


def oxigraph_executable() -> str:
    """Path of the ``oxigraph`` CLI (PyPI package ``oxigraph``), next to python or on PATH."""
    candidates = [Path(sys.executable).parent / "oxigraph"]
    found = shutil.which("oxigraph")
    if found:
        candidates.append(Path(found))
    for cand in candidates:
        if cand.is_file() and os.access(cand, os.X_OK):
            return str(cand)
    raise ServerStartError(
        "the `oxigraph` server CLI was not found next to "
        f"{sys.executable} or on PATH; `pip install oxigraph`"
    )


@dataclass
class SparqlServer(_ManagedProcess):
    """An Oxigraph SPARQL 1.1 server (query, update and Graph Store Protocol)."""

    base_url: str = ""
    port: int = 0
    location: Path | None = None

    @property
    def query_url(self) -> str:
        return f"{self.base_url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.base_url}/update"

    @property
    def store_url(self) -> str:
        return f"{self.base_url}/store"

    def graph_url(self, graph_iri: str | None = None) -> str:
        """Graph Store Protocol URL for a named graph, or the default graph if None."""
        if graph_iri is None:
            return f"{self.store_url}?default"
        return f"{self.store_url}?graph={urllib.parse.quote(graph_iri, safe='')}"


def _wait_for_sparql(server: SparqlServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    url = server.query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    last_error: BaseException | None = None
    while time.monotonic() < deadline:
        if server.process is not None and server.process.poll() is not None:
            raise server._fail("oxigraph exited during start-up")
        req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
        try:
            with urllib.request.urlopen(req, timeout=2) as resp:
                if resp.status == 200:
                    resp.read()
                    return
        except (urllib.error.URLError, OSError) as exc:
            last_error = exc
        time.sleep(0.05)
    raise server._fail(
        f"oxigraph at {server.base_url} did not answer ASK {{}} within {timeout:.0f}s; "
        f"last error: {last_error!r}"
    )


def start_sparql_server(
    workdir: Path, *, timeout: float = SPARQL_START_TIMEOUT, in_memory: bool = False
) -> SparqlServer:
    """Start ``oxigraph serve`` on 127.0.0.1 with its store in ``workdir/store``.

    Console output goes to ``workdir/oxigraph.log``. Returns once ``/query`` answers.
    """
    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    exe = oxigraph_executable()
    port = free_port()
    location = None if in_memory else workdir / "store"
    server = SparqlServer(
        workdir=workdir,
        log_path=workdir / "oxigraph.log",
        base_url=f"http://127.0.0.1:{port}",
        port=port,
        location=location,
    )
    cmd = [exe, "serve", "--bind", f"127.0.0.1:{port}"]
    if location is not None:
        cmd[2:2] = ["--location", str(location)]
    started = time.monotonic()
    server._spawn(cmd)
    try:
        _wait_for_sparql(server, timeout)
    except BaseException:
        server.stop()
        raise
    server.startup_seconds = time.monotonic() - started
    return server


if __name__ == "__main__":  # manual smoke test: python -m tests.servers
    import tempfile

    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        b = stack.enter_context(start_bolt_server(Path(tmp) / "bolt"))
        s = stack.enter_context(start_sparql_server(Path(tmp) / "sparql"))
        print(f"bolt   {b.uri} db={b.database} up in {b.startup_seconds:.1f}s")
        print(f"sparql {s.base_url} up in {s.startup_seconds:.2f}s")
