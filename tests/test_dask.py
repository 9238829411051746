"""`kg export-bulk --dask` on a LocalCluster of two worker processes equals one machine.

Inputs: examples/ (every format, duplicates across files, citations, ORCIDs), a synthetic
corpus in four files and formats that repeat each other's papers (one gzipped), and records
made to exercise merging: a title shared by papers with different DOIs, a record bridging
two papers, a chain of four records that takes several rounds to find as one component,
author identities across files (and a name two ORCIDs keep apart), a citation by OpenAlex
id, and one invalid JSON line. The Dask output, loaded, must be the store `kg build` makes
of the same inputs (Oxigraph: the very same triples; Bolt: the same counts and named-query
rows), and the neo4j-admin rows must be the single-machine export's, also with two papers
that end up with one id. A worker killed during extraction must not change a byte.

The gzipped file is read as plain text by the single-machine references (same path, before
it is compressed), until kg/readers read compressed files themselves.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest.importorskip("distributed")
pyoxigraph = pytest.importorskip("pyoxigraph")

from distributed import Client  # noqa: E402

from kg.build import build  # noqa: E402
from kg.bulk import NODE_FILES, RELATIONSHIP_FILES, export_bulk  # noqa: E402
from kg.distributed.cluster import connect  # noqa: E402
from kg.distributed.job import DaskExport, export_bulk_dask  # noqa: E402
from kg.ingest import stream_papers  # noqa: E402
from kg.mapping.terms import paper_iri  # noqa: E402
from kg.stores import GraphStore, open_store  # noqa: E402
from tests.conftest import EXAMPLES, NewExtractor, synthetic_module  # noqa: E402

BAD_LINE = "{not json"
ORCID_A, ORCID_B, ORCID_C = "0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-9079-593X"
TRICKY = [
    [  # tricky-1.jsonl
        {"title": "Shared Title Study", "doi": "10.1/one", "abstract": "We use the Transformer.",
         "authors": [{"name": "Ashish Vaswani", "orcid": ORCID_A}]},
        {"title": "Shared Title Study", "doi": "10.1/two", "abstract": "BERT on GLUE.",
         "authors": [{"name": "Wei Li", "orcid": ORCID_B}]},
        {"title": "Chain End", "arxiv_id": "2401.00003", "references": ["10.1/one", "openalex:W77"],
         "abstract": "We fine-tune ResNet-50 on ImageNet."},
        {"title": "Bridge Paper A", "arxiv_id": "2401.00001", "authors": ["Wei Li"]},
    ],
    [  # tricky-2.jsonl
        {"title": "Chain Start", "abstract": "The Vision Transformer (ViT) on CIFAR-10."},
        {"title": "Shared Title Study",
         "abstract": "A longer abstract: ResNet, ImageNet and the Transformer architecture."},
        {"title": "Bridge Paper B", "doi": "10.1/bridge", "authors": ["A. Vaswani"]},
        {"title": "Bridge Paper A again", "doi": "10.1/bridge", "arxiv_id": "2401.00001"},
        {"title": "Chain Start", "doi": "10.1/chain"},
        {"title": "Chain Middle", "doi": "10.1/chain", "arxiv_id": "2401.00003"},
        {"title": "Second Person", "authors": [{"name": "Ashish Vaswani"}],
         "external_ids": {"openalex": "W77"}, "abstract": "We propose GlowNet, a new model."},
        {"title": "Another Wei", "authors": [{"name": "Wei Li", "orcid": ORCID_C}]},
    ],
]
TWINS = [  # one DOI, two arXiv ids: two papers with one id; the bulk writers keep the first
    {"title": "Twin", "doi": "10.1/twin", "arxiv_id": "2402.00001", "abstract": "GPT-2 on GLUE."},
    {"title": "Twin revised", "doi": "10.1/twin", "arxiv_id": "2402.00002",
     "abstract": "We propose TwinNet on GLUE."},
]


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    directory = tmp_path_factory.mktemp("dask-inputs")
    module = synthetic_module()
    records = list(module.papers(140, seed=11))
    files = []
    for name, fmt, chosen in [("synth-a.jsonl", "jsonl", records[0:60]),
                              ("synth-b.jsonl", "openalex", records[40:100]),
                              ("synth-c.bib", "bibtex", records[85:125]),
                              ("synth-d.jsonl.gz", "jsonl", records[110:140])]:
        with (directory / name).open("w", encoding="utf-8") as out:
            module.write(iter(chosen), fmt, out)
        files.append(directory / name)
    with files[0].open("a", encoding="utf-8") as out:
        out.write(BAD_LINE + "\n")  # line 61: reported once, the rest still read
    examples = sorted(p for p in EXAMPLES.iterdir() if p.is_file() and p.name != "README.md")
    tricky = [_jsonl(directory / f"tricky-{i}.jsonl", part) for i, part in enumerate(TRICKY, 1)]
    return [*examples, *files, *tricky]


def _gzipped(inputs: list[Path]) -> Path:
    return next(path for path in inputs if path.name.endswith(".gz"))


def _compress(path: Path) -> None:
    """Compress in place (same path, so the records' sources are the same)."""
    data = path.read_bytes()
    if not data.startswith(b"\x1f\x8b"):
        path.write_bytes(gzip.compress(data, mtime=0))


@pytest.fixture(scope="module")
def built(inputs: list[Path], new_extractor: NewExtractor) -> Iterator[GraphStore]:
    """The reference: `kg build` of the (plain) inputs into an in-memory Oxigraph store
    (the mentioned vocabulary and its broader chain, as every bulk output holds it)."""
    store = open_store("oxigraph:")
    build(inputs, store, extractor=new_extractor())
    _compress(_gzipped(inputs))
    yield store
    store.close()


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """`--dask local:2`: two worker processes and a scheduler process on this machine."""
    with connect("local:2") as connected:
        yield connected


def _quads(store: GraphStore) -> set:
    return set(store.store.quads_for_pattern(None, None, None, None))  # type: ignore[attr-defined]


def _lines(directory: Path, pattern: str) -> Counter[str]:
    return Counter(line for path in sorted(directory.glob(pattern))
                   for line in path.read_text("utf-8").splitlines())


@pytest.fixture(scope="module")
def ntriples(client: Client, inputs: list[Path], built: GraphStore,
             tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DaskExport, list[str]]:
    """The N-Triples of the inputs, from a job during which the worker running an
    extraction task is killed (SIGKILL), as soon as extraction starts: the scheduler runs
    its tasks again and recomputes what it held from the inputs. The plain JSON Lines files
    are read in byte ranges of 8 KiB (64 MiB by default), cut inside records (each range
    is a few tasks of Dask's own overhead: more ranges test nothing more, tests/test_spans.py
    checks the cutting itself)."""
    out = tmp_path_factory.mktemp("dask-nt")
    rejections: list = []
    killed: list[str] = []
    ranges: list[int] = []

    def kill_when_extracting(stage: str, done: int, total: int) -> None:
        if stage == "counting" and not done:
            ranges.append(total)
        if stage != "extracting" or done:
            return
        # the worker running an extraction task; on a machine too busy to catch one in
        # time (the merge before it can take minutes), any worker: it holds what the
        # extraction reads, so the scheduler must recompute it either way
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            busy = [worker for worker, keys in client.processing().items()
                    if any("extract_partition" in str(key) for key in keys)]
            if busy:
                break
            time.sleep(0.01)
        worker = (busy or sorted(client.scheduler_info()["workers"]))[0]
        os.kill(client.run(os.getpid, workers=[worker])[worker], signal.SIGKILL)
        killed.append(worker)

    export = export_bulk_dask(client, inputs, out, "ntriples", on_rejection=rejections.append,
                              progress=kill_when_extracting, range_bytes=8192)
    assert rejections == export.rejections
    synth_a = next(path for path in inputs if path.name == "synth-a.jsonl")
    assert ranges[0] > synth_a.stat().st_size // 8192 >= 10  # synth-a alone: >= 10 ranges
    client.wait_for_workers(2, timeout=120)
    return out, export, killed


def test_ntriples_load_to_the_built_graph(ntriples: tuple[Path, DaskExport, list[str]],
                                          built: GraphStore) -> None:
    out, export, _ = ntriples
    loaded = open_store("oxigraph:")
    for part in sorted(out.glob("graph.part-dask-*.nt")):
        loaded.store.bulk_load(path=str(part), format=pyoxigraph.RdfFormat.N_TRIPLES)  # type: ignore[attr-defined]
    counts = built.counts()
    assert counts["papers"] > 150 and counts["co_occurs"] > 0 and counts["cites"] > 0
    assert loaded.counts() == counts == export.result.counts
    assert _quads(loaded) == _quads(built)  # derived figures included: no `kg refresh`
    assert not list(out.glob("*.tmp")) and not (out / "post-load.sh").exists()


def test_merging_rules_as_on_one_machine(ntriples: tuple[Path, DaskExport, list[str]],
                                         built: GraphStore) -> None:
    """The tricky records merged as kg/merge.py says (and so as the build, checked above)."""
    lines = _lines(ntriples[0], "graph.part-dask-papers-*.nt")
    text = "\n".join(lines)
    chain = f"<{paper_iri('doi:10.1/chain')}>"
    assert text.count('<https://paper-kg.org/schema#arxivId> "2401.00003"') == 1  # one paper
    assert f'{chain} <http://purl.org/dc/terms/title> "Chain Start" .' in lines
    assert '"Chain Middle"' not in text and '"Chain End"' not in text
    for doi in ("10.1/one", "10.1/two", "10.1/bridge"):  # one title, two DOIs: two papers
        assert f'<http://purl.org/ontology/bibo/doi> "{doi}"' in text
    assert f"author/orcid:{ORCID_A}" in text and "author/name:ashish-vaswani" not in text
    assert "author/name:wei-li" in text  # two ORCIDs under one name: the bare name stays
    cites = [line.split()[2] for line in lines
             if line.startswith(f"{chain} <http://purl.org/spar/cito/cites>")]
    assert f"<{paper_iri('doi:10.1/one')}>" in cites
    assert any(c.startswith("<https://paper-kg.org/id/paper/title:") for c in cites)  # W77


def test_a_bad_record_is_reported_once_with_its_line(ntriples: tuple[Path, DaskExport, list[str]],
                                                     inputs: list[Path]) -> None:
    synth_a = next(path for path in inputs if path.name == "synth-a.jsonl")
    assert [str(r) for r in ntriples[1].rejections] == [
        f"{synth_a}: line 61: invalid JSON: Expecting property name enclosed in double quotes"]


def test_a_worker_killed_during_extraction_changed_nothing(
    ntriples: tuple[Path, DaskExport, list[str]], built: GraphStore
) -> None:
    """The output of the job whose worker was killed is the build's graph (checked triple
    by triple above); here: a worker was killed while it extracted."""
    assert ntriples[2], "no worker was extracting while the job ran"


# ----------------------------------------------------------------------------- neo4j-admin


def _csv_rows(directory: Path) -> dict[str, Counter[str]]:
    """Data rows of every neo4j-admin file, whatever the parts they are in."""
    rows = {}
    for name in [*NODE_FILES, *RELATIONSHIP_FILES]:
        rows[name] = _lines(directory, f"{name}.csv") + _lines(directory, f"{name}.part-*.csv")
    return rows


@pytest.fixture(scope="module")
def neo4j_csv(client: Client, inputs: list[Path], built: GraphStore,
              tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The CLI with --dask SCHEDULER-ADDRESS: neo4j-admin files of the inputs (plain JSON
    Lines files read in 16 KiB ranges)."""
    from typer.testing import CliRunner

    from kg.cli import app

    out = tmp_path_factory.mktemp("dask-csv")
    args = ["export-bulk", *map(str, inputs), "-f", "neo4j-csv", "-o", str(out),
            "--dask", client.scheduler.address, "--range-size", "16K"]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 1, done.output  # 1: a record was rejected
    assert done.output.count("line 61: invalid JSON") == 1 and "Traceback" not in done.output
    return out


@contextmanager
def _plain(inputs: list[Path]) -> Iterator[None]:
    """The gzipped input as plain text for a while, for the single-machine readers."""
    gz = _gzipped(inputs)
    compressed = gz.read_bytes()
    gz.write_bytes(gzip.decompress(compressed))
    try:
        yield
    finally:
        gz.write_bytes(compressed)


def test_neo4j_csv_rows_equal_the_single_machine_export(
    new_extractor: NewExtractor,
    neo4j_csv: Path, inputs: list[Path], tmp_path: Path
) -> None:
    with _plain(inputs):
        export_bulk(stream_papers(inputs), tmp_path, "neo4j-csv", new_extractor())
    dask_rows, single_rows = _csv_rows(neo4j_csv), _csv_rows(tmp_path)
    assert sum(dask_rows["papers"].values()) > 150
    for name in single_rows:
        assert dask_rows[name] == single_rows[name], name
    assert (neo4j_csv / "import.sh").exists()
    assert "CO_OCCURS" not in (neo4j_csv / "post-load.cypher").read_text("utf-8")


def test_two_papers_with_one_id_as_on_one_machine(
    client: Client, tmp_path: Path, new_extractor: NewExtractor
) -> None:
    """One DOI, two arXiv ids: two papers with one id; the first is written, as the
    single-machine export does (`kg build` would keep the last), and both are extracted."""
    twins = _jsonl(tmp_path / "twins.jsonl", TWINS)
    export = export_bulk_dask(client, [twins], tmp_path / "dask", "neo4j-csv")
    export_bulk(stream_papers([twins]), tmp_path / "single", "neo4j-csv", new_extractor())
    assert export.result.skipped_duplicates == 1 and export.result.counts["papers"] == 1
    assert _csv_rows(tmp_path / "dask") == _csv_rows(tmp_path / "single")
    assert "concept:twinnet" in "".join(_csv_rows(tmp_path / "dask")["concepts"])


def test_two_papers_that_share_only_a_title_as_on_one_machine(
    client: Client, tmp_path: Path, new_extractor: NewExtractor
) -> None:
    """Same title, years and authors apart: two papers with ids of their own ('~2'), both
    written by Dask as on one machine."""
    editorials = _jsonl(tmp_path / "editorials.jsonl", [
        {"title": "Foreword", "abstract": "GPT-2 on GLUE.", "year": 2003, "authors": ["I. Marsh"]},
        {"title": "Foreword", "abstract": "BERT on GLUE.", "year": 2019, "authors": ["O. Brandt"]},
    ])
    export = export_bulk_dask(client, [editorials], tmp_path / "dask", "neo4j-csv")
    export_bulk(stream_papers([editorials]), tmp_path / "single", "neo4j-csv", new_extractor())
    assert export.result.skipped_duplicates == 0 and export.result.counts["papers"] == 2
    assert _csv_rows(tmp_path / "dask") == _csv_rows(tmp_path / "single")


@pytest.fixture(scope="module")
def bolt(request: pytest.FixtureRequest):  # -> BoltServer
    from tests.servers import ServerStartError

    try:
        return request.getfixturevalue("bolt_server")
    except ServerStartError as exc:
        pytest.skip(f"no Bolt server (ArcadeDB did not start: {str(exc).splitlines()[0]})")


def test_neo4j_csv_imported_over_bolt_equals_the_build(
    new_extractor: NewExtractor,
    neo4j_csv: Path, inputs: list[Path], bolt, bolt_driver, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The Dask files, imported as neo4j-admin would (tests/neo4j_import.py), give the
    counts and the rows of every named query that `kg build` into the same server gives."""
    from tests.neo4j_import import import_csv
    from tests.test_parity import _param_sets, _rows

    monkeypatch.setenv("NEO4J_USERNAME", bolt.user)
    monkeypatch.setenv("NEO4J_PASSWORD", bolt.password)
    store = open_store(f"{bolt.uri}?database={bolt.database}")
    try:
        store.clear()
        with _plain(inputs):
            build(inputs, store, extractor=new_extractor())
        expected_counts = store.counts()
        cases = [(name, params) for name, sets in _param_sets(store).items() for params in sets]
        expected = [_rows(store, name, params) for name, params in cases]
        store.clear()
        import_csv(bolt_driver, bolt.database, neo4j_csv)
        assert store.counts() == expected_counts
        for (name, params), rows in zip(cases, expected, strict=True):
            assert _rows(store, name, params) == rows, f"{name} {params}"
    finally:
        store.clear()
        store.close()


def test_each_worker_loads_the_pipeline_once(
    client: Client, ntriples: tuple[Path, DaskExport, list[str]], tmp_path: Path
) -> None:
    """A worker keeps the extractor it loaded for its first task, for every later task and
    job: the same object before and after another export."""
    from kg.distributed import concepts

    def loaded() -> list[int]:
        return [id(extractor) for extractor in concepts._EXTRACTORS.values()]

    before = client.run(loaded)
    export_bulk_dask(client, [_jsonl(tmp_path / "twins.jsonl", TWINS)], tmp_path / "out",
                     "ntriples")
    after = client.run(loaded)
    assert any(before.values()) and all(len(ids) <= 1 for ids in after.values())
    assert all(after[worker] == ids for worker, ids in before.items() if ids)


def test_sizes_of_ranges() -> None:
    from kg.cli.cmd_export_bulk import parse_size

    assert [parse_size(s) for s in ("64M", "512k", "1G", "4096", "2KiB", "3mb")] == [
        64 << 20, 512 << 10, 1 << 30, 4096, 2048, 3 << 20]
    for bad in ("", "M", "-1K", "0", "12Q", "1.5M"):
        with pytest.raises(ValueError):
            parse_size(bad)


def test_curation_applied_as_kg_build_applies_it(
    client: Client, inputs: list[Path], tmp_path: Path, new_extractor: NewExtractor,
) -> None:
    """`kg export-bulk --dask --curation FILE` writes the graph `kg build --curation FILE`
    builds: every decision kind, identity ones (merging, authors) included."""
    from kg.curation import Curation, Decision
    from kg.model import Paper
    from tests.test_curation_backends import DECISIONS

    curation, _ = Curation.load(tmp_path / "curation.csv")
    for decision in [
        *DECISIONS,
        Decision("stop-concept", concept="concept:imagenet"),
        Decision("same-paper", paper=Paper(title="Second Person").id,
                 target=Paper(title="Another Wei").id),
        Decision("different-papers", paper="doi:10.1/one",
                 target=Paper(title="Shared Title Study").id),
        Decision("merge-authors", author="name:a-vaswani", target=f"orcid:{ORCID_A}"),
        Decision("split-author", author="name:wei-li", value="arxiv:2401.00001"),
    ]:
        curation.record(decision)
    reference = open_store("oxigraph:")
    result = build(inputs, reference, extractor=new_extractor(), curation=curation)
    assert result.unused == []  # every decision changes something here
    out = tmp_path / "nt"
    export = export_bulk_dask(client, inputs, out, "ntriples", curation=curation)
    loaded = open_store("oxigraph:")
    for part in sorted(out.glob("graph.part-dask-*.nt")):
        loaded.store.bulk_load(path=str(part), format=pyoxigraph.RdfFormat.N_TRIPLES)  # type: ignore[attr-defined]
    assert loaded.counts() == reference.counts() == export.result.counts
    assert _quads(loaded) == _quads(reference)


def test_cli_refuses_what_a_cluster_cannot_mean(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kg.cli import app

    source = _jsonl(tmp_path / "one.jsonl", TWINS[:1])
    runner = CliRunner()
    both = runner.invoke(app, ["export-bulk", str(source), "-o", str(tmp_path / "o"),
                               "--dask", "local:2", "--shard", "1/2"])
    assert both.exit_code == 2 and "cannot be combined" in both.output
    bad = runner.invoke(app, ["export-bulk", str(source), "-o", str(tmp_path / "o"),
                              "--dask", "local:two"])
    assert bad.exit_code == 2 and "whole number" in bad.output
    size = runner.invoke(app, ["export-bulk", str(source), "-o", str(tmp_path / "o"),
                               "--dask", "local:2", "--range-size", "huge"])
    assert size.exit_code == 2 and "is not a size" in size.output
    assert "Traceback" not in both.output + bad.output + size.output
