"""kg.graph: building the networkx selection, analytics, and selecting from a real store."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
import rdflib

from kg import seeds
from kg.analytics import concept_communities, rank_nodes
from kg.export import export
from kg.graph import add_edge, build_graph, graph_counts, new_graph
from kg.model import ConceptLink, Paper
from kg.queries import run_named
from kg.seeds import SelectionError
from kg.selection import Selection, ego_graph, select
from kg.stores import GraphStore, PaperGraph, QueryResult, open_store
from tests.conftest import EXAMPLES, NewExtractor
from tests.test_export import make_records


def test_build_graph_counts_match_the_records() -> None:
    records, infos = make_records()
    g = build_graph(records, infos)
    papers = {p.id for p, _ in records}
    authors = {a.id for p, _ in records for a in p.authors}
    concepts = {link.id for _, links in records for link in links}
    counts = graph_counts(g)
    assert (counts["paper"], counts["author"], counts["concept"]) == (
        len(papers),
        len(authors),
        len(concepts),
    )
    assert counts["AUTHORED_BY"] == sum(len(p.authors) for p, _ in records)
    assert counts["MENTIONS"] == sum(len(links) for _, links in records)
    # citations only between selected papers; the outside reference makes no node
    assert counts["CITES"] == sum(1 for p, _ in records for r in p.references if r in papers)
    assert "doi:10.9999/not-in-selection" not in g
    # the unused vocabulary concept is not added; BROADER only between present concepts
    assert "concept:xt-unused" not in g
    assert counts["BROADER"] == 1
    assert counts["nodes"] == g.number_of_nodes() and counts["edges"] == g.number_of_edges()


def test_cooccurrence_weights_are_papers_in_common() -> None:
    """Three papers by hand: p1 names a, b, c; p2 a, b; p3 c alone (and a twice, which
    counts once): a-b are in two papers together, a-c and b-c in one, nothing else."""
    def link(concept: str) -> ConceptLink:
        return ConceptLink(concept, concept[8:], "method", False, 0.9)

    records = [
        (Paper(title="One", arxiv_id="2401.00001"), [link("concept:a"), link("concept:b"),
                                                     link("concept:c")]),
        (Paper(title="Two", arxiv_id="2401.00002"), [link("concept:b"), link("concept:a")]),
        (Paper(title="Three", arxiv_id="2401.00003"), [link("concept:c")]),
    ]
    g = build_graph(records)
    found = {
        (u, v): d["weight"] for u, v, k, d in g.edges(keys=True, data=True) if k == "CO_OCCURS"
    }
    assert found == {("concept:a", "concept:b"): 2, ("concept:a", "concept:c"): 1,
                     ("concept:b", "concept:c"): 1}


def test_mentions_carry_role_confidence_and_sentence() -> None:
    records, infos = make_records()
    g = build_graph(records, infos)
    for paper, links in records:
        for link in links:
            edge = g.edges[paper.id, link.id, "MENTIONS"]
            assert edge["role"] == ("proposed" if link.proposed else "used")
            assert edge["confidence"] == link.confidence
            assert edge["sentence"] == link.mentions[0].sentence
    assert g.nodes["concept:xt-vit"]["aliases"] == ["xt vision transformer"]
    first = records[0][0]
    assert g.nodes[first.id]["authors"] == [a.name for a in first.authors]


def test_cooccurs_is_one_edge_per_pair_whichever_way_it_is_added() -> None:
    g = new_graph()
    add_edge(g, "concept:b", "concept:a", "CO_OCCURS", weight=2)
    add_edge(g, "concept:a", "concept:b", "CO_OCCURS", weight=3)
    assert g.number_of_edges() == 1
    assert [d["weight"] for *_, d in g.edges(data=True)] == [3]
    add_edge(g, "p", "concept:a", "MENTIONS", role="used")
    add_edge(g, "p", "concept:a", "MENTIONS", confidence=0.5)
    assert g.edges["p", "concept:a", "MENTIONS"] == {
        "rel": "MENTIONS",
        "role": "used",
        "confidence": 0.5,
        "weight": 1,
    }


def test_rank_nodes_gives_the_hand_computed_pagerank() -> None:
    """PageRank (alpha 0.85) solved by hand. A star s-x (weight 1), s-y (weight 3, as two
    parallel edges 1 + 2) with a self-loop on s (left out): every leaf sends all to s, so
    r_s = 0.05 + 0.85 (1 - r_s) = 0.9 / 1.85, r_x = 0.05 + 0.85 r_s / 4,
    r_y = 0.05 + 0.85 r_s 3 / 4. Two linked nodes and an isolated one (dangling: it spreads
    its rank evenly): r_c = 0.05 + 0.85 r_c / 3 = 0.15 / 2.15, the others (1 - r_c) / 2."""
    star = new_graph()
    add_edge(star, "s", "x", "CO_OCCURS", weight=1)
    add_edge(star, "y", "s", "MENTIONS", weight=1)
    add_edge(star, "s", "y", "CO_OCCURS", weight=2)
    add_edge(star, "s", "s", "CITES")
    r_s = 0.9 / 1.85
    assert rank_nodes(star) == pytest.approx(
        {"s": r_s, "x": 0.05 + 0.85 * r_s / 4, "y": 0.05 + 0.85 * r_s * 3 / 4}, abs=1e-8
    )
    pair = new_graph()
    add_edge(pair, "a", "b", "CITES")
    pair.add_node("c")
    r_c = 0.15 / 2.15
    assert rank_nodes(pair) == pytest.approx(
        {"a": (1 - r_c) / 2, "b": (1 - r_c) / 2, "c": r_c}, abs=1e-8
    )
    records, infos = make_records()
    ranks = rank_nodes(build_graph(records, infos))
    assert max(ranks, key=ranks.get) == "concept:xt-former"  # used by every paper
    assert rank_nodes(new_graph()) == {}


def test_concept_communities_split_disconnected_groups() -> None:
    g = new_graph()
    for a, b, w in [("a", "b", 3), ("b", "c", 2), ("a", "c", 1), ("x", "y", 5)]:
        for node in (a, b):
            g.add_node(f"concept:{node}", kind="concept")
        add_edge(g, f"concept:{a}", f"concept:{b}", "CO_OCCURS", weight=w)
    g.add_node("concept:alone", kind="concept")
    g.add_node("paper", kind="paper")
    add_edge(g, "paper", "concept:a", "MENTIONS")
    communities = concept_communities(g)
    assert set(communities) == {f"concept:{n}" for n in "abcxy"} | {"concept:alone"}
    assert communities["concept:a"] == communities["concept:b"] == communities["concept:c"] == 0
    assert communities["concept:x"] == communities["concept:y"] != 0
    assert len(set(communities.values())) == 3


def test_selection_describe_and_empty_selection() -> None:
    sel = Selection(
        concepts=["ViT"],
        authors=["Ashish Vaswani"],
        hops=2,
        since=2019,
        types=["paper", "concept"],
        min_weight=2,
    )
    text = sel.describe()
    for part in (
        "concept 'ViT'",
        "author 'Ashish Vaswani'",
        "hops 2",
        "2019",
        "paper,concept",
        "≥ 2",
    ):
        assert part in text
    assert not Selection().has_seeds()

    class NoStore:  # select must refuse before touching a store
        dialect = "sparql"

    with pytest.raises(SelectionError, match="--concept"):
        select(NoStore(), Selection())  # type: ignore[arg-type]


# --------------------------------------------------------------------------- from a store


def _write_records(store: GraphStore) -> nx.MultiDiGraph:
    """Write the hand-made records into a store; return the reference graph of them."""
    records, infos = make_records()
    used = {link.id for _, links in records for link in links}
    store.write_concepts([i for i in infos if i.id in used])
    store.write_papers([PaperGraph(p, links) for p, links in records])
    store.refresh_derived(sorted(used))
    return build_graph(records, infos)


@pytest.fixture(scope="module")
def oxigraph_store() -> Iterator[GraphStore]:
    store = open_store("oxigraph:")  # in memory
    _write_records(store)
    yield store
    store.close()


@pytest.fixture
def bolt_store(bolt_server, monkeypatch: pytest.MonkeyPatch) -> Iterator[GraphStore]:
    monkeypatch.setenv("NEO4J_USERNAME", bolt_server.user)
    monkeypatch.setenv("NEO4J_PASSWORD", bolt_server.password)
    store = open_store(f"{bolt_server.uri}?database={bolt_server.database}")
    reference = _write_records(store)
    ids = sorted(reference.nodes)
    try:
        yield store
    finally:
        store.query("MATCH (n) WHERE n.id IN $ids DETACH DELETE n", {"ids": ids}, write=True)
        store.close()


@pytest.fixture(params=["oxigraph", "bolt"])
def store(request: pytest.FixtureRequest) -> GraphStore:
    return request.getfixturevalue(f"{request.param}_store")


def _edges(g: nx.MultiDiGraph) -> dict[tuple[str, str, str], float]:
    return {(u, v, k): d.get("weight", 1) for u, v, k, d in g.edges(keys=True, data=True)}


def test_select_concept_by_name_matches_the_reference(store: GraphStore) -> None:
    reference = build_graph(*make_records())
    g = select(store, Selection(concepts=["xtformer"], limit=1000))  # case-insensitive
    assert g.graph["seeds"] == ["concept:xt-former"]
    touching = {e: w for e, w in _edges(reference).items() if "concept:xt-former" in e[:2]}
    selected = _edges(g)
    assert touching.items() <= selected.items()
    assert selected.items() <= _edges(reference).items()
    assert g.graph["omitted"] == 0
    # node data the exports need came along
    for node, data in g.nodes(data=True):
        ref = reference.nodes[node]
        for key in (
            "kind",
            "title",
            "year",
            "doi",
            "arxiv_id",
            "venue",
            "url",
            "abstract",
            "type",
            "name",
        ):
            assert data.get(key) == ref.get(key), (node, key)
        if data["kind"] == "concept":
            assert sorted(data.get("aliases", [])) == sorted(ref.get("aliases", []))
    for u, v, k, data in g.edges(keys=True, data=True):
        if k == "MENTIONS":
            ref = reference.edges[u, v, k]
            assert (data["role"], data["sentence"]) == (ref["role"], ref["sentence"])
            assert data["confidence"] == pytest.approx(ref["confidence"])


def test_select_author_brings_positions_and_author_order(store: GraphStore) -> None:
    reference = build_graph(*make_records())
    bob = next(n for n, d in reference.nodes(data=True) if d.get("name") == "Bob Xtbuilder")
    g = ego_graph(store, bob, hops=1)
    papers = [n for n, d in g.nodes(data=True) if d["kind"] == "paper"]
    assert sorted(papers) == ["arxiv:2010.99991", "doi:10.9999/xt.1"]
    for paper in papers:
        assert (
            g.edges[paper, bob, "AUTHORED_BY"]["position"]
            == reference.edges[paper, bob, "AUTHORED_BY"]["position"]
        )
        assert g.nodes[paper]["authors"] == reference.nodes[paper]["authors"]


def test_select_by_alias_and_filters(store: GraphStore) -> None:
    g = select(store, Selection(concepts=["XT Vision Transformer"], limit=1000))
    assert g.graph["seeds"] == ["concept:xt-vit"]
    late = select(store, Selection(concepts=["XtFormer"], since=2021, limit=1000))
    years = {d.get("year") for _, d in late.nodes(data=True) if d["kind"] == "paper"}
    assert years == {2021}
    methods = select(
        store, Selection(concepts=["XtNet"], hops=2, concept_type="method", limit=1000)
    )
    types = {
        d.get("type")
        for n, d in methods.nodes(data=True)
        if d["kind"] == "concept" and n != "concept:xt-net"
    }
    assert types == {"method"}
    strong = select(store, Selection(concepts=["XtFormer"], min_weight=2, limit=1000))
    weights = [d["weight"] for *_, k, d in strong.edges(keys=True, data=True) if k == "CO_OCCURS"]
    assert weights and min(weights) >= 2


def test_budget_counts_what_it_left_out(store: GraphStore) -> None:
    """Papers first: a budget of 3 edges goes to XtFormer's papers (its own and XtViT's,
    below it); what was left out is counted per kind, the seed's own edges exactly."""
    small = select(store, Selection(concepts=["XtFormer"], hops=1, limit=3))
    about = run_named(store, "papers-by-concept", {"concept": "concept:xt-former"}).rows
    degree = dict(run_named(store, "node-degree", {"node": "concept:xt-former"}).rows)
    assert small.number_of_edges() == 3
    assert {k for *_, k in small.edges(keys=True)} == {"MENTIONS"}
    assert small.graph["omitted_by_kind"] == {
        "BROADER": degree["BROADER"],
        "CO_OCCURS": degree["CO_OCCURS"],
        "MENTIONS": len(about) - 3,
    }
    assert small.graph["omitted"] == sum(small.graph["omitted_by_kind"].values())
    wide = select(store, Selection(concepts=["XtFormer"], hops=2, limit=3))
    assert wide.graph["omitted_by_kind"] == small.graph["omitted_by_kind"]


def test_unknown_seeds_suggest_close_names(store: GraphStore) -> None:
    with pytest.raises(SelectionError) as info:
        select(store, Selection(concepts=["XtFormr"]))
    assert "XtFormer" in info.value.suggestions
    with pytest.raises(SelectionError, match="no paper"):
        select(store, Selection(papers=["doi:10.9999/none"]))
    with pytest.raises(SelectionError):
        select(store, Selection(authors=["Nobody Xtnone"]))


def test_suggestions_ask_the_store_for_candidates_only(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store sends the concepts sharing the most three-letter pieces with the name (at
    most SUGGEST_CANDIDATES), never every concept (once top-concepts with no limit)."""
    monkeypatch.setattr(seeds, "SUGGEST_CANDIDATES", 1)
    rows: list[int] = []
    original = store.query

    def counted(text: str, params: dict | None = None, **options: object) -> QueryResult:
        result = original(text, params, **options)
        rows.append(len(result.rows))
        return result

    monkeypatch.setattr(store, "query", counted)
    assert seeds.suggest_concepts(store, "XtFormr") == ["XtFormer"]
    assert rows and sum(rows) <= 3  # one candidate, then its name and aliases


def test_paper_and_author_seeds_resolve(store: GraphStore) -> None:
    for ref in ("doi:10.9999/xt.1", "10.9999/XT.1", "xt transformers for everything"):
        g = select(store, Selection(papers=[ref], limit=1000))
        assert g.graph["seeds"] == ["doi:10.9999/xt.1"], ref
    assert select(store, Selection(papers=["2010.99991"])).graph["seeds"] == ["arxiv:2010.99991"]
    ada = select(store, Selection(authors=["ada xtlovelace"]))
    assert ada.graph["seeds"] == ["orcid:0000-0002-1825-0097"]
    assert select(store, Selection(authors=["orcid:0000-0002-1825-0097"])).number_of_edges() == 1
    with pytest.raises(SelectionError, match="no author with id"):
        select(store, Selection(authors=["orcid:0000-0000-0000-0000"]))


def test_select_everything(oxigraph_store: GraphStore) -> None:
    reference = build_graph(*make_records())
    g = select(oxigraph_store, Selection(everything=True, limit=100_000))
    assert _edges(g) == _edges(reference)
    assert graph_counts(g) == graph_counts(reference)


# --------------------------------------------------------------------------- example corpus

_ALL_EDGES = """
PREFIX pkg: <https://paper-kg.org/schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?s ?p ?t WHERE {
  VALUES ?p { dcterms:creator <https://schema.org/mentions> <http://purl.org/spar/cito/cites>
              <http://www.w3.org/2004/02/skos/core#broader> pkg:coOccursWith }
  ?a ?p ?b .
  ?a a ?ca ; dcterms:identifier ?s . ?b a ?cb ; dcterms:identifier ?t .
  VALUES ?ca { pkg:Paper pkg:Author pkg:Concept }
  VALUES ?cb { pkg:Paper pkg:Author pkg:Concept }
}"""
_RELS = {
    "http://purl.org/dc/terms/creator": "AUTHORED_BY",
    "https://schema.org/mentions": "MENTIONS",
    "http://purl.org/spar/cito/cites": "CITES",
    "http://www.w3.org/2004/02/skos/core#broader": "BROADER",
    "https://paper-kg.org/schema#coOccursWith": "CO_OCCURS",
}


@pytest.fixture(scope="module")
def example_store(new_extractor: NewExtractor) -> Iterator[GraphStore]:
    from kg.build import build

    store = open_store("oxigraph:")
    # vocabulary concepts must stay out
    build([EXAMPLES], store, with_vocabulary=True, extractor=new_extractor())
    yield store
    store.close()


def test_two_hop_selection_on_examples_matches_an_independent_count(
    example_store: GraphStore, tmp_path: Path
) -> None:
    """Without a budget, two hops around Transformer are, counted here from the raw
    triples: its papers (papers-by-concept, with the concepts below it) and its other edges;
    then every edge touching what that took; and the MENTIONS between the papers and
    concepts taken; never a concept no paper mentions."""
    seed = "concept:transformer"
    triples = {(str(s), _RELS[str(p)], str(t)) for s, p, t in example_store.query(_ALL_EDGES).rows}
    mentioned = {t for _, rel, t in triples if rel == "MENTIONS"}
    assert {t for _, rel, t in triples if rel == "BROADER"} - mentioned  # vocabulary is there

    def kept(edge: tuple[str, str, str]) -> bool:
        return all(not n.startswith("concept:") or n in mentioned or n == seed
                   for n in (edge[0], edge[2]))

    about = run_named(example_store, "papers-by-concept", {"concept": seed, "limit": 10**6})
    first = {(str(r[0]), "MENTIONS", str(r[4])) for r in about.rows}
    first |= {e for e in triples if seed in (e[0], e[2]) and kept(e)}
    frontier = {n for s, _, t in first for n in (s, t)} - {seed}
    chosen = first | {e for e in triples if (e[0] in frontier or e[2] in frontier) and kept(e)}
    nodes = {n for s, _, t in chosen for n in (s, t)}
    edges = chosen | {e for e in triples if e[1] == "MENTIONS" and {e[0], e[2]} <= nodes}
    assert len(edges) > 50 and len(first) > len(about.rows)  # a real two-hop neighbourhood
    g = select(example_store, Selection(concepts=["Transformer"], hops=2, limit=1_000_000))
    assert g.graph["omitted"] == 0
    assert set(g.nodes) == nodes
    assert {(u, k, v) for u, v, k in g.edges(keys=True)} == edges
    # and the exported files carry exactly the selection
    back = nx.read_graphml(
        export(g, "graphml", tmp_path / "g.graphml").paths[0], force_multigraph=True
    )
    assert (back.number_of_nodes(), back.number_of_edges()) == (len(nodes), len(edges))
    rdf_path = export(g, "ttl", tmp_path / "g.ttl").paths[0]
    rdf = rdflib.Graph().parse(rdf_path)
    kinds = Counter(d["kind"] for _, d in g.nodes(data=True))
    pkg = rdflib.Namespace("https://paper-kg.org/schema#")
    assert len(set(rdf.subjects(rdflib.RDF.type, pkg.Paper))) == kinds["paper"]
    assert len(set(rdf.subjects(rdflib.RDF.type, pkg.Concept))) == kinds["concept"]
