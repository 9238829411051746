"""Bulk files and sharding, checked against the real stores.

The N-Triples of ``kg export-bulk`` must load into exactly the graph that ``kg build`` writes
into Oxigraph; the neo4j-admin CSVs must be well-formed and referentially whole with the same
counts; and 1/3, 2/3, 3/3 must partition the papers so that the three slices, loaded into one
store, equal the whole. Data: examples/ plus a small deterministic synthetic corpus.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pyoxigraph = pytest.importorskip("pyoxigraph")

from kg.build import build, refresh  # noqa: E402
from kg.bulk import export_bulk  # noqa: E402
from kg.ingest import ingest  # noqa: E402
from kg.mapping.neo4j import ARRAY_DELIMITER, NODE_FILES, RELATIONSHIP_FILES  # noqa: E402
from kg.model import Paper  # noqa: E402
from kg.shard import ShardError, in_shard, parse_shard, shard_of  # noqa: E402
from kg.stores import GraphStore, PaperGraph, open_store  # noqa: E402
from tests.conftest import EXAMPLES, ROOT, NewExtractor, synthetic_module  # noqa: E402

SHARDS = [(1, 3), (2, 3), (3, 3)]


def _synthetic(n: int) -> list[dict]:
    return list(synthetic_module().papers(n, seed=11))


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """examples/ (every format, duplicates across files, citations) + 60 synthetic papers."""
    import json

    files = sorted(p for p in EXAMPLES.iterdir() if p.is_file() and p.name != "README.md")
    if not files:
        pytest.skip("examples/ is empty")
    synth = tmp_path_factory.mktemp("synth") / "synthetic.jsonl"
    synth.write_text("".join(json.dumps(r) + "\n" for r in _synthetic(60)), encoding="utf-8")
    return [*files, synth]


@pytest.fixture(scope="module")
def papers(inputs: list[Path]) -> list[Paper]:
    return ingest(inputs).papers


@pytest.fixture(scope="module")
def built(inputs: list[Path], new_extractor: NewExtractor) -> Iterator[GraphStore]:
    """The reference: `kg build` of the same input into an in-memory Oxigraph store (the
    mentioned vocabulary and its broader chain, as `kg export-bulk` writes it)."""
    store = open_store("oxigraph:")
    build(inputs, store, extractor=new_extractor())
    yield store
    store.close()


@pytest.fixture(scope="module")
def built_full(inputs: list[Path], new_extractor: NewExtractor) -> Iterator[GraphStore]:
    """The reference of sharded outputs and --with-vocabulary: the whole vocabulary (a slice
    cannot know what the others mention)."""
    store = open_store("oxigraph:")
    build(inputs, store, with_vocabulary=True, extractor=new_extractor())
    yield store
    store.close()


def _quads(store: GraphStore) -> set:
    return set(store.store.quads_for_pattern(None, None, None, None))  # type: ignore[attr-defined]


def _load(paths: list[Path], fmt: object, post_load: bool = False) -> GraphStore:
    store = open_store("oxigraph:")
    for path in paths:
        store.store.bulk_load(path=str(path), format=fmt)  # type: ignore[attr-defined]
    if post_load:  # what post-load.sh does: `kg refresh`
        refresh(store)
    return store


# ----------------------------------------------------------------------------- shards


def test_parse_shard() -> None:
    assert parse_shard("2/8") == (2, 8)
    assert parse_shard(" 1 / 1 ") == (1, 1)
    for bad in ("0/3", "4/3", "3", "a/b", "1/0", "-1/3", ""):
        with pytest.raises(ShardError, match="--shard"):
            parse_shard(bad)
    with pytest.raises(ShardError):
        in_shard("doi:10.1/x", 4, 3)


def test_shards_partition_the_papers(papers: list[Paper]) -> None:
    ids = {p.id for p in papers}
    slices = [{pid for pid in ids if in_shard(pid, i, n)} for i, n in SHARDS]
    assert set().union(*slices) == ids
    assert sum(len(s) for s in slices) == len(ids)  # disjoint
    assert all(slices), "every slice should get some of ~90 papers"


def test_shard_is_stable_across_processes(papers: list[Paper]) -> None:
    """Another interpreter with another hash seed must pick the same slices."""
    ids = sorted(p.id for p in papers)[:40]
    code = (
        "import sys; from kg.shard import shard_of; "
        "print(' '.join(str(shard_of(i, 7)) for i in sys.argv[1:]))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code, *ids], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == [str(shard_of(i, 7)) for i in ids]


def test_shards_built_into_one_store_equal_the_whole(
    new_extractor: NewExtractor,
    papers: list[Paper], built_full: GraphStore
) -> None:
    """Writing each slice with the store API (as `kg build --shard` would) into one store."""
    store = open_store("oxigraph:")
    extractor = new_extractor()
    store.write_concepts(i for i in extractor.concepts() if i.source != "coined")
    for index, count in SHARDS:
        selected = [p for p in papers if in_shard(p.id, index, count)]
        graphs = [PaperGraph(p, found.concepts) for p, found in extractor.extract(selected)]
        store.write_papers(graphs)
    store.write_concepts(i for i in extractor.concepts() if i.source == "coined")
    store.refresh_derived(None)
    assert store.counts() == built_full.counts()


# ----------------------------------------------------------------------------- RDF


def test_ntriples_load_to_the_built_graph(
    new_extractor: NewExtractor,
    papers: list[Paper], built: GraphStore, tmp_path: Path
) -> None:
    result = export_bulk(papers, tmp_path, "ntriples", new_extractor())
    loaded = _load([tmp_path / "graph.nt"], pyoxigraph.RdfFormat.N_TRIPLES)
    counts = built.counts()
    assert counts["papers"] == len(papers) and counts["co_occurs"] > 0
    assert loaded.counts() == counts
    assert result.counts == counts
    assert _quads(loaded) == _quads(built)  # the very same triples, not just the counts


def test_nquads_put_the_same_triples_in_one_graph(
    new_extractor: NewExtractor,
    papers: list[Paper], built: GraphStore, tmp_path: Path
) -> None:
    graph = "https://example.org/g/papers"
    export_bulk(papers, tmp_path, "nquads", new_extractor(), graph=graph)
    store = pyoxigraph.Store()
    store.bulk_load(path=str(tmp_path / "graph.nq"), format=pyoxigraph.RdfFormat.N_QUADS)
    quads = list(store.quads_for_pattern(None, None, None, None))
    assert {q.graph_name.value for q in quads} == {graph}
    triples = {(q.subject, q.predicate, q.object) for q in quads}
    assert triples == {(q.subject, q.predicate, q.object) for q in _quads(built)}


def test_ntriples_with_the_whole_vocabulary_on_request(
    new_extractor: NewExtractor,
    papers: list[Paper], built: GraphStore, built_full: GraphStore, tmp_path: Path
) -> None:
    result = export_bulk(papers, tmp_path, "ntriples", new_extractor(), with_vocabulary=True)
    loaded = _load([tmp_path / "graph.nt"], pyoxigraph.RdfFormat.N_TRIPLES)
    assert result.counts == loaded.counts() == built_full.counts()
    assert result.counts["unmentioned_concepts"] > built.counts()["unmentioned_concepts"]
    assert _quads(loaded) == _quads(built_full)


def test_ntriples_write_each_triple_once(
    papers: list[Paper], tmp_path: Path, new_extractor: NewExtractor
) -> None:
    """Concept nodes are written after the papers that mention them: their type triples
    are not repeated."""
    result = export_bulk(papers, tmp_path, "ntriples", new_extractor())
    lines = (tmp_path / "graph.nt").read_text("utf-8").splitlines()
    concept_lines = [line for line in lines if line.startswith("<https://paper-kg.org/id/concept/")]
    assert len(concept_lines) == len(set(concept_lines))
    assert result.triples == len(lines)


def test_ntriples_shards_load_to_the_whole(
    new_extractor: NewExtractor,
    papers: list[Paper], built_full: GraphStore, tmp_path: Path
) -> None:
    for shard in SHARDS:  # three "machines", one shared output directory
        result = export_bulk(papers, tmp_path, "ntriples", new_extractor(), shard=shard)
        assert result.cooccurrence_deferred and result.counts["co_occurs"] == 0
    parts = sorted(tmp_path.glob("graph.part-*-of-3.nt"))
    assert len(parts) == 3
    assert "kg refresh" in (tmp_path / "post-load.sh").read_text("utf-8")
    loaded = _load(parts, pyoxigraph.RdfFormat.N_TRIPLES, post_load=True)
    assert loaded.counts() == built_full.counts()
    assert _quads(loaded) == _quads(built_full)  # the derived figures too


# ----------------------------------------------------------------------------- neo4j-admin


def _typed(value: str, column: str) -> object:
    """Parse a cell as neo4j-admin would by its header type; raises on a bad value."""
    kind = column.partition(":")[2]
    if not value or kind in {"", "ID(Paper)", "ID(Author)", "ID(Concept)", "LABEL", "TYPE"} or \
            kind.startswith(("START_ID", "END_ID", "string")):
        return value
    items = value.split(ARRAY_DELIMITER) if kind.endswith("[]") else [value]
    cast = {"int": int, "double": float}[kind.removesuffix("[]")]
    return [cast(item) for item in items]


def _read_neo4j_csv(directory: Path) -> tuple[dict, dict]:
    """Node ids per ID space (first row wins, like --skip-duplicate-nodes) and relationship
    rows per file, after checking every header and every cell type."""
    nodes: dict[str, dict[str, dict[str, str]]] = {}
    rels: dict[str, list[dict[str, str]]] = {}
    for name in [*NODE_FILES, *RELATIONSHIP_FILES]:
        header_file = directory / f"{name}.header.csv"
        header = next(csv.reader(header_file.open(encoding="utf-8")))
        is_node = name in NODE_FILES
        if is_node:
            assert sum(c.partition(":")[2].startswith("ID(") for c in header) == 1, name
            assert ":LABEL" in header
        else:
            assert header[:3] == [header[0], header[1], ":TYPE"]
            assert header[0].startswith(":START_ID(") and header[1].startswith(":END_ID(")
        parts = sorted(directory.glob(f"{name}.part-*.csv")) or [directory / f"{name}.csv"]
        for part in parts:
            with part.open(encoding="utf-8", newline="") as handle:
                for row in csv.reader(handle):
                    assert len(row) == len(header), f"{part.name}: {row}"
                    for cell, column in zip(row, header, strict=True):
                        _typed(cell, column)
                    record = dict(zip(header, row, strict=True))
                    if is_node:
                        space = header[0].split("(")[1].rstrip(")")
                        nodes.setdefault(space, {}).setdefault(row[0], record)
                    else:
                        rels.setdefault(name, []).append(record)
    return nodes, rels


def _check_integrity(nodes: dict, rels: dict) -> None:
    for name, rows in rels.items():
        for row in rows:
            start, end = list(row)[:2]
            start_space = start.split("(")[1].rstrip(")")
            end_space = end.split("(")[1].rstrip(")")
            assert row[start] in nodes[start_space], f"{name}: no {start_space} {row[start]}"
            assert row[end] in nodes[end_space], f"{name}: no {end_space} {row[end]}"


def _neo4j_counts(nodes: dict, rels: dict) -> dict[str, int]:
    """What Neo4jStore.counts() reports after the import (papers with a title only)."""
    titled = {pid for pid, row in nodes["Paper"].items() if row.get("title")}
    mentioned = {r[":END_ID(Concept)"] for r in rels.get("mentions", [])}
    return {
        "papers": len(titled),
        "authors": len(nodes["Author"]),
        "concepts": len(set(nodes["Concept"]) & mentioned),
        "unmentioned_concepts": len(set(nodes["Concept"]) - mentioned),
        "authored_by": len(rels.get("authored-by", [])),
        "mentions": len(rels.get("mentions", [])),
        "cites": sum(r[":END_ID(Paper)"] in titled for r in rels.get("cites", [])),
        "broader": sum(
            {r[":START_ID(Concept)"], r[":END_ID(Concept)"]} <= mentioned
            for r in rels.get("broader", [])
        ),
        "co_occurs": len(rels.get("co-occurs", [])),
    }


def test_neo4j_csv_headers_integrity_and_counts(
    new_extractor: NewExtractor,
    papers: list[Paper], built: GraphStore, tmp_path: Path
) -> None:
    result = export_bulk(papers, tmp_path, "neo4j-csv", new_extractor())
    nodes, rels = _read_neo4j_csv(tmp_path)
    _check_integrity(nodes, rels)
    for name in NODE_FILES:  # unsharded: no id twice, so no --skip-duplicate-nodes needed
        rows = sum(1 for _ in (tmp_path / f"{name}.csv").open(encoding="utf-8"))
        space = NODE_FILES[name][0].split("(")[1].rstrip(")")
        if name == "papers":
            assert rows == len(papers)
        assert rows <= len(nodes[space])
    assert _neo4j_counts(nodes, rels) == built.counts() == result.counts
    mention = rels["mentions"][0]
    assert mention[":TYPE"] == "MENTIONS" and mention["role"] in {"proposed", "used"}
    script = (tmp_path / "import.sh").read_text("utf-8")
    assert "neo4j-admin database import full" in script and "U+001F" in script
    assert "CREATE CONSTRAINT paper_id" in (tmp_path / "post-load.cypher").read_text("utf-8")


def test_neo4j_csv_shards_merge_to_the_whole(
    new_extractor: NewExtractor,
    papers: list[Paper], built_full: GraphStore, tmp_path: Path
) -> None:
    for shard in SHARDS:
        export_bulk(papers, tmp_path, "neo4j-csv", new_extractor(), shard=shard)
    nodes, rels = _read_neo4j_csv(tmp_path)
    _check_integrity(nodes, rels)
    expected = {**built_full.counts(), "co_occurs": 0}  # left to post-load.cypher
    assert _neo4j_counts(nodes, rels) == expected
    assert "CO_OCCURS" in (tmp_path / "post-load.cypher").read_text("utf-8")
    papers_rows = sum(
        1 for part in tmp_path.glob("papers.part-*.csv") for _ in part.open(encoding="utf-8")
    )
    assert papers_rows == len(papers)  # each paper in exactly one part


def test_unknown_format_is_refused(
    papers: list[Paper], tmp_path: Path, new_extractor: NewExtractor
) -> None:
    with pytest.raises(ValueError, match="neo4j-csv"):
        export_bulk(papers[:1], tmp_path, "turtle", new_extractor())


def test_cli_export_bulk(inputs: list[Path], built: GraphStore, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kg.cli import app

    runner = CliRunner()
    out = tmp_path / "nt"
    done = runner.invoke(app, ["export-bulk", *map(str, inputs), "--format", "ntriples",
                               "-o", str(out)])
    assert done.exit_code == 0, done.output
    loaded = _load([out / "graph.nt"], pyoxigraph.RdfFormat.N_TRIPLES)
    assert loaded.counts() == built.counts()
    bad = runner.invoke(app, ["export-bulk", str(inputs[0]), "--format", "ntriples",
                              "-o", str(out), "--shard", "4/3"])
    assert bad.exit_code == 2 and "between 1 and 3" in bad.output
    assert "Traceback" not in bad.output
    missing = runner.invoke(app, ["export-bulk", str(tmp_path / "nope.jsonl"), "-o", str(out)])
    assert missing.exit_code == 2 and "no such file" in missing.output


def test_cli_stream_equals_merged_for_deduplicated_input(
    inputs: list[Path], tmp_path: Path
) -> None:
    """--stream (no merging, constant memory) writes the same files for input without
    duplicates; for the example files, which repeat papers, it skips the repeats."""
    from typer.testing import CliRunner

    from kg.cli import app

    synthetic = inputs[-1]
    runner = CliRunner()
    for mode in ("merged", "stream"):
        args = ["export-bulk", str(synthetic), "-f", "ntriples", "-o", str(tmp_path / mode)]
        done = runner.invoke(app, args + (["--stream"] if mode == "stream" else []))
        assert done.exit_code == 0, done.output
    merged = (tmp_path / "merged" / "graph.nt").read_text("utf-8").splitlines()
    streamed = (tmp_path / "stream" / "graph.nt").read_text("utf-8").splitlines()
    assert sorted(merged) == sorted(streamed) and len(merged) > 1000
    repeated = runner.invoke(app, ["export-bulk", *map(str, inputs[:-1]), "-o",
                                   str(tmp_path / "rep"), "--stream"])
    assert repeated.exit_code == 0, repeated.output
    assert "duplicate papers skipped" in repeated.output
