""""The papers about X" mean one thing everywhere: `kg export --concept X --format bib`,
`kg query --named papers-by-concept --param concept=X`, the app's data layer and its graph
view give the same papers, on the embedded store and over Bolt, on our fixture, on
examples/ and on the seed pages (../shared, skipped when absent)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from kg.queries import run_named
from kg.stores import GraphStore, open_store
from tests.conftest import EXAMPLES, ROOT, NewExtractor
from tests.servers import BoltServer
from tests.test_selection import ABOUT_HUB, HUB, write_hub

KG = [sys.executable, "-c", "from kg.cli import main; main()"]
ENV = {**os.environ, "COLUMNS": "1000", "NO_COLOR": "1"}
_LATEX = re.compile(r"\\([{}&%$#_])")


def kg(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KG, *map(str, args)], capture_output=True, text=True,
                          env=env or ENV, cwd=ROOT, timeout=900)


def bib_ids(path: Path) -> set[str]:
    """The paper ids of a BibTeX export (each entry's note 'paper-kg id: …')."""
    library = bibtexparser.parse_string(path.read_text("utf-8"))
    notes = [entry.fields_dict["note"].value for entry in library.entries]
    return {_LATEX.sub(r"\1", note.removeprefix("paper-kg id: ")) for note in notes}


def exported_ids(store: str, concept: str, tmp_path: Path, *extra: str,
                 env: dict[str, str] | None = None) -> set[str]:
    out = tmp_path / f"{re.sub(r'[^a-z0-9]+', '-', concept.lower())}.bib"
    done = kg("export", "--store", store, "--concept", concept, "--format", "bib", "-o", out,
              *extra, env=env)
    assert done.returncode == 0, done.stderr
    return bib_ids(out)


def queried_ids(store: str, concept: str, *extra: str,
                env: dict[str, str] | None = None) -> set[str]:
    done = kg("query", "--store", store, "--named", "papers-by-concept", "--param",
              f"concept={concept}", *extra, "--format", "csv", env=env)
    assert done.returncode == 0, done.stderr
    return {line.split(",", 1)[0] for line in done.stdout.splitlines()[1:]}


@pytest.fixture(scope="module")
def hub_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    uri = f"oxigraph:{tmp_path_factory.mktemp('hub') / 'kg'}"
    with open_store(uri) as store:
        write_hub(store)
    return uri


# --------------------------------------------------------------------------- export = query


def test_bib_holds_the_papers_of_the_named_query_on_the_fixture(
    hub_store: str, tmp_path: Path
) -> None:
    """The hub's 300-edge default budget went to its vocabulary and co-occurrence edges;
    its papers below a narrower concept were left out. Now the BibTeX holds every one."""
    assert queried_ids(hub_store, "Hubformer") == ABOUT_HUB
    assert exported_ids(hub_store, "Hubformer", tmp_path) == ABOUT_HUB
    # the switch, documented: only the papers naming it
    own = queried_ids(hub_store, "Hubformer", "--param", "narrower=false")
    assert exported_ids(hub_store, "Hubformer", tmp_path, "--no-narrower") == own
    assert len(own) == 12
    # a name that means two concepts: both are seeds, and the summary says so
    done = kg("export", "--store", hub_store, "--concept", "twin", "--format", "bib",
              "-o", tmp_path / "twin.bib")
    assert done.returncode == 0, done.stderr
    assert "1 concept name(s) matched 2 concepts" in " ".join(done.stderr.split())
    assert bib_ids(tmp_path / "twin.bib") == queried_ids(hub_store, "twin")


@pytest.mark.parametrize("corpus", ["examples_store", "seeds_store"])
def test_bib_of_transformer_holds_the_named_query_papers(
    corpus: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    store = request.getfixturevalue(corpus)
    expected = queried_ids(store, "Transformer")
    assert len(expected) >= 10
    assert exported_ids(store, "Transformer", tmp_path) == expected


# --------------------------------------------------------------------------- app graph


def app_graph_papers(uri: str, concept: str, monkeypatch: pytest.MonkeyPatch,
                     budget: int | None = None) -> list[str]:
    """The Graph page centred on ``concept``: the papers of the view it draws, in the order
    the view lists its nodes."""
    monkeypatch.setenv("PAPER_KG_STORE", uri)
    monkeypatch.setenv("PAPER_KG_ALLOW_WRITE", "0")
    at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=120)
    at.query_params["view"] = "Graph"
    at.query_params["id"] = concept
    at.run()
    if budget is not None:
        at.number_input(key="graph:budget").set_value(budget).run()
    assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
    view = at.session_state["view_graph"]
    return [n for n, kind in view.nodes(data="kind") if kind == "paper"]


def test_app_graph_leads_with_the_papers(
    hub_store: str, examples_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert set(app_graph_papers(hub_store, HUB, monkeypatch)) == ABOUT_HUB
    # a node budget of 10: the centre and 9 papers, not its co-occurring concepts
    assert len(app_graph_papers(hub_store, HUB, monkeypatch, budget=10)) == 9
    with open_store(examples_store) as store:
        about = {str(r[0]) for r in run_named(store,
            "papers-by-concept", {"concept": "concept:transformer"}).rows}
    assert set(app_graph_papers(examples_store, "concept:transformer", monkeypatch)) == about


def test_app_graph_of_transformer_on_the_seed_pages(
    seeds_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More papers than the default 300-edge budget: the view shows the newest of them, the
    head of the named query's list (and says what it left out)."""
    with open_store(seeds_store) as store:
        rows = run_named(store, "papers-by-concept",
                           {"concept": "concept:transformer", "limit": 300}).rows
    shown = app_graph_papers(seeds_store, "concept:transformer", monkeypatch)
    assert set(shown) == {str(r[0]) for r in rows}


# --------------------------------------------------------------------------- parity


@pytest.fixture(scope="module")
def bolt_examples(bolt_server: BoltServer, new_extractor: NewExtractor) -> Iterator[str]:
    from kg.build import build

    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("NEO4J_USERNAME", bolt_server.user)
    monkeypatch.setenv("NEO4J_PASSWORD", bolt_server.password)
    uri = f"{bolt_server.uri}?database={bolt_server.database}"
    inputs = sorted(p for p in EXAMPLES.iterdir() if p.is_file() and p.name != "README.md")
    with open_store(uri) as store:
        store.clear()
        build(inputs, store, extractor=new_extractor())
    try:
        yield uri
    finally:
        with open_store(uri) as store:
            store.clear()
        monkeypatch.undo()


def five_concepts(store: GraphStore) -> dict[str, str]:
    """From the data: the hub (most papers about it), one with narrower concepts that bring
    papers of their own, the top benchmark and method, and a mid-size concept."""

    def about(concept: str, narrower: bool = True) -> set[str]:
        params = {"concept": concept, "narrower": narrower}
        return {str(r[0]) for r in run_named(store, "papers-by-concept", params).rows}

    top = run_named(store, "top-concepts", {"limit": 1000}).records()
    sizes = {str(r["concept"]): len(about(str(r["concept"]))) for r in top}
    chosen = {"hub": max(sizes, key=lambda c: (sizes[c], c))}
    chosen["narrower"] = next(c for c in sorted(sizes, key=lambda c: (-sizes[c], c))
                              if c not in chosen.values() and about(c) != about(c, False))
    for kind in ("benchmark", "method"):
        chosen[kind] = next(str(r["concept"]) for r in top
                            if r["type"] == kind and r["concept"] not in chosen.values())
    rest = sorted((n, c) for c, n in sizes.items() if n >= 2 and c not in chosen.values())
    chosen["mid-size"] = rest[len(rest) // 2][1]
    return chosen


def paper_sets(uri: str, concept: str, tmp_path: Path) -> dict[str, set[str]]:
    """The papers about ``concept`` from the named query, the app's data layer (its concept
    page and its graph view) and `kg export` (in-process, as the CLI runs it)."""
    from kg.app import data
    from kg.cli import app

    data.clear_caches()
    with open_store(uri) as store:
        rows = run_named(store, "papers-by-concept", {"concept": concept}).rows
        named = {str(r[0]) for r in rows}
    os.environ["PAPER_KG_STORE"] = uri
    page = {str(r["paper"]) for r in data.concept_papers(concept)}
    view = {n for n, kind in data.ego(concept).nodes(data="kind") if kind == "paper"}
    out = tmp_path / "about.bib"
    done = CliRunner().invoke(app, ["export", "--store", uri, "--concept", concept,
                                    "--format", "bib", "-o", str(out)])
    assert done.exit_code == 0, done.output
    return {"named query": named, "app page": page, "app graph": view, "export": bib_ids(out)}


def test_five_concepts_same_papers_everywhere_on_both_stores(
    examples_store: str, bolt_examples: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPER_KG_STORE", examples_store)  # restored after the test
    with open_store(examples_store) as store:
        concepts = five_concepts(store)
    assert len(set(concepts.values())) == 5, concepts
    answers: dict[str, Any] = {}
    for role, concept in concepts.items():
        for uri in (examples_store, bolt_examples):
            sets = paper_sets(uri, concept, tmp_path)
            first = sets["named query"]
            assert first, (role, concept)
            assert all(found == first for found in sets.values()), (role, concept, uri, sets)
            answers.setdefault(concept, first)
            assert first == answers[concept], (role, concept, "the stores differ")


def test_app_counts_and_suggests_only_mentioned_concepts(
    hub_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fixture store holds 31 concepts no paper mentions: the overview counts the 18
    mentioned ones (and says the rest is vocabulary), type-ahead never suggests them."""
    monkeypatch.setenv("PAPER_KG_STORE", hub_store)
    monkeypatch.setenv("PAPER_KG_ALLOW_WRITE", "0")
    at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=120)
    at.query_params["view"] = "Overview"
    at.run()
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Concepts"] == "18"
    assert "31" in " ".join(c.value for c in at.caption)
    at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=120)
    at.query_params["view"] = "Search"
    at.run()
    at.text_input(key="search:text").input("hub").run()
    offered = {b.help for b in at.button if b.key and b.key.startswith("search:suggest:")}
    assert HUB in offered and not {h for h in offered if "hubvocab" in str(h)}
