"""The embedded RDF stores (Oxigraph, rdflib) on hand-built PaperGraphs: mapping, counts,
idempotence, merging, re-extraction, CO_OCCURS, injection safety, named queries."""

from __future__ import annotations

import contextlib
import re
import time
from pathlib import Path

import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.mapping.terms import paper_iri, sparql_literal
from kg.model import Author, ConceptInfo, ConceptLink, Mention, Paper
from kg.queries import NAMED_QUERIES, RELATIONS, QueryParamError, read, run_named
from kg.stores import GraphStore, PaperGraph, ReadOnlyError, StoreError, open_store
from kg.stores.sparql_text import bind_text, parsed_shape, sparql_kind, sparql_shape

EVIL = [
    'He said "hi" \\ {braces} }',
    '"}) DETACH DELETE n //',
    '"> . DROP ALL #',
    "line one\nline two\r\n\ttabbed",
    "ünïcödé — 東京 🚀",
    "'single' ''' quotes",
]


def link(cid: str, name: str, ctype: str, proposed: bool = False, text: str = "") -> ConceptLink:
    """A concept link with one evidence in the abstract."""
    text = text or name
    sentence = f"We use {text}."
    return ConceptLink(cid, name, ctype, proposed, 0.75,
                       [Mention(text, "abstract", 7, 7 + len(text), sentence)])


def vocabulary() -> list[ConceptInfo]:
    return [
        ConceptInfo("concept:transformer", "Transformer", "architecture", ["TF"]),
        ConceptInfo("concept:vit", "ViT", "architecture", ["Vision Transformer"],
                    ["concept:transformer"]),
        ConceptInfo("concept:imagenet", "ImageNet", "benchmark", ["ILSVRC"]),
        ConceptInfo("concept:adam", "Adam", "method"),
    ]


def sample() -> list[PaperGraph]:
    """Three papers, five distinct authors, four concepts (one coined), one citation."""
    attention = Paper(
        "Attention Is All You Need", "We use Transformer.", [Author("Ashish Vaswani"),
                                                             Author("Noam Shazeer")],
        year=2017, arxiv_id="1706.03762", sources=["a.jsonl:1"],
    )
    vit = Paper(
        "An Image is Worth 16x16 Words", "We use ViT.",
        [Author("Alexey Dosovitskiy"), Author("Lucas Beyer"), Author("Noam Shazeer")],
        year=2020, arxiv_id="2010.11929", references=["arxiv:1706.03762", "doi:10.9/none"],
        sources=["b.bib:4"],
    )
    foo = Paper("FooNet for everything", "We use FooNet.", [Author("Jane Roe")],
                year=2021, doi="10.1234/foo", sources=["c.csv:2"])
    return [
        PaperGraph(attention, [link("concept:transformer", "Transformer", "architecture", True),
                               link("concept:adam", "Adam", "method")]),
        PaperGraph(vit, [link("concept:vit", "ViT", "architecture", True),
                         link("concept:imagenet", "ImageNet", "benchmark"),
                         link("concept:transformer", "Transformer", "architecture"),
                         link("concept:adam", "Adam", "method")]),
        PaperGraph(foo, [link("concept:foonet", "FooNet", "architecture", True),
                         link("concept:imagenet", "ImageNet", "benchmark")]),
    ]


# Hand-derived from sample(): pairs per paper: attention {transformer, adam} = 1;
# vit {vit, imagenet, transformer, adam} = 6; foo {foonet, imagenet} = 1; the pair
# (transformer, adam) appears in two papers, so 7 distinct pairs.
EXPECTED = {
    "papers": 3, "authors": 5, "concepts": 5, "unmentioned_concepts": 0, "authored_by": 6,
    "mentions": 8, "cites": 1, "broader": 1, "co_occurs": 7,
}


def fill(store: GraphStore, graphs: list[PaperGraph] | None = None) -> None:
    store.write_concepts(vocabulary())
    store.write_papers(graphs if graphs is not None else sample())
    store.refresh_derived([])


def triples(store: GraphStore) -> set[tuple]:
    return {tuple(r) for r in store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }").rows}


@pytest.fixture(params=["oxigraph-memory", "oxigraph-disk", "rdflib-memory", "rdflib-file"])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    uri = {
        "oxigraph-memory": "oxigraph:",
        "oxigraph-disk": f"oxigraph:{tmp_path / 'kg'}",
        "rdflib-memory": "rdflib:",
        "rdflib-file": f"rdflib:{tmp_path / 'kg.ttl'}",
    }[request.param]
    opened = open_store(uri)
    yield opened
    opened.close()


def test_counts_match_the_input(store: GraphStore) -> None:
    fill(store)
    assert store.counts() == EXPECTED


def test_writing_twice_changes_nothing(store: GraphStore) -> None:
    fill(store)
    first = triples(store)
    stats = store.write_papers(sample())
    store.write_concepts(vocabulary())
    store.refresh_derived([])
    assert stats.added == {"papers": 0}
    assert store.counts() == EXPECTED
    assert triples(store) == first


def test_a_fresh_store_knows_its_papers_after_deletes_and_edits_by_query(
    store: GraphStore,
) -> None:
    """A store that began empty knows which papers it holds without looking them up
    (RdfStore._stored_papers); a delete and an edit by query must keep that right."""
    graphs = sample()
    assert store.write_papers(graphs[:1]).added == {"papers": 1}
    assert store.write_papers(graphs[:1]).added == {"papers": 0}  # written this run
    store.delete_papers([graphs[0].paper.id])
    assert store.write_papers(graphs[:1]).added == {"papers": 1}  # deleted: new again
    second = paper_iri(graphs[1].paper.id)
    store.query(f"INSERT DATA {{ <{second}> a <https://paper-kg.org/schema#Paper> }}",
                write=True)
    assert store.write_papers(graphs[1:2]).added == {"papers": 0}  # the query added it


def test_clear_empties_the_store_and_a_rebuild_restores_it(store: GraphStore) -> None:
    fill(store)
    first = triples(store)
    store.clear()
    assert store.counts() == dict.fromkeys(EXPECTED, 0) and not triples(store)
    fill(store)  # nothing the store remembers of what it wrote may survive the clear
    assert triples(store) == first


def test_refresh_for_named_concepts_follows_an_edit_by_query(store: GraphStore) -> None:
    """The contract of refresh_derived: the figures of the concepts named are right after
    it, even when the mentions were changed by a query the store did not track."""
    fill(store)
    store.query("DELETE WHERE { ?p <https://schema.org/mentions> "
                "<https://paper-kg.org/id/concept/foonet> }", write=True)
    store.refresh_derived(["concept:foonet"])
    pairs = store.query("SELECT ?b WHERE { <https://paper-kg.org/id/concept/foonet> "
                        "<https://paper-kg.org/schema#coOccursWith> ?b }").rows
    assert pairs == []
    assert store.counts()["co_occurs"] == EXPECTED["co_occurs"] - 1


def test_reextraction_replaces_mentions_and_cooccurrence(store: GraphStore) -> None:
    fill(store)
    vit = sample()[1]
    # re-extracted: only ViT now; ImageNet/Transformer/Adam links of this paper must go
    store.write_papers([PaperGraph(vit.paper, [link("concept:vit", "ViT", "architecture")])])
    store.refresh_derived([])
    counts = store.counts()
    assert counts["mentions"] == EXPECTED["mentions"] - 3
    rows = run_named(store, "concepts-of-paper", {"paper": "arxiv:2010.11929"}).rows
    assert [(r[0], r[3]) for r in rows] == [("concept:vit", "used")]
    pairs = run_named(store, "top-cooccurring", {}).rows
    # left: (adam, transformer) from attention and (foonet, imagenet) from foo, weight 1 each
    assert [(r[0], r[2], r[4]) for r in pairs] == [
        ("concept:adam", "concept:transformer", 1),
        ("concept:foonet", "concept:imagenet", 1),
    ]


def test_paper_seen_again_merges_fields(store: GraphStore) -> None:
    fill(store)
    again = Paper("Attention Is All You Need", arxiv_id="1706.03762", venue="NeurIPS",
                  sources=["d.xml:9"])
    store.write_papers([PaperGraph(again, [])])
    fields = dict(
        store.query(
            "SELECT ?k ?v WHERE { ?p dcterms:identifier 'arxiv:1706.03762' . "
            "VALUES (?prop ?k) { (pkg:year 'year') (pkg:venue 'venue') "
            "(dcterms:abstract 'abstract') } ?p ?prop ?v }"
        ).rows
    )
    assert fields == {"year": 2017, "venue": "NeurIPS", "abstract": "We use Transformer."}
    sources = store.query(
        "SELECT ?s WHERE { ?p dcterms:identifier 'arxiv:1706.03762' ; pkg:source ?s } ORDER BY ?s"
    ).rows
    assert sources == [["a.jsonl:1"], ["d.xml:9"]]
    assert store.counts()["authored_by"] == EXPECTED["authored_by"]  # no authors: kept


def test_title_overwritten_by_newer_record(store: GraphStore) -> None:
    fill(store)
    paper = Paper("FooNet for everything, revised", doi="10.1234/foo")
    store.write_papers([PaperGraph(paper, [])])
    rows = run_named(store, "search", {"text": "foonet for"}).rows
    assert rows == [["paper", "doi:10.1234/foo", "FooNet for everything, revised"]]


@pytest.mark.parametrize("deferred", [False, True], ids=["immediate", "deferred"])
@pytest.mark.parametrize("evil", EVIL)
def test_injection_text_is_stored_verbatim(store: GraphStore, evil: str, deferred: bool) -> None:
    """Hostile text round-trips, written at once or through a build's deferred writes (the
    Oxigraph spool is bulk-loaded without the loader's validation)."""
    fill(store)
    before = triples(store)
    paper = Paper(f"Title {evil}", f"Abstract {evil}", [Author(f"Eve {evil}")],
                  doi="10.666/evil", sources=[f"evil {evil}:1"])
    coined = link("concept:evil", f"Name {evil}", "method", text=evil)
    with store.deferred_writes() if deferred else contextlib.nullcontext():
        store.write_papers([PaperGraph(paper, [coined])])
        store.refresh_derived([])
    title = store.query(
        "SELECT ?t WHERE { ?p dcterms:identifier $id ; dcterms:title ?t }", {"id": paper.id}
    ).rows
    assert title == [[paper.title]]
    name = store.query(
        "SELECT ?n WHERE { ?a a pkg:Author ; foaf:name ?n FILTER(STRSTARTS(?n, 'Eve')) }"
    ).rows
    assert name == [[paper.authors[0].name]]
    evidence = run_named(store, "concepts-of-paper", {"paper": paper.id}).records()
    assert [(e["name"], e["sentence"]) for e in evidence] == [
        (f"Name {evil}", f"We use {evil}.")
    ]
    # the searched text is itself hostile: bound as a literal, it finds exactly the paper
    found = run_named(store, "search", {"text": paper.title.removeprefix("Title ")}).rows
    assert ["paper", paper.id, paper.title] in found
    # nothing that existed before was removed
    assert before <= triples(store)
    assert store.counts()["papers"] == EXPECTED["papers"] + 1


@pytest.mark.parametrize("evil", EVIL)
def test_hostile_parameters_change_nothing(store: GraphStore, evil: str) -> None:
    fill(store)
    before = triples(store)
    for name in ("papers-by-concept", "author-concepts", "concepts-of-paper"):
        key = NAMED_QUERIES[name].required[0]
        assert run_named(store, name, {key: evil}).rows == []
    assert triples(store) == before


def test_named_queries_have_declared_columns(store: GraphStore) -> None:
    fill(store)
    args = {
        "papers-by-concept": {"concept": "transformer"},
        "concepts-under": {"concept": "transformer"},
        "concepts-of-paper": {"paper": "arxiv:2010.11929"},
        "author-concepts": {"author": "Noam Shazeer"},
        "author-id": {"author": "noam shazeer"},
        "papers-by-author": {"author": "Noam SHAZEER"},
        "ego-network": {"node": "concept:imagenet"},
        "node-degree": {"node": "concept:imagenet"},
        "search": {"text": "a"},
        "paper-id": {"arxiv": "2010.11929"},
    }
    for name, query in NAMED_QUERIES.items():
        result = run_named(store, name, args.get(name, {}))
        assert result.columns == list(query.columns)
        assert result.rows, name
        assert all(len(row) == len(query.columns) for row in result.rows)


def test_named_query_rows(store: GraphStore) -> None:
    fill(store)
    top = run_named(store, "top-concepts", {"limit": "3"}).rows
    assert top == [
        ["concept:adam", "Adam", "method", 2],
        ["concept:imagenet", "ImageNet", "benchmark", 2],
        ["concept:transformer", "Transformer", "architecture", 2],
    ]
    bench = run_named(store, "top-concepts", {"type": "benchmark"}).rows
    assert [r[0] for r in bench] == ["concept:imagenet"]
    # by alias, with narrower concepts (ViT is narrower than Transformer)
    rows = run_named(store, "papers-by-concept", {"concept": "tf"}).rows
    assert rows == [
        ["arxiv:2010.11929", "An Image is Worth 16x16 Words", 2020, "used", "concept:transformer"],
        ["arxiv:2010.11929", "An Image is Worth 16x16 Words", 2020, "proposed", "concept:vit"],
        ["arxiv:1706.03762", "Attention Is All You Need", 2017, "proposed",
         "concept:transformer"],
    ]
    exact = run_named(store, "papers-by-concept", {"concept": "tf", "narrower": "false"}).rows
    assert [r[4] for r in exact] == ["concept:transformer", "concept:transformer"]
    author = run_named(store, "author-concepts", {"author": "noam shazeer"}).rows
    assert [(r[0], r[3]) for r in author] == [
        ("concept:adam", 2), ("concept:transformer", 2), ("concept:imagenet", 1),
        ("concept:vit", 1),
    ]
    trend = run_named(store, "concept-trend", {"concept": "Transformer"}).rows
    assert trend == [["concept:transformer", "Transformer", 2017, 1],
                     ["concept:transformer", "Transformer", 2020, 1]]
    evidence = run_named(store, "concepts-of-paper", {"paper": "doi:10.1234/foo"}).records()
    assert evidence[0] == {
        "concept": "concept:foonet", "name": "FooNet", "type": "architecture",
        "role": "proposed", "confidence": 0.75, "field": "abstract", "start": 7, "end": 13,
        "sentence": "We use FooNet.",
    }


def test_ego_network(store: GraphStore) -> None:
    fill(store)
    rows = run_named(store, "ego-network", {"node": "doi:10.1234/foo"}).records()
    edges = sorted((r["rel"], r["source"], r["target"]) for r in rows)
    assert edges == [
        ("AUTHORED_BY", "doi:10.1234/foo", "name:jane-roe"),
        ("MENTIONS", "doi:10.1234/foo", "concept:foonet"),
        ("MENTIONS", "doi:10.1234/foo", "concept:imagenet"),
    ]
    wider = run_named(store, "ego-network", {"node": "doi:10.1234/foo", "hops": 2}).records()
    assert len(wider) > len(rows)
    assert {"CO_OCCURS", "MENTIONS", "AUTHORED_BY"} <= {r["rel"] for r in wider}
    only = run_named(store, "ego-network", {"node": "doi:10.1234/foo", "hops": 2,
                                       "types": "benchmark, Paper"}).records()
    for row in only:
        for end in ("source", "target"):
            assert (row[end] == "doi:10.1234/foo" or row[f"{end}_kind"] == "paper"
                    or row[end] == "concept:imagenet")
    weights = [r["weight"] for r in wider]
    assert weights == sorted(weights, reverse=True)


def test_updates_refused_unless_write(store: GraphStore) -> None:
    fill(store)
    with pytest.raises(ReadOnlyError, match="--write"):
        store.query("DELETE WHERE { ?s ?p ?o }")
    assert store.counts() == EXPECTED
    store.query("DELETE WHERE { ?s pkg:weight ?w ; ?p ?o }", write=True)
    assert store.counts()["co_occurs"] == 0


def test_query_errors_are_store_errors(store: GraphStore) -> None:
    with pytest.raises(StoreError, match="not a valid SPARQL"):
        store.query("SELEKT nothing")
    with pytest.raises(StoreError, match=r"not a valid SPARQL query: .* column 19"):
        store.query("SELECT ?x WHERE { ?x")  # not parsed before it runs (sparql_shape)
    with pytest.raises(QueryParamError, match="--param concept"):
        run_named(store, "papers-by-concept", {})
    with pytest.raises(QueryParamError, match="whole number"):
        run_named(store, "top-concepts", {"limit": "many"})


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=40))
def test_any_text_round_trips_as_a_parameter(store: GraphStore, text: str) -> None:
    rows = store.query("SELECT ?x WHERE { BIND($v AS ?x) }", {"v": text}).rows
    assert rows == [[text]]


def test_sparql_kind_parses_instead_of_guessing() -> None:
    assert sparql_kind("SELECT ?x WHERE { ?x ?p 'DELETE WHERE { ?s ?p ?o }' }") == "query"
    assert sparql_kind("# INSERT DATA\nASK {}") == "query"
    assert sparql_kind("PREFIX a: <http://a/> INSERT DATA { a:b a:c 'SELECT' }") == "update"
    assert sparql_kind("CLEAR ALL") == "update"


ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("text", [
    "SELECT * FROM <http://x/g> WHERE { ?s ?p ?o }",
    "select ?x where { service <http://x/sparql> { ?x ?p ?o } }",
    "PREFIX a: <http://a/>\nSELECT ?x WHERE { ?x a:from ?y }",
    "# SELECT\nINSERT DATA { <http://a> <http://b> 'c' }",
    "SELECT ?x WHERE { ?x ?p 'a' } # with LOAD in a comment",
    "SELECT ?x WHERE { BIND('\\u0041' AS ?x) }",
    "ASK {}",
    "  # a note\n BASE <http://b/> PREFIX : <http://a/> CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "DESCRIBE <http://a/b>",
    "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "SELECT ?x WHERE { ?x ?p ''' ' ''' SERVICE <http://x/sparql> { ?x ?p ' ' } }",
    "SELECT ?x # from a comment\nWHERE { ?x ?p 'with a string' }",
    "SELECT ?from WHERE { ?from ?p ?o .SERVICE <http://x/sparql> { ?from ?p ?o } }",
    *[pytest.param(path.read_text("utf-8"), id=path.name)
      for folder in (ROOT / "kg" / "queries", ROOT / "app" / "queries")
      for path in sorted(folder.rglob("*.rq")) if not path.name.startswith("ego-network.")],
    # the ego network is joined from pieces (kg.queries): its widest and its hub form
    read("sparql", "ego-network.head", "ego-network.hops-3", "ego-network.edges",
         *[f"ego-network.edges.{rel}" for rel in RELATIONS], "ego-network.tail"),
    read("sparql", "ego-network.head", "ego-network.hops-1", "ego-network.heaviest",
         "ego-network.tail"),
])
def test_unparsed_shape_agrees_with_the_parse(text: str) -> None:
    """The shortcut that skips rdflib's parser for plain local queries gives the parse's
    answer (a query's parameters are bound as 1, as RdfStore does before asking)."""
    text = bind_text(text, dict.fromkeys(re.findall(r"\$(\w+)", text), 1))
    assert sparql_shape(text) == parsed_shape(text)


def test_bind_text_leaves_strings_and_iris_alone() -> None:
    text = "SELECT * WHERE { ?s <http://x/$v> '$v' ; ?p $v } LIMIT $n"
    bound = bind_text(text, {"v": 'a"b', "n": 5})
    assert bound == "SELECT * WHERE { ?s <http://x/$v> '$v' ; ?p \"a\\\"b\" } LIMIT 5"
    assert sparql_literal("x\\y\n") == '"x\\\\y\\n"'


def test_rdflib_file_is_saved_and_reloaded(tmp_path: Path) -> None:
    path = tmp_path / "graph.ttl"
    with open_store(f"rdflib:{path}") as first:
        fill(first)
    assert path.exists()
    rdflib.Graph().parse(path)  # valid Turtle
    with open_store(f"rdflib:{path}") as second:
        assert second.counts() == EXPECTED


def test_oxigraph_bare_path_persists_and_exposes_rdflib(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "kg")) as first:
        fill(first)
    with open_store(f"oxigraph:{tmp_path / 'kg'}") as second:
        assert second.counts() == EXPECTED
        graph = second.rdflib_graph()  # type: ignore[attr-defined]
        pkg = rdflib.Namespace("https://paper-kg.org/schema#")
        papers = set(graph.subjects(rdflib.RDF.type, pkg.Paper))
        assert rdflib.URIRef(paper_iri("doi:10.1234/foo")) in papers
        assert len(papers) == EXPECTED["papers"]


def test_oxigraph_in_use_opens_read_only(tmp_path: Path) -> None:
    with open_store(f"oxigraph:{tmp_path / 'kg'}") as holder:
        fill(holder)
        with open_store(f"oxigraph:{tmp_path / 'kg'}") as reader:
            assert reader.counts() == EXPECTED
            with pytest.raises(StoreError, match="in use by another process"):
                reader.write_papers(sample())


def test_oxigraph_path_that_is_a_file(tmp_path: Path) -> None:
    path = tmp_path / "file.txt"
    path.write_text("x")
    with pytest.raises(StoreError, match="not an Oxigraph store directory"):
        open_store(f"oxigraph:{path}")


def test_backends_agree_on_every_named_query(tmp_path: Path) -> None:
    args = {
        "top-concepts": [{}, {"type": "architecture", "limit": 2}],
        "papers-by-concept": [{"concept": "Transformer"}, {"concept": "vit", "narrower": False},
                              {"concept": "concept:imagenet", "narrower": False}],
        "concepts-under": [{"concept": "Transformer"}, {"concept": "tf", "narrower": False}],
        "concepts-of-paper": [{"paper": "arxiv:2010.11929"}],
        "author-concepts": [{"author": "name:noam-shazeer"}],
        "author-id": [{"author": "Noam Shazeer"}, {"author": "name:jane-roe"}],
        "papers-by-author": [{"author": "noam shazeer"}, {"author": "nobody"}],
        "top-cooccurring": [{}, {"concept": "imagenet"}],
        "concept-trend": [{}, {"concept": "Transformer"}, {"concept": "tf", "narrower": False}],
        "ego-network": [{"node": "concept:transformer", "hops": 2}, {"node": "name:jane-roe"}],
        "search": [{"text": "ima"}],
        "paper-id": [{"arxiv": "2010.11929"}, {"doi": "10.0/none"}],
        "node-degree": [{"node": "concept:transformer"}, {"node": "arxiv:2010.11929"}],
    }
    assert set(args) == set(NAMED_QUERIES)
    with open_store("oxigraph:") as ox, open_store("rdflib:") as rl:
        fill(ox)
        fill(rl)
        for name, calls in args.items():
            for params in calls:
                assert run_named(ox, name, params).rows == run_named(rl, name, params).rows, name


def test_refresh_recomputes_every_derived_triple(store: GraphStore) -> None:
    """`kg refresh` (after bulk loads) rebuilds exactly what the build derived from mentions."""
    from kg.build import refresh

    fill(store)
    expected = triples(store)
    store.query("DELETE WHERE { ?c pkg:weight ?w ; ?p ?o } ; "
                "DELETE WHERE { ?a pkg:coOccursWith ?b } ; DELETE WHERE { ?c pkg:paperCount ?n } ; "
                "DELETE WHERE { ?y a pkg:ConceptYear ; ?p ?o }", write=True)
    assert store.counts()["co_occurs"] == 0
    refresh(store)
    assert triples(store) == expected


@pytest.mark.parametrize("spool_triples", [10, 1_000_000])
def test_deferred_writes_give_the_same_graph(
    store: GraphStore, spool_triples: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build's block of deferred writes (spooled and bulk-loaded on Oxigraph: in several
    background loads, or all held back until a read) ends in exactly the graph of immediate
    writes, reads inside the block see everything written before them, a paper written
    twice in the block is replaced, and no spool file is left behind."""
    import tempfile

    import kg.stores.oxigraph

    monkeypatch.setattr(kg.stores.oxigraph, "SPOOL_TRIPLES", spool_triples)
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool_dir))
    graphs = sample()
    with store.deferred_writes():
        store.write_concepts(vocabulary())
        for graph in graphs:
            store.write_papers([graph])
        vit = graphs[1]  # re-extracted while its first version may still be spooled
        store.write_papers([PaperGraph(vit.paper, [link("concept:vit", "ViT", "architecture")])])
        counts = store.counts()
        assert (counts["papers"], counts["mentions"]) == (3, EXPECTED["mentions"] - 3)
        store.write_papers([vit])  # and back: the same graph as writing it once
        store.refresh_derived([])
    assert list(spool_dir.iterdir()) == []
    with open_store("oxigraph:") as immediate:
        fill(immediate)
        assert triples(store) == triples(immediate)
    assert store.counts() == EXPECTED


@pytest.mark.parametrize("concept", ["concept:transformer", "concept:imagenet", "concept:adam"])
def test_concept_id_slug_and_name_give_the_same_rows(store: GraphStore, concept: str) -> None:
    """The lookups (concepts-under, for papers-by-concept and concept-trend) resolve an id, a
    slug and a name alike."""
    fill(store)
    name = {info.id: info.name for info in vocabulary()}[concept]
    given = (concept, concept.removeprefix("concept:"), name.upper())
    for query, extra in (("papers-by-concept", {"narrower": False}), ("concept-trend", {})):
        rows = [run_named(store, query, {"concept": one, **extra}).rows for one in given]
        assert rows[0] and rows[0] == rows[1] == rows[2], query


def test_pairs_of_a_concept_no_longer_mentioned_are_removed(store: GraphStore) -> None:
    """A rewrite that drops a concept's last mention (FooNet, only in foo) leaves no
    CO_OCCURS node or shortcut of it."""
    fill(store)
    foo = sample()[2]
    foo.concepts = [c for c in foo.concepts if c.id != "concept:foonet"]
    store.write_papers([foo])
    store.refresh_derived([])
    foonet = "<https://paper-kg.org/id/concept/foonet>"
    left = store.query(
        f"SELECT ?s WHERE {{ {{ ?s pkg:concept {foonet} ; pkg:weight ?w }} "
        f"UNION {{ ?s pkg:coOccursWith {foonet} }} UNION {{ {foonet} pkg:coOccursWith ?s }} }}"
    )
    assert left.rows == []
    assert store.counts()["co_occurs"] == EXPECTED["co_occurs"] - 1


@pytest.mark.parametrize("deferred", [False, True])
def test_rewritten_concepts_end_as_if_written_once(store: GraphStore, deferred: bool) -> None:
    """Concepts written again (type, label, aliases and broader changed; a language-tagged
    label a user added; the same concept twice in one call) hold exactly their last data:
    the difference written must match writing the final concepts into an empty store."""
    old = [ConceptInfo("concept:foonet", "FooNet", "architecture", ["Foo-Net", "FN"],
                       ["concept:transformer"], "coined"),
           ConceptInfo("concept:barset", "BarSet", "benchmark", ["Bar"], [], "coined")]
    new = [ConceptInfo("concept:foonet", "FooNet v2", "method", ["FN"], [], "vocabulary"),
           ConceptInfo("concept:barset", "BarSet", "benchmark", ["Bar", "BS"],
                       ["concept:imagenet"], "coined")]
    store.write_concepts(old)
    store.query('INSERT DATA { <https://paper-kg.org/id/concept/barset> '
                '<http://www.w3.org/2004/02/skos/core#prefLabel> "Barre"@fr }', write=True)
    block = store.deferred_writes() if deferred else contextlib.nullcontext()
    with block:
        stats = store.write_concepts([old[0], *new])  # foonet twice: the last wins
    assert stats.added == {"concepts": 0}
    with open_store("oxigraph:") as fresh:
        fresh.write_concepts(new)
        assert triples(store) == triples(fresh)


def test_papers_by_concept_limits_are_the_first_rows_of_the_full_list(store: GraphStore) -> None:
    """The year cutoff (papers-by-concept.cutoff.rq, from the stored papers-per-year figures)
    never drops a row the limit keeps: every limit gives the head of the full ordered list."""
    fill(store)
    params = {"concept": "concept:transformer"}
    full = run_named(store, "papers-by-concept", params).rows
    assert len({row[2] for row in full}) >= 2  # several years, so the cutoff matters
    for limit in range(1, len(full) + 1):
        rows = run_named(store, "papers-by-concept", {**params, "limit": limit}).rows
        assert rows == full[:limit]


def test_a_killed_builds_spool_files_are_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build killed with SIGKILL leaves its spool files; the next build removes those whose
    process is gone and that were not touched for an hour, and only those."""
    import os
    import subprocess
    import sys
    import tempfile

    from kg.stores.oxigraph import ORPHAN_AGE, SPOOL_PREFIX

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    old = time.time() - 2 * ORPHAN_AGE
    files = {
        "orphan": tmp_path / f"{SPOOL_PREFIX}{gone}-a.nt",
        "recent": tmp_path / f"{SPOOL_PREFIX}{gone}-b.nt",  # may be another namespace's
        "running": tmp_path / f"{SPOOL_PREFIX}{os.getpid()}-c.nt",
        "other": tmp_path / "paper-kg-something-else.nt",
    }
    for name, path in files.items():
        path.write_text("")
        if name != "recent":
            os.utime(path, (old, old))
    with open_store("oxigraph:") as store, store.deferred_writes():
        store.write_concepts(vocabulary())
        store.write_papers(sample())
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        files[name].name for name in ("recent", "running", "other")
    )


@pytest.mark.parametrize("deferred", [False, True])
@pytest.mark.parametrize("labelled_before", [False, True])
def test_a_concept_first_seen_in_a_paper_keeps_its_first_label(
    store: GraphStore, deferred: bool, labelled_before: bool
) -> None:
    """A concept that is not in the vocabulary is labelled with the name it was first seen
    under, unless it already had a label (a user's, in a store without papers: a build's
    block then starts fresh and must still see it); a paper naming it otherwise later (after
    a write query, so the store object has forgotten what it wrote) adds no second label."""
    def labels() -> list[str]:
        rows = store.query("SELECT ?l WHERE { <https://paper-kg.org/id/concept/foonet> "
                           "skos:prefLabel ?l }").rows
        return sorted(str(row[0]) for row in rows)

    first = "FooNet"
    if labelled_before:
        first = "FooNet (user)"
        store.query("INSERT DATA { <https://paper-kg.org/id/concept/foonet> skos:prefLabel "
                    f"'{first}' }}", write=True)
    later = Paper("FooNets at scale", "We use FooNets.", year=2022, doi="10.1234/later")
    with store.deferred_writes() if deferred else contextlib.nullcontext():
        fill(store)
        assert labels() == [first]
        store.query("INSERT DATA { <https://example.org/x> rdfs:label 'x' }", write=True)
        store.write_papers([PaperGraph(later, [link("concept:foonet", "FooNets", "architecture")])])
    assert labels() == [first]


def test_rdflib_counts_by_index_equal_the_counts_query(tmp_path: Path) -> None:
    """The rdflib backend counts by index lookups; the definition is COUNTS_QUERY."""
    from kg.stores.rdf import RdfStore

    with open_store("rdflib:") as store:
        fill(store)
        store.write_concepts([ConceptInfo("concept:lonely", "Lonely", "method")])
        assert store.counts() == RdfStore.counts(store)
        assert store.counts()["unmentioned_concepts"] == 1


@pytest.mark.parametrize("deferred", [False, True])
def test_a_fresh_build_remembers_exactly_the_concept_lines_it_wrote(
    tmp_path: Path, deferred: bool
) -> None:
    """In a store that was empty at its first paper write, the concepts' own lines the store
    object remembers (so that neither first labels nor write_concepts read them back) are
    the lines the store holds, after papers, after concepts that change labels, aliases
    and types, and after a second batch; a write query makes it forget them."""
    renamed = [ConceptInfo("concept:foonet", "FooNet v2", "method", ["FN"], ["concept:vit"]),
               *vocabulary()]
    later = PaperGraph(Paper("BarNet", "We use BarNet.", year=2023, doi="10.1234/bar"),
                       [link("concept:barnet", "BarNet", "method"),
                        link("concept:foonet", "FooNets", "architecture")])
    with open_store(f"oxigraph:{tmp_path / 's'}") as store:
        held = store._concept_lines  # type: ignore[attr-defined]
        with store.deferred_writes() if deferred else contextlib.nullcontext():
            steps = [lambda: store.write_papers(sample()), lambda: store.write_concepts(renamed),
                     lambda: store.write_papers([later])]
            for step in steps:
                step()
                held = store._concept_lines  # type: ignore[attr-defined]
                assert held is not None
                iris = sorted(held)
                remembered = store._stored_concept_lines(iris)  # type: ignore[attr-defined]
                store._concept_lines = None  # type: ignore[attr-defined]
                store._settle()  # type: ignore[attr-defined]
                assert remembered == store._stored_concept_lines(iris)  # type: ignore[attr-defined]
                store._concept_lines = held  # type: ignore[attr-defined]
        assert {"https://paper-kg.org/id/concept/barnet",
                "https://paper-kg.org/id/concept/foonet"} <= set(held)
        store.query("INSERT DATA { <https://example.org/x> rdfs:label 'x' }", write=True)
        assert store._concept_lines is None  # type: ignore[attr-defined]


def test_a_new_store_in_a_new_folder_is_made_and_a_read_makes_nothing(tmp_path: Path) -> None:
    """`kg build --store oxigraph:new/folder/store` makes the folders; opening a missing
    store to read or write an existing one says so and creates nothing."""
    with open_store(f"oxigraph:{tmp_path / 'a' / 'b' / 'store'}") as store:
        store.write_papers(sample())
    with open_store(f"oxigraph:{tmp_path / 'a' / 'b' / 'store'}", mode="read") as store:
        assert store.counts()["papers"] == 3
    for mode in ("read", "write"):
        with pytest.raises(StoreError, match="no such directory"):
            open_store(f"oxigraph:{tmp_path / 'x' / 'y'}", mode=mode)  # type: ignore[arg-type]
    assert not (tmp_path / "x").exists()
