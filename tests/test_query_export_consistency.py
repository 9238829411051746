"""A selection means the same papers however it is asked for (probe report /tmp/probe-q):
filters drop concept nodes, never papers; --all holds every paper; the app's export panel
and `kg export` share one edge budget per format; a query's paper IRIs are papers; bad
parameters are clear usage errors; concept names fold as the extractor folds them."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import bibtexparser
import pytest

from kg.model import Author, ConceptLink, Mention, Paper
from kg.queries import QueryParamError, run_named
from kg.seeds import SelectionError
from kg.selection import ALL, Selection, default_limit, select
from kg.stores import GraphStore, PaperGraph, open_store
from tests.conftest import ROOT
from tests.test_selection import ABOUT_HUB, HUB, write_hub

KG = [sys.executable, "-c", "from kg.cli import main; main()"]
ENV = {**os.environ, "COLUMNS": "1000", "NO_COLOR": "1"}
LONE = "arxiv:2402.00001"  # a paper with no author and no concept: no edge reaches it


def kg(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KG, *map(str, args)], capture_output=True, text=True, env=ENV,
                          cwd=cwd, timeout=300)


def papers_of(g) -> set[str]:
    return {n for n, kind in g.nodes(data="kind") if kind == "paper"}


def bib_ids(path: Path) -> int:
    return len(bibtexparser.parse_string(path.read_text("utf-8")).entries)


def write_lone(store: GraphStore) -> None:
    store.write_papers([PaperGraph(Paper("A lonely study of nothing", "", [], year=2024,
                                         arxiv_id=LONE.removeprefix("arxiv:")), [])])
    store.refresh_derived()


@pytest.fixture(scope="module")
def hub() -> Iterator[GraphStore]:
    """tests/test_selection.py's hub corpus (papers of Hubformer, of SubA below it, of
    DeepThing below a vocabulary concept below it) and one paper without any edge."""
    store = open_store("oxigraph:")
    write_hub(store)
    write_lone(store)
    yield store
    store.close()


# ----------------------------------------------------------------- 1. filters keep papers


@pytest.mark.parametrize(
    ("types", "concept_type"),
    [(["paper"], None), (["paper", "benchmark"], None), ([], "benchmark"), ([], "method"),
     (["paper", "concept"], "method")],
)
def test_type_filters_drop_concepts_not_papers(
    hub: GraphStore, types: list[str], concept_type: str | None
) -> None:
    """The papers about Hubformer (an architecture; SubA an architecture, DeepThing a
    method) are the same with any --types/--concept-type that keeps papers; only concept
    nodes of other types go (the seed stays)."""
    for limit in (ALL, 300):
        g = select(hub, Selection(concepts=["Hubformer"], types=types,
                                  concept_type=concept_type, limit=limit))
        assert papers_of(g) == ABOUT_HUB, (types, concept_type, limit)
        wanted = concept_type or next((t for t in types if t not in ("paper", "concept")), None)
        kept = {g.nodes[n].get("type") for n, kind in g.nodes(data="kind")
                if kind == "concept" and n != HUB}
        if wanted:
            assert kept <= {wanted}, (types, concept_type)
        elif "concept" not in types:
            assert not kept
        assert HUB in g


def test_type_filters_keep_the_papers_of_kg_export(examples_store: str, tmp_path: Path) -> None:
    plain = kg("export", "-s", examples_store, "-c", "Transformer", "-f", "bib",
               "-o", tmp_path / "a.bib")
    assert plain.returncode == 0, plain.stderr
    typed = kg("export", "-s", examples_store, "-c", "Transformer", "-f", "bib",
               "--types", "paper,benchmark", "--concept-type", "benchmark",
               "-o", tmp_path / "b.bib")
    assert typed.returncode == 0, typed.stderr
    assert bib_ids(tmp_path / "a.bib") == bib_ids(tmp_path / "b.bib") > 10


# ----------------------------------------------------------------- 2. --all holds every paper


def test_all_holds_papers_without_edges(hub: GraphStore) -> None:
    g = select(hub, Selection(everything=True, limit=ALL))
    assert LONE in g and g.nodes[LONE]["kind"] == "paper"
    assert papers_of(g) == ABOUT_HUB | {"arxiv:2401.00015", LONE}
    assert len(papers_of(g)) == hub.counts()["papers"]


def test_all_with_type_filters_holds_every_paper(hub: GraphStore) -> None:
    """--all -t paper: the filters drop concept nodes, never the papers of the store."""
    every = papers_of(select(hub, Selection(everything=True, limit=ALL)))
    for types in (["paper"], ["paper", "benchmark"]):
        g = select(hub, Selection(everything=True, limit=ALL, types=types))
        assert papers_of(g) == every, types


# ----------------------------------------------------------------- 3. the app's export panel


@pytest.fixture(scope="module")
def many_papers(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store where one concept has more papers (320) than the graph budget (300 edges)."""
    uri = f"oxigraph:{tmp_path_factory.mktemp('many') / 'kg'}"
    link = ConceptLink("concept:manyformer", "Manyformer", "architecture", False, 0.9,
                       [Mention("Manyformer", "title", 0, 10, "Manyformer")])
    with open_store(uri) as store:
        store.write_papers(
            PaperGraph(Paper(f"Manyformer {n:03d}", "", [Author("Ann Many")], year=2000 + n % 20,
                             arxiv_id=f"2403.{n:05d}"), [link])
            for n in range(320)
        )
        store.refresh_derived()
    return uri


def test_the_app_exports_the_papers_kg_export_exports(
    many_papers: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export panel on a concept page gives the same bib as `kg export --concept`
    (reference lists hold every paper: the one budget rule of kg.selection.default_limit)."""
    from tests.test_app import no_errors, open_view

    done = kg("export", "-s", many_papers, "-c", "concept:manyformer", "-f", "bib",
              "-o", tmp_path / "cli.bib")
    assert done.returncode == 0, done.stderr
    assert bib_ids(tmp_path / "cli.bib") == 320
    at = open_view(many_papers, monkeypatch, "Concept", "concept:manyformer")
    at.sidebar.radio(key="nav").set_value("Export").run()
    no_errors(at)
    at.selectbox(key="export:format").set_value("bib").run()
    at.button(key="export:prepare").click().run()
    no_errors(at)
    fmt, _, content, _ = at.session_state["export:file"]
    assert fmt == "bib"
    assert len(bibtexparser.parse_string(content.decode("utf-8")).entries) == 320
    assert default_limit("bib") == ALL and default_limit("graphml") < 320


# ----------------------------------------------------------------- 4. a query's paper IRIs


def test_a_query_of_paper_iris_seeds_those_papers(examples_store: str, tmp_path: Path) -> None:
    text = "SELECT ?p WHERE { ?p a pkg:Paper ; pkg:year ?y FILTER(?y < 2016) }"
    with open_store(examples_store) as store:
        ids = "SELECT ?id WHERE { ?p a pkg:Paper ; dcterms:identifier ?id ; pkg:year ?y " \
              "FILTER(?y < 2016) }"
        expected = {str(r[0]) for r in store.query(ids).rows}
        assert expected
        g = select(store, Selection(query=text, limit=ALL))
        assert papers_of(g) >= expected and set(g.graph["seeds"]) == expected
        assert not [n for n, kind in g.nodes(data="kind")
                    if kind == "author" and str(n).startswith("https://")]
        unknown = ("SELECT ?p WHERE { VALUES ?p { "
                   "<https://paper-kg.org/id/paper/arxiv:0000.00001> } }")
        with pytest.raises(SelectionError, match=r"arxiv:0000\.00001"):
            select(store, Selection(query=unknown))
    query = tmp_path / "q.rq"
    query.write_text(text, "utf-8")
    done = kg("export", "-s", examples_store, "--query", query, "-f", "bib",
              "-o", tmp_path / "q.bib")
    assert done.returncode == 0, done.stderr
    assert bib_ids(tmp_path / "q.bib") == len(papers_of(g))  # the seeds and papers citing them
    query.write_text(unknown, "utf-8")
    done = kg("export", "-s", examples_store, "--query", query, "-f", "bib",
              "-o", tmp_path / "u.bib")
    assert done.returncode == 2 and "not a paper in the store" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "u.bib").exists()


# ----------------------------------------------------------------- 5, 9, 10. usage errors


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-c", ""], "--concept"),
        (["-a", " "], "--author"),
        (["-p", ""], "--paper"),
        (["-c", "ViT", "--since", "2024", "--until", "2020"], "--since"),
    ],
)
def test_export_usage_errors(examples_store: str, tmp_path: Path, args: list[str],
                             message: str) -> None:
    done = kg("export", "-s", examples_store, *args, "-f", "bib", "-o", tmp_path / "x.bib")
    assert done.returncode == 2, done.stderr
    assert message in done.stderr and "unexpected" not in done.stderr, done.stderr
    assert not (tmp_path / "x.bib").exists()


def test_export_creates_no_directories(examples_store: str, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "x.bib"
    done = kg("export", "-s", examples_store, "-c", "ViT", "-f", "bib", "-o", target)
    assert done.returncode == 2, done.stderr
    assert f"cannot write {target}" in " ".join(done.stderr.split())
    assert "choose another --output" in done.stderr
    assert not (tmp_path / "no").exists()


def test_export_never_writes_into_a_store(examples_store: str) -> None:
    """-o inside the store directory (its marker file, say) is refused; the store stays."""
    store_dir = Path(examples_store.split(":", 1)[1])
    marker = store_dir / "paper-kg-store.json"
    before = marker.read_bytes()
    done = kg("export", "-s", examples_store, "--all", "-f", "json", "-o", marker)
    assert done.returncode == 2, done.stderr
    assert "inside the paper-kg store" in " ".join(done.stderr.split())
    assert marker.read_bytes() == before


# ----------------------------------------------------------------- 6. parameter ranges


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("search", {"text": "hub", "limit": 0}, "limit"),
        ("papers-by-concept", {"concept": HUB, "limit": "0"}, "limit"),
        ("top-concepts", {"limit": -1}, "limit"),
        ("ego-network", {"node": HUB, "hops": 0}, "hops"),
        ("ego-network", {"node": HUB, "hops": "9"}, "hops"),
    ],
)
def test_out_of_range_parameters_are_errors(
    hub: GraphStore, name: str, params: dict, message: str
) -> None:
    with pytest.raises(QueryParamError, match=message):
        run_named(hub, name, params)


def test_a_huge_limit_is_capped(hub: GraphStore) -> None:
    huge = run_named(hub, "top-concepts", {"limit": "99999999999999999999999"}).rows
    assert huge == run_named(hub, "top-concepts", {"limit": ALL}).rows and huge


def test_limit_zero_is_a_usage_error_on_the_cli(examples_store: str) -> None:
    done = kg("query", "-s", examples_store, "-n", "search", "-p", "text=vision",
              "-p", "limit=0")
    assert done.returncode == 2 and "limit" in done.stderr, done.stderr
    assert "nothing in the store matches" not in done.stderr


# ----------------------------------------------------------------- 7. node-degree


def test_node_degree_of_an_unknown_node_says_so(hub: GraphStore) -> None:
    for node in ("Hubformer", "concept:does-not-exist", "x' } DROP"):
        result = run_named(hub, "node-degree", {"node": node})
        assert result.rows == [], node
        assert len(result.notes) == 1 and repr(node) in result.notes[0], result.notes
    known = dict(run_named(hub, "node-degree", {"node": HUB}).rows)
    assert known["MENTIONS"] == 12


# ----------------------------------------------------------------- 8. -o FILE.csv / .json


def test_output_suffix_chooses_the_format(examples_store: str, tmp_path: Path) -> None:
    done = kg("query", "-s", examples_store, "-n", "top-concepts", "-o", tmp_path / "t.csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader((tmp_path / "t.csv").open(encoding="utf-8")))
    assert rows[0] == ["concept", "name", "type", "papers"] and len(rows) > 1
    done = kg("query", "-s", examples_store, "-n", "top-concepts", "-o", tmp_path / "t.json")
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "t.json").read_text("utf-8"))[0]["concept"]
    done = kg("curate", "list", "--queue", "-s", examples_store, "-o", tmp_path / "q.csv")
    assert done.returncode == 0, done.stderr
    header = next(csv.reader((tmp_path / "q.csv").open(encoding="utf-8")))
    assert header[:3] == ["paper", "title", "concept"]


# ----------------------------------------------------------------- 11. folded concept names


@pytest.fixture
def any_hub(any_store: GraphStore) -> GraphStore:
    """The hub corpus on every backend the named queries run on."""
    write_hub(any_store)
    return any_store


def test_concept_names_fold_as_the_extractor_folds_them(any_hub: GraphStore) -> None:
    """Case, hyphens and spaces, and a trailing plural: 'hub-formers' is Hubformer, on
    every store alike."""
    expected = [str(r[0]) for r in run_named(any_hub, "concepts-under", {"concept": HUB}).rows]
    for name in ("Hubformer", "hub-former", "HUB FORMERS", "hubformers", "HF nets"):
        rows = run_named(any_hub, "concepts-under", {"concept": name}).rows
        assert [str(r[0]) for r in rows] == expected, name
        papers = run_named(any_hub, "papers-by-concept", {"concept": name}).rows
        assert {str(r[0]) for r in papers} == ABOUT_HUB, name
    assert run_named(any_hub, "concepts-under", {"concept": "hubform"}).rows == []


def test_all_papers_and_unknown_nodes_on_every_store(any_hub: GraphStore) -> None:
    """--all holds the paper no edge reaches, and node-degree of a node not stored is a
    note, on every backend alike."""
    write_lone(any_hub)
    g = select(any_hub, Selection(everything=True, limit=ALL))
    assert papers_of(g) == ABOUT_HUB | {"arxiv:2401.00015", LONE}
    result = run_named(any_hub, "node-degree", {"node": "Hubformer"})
    assert result.rows == [] and "'Hubformer'" in result.notes[0]
    assert dict(run_named(any_hub, "node-degree", {"node": HUB}).rows)["MENTIONS"] == 12
    pairs = run_named(any_hub, "top-cooccurring", {"concept": "hub-formers"}).rows
    assert pairs and all(HUB in (r[0], r[2]) for r in pairs)
