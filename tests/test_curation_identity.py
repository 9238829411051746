"""Identity decisions (same-paper, different-papers, merge-authors, split-author): stored in
the curation file, applied when a store is built from the inputs (ingest and merging) and to
an existing store at once (its touched papers rebuilt from their source records: the same
graph as a fresh build, on every backend), gone after undo. Also the CLI: `kg curate
apply|list|undo|export` and `kg build --curation`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.build import build
from kg.curation import Curation, Decision, apply_to_store, store_problem
from kg.curation.store import stored_tags
from kg.curation.transform import Applied
from kg.details import details
from kg.ingest import ingest
from kg.stores import GraphStore, open_store
from tests.conftest import ROOT, NewExtractor

RECORDS = [
    {"title": "Sparse Lattice Networks", "arxiv_id": "2401.00001",
     "authors": ["Ines Moreau", "J. Okafor"],
     "abstract": "We propose Sparse Lattice Networks for image classification on ImageNet."},
    {"title": "Sparse Lattice Networks for Vision", "doi": "10.1000/sln",
     "authors": ["Ines Moreau"], "abstract": "The journal version of Sparse Lattice Networks."},
    {"title": "A Survey of Lattice Methods", "doi": "10.1000/survey-a",
     "authors": ["Joseph Okafor"], "abstract": "We survey lattice methods."},
    # the same first author and year: nothing tells the two surveys apart but a curator
    {"title": "A Survey of Lattice Methods", "arxiv_id": "2402.00002",
     "authors": ["Joseph Okafor", "Wei Chen"],
     "abstract": "Another survey that happens to share the title."},
    {"title": "Graph Kernels Revisited", "arxiv_id": "2403.00003",
     "authors": ["Wei Chen"], "abstract": "We revisit graph kernels with the Transformer.",
     "references": ["arxiv:2401.00001", "arxiv:2402.00002"]},
]
CASES = {
    "same-paper": Decision("same-paper", paper="arxiv:2401.00001", target="doi:10.1000/sln",
                           why="preprint and journal version"),
    "different-papers": Decision("different-papers", paper="doi:10.1000/survey-a",
                                 target="arxiv:2402.00002", why="two surveys, one title"),
    "merge-authors": Decision("merge-authors", author="name:j-okafor",
                              target="name:joseph-okafor"),
    "split-author": Decision("split-author", author="name:wei-chen", value="arxiv:2403.00003",
                             why="a different Wei Chen"),
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "input" / "papers.jsonl"
    path.parent.mkdir()
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    return path


def shape(papers: list) -> dict[str, list[str]]:
    """Paper id -> its author ids: what identity decisions change."""
    return {paper.id: sorted(a.id for a in paper.authors) for paper in papers}


def holds(kind: str, graph: dict[str, list[str]]) -> bool:
    if kind == "same-paper":
        return len({"doi:10.1000/sln", "arxiv:2401.00001"} & set(graph)) == 1
    if kind == "different-papers":
        return {"doi:10.1000/survey-a", "arxiv:2402.00002"} <= set(graph)
    if kind == "merge-authors":
        return all("name:j-okafor" not in authors for authors in graph.values())
    return any(a.startswith("name:wei-chen~") for a in graph.get("arxiv:2403.00003", []))


def store_shape(uri: str) -> dict[str, list[str]]:
    with open_store(uri, "read") as store:
        return store_shape_of(store)


def store_shape_of(store: GraphStore) -> dict[str, list[str]]:
    ids = [str(row[0]) for row in store.query(PAPER_IDS[store.dialect]).rows]
    found: dict[str, list[str]] = {paper: [] for paper in ids}
    for row in details(store, "details.authorships", ids):
        found[str(row["paper"])].append(str(row["author"]))
    return {paper: sorted(authors) for paper, authors in found.items()}


PAPER_IDS = {"sparql": "SELECT ?id WHERE { ?p a pkg:Paper ; dcterms:identifier ?id ; "
                       "dcterms:title ?t }",
             "cypher": "MATCH (p:Paper) WHERE p.title IS NOT NULL RETURN p.id AS id"}


def dump(store: GraphStore, names: bool = True) -> dict:
    """All a store holds of its papers (fields, authors in order, sources, tags with their
    evidence), the names of their authors and every count; curated marks without their
    time (it differs per run). ``names=False`` leaves the author names out: a merged
    author keeps each spelling written in RDF, the last one in Neo4j (as `kg build` does)."""
    ids = sorted(str(row[0]) for row in store.query(PAPER_IDS[store.dialect]).rows)
    papers = {str(row["id"]): sorted((k, str(v)) for k, v in row.items()
                                     if v is not None and k != "curated_at")
              for row in details(store, "details.papers", ids)}
    authors = sorted({(str(r["paper"]), int(r["position"]), str(r["author"]),
                       str(r["name"]) if names else "")
                      for r in details(store, "details.authorships", ids)})
    sources = sorted((str(r["paper"]), str(r["source"]))
                     for r in details(store, "curation.sources", ids))
    tags = sorted((paper, link.id, link.name, link.type, link.proposed, link.confidence,
                   tuple(link.mentions), bool(link.curated))
                  for paper, links in stored_tags(store, ids).items() for link in links)
    return {"papers": papers, "authors": authors, "sources": sources, "tags": tags,
            "counts": store.counts()}


@pytest.mark.parametrize("kind", list(CASES))
def test_identity_decision(kind: str, corpus: Path, tmp_path: Path,
                           new_extractor: NewExtractor) -> None:
    plain = shape(ingest([corpus]).papers)
    assert not holds(kind, plain)
    path = tmp_path / "curation.csv"
    curation, _ = Curation.load(path)
    decision = curation.record(CASES[kind])
    # ingest honours it (kg ingest / kg extract read through the same merge)
    assert holds(kind, shape(ingest([corpus], curation=Applied(curation)).papers))
    # a build from the inputs into a fresh store
    uri = f"oxigraph:{tmp_path / 'kg'}"
    result = build([corpus], uri, extractor=new_extractor(), curation=curation)
    assert result.unused == []
    assert holds(kind, store_shape(uri))
    # an existing store built without it: changed at once, as the fresh build has it
    bare = f"oxigraph:{tmp_path / 'bare'}"
    build([corpus], bare, extractor=new_extractor())
    with open_store(uri, "read") as fresh:
        wanted = dump(fresh)
    with open_store(bare, "write") as store:
        plain_dump = dump(store)
        # a record merged into a paper stored under another id is named by its own id
        assert store_problem(store, curation, decision) is None
        report = apply_to_store(store, curation, [decision], extractor=new_extractor())
        assert report.pending == [] and report.papers
        assert dump(store) == wanted
        assert store.usable_side_index() is not None  # searches still use the index
        # gone after undo: the graph of no decision, at once and in the next fresh build
        undo = curation.undo()
        apply_to_store(store, curation, [undo], extractor=new_extractor())
        assert dump(store) == plain_dump and not holds(kind, store_shape_of(store))
    again = f"oxigraph:{tmp_path / 'again'}"
    build([corpus], again, extractor=new_extractor(), curation=curation)
    assert store_shape(again) == store_shape(bare)


def test_identity_decisions_on_every_backend(any_store: GraphStore,
                                             corpus: Path, tmp_path: Path,
                                             new_extractor: NewExtractor) -> None:
    """All four kinds, each applied as it is recorded, then undone one by one: after each
    step the store equals a fresh build with the curation file as it stands."""
    build([corpus], any_store, extractor=new_extractor())
    curation, _ = Curation.load(tmp_path / "curation.csv")

    def fresh(step: str) -> dict:
        uri = f"oxigraph:{tmp_path / step}"
        build([corpus], uri, extractor=new_extractor(), curation=Curation.load(curation.path)[0])
        with open_store(uri, "read") as store:
            return dump(store, names=same)

    same = any_store.dialect == "sparql"
    for kind, decision in CASES.items():
        recorded = curation.record(decision)
        report = apply_to_store(any_store, curation, [recorded], extractor=new_extractor())
        assert report.pending == [] and holds(kind, store_shape_of(any_store))
        assert dump(any_store, names=same) == fresh(kind)
    for kind in CASES:
        apply_to_store(any_store, curation, [curation.undo()], extractor=new_extractor())
        assert dump(any_store, names=same) == fresh(f"undo-{kind}")
    assert all(not holds(kind, store_shape_of(any_store)) for kind in CASES)


def test_identity_decision_waits_when_the_inputs_are_gone(corpus: Path, tmp_path: Path,
                                                          new_extractor: NewExtractor) -> None:
    uri = f"oxigraph:{tmp_path / 'kg'}"
    build([corpus], uri, extractor=new_extractor())
    corpus.unlink()
    curation, _ = Curation.load(tmp_path / "curation.csv")
    decision = curation.record(CASES["same-paper"])
    with open_store(uri, "write") as store:
        before = dump(store)
        report = apply_to_store(store, curation, [decision], extractor=new_extractor())
        assert report.pending == [decision] and str(corpus) in report.problem
        assert dump(store) == before  # nothing lost


def test_decisions_naming_nothing_are_reported_as_unused(corpus: Path, tmp_path: Path,
                                                         new_extractor: NewExtractor) -> None:
    curation, _ = Curation.load(tmp_path / "c.csv")
    typo = curation.record(Decision("reject-mention", paper="arxiv:9999.99999",
                                    concept="concept:transformer"))
    used = curation.record(CASES["same-paper"])
    result = build([corpus], f"oxigraph:{tmp_path / 'kg'}", extractor=new_extractor(),
                   curation=curation)
    assert result.unused == [typo] and used not in result.unused


# ------------------------------------------------------------------------------- the CLI

KG = [sys.executable, "-c", "from kg.cli import main; main()"]


def kg(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "KG_CURATOR": "cli-test"}
    return subprocess.run([*KG, *map(str, args)], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=600)


def test_cli_apply_list_undo_export_and_build(corpus: Path, tmp_path: Path) -> None:
    store = tmp_path / "kg"
    assert kg("build", corpus, "--store", store, cwd=ROOT).returncode == 0
    decisions = tmp_path / "mine.csv"
    good = Decision("same-paper", paper="arxiv:2401.00001", target="doi:10.1000/sln")
    unknown = Decision("set-type", concept="concept:no-such-thing", value="method")
    rows = ["action,paper,concept,author,target,value,field,start,end,who,when,why,id"]
    rows.append(f"same-paper,{good.paper},,,{good.target},,,,,ann,2026-01-02T00:00:00Z,v2,")
    rows.append("set-type,,concept:no-such-thing,,,method,,,,ann,2026-01-02T00:00:00Z,,")
    rows.append("explode,,,,,,,,,ann,2026-01-02T00:00:00Z,,")
    decisions.write_text("\n".join(rows) + "\n", encoding="utf-8")
    done = kg("curate", "apply", "--file", decisions, "--store", store, "--format", "json",
              cwd=ROOT)
    assert done.returncode == 1, done.stderr
    assert f"{decisions}: line 4: unknown action 'explode'" in done.stderr
    assert f"{decisions}: line 3: no concept {unknown.concept} in the store" in done.stderr
    assert "Traceback" not in done.stderr
    recorded = json.loads(done.stdout)
    assert [r["action"] for r in recorded] == ["same-paper"] and recorded[0]["who"] == "ann"
    # the command line form, then the list, export and undo
    tag = kg("curate", "apply", "stop-concept", "--concept", "concept:transformer",
             "--why", "not in this corpus' sense", "--store", store, cwd=ROOT)
    assert tag.returncode == 0, tag.stderr
    listed = kg("curate", "list", "--store", store, "--format", "csv", cwd=ROOT)
    lines = listed.stdout.splitlines()
    assert lines[0].startswith("line,action") and len(lines) == 3
    assert ",stop-concept,," in lines[2] and "cli-test" in lines[2]
    shared = tmp_path / "shared.csv"
    assert kg("curate", "export", "--store", store, "-o", shared, cwd=ROOT).returncode == 0
    exported, problems = Curation.load(shared)
    assert problems == [] and [d.action for d in exported.decisions] == [
        "same-paper", "stop-concept"]
    # a fresh store built with the shared file is the curated graph
    fresh = tmp_path / "fresh"
    built = kg("build", corpus, "--store", fresh, "--curation", shared, cwd=ROOT)
    assert built.returncode == 0, built.stderr
    assert holds("same-paper", store_shape(f"oxigraph:{fresh}"))
    undone = kg("curate", "undo", "--store", store, cwd=ROOT)
    assert undone.returncode == 0, undone.stderr
    assert "stop-concept" not in kg("curate", "list", "--store", store, "--format", "csv",
                                    cwd=ROOT).stdout


def test_cli_needs_a_curation_file_for_a_server_store(tmp_path: Path) -> None:
    done = kg("curate", "list", "--store", "bolt://127.0.0.1:1", cwd=tmp_path)
    assert done.returncode == 2 and "--curation FILE" in done.stderr
    assert "Traceback" not in done.stderr


def test_build_reports_bad_curation_lines_and_goes_on(corpus: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("action,paper,concept,author,target,value,field,start,end,who,when,why,id\n"
                   "stop-concept,,concept:transformer,,,,,,,me,2026-01-01T00:00:00Z,,\n"
                   "set-role,arxiv:2403.00003,concept:transformer,,,maybe,,,,me,,,\n",
                   encoding="utf-8")
    done = kg("build", corpus, "--store", tmp_path / "kg", "--curation", bad, cwd=ROOT)
    assert done.returncode == 1
    assert f"{bad}: line 3: unknown role 'maybe'" in done.stderr
    assert "Traceback" not in done.stderr
    with open_store(f"oxigraph:{tmp_path / 'kg'}", "read") as store:
        assert store.counts()["papers"] == 4  # everything else built (two records merge)
        mentioned = store.query("SELECT ?c WHERE { ?p schema:mentions ?c }").rows
        assert all("transformer" not in str(row[0]) for row in mentioned)


def test_cli_extract_applies_a_curation_file(corpus: Path, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    curation, _ = Curation.load(path)
    curation.record(Decision("reject-mention", paper="arxiv:2403.00003",
                             concept="concept:transformer"))
    curation.record(Decision("set-role", paper="arxiv:2401.00001", concept="concept:imagenet",
                             value="proposed"))
    plain = kg("extract", corpus, cwd=ROOT)
    done = kg("extract", corpus, "--curation", path, cwd=ROOT)
    assert plain.returncode == done.returncode == 0, done.stderr
    before = {d["id"]: d["concepts"] for d in map(json.loads, plain.stdout.splitlines())}
    after = {d["id"]: d["concepts"] for d in map(json.loads, done.stdout.splitlines())}
    assert "concept:transformer" in {c["id"] for c in before["arxiv:2403.00003"]}
    assert "concept:transformer" not in {c["id"] for c in after["arxiv:2403.00003"]}
    imagenet = next(c for c in after["arxiv:2401.00001"] if c["id"] == "concept:imagenet")
    assert imagenet["proposed"] and imagenet["curated"]["by"] == curation.decisions[1].who


TWINS = [  # two records of one paper, both carrying the same DOI and arXiv id
    {"title": "Folded Attention", "doi": "10.1000/folded", "arxiv_id": "2404.00004",
     "authors": ["Ana Ruiz"], "abstract": "We propose folded attention."},
    {"title": "Folded Attention (journal version)", "doi": "10.1000/folded",
     "arxiv_id": "2404.00004", "authors": ["Ana Ruiz"], "abstract": "Folded attention, again."},
]
INSEPARABLE = Decision("different-papers", paper="doi:10.1000/folded",
                       target="arxiv:2404.00004")


def test_different_papers_sharing_their_ids_is_refused(tmp_path: Path) -> None:
    """Records carrying the same DOI and arXiv id cannot become two papers (one id for both,
    a build keeps one and drops the other's sources): the decision is refused with why, by
    `kg curate apply` (nothing recorded, the store unchanged) and by `kg build --curation`
    (the line rejected with its file:line, the records merged as without it)."""
    corpus = tmp_path / "twins.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in TWINS), encoding="utf-8")
    store = tmp_path / "kg"
    assert kg("build", corpus, "--store", store, cwd=ROOT).returncode == 0
    with open_store(f"oxigraph:{store}", "read") as opened:
        before = dump(opened)
    assert [s for _, s in before["sources"]] == [f"{corpus}:1", f"{corpus}:2"]
    done = kg("curate", "apply", "different-papers", "--paper", INSEPARABLE.paper,
              "--target", INSEPARABLE.target, "--store", store, cwd=ROOT)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert (f"rejected command line: different-papers: cannot separate {corpus}:1 from "
            f"{corpus}:2: both carry doi:10.1000/folded and arxiv:2404.00004"
            ) in " ".join(done.stderr.split())
    assert not (store / "curation.csv").exists()  # nothing recorded
    with open_store(f"oxigraph:{store}", "read") as opened:
        assert dump(opened) == before
    hand = tmp_path / "hand.csv"
    hand.write_text("action,paper,concept,author,target,value,field,start,end,who,when,why,id\n"
                    f"different-papers,{INSEPARABLE.paper},,,{INSEPARABLE.target},,,,,me,,,\n",
                    encoding="utf-8")
    fresh = tmp_path / "fresh"
    built = kg("build", corpus, "--store", fresh, "--curation", hand, cwd=ROOT)
    assert built.returncode == 1 and "Traceback" not in built.stderr
    said = " ".join(built.stderr.split())
    assert (f"rejected {hand}: line 2: different-papers {INSEPARABLE.paper} "
            f"{INSEPARABLE.target}: cannot separate {corpus}:1 from {corpus}:2") in said
    assert "two papers with one id; skipped" in said
    with open_store(f"oxigraph:{fresh}", "read") as opened:
        assert dump(opened)["sources"] == before["sources"]  # nothing dropped
    extracted = kg("extract", corpus, "--curation", hand, cwd=ROOT)
    assert extracted.returncode == 1 and f"rejected {hand}: line 2" in extracted.stderr
    assert len(extracted.stdout.splitlines()) == 1  # one paper, as without the decision
