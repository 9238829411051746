"""Every export format, read back with its reference reader, against a hand-built selection.

The selection is built from real model objects (Paper, Author, ConceptLink, ConceptInfo) via
kg.graph.build_graph, with hostile text (quotes, backslashes, newlines, LaTeX and Markdown
specials, non-ASCII) so that escaping bugs show up as parse failures or changed values.
Ids carry an ``xt`` marker so the Cypher test cannot collide with other users of the shared
Bolt server.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import bibtexparser
import networkx as nx
import pytest
import rdflib
import rispy

from kg.export import ExportError, empty_reason, export, formats
from kg.export.bib import cite_key
from kg.graph import add_edge, build_graph, graph_counts, new_graph
from kg.mapping.neo4j import cypher_string
from kg.model import Author, ConceptInfo, ConceptLink, Mention, Paper
from kg.normalize import name_key

HOSTILE = 'It\'s a "test" with back\\slash, 50% & $x_1$ #1 {brace} | pipe\nnew line — Łukasz'
HOSTILE_TITLE = " ".join(HOSTILE.split())  # Paper collapses whitespace in titles


def _link(cid: str, name: str, ctype: str, proposed: bool, sentence: str) -> ConceptLink:
    return ConceptLink(
        id=cid,
        name=name,
        type=ctype,
        proposed=proposed,
        confidence=0.9 if proposed else 0.75,
        mentions=[Mention(name, "abstract", 0, len(name), sentence)],
    )


def make_records() -> tuple[list[tuple[Paper, list[ConceptLink]]], list[ConceptInfo]]:
    ada = Author("Ada Xtlovelace", orcid="0000-0002-1825-0097")
    bob = Author("Bob Xtbuilder")
    cho = Author("Łukasz Xtchoi")
    p1 = Paper(
        title="Xt Transformers for everything",
        abstract="We propose the XtFormer. " + HOSTILE,
        authors=[ada, bob],
        year=2017,
        doi="10.9999/xt.1",
        venue="Xt Conference",
        url="https://example.org/xt1",
    )
    p2 = Paper(
        title=HOSTILE,
        abstract="Vision model evaluated on XtNet.",
        authors=[bob, cho],
        year=2020,
        arxiv_id="2010.99991",
        references=["doi:10.9999/xt.1", "doi:10.9999/not-in-selection"],
    )
    p3 = Paper(
        title="Optimising xt models",
        abstract="An optimiser study.",
        authors=[cho],
        year=2021,
        arxiv_id="2101.99992",
        references=["doi:10.9999/xt.1", "arxiv:2010.99991"],
    )
    records = [
        (
            p1,
            [
                _link("concept:xt-former", "XtFormer", "architecture", True, "We propose it."),
                _link("concept:xt-adam", "XtAdam", "method", False, HOSTILE),
            ],
        ),
        (
            p2,
            [
                _link("concept:xt-vit", "XtViT", "architecture", True, "A 'vision' model."),
                _link("concept:xt-former", "XtFormer", "architecture", False, "Built on it."),
                _link("concept:xt-net", "XtNet", "benchmark", False, "Evaluated on XtNet."),
            ],
        ),
        (
            p3,
            [
                _link("concept:xt-adam", "XtAdam", "method", True, "We tune it."),
                _link("concept:xt-net", "XtNet", "benchmark", False, "Also on XtNet."),
                _link("concept:xt-former", "XtFormer", "architecture", False, "With it."),
            ],
        ),
    ]
    infos = [
        ConceptInfo("concept:xt-former", "XtFormer", "architecture", ["xt transformer"]),
        ConceptInfo(
            "concept:xt-vit",
            "XtViT",
            "architecture",
            ["xt vision transformer"],
            broader=["concept:xt-former"],
        ),
        ConceptInfo("concept:xt-net", "XtNet", "benchmark", []),
        ConceptInfo("concept:xt-adam", "XtAdam", "method", ["xt-adam optimiser"]),
        ConceptInfo("concept:xt-unused", "XtUnused", "method", []),
    ]
    return records, infos


@pytest.fixture
def graph() -> nx.MultiDiGraph:
    records, infos = make_records()
    return build_graph(records, infos, description="test selection: concept 'XtFormer'")


def kinds(g: nx.MultiDiGraph) -> Counter[str]:
    return Counter(d["kind"] for _, d in g.nodes(data=True))


def rels(g: nx.MultiDiGraph) -> Counter[str]:
    return Counter(k for *_, k in g.edges(keys=True))


def test_fixture_graph_has_every_relation(graph: nx.MultiDiGraph) -> None:
    # guards the other tests: each relation and kind is present, so each is exercised
    assert set(rels(graph)) == {"AUTHORED_BY", "MENTIONS", "CITES", "BROADER", "CO_OCCURS"}
    assert kinds(graph) == {"paper": 3, "author": 3, "concept": 4}


def test_every_format_is_registered() -> None:
    assert set(formats()) >= {
        "graphml",
        "gexf",
        "vosviewer",
        "json",
        "csv",
        "ttl",
        "jsonld",
        "cypher",
        "bib",
        "ris",
        "matrix",
        "html",
        "bundle",
    }


def test_unknown_format_says_what_exists(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="graphml"):
        export(graph, "pdf", tmp_path / "x.pdf")


def test_graphml_round_trip(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    result = export(graph, "graphml", tmp_path / "g.graphml")
    back = nx.read_graphml(result.paths[0], force_multigraph=True)
    assert (back.number_of_nodes(), back.number_of_edges()) == (result.nodes, result.edges)
    assert (result.nodes, result.edges) == (graph.number_of_nodes(), graph.number_of_edges())
    assert kinds(back) == kinds(graph)
    assert Counter(d["rel"] for *_, d in back.edges(data=True)) == rels(graph)
    p2 = "arxiv:2010.99991"
    assert back.nodes[p2]["title"] == HOSTILE_TITLE
    assert back.nodes[p2]["label"] == graph.nodes[p2]["label"]
    assert json.loads(back.nodes["concept:xt-former"]["aliases"]) == ["xt transformer"]
    sentence = {d.get("sentence") for u, v, d in back.edges(data=True) if v == "concept:xt-adam"}
    assert HOSTILE in sentence
    assert back.graph["description"] == "test selection: concept 'XtFormer'"


def test_gexf_round_trip(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = export(graph, "gexf", tmp_path / "g.gexf").paths[0]
    back = nx.read_gexf(path)
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    assert Counter(d["rel"] for *_, d in back.edges(data=True)) == rels(graph)
    assert back.nodes["arxiv:2010.99991"]["label"] == graph.nodes["arxiv:2010.99991"]["label"]
    assert back.nodes["concept:xt-net"]["type"] == "benchmark"


def test_json_node_link_round_trip(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = export(graph, "json", tmp_path / "g.json").paths[0]
    data = json.loads(path.read_text("utf-8"))
    back = nx.node_link_graph(data, edges="edges")
    assert back.is_multigraph() and back.is_directed()
    assert dict(back.nodes(data=True)) == dict(graph.nodes(data=True))
    assert sorted(back.edges(keys=True, data=True)) == sorted(graph.edges(keys=True, data=True))
    assert data["graph"]["description"] == "test selection: concept 'XtFormer'"


@pytest.mark.parametrize("target", ["csv-dir", "csv.zip"])
def test_csv_nodes_and_edges(graph: nx.MultiDiGraph, tmp_path: Path, target: str) -> None:
    result = export(graph, "csv", tmp_path / target)
    if target.endswith(".zip"):
        with zipfile.ZipFile(result.paths[0]) as zf:
            texts = {name: zf.read(name).decode("utf-8") for name in zf.namelist()}
    else:
        texts = {p.name: p.read_text("utf-8") for p in result.paths}
    nodes = list(csv.DictReader(io.StringIO(texts["nodes.csv"])))
    edges = list(csv.DictReader(io.StringIO(texts["edges.csv"])))
    assert Counter(r["kind"] for r in nodes) == kinds(graph)
    assert Counter(r["rel"] for r in edges) == rels(graph)
    by_id = {r["id"]: r for r in nodes}
    assert by_id["arxiv:2010.99991"]["label"] == HOSTILE_TITLE
    assert by_id["doi:10.9999/xt.1"]["doi"] == "10.9999/xt.1"
    positions = {
        (r["source"], r["target"]): r["position"] for r in edges if r["rel"] == "AUTHORED_BY"
    }
    assert positions["doi:10.9999/xt.1", Author("Bob Xtbuilder").id] == "2"
    for u, v, data in graph.edges(data=True):
        if data["rel"] == "MENTIONS":
            row = next(
                r for r in edges if (r["source"], r["target"], r["rel"]) == (u, v, "MENTIONS")
            )
            assert row["role"] == data["role"] and row["sentence"] == data["sentence"]


PKG = rdflib.Namespace("https://paper-kg.org/schema#")
EDGE_PREDICATES = {
    "AUTHORED_BY": rdflib.DCTERMS.creator,
    "MENTIONS": rdflib.URIRef("https://schema.org/mentions"),
    "CITES": rdflib.URIRef("http://purl.org/spar/cito/cites"),
    "BROADER": rdflib.SKOS.broader,
    "CO_OCCURS": PKG.coOccursWith,
}


def check_rdf(rdf: rdflib.Graph, graph: nx.MultiDiGraph) -> None:
    typed = Counter(
        str(o).rsplit("#", 1)[-1].lower()
        for _, o in rdf.subject_objects(rdflib.RDF.type)
        if o in (PKG.Paper, PKG.Author, PKG.Concept)
    )
    assert typed == kinds(graph)
    for rel, count in rels(graph).items():
        assert len(set(rdf.subject_objects(EDGE_PREDICATES[rel]))) == count, rel
    sentences = {str(o) for o in rdf.objects(None, PKG.sentence)}
    assert HOSTILE in sentences
    titles = {str(o) for o in rdf.objects(None, rdflib.DCTERMS.title)}
    assert HOSTILE_TITLE in titles
    ids = {str(o) for o in rdf.objects(None, rdflib.DCTERMS.identifier)}
    assert set(graph.nodes) <= ids


@pytest.mark.parametrize("fmt, parser", [("ttl", "turtle"), ("jsonld", "json-ld")])
def test_rdf_formats_parse_with_rdflib(
    graph: nx.MultiDiGraph, tmp_path: Path, fmt: str, parser: str
) -> None:
    path = export(graph, fmt, tmp_path / f"g.{fmt}").paths[0]
    rdf = rdflib.Graph().parse(path, format=parser)
    check_rdf(rdf, graph)


def test_ttl_and_jsonld_hold_the_same_triples(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    # one creation time for both: the export node's IRI is made from it (two clock reads
    # straddling a second boundary made this test fail now and then)
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    ttl = export(graph, "ttl", tmp_path / "g.ttl", created=when).paths[0]
    jsonld = export(graph, "jsonld", tmp_path / "g.jsonld", created=when).paths[0]
    a = rdflib.Graph().parse(ttl, format="turtle")
    b = rdflib.Graph().parse(jsonld, format="json-ld")
    desc = rdflib.DCTERMS.description
    created = rdflib.DCTERMS.created
    strip = {(s, p, o) for s, p, o in a if p not in (desc, created)}
    assert strip == {(s, p, o) for s, p, o in b if p not in (desc, created)}


def test_rdf_uses_the_store_iris(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    from kg.mapping.terms import concept_iri, paper_iri

    rdf = rdflib.Graph().parse(export(graph, "ttl", tmp_path / "g.ttl").paths[0])
    subjects = set(rdf.subjects())
    assert rdflib.URIRef(paper_iri("arxiv:2010.99991")) in subjects
    assert rdflib.URIRef(concept_iri("concept:xt-vit")) in subjects


def test_ris_records(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    """Read back by rispy (not by our writer's library alone: every line is a tag line or
    the blank line between records)."""
    text = export(graph, "ris", tmp_path / "g.ris").paths[0].read_text("utf-8")
    assert all(re.match(r"^[A-Z][A-Z0-9]  - ", line) for line in text.splitlines() if line)
    records = rispy.loads(text)
    assert len(records) == kinds(graph)["paper"]
    by_title = {r["title"]: r for r in records}
    p1 = by_title["Xt Transformers for everything"]
    assert p1["authors"] == ["Ada Xtlovelace", "Bob Xtbuilder"]
    assert p1["doi"] == "10.9999/xt.1" and p1["year"] == "2017"
    assert set(p1["keywords"]) == {"XtFormer", "XtAdam"}
    p2 = by_title[HOSTILE_TITLE]
    assert p2["accession_number"] == "arXiv:2010.99991"


def test_bibtex_parses_back(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    text = export(graph, "bib", tmp_path / "g.bib").paths[0].read_text("utf-8")
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    assert len(library.entries) == kinds(graph)["paper"]
    assert len({e.key for e in library.entries}) == len(library.entries)
    by_doi = {e.fields_dict["doi"].value: e for e in library.entries if "doi" in e.fields_dict}
    first = by_doi["10.9999/xt.1"]
    assert first.fields_dict["author"].value == "Ada Xtlovelace and Bob Xtbuilder"
    assert first.fields_dict["year"].value == "2017"
    eprints = {e.fields_dict["eprint"].value for e in library.entries if "eprint" in e.fields_dict}
    assert eprints == {"2010.99991", "2101.99992"}
    hostile = next(
        e
        for e in library.entries
        if e.fields_dict.get("eprint") and e.fields_dict["eprint"].value == "2010.99991"
    )
    title = hostile.fields_dict["title"].value
    assert r"50\% \& \$x\_1\$ \#1 \{brace\}" in title
    assert title.count("{") - title.count(r"\{") == title.count("}") - title.count(r"\}")


def test_matrix_csv_and_markdown(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    csv_path, md_path = export(graph, "matrix", tmp_path / "m.csv").paths
    rows = list(csv.reader(io.StringIO(csv_path.read_text("utf-8"))))
    header, body = rows[0], rows[1:]
    assert len(body) == kinds(graph)["paper"]
    assert header[:4] == ["paper", "title", "year", "curation"]
    assert len(header) == 4 + kinds(graph)["concept"]
    column = {name: i for i, name in enumerate(header)}
    row_of = {r[0]: r for r in body}
    assert row_of["doi:10.9999/xt.1"][column["XtFormer"]] == "proposed: We propose it."
    assert row_of["doi:10.9999/xt.1"][column["XtAdam"]] == "used: " + " ".join(HOSTILE.split())
    assert row_of["doi:10.9999/xt.1"][column["XtNet"]] == ""
    filled = sum(1 for r in body for cell in r[4:] if cell)
    assert filled == rels(graph)["MENTIONS"]
    table = [line for line in md_path.read_text("utf-8").splitlines() if line.startswith("|")]
    assert len(table) == 2 + kinds(graph)["paper"]
    unescaped_pipes = [len(re.findall(r"(?<!\\)\|", line)) for line in table]
    assert len(set(unescaped_pipes)) == 1  # every row has the header's column count


def test_vosviewer_json_and_map_files(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    paths = export(graph, "vosviewer", tmp_path / "vos.json").paths
    doc = json.loads(paths[0].read_text("utf-8"))
    items, links = doc["network"]["items"], doc["network"]["links"]
    assert len(items) == graph.number_of_nodes()
    pairs = {frozenset((u, v)) for u, v in graph.edges() if u != v}
    assert len(links) == len(pairs)
    label_of = {i["id"]: i["label"] for i in items}
    assert all(link["source_id"] in label_of and link["target_id"] in label_of for link in links)
    assert all(isinstance(i["cluster"], int) and 1 <= i["cluster"] <= 1000 for i in items)
    # a link's strength is its strongest kind's weight, never a sum of kinds
    strongest: dict[frozenset, float] = {}
    for u, v, d in graph.edges(data=True):
        if u != v:
            pair = frozenset((u, v))
            strongest[pair] = max(strongest.get(pair, 0.0), float(d.get("weight", 1)))
    assert sum(link["strength"] for link in links) == pytest.approx(sum(strongest.values()))
    map_rows = list(csv.reader(paths[1].open(encoding="utf-8"), delimiter="\t"))
    assert map_rows[0][:2] == ["id", "label"] and len(map_rows) == 1 + len(items)
    net_rows = list(csv.reader(paths[2].open(encoding="utf-8"), delimiter="\t"))
    assert len(net_rows) == len(links)
    for path in paths[3:]:  # one network file per edge kind, that kind's links alone
        rel = path.stem.rsplit("-network-", 1)[1]
        kind_rows = list(csv.reader(path.open(encoding="utf-8"), delimiter="\t"))
        assert len(kind_rows) == len({frozenset((u, v)) for u, v, k in graph.edges(keys=True)
                                      if k == rel and u != v})


def test_bundle_holds_every_format_and_a_readme(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = export(graph, "bundle", tmp_path / "b.zip", "my selection").paths[0]
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        readme = zf.read("README.md").decode("utf-8")
        back = nx.read_graphml(io.BytesIO(zf.read("graphml/graph.graphml")), force_multigraph=True)
    folders = {n.split("/", 1)[0] for n in names if "/" in n}
    assert folders == set(formats()) - {"bundle"}
    assert "my selection" in readme
    counts = graph_counts(graph)
    assert f"nodes: {counts['nodes']}" in readme and f"edges: {counts['edges']}" in readme
    assert back.number_of_edges() == graph.number_of_edges()


def test_cypher_string_escapes() -> None:
    assert cypher_string("a'b\\c\nd") == "'a\\'b\\\\c\\nd'"


def _run_script(driver, database: str, script: str) -> int:
    statements = [line for line in script.splitlines() if line and not line.startswith("//")]
    with driver.session(database=database) as session:
        for statement in statements:
            assert statement.endswith(";")
            session.run(statement[:-1]).consume()
    return len(statements)


def test_cypher_script_recreates_the_selection(
    graph: nx.MultiDiGraph, tmp_path: Path, bolt_server, bolt_driver
) -> None:
    script = export(graph, "cypher", tmp_path / "g.cypher").paths[0].read_text("utf-8")
    ids = sorted(graph.nodes)
    db = bolt_server.database

    def counts() -> tuple[int, int]:
        with bolt_driver.session(database=db) as session:
            nodes = session.run(
                "MATCH (n) WHERE n.id IN $ids RETURN count(n) AS n", ids=ids
            ).single()["n"]
            edges = session.run(
                "MATCH (a)-[r]->(b) WHERE a.id IN $ids AND b.id IN $ids RETURN count(r) AS n",
                ids=ids,
            ).single()["n"]
        return nodes, edges

    def cleanup() -> None:
        with bolt_driver.session(database=db) as session:
            session.run("MATCH (n) WHERE n.id IN $ids DETACH DELETE n", ids=ids).consume()

    cleanup()
    try:
        _run_script(bolt_driver, db, script)
        assert counts() == (graph.number_of_nodes(), graph.number_of_edges())
        _run_script(bolt_driver, db, script)  # MERGE: a second run adds nothing
        assert counts() == (graph.number_of_nodes(), graph.number_of_edges())
        with bolt_driver.session(database=db) as session:
            title = session.run(
                "MATCH (p:Paper) WHERE p.id = $id RETURN p.title AS t", id="arxiv:2010.99991"
            ).single()["t"]
            rows = session.run(
                "MATCH (p:Paper)-[r:MENTIONS]->(c:Concept) WHERE c.id = $c "
                "RETURN p.id AS p, r.role AS role, r.sentence AS s",
                c="concept:xt-adam",
            ).data()
            position = session.run(
                "MATCH (p:Paper)-[r:AUTHORED_BY]->(a:Author) WHERE p.id = $p AND a.id = $a "
                "RETURN r.position AS pos",
                p="doi:10.9999/xt.1",
                a=Author("Bob Xtbuilder").id,
            ).single()["pos"]
        assert title == graph.nodes["arxiv:2010.99991"]["title"]
        assert {(r["p"], r["role"], r["s"]) for r in rows} == {
            ("doi:10.9999/xt.1", "used", HOSTILE),
            ("arxiv:2101.99992", "proposed", "We tune it."),
        }
        assert position == 2
    finally:
        cleanup()


CHROMIUM = Path("/usr/bin/chromium")


def test_html_opens_offline_in_chromium(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    path = export(graph, "html", tmp_path / "g.html").paths[0]
    text = path.read_text("utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']https?://""", text)
    attempted: list[str] = []

    def block(route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page()
            page.route("**/*", block)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(path.as_uri())
            page.wait_for_selector("#mynetwork canvas", timeout=20_000)
            shown = page.evaluate("() => [nodes.length, edges.length]")
            assert page.title() == "test selection: concept 'XtFormer'"
        finally:
            browser.close()
    assert attempted == []
    assert errors == []
    assert shown == [graph.number_of_nodes(), graph.number_of_edges()]


@pytest.mark.parametrize("fmt", sorted(formats()))
def test_every_format_writes_a_lone_seed(fmt: str, tmp_path: Path) -> None:
    """A selection whose filters left only the seed (no edges) still exports cleanly."""
    lone = new_graph("lone seed")
    lone.add_node("concept:xt-lone", kind="concept", label="XtLone", type="method")
    result = export(lone, fmt, tmp_path / f"lone{formats()[fmt].suffix}")
    assert (result.nodes, result.edges) == (1, 0)
    assert all(path.exists() for path in result.paths)


# --------------------------------------------------------------------------- issue fixes


def test_bibtex_and_ris_keep_the_entry_type_and_its_venue_field(tmp_path: Path) -> None:
    """An @inproceedings stays one with its venue as booktitle; an @article names its
    journal; a record without a type is an article when it has a venue, else misc."""
    records, infos = make_records()
    records[0][0].entry_type = "inproceedings"  # Xt Conference
    records[1][0].venue, records[1][0].entry_type = "Journal of Xt", "article"
    g = build_graph(records, infos)
    library = bibtexparser.parse_string(export(g, "bib", tmp_path / "g.bib").paths[0]
                                        .read_text("utf-8"))
    by_year = {int(e.fields_dict["year"].value): e for e in library.entries}
    assert by_year[2017].entry_type == "inproceedings"
    assert by_year[2017].fields_dict["booktitle"].value == "Xt Conference"
    assert "journal" not in by_year[2017].fields_dict
    assert by_year[2020].entry_type == "article"
    assert by_year[2020].fields_dict["journal"].value == "Journal of Xt"
    assert by_year[2021].entry_type == "misc"
    records = rispy.loads(export(g, "ris", tmp_path / "g.ris").paths[0].read_text("utf-8"))
    assert [r["type_of_reference"] for r in records] == ["GEN", "JOUR", "CPAPER"]  # newest


def test_vosviewer_link_strength_is_one_kind_never_a_sum(tmp_path: Path) -> None:
    """Two concepts with a BROADER link and 3 papers in common: strength 3 (not 4); each
    kind's links are also written alone."""
    g = new_graph()
    for node in ("concept:a", "concept:b", "arxiv:1"):
        g.add_node(node, kind="paper" if node == "arxiv:1" else "concept", label=node)
    add_edge(g, "concept:a", "concept:b", "BROADER")
    add_edge(g, "concept:a", "concept:b", "CO_OCCURS", weight=3)
    add_edge(g, "arxiv:1", "concept:a", "MENTIONS")
    paths = export(g, "vosviewer", tmp_path / "v.json").paths
    links = json.loads(paths[0].read_text("utf-8"))["network"]["links"]
    assert sorted(link["strength"] for link in links) == [1, 3]
    by_kind = {p.name: p.read_text("utf-8").split() for p in paths if "-network-" in p.name}
    assert by_kind == {"v-network-BROADER.txt": ["1", "2", "1"],
                       "v-network-CO_OCCURS.txt": ["1", "2", "3"],
                       "v-network-MENTIONS.txt": ["1", "3", "1"]}


def test_default_file_names_never_overwrite_each_other(graph: nx.MultiDiGraph,
                                                       tmp_path: Path) -> None:
    """Every format written to its default name in one directory: no file is written by
    two formats (vosviewer and json both wrote kg-export.json), each still holds its own."""
    written: dict[Path, str] = {}
    for fmt, exporter in formats().items():
        for path in export(graph, fmt, tmp_path / f"kg-export{exporter.suffix}").paths:
            assert path not in written, f"{fmt} overwrote {written.get(path)}'s {path.name}"
            written[path] = fmt
    json_doc = json.loads((tmp_path / "kg-export.json").read_text("utf-8"))
    assert "nodes" in json_doc and "network" not in json_doc  # node-link, not VOSviewer


def test_matrix_has_a_column_for_every_concept_or_the_top_n(tmp_path: Path) -> None:
    """A concept of the selection that no selected paper mentions still has its column
    (empty); --columns N keeps the N concepts most papers mention."""
    records, infos = make_records()
    g = build_graph(records, infos)
    g.add_node("concept:xt-lonely", kind="concept", label="XtLonely", type="method")
    add_edge(g, "concept:xt-lonely", "concept:xt-former", "BROADER")
    header = next(csv.reader(export(g, "matrix", tmp_path / "m.csv").paths[0].open()))
    assert len(header) == 4 + kinds(g)["concept"] and "XtLonely" in header
    top = export(g, "matrix", tmp_path / "top.csv", columns=2).paths[0]
    assert next(csv.reader(top.open()))[4:] == ["XtFormer", "XtAdam"]  # 3 papers, then 2


def test_empty_reason_names_what_is_missing(graph: nx.MultiDiGraph) -> None:
    lone = new_graph()
    lone.add_node("concept:a", kind="concept", label="A")
    assert "no papers" in (empty_reason(lone, "bib") or "")
    assert "no papers" in (empty_reason(lone, "matrix") or "")
    assert "no edges" in (empty_reason(lone, "graphml") or "")
    assert empty_reason(lone, "bundle")
    lone.add_node("arxiv:1", kind="paper", label="P")
    assert empty_reason(lone, "bib") is None and empty_reason(lone, "bundle") is None
    assert all(empty_reason(graph, fmt) is None for fmt in formats())


@pytest.mark.parametrize(
    "name, key",
    [("Søren Ørsted", "orsted"), ("Łukasz Kaiser", "kaiser"), ("Zoë Çelik", "celik"),
     ("Đorđe Ðukić", "dukic"), ("Ashish Vaswani", "vaswani")],
)
def test_cite_keys_fold_names_as_name_keys_do(name: str, key: str) -> None:
    """One ASCII fold (kg.normalize) for cite keys and author name keys: no letter is lost
    ("Søren Ørsted" gave the cite key rsted2020…)."""
    assert cite_key([name], 2020, "Magnetic needles") == f"{key}2020magnetic"
    assert name_key(name).split()[-1] == key
