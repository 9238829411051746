"""Curating in the app (`kg app --curate`, issue 20 point 3) through Streamlit's AppTest:
each decision kind made with the app's own controls is in the curation file, in the store
at once (read through the handle the app writes with), shown on the page, and gone after
undo. Each test gets its own store built from examples/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from kg.app import data
from kg.cli.app import app as cli
from kg.curation import Curation
from kg.details import authorships, details
from kg.queries import run_named
from tests.conftest import EXAMPLES, built_store
from tests.test_app import MAIN, app_test, no_errors
from tests.test_curation_identity import RECORDS

ATTENTION = "arxiv:1706.03762"  # "Attention Is All You Need" in examples/


@pytest.fixture
def store(tmp_path_factory: pytest.TempPathFactory, extractor_prototype) -> str:
    return built_store(tmp_path_factory, "curate-app", [EXAMPLES], extractor_prototype)


def curation_file(uri: str) -> Path:
    return Path(uri.removeprefix("oxigraph:")) / "curation.csv"


def curating(uri: str, monkeypatch: pytest.MonkeyPatch, view: str, item: str = "") -> AppTest:
    """The app as `kg app --curate --store URI` runs it, opened on ``view`` / ``item``."""
    monkeypatch.setenv("PAPER_KG_STORE", uri)
    monkeypatch.setenv("PAPER_KG_ALLOW_WRITE", "0")
    monkeypatch.setenv("PAPER_KG_CURATION", str(curation_file(uri)))
    monkeypatch.setenv("KG_CURATOR", "tester")
    at = AppTest.from_file(MAIN, default_timeout=120)
    at.query_params["view"] = view
    if item:
        at.query_params["id"] = item
    at.run()
    no_errors(at)
    return at


def in_force(uri: str) -> list:
    curation, problems = Curation.load(curation_file(uri))
    assert problems == []
    return curation.decisions


def tags(uri: str, paper: str) -> dict[str, dict]:
    """Concept id -> its row of concepts-of-paper, read through the app's own store handle
    (an embedded store is opened once per process)."""
    rows = run_named(data._open_mode(uri, True), "concepts-of-paper", {"paper": paper}).records()
    return {str(r["concept"]): r for r in rows}


def concept_row(uri: str, concept: str) -> dict:
    rows = run_named(data._open_mode(uri, True), "search", {"text": concept.split(":")[1],
                                                              "limit": 50}).records()
    return next((r for r in rows if r["id"] == concept), {})


def said(at: AppTest) -> str:
    no_errors(at)
    return " ".join(s.value for s in at.success)


def undo_last(at: AppTest) -> AppTest:
    at.button(key="curate:undo-last").click().run()
    assert "Undone" in said(at)
    return at


def page_text(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown) + " ".join(b.label for b in at.button)


def test_not_a_concept_here_then_undo(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = curating(store, monkeypatch, "Paper", ATTENTION)
    assert "concept:convolution" in tags(store, ATTENTION)
    assert at.button(key="paper:c:concept:convolution")
    at.text_input(key="curate:why").input("an operation, not this paper's topic").run()
    at.button(key="curate:tag:concept:convolution:reject").click().run()
    assert "Recorded" in said(at)
    [decision] = in_force(store)
    assert (decision.action, decision.paper, decision.concept, decision.who, decision.why) == (
        "reject-mention", ATTENTION, "concept:convolution", "tester",
        "an operation, not this paper's topic")
    assert at.text_input(key="curate:why").value == ""  # the why went with that decision
    assert "concept:convolution" not in tags(store, ATTENTION)  # the store at once
    assert not [b for b in at.button if b.key == "paper:c:concept:convolution"]  # the page
    undo_last(at)
    assert in_force(store) == []
    assert "concept:convolution" in tags(store, ATTENTION)
    assert at.button(key="paper:c:concept:convolution")


def test_proposed_here_shows_checked_mark_then_undo(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = curating(store, monkeypatch, "Paper", ATTENTION)
    assert tags(store, ATTENTION)["concept:rnn"]["role"] == "used"
    at.button(key="curate:tag:concept:rnn:role").click().run()
    assert "Recorded" in said(at)
    assert [(d.action, d.value) for d in in_force(store)] == [("set-role", "proposed")]
    assert tags(store, ATTENTION)["concept:rnn"]["role"] == "proposed"
    assert "checked by hand (tester" in page_text(at)
    undo_last(at)
    assert tags(store, ATTENTION)["concept:rnn"]["role"] == "used"
    assert "checked by hand" not in page_text(at)


def test_wrong_type_from_the_tag_then_undo(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = curating(store, monkeypatch, "Paper", ATTENTION)
    at.selectbox(key="curate:tag:concept:convolution:type").set_value("architecture").run()
    at.button(key="curate:tag:concept:convolution:settype").click().run()
    assert "Recorded" in said(at)
    assert [(d.action, d.concept, d.value) for d in in_force(store)] == [
        ("set-type", "concept:convolution", "architecture")]
    assert tags(store, ATTENTION)["concept:convolution"]["type"] == "architecture"
    undo_last(at)
    assert tags(store, ATTENTION)["concept:convolution"]["type"] == "method"


def test_same_as_from_the_tag_then_undo(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = curating(store, monkeypatch, "Paper", ATTENTION)
    at.text_input(key="curate:tag:concept:seq2seq:same:text").input("encoder-dec").run()
    at.selectbox(key="curate:tag:concept:seq2seq:same:pick").set_value("concept:encoder-decoder")
    at.run()
    at.button(key="curate:tag:concept:seq2seq:merge").click().run()
    assert "Recorded" in said(at)
    assert [(d.action, d.target) for d in in_force(store)] == [
        ("merge-concepts", "concept:encoder-decoder")]
    assert "concept:seq2seq" not in tags(store, ATTENTION)
    assert "concept:encoder-decoder" in tags(store, ATTENTION)
    undo_last(at)
    assert "concept:seq2seq" in tags(store, ATTENTION)


def test_concept_page_stop_rename_type_and_undo_from_the_list(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = curating(store, monkeypatch, "Concept", "concept:convolution")
    at.text_input(key="curate:concept:name").input("Convolution layer").run()
    at.button(key="curate:concept:rename").click().run()
    assert "Recorded" in said(at)
    assert at.subheader[0].value == "Convolution layer"
    assert tags(store, ATTENTION)["concept:convolution"]["name"] == "Convolution layer"
    assert "checked by hand (tester" in page_text(at)
    at.selectbox(key="curate:concept:type").set_value("architecture").run()
    at.button(key="curate:concept:settype").click().run()
    assert "Recorded" in said(at)
    assert tags(store, ATTENTION)["concept:convolution"]["type"] == "architecture"
    at.button(key="curate:concept:stop").click().run()
    assert "Recorded" in said(at)
    assert [d.action for d in in_force(store)] == ["rename-concept", "set-type", "stop-concept"]
    assert "concept:convolution" not in tags(store, ATTENTION)
    # undo the rename, picked from the Review page's list of recent decisions
    rename = in_force(store)[0]
    at = curating(store, monkeypatch, "Review")
    at.button(key=f"review:undo:{rename.id}").click().run()
    assert "Undone" in said(at)
    assert [d.action for d in in_force(store)] == ["set-type", "stop-concept"]
    undo_last(at)
    undo_last(at)
    assert in_force(store) == []
    row = tags(store, ATTENTION)["concept:convolution"]
    assert (row["name"], row["type"]) == ("Convolution", "method")


def test_concept_page_merge_into_opens_the_target_then_undo(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = curating(store, monkeypatch, "Concept", "concept:seq2seq")
    at.text_input(key="curate:concept:merge:text").input("encoder-dec").run()
    at.selectbox(key="curate:concept:merge:pick").set_value("concept:encoder-decoder").run()
    at.button(key="curate:concept:merge").click().run()
    assert "Recorded" in said(at)
    assert at.session_state["item"] == "concept:encoder-decoder"
    assert "concept:seq2seq" not in tags(store, ATTENTION)
    undo_last(at)
    assert "concept:seq2seq" in tags(store, ATTENTION)


def test_add_a_missed_concept_by_selecting_words(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = curating(store, monkeypatch, "Paper", ATTENTION)
    abstract = data.node(ATTENTION)["abstract"]
    wanted = "sequence transduction"
    words = [w.strip(".,") for w in abstract.split()]
    first = words.index("sequence")
    at.select_slider(key="curate:add:abstract:words").set_range(first, first + 1).run()
    start = abstract.index(wanted)
    assert f"Selected (abstract {start}–{start + len(wanted)}): **{wanted}**" in page_text(at)
    at.selectbox(key="curate:add:type").set_value("method").run()
    at.button(key="curate:add:go").click().run()
    assert "Recorded" in said(at)
    [decision] = in_force(store)
    end = start + len(wanted)
    assert (decision.field, decision.start, decision.end) == ("abstract", start, end)
    added = [r for r in tags(store, ATTENTION).values() if r["name"] == wanted]
    assert added and (added[0]["start"], added[0]["end"]) == (start, end)
    assert "checked by hand" in page_text(at)
    undo_last(at)
    assert not [r for r in tags(store, ATTENTION).values() if r["name"] == wanted]


def test_a_mouse_selection_counts_only_when_it_is_text_of_the_field() -> None:
    from kg.app.views.curating import mouse_span, words

    text = "We use “ViT-B/16”, then ResNet."
    assert [text[a:b] for a, b in words(text)] == ["We", "use", "ViT-B/16", "then", "ResNet"]
    sel = {"field": "abstract", "start": 8, "end": 16, "text": "ViT-B/16"}
    assert mouse_span(sel, "abstract", text) == (8, 16)
    assert mouse_span(sel, "title", text) is None  # made in the other field
    assert mouse_span({**sel, "start": 7}, "abstract", text) is None  # text does not match
    assert mouse_span({**sel, "end": 99}, "abstract", text) is None
    assert mouse_span(None, "abstract", text) is None


def test_review_queue_keep_and_reject(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = curating(store, monkeypatch, "Review")
    keeps = [b for b in at.button if b.key.startswith("review:keep:")]
    assert len(keeps) == 10  # a page of the queue
    _, _, rest = keeps[0].key.partition("review:keep:")
    paper, concept = rest.rsplit(":concept:", 1)
    concept = f"concept:{concept}"
    keeps[0].click().run()
    assert "Recorded" in said(at)
    assert [(d.action, d.paper, d.concept) for d in in_force(store)] == [
        ("confirm-mention", paper, concept)]
    assert concept in tags(store, paper)  # kept, now checked by hand: out of the queue
    assert not [b for b in at.button if b.key == f"review:keep:{paper}:{concept}"]
    nxt = next(b for b in at.button if b.key.startswith("review:reject:"))
    _, _, rest = nxt.key.partition("review:reject:")
    other, gone = rest.rsplit(":concept:", 1)
    nxt.click().run()
    assert "Recorded" in said(at)
    assert f"concept:{gone}" not in tags(store, other)
    undo_last(at)
    assert f"concept:{gone}" in tags(store, other)
    undo_last(at)
    assert in_force(store) == []


def authors_of(uri: str, paper: str) -> list[str]:
    """The author ids of a paper, in order, read through the app's own store handle."""
    rows = authorships(data._open_mode(uri, True), [paper])
    return [str(row["author"]) for row in rows]


def test_author_merge_and_split_change_the_store_at_once(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = run_named(data._open_mode(store, True), "search", {"text": "a", "limit": 200})
    authors = {str(r["id"]): str(r["label"]) for r in rows.records() if r["kind"] == "author"}
    author = "name:alec-radford"  # on three papers of examples/: one is split off
    other = next(a for a in sorted(authors) if a != author)
    at = curating(store, monkeypatch, "Author", author)
    paper = next(b.key.removeprefix("author:p:") for b in at.button
                 if b.key.startswith("author:p:"))
    at.multiselect(key="curate:author:split").set_value([paper]).run()
    at.button(key="curate:author:splitoff").click().run()
    assert "Recorded" in said(at) and "not applied" not in said(at)
    [split] = in_force(store)
    assert (split.action, split.author, split.value) == ("split-author", author, paper)
    assert f"{author}~{split.id}" in authors_of(store, paper)
    assert author not in authors_of(store, paper)
    at.text_input(key="curate:author:text").input(authors[other]).run()
    at.selectbox(key="curate:author:pick").set_value(other).run()
    at.button(key="curate:author:merge").click().run()
    assert "Recorded" in said(at) and "not applied" not in said(at)
    assert [(d.action, d.author, d.target) for d in in_force(store)][1:] == [
        ("merge-authors", author, other)]
    assert not details(data._open_mode(store, True), "details.authors", [author])
    undo_last(at)
    undo_last(at)
    assert in_force(store) == []
    assert author in authors_of(store, paper)


@pytest.fixture
def identity_store(tmp_path_factory: pytest.TempPathFactory, extractor_prototype) -> str:
    """The identity corpus of tests/test_curation_identity.py: a preprint and its journal
    version stored apart, two surveys sharing a title stored as one paper."""
    corpus = tmp_path_factory.mktemp("identity-input") / "papers.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    return built_store(tmp_path_factory, "curate-identity", [corpus], extractor_prototype)


def paper_count(uri: str) -> int:
    return data._open_mode(uri, True).counts()["papers"]


def stored(uri: str, *papers: str) -> set[str]:
    return {str(row["id"]) for row in details(data._open_mode(uri, True), "details.papers",
                                              list(papers))}


def test_same_paper_merges_them_at_once_and_the_page_follows(
    identity_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    preprint, journal = "arxiv:2401.00001", "doi:10.1000/sln"
    papers = paper_count(identity_store)
    at = curating(identity_store, monkeypatch, "Paper", preprint)
    at.text_input(key="curate:paper:text").input("Vision").run()
    at.selectbox(key="curate:paper:pick").set_value(journal).run()
    at.button(key="curate:paper:same").click().run()
    assert "Recorded" in said(at) and "not applied" not in said(at)
    assert [(d.action, d.paper, d.target) for d in in_force(identity_store)] == [
        ("same-paper", preprint, journal)]
    assert paper_count(identity_store) == papers - 1  # the store at once
    assert stored(identity_store, preprint, journal) == {journal}  # the DOI names it
    assert at.session_state["item"] == journal  # the page follows the merged paper
    assert journal in page_text(at)
    assert len(run_named(data._open_mode(identity_store, True), "paper-id", {
        "doi": "", "arxiv": "2401.00001", "title": ""}).rows) == 1
    undo_last(at)
    assert in_force(identity_store) == []
    assert paper_count(identity_store) == papers
    assert stored(identity_store, preprint, journal) == {preprint, journal}


def test_different_papers_separates_the_records_at_once(
    identity_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    merged, other = "doi:10.1000/survey-a", "arxiv:2402.00002"  # one title, two surveys
    papers = paper_count(identity_store)
    assert stored(identity_store, merged, other) == {merged}
    at = curating(identity_store, monkeypatch, "Paper", merged)
    assert "Merged from 2 records" in page_text(at)
    assert at.selectbox(key="curate:paper:apart").options == [other]
    at.button(key="curate:paper:different").click().run()
    assert "Recorded" in said(at) and "not applied" not in said(at)
    assert [(d.action, d.paper, d.target) for d in in_force(identity_store)] == [
        ("different-papers", merged, other)]
    assert paper_count(identity_store) == papers + 1  # the store at once
    assert stored(identity_store, merged, other) == {merged, other}
    assert any(f"carrying {other} are now the paper {other}" in i.value for i in at.info)
    assert at.button(key="curate:paper:separated").label == f"Open {other}"
    assert at.session_state["item"] == merged  # the page stays on the paper kept
    undo_last(at)
    assert in_force(identity_store) == []
    assert paper_count(identity_store) == papers
    assert stored(identity_store, merged, other) == {merged}


def test_different_papers_that_share_their_ids_is_refused(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    resnet = "doi:10.1109/cvpr.2016.90"  # a record of examples/ carries its DOI and arXiv id
    papers = paper_count(store)
    at = curating(store, monkeypatch, "Paper", resnet)
    at.selectbox(key="curate:paper:apart").set_value("arxiv:1512.03385").run()
    at.button(key="curate:paper:different").click().run()
    assert not at.exception
    assert any("Not recorded" in e.value and "cannot separate" in e.value
               and "two papers with one id" in e.value for e in at.error)
    assert not curation_file(store).exists()
    assert paper_count(store) == papers


def test_a_refused_decision_is_a_message_and_writes_nothing(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = curating(store, monkeypatch, "Concept", "concept:seq2seq")
    at.text_input(key="curate:concept:merge:text").input("seq2seq").run()
    at.selectbox(key="curate:concept:merge:pick").set_value("concept:seq2seq").run()
    at.button(key="curate:concept:merge").click().run()
    assert not at.exception
    assert any("Not recorded" in e.value and "both sides" in e.value for e in at.error)
    assert not curation_file(store).exists()


def test_without_curate_no_control_and_no_file(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PAPER_KG_CURATION", raising=False)
    at = app_test(store, monkeypatch)
    at.query_params.update({"view": "Paper", "id": ATTENTION})
    at.run()
    no_errors(at)
    assert not [w for w in [*at.button, *at.text_input] if w.key.startswith("curate:")]
    assert "Review" not in at.radio(key="nav").options
    at.query_params.update({"view": "Review"})
    at.run()
    assert any("no page called 'Review'" in e.value for e in at.error)
    assert not curation_file(store).exists()


def test_bad_lines_of_the_curation_file_are_named_and_skipped(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    curation_file(store).write_text(
        "action,paper,concept,author,target,value,field,start,end,who,when,why,id\n"
        "set-type,,concept:convolution,,,colour,,,,,,,\n", "utf-8")
    at = curating(store, monkeypatch, "Paper", ATTENTION)
    [warning] = at.warning
    assert "curation.csv: line 2: unknown type 'colour'" in warning.value
    at.button(key="curate:tag:concept:convolution:reject").click().run()
    assert "Recorded" in said(at)  # the good decisions still go in
    assert "concept:convolution" not in tags(store, ATTENTION)


def test_curate_on_a_server_store_needs_a_curation_file() -> None:
    result = CliRunner().invoke(cli, ["app", "--curate", "--store",
                                      "sparql+http://127.0.0.1:9/query"])
    assert result.exit_code != 0
    assert "--curation FILE" in result.output


def test_undo_extracts_with_the_vocabulary_the_store_was_built_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store built with --vocabulary: the app's undo gives its custom tag back."""
    from kg.build import build, load_extractor

    vocabulary = tmp_path / "vocabulary.csv"
    vocabulary.write_text("id,name,type,aliases,broader,variants\n"
                          "human-feedback,Human feedback,method,,,\n", encoding="utf-8")
    uri = f"oxigraph:{tmp_path / 'kg'}"
    build([EXAMPLES], uri, extractor=load_extractor([vocabulary]))
    paper, custom = "arxiv:2203.02155", "concept:human-feedback"
    assert custom in tags(uri, paper)
    at = curating(uri, monkeypatch, "Paper", paper)
    at.button(key=f"curate:tag:{custom}:reject").click().run()
    assert "Recorded" in said(at) and custom not in tags(uri, paper)
    undo_last(at)
    assert custom in tags(uri, paper)
