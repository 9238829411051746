"""The side index of embedded stores (kg/side_index.py): full-text search (ranking, folding,
prefixes) and a concept's newest papers, kept in step with the store by every write, rebuilt
by `kg refresh`, never written by a read-only open; the same rows as the store's own queries
(papers-by-concept) and on both embedded backends (search). Fixture made here: a few papers
written through the store API."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.build import refresh
from kg.model import Author, ConceptInfo, ConceptLink, Mention, Paper
from kg.queries import run_named
from kg.side_index import INDEX_FILE, SIDE_SUFFIX, match_expression
from kg.stores import GraphStore, PaperGraph, open_store

pytest.importorskip("pyoxigraph")


def _link(cid: str, name: str, proposed: bool = False) -> ConceptLink:
    sentence = f"We use {name} here."
    return ConceptLink(cid, name, "architecture", proposed, 0.9,
                       [Mention(name, "abstract", 7, 7 + len(name), sentence)])


VOCABULARY = [
    ConceptInfo("concept:glimmer", "Glimmer", "architecture", ["Glimmer net", "GLN"]),
    ConceptInfo("concept:glimmer-tiny", "Glimmer Tiny", "architecture", [],
                ["concept:glimmer"]),
    ConceptInfo("concept:quartz", "Quartz Bench", "benchmark", ["QZB"]),
    ConceptInfo("concept:unused", "Glimmering Unused", "method", []),  # no paper mentions it
]


def corpus() -> list[PaperGraph]:
    """Seven papers: four name Glimmer (one in the title), two Glimmer Tiny (below it), one
    neither; authors with accents; years 2019-2024, one without."""
    def paper(n: int, title: str, abstract: str, authors: list[str], year: int | None,
              links: list[ConceptLink]) -> PaperGraph:
        return PaperGraph(Paper(title, abstract, [Author(a) for a in authors], year=year,
                                arxiv_id=f"2402.{n:05d}"), links)

    glimmer, tiny = _link("concept:glimmer", "Glimmer"), _link("concept:glimmer-tiny",
                                                              "Glimmer Tiny")
    return [
        paper(1, "Glimmer: shining sequence models", "We propose Glimmer.", ["Søren Ørsted"],
              2019, [_link("concept:glimmer", "Glimmer", True)]),
        paper(2, "Scaling laws for small models", "We scale Glimmer and Quartz Bench.",
              ["Łukasz Kaiser", "Ana Núñez"], 2021,
              [glimmer, _link("concept:quartz", "Quartz Bench")]),
        paper(3, "A study of compression", "Compression of Glimmer layers.", ["Ana Núñez"],
              2023, [glimmer]),
        paper(4, "Notes without a year", "We use Glimmer again.", ["Jane Roe"], None, [glimmer]),
        paper(5, "Tiny models on phones", "Glimmer Tiny runs on phones.", ["Jane Roe"], 2024,
              [tiny]),
        paper(6, "Tinier still", "Glimmer Tiny, pruned.", ["Søren Ørsted"], 2024, [tiny]),
        paper(7, "Unrelated survey of sorting", "Sorting algorithms compared.", ["Jane Roe"],
              2020, []),
    ]


def write_corpus(store: GraphStore) -> None:
    store.write_concepts(VOCABULARY)
    store.write_papers(corpus())
    store.finish([c.id for c in VOCABULARY])


def ids(store: GraphStore, text: str, **params) -> list[str]:
    return [str(r[1]) for r in run_named(store, "search", {"text": text, **params}).rows]


@pytest.fixture(params=["oxigraph", "rdflib"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    uri = f"oxigraph:{tmp_path / 'kg'}" if request.param == "oxigraph" else \
        f"rdflib:{tmp_path / 'kg.ttl'}"
    opened = open_store(uri)
    write_corpus(opened)
    yield opened
    opened.close()


def test_the_words_are_folded_and_the_last_is_a_prefix() -> None:
    assert match_expression("Łukasz  KAI") == '"lukasz" "kai"*'
    assert match_expression("GPT-3") == '"gpt" "3"*'
    assert match_expression(" -- ") is None


def test_search_ranks_names_first_folds_accents_and_completes_prefixes(
    store: GraphStore,
) -> None:
    assert store.usable_side_index() is not None
    found = ids(store, "glimmer")
    # the concept named exactly so, then the longer name, then the paper with it in its
    # title, then the papers that only have it in their abstract
    assert found[:3] == ["concept:glimmer", "concept:glimmer-tiny", "arxiv:2402.00001"]
    assert set(found[3:]) == {f"arxiv:2402.{n:05d}" for n in (2, 3, 4, 5, 6)}
    assert "concept:unused" not in found  # no paper mentions it
    assert "concept:unused" in ids(store, "glimmer", vocabulary=True)
    assert set(ids(store, "glim")[:2]) == {"concept:glimmer", "concept:glimmer-tiny"}  # prefix
    assert ids(store, "QZB") == ["concept:quartz"]  # an alias
    for text in ("lukasz", "ŁUKASZ kai", "kaiser"):
        assert ids(store, text) == ["name:lukasz-kaiser"], text
    assert ids(store, "orsted") == ids(store, "Ørsted") == ["name:soren-orsted"]
    assert ids(store, "nunez") == ["name:ana-nunez"]
    assert ids(store, "sorting")[0] == "arxiv:2402.00007"  # title before abstract
    assert ids(store, "zzzqqq") == []
    empty = run_named(store, "search", {"text": "zzzqqq"})  # an empty answer says why
    assert empty.rows == [] and len(empty.notes) == 1 and "'zzzqqq'" in empty.notes[0]
    assert ids(store, "glimmer", limit=2) == found[:2]
    rows = run_named(store, "search", {"text": "glimmer"})
    assert rows.notes == []
    assert rows.rows[0] == ["concept", "concept:glimmer", "Glimmer"]  # labels from the store


def test_search_gives_the_same_rows_on_both_embedded_stores(tmp_path: Path) -> None:
    stores = [open_store(f"oxigraph:{tmp_path / 'a'}"), open_store(f"rdflib:{tmp_path / 'b.ttl'}")]
    try:
        for s in stores:
            write_corpus(s)
        for text in ("glimmer", "glim", "jane", "tiny phones", "2402"):
            a, b = (run_named(s, "search", {"text": text}).rows for s in stores)
            assert a == b, text
    finally:
        for s in stores:
            s.close()


def test_the_index_follows_rewrites_new_aliases_and_clear(store: GraphStore) -> None:
    renamed = corpus()[6]
    renamed.paper.title = "Unrelated survey of hashing"
    store.write_papers([renamed])
    assert "arxiv:2402.00007" not in ids(store, "sorting algorithms survey")
    assert ids(store, "hashing") == ["arxiv:2402.00007"]
    store.write_concepts([ConceptInfo("concept:quartz", "Quartz Bench", "benchmark",
                                      ["Crystal suite"])])
    assert ids(store, "crystal") == ["concept:quartz"]
    assert ids(store, "QZB") == []  # the old alias is gone, as in the store
    store.clear()
    assert ids(store, "glimmer") == []
    assert store.usable_side_index() is not None  # an empty index of an empty store


def test_refresh_rebuilds_the_same_index(tmp_path: Path) -> None:
    uri = f"oxigraph:{tmp_path / 'kg'}"
    with open_store(uri) as built:
        write_corpus(built)
        before = {t: ids(built, t) for t in ("glimmer", "jane", "compression", "tiny")}
    refresh(uri)
    with open_store(uri, "read") as read:
        assert {t: ids(read, t) for t in before} == before


def test_a_store_without_an_index_gets_it_at_the_end_of_the_next_build(tmp_path: Path) -> None:
    """A store built before the index existed: reading it scans (and says so) and creates
    nothing; the next write run's end builds the index from the whole store."""
    uri = f"oxigraph:{tmp_path / 'kg'}"
    with open_store(uri) as built:
        write_corpus(built)
    (tmp_path / "kg" / INDEX_FILE).unlink()
    with open_store(uri, "read") as read:
        result = run_named(read, "search", {"text": "glimmer"})
        assert "no search index yet" in result.notes[0] and "scan" in result.notes[0]
        assert "concept:glimmer" in [r[1] for r in result.rows]  # the scan still answers
    assert not (tmp_path / "kg" / INDEX_FILE).exists()
    with open_store(uri, "write") as writer:
        assert writer.usable_side_index() is None  # incomplete until the run's end
        extra = PaperGraph(Paper("Glimmer revisited", "Glimmer again.", [Author("Jo Park")],
                                 year=2025, arxiv_id="2402.00099"), [_link("concept:glimmer",
                                                                           "Glimmer")])
        writer.write_papers([extra])
        writer.finish(["concept:glimmer"])
        assert writer.usable_side_index() is not None
        found = ids(writer, "glimmer")
        assert {"arxiv:2402.00001", "arxiv:2402.00099"} <= set(found)


def test_read_only_opens_never_write_the_index(tmp_path: Path) -> None:
    uri = f"oxigraph:{tmp_path / 'kg'}"
    with open_store(uri) as built:
        write_corpus(built)
    index = tmp_path / "kg" / INDEX_FILE
    before = (index.read_bytes(), index.stat().st_mtime_ns)
    listing = sorted(p.name for p in (tmp_path / "kg").iterdir())
    with open_store(uri, "read") as read:
        assert ids(read, "glimmer")[0] == "concept:glimmer"
        run_named(read, "papers-by-concept", {"concept": "concept:glimmer", "limit": 2})
    assert (index.read_bytes(), index.stat().st_mtime_ns) == before
    assert sorted(p.name for p in (tmp_path / "kg").iterdir()) == listing
    with open_store(f"rdflib:{tmp_path / 'new.ttl'}") as fresh:  # rdflib: a side file
        write_corpus(fresh)
    assert (tmp_path / f"new.ttl{SIDE_SUFFIX}").is_file()


def test_writes_around_the_index_and_killed_runs_leave_it_unused(tmp_path: Path) -> None:
    uri = f"oxigraph:{tmp_path / 'kg'}"
    with open_store(uri) as built:
        write_corpus(built)
        built.query('PREFIX dcterms: <http://purl.org/dc/terms/> INSERT DATA { '
                    '<https://x.org/p> dcterms:title "Glimmer by hand" }', write=True)
        assert built.usable_side_index() is None
        assert "out of date" in run_named(built, "search", {"text": "glim"}).notes[0]
    refresh(uri)
    with open_store(uri, "write") as writer:
        assert writer.usable_side_index() is not None
        writer.write_papers(corpus()[:1])  # a run that dies before its end:
        writer.side_index.db.close()  # type: ignore[union-attr]  # its transaction is lost
        writer.side_index = None
    marker = sqlite3.connect(tmp_path / "kg" / INDEX_FILE)
    assert marker.execute("SELECT value FROM meta WHERE key = 'complete'").fetchone() == ("0",)
    marker.close()
    with open_store(uri, "read") as read:
        assert read.usable_side_index() is None


@pytest.mark.parametrize("narrower", [True, False])
def test_papers_by_concept_through_the_index_are_the_stores_rows(
    store: GraphStore, narrower: bool
) -> None:
    """Every limit: the rows the index path gives are the head of the store query's full
    list (the index hidden), including a paper rewritten without a year (it keeps its year)."""
    again = corpus()[1]
    again.paper.year = None  # a record without a year: the stored 2021 stays
    store.write_papers([again])
    index = store.side_index
    full = run_named(store, "papers-by-concept", {"concept": "concept:glimmer",
                                                  "narrower": narrower}).rows
    store.side_index = None
    try:
        assert run_named(store, "papers-by-concept", {"concept": "concept:glimmer",
                                                      "narrower": narrower}).rows == full
    finally:
        store.side_index = index
    assert [r[0] for r in full][:2] == (["arxiv:2402.00005", "arxiv:2402.00006"] if narrower
                                        else ["arxiv:2402.00003", "arxiv:2402.00002"])
    assert full[-1][0] == "arxiv:2402.00004" and full[-1][2] is None  # no year: last
    for limit in range(1, len(full) + 1):
        rows = run_named(store, "papers-by-concept", {"concept": "Glimmer", "limit": limit,
                                                      "narrower": narrower}).rows
        assert rows == full[:limit], limit


def test_paper_seeds_are_found_through_the_index(store: GraphStore) -> None:
    """`kg export --paper TITLE`: an exact title, or words only one paper's title holds."""
    from kg.seeds import SelectionError, resolve_paper

    assert resolve_paper(store, "Tiny models on phones") == "arxiv:2402.00005"
    assert resolve_paper(store, "tinier") == "arxiv:2402.00006"  # a prefix of one title
    with pytest.raises(SelectionError, match="matches several papers") as error:
        resolve_paper(store, "models")  # three titles hold the word
    assert len(error.value.suggestions) == 3


def test_the_app_searches_through_the_index_or_says_it_scans(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Search page uses the index of the store it opens read-only; without one it
    scans, says so, and creates nothing."""
    from tests.test_app import app_test, no_errors

    for name, indexed in (("with", True), ("without", False)):
        uri = f"oxigraph:{tmp_path / name}"
        with open_store(uri) as built:
            write_corpus(built)
        if not indexed:
            (tmp_path / name / INDEX_FILE).unlink()
        at = app_test(uri, monkeypatch).run()
        at.text_input(key="search:text").input("glimm").run()
        no_errors(at)
        suggested = [b.key for b in at.button if b.key and b.key.startswith("search:suggest:")]
        assert "search:suggest:concept:glimmer" in suggested
        notes = [c.value for c in at.caption if "substring scan" in c.value]
        assert bool(notes) is not indexed, (name, notes)
        assert (tmp_path / name / INDEX_FILE).exists() is indexed


def test_search_finds_titles_and_authors_in_other_scripts(tmp_path: Path) -> None:
    """Words of any script are search words (Cyrillic, Greek, Chinese), folded like the
    index folds them; Latin search is unchanged."""
    papers = [
        PaperGraph(Paper("Обучение с подкреплением для роботов", "Про роботов.",
                         [Author("Иван Петров")], year=2021), []),
        PaperGraph(Paper("Νευρωνικά δίκτυα για εικόνες", "Εικόνες.", [Author("Άννα Ωμέγα")],
                         year=2020), []),
        PaperGraph(Paper("深度学习在医学图像中的应用", "医学图像。", [Author("李雪")],
                         year=2022), []),
    ]
    store = open_store(f"oxigraph:{tmp_path / 'kg'}")
    try:
        store.write_papers(papers)
        store.finish([])
        wanted = {text: paper.paper.id for text, paper in zip(
            ("обучение", "νευρωνικα", "深度学习"), papers, strict=True)}
        for text, paper_id in wanted.items():
            assert paper_id in ids(store, text), text
        assert ids(store, "ПЕТРОВ") and ids(store, "Ωμέγα")
        from kg.seeds import resolve_paper  # `kg export --paper TITLE` finds it too

        assert resolve_paper(store, "Обучение с подкреплением для роботов") == papers[0].paper.id
    finally:
        store.close()
