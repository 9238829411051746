"""Adversarial input, one test per case of issue 16: no single record, path or query takes a
run down, leaks out or loses data. Real readers, the real extractor, real stores and servers
(Oxigraph embedded, ArcadeDB over Bolt), the real CLI in subprocesses; faults are injected
into one record of an otherwise real run."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language
from typer.testing import CliRunner

from kg.build import BuildResult, build, load_extractor
from kg.cli.cmd_app import app_main
from kg.extract import Extractor
from kg.ingest import iter_records
from kg.model import Paper
from kg.queries import run_named
from kg.readers import ReadOptions, Rejection, load_readers
from kg.readers.jsonl import JsonlReader
from kg.resources import shipped
from kg.spreadsheet import spreadsheet_text
from kg.stores import GraphStore, PaperGraph, RemoteAccessError, StoreError, open_store
from kg.stores.base import WriteStats
from kg.stores.neo4j import remote_clause
from kg.stores.oxigraph import MARKER, SCHEMA_VERSION, OxigraphStore
from tests.conftest import EXAMPLES, ROOT, SEEDS, NewExtractor
from tests.servers import BoltServer, ServerStartError

KG = [sys.executable, "-c", "from kg.cli import main; main()"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", "NO_COLOR": "1"}
ENV.pop("KG_STORE", None)
POISON = "Poisoned record"
FILLER = "The results hold in every setting we tried and the margins stay wide. "


def kg(*args: str | Path, stdout: int | object = subprocess.PIPE,
       prefix: Sequence[str] = ()) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, *KG, *map(str, args)], stdout=stdout, stderr=subprocess.PIPE, text=True,
        env=ENV, cwd=ROOT, timeout=600, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    return path


def papers(n: int, poison_at: int | None = None) -> list[dict]:
    """Our own small corpus: papers with authors and concepts the vocabulary knows."""
    out = []
    for i in range(n):
        title = POISON if i == poison_at else f"Scaling study number {i}"
        out.append({
            "title": title, "year": 2020 + i % 4, "arxiv_id": f"2401.{i:05d}",
            "authors": [f"Ada Example{i % 3}", "Bo Sample"],
            "abstract": f"We fine-tune BERT and a Vision Transformer (ViT) on ImageNet, run {i}.",
        })  # fmt: skip
    return out


def titles(store: GraphStore) -> set[str]:
    query = ("SELECT ?t WHERE { ?p a <https://paper-kg.org/schema#Paper> ; "
             "<http://purl.org/dc/terms/title> ?t }")
    return {str(row[0]) for row in store.query(query).rows}


# --------------------------------------------------------------------------- 1. isolation


def test_oversized_abstract_is_extracted_in_pieces(tmp_path: Path, extractor) -> None:
    """An abstract of 1.1M characters (over spaCy's max_length) is stored whole, its concepts
    found in every part of it with offsets into the whole abstract; the run goes on."""
    sentences = [FILLER] * (1_100_000 // len(FILLER))
    for where in (0, len(sentences) // 2, len(sentences) - 3):
        sentences[where] = "We evaluate ViT on ImageNet. "
    abstract = "".join(sentences).strip()
    big = {"title": "A very long record", "abstract": abstract, "arxiv_id": "2402.00001"}
    long_title = {"title": "ViT " + "and more words " * 800, "abstract": "BERT on GLUE."}
    path = jsonl(tmp_path / "big.jsonl", [big, long_title, *papers(2)])
    warnings: list[Rejection] = []
    with open_store("oxigraph:") as store:
        result = build([path], store, extractor=extractor, on_warning=warnings.append)
        assert result.rejections == [] and result.after["papers"] == 4
        assert len(abstract) > 1_050_000 and len(warnings) == 2
        assert f"{len(abstract):,} characters" in warnings[0].message
        assert warnings[0].file == str(path) and warnings[0].location.startswith("line 1 ")
        assert warnings[1].location.startswith("line 2 ") and "title" in warnings[1].message
        rows = run_named(store, "concepts-of-paper", {"paper": "arxiv:2402.00001"}).records()
    stored = {(r["concept"], r["start"], r["end"]) for r in rows if r["field"] == "abstract"}
    assert {c for c, _, _ in stored} == {"concept:vit", "concept:imagenet"}
    assert max(start for _, start, _ in stored) > 1_000_000
    for concept, start, end in stored:
        assert abstract[start:end] == {"concept:vit": "ViT", "concept:imagenet": "ImageNet"}[
            concept]


@pytest.mark.parametrize("reader", ["openalex", "semantic-scholar"])
@pytest.mark.parametrize("shape", ["array", "lines"])
def test_deep_nesting_is_one_rejection(tmp_path: Path, reader: str, shape: str) -> None:
    """A value nested 100,000 deep inside one record of an API dump is rejected with its
    line; the records after it and another file's records are read (it used to raise
    RecursionError and lose everything)."""
    if reader == "openalex":
        def record(n: int) -> dict:
            return {"id": f"https://openalex.org/W{n}", "title": f"Work {n}",
                    "abstract_inverted_index": {"Hello": [0]}}
    else:
        def record(n: int) -> dict:
            return {"paperId": f"p{n}", "title": f"Work {n}", "abstract": "Hello"}
    deep_value = "[" * 100_000 + "]" * 100_000
    deep = json.dumps(record(2))[:-1] + ', "extra": ' + deep_value + "}"
    parts = [json.dumps(record(1)), deep, json.dumps(record(3))]
    text = ("[\n" + ",\n".join(parts) + "\n]\n") if shape == "array" else "\n".join(parts) + "\n"
    dump = tmp_path / "dump.json"
    dump.write_text(text, "utf-8")
    other = jsonl(tmp_path / "other.jsonl", papers(1))
    records = list(iter_records([dump, other]))
    found = {r.title for r in records if isinstance(r, Paper)}
    assert found == {"Work 1", "Work 3", "Scaling study number 0"}
    (rejection,) = [r for r in records if isinstance(r, Rejection)]
    deep_line = 3 if shape == "array" else 2  # the array's '[' is line 1
    assert rejection.file == str(dump) and rejection.location == f"line {deep_line}"
    assert "nested too deeply" in rejection.message


class RefusingStore(OxigraphStore):
    """A real in-memory Oxigraph store that refuses to write one paper (a fault injected
    into the write stage of one record)."""

    def write_papers(self, batch: Sequence[PaperGraph]) -> WriteStats:
        if any(graph.paper.title == POISON for graph in batch):
            raise StoreError("the server refused this record")
        return super().write_papers(batch)


@Language.component("paper_kg_test_poison")
def _poison(doc):  # a fault injected into the extraction of one record
    if POISON in doc.text:
        raise ValueError("the extractor broke on this text")
    return doc


def _break_one_record(monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.readers.jsonl as jsonl_reader

    original = jsonl_reader.record_to_paper

    def record_to_paper(record, origin, *args):
        if record.get("title") == POISON:
            raise KeyError("a reader bug on this record")
        return original(record, origin, *args)

    monkeypatch.setattr(jsonl_reader, "record_to_paper", record_to_paper)


def _break_file_after_two(monkeypatch: pytest.MonkeyPatch, victim: Path) -> None:
    original = JsonlReader.read

    def read(self, path: Path) -> Iterator[Paper | Rejection]:
        for number, record in enumerate(original(self, path)):
            if path == victim and number == 2:
                raise RuntimeError("the reader fell over")
            yield record

    monkeypatch.setattr(JsonlReader, "read", read)


@pytest.mark.parametrize("stage", ["read record", "read file", "extract", "extract --jobs 2",
                                   "write"])
def test_a_failure_in_one_record_rejects_only_that_record(
    stage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, new_extractor: NewExtractor
) -> None:
    """A fault injected into one record at each stage of a build: that record is rejected
    with its file and line, every other paper is written, nothing raises."""
    path = jsonl(tmp_path / "papers.jsonl", papers(6, poison_at=3))
    other = jsonl(tmp_path / "more.jsonl", [{"title": "Another file's paper", "abstract": "BERT."}])
    # a poisoned pipeline is this test's own; the other stages share the session's
    extractor = load_extractor() if stage.startswith("extract") else new_extractor()
    store: GraphStore = (RefusingStore if stage == "write" else OxigraphStore).open("oxigraph:")
    expected_lost = {POISON}
    if stage == "read record":
        _break_one_record(monkeypatch)
    elif stage == "read file":
        _break_file_after_two(monkeypatch, path)
        expected_lost = {POISON, "Scaling study number 2", "Scaling study number 4",
                         "Scaling study number 5"}
    elif stage.startswith("extract"):
        extractor.nlp.add_pipe("paper_kg_test_poison", first=True)
    jobs = 2 if stage.endswith("2") else 1
    with store:
        result: BuildResult = build([path, other], store, extractor=extractor, jobs=jobs,
                                    batch_size=2)
        stored = titles(store)
    everything = {p["title"] for p in papers(6, poison_at=3)} | {"Another file's paper"}
    assert stored == everything - expected_lost
    (rejection,) = result.rejections
    assert rejection.file == str(path)
    line = "line 4" if stage != "read file" else "after line 2"
    assert rejection.location.startswith(line), rejection


# --------------------------------------------------------------------------- 2. idempotence


@pytest.fixture(scope="module")
def bolt(request: pytest.FixtureRequest) -> BoltServer:
    try:
        return request.getfixturevalue("bolt_server")
    except ServerStartError as exc:
        pytest.skip(f"no Bolt server: {str(exc).splitlines()[0]}")


def sorted_dump(store: GraphStore) -> list[str]:
    """Every node and relationship (Cypher) or triple (SPARQL) as sorted text."""
    if store.dialect == "cypher":
        nodes = store.query("MATCH (n) RETURN labels(n), properties(n)").rows
        edges = store.query(
            "MATCH (a)-[r]->(b) RETURN type(r), a.id, b.id, properties(r)").rows
        rows = [["node", sorted(labels), props] for labels, props in nodes] + \
            [["edge", *row] for row in edges]
    else:
        rows = store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }").rows
    return sorted(json.dumps(row, sort_keys=True, default=str) for row in rows)


@pytest.mark.parametrize(("backend", "corpus"), [
    ("oxigraph", "examples+seeds"), ("bolt", "examples"), ("bolt", "examples+seeds")])
def test_building_twice_changes_no_count_and_no_edge(
    backend: str, corpus: str, request: pytest.FixtureRequest, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, extractor: Extractor,
) -> None:
    """The examples (and the seed pages) built twice: every count and a sorted dump of every
    node and edge are the same. Over Bolt (ArcadeDB) a rebuild used to duplicate MENTIONS
    (examples+seeds) or fail deleting CO_OCCURS twice (examples)."""
    if corpus.endswith("seeds") and not SEEDS:
        pytest.skip("../shared/seeds not present beside the checkout")
    inputs = [EXAMPLES, *SEEDS] if corpus.endswith("seeds") else [EXAMPLES]
    if backend == "bolt":
        server: BoltServer = request.getfixturevalue("bolt")
        monkeypatch.setenv("NEO4J_USERNAME", server.user)
        monkeypatch.setenv("NEO4J_PASSWORD", server.password)
        uri = f"{server.uri}?database={server.database}"
    else:
        uri = f"oxigraph:{tmp_path / 'kg'}"
    with open_store(uri) as store:
        if backend == "bolt":
            store.clear()  # the server is shared
        try:
            first = build(inputs, store, extractor=extractor)
            once = sorted_dump(store)
            again = build(inputs, store, extractor=extractor)
            twice = sorted_dump(store)
        finally:
            if backend == "bolt":
                store.clear()
    assert again.before == first.after and again.after == first.after
    assert again.new_papers == 0 and first.after["mentions"] > first.after["papers"]
    assert len(twice) == len(once)
    assert twice == once


# --------------------------------------------------------------------------- 3. stay local


class Recorder(BaseHTTPRequestHandler):
    """A real HTTP server answering every request with one SPARQL JSON row, and
    remembering that it was asked."""

    requests: ClassVar[list[str]] = []

    def _answer(self) -> None:
        Recorder.requests.append(self.path)
        body = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [
            {"x": {"type": "literal", "value": "from the remote server"}}]}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def remote() -> Iterator[str]:
    Recorder.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    finally:
        server.shutdown()
        server.server_close()


def test_queries_never_reach_outside_the_store(remote: str, tmp_path: Path) -> None:
    """SERVICE, LOAD and FROM are refused without allow_remote and send nothing; allowed,
    the same SERVICE query does reach the server (so the refusal is what kept it local)."""
    service = f"SELECT ?x WHERE {{ SERVICE <{remote}> {{ ?s ?p ?x }} }}"
    with open_store("oxigraph:") as store:
        for text, write in ((service, False), (f"LOAD <{remote}>", True),
                            (f"SELECT * FROM <{remote}> WHERE {{ ?s ?p ?o }}", False),
                            (f"SELECT * WHERE {{ {{ SERVICE SILENT <{remote}> {{ ?s ?p ?o }} }}"
                             f" UNION {{ ?s ?p ?o }} }}", False)):
            with pytest.raises(RemoteAccessError, match="outside"):
                store.query(text, write=write)
        assert Recorder.requests == []
        rows = store.query(service, allow_remote=True).rows
    assert Recorder.requests and rows == [["from the remote server"]]
    with open_store(f"rdflib:{tmp_path / 'g.ttl'}") as local, pytest.raises(RemoteAccessError):
        local.query(f"SELECT * FROM <{remote}> WHERE {{ ?s ?p ?o }}")
    assert remote_clause("LOAD CSV FROM 'http://x/a.csv' AS row RETURN row") == "LOAD CSV"
    assert remote_clause("CALL apoc.load.json('http://x') YIELD value RETURN value")
    assert remote_clause("MATCH (n) WHERE n.text = 'LOAD CSV' RETURN n") is None


def test_cli_refuses_service_in_one_line(remote: str, tmp_path: Path) -> None:
    store = tmp_path / "kg"
    with open_store(str(store)) as made:
        made.write_concepts([])
    done = kg("query", "--store", store, "--sparql",
              f"SELECT ?x WHERE {{ SERVICE <{remote}> {{ ?s ?p ?x }} }}")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "SERVICE" in done.stderr and "--allow-remote" in done.stderr
    assert Recorder.requests == []


def test_app_console_never_reaches_outside(
    remote: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The console refuses SERVICE even when the app allows writes."""
    from streamlit.testing.v1 import AppTest

    store = f"oxigraph:{tmp_path / 'kg'}"
    with open_store(store) as made:
        made.write_concepts([])
    monkeypatch.setenv("PAPER_KG_STORE", store)
    monkeypatch.setenv("PAPER_KG_ALLOW_WRITE", "1")
    at = AppTest.from_file(str(app_main()), default_timeout=60)
    at.query_params["view"] = "Console"
    at.run()
    query = f"SELECT * WHERE {{ SERVICE <{remote}> {{ ?s ?p ?o }} }}"
    at.text_area(key="console:text").input(query)
    at.button(key="console:run").click().run()
    assert not at.exception
    assert at.error and "never lets a query reach outside" in at.error[0].value
    assert Recorder.requests == []


# --------------------------------------------------------------------------- 4. store paths


def listing(path: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(path)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(path.rglob("*"))}  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small embedded store built by `kg build`."""
    base = tmp_path_factory.mktemp("built")
    done = kg("build", jsonl(base / "p.jsonl", papers(5)), "--store", base / "kg")
    assert done.returncode == 0, done.stderr
    return base / "kg"


@pytest.mark.parametrize("state", ["missing", "empty"])
def test_reading_a_missing_store_is_an_error_and_creates_nothing(
    state: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "typo"
    if state == "empty":
        path.mkdir()
    for args in (["query", "--store", path, "--named", "top-concepts"],
                 ["export", "--store", path, "--all", "--format", "json", "-o",
                  tmp_path / "out.json"]):
        done = kg(*args)
        assert done.returncode == 2, done.stderr
        assert f"no paper-kg store at {path}" in done.stderr.replace("\n", "")
        assert "Traceback" not in done.stderr
        assert path.exists() == (state == "empty")
        assert not path.exists() or not any(path.iterdir())
    from streamlit.testing.v1 import AppTest

    from kg.cli import app

    result = CliRunner().invoke(app, ["app", "--store", str(path)])
    assert result.exit_code == 2 and "No graph here" in result.output
    assert "kg build" in result.output
    monkeypatch.setenv("PAPER_KG_STORE", str(path))  # the app itself, started another way
    explorer = AppTest.from_file(str(app_main()), default_timeout=60).run()
    assert not explorer.exception and "No graph here" in explorer.error[0].value
    assert not path.exists() or not any(path.iterdir())


def test_build_refuses_a_directory_of_other_files(tmp_path: Path) -> None:
    mine = tmp_path / "my-project"
    mine.mkdir()
    (mine / "MANIFEST-000001").write_text("my own manifest\n")
    (mine / "notes.txt").write_text("do not touch\n")
    before = listing(mine)
    done = kg("build", jsonl(tmp_path / "p.jsonl", papers(1)), "--store", mine)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "not a paper-kg store" in done.stderr and "nothing in it was changed" in done.stderr
    assert listing(mine) == before
    assert (mine / "MANIFEST-000001").read_text() == "my own manifest\n"


def test_a_store_from_before_the_marker_keeps_working(tmp_path: Path, extractor) -> None:
    """A store without the marker (made by an earlier paper-kg) is read as it is and gets
    the marker, with the schema version of schema/paper-kg.ttl, when opened for writing."""
    path = tmp_path / "old"
    build([jsonl(tmp_path / "p.jsonl", papers(2))], f"oxigraph:{path}", extractor=extractor)
    (path / MARKER).unlink()
    with open_store(str(path), "read") as store:
        assert store.counts()["papers"] == 2
    assert not (path / MARKER).exists()
    with open_store(str(path), "write") as store:
        assert store.counts()["papers"] == 2
    marker = json.loads((path / MARKER).read_text())
    assert marker["schema_version"] == SCHEMA_VERSION
    ontology = shipped("kg.schema", "paper-kg.ttl").read_text()
    assert re.search(rf'owl:versionInfo\s+"{SCHEMA_VERSION}"', ontology)


@contextmanager
def read_only(path: Path) -> Iterator[list[str]]:
    """A command prefix under which ``path`` is read-only: a read-only bind mount in a
    private mount namespace when running as root (root ignores file modes), else the
    write permission taken away for the duration."""
    if os.geteuid() != 0:
        items = [path, *path.rglob("*")]
        for item in items:
            item.chmod(item.stat().st_mode & ~0o222)
        try:
            yield []
        finally:
            for item in items:
                item.chmod(item.stat().st_mode | 0o200)
        return
    script = f'mount --bind "{path}" "{path}" && mount -o remount,bind,ro "{path}" && exec "$@"'
    prefix = ["unshare", "-m", "sh", "-c", script, "sh"]
    if shutil.which("unshare") is None or subprocess.run([*prefix, "true"]).returncode != 0:
        pytest.skip("running as root without mount namespaces: no way to make a read-only store")
    yield prefix


def test_a_read_only_store_can_be_queried_and_exported(built: Path, tmp_path: Path) -> None:
    """Queries and exports open the store read-only: they work on a read-only directory and
    change no file of the store (opening it for writing used to rewrite LOG and MANIFEST)."""
    before = listing(built)
    out = tmp_path / "all.json"
    with read_only(built) as prefix:
        query = kg("query", "--store", built, "--named", "top-concepts", "--format", "json",
                   prefix=prefix)
        export = kg("export", "--store", built, "--all", "--format", "json", "-o", out,
                    prefix=prefix)
    assert query.returncode == 0, query.stderr
    assert {row["name"] for row in json.loads(query.stdout)} >= {"BERT", "ImageNet"}
    assert export.returncode == 0, export.stderr
    assert len(json.loads(out.read_text())["nodes"]) > 5
    assert listing(built) == before


# --------------------------------------------------------------------------- 5. I/O errors


@pytest.fixture(scope="module")
def big_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough papers that their JSON Lines overflow a pipe's buffer."""
    path = tmp_path_factory.mktemp("io") / "many.jsonl"
    return jsonl(path, [{"title": f"Paper {i}", "abstract": FILLER * 3} for i in range(1500)])


@pytest.mark.parametrize("case", ["-o /dev/full", "stdout /dev/full", "query > /dev/full",
                                  "export -o /dev/full", "broken pipe", "permission"])
def test_io_errors_are_one_line_and_a_non_zero_exit(
    case: str, big_input: Path, built: Path
) -> None:
    if case == "broken pipe":
        proc = subprocess.Popen([*KG, "ingest", str(big_input)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=ENV, cwd=ROOT, text=True)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.read(100)
        proc.stdout.close()
        stderr, code = proc.stderr.read(), proc.wait(timeout=600)
    else:
        if case == "permission" and not Path("/sys/kernel").is_dir():
            pytest.skip("no /sys to be refused by")
        args: dict[str, list[str | Path]] = {
            "-o /dev/full": ["ingest", big_input, "-o", "/dev/full"],
            "stdout /dev/full": ["ingest", big_input],
            "query > /dev/full": ["query", "--store", built, "--named", "top-concepts"],
            "export -o /dev/full": ["export", "--store", built, "--all", "--format", "graphml",
                                    "-o", "/dev/full"],
            "permission": ["ingest", big_input, "-o", "/sys/kernel/paper-kg.jsonl"],
        }
        with open("/dev/full", "w") as full:
            to = full if case in ("stdout /dev/full", "query > /dev/full") else subprocess.PIPE
            done = kg(*args[case], stdout=to)
        stderr, code = done.stderr, done.returncode
    assert code != 0
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, stderr
    reason = {"broken pipe": "broken pipe", "permission": "Permission denied"}.get(
        case, "No space left on device")
    assert reason in errors[0]


# --------------------------------------------------------------------------- 6. bytes


def test_nul_bytes_reject_their_records_and_keep_the_rest(tmp_path: Path) -> None:
    rows = [f"Paper {i},An abstract about BERT {i}." for i in range(400)]
    rows[1] = "Paper\x00one,NUL in the title within the first 8 KB"
    rows[350] = "Paper 350,a NUL far into the file\x00"
    table = tmp_path / "papers.csv"
    table.write_text("title,abstract\n" + "\n".join(rows) + "\n", "utf-8")
    lines = jsonl(tmp_path / "escaped.jsonl", [{"title": "Good"}, {"title": "Bad\u0000one"}])
    atom = tmp_path / "feed.xml"
    atom.write_bytes(b'<feed xmlns="http://www.w3.org/2005/Atom">\n<entry><title>Fine</title>'
                     b'</entry>\n<entry><title>Bro\x00ken</title></entry>\n<entry><title>After'
                     b"</title></entry>\n</feed>\n")
    binary = tmp_path / "photo.csv"
    binary.write_bytes(random.Random(16).randbytes(60_000))
    records = list(iter_records([table, lines, atom, binary]))
    rejected = {(r.file, r.location.split(" (")[0]) for r in records if isinstance(r, Rejection)}
    assert rejected == {(str(table), "line 3"), (str(table), "line 352"),
                        (str(lines), "line 2"), (str(atom), "entry 2"), (str(binary), "file")}
    found = {r.title for r in records if isinstance(r, Paper)}
    assert len(found) == 398 + 1 + 2 and {"Good", "Fine", "After"} <= found
    assert not any("\x00" in title for title in found)


def _snapshot_line(n: int) -> str:
    return json.dumps({"id": f"https://openalex.org/W{n}", "title": f"Snapshot work {n}",
                       "abstract_inverted_index": {"ViT": [0], "rocks": [1]}}) + "\n"


def test_compressed_inputs_are_read_streaming(tmp_path: Path) -> None:
    """An OpenAlex snapshot part (gzipped JSON Lines named part_000.gz), a .csv.bz2 and a
    .jsonl.xz are read through their compression, also when a directory is walked; a
    truncated part keeps the records before the break."""
    snapshot = tmp_path / "works" / "updated_date=2024-01-01"
    snapshot.mkdir(parents=True)
    with gzip.open(snapshot / "part_000.gz", "wt") as part:
        part.writelines(_snapshot_line(n) for n in range(3))
    (tmp_path / "papers.csv.bz2").write_bytes(bz2.compress(b"title,abstract\nCSV paper,x\n"))
    (tmp_path / "papers.jsonl.xz").write_bytes(lzma.compress(b'{"title": "XZ paper"}\n'))
    records = list(iter_records([tmp_path]))
    assert {r.title for r in records if isinstance(r, Paper)} == {
        "Snapshot work 0", "Snapshot work 1", "Snapshot work 2", "CSV paper", "XZ paper"}
    assert not [r for r in records if isinstance(r, Rejection)]
    whole = gzip.compress("".join(_snapshot_line(n) for n in range(4000)).encode())
    cut = tmp_path / "part_001.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    records = list(iter_records([cut]))
    kept = [r for r in records if isinstance(r, Paper)]
    (broken,) = [r for r in records if isinstance(r, Rejection)]
    assert 0 < len(kept) < 4000 and broken.location == f"line {len(kept) + 1}"
    assert "truncated or corrupt" in broken.message


# --------------------------------------------------------------------------- 7. formulas


def test_spreadsheet_exports_neutralise_formulas(tmp_path: Path, extractor) -> None:
    evil = ["=HYPERLINK(\"http://x\",\"click\")", "+1+2", "-3+cmd", "@SUM(A1)"]
    records = [{"title": title, "abstract": "We fine-tune BERT on GLUE.", "authors": ["@admin"],
                "arxiv_id": f"2403.{i:05d}"} for i, title in enumerate(evil)]
    uri = f"oxigraph:{tmp_path / 'kg'}"
    build([jsonl(tmp_path / "evil.jsonl", records)], uri, extractor=extractor)
    for keep in (False, True):
        out = tmp_path / f"csv-{keep}"
        matrix = tmp_path / f"matrix-{keep}.csv"
        flag = ["--keep-formulas"] if keep else []
        for fmt, target in (("csv", out), ("matrix", matrix)):
            done = kg("export", "--store", uri, "--all", "--format", fmt, "-o", target, *flag)
            assert done.returncode == 0, done.stderr
        import csv as csvlib

        cells = [cell for name in ("nodes.csv", "edges.csv")
                 for row in csvlib.reader((out / name).open()) for cell in row]
        cells += [cell for row in csvlib.reader(matrix.open()) for cell in row]
        for value in [*evil, "@admin"]:
            assert (value in cells) == keep and (("'" + value) in cells) != keep
        assert not keep or not any(c.startswith("'") for c in cells)
        if not keep:
            assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    assert spreadsheet_text("\tx") == "'\tx" and spreadsheet_text("\rx") == "'\rx"
    assert spreadsheet_text("plain -1") == "plain -1" and spreadsheet_text("=1", True) == "=1"
    assert spreadsheet_text("-0.5") == "-0.5" and spreadsheet_text("-1 ") == "'-1 "
    # `kg query --format csv` writes its cells the same way as the CSV exports
    titles = "SELECT ?title WHERE { ?p <http://purl.org/dc/terms/title> ?title } ORDER BY ?title"
    for keep in (False, True):
        flag = ["--keep-formulas"] if keep else []
        done = kg("query", "--store", uri, "--sparql", titles, "--format", "csv", *flag)
        assert done.returncode == 0, done.stderr
        cells = [row[0] for row in csvlib.reader(done.stdout.splitlines()[1:])]
        assert sorted(cells) == sorted(value if keep else "'" + value for value in evil)


# --------------------------------------------------------------------------- 8. fuzzing

READERS = sorted(load_readers())
PIECES = st.sampled_from([
    "\n", "\r\n", "\x00", "\\u0000", "\ufeff", '"', "\\", "{", "}", "[", "]", ",", ":",
    "[" * 2000, '{"a":' * 1200, "]" * 50, "\ud800",
    '{"title": "T", "authors": [{"name": "A"}], "year": 2020}\n',
    '{"id": "https://openalex.org/W1", "title": "W", "abstract_inverted_index": {"a": [0]}}\n',
    '{"paperId": "p", "title": "S", "authors": [{"name": "N"}]}\n',
    '{"paperId": "q", "title": "\\ud800", "venue": "\\udc00", "authors": [{"name": "\\ud801"}]}\n',
    '{"id": "https://openalex.org/W2", "title": "W", "abstract_inverted_index": {"\\ud800": [0]},'
    ' "authorships": [{"author": {"display_name": "\\udc00"}}]}\n',
    '{"results": [', '{"data": [', "title,authors,abstract\n", '"a,""b",c;d,x\n',
    '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>T</title>', "</entry></feed>",
    "@article{k, title={T}, author={A and B}}\n", "@article{k, title={" + "{" * 500,
    "Daily Papers\n", "  • 3 authors\n", "·\n", "Oct 9, 2024 2\n",
])  # fmt: skip
# pieces in any order with some free text among them (kept simple: drawing is most of the cost)
TEXT = st.tuples(st.lists(PIECES, max_size=10), st.text(max_size=30), st.integers(0, 10)).map(
    lambda drawn: "".join([*drawn[0][: drawn[2]], drawn[1], *drawn[0][drawn[2] :]])
)
DATA = st.one_of(TEXT.map(lambda s: s.encode("utf-8", "surrogatepass")), st.binary(max_size=300))
PACK = st.sampled_from([None, gzip.compress, bz2.compress, lzma.compress])


@pytest.fixture(scope="module")
def fuzz_dir() -> Iterator[Path]:
    """Where each example rewrites one file: on tmpfs that costs microseconds, on some disks
    milliseconds (2,000 examples per reader)."""
    shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    path = Path(tempfile.mkdtemp(prefix="kg-fuzz-", dir=shm))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.parametrize("fmt", READERS)
@settings(max_examples=2000, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=DATA, pack=PACK, suffix=st.sampled_from([".json", ".jsonl", ".csv", ".txt", ".bib",
                                                    ".xml", ".gz", ""]))
def test_every_reader_survives_adversarial_input(
    fuzz_dir: Path, fmt: str, data: bytes, pack, suffix: str
) -> None:
    """2,000 seeded examples per reader (deep nesting, NUL, broken escapes, compression):
    only papers and rejections come out, no paper holds a NUL, nothing raises."""
    path = fuzz_dir / f"input{suffix}"
    path.write_bytes(pack(data) if pack else data)
    for record in iter_records([path], fmt, ReadOptions(year=2024)):
        assert isinstance(record, Paper | Rejection)
        if isinstance(record, Paper):  # what `kg ingest` writes: UTF-8 without NUL
            line = json.dumps(record.to_json(), ensure_ascii=False).encode("utf-8")
            assert b"\x00" not in line
        else:
            assert record.file == str(path)
