"""The Streamlit explorer: rendering helpers on hand-built graphs, then every page through
streamlit's AppTest against the example corpus built into a temporary Oxigraph store."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from kg.app import data
from kg.app.graph_view import (
    CLUSTER_COLORS,
    TYPE_COLORS,
    Filters,
    apply_budget,
    build_view,
    concept_clusters,
    filter_graph,
    legend_html,
    node_values,
    render_html,
)
from kg.app.store_check import embedded_path
from kg.app.views import kind_of
from kg.app.views.console import SAMPLES, looks_like_write, to_csv
from kg.app.views.overview import rising, trend_frame
from kg.app.views.paper import highlight
from kg.cli.cmd_app import app_main, streamlit_command
from kg.graph import add_edge, build_graph
from kg.model import Author, ConceptLink, Mention, Paper
from kg.queries import NAMED_QUERIES, run_named

MAIN = str(app_main())  # the script `kg app` runs


def link(slug: str, kind: str, proposed: bool = False) -> ConceptLink:
    name = slug.upper()
    return ConceptLink(
        f"concept:{slug}", name, kind, proposed, 0.9, [Mention(name, "title", 0, 1, name)]
    )


def corpus() -> nx.MultiDiGraph:
    """Two topical groups of papers (vision / language) sharing one author."""
    ada, bo, cy = Author("Ada Lovelace"), Author("Bo Chen"), Author("Cy Twombly")
    records = [
        (Paper("Vision one", year=2019, arxiv_id="1901.00001", authors=[ada, bo]),
         [link("vit", "architecture", True), link("imagenet", "benchmark")]),
        (Paper("Vision two", year=2021, arxiv_id="2101.00002", authors=[bo]),
         [link("vit", "architecture"), link("imagenet", "benchmark"), link("mixup", "method")]),
        (Paper("Vision three", year=2023, arxiv_id="2301.00003", authors=[bo, cy]),
         [link("vit", "architecture"), link("mixup", "method"), link("imagenet", "benchmark")]),
        (Paper("Language one", year=2020, arxiv_id="2001.00004", authors=[cy]),
         [link("bert", "architecture"), link("glue", "benchmark"), link("mlm", "method")]),
        (Paper("Language two", year=2022, arxiv_id="2201.00005", authors=[cy]),
         [link("bert", "architecture"), link("glue", "benchmark"), link("mlm", "method")]),
    ]  # fmt: skip
    return build_graph(records)


# --------------------------------------------------------------------------- graph_view


def test_filter_by_type_keeps_centre_and_drops_unreachable() -> None:
    g = corpus()
    out = filter_graph(g, "concept:vit", Filters(types=["paper", "benchmark"]))
    kinds = {d["kind"] for _, d in out.nodes(data=True)}
    assert "author" not in kinds
    assert "concept:vit" in out and "concept:imagenet" in out
    assert "concept:mixup" not in out
    # language papers never touch ViT: after dropping authors they are unreachable
    assert "arxiv:2001.00004" not in out


def test_filter_by_year_and_weight() -> None:
    g = corpus()
    out = filter_graph(g, "concept:vit", Filters(since=2020, until=2022))
    years = {d.get("year") for _, d in out.nodes(data=True) if d["kind"] == "paper"}
    assert years and min(years) >= 2020 and max(years) <= 2022
    assert "arxiv:1901.00001" not in out
    # vit–imagenet co-occur in 3 papers, vit–mixup in 2: a threshold of 3 keeps only one
    strong = filter_graph(
        g, "concept:vit", Filters(types=["architecture", "benchmark", "method"], min_weight=3)
    )
    assert set(strong) == {"concept:vit", "concept:imagenet"}


def test_budget_keeps_strongest_neighbours() -> None:
    g = nx.MultiDiGraph()
    g.add_node("c", kind="concept", type="method", label="c")
    for i in range(10):
        g.add_node(f"n{i}", kind="concept", type="method", label=f"n{i}")
        add_edge(g, "c", f"n{i}", "CO_OCCURS", weight=i + 1)
    g.add_node("far", kind="paper", label="far")
    add_edge(g, "far", "n0", "MENTIONS")
    kept, omitted = apply_budget(g, "c", max_nodes=4)
    assert set(kept) == {"c", "n9", "n8", "n7"}
    assert omitted == 8
    same, none = apply_budget(g, "c", max_nodes=100)
    assert none == 0 and same.number_of_nodes() == 12


def test_clusters_separate_topics_and_sizes_follow_papers() -> None:
    g = corpus()
    clusters = concept_clusters(g)
    assert clusters["concept:vit"] == clusters["concept:imagenet"] == clusters["concept:mixup"]
    assert clusters["concept:bert"] == clusters["concept:glue"] == clusters["concept:mlm"]
    assert clusters["concept:vit"] != clusters["concept:bert"]
    values = node_values(g, {"concept:vit": 3, "name:ada-lovelace": 1})
    assert values["concept:vit"] == 3 and values["name:ada-lovelace"] == 1
    assert values["arxiv:2101.00002"] == 1  # a paper is one paper
    ranks = node_values(g, {}, "pagerank")
    assert ranks["concept:vit"] > ranks["name:ada-lovelace"]


def test_a_star_of_leaves_is_not_one_cluster_per_leaf() -> None:
    """A one-hop concept star (no links between the leaves) has no clusters; the store's
    co-occurrences among the leaves make them."""
    g = nx.MultiDiGraph()
    leaves = [f"concept:c{i}" for i in range(12)]
    for node in ["concept:hub", *leaves]:
        g.add_node(node, kind="concept", label=node, type="method")
    for leaf in leaves:
        add_edge(g, leaf, "concept:hub", "BROADER")
    assert concept_clusters(g) == {}
    pairs = [(a, b, 3) for group in (leaves[:6], leaves[6:]) for a in group for b in group
             if a < b]
    clusters = concept_clusters(g, pairs)
    assert len(set(clusters.values())) == 2
    assert clusters[leaves[0]] == clusters[leaves[5]] != clusters[leaves[6]]
    view = build_view(g, "concept:hub", cooccurs=pairs)
    assert "2: " in legend_html(view) and "Louvain" in legend_html(view)


def test_top_n_mode_keeps_the_heaviest_and_half_papers() -> None:
    g = nx.MultiDiGraph()
    g.add_node("concept:hub", kind="concept", label="hub")
    for i in range(40):
        g.add_node(f"concept:c{i:02}", kind="concept", label=f"c{i}")
        add_edge(g, f"concept:c{i:02}", "concept:hub", "BROADER")
        g.add_node(f"arxiv:{i:02}", kind="paper", label=f"p{i}")
        add_edge(g, f"arxiv:{i:02}", "concept:hub", "MENTIONS")
    papers = {f"concept:c{i:02}": i for i in range(40)}
    kept, left = apply_budget(g, "concept:hub", 21, "top", papers)
    assert left == 81 - 21 and "concept:hub" in kept
    concepts = {n for n in kept if n.startswith("concept:c")}
    assert concepts == {f"concept:c{i:02}" for i in range(30, 40)}  # the ten heaviest
    assert len([n for n in kept if n.startswith("arxiv:")]) == 10


def test_build_view_colours_by_type_or_cluster() -> None:
    g = corpus()
    author = next(n for n, d in g.nodes(data=True) if d["kind"] == "author")
    view = build_view(g, author, color_by="type")
    assert view.colors["concept:vit"] == TYPE_COLORS["architecture"]
    assert view.colors["arxiv:2101.00002"] == TYPE_COLORS["paper"]
    assert view.borders["concept:vit"] in CLUSTER_COLORS
    clustered = build_view(g, author, color_by="cluster")
    assert clustered.colors["concept:vit"] in CLUSTER_COLORS
    assert clustered.colors["concept:vit"] != clustered.colors["concept:bert"]
    assert clustered.colors["arxiv:2101.00002"] == TYPE_COLORS["paper"]


def vis_nodes(page: str) -> list[dict]:
    match = re.search(r"nodes = new vis\.DataSet\((\[.*?\])\);", page, re.S)
    assert match, "no vis node data in the page"
    return json.loads(match.group(1))


def test_render_html_is_offline_and_carries_the_view() -> None:
    g = corpus()
    g.nodes["arxiv:2101.00002"]["label"] = "Evil </script><script>alert(1)</script>"
    view = build_view(g, "concept:vit", max_nodes=6)
    page = render_html(view)
    nodes = vis_nodes(page)
    assert {n["id"] for n in nodes} == set(view.graph)
    assert len(nodes) == 6 and view.omitted_nodes == g.number_of_nodes() - 6
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?://", page)
    assert "</script><script>alert" not in page
    assert 'network.on("click"' in page and '"concept:vit"' in page
    assert "left out: " in view.summary()


# --------------------------------------------------------------------------- page helpers


@given(
    st.text(max_size=60), st.lists(st.tuples(st.integers(0, 70), st.integers(0, 70)), max_size=6)
)
def test_highlight_keeps_text(text: str, pairs: list[tuple[int, int]]) -> None:
    spans = [(a, b, "method", "m") for a, b in pairs]
    marked = highlight(text, spans)
    assert html.unescape(re.sub(r"<[^>]+>", "", marked)) == text


def test_highlight_marks_mentions_in_type_colour() -> None:
    text = "We train a ViT on ImageNet <fast>."
    marked = highlight(
        text,
        [
            (11, 14, "architecture", "ViT"),
            (18, 26, "benchmark", "IN"),
            (12, 20, "method", "overlap"),
        ],
    )
    assert marked.count("<mark") == 2
    vit = re.search(r'<mark style="([^"]*)"[^>]*>ViT</mark>', marked)
    assert vit and TYPE_COLORS["architecture"] in vit.group(1)
    assert "ImageNet</mark>" in marked and "&lt;fast&gt;" in marked


def test_rising_ranks_growth() -> None:
    rows = [
        {"concept": "concept:a", "name": "A", "year": 2019, "papers": 1},
        {"concept": "concept:a", "name": "A", "year": 2023, "papers": 9},
        {"concept": "concept:b", "name": "B", "year": 2019, "papers": 8},
        {"concept": "concept:b", "name": "B", "year": 2023, "papers": 2},
        {"concept": "concept:c", "name": "C", "year": 2021, "papers": 5},
    ]
    assert rising(rows, top=2) == ["concept:a", "concept:b"]
    frame = trend_frame(rows, ["concept:a", "concept:b"])
    assert list(frame.index) == [2019, 2020, 2021, 2022, 2023]
    assert frame.loc[2023, "A"] == 9 and frame.loc[2020, "B"] == 0


def test_write_detection() -> None:
    assert looks_like_write("INSERT DATA { <a> <b> <c> }", "sparql")
    assert looks_like_write("PREFIX x: <y>\nDELETE WHERE { ?s ?p ?o }", "sparql")
    assert not looks_like_write('SELECT ?set ?drop WHERE { ?s ?p "DELETE me" } # clear', "sparql")
    assert looks_like_write("MATCH (n) SET n.x = 1", "cypher")
    assert looks_like_write("MATCH (n) DETACH DELETE n", "cypher")
    assert not looks_like_write("MATCH (n) RETURN n.created, 'MERGE' // set", "cypher")


def test_csv_and_kinds() -> None:
    assert to_csv(["a", "b"], [[1, ["x"]], [None, "y"]]).splitlines() == [
        "a,b",
        '1,"[""x""]"',
        ",y",
    ]
    assert kind_of("concept:vit") == "concept"
    assert kind_of("arxiv:2312.00752") == kind_of("doi:10.1/x") == "paper"
    assert kind_of("name:ada-lovelace") == "author"


# --------------------------------------------------------------------------- kg app


def test_kg_app_command_line(tmp_path: Path) -> None:
    cmd = streamlit_command(Path(MAIN), "127.0.0.1", 8999)
    assert cmd[1:5] == ["-P", "-m", "kg.app.serve", "run"]
    assert "--server.headless=true" in cmd and "--server.address=127.0.0.1" in cmd
    assert embedded_path("oxigraph:/x/y") == Path("/x/y")
    assert embedded_path("neo4j://localhost:7687") is None
    from kg.cli import app

    missing, empty, foreign = tmp_path / "nope", tmp_path / "empty", tmp_path / "docs"
    empty.mkdir()
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", "utf-8")
    for path in (missing, empty, foreign):
        result = CliRunner().invoke(app, ["app", "--store", f"oxigraph:{path}"])
        assert result.exit_code == 2
        assert "No graph here" in result.output and "kg build" in result.output
    assert not missing.exists() and not any(empty.iterdir())
    assert [p.name for p in foreign.iterdir()] == ["notes.txt"]


def test_kg_app_starts_beside_a_store_directory_named_kg(tmp_path: Path) -> None:
    """`kg app --store kg` run where the store directory is called "kg": the directory must
    not shadow the package when the server process imports it (it did: the app died
    before serving)."""
    from tests.servers import free_port
    from tests.test_app_browser import wait_healthy

    write_hand_store(f"oxigraph:{tmp_path / 'kg'}")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.Popen(
        # (-P: as the `kg` console script, which does not put the directory on the path)
        [sys.executable, "-P", "-c", "from kg.cli import main; main()", "app", "--store",
         "kg", "--port", str(port)],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


# --------------------------------------------------------------------------- AppTest

CONCEPTS = {
    "vit": ("ViT", "architecture", ["Vision Transformer"], ["concept:transformer"]),
    "transformer": ("Transformer", "architecture", [], []),
    "imagenet": ("ImageNet", "benchmark", [], []),
    "mixup": ("Mixup", "method", [], []),
    "bert": ("BERT", "architecture", [], ["concept:transformer"]),
    "glue": ("GLUE", "benchmark", [], []),
    "mlm": ("Masked language modeling", "method", ["MLM"], []),
}
ADA, BO, CY = "Ada Lovelace", "Bo Chen", "Cy Twombly"
PAPERS = [  # arXiv id, year, title, authors, abstract, proposed concept
    ("1901.00001", 2019, "Vision Transformers at Scale", [ADA, BO],
     "We propose ViT, a Transformer for images, and evaluate it on ImageNet.", "vit"),
    ("2101.00002", 2021, "Mixup for Vision", [BO],
     "We train ViT with Mixup and report results on ImageNet.", None),
    ("2301.00003", 2023, "Efficient Vision Models", [BO, CY],
     "ViT models trained with Mixup reach strong ImageNet accuracy.", None),
    ("2001.00004", 2020, "Language Pretraining", [CY],
     "We propose BERT, pretrained with masked language modeling and evaluated on GLUE.", "bert"),
    ("2201.00005", 2022, "Better Language Models", [CY],
     "BERT with masked language modeling improves GLUE scores.", None),
]  # fmt: skip


def hand_records() -> list[tuple[Paper, list[ConceptLink]]]:
    """Papers with concept links whose mention offsets point into the abstract, as the
    extractor would produce them (found here with str.find on our own text)."""
    records = []
    for arxiv_id, year, title, authors, abstract, proposed in PAPERS:
        paper = Paper(title, abstract, [Author(a) for a in authors], year=year, arxiv_id=arxiv_id)
        links = []
        for slug, (name, kind, _, _) in CONCEPTS.items():
            start = abstract.lower().find(name.lower())
            if start < 0:
                continue
            end = start + len(name)
            mention = Mention(abstract[start:end], "abstract", start, end, abstract)
            links.append(
                ConceptLink(f"concept:{slug}", name, kind, slug == proposed, 0.9, [mention])
            )
        records.append((paper, links))
    return records


def write_hand_store(uri: str) -> None:
    """Write the hand corpus through the real store API (what `kg build` does after
    extraction), so page tests know exactly what the store holds."""
    from kg.model import ConceptInfo
    from kg.stores import PaperGraph, open_store

    store = open_store(uri)
    try:
        store.write_concepts(
            ConceptInfo(f"concept:{slug}", name, kind, aliases, broader)
            for slug, (name, kind, aliases, broader) in CONCEPTS.items()
        )
        store.write_papers([PaperGraph(p, links) for p, links in hand_records()])
        store.refresh_derived()
    finally:
        store.close()


@pytest.fixture(scope="session")
def hand_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    uri = f"oxigraph:{tmp_path_factory.mktemp('app-hand') / 'kg'}"
    write_hand_store(uri)
    return uri


def app_test(uri: str, monkeypatch: pytest.MonkeyPatch, write: bool = False) -> AppTest:
    monkeypatch.setenv("PAPER_KG_STORE", uri)
    monkeypatch.setenv("PAPER_KG_ALLOW_WRITE", "1" if write else "0")
    return AppTest.from_file(MAIN, default_timeout=60)


def open_view(
    uri: str, monkeypatch: pytest.MonkeyPatch, view: str, item: str | None = None
) -> AppTest:
    """The app opened on ``view`` (and ``item``) through its query parameters, run once,
    without errors."""
    at = app_test(uri, monkeypatch)
    at.query_params["view"] = view
    if item is not None:
        at.query_params["id"] = item
    at.run()
    no_errors(at)
    return at


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def graph_nodes(at: AppTest) -> set[str]:
    frames = at.get("iframe")
    assert frames, "no graph iframe on the page"
    return {n["id"] for n in vis_nodes(frames[-1].proto.srcdoc)}


def buttons(at: AppTest) -> dict[str, object]:
    return {b.label: b for b in at.button}


def test_search_finds_papers_concepts_authors_and_opens_concept(
    hand_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_test(hand_store, monkeypatch).run()
    no_errors(at)
    at.text_input(key="search:text").input("vision").run()
    no_errors(at)
    labels = set(buttons(at))
    assert "ViT · 3 papers" in labels  # through its alias "Vision Transformer", counted
    at.radio(key="search:kind").set_value("paper").run()
    labels = set(buttons(at))
    assert {"Vision Transformers at Scale", "Mixup for Vision", "Efficient Vision Models"} <= labels
    assert "Language Pretraining" not in labels
    suggested = [b.label for b in at.button if b.key.startswith("search:suggest:")]
    assert suggested[0] == "ViT · 3 papers · concept"  # concepts first, then papers
    assert "Mixup for Vision · paper" in suggested
    at.text_input(key="search:text").input("v").run()  # one letter: no query, no list
    no_errors(at)
    assert not [b for b in at.button if b.key.startswith("search:")]
    at.text_input(key="search:text").input("Twombly").run()
    assert "Cy Twombly · 3 papers" in buttons(at)
    at.text_input(key="search:text").input("vision").run()
    at.button(key="search:open:concept:vit").click().run()
    no_errors(at)
    assert at.session_state["nav"] == "Concept"
    assert at.query_params["id"] in ("concept:vit", ["concept:vit"])
    text = " ".join(m.value for m in at.markdown)
    assert "Vision Transformer" in text  # aliases
    labels = set(buttons(at))
    assert "Transformer" in labels  # broader
    assert "Vision Transformers at Scale (2019)" in labels  # the paper that proposes it
    assert "Language Pretraining (2020)" not in labels
    assert {"ImageNet", "Mixup"} <= labels  # co-occurring


def test_choosing_a_suggestion_opens_the_item_page(
    hand_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_test(hand_store, monkeypatch).run()
    at.text_input(key="search:text").input("masked lang").run()
    no_errors(at)
    at.button(key="search:suggest:concept:mlm").click().run()
    no_errors(at)
    assert at.session_state["nav"] == "Concept"
    assert at.session_state["item"] == "concept:mlm"
    assert next(h.value for h in at.subheader) == "Masked language modeling"
    assert "MLM" in " ".join(m.value for m in at.markdown)  # its alias


def test_item_page_without_an_item_offers_a_picker(
    hand_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_view(hand_store, monkeypatch, "Concept")
    at.text_input(key="concept:pick:text").input("vision tra").run()
    assert at.selectbox(key="concept:pick:choice").value.endswith("concept:vit")
    at.button(key="concept:pick:open").click().run()
    no_errors(at)
    assert (at.session_state["nav"], at.session_state["item"]) == ("Concept", "concept:vit")
    assert next(h.value for h in at.subheader) == "ViT"


def counting_named(monkeypatch: pytest.MonkeyPatch, uri: str) -> list[tuple[str, dict]]:
    """Record the named queries the app's store runs (after forgetting cached results)."""
    from kg.app import data

    data.clear_caches()
    calls: list[tuple[str, dict]] = []
    original = data.run_named

    def named(store, name: str, params: dict | None = None):  # type: ignore[no-untyped-def]
        calls.append((name, dict(params or {})))
        return original(store, name, params)

    monkeypatch.setattr(data, "run_named", named)
    return calls


def test_suggestions_on_the_example_corpus(
    examples_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.app import data

    monkeypatch.setenv("PAPER_KG_STORE", examples_store)
    calls = counting_named(monkeypatch, examples_store)
    assert data.suggest("t") == data.suggest("   ") == []  # under 2 letters: no query
    assert not calls
    rows = data.suggest("transformer")
    assert 0 < len(rows) <= data.SUGGEST_LIMIT
    # the concept named so comes before those found through an alias ("… Transformer")
    assert (rows[0]["kind"], rows[0]["id"]) == ("concept", "concept:transformer")
    order = [data.KIND_ORDER.index(r["kind"]) for r in rows]
    assert order == sorted(order)  # concepts, then papers, then authors
    for row in rows:
        assert set(row) >= {"kind", "id", "label"}
        if row["kind"] != "concept":  # concepts may match through an alias
            assert "transformer" in str(row["label"]).lower()
    # typing on (each pause is a rerun), then the full list: one bounded, cached query
    assert data.suggest(" Transformer ") == rows
    full = data.search("transformer")
    assert {r["id"] for r in rows} <= {r["id"] for r in full}
    assert calls == [("search", {"text": "transformer", "limit": data.SEARCH_LIMIT})]


def test_suggestions_match_aliases(hand_store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.app import data

    monkeypatch.setenv("PAPER_KG_STORE", hand_store)
    assert [r["id"] for r in data.suggest("vision transformer")][:1] == ["concept:vit"]
    assert [r["id"] for r in data.suggest("MLM")] == ["concept:mlm"]
    assert data.suggest("no such thing anywhere") == []


def test_item_pages_read_their_own_data_without_a_full_ego_network(
    hand_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Node data come from kg.graph.node_details; an ego network is fetched only for the
    neighbours a page lists, and only over the kinds it lists; the concept page reads its
    BROADER edges alone (no selection: a hub's co-occurrences would be read to be dropped)."""
    from kg.app import data

    details: list[list[str]] = []
    egos: list[tuple[str, int, object]] = []
    real_details, real_ego = data.node_details, data.ego_graph

    def spy_details(store, ids):  # type: ignore[no-untyped-def]
        details.append(list(ids))
        return real_details(store, ids)

    def spy_ego(store, node, hops=1, types=None, **kw):  # type: ignore[no-untyped-def]
        egos.append((node, hops, types))
        return real_ego(store, node, hops=hops, types=types, **kw)

    monkeypatch.setenv("PAPER_KG_STORE", hand_store)
    monkeypatch.setattr(data, "node_details", spy_details)
    monkeypatch.setattr(data, "ego_graph", spy_ego)
    data.clear_caches()
    assert data.node("concept:vit")["aliases"] == ["Vision Transformer"]
    assert data.node("arxiv:1901.00001")["title"] == "Vision Transformers at Scale"
    assert data.node("concept:nope") == {}
    assert not egos
    data.clear_caches()
    details.clear()
    for view, item, ego in (
        ("Concept", "concept:vit", None),
        ("Paper", "arxiv:1901.00001", ("arxiv:1901.00001", 1, ["author"])),
        ("Author", "name:bo-chen", ("name:bo-chen", 2, ["paper", "author"])),
    ):
        egos.clear()
        at = open_view(hand_store, monkeypatch, view, item)
        assert [item] in details, view
        assert egos == ([ego] if ego else []), view
    # the concept page still lists its broader concept, the paper page its authors in order
    at = open_view(hand_store, monkeypatch, "Concept", "concept:bert")
    assert next(h.value for h in at.subheader) == "BERT"
    assert "Transformer" in buttons(at)
    assert "architecture" in " ".join(m.value for m in at.markdown)
    at = open_view(hand_store, monkeypatch, "Paper", "arxiv:2301.00003")
    labels = [b.label for b in at.button]
    assert labels.index(BO) < labels.index(CY)


def test_graph_page_receives_ego_network_and_filters_change_it(
    hand_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_view(hand_store, monkeypatch, "Graph", "concept:vit")
    vit_papers = {f"arxiv:{p[0]}" for p in PAPERS if "ViT" in p[4]}
    shown = graph_nodes(at)
    assert vit_papers <= shown
    assert {"concept:vit", "concept:imagenet", "concept:mixup", "concept:transformer"} <= shown
    assert not {"arxiv:2001.00004", "concept:glue", "name:ada-lovelace"} & shown
    at.multiselect(key="graph:types").unselect("paper").run()
    no_errors(at)
    assert not {n for n in graph_nodes(at) if n.startswith("arxiv:")}
    assert "concept:imagenet" in graph_nodes(at)
    at.multiselect(key="graph:types").select("paper").run()
    at.slider(key="graph:years").set_value((2020, 2023)).run()
    assert graph_nodes(at) & vit_papers == vit_papers - {"arxiv:1901.00001"}
    at.slider(key="graph:hops").set_value(2).run()
    no_errors(at)
    assert "name:bo-chen" in graph_nodes(at)
    # re-centre through the selectbox (what a click in the graph does via ?node=)
    at.selectbox(key="graph:recentre").set_value("concept:imagenet").run()
    no_errors(at)
    assert at.session_state["item"] == "concept:imagenet"


def test_url_state_opens_the_graph_with_its_hops_and_filters(
    hand_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a graph click or a shared link loads: view, item, hops and filters come from the
    URL, survive a visit to another page, and are written back to it."""
    at = app_test(hand_store, monkeypatch)
    for name, value in (("view", "Graph"), ("id", "concept:bert"), ("hops", "2"),
                        ("types", "paper,author,architecture"), ("budget", "abc")):
        at.query_params[name] = value
    at.run()
    no_errors(at)
    assert at.session_state["nav"] == "Graph"
    assert at.slider(key="graph:hops").value == 2
    assert at.number_input(key="graph:budget").value == 300  # unreadable: the default
    shown = graph_nodes(at)
    assert {"concept:bert", "arxiv:2001.00004", "name:cy-twombly"} <= shown
    assert "concept:glue" not in shown  # benchmarks are filtered out
    at.sidebar.radio(key="nav").set_value("Concept").run()
    at.sidebar.radio(key="nav").set_value("Graph").run()
    no_errors(at)
    assert at.slider(key="graph:hops").value == 2
    at.slider(key="graph:hops").set_value(3).run()
    params = {k: at.query_params[k] for k in at.query_params}
    flat = {k: v[0] if isinstance(v, list) else v for k, v in params.items()}
    assert flat["hops"] == "3" and flat["id"] == "concept:bert" and flat["view"] == "Graph"
    assert flat["types"] == "paper,author,architecture"


def test_paper_page_highlights_mentions(hand_store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_view(hand_store, monkeypatch, "Paper", "arxiv:1901.00001")
    html_parts = " ".join(m.value for m in at.markdown)
    for name, kind in (("ViT", "architecture"), ("ImageNet", "benchmark")):
        match = re.search(rf'<mark style="([^"]*)"[^>]*>{name}</mark>', html_parts)
        assert match and TYPE_COLORS[kind] in match.group(1), name
    assert "https://arxiv.org/abs/1901.00001" in html_parts
    labels = set(buttons(at))
    assert {ADA, BO, "ViT", "ImageNet", "Transformer"} <= labels
    assert "proposed" in html_parts and "used" in html_parts


def test_author_and_overview_pages(hand_store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_view(hand_store, monkeypatch, "Author", "name:bo-chen")
    labels = set(buttons(at))
    assert {"Vision Transformers at Scale (2019)", "Efficient Vision Models (2023)"} <= labels
    assert {ADA, CY} <= labels and "Language Pretraining (2020)" not in labels
    concepts = at.dataframe[0].value
    assert set(concepts["concept"]) == {"ViT", "Transformer", "ImageNet", "Mixup"}
    at.sidebar.radio(key="nav").set_value("Overview").run()
    no_errors(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Papers"] == "5" and metrics["Authors"] == "3"
    assert "ViT" in buttons(at) and "ImageNet" in buttons(at)


def test_console_refuses_writes_and_runs_reads(
    hand_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_view(hand_store, monkeypatch, "Console")
    at.text_area(key="console:text").input("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    at.button(key="console:run").click().run()
    assert at.error and "read-only" in at.error[0].value and "--allow-write" in at.error[0].value
    at.selectbox(key="console:example").set_value("top-concepts").run()
    assert "SELECT" in at.text_area(key="console:text").value.upper()
    at.button(key="console:run").click().run()
    no_errors(at)
    frame = at.dataframe[0].value
    assert frame.iloc[0]["name"] == "ViT" or set(frame["name"]) >= {"ViT", "ImageNet"}
    assert at.get("download_button")


def test_every_console_example_runs_as_shown(
    hand_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each named query picked as an example shows the text and every parameter it binds
    (lookups made: papers-by-concept's concept ids), and running what is shown gives the
    named query's rows."""
    at = open_view(hand_store, monkeypatch, "Console")
    for name, spec in NAMED_QUERIES.items():
        at.selectbox(key="console:example").set_value(name).run()
        shown = at.text_area(key="console:text").value
        assert "#if" not in shown and "//if" not in shown, name
        at.button(key="console:run").click().run()
        no_errors(at)
        assert at.success, name
        samples = {k: (SAMPLES.get(k, "") if v is None else v) for k, v in spec.params.items()}
        expected = run_named(data.get_store(), name, samples).rows
        assert at.session_state["console:last"][1] == expected, name
    at.selectbox(key="console:example").set_value("papers-by-concept").run()
    at.button(key="console:run").click().run()
    assert len(at.dataframe[-1].value) >= 2  # the sample "transformer" and its narrower ones


def test_export_panel_offers_the_current_view(
    hand_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_view(hand_store, monkeypatch, "Graph", "concept:bert")
    shown = graph_nodes(at)
    at.sidebar.radio(key="nav").set_value("Export").run()
    no_errors(at)
    at.selectbox(key="export:format").set_value("json").run()
    at.button(key="export:prepare").click().run()
    no_errors(at)
    fmt, name, content, _ = at.session_state["export:file"]
    assert fmt == "json" and name.endswith(".json")
    exported = json.loads(content)
    assert {n["id"] for n in exported["nodes"]} == shown


def test_export_panel_forgets_the_graph_of_another_item(
    hand_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the Graph page drew one item, opening another makes the panel export the new
    item's network, not the graph still in the session."""
    at = open_view(hand_store, monkeypatch, "Graph", "concept:bert")
    assert at.session_state["view_graph"] is not None
    at.session_state["item"] = "concept:transformer"
    at.sidebar.radio(key="nav").set_value("Export").run()
    no_errors(at)
    at.selectbox(key="export:format").set_value("json").run()
    shown = " ".join(m.value for m in at.markdown)
    assert "one-hop network of concept:transformer" in shown
    assert "ego network of" not in shown


def test_bad_store_is_a_message_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    at = app_test("neo4j://127.0.0.1:1", monkeypatch).run()
    assert not at.exception
    assert at.error and "kg app --store" in at.error[0].value


def test_every_page_on_the_example_corpus(
    examples_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_test(examples_store, monkeypatch).run()
    at.text_input(key="search:text").input("transformer").run()
    no_errors(at)
    assert "search:open:concept:transformer" in {b.key for b in at.button}
    at.button(key="search:graph:concept:transformer").click().run()
    no_errors(at)
    assert len(graph_nodes(at)) > 5
    for page in ("Concept", "Overview", "Console", "Export", "Paper", "Author"):
        at.sidebar.radio(key="nav").set_value(page).run()
        no_errors(at)


def test_console_writes_when_allowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    uri = f"oxigraph:{tmp_path / 'kg'}"
    write_hand_store(uri)
    at = app_test(uri, monkeypatch, write=True)
    at.query_params["view"] = "Console"
    at.run()
    assert "Write queries are allowed" in " ".join(c.value for c in at.caption)
    at.text_area(key="console:text").input(
        'INSERT DATA { <urn:x> <http://purl.org/dc/terms/title> "added from the console" }'
    )
    at.button(key="console:run").click().run()
    no_errors(at)
    at.text_area(key="console:text").input(
        'SELECT ?s WHERE { ?s <http://purl.org/dc/terms/title> "added from the console" }'
    )
    at.button(key="console:run").click().run()
    no_errors(at)
    assert list(at.dataframe[0].value["s"]) == ["urn:x"]


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"view": "Concept", "id": "concept:does-not-exist"}, "no concept with the id"),
        ({"view": "Paper", "id": "doi:not/a-real-doi"}, "no paper with the id"),
        ({"view": "Graph", "id": "name:nobody-at-all"}, "no author with the id"),
        ({"view": "Nonsense", "id": "\x00\ufffd"}, "no page called 'Nonsense'"),
        ({"view": "Author", "id": "\x00\ufffd"}, "is not a valid author id"),
    ],
)
def test_unknown_view_or_id_is_a_not_found_page(
    hand_store: str, monkeypatch: pytest.MonkeyPatch, params: dict[str, str], says: str
) -> None:
    at = app_test(hand_store, monkeypatch)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception
    assert [h.value for h in at.header] == ["Not found"]
    assert says in at.error[0].value
    assert not at.subheader  # no made-up item page
    assert at.query_params["view"] in (params["view"], [params["view"]])  # the URL stays
    at.button(key="notfound:search").click().run()
    no_errors(at)
    assert [h.value for h in at.header] == ["Search"]


def files_of(path: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``path`` with its size and modification time."""
    return {str(f.relative_to(path)): (f.stat().st_size, f.stat().st_mtime_ns)
            for f in sorted(path.rglob("*")) if f.is_file()}


def test_read_only_app_never_creates_or_changes_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty directory stays empty and says what to run; a store browsed through every
    page (the console's reads included) keeps every file as it was."""
    empty = tmp_path / "empty"
    empty.mkdir()
    at = app_test(f"oxigraph:{empty}", monkeypatch).run()
    assert not at.exception
    assert "No graph here" in at.error[0].value and "kg build" in at.error[0].value
    assert not any(empty.iterdir())
    store = tmp_path / "kg"
    write_hand_store(f"oxigraph:{store}")
    before = files_of(store)
    from kg.app import data

    data._open_mode.clear()
    at = open_view(f"oxigraph:{store}", monkeypatch, "Graph", "concept:vit")
    for page in ("Concept", "Paper", "Author", "Overview", "Search", "Console"):
        at.sidebar.radio(key="nav").set_value(page).run()
        no_errors(at)
    at.text_area(key="console:text").input("SELECT ?s WHERE { ?s ?p ?o } LIMIT 3")
    at.button(key="console:run").click().run()
    no_errors(at)
    data._open_mode.clear()
    assert files_of(store) == before


def test_store_without_papers_says_what_to_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.stores import open_store

    open_store(f"oxigraph:{tmp_path / 'kg'}").close()  # a store, but nothing in it
    at = app_test(f"oxigraph:{tmp_path / 'kg'}", monkeypatch).run()
    assert not at.exception
    assert "holds no papers" in at.warning[0].value and "kg build" in at.warning[0].value


def test_concept_page_lists_its_papers_with_evidence(
    hand_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_view(hand_store, monkeypatch, "Concept", "concept:vit")
    vit = ["arxiv:2301.00003", "arxiv:2101.00002", "arxiv:1901.00001"]  # newest first
    assert [b.key for b in at.button if b.key.startswith("concept:about:")] == [
        f"concept:about:{p}" for p in vit]
    captions = [c.value for c in at.caption]
    assert any(c.startswith("proposed · abstract: “We propose ViT") for c in captions)
    assert any(c.startswith("used · abstract: “ViT models trained with Mixup") for c in captions)
    assert [b.key for b in at.button if b.key.startswith("concept:p:")] == [
        "concept:p:arxiv:1901.00001"]
    assert "3 dated papers; 0 without a year (not in the chart)." in captions
    at.radio(key="concept:sort").set_value("oldest").run()
    assert [b.key for b in at.button if b.key.startswith("concept:about:")] == [
        f"concept:about:{p}" for p in reversed(vit)]


def test_concept_page_pages_every_paper_and_narrower_concept(
    seeds_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Transformer on the seed pages: every paper about it (the papers-by-concept rows)
    on pages of 20, every narrower concept, proposers never named by a question."""
    from kg.app import data
    from kg.selection import concept_papers
    from kg.stores import open_store

    with open_store(seeds_store, "read") as store:
        rows = concept_papers(store, "concept:transformer")
    about = list(dict.fromkeys(r["paper"] for r in rows))
    undated = {r["paper"] for r in rows if r.get("year") is None}
    at = open_view(seeds_store, monkeypatch, "Concept", "concept:transformer")
    assert f"**Papers about it ({len(about)})**" in [m.value for m in at.markdown]
    assert f"{len(about) - len(undated)} dated papers; {len(undated)} without a year" in " ".join(
        c.value for c in at.caption)
    seen: list[str] = []
    pages = at.number_input(key="concept:papers:page")
    for number in range(1, int(pages.max) + 1):
        at.number_input(key="concept:papers:page").set_value(number).run()
        no_errors(at)
        seen += [b.key.split(":", 2)[2] for b in at.button if b.key.startswith("concept:about:")]
    assert seen == about  # newest first, as papers-by-concept, each once
    narrower = [m.value for m in at.markdown if m.value.startswith("**Narrower (")]
    total = int(narrower[0].split("(")[1].split(")")[0])
    shown = set()
    for number in range(1, int(at.number_input(key="concept:narrower:page").max) + 1):
        at.number_input(key="concept:narrower:page").set_value(number).run()
        shown |= {b.key for b in at.button if b.key.startswith("concept:Narrower:")}
    assert len(shown) == total > 24
    proposers = [c.value for c in at.caption if c.value.startswith("proposed · ")]
    assert not [c for c in proposers if c.rstrip("”").rstrip().endswith("?")]
    assert len(about) < data.PAPERS_LIMIT


def test_search_ranks_concepts_by_their_papers_and_pages(
    seeds_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'trans' on the seed pages: concepts with the most papers first (counts shown, as
    node-papers counts them), every match reachable page by page."""
    from kg.app import data

    at = app_test(seeds_store, monkeypatch).run()
    at.text_input(key="search:text").input("trans").run()
    no_errors(at)
    monkeypatch.setenv("PAPER_KG_STORE", seeds_store)
    rows = [r for r in data.ranked(data.search("trans"), "trans") if r["kind"] == "concept"]
    counts = [r["papers"] for r in rows]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
    suggested = [b.label for b in at.button if b.key.startswith("search:suggest:")]
    assert suggested[0] == f"{rows[0]['label']} · {counts[0]} papers · concept"
    seen = []
    pages = at.number_input(key="search:page")
    for number in range(1, int(pages.max) + 1):
        at.number_input(key="search:page").set_value(number).run()
        seen += [b.key.removeprefix("search:open:") for b in at.button
                 if b.key.startswith("search:open:")]
    assert seen == [r["id"] for r in rows]


CROSS_JOIN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def run_console(at: AppTest, text: str) -> AppTest:
    at.text_area(key="console:text").input(text)
    return at.button(key="console:run").click().run()


def test_console_names_the_query_problem_stops_runaways_and_keeps_column_order(
    hand_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    monkeypatch.setenv("PAPER_KG_QUERY_TIMEOUT", "3")
    at = open_view(hand_store, monkeypatch, "Console")
    run_console(at, "SELEC ?x WHERE { ?x ?p ?o }")
    message = at.error[0].value
    assert message.startswith("The query could not run") and "syntax" in message
    assert "store" not in message.split(":", 1)[0] and "--store" not in message
    started = time.monotonic()
    run_console(at, CROSS_JOIN)
    assert time.monotonic() - started < 20
    assert at.error[0].value.startswith("Stopped: the query was stopped after 3 s")
    run_console(at, 'SELECT * WHERE { ?paper <http://purl.org/dc/terms/title> ?title . '
                    'BIND(IF(CONTAINS(?title, "Vision"), 1, "no") AS ?mixed) } LIMIT 5')
    no_errors(at)
    frame = at.dataframe[0].value
    assert list(frame.columns) == ["paper", "title", "mixed"]  # as written, not reversed
    assert set(frame["mixed"]) <= {"1", "no"}  # mixed numbers and text shown as text


def test_app_reads_equal_on_rdflib_and_oxigraph() -> None:
    """The app's query files give the same answers on rdflib as on Oxigraph (the Bolt
    comparison is in tests/test_parity.py)."""
    from kg.app import reads
    from kg.model import ConceptInfo
    from kg.stores import PaperGraph, open_store

    answers = []
    for uri in ("rdflib:", "oxigraph:"):
        store = open_store(uri)
        store.write_concepts(ConceptInfo(f"concept:{slug}", name, kind, aliases, broader)
                             for slug, (name, kind, aliases, broader) in CONCEPTS.items())
        store.write_papers([PaperGraph(p, links) for p, links in hand_records()])
        store.refresh_derived(None)
        ids = [*(f"concept:{slug}" for slug in CONCEPTS), "name:bo-chen"]
        papers = [f"arxiv:{p[0]}" for p in PAPERS]
        answers.append((reads.node_papers(store, ids), reads.cooccurrences(store, ids),
                        reads.evidence(store, papers, ids), reads.recent_papers(store, 3)))
        # the side index names the newest papers; without it the store sorts them: the same
        assert store.side_index is not None
        indexed = reads.recent_papers(store, len(PAPERS))
        store.side_index, index = None, store.side_index
        assert reads.recent_papers(store, len(PAPERS)) == indexed
        store.side_index = index
        store.close()
    assert answers[0] == answers[1]
    sizes, pairs, evidence, recent = answers[0]
    assert sizes["concept:vit"] == 3 and sizes["name:bo-chen"] == 3
    assert ("concept:imagenet", "concept:vit", 3) in pairs
    assert evidence[("arxiv:1901.00001", "concept:vit")][0]["sentence"].startswith("We propose")
    assert [r["year"] for r in recent] == [2023, 2022, 2021]
