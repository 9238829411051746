"""The Neo4j store against a real Bolt server: ArcadeDB from the `bolt_server` fixture, or
the Neo4j named by NEO4J_URI. Each test starts from and leaves an empty database."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Iterator

import pytest

pytest.importorskip("neo4j")

from kg.mapping.neo4j import type_label
from kg.model import Author, ConceptInfo, ConceptLink, Mention, Paper
from kg.queries import run_named
from kg.stores import open_store
from kg.stores.base import COUNT_KEYS, PaperGraph, ReadOnlyError, StoreError
from kg.stores.neo4j import Neo4jStore, parse_uri, write_clause
from tests.servers import BoltServer, ServerStartError, free_port

NASTY = [
    'quote " and \' apostrophe',
    "back\\slash \\n not a newline",
    "braces {x} $param `tick`",
    "new\nline\ttab",
    '"}) DETACH DELETE n //',
    '"> . DROP ALL #',
    "'; MATCH (n) DETACH DELETE n; //",
]


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def bolt(request: pytest.FixtureRequest) -> BoltServer:
    try:
        return request.getfixturevalue("bolt_server")
    except ServerStartError as exc:
        pytest.skip(
            f"SKIPPED Neo4j store tests: no Bolt server (ArcadeDB did not start: "
            f"{str(exc).splitlines()[0]}); set NEO4J_URI/NEO4J_PASSWORD to test a Neo4j"
        )


@pytest.fixture
def store_uri(bolt: BoltServer, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("NEO4J_USERNAME", bolt.user)
    monkeypatch.setenv("NEO4J_PASSWORD", bolt.password)
    monkeypatch.delenv("NEO4J_DATABASE", raising=False)
    return f"{bolt.uri}?database={bolt.database}"


@pytest.fixture
def store(store_uri: str) -> Iterator[Neo4jStore]:
    opened = open_store(store_uri)
    assert isinstance(opened, Neo4jStore)
    opened.clear()
    try:
        yield opened
    finally:
        opened.clear()
        opened.close()


# --------------------------------------------------------------------------- data


def _link(cid: str, name: str, ctype: str, proposed: bool, text: str, paper: Paper) -> ConceptLink:
    """A link whose evidence really is in the paper (offsets into title or abstract)."""
    mentions = []
    for field in ("title", "abstract"):
        start = getattr(paper, field).find(text)
        if start >= 0:
            mentions.append(Mention(text, field, start, start + len(text), getattr(paper, field)))
    return ConceptLink(cid, name, ctype, proposed, 0.75 if proposed else 0.5, mentions)


VOCAB = [
    ConceptInfo("concept:transformer", "Transformer", "architecture", ["transformers"]),
    ConceptInfo("concept:vit", "ViT", "architecture", ["vision transformer"],
                ["concept:transformer"]),
    ConceptInfo("concept:imagenet", "ImageNet", "benchmark", ["ILSVRC"]),
    ConceptInfo("concept:attention", "Attention", "method", ["self-attention"]),
    ConceptInfo("concept:mamba", "Mamba", "architecture", [], ["concept:ssm"]),
    ConceptInfo("concept:ssm", "State space model", "architecture", ["SSM"]),
]


def corpus() -> list[PaperGraph]:
    p1 = Paper(
        "Attention Is All You Need",
        "The Transformer relies on self-attention only.",
        [Author("Ashish Vaswani"), Author("Noam Shazeer")],
        year=2017, arxiv_id="1706.03762", sources=["a.jsonl:1"],
    )
    p2 = Paper(
        "An Image is Worth 16x16 Words",
        "A vision transformer (ViT) trained on ImageNet uses self-attention.",
        [Author("Alexey Dosovitskiy"), Author("Ashish Vaswani", orcid="0000-0002-1825-0097")],
        year=2020, arxiv_id="2010.11929", venue="ICLR",
        references=["arxiv:1706.03762", "doi:10.1000/not-in-corpus"], sources=["b.bib:3"],
    )
    p3 = Paper(
        "Mamba: Linear-Time Sequence Modeling",
        "Mamba is a selective SSM; it beats the Transformer on ImageNet-free tasks.",
        [Author("Albert Gu")],
        year=2023, doi="10.1000/mamba", references=["arxiv:1706.03762"], sources=["c.csv:2"],
    )
    p4 = Paper("Undated attention notes", "Attention and the Transformer.", [Author("Anon Y")])
    return [
        PaperGraph(p1, [_link("concept:transformer", "Transformer", "architecture", True,
                              "Transformer", p1),
                        _link("concept:attention", "Attention", "method", False,
                              "self-attention", p1)]),
        PaperGraph(p2, [_link("concept:vit", "ViT", "architecture", True, "ViT", p2),
                        _link("concept:imagenet", "ImageNet", "benchmark", False, "ImageNet", p2),
                        _link("concept:attention", "Attention", "method", False,
                              "self-attention", p2)]),
        PaperGraph(p3, [_link("concept:mamba", "Mamba", "architecture", True, "Mamba", p3),
                        _link("concept:transformer", "Transformer", "architecture", False,
                              "Transformer", p3),
                        _link("concept:selective-scan", "Selective scan", "method", True,
                              "selective", p3)]),
        PaperGraph(p4, [_link("concept:attention", "Attention", "method", False, "Attention", p4),
                        _link("concept:transformer", "Transformer", "architecture", False,
                              "Transformer", p4)]),
    ]


def build(store: Neo4jStore, graphs: list[PaperGraph] | None = None) -> list[PaperGraph]:
    graphs = corpus() if graphs is None else graphs
    store.write_concepts(VOCAB)
    store.write_papers(graphs)
    store.refresh_derived()
    return graphs


def expected_counts(graphs: list[PaperGraph]) -> dict[str, int]:
    """Counts derived from the input, with the documented semantics: "concepts" are those
    a paper mentions, the other concept nodes are counted apart, BROADER from mentioned
    concepts."""
    ids = {g.paper.id for g in graphs}
    concepts = {c.id for c in VOCAB} | {link.id for g in graphs for link in g.concepts}
    mentioned = {link.id for g in graphs for link in g.concepts}
    pairs = {
        tuple(sorted(pair))
        for g in graphs
        for pair in itertools.combinations({link.id for link in g.concepts}, 2)
    }
    return {
        "papers": len(ids),
        "authors": len({a.id for g in graphs for a in g.paper.authors}),
        "concepts": len(mentioned),
        "unmentioned_concepts": len(concepts - mentioned),
        "authored_by": sum(len(g.paper.authors) for g in graphs),
        "mentions": sum(len({link.id for link in g.concepts}) for g in graphs),
        "cites": sum(1 for g in graphs for ref in set(g.paper.references) if ref in ids),
        "broader": sum(1 for c in VOCAB for b in c.broader if {b, c.id} <= mentioned),
        "co_occurs": len(pairs),
    }


def dump(store: Neo4jStore) -> tuple[list[str], list[str]]:
    """The whole graph as sorted JSON lines: nodes (labels, props) and edges (type, ends,
    props); element ids are never used (they differ between servers and runs)."""
    nodes = store.query("MATCH (n) RETURN labels(n), properties(n)").rows
    edges = store.query(
        "MATCH (a)-[r]->(b) RETURN type(r), a.id, b.id, properties(r)"
    ).rows
    return (
        sorted(json.dumps([sorted(lb), props], sort_keys=True) for lb, props in nodes),
        sorted(json.dumps(row, sort_keys=True) for row in edges),
    )


# --------------------------------------------------------------------------- no server


def test_write_clause_ignores_strings_and_comments() -> None:
    assert write_clause("MATCH (n) RETURN n") is None
    assert write_clause("MATCH (n) WHERE n.t = 'CREATE (x)' RETURN n // DELETE") is None
    assert write_clause('RETURN "SET x" AS s /* MERGE */') is None
    assert write_clause("MATCH (n) DETACH DELETE n") == "DETACH"
    assert write_clause("match (n) set n.x = 1") == "SET"
    assert write_clause("LOAD  CSV FROM 'file:///x' AS row RETURN row") == "LOAD CSV"
    assert write_clause("CALL { MATCH (n) RETURN n } IN TRANSACTIONS") == "IN TRANSACTIONS"
    assert write_clause("MATCH (n) RETURN n.created, n.settings") is None


def test_type_label_is_a_safe_identifier() -> None:
    assert type_label("architecture") == "Architecture"
    assert type_label("data`set} DELETE") == "Datasetdelete"
    assert type_label("") is None


def test_parse_uri(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEO4J_DATABASE", raising=False)
    assert parse_uri("neo4j://db.example:7687?database=papers") == (
        "neo4j://db.example:7687", "papers")
    assert parse_uri("bolt+s://db.example") == ("bolt+s://db.example", None)
    monkeypatch.setenv("NEO4J_DATABASE", "fromenv")
    assert parse_uri("bolt://h:1")[1] == "fromenv"
    monkeypatch.setenv("NEO4J_URI", "neo4j://envhost:7688")
    assert parse_uri("neo4j:")[0] == "neo4j://envhost:7688"
    monkeypatch.delenv("NEO4J_URI")
    with pytest.raises(StoreError, match="NEO4J_URI"):
        parse_uri("neo4j:")
    with pytest.raises(StoreError, match="NEO4J_PASSWORD") as info:
        parse_uri("neo4j://me:hunter2secret@h:7687")
    assert "hunter2secret" not in str(info.value)


# --------------------------------------------------------------------------- faults


def test_unreachable_server_is_one_line_without_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret-pass-xyz")
    monkeypatch.setenv("NEO4J_CONNECT_TIMEOUT", "2")
    uri = f"bolt://127.0.0.1:{free_port()}"
    with pytest.raises(StoreError) as info:
        open_store(uri)
    message = str(info.value)
    assert uri in message and "running" in message
    assert "s3cret-pass-xyz" not in message and "\n" not in message


def test_wrong_password(bolt: BoltServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_USERNAME", bolt.user)
    monkeypatch.setenv("NEO4J_PASSWORD", "definitely-wrong-pw")
    with pytest.raises(StoreError) as info:
        open_store(bolt.uri)
    message = str(info.value)
    assert bolt.uri in message and "NEO4J_PASSWORD" in message
    assert "definitely-wrong-pw" not in message


# --------------------------------------------------------------------------- writes


def test_open_applies_constraints(store: Neo4jStore) -> None:
    shown = json.dumps(store.query("SHOW CONSTRAINTS").rows)
    for name in ("paper_id", "author_id", "concept_id"):
        assert name in shown
    store.query("CREATE (:Paper {id: $id})", {"id": "dup:1"}, write=True)
    with pytest.raises(StoreError):
        store.query("CREATE (:Paper {id: $id})", {"id": "dup:1"}, write=True)


def test_counts_match_the_data(store: Neo4jStore) -> None:
    graphs = build(store)
    counts = store.counts()
    assert set(counts) == set(COUNT_KEYS)
    assert counts == expected_counts(graphs)
    # the citation outside the corpus is a stub node: an edge, but neither paper nor cite
    stub = store.query("MATCH (p:Paper {id: 'doi:10.1000/not-in-corpus'}) RETURN properties(p)")
    assert stub.rows == [[{"id": "doi:10.1000/not-in-corpus"}]]


def test_concepts_have_their_type_label(store: Neo4jStore) -> None:
    build(store)
    rows = store.query("MATCH (c:Concept) RETURN c.id, c.type, labels(c)").rows
    for cid, ctype, labels in rows:
        assert sorted(labels) == sorted(["Concept", type_label(ctype)]), cid
    # a vocabulary that changes a type moves the label
    store.write_concepts([ConceptInfo("concept:imagenet", "ImageNet", "method")])
    labels = store.query("MATCH (c:Concept {id: 'concept:imagenet'}) RETURN labels(c)").rows
    assert sorted(labels[0][0]) == ["Concept", "Method"]
    assert store.query("MATCH (c:Benchmark) RETURN count(c)").rows == [[0]]


def test_writes_report_what_they_added(store: Neo4jStore) -> None:
    """Writes count what they add from their own lookups, as the RDF stores do."""
    graphs = corpus()
    assert store.write_concepts(VOCAB).added == {"concepts": len(VOCAB)}
    assert store.write_papers(graphs).added == {"papers": store.counts()["papers"]}
    assert store.write_concepts(VOCAB).added == {"concepts": 0}
    assert store.write_papers(graphs).added == {"papers": 0}


def test_writing_twice_changes_nothing(store: Neo4jStore) -> None:
    graphs = build(store)
    first = dump(store)
    stats = store.write_papers(graphs)
    store.write_concepts(VOCAB)
    store.refresh_derived()
    assert dump(store) == first
    assert not any(stats.added.values())


def test_rewrite_replaces_mentions_and_merges_fields(store: Neo4jStore) -> None:
    graphs = build(store)
    old = graphs[1].paper
    again = Paper(old.title, old.abstract, [Author("Alexey Dosovitskiy")], arxiv_id=old.arxiv_id,
                  upvotes=42, sources=["d.jsonl:9"])
    store.write_papers([PaperGraph(again, [graphs[1].concepts[0]])])  # only ViT now
    store.refresh_derived([])  # the store remembers the concepts the re-write touched
    props = store.query("MATCH (p:Paper {id: $id}) RETURN properties(p)", {"id": old.id}).rows
    fields = props[0][0]
    assert fields["venue"] == "ICLR" and fields["year"] == 2020  # kept (absent in new record)
    assert fields["upvotes"] == 42
    assert fields["sources"] == ["b.bib:3", "d.jsonl:9"]
    mentioned = store.query(
        "MATCH (:Paper {id: $id})-[:MENTIONS]->(c) RETURN c.id", {"id": old.id}
    ).rows
    assert mentioned == [["concept:vit"]]
    authors = store.query(
        "MATCH (:Paper {id: $id})-[r:AUTHORED_BY]->(a) RETURN r.position, a.name", {"id": old.id}
    ).rows
    assert authors == [[1, "Alexey Dosovitskiy"]]
    pair = run_named(store, "top-cooccurring", {"concept": "concept:imagenet"}).rows
    assert pair == []  # ImageNet lost its only paper
    # citations of the old record stay (CITES merge); its authors that no paper has any
    # more go; mentions and co-occurrence follow the new record (ImageNet, no longer
    # mentioned, is kept but counted apart)
    expected = expected_counts(graphs)
    graphs[1] = PaperGraph(again, [graphs[1].concepts[0]])
    now = expected_counts(graphs)
    expected.update({key: now[key] for key in ("mentions", "co_occurs", "concepts",
                                               "unmentioned_concepts", "broader", "authors")})
    expected["authored_by"] -= 1
    assert store.counts() == expected


def test_cooccurrence_weights(store: Neo4jStore) -> None:
    graphs = build(store)
    expected: Counter[tuple[str, str]] = Counter()
    for g in graphs:
        for a, b in itertools.combinations(sorted({link.id for link in g.concepts}), 2):
            expected[(a, b)] += 1
    rows = store.query("MATCH (a)-[r:CO_OCCURS]->(b) RETURN a.id, b.id, r.weight").rows
    assert {(a, b): w for a, b, w in rows} == dict(expected)
    # a partial update leaves the same result
    store.refresh_derived(["concept:transformer"])
    rows = store.query("MATCH (a)-[r:CO_OCCURS]->(b) RETURN a.id, b.id, r.weight").rows
    assert {(a, b): w for a, b, w in rows} == dict(expected)


def test_refresh_for_named_concepts_follows_an_edit_by_query(store: Neo4jStore) -> None:
    """The contract of refresh_derived (kg/stores/base.py), as on the RDF stores: the
    figures of the concepts named are right after it, even for an untracked edit."""
    build(store)
    store.query("MATCH (:Paper)-[m:MENTIONS]->(:Concept {id: 'concept:imagenet'}) DELETE m",
                write=True)
    store.refresh_derived(["concept:imagenet"])
    rows = store.query("MATCH (a)-[r:CO_OCCURS]-(b {id: 'concept:imagenet'}) RETURN a.id").rows
    assert rows == []


def test_interrupted_run_converges(store: Neo4jStore, store_uri: str) -> None:
    graphs = corpus()
    build(store, graphs)
    reference = dump(store)
    store.clear()
    # 1. a batch fails after earlier transactions committed (a value the driver cannot send)
    store.batch_size = 1
    store.write_concepts(VOCAB)
    bad = corpus()
    bad[2].paper.upvotes = object()  # type: ignore[assignment]
    with pytest.raises(StoreError):
        store.write_papers(bad)
    assert 0 < store.counts()["papers"] < len(graphs)
    # 2. the connection drops in the middle of the re-run
    victim = open_store(store_uri)
    assert isinstance(victim, Neo4jStore)
    victim.write_papers(graphs[:1])
    victim._driver.close()  # the connection is gone, as when the server goes away
    with pytest.raises(StoreError, match="closed"):
        victim.write_papers(graphs[1:])
    # 3. a fresh run converges to the same graph
    with open_store(store_uri) as again:
        build(again, corpus())
        assert dump(again) == reference


def test_injection_is_stored_verbatim(store: Neo4jStore) -> None:
    graphs = build(store)
    before = store.counts()
    nasty = [
        PaperGraph(Paper(text, text, [Author(f"{text} Person")], arxiv_id=f"2401.{i:05d}"))
        for i, text in enumerate(NASTY)
    ]
    store.write_papers(nasty)
    after = store.counts()
    assert after["papers"] == before["papers"] + len(NASTY)
    assert after["authors"] == before["authors"] + len(NASTY)
    for graph in nasty:
        rows = store.query(
            "MATCH (p:Paper {id: $id})-[:AUTHORED_BY]->(a) RETURN p.title, p.abstract, a.name",
            {"id": graph.paper.id},
        ).rows
        assert rows == [[graph.paper.title, graph.paper.abstract, graph.paper.authors[0].name]]
        found = run_named(store, "search", {"text": graph.paper.title, "limit": 5}).rows
        assert ["paper", graph.paper.id, graph.paper.title] in found
    assert expected_counts(graphs)["mentions"] == after["mentions"]


def test_read_only_refuses_writes(store: Neo4jStore) -> None:
    build(store)
    before = store.counts()
    for text in [
        "CREATE (n:Paper {id: 'x'})",
        "MERGE (n:Paper {id: 'x'})",
        "MATCH (n) DETACH DELETE n",
        "MATCH (n:Paper) SET n.title = 'x'",
        "MATCH (n:Paper) REMOVE n.title",
        "DROP CONSTRAINT paper_id",
        "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
        "CALL { MATCH (n) DETACH DELETE n } IN TRANSACTIONS",
    ]:
        with pytest.raises(ReadOnlyError, match="--write"):
            store.query(text)
    assert store.counts() == before
    rows = store.query("MATCH (p:Paper) WHERE p.title <> 'CREATE' RETURN count(p) AS n").rows
    assert rows == [[before["papers"]]]
    store.query("MATCH (p:Paper {id: $id}) SET p.note = $v", {"id": "arxiv:1706.03762", "v": 1},
                write=True)
    assert store.query("MATCH (p:Paper) WHERE p.note = 1 RETURN p.id").rows == [
        ["arxiv:1706.03762"]]


def test_bad_query_is_a_store_error(store: Neo4jStore) -> None:
    with pytest.raises(StoreError):
        store.query("MATCH (n RETURN n")


# --------------------------------------------------------------------------- named queries


def _mentions(graphs: list[PaperGraph]) -> dict[str, set[str]]:
    by_concept: dict[str, set[str]] = {}
    for g in graphs:
        for link in g.concepts:
            by_concept.setdefault(link.id, set()).add(g.paper.id)
    return by_concept


def test_top_concepts(store: Neo4jStore) -> None:
    graphs = build(store)
    by_concept = _mentions(graphs)
    expected = sorted(((-len(p), c) for c, p in by_concept.items()))
    rows = run_named(store, "top-concepts").rows
    assert [(r[0], r[3]) for r in rows] == [(c, -n) for n, c in expected]
    only = run_named(store, "top-concepts", {"type": "architecture", "limit": 2}).rows
    assert len(only) == 2 and all(r[2] == "architecture" for r in only)


def test_papers_by_concept_with_narrower(store: Neo4jStore) -> None:
    graphs = build(store)
    by_concept = _mentions(graphs)
    plain = run_named(store, "papers-by-concept", {"concept": "transformers", "narrower": False})
    assert {r[0] for r in plain.rows} == by_concept["concept:transformer"]
    wide = run_named(store, "papers-by-concept", {"concept": "concept:transformer"}).records()
    expected = {(p, c) for c in ("concept:transformer", "concept:vit") for p in by_concept[c]}
    assert {(r["paper"], r["concept"]) for r in wide} == expected
    years = [r["year"] for r in wide]
    dated = [y for y in years if y is not None]
    assert dated == sorted(dated, reverse=True) and years[-1] is None  # undated last


def test_concepts_of_paper_evidence(store: Neo4jStore) -> None:
    graphs = build(store)
    paper = graphs[1].paper
    rows = run_named(store, "concepts-of-paper", {"paper": paper.id}).records()
    expected = sorted(
        (link.id, m.field, m.start, m.end) for link in graphs[1].concepts for m in link.mentions
    )
    assert [(r["concept"], r["field"], r["start"], r["end"]) for r in rows] == expected
    for row in rows:
        assert getattr(paper, row["field"])[row["start"] : row["end"]] in row["sentence"]
        assert row["role"] in {"proposed", "used"}


def test_author_concepts_and_trend(store: Neo4jStore) -> None:
    graphs = build(store)
    rows = run_named(store, "author-concepts", {"author": "albert gu"}).rows
    assert {r[0] for r in rows} == {link.id for link in graphs[2].concepts}
    trend = run_named(store, "concept-trend", {"concept": "Attention"}).rows
    years = Counter(g.paper.year for g in graphs
                    if g.paper.year and any(c.id == "concept:attention" for c in g.concepts))
    assert [(r[2], r[3]) for r in trend] == sorted(years.items())


def test_top_cooccurring_and_ego(store: Neo4jStore) -> None:
    build(store)
    rows = run_named(store, "top-cooccurring", {"concept": "self-attention"}).rows
    assert rows and all("concept:attention" in (r[0], r[2]) for r in rows)
    assert all(r[0] < r[2] for r in rows)
    weights = [r[4] for r in rows]
    assert weights == sorted(weights, reverse=True)
    ego = run_named(store, "ego-network", {"node": "concept:vit", "hops": 1}).records()
    nodes = {r["source"] for r in ego} | {r["target"] for r in ego}
    assert "arxiv:2010.11929" in nodes and "concept:transformer" in nodes
    assert "name:albert-gu" not in nodes
    params = {"node": "concept:vit", "hops": 2, "types": "paper,concept"}
    two = run_named(store, "ego-network", params)
    kinds = {row[1] for row in two.rows} | {row[4] for row in two.rows}
    assert kinds <= {"paper", "concept"} and len(two.rows) > len(ego)
    assert len(run_named(store, "ego-network", {"node": "concept:vit", "limit": 2}).rows) == 2

