"""Selections lead with papers (issue: a hub concept's 300-edge budget went to BROADER and
CO_OCCURS edges, its papers never came): on a fixture made for it, written through the
store API into the embedded store and a Bolt server. The hub has papers of its own, papers
of a narrower concept, of a concept below a concept no paper mentions, 30 vocabulary-only
narrower concepts and 14 heavily co-occurring ones (the store holds the whole vocabulary,
as stores built before this version do)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kg.model import Author, ConceptInfo, ConceptLink, Mention, Paper
from kg.queries import run_named
from kg.selection import Selection, select, share
from kg.stores import GraphStore, PaperGraph, open_store

HUB = "concept:hubformer"
CO = [f"concept:cotopic-{i:02d}" for i in range(14)]
VOCAB_ONLY = [f"concept:hubvocab-{i:02d}" for i in range(30)]
KAISER = "Łukasz Kaiser"


def _info(cid: str, name: str, kind: str, broader: list[str] | None = None) -> ConceptInfo:
    return ConceptInfo(cid, name, kind, [], broader or [])


def hub_vocabulary() -> list[ConceptInfo]:
    return [
        ConceptInfo(HUB, "Hubformer", "architecture", ["HF net"]),
        ConceptInfo("concept:sub-a", "SubA", "architecture", ["Twin"], [HUB]),
        _info("concept:mid-layer", "MidLayer", "architecture", [HUB]),  # no paper mentions it
        _info("concept:deep-thing", "DeepThing", "method", ["concept:mid-layer"]),
        ConceptInfo("concept:hubbench", "HubBench", "benchmark", ["twin"]),
        *(_info(cid, f"Hubvocab {cid[-2:]}", "architecture", [HUB]) for cid in VOCAB_ONLY),
        *(_info(cid, f"Cotopic {cid[-2:]}", "method") for cid in CO),
    ]


def _link(cid: str, text: str, proposed: bool = False) -> ConceptLink:
    info = {i.id: i for i in hub_vocabulary()}[cid]
    sentence = f"We study {text} here."
    return ConceptLink(cid, info.name, info.type, proposed, 0.8,
                       [Mention(text, "abstract", 9, 9 + len(text), sentence)])


def _paper(n: int, year: int, links: list[ConceptLink], authors: list[str]) -> PaperGraph:
    abstract = " ".join(f"We study {link.mentions[0].text} here." for link in links)
    paper = Paper(f"Hub study number {n:02d}", abstract, [Author(a) for a in authors],
                  year=year, arxiv_id=f"2401.{n:05d}")
    return PaperGraph(paper, links)


def hub_papers() -> list[PaperGraph]:
    """12 papers name the hub (each with 3 of the 14 co-occurring topics, so the hub's
    pairs weigh 1-3); 2 name SubA, 1 DeepThing (below MidLayer, below the hub); 1 is about
    neither."""
    graphs = [
        _paper(i, 2008 + i, [_link(HUB, "Hubformer", i == 0),
                             *(_link(CO[(i + k) % 14], f"Cotopic {(i + k) % 14:02d}")
                               for k in range(3))],
               [KAISER] if i % 3 == 0 else ["Jane Doe"])
        for i in range(12)
    ]
    graphs.append(_paper(12, 2021, [_link("concept:sub-a", "SubA", True)], ["Jane Doe"]))
    graphs.append(_paper(13, 2022, [_link("concept:sub-a", "SubA")], [KAISER]))
    graphs.append(_paper(14, 2023, [_link("concept:deep-thing", "DeepThing")], ["Jane Doe"]))
    graphs.append(_paper(15, 2023, [_link(CO[0], "Cotopic 00"),
                                    _link("concept:hubbench", "HubBench")], ["Jane Doe"]))
    return graphs


ABOUT_HUB = {f"arxiv:2401.{n:05d}" for n in range(15)}  # 12 of its own, 2 + 1 below it


def write_hub(store: GraphStore) -> None:
    """The whole vocabulary, then the papers, then the derived figures (what a build does)."""
    store.write_concepts(hub_vocabulary())
    store.write_papers(hub_papers())
    store.refresh_derived()


@pytest.fixture(scope="module")
def oxigraph_hub() -> Iterator[GraphStore]:
    store = open_store("oxigraph:")
    write_hub(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def bolt_hub(bolt_server) -> Iterator[GraphStore]:
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("NEO4J_USERNAME", bolt_server.user)
    monkeypatch.setenv("NEO4J_PASSWORD", bolt_server.password)
    store = open_store(f"{bolt_server.uri}?database={bolt_server.database}")
    store.clear()
    write_hub(store)
    try:
        yield store
    finally:
        store.clear()
        store.close()
        monkeypatch.undo()


@pytest.fixture(params=["oxigraph", "bolt"])
def hub(request: pytest.FixtureRequest) -> GraphStore:
    return request.getfixturevalue(f"{request.param}_hub")


def papers_of(g) -> set[str]:
    return {n for n, kind in g.nodes(data="kind") if kind == "paper"}


def test_the_papers_come_first_and_the_rest_is_shared_by_kind(hub: GraphStore) -> None:
    """A budget of 20 edges: the 15 papers about the hub first (their MENTIONS of it, of
    SubA and of DeepThing), the 5 left shared between its one BROADER link to a mentioned
    concept and its 14 CO_OCCURS pairs; what was left out is counted per kind."""
    g = select(hub, Selection(concepts=["Hubformer"], limit=20))
    assert papers_of(g) == ABOUT_HUB
    chosen = {(u, v, k) for u, v, k in g.edges(keys=True) if HUB in (u, v) or k != "MENTIONS"}
    kinds = [k for *_, k in chosen]
    assert kinds.count("BROADER") == 1 and kinds.count("CO_OCCURS") == 4
    assert g.graph["omitted_by_kind"] == {"CO_OCCURS": 10}
    assert g.graph["omitted_exact"]


def test_a_budget_smaller_than_the_papers_takes_the_newest_and_counts_the_rest(
    hub: GraphStore,
) -> None:
    g = select(hub, Selection(concepts=["Hubformer"], limit=6))
    rows = run_named(hub, "papers-by-concept", {"concept": HUB}).rows
    assert papers_of(g) == {str(r[0]) for r in rows[:6]}  # newest first, as the query lists
    assert g.graph["omitted_by_kind"] == {"BROADER": 1, "CO_OCCURS": 14, "MENTIONS": 9}


def test_vocabulary_concepts_stay_out_unless_asked(hub: GraphStore) -> None:
    g = select(hub, Selection(concepts=["Hubformer"], hops=2, limit=10_000))
    concepts = {n for n, kind in g.nodes(data="kind") if kind == "concept"}
    assert not concepts & {*VOCAB_ONLY, "concept:mid-layer"}
    assert papers_of(g) >= ABOUT_HUB
    wide = select(hub, Selection(concepts=["Hubformer"], limit=10_000, vocabulary=True))
    assert {*VOCAB_ONLY, "concept:mid-layer"} <= set(wide)
    # an unmentioned concept asked for by name is a seed: its papers are those below it
    mid = select(hub, Selection(concepts=["MidLayer"], limit=10_000))
    assert papers_of(mid) == {"arxiv:2401.00014"}
    assert not set(mid) & set(VOCAB_ONLY)


def test_no_narrower_keeps_the_papers_naming_the_concept(hub: GraphStore) -> None:
    g = select(hub, Selection(concepts=["hubformer"], narrower=False, limit=10_000))
    assert papers_of(g) == {f"arxiv:2401.{n:05d}" for n in range(12)}


def test_search_suggestions_and_counts_leave_the_vocabulary_out(hub: GraphStore) -> None:
    found = {r["id"] for r in run_named(hub, "search", {"text": "hub", "limit": 100}).records()}
    assert HUB in found and "concept:hubbench" in found
    assert not found & {*VOCAB_ONLY, "concept:mid-layer"}
    every = run_named(hub, "search", {"text": "hub", "limit": 100, "vocabulary": True}).records()
    assert set(VOCAB_ONLY) <= {r["id"] for r in every}
    counts = hub.counts()
    assert counts["concepts"] == 4 + 14  # hub, SubA, HubBench, DeepThing and the cotopics
    assert counts["unmentioned_concepts"] == 30 + 1
    assert counts["broader"] == 1  # SubA -> Hubformer; the others touch vocabulary


def test_an_author_leads_with_their_papers(hub: GraphStore) -> None:
    """Accents and case folded: 'lukasz KAISER' is Łukasz Kaiser."""
    g = select(hub, Selection(authors=["lukasz KAISER"], hops=2, limit=6))
    assert g.graph["seeds"] == ["name:lukasz-kaiser"]
    assert papers_of(g) == {"arxiv:2401.00013", "arxiv:2401.00009", "arxiv:2401.00006",
                            "arxiv:2401.00003", "arxiv:2401.00000"}


def test_share_is_max_min_fair() -> None:
    assert share(5, {"BROADER": 1, "CO_OCCURS": 15}) == {"BROADER": 1, "CO_OCCURS": 4}
    assert share(10, {"a": 3, "b": 3, "c": 30}) == {"a": 3, "b": 3, "c": 4}
    assert share(2, {"a": 5, "b": 5, "c": 5}) == {"a": 1, "b": 1, "c": 0}
    assert share(0, {"a": 5}) == {"a": 0}
    assert share(100, {"a": 2, "b": 0}) == {"a": 2, "b": 0}


def test_concept_trend_counts_the_papers_about_it(hub: GraphStore) -> None:
    """Per year, the same papers as papers-by-concept (with or without narrower concepts)."""
    for narrower in (True, False):
        rows = run_named(hub, "papers-by-concept", {"concept": "HF net", "narrower": narrower}).rows
        per_year: dict[int, set[str]] = {}
        for paper, _, year, _, _ in rows:
            per_year.setdefault(int(year), set()).add(str(paper))
        trend = run_named(hub, "concept-trend", {"concept": "HF net", "narrower": narrower}).rows
        assert trend == [[HUB, "Hubformer", year, len(papers)]
                         for year, papers in sorted(per_year.items())], narrower
    assert sum(r[3] for r in run_named(hub, "concept-trend", {"concept": HUB}).rows) == 15


def test_a_name_that_means_two_concepts_seeds_both(hub: GraphStore) -> None:
    """'Twin' is an alias of SubA and of HubBench: the selection takes both, and so the
    same papers as papers-by-concept, which matches both too."""
    g = select(hub, Selection(concepts=["TWIN"], limit=10_000))
    assert g.graph["seeds"] == ["concept:hubbench", "concept:sub-a"]
    rows = run_named(hub, "papers-by-concept", {"concept": "TWIN"}).rows
    assert papers_of(g) == {str(r[0]) for r in rows} == {
        "arxiv:2401.00012", "arxiv:2401.00013", "arxiv:2401.00015"}
