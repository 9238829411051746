"""`kg.build.build` end to end on examples/: real readers, the real Extractor, real stores."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from kg.build import build
from kg.ingest import ingest
from kg.queries import run_named
from kg.stores import PaperGraph, WriteStats, open_store
from kg.stores.oxigraph import OxigraphStore
from tests.conftest import EXAMPLES, NewExtractor

pytest.importorskip("kg.extract.pipeline", reason="the extractor is not available")


def dump(uri: str) -> set[tuple]:
    with open_store(uri) as store:
        return {tuple(r) for r in store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }").rows}


def counts(uri: str) -> dict[str, int]:
    with open_store(uri) as store:
        return store.counts()


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, int], set[tuple]]:
    """examples/ built once into a fresh store: (uri, counts, triples). The one build here
    that loads its own extractor (the others share the session's pipeline)."""
    uri = f"oxigraph:{tmp_path_factory.mktemp('clean') / 'kg'}"
    result = build([EXAMPLES], uri)
    assert result.before == dict.fromkeys(result.before, 0)
    return uri, result.after, dump(uri)


def test_build_writes_every_ingested_paper(clean) -> None:
    uri, after, _ = clean
    papers = ingest([EXAMPLES]).papers
    assert after["papers"] == len(papers)
    assert after["authors"] > 0 and after["mentions"] > 0 and after["co_occurs"] > 0
    with open_store(uri) as store:
        ids = {r[0] for r in store.query(
            "SELECT ?id WHERE { ?p a pkg:Paper ; dcterms:identifier ?id }").rows}
    assert ids == {p.id for p in papers}


def test_building_again_changes_nothing(clean, tmp_path: Path, new_extractor: NewExtractor) -> None:
    uri, after, triples = clean
    copy = tmp_path / "kg"
    shutil.copytree(uri.removeprefix("oxigraph:"), copy)
    result = build([EXAMPLES], f"oxigraph:{copy}", extractor=new_extractor())
    assert result.before == after
    assert result.after == after
    assert result.new_papers == 0
    assert result.added() == dict.fromkeys(after, 0)
    assert dump(f"oxigraph:{copy}") == triples


def test_adding_files_adds_only_whats_new(
    clean, tmp_path: Path, new_extractor: NewExtractor
) -> None:
    uri = f"oxigraph:{tmp_path / 'kg'}"
    first = build([EXAMPLES / "papers.jsonl"], uri, extractor=new_extractor())
    assert 0 < first.after["papers"] < clean[1]["papers"]
    second = build([EXAMPLES / "papers.jsonl", EXAMPLES / "arxiv.xml"], uri,
                   extractor=new_extractor())
    assert second.before == first.after
    assert second.new_papers == second.after["papers"] - first.after["papers"]
    assert second.new_papers < second.papers  # the JSONL papers were already present


def test_interrupted_build_converges(clean, tmp_path: Path, new_extractor: NewExtractor) -> None:
    uri = f"oxigraph:{tmp_path / 'kg'}"

    class Crash(BaseException):  # not an Exception: a refused write would be retried
        pass

    class Flaky(OxigraphStore):
        """A real Oxigraph store whose third batch write dies (as a killed process would)."""

        writes = 0

        def write_papers(self, batch: Sequence[PaperGraph]) -> WriteStats:
            Flaky.writes += 1
            if Flaky.writes == 3:
                raise Crash("power cut")
            return super().write_papers(batch)

    store = Flaky.open(uri)
    with pytest.raises(Crash):
        build([EXAMPLES], store, batch_size=4, extractor=new_extractor())
    partial = store.counts()
    store.close()
    assert 0 < partial["papers"] < clean[1]["papers"]
    result = build([EXAMPLES], uri, batch_size=4, extractor=new_extractor())
    assert result.after == clean[1]
    assert dump(uri) == clean[2]


def test_rdflib_store_builds_the_same_graph(tmp_path: Path, new_extractor: NewExtractor) -> None:
    source = [EXAMPLES / "papers.jsonl"]  # rdflib is for small graphs: keep it quick
    reference = build(source, "oxigraph:" + str(tmp_path / "ox"), extractor=new_extractor())
    path = tmp_path / "kg.ttl"
    result = build(source, f"rdflib:{path}", batch_size=7, extractor=new_extractor())
    assert result.after == reference.after
    assert dump(f"rdflib:{path}") == dump("oxigraph:" + str(tmp_path / "ox"))


def test_progress_and_rejections(tmp_path: Path, new_extractor: NewExtractor) -> None:
    bad = tmp_path / "in"
    bad.mkdir()
    shutil.copy(EXAMPLES / "papers.jsonl", bad / "papers.jsonl")
    (bad / "broken.jsonl").write_text('{"title": "ok paper", "year": 2020}\nnot json\n')
    seen: list[tuple[int, int]] = []
    read: list[int] = []
    rejected = []
    result = build([bad], "oxigraph:", batch_size=2, progress=lambda d, t: seen.append((d, t)),
                   on_rejection=rejected.append, reading=read.append, extractor=new_extractor())
    assert result.rejections and rejected == result.rejections
    assert read and read[-1] == result.records and read == sorted(read)
    total = result.papers
    assert seen[0] == (0, total) and seen[-1] == (total, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert result.after["papers"] == total


def test_a_paper_coming_back_with_a_stronger_id_keeps_its_node(
    tmp_path: Path, new_extractor: NewExtractor
) -> None:
    """First seen by title only (a Daily Papers page), later with its arXiv id and DOI:
    still one paper, under its first id, now carrying the ids."""
    title = "Gated Widget Networks for Sparse Retrieval"
    page = tmp_path / "page.jsonl"
    page.write_text(f'{{"title": "{title}", "abstract": "We propose GWN, a model."}}\n')
    later = tmp_path / "later.jsonl"
    later.write_text(
        f'{{"title": "{title}", "abstract": "We propose GWN, a model.", '
        '"arxiv_id": "2401.99999", "doi": "10.9999/gwn.1", "year": 2024}\n'
    )
    uri = f"oxigraph:{tmp_path / 'kg'}"
    first = build([page], uri, extractor=new_extractor())
    second = build([later], uri, extractor=new_extractor())
    assert second.after["papers"] == first.after["papers"] == 1
    assert second.new_papers == 0
    with open_store(uri) as store:
        rows = run_named(store, "paper-id", {"arxiv": "2401.99999"}).rows
        stored = run_named(store, "paper-id", {"title": title}).rows
    assert rows == stored and len(rows) == 1
    assert str(rows[0][0]).startswith("title:")


_CONCEPTS = """
SELECT ?id (EXISTS { ?p schema:mentions ?c } AS ?mentioned) WHERE {
  ?c a pkg:Concept ; dcterms:identifier ?id
}"""
_BROADER = """
SELECT ?a ?b WHERE { ?x skos:broader ?y . ?x dcterms:identifier ?a . ?y dcterms:identifier ?b }
"""
_SAME_ROWS = [
    ("top-concepts", {"limit": 1000}),
    ("papers-by-concept", {"concept": "Transformer"}),
    ("concepts-under", {"concept": "Transformer"}),
    ("concept-trend", {"concept": "Transformer"}),
    ("search", {"text": "net", "limit": 1000}),
    ("top-cooccurring", {"limit": 1000}),
    ("ego-network", {"node": "concept:transformer", "hops": 2, "limit": 100_000}),
    ("node-degree", {"node": "concept:transformer"}),
]


def test_a_build_writes_the_mentioned_vocabulary_and_its_broader_chain(clean) -> None:
    """Of the 2,500-concept vocabulary only what papers mention is written, and the concepts
    above those (the chain "papers about X" walks); "concepts" counts the mentioned ones."""
    uri, after, _ = clean
    with open_store(uri) as store:
        rows = store.query(_CONCEPTS).rows
        broader = [(str(a), str(b)) for a, b in store.query(_BROADER).rows]
    mentioned = {str(cid) for cid, is_mentioned in rows if is_mentioned}
    above: set[str] = set()
    todo = list(mentioned)
    while todo:
        node = todo.pop()
        for a, b in broader:
            if a == node and b not in above:
                above.add(b)
                todo.append(b)
    assert {str(cid) for cid, _ in rows} == mentioned | above
    assert after["concepts"] == len(mentioned)
    assert 0 < after["unmentioned_concepts"] == len(above - mentioned) < 100


def test_the_whole_vocabulary_on_request_gives_the_same_answers(
    clean, tmp_path: Path, new_extractor: NewExtractor
) -> None:
    """--with-vocabulary (or a store built before, holding all of it) writes every
    vocabulary concept; counts of mentioned concepts and every query's rows stay the same,
    and a later build deletes none of them."""
    uri, after, _ = clean
    full = f"oxigraph:{tmp_path / 'full'}"
    result = build([EXAMPLES], full, with_vocabulary=True, extractor=new_extractor())
    assert result.after["unmentioned_concepts"] > 2000
    assert {k: v for k, v in result.after.items() if k != "unmentioned_concepts"} == {
        k: v for k, v in after.items() if k != "unmentioned_concepts"
    }
    with open_store(uri) as lean, open_store(full) as whole:
        for name, params in _SAME_ROWS:
            assert run_named(lean, name, params).rows == run_named(whole, name, params).rows, name
    # a default build over it: nothing is taken away
    again = build([EXAMPLES], full, extractor=new_extractor())
    assert again.after == result.after
