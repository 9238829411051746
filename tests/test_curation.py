"""A test per decision kind on the embedded store: made with the library, stored in the
curation file, visible in the store and in an export at once, still there after `kg build`
into a fresh store from the same inputs (with the same file), gone after undo. And: two
stores built from the same inputs with the same file are identical."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kg.build import build
from kg.curation import Curation, Decision, apply_to_store, curation_path, review_queue
from kg.curation.store import StoreConcepts, stored_tags
from kg.export import export
from kg.model import ConceptLink
from kg.selection import Selection, select
from kg.stores import GraphStore, open_store
from tests.conftest import EXAMPLES, NewExtractor

INPUT = EXAMPLES / "papers.jsonl"
GPT3, COT, INSTRUCT = "arxiv:2005.14165", "arxiv:2201.11903", "arxiv:2203.02155"
LLAMA, QLORA, DPO = "arxiv:2302.13971", "arxiv:2305.14314", "arxiv:2305.18290"
PAPERS = [GPT3, COT, INSTRUCT, LLAMA, QLORA, DPO]
Tags = dict[str, dict[str, ConceptLink]]
MADE = datetime(2026, 1, 1, tzinfo=UTC)  # exports record when they were made


def paper_tags(store: GraphStore) -> Tags:
    return {paper: {link.id: link for link in links}
            for paper, links in stored_tags(store, PAPERS).items()}


def snapshot(store: GraphStore) -> tuple:
    """What a store holds of the papers' tags, the concepts they mention and the counts:
    compared between stores (curated marks without their time, which differs per run)."""
    tags = paper_tags(store)
    rows = sorted((p, c, link.name, link.type, link.proposed, link.confidence,
                   tuple(link.mentions), bool(link.curated))
                  for p, links in tags.items() for c, link in links.items())
    concepts = StoreConcepts(store)
    infos = sorted((info.id, info.name, info.type, tuple(info.aliases), bool(info.curated))
                   for cid in sorted({c for links in tags.values() for c in links})
                   if (info := concepts.get(cid)) is not None)
    counts = store.counts()
    return rows, infos, {k: counts[k] for k in ("papers", "concepts", "mentions", "co_occurs")}


def exported(store: GraphStore, tmp_path: Path, fmt: str = "matrix") -> str:
    """The review matrix (or another paper-led format) of every paper, as text."""
    graph = select(store, Selection(papers=PAPERS))
    tmp_path.mkdir(parents=True, exist_ok=True)  # export() makes no parent directories
    paths = export(graph, fmt, tmp_path / f"export-{fmt}", created=MADE).paths
    files = [f for p in paths for f in (sorted(p.iterdir()) if p.is_dir() else [p])]
    return "\n".join(path.read_text("utf-8") for path in files if path.suffix != ".md")


@dataclass
class Case:
    decision: Decision
    holds: Callable[[Tags, StoreConcepts], bool]  # the decision is visible in the store
    in_export: str  # text the export shows only when the decision holds
    fmt: str = "matrix"  # the export format looked at


def _span(paper_abstract: str, text: str) -> tuple[int, int]:
    start = paper_abstract.index(text)
    return start, start + len(text)


QLORA_ABSTRACT = next(line for line in INPUT.read_text("utf-8").splitlines() if "QLoRA" in line)
NF4 = _span(__import__("json").loads(QLORA_ABSTRACT)["abstract"], "4-bit NormalFloat")

CASES = {
    "reject-mention": Case(
        Decision("reject-mention", paper=GPT3, concept="concept:autoregressive-modeling",
                 why="a property of GPT-3, not a method"),
        lambda t, c: "concept:autoregressive-modeling" not in t[GPT3],
        "checked by hand by curator-test"),
    "confirm-mention": Case(
        Decision("confirm-mention", paper=GPT3, concept="concept:in-context-learning"),
        lambda t, c: bool(t[GPT3]["concept:in-context-learning"].curated)
        and not t[GPT3]["concept:in-context-learning"].proposed,
        "used (checked by hand)"),
    "set-role": Case(
        Decision("set-role", paper=GPT3, concept="concept:gpt-3", value="proposed"),
        lambda t, c: t[GPT3]["concept:gpt-3"].proposed and bool(t[GPT3]["concept:gpt-3"].curated),
        "proposed (checked by hand)"),
    "add-mention": Case(
        Decision("add-mention", paper=QLORA, concept="4-bit NormalFloat", value="method",
                 field="abstract", start=NF4[0], end=NF4[1]),
        lambda t, c: (link := t[QLORA].get("concept:4-bit-normalfloat")) is not None
        and link.type == "method" and link.mentions[0].text == "4-bit NormalFloat"
        and link.source == "curated",
        "used (checked by hand): QLoRA introduces the 4-bit NormalFloat"),
    "stop-concept": Case(
        Decision("stop-concept", concept="concept:fine-tuning", why="too generic"),
        lambda t, c: all("concept:fine-tuning" not in links for links in t.values()),
        ""),  # a concept decision: no paper is marked, its column is gone
    "set-type": Case(
        Decision("set-type", concept="concept:reward-model", value="method"),
        lambda t, c: t[DPO]["concept:reward-model"].type == "method"
        and (info := c.get("concept:reward-model")) is not None and info.type == "method"
        and bool(info.curated),
        "concept:reward-model,concept,Reward model,method", "csv"),
    "rename-concept": Case(
        Decision("rename-concept", concept="concept:ppo", value="Proximal Policy Optimization"),
        lambda t, c: t[DPO]["concept:ppo"].name == "Proximal Policy Optimization"
        and "PPO" in (c.get("concept:ppo") or pytest.fail("no ppo")).aliases,
        "Proximal Policy Optimization"),
    "merge-concepts": Case(
        Decision("merge-concepts", concept="concept:large-language-model",
                 target="concept:language-model"),
        lambda t, c: all("concept:large-language-model" not in links for links in t.values())
        and "concept:language-model" in t[COT]
        and "Large language model" in (c.get("concept:language-model") or pytest.fail()).aliases,
        ""),
}


def build_store(path: Path, extractor: NewExtractor, curation: Path | None = None) -> str:
    uri = f"oxigraph:{path}"
    found = Curation.load(curation)[0] if curation else None
    result = build([INPUT], uri, extractor=extractor(), curation=found)
    assert result.rejections == []
    return uri


@pytest.fixture(autouse=True)
def curator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_CURATOR", "curator-test")


@pytest.mark.parametrize("kind", list(CASES))
def test_decision_kind(kind: str, tmp_path: Path, new_extractor: NewExtractor) -> None:
    case = CASES[kind]
    uri = build_store(tmp_path / "kg", new_extractor)
    with open_store(uri, "write") as store:
        before = snapshot(store)
        assert not case.holds(paper_tags(store), StoreConcepts(store))
        plain_export = exported(store, tmp_path / "plain", case.fmt)
        curation, _ = Curation.load(curation_path(uri))
        decision = curation.record(case.decision)
        apply_to_store(store, curation, [decision], extractor=new_extractor())
        # in the store at once, and in an export
        assert case.holds(paper_tags(store), StoreConcepts(store))
        curated_export = exported(store, tmp_path / "curated", case.fmt)
        if case.in_export:
            assert case.in_export in curated_export and case.in_export not in plain_export
        assert curated_export != plain_export
        applied = snapshot(store)
    # stored in the file, with who/when/why
    loaded, problems = Curation.load(curation_path(uri))
    assert problems == [] and loaded.decisions == [decision] and decision.who == "curator-test"
    # a rebuild from the same inputs into a fresh store gives the curated graph
    fresh = build_store(tmp_path / "fresh", new_extractor, curation_path(uri))
    with open_store(fresh, "read") as store:
        assert case.holds(paper_tags(store), StoreConcepts(store))
        assert snapshot(store) == applied
    # gone after undo, in the store and in a rebuild
    with open_store(uri, "write") as store:
        undo = loaded.undo()
        apply_to_store(store, loaded, [undo], extractor=new_extractor())
        assert not case.holds(paper_tags(store), StoreConcepts(store))
        assert snapshot(store)[0] == before[0]
    again = build_store(tmp_path / "again", new_extractor, curation_path(uri))
    with open_store(again, "read") as store:
        assert snapshot(store) == before


def test_two_stores_built_with_the_same_file_are_identical(
    tmp_path: Path, new_extractor: NewExtractor
) -> None:
    path = tmp_path / "shared.csv"
    curation, _ = Curation.load(path)
    for case in CASES.values():
        curation.record(case.decision)
    one = build_store(tmp_path / "one", new_extractor, path)
    two = build_store(tmp_path / "two", new_extractor, path)
    with open_store(one, "read") as a, open_store(two, "read") as b:
        assert snapshot(a) == snapshot(b)
        assert all(case.holds(paper_tags(a), StoreConcepts(a)) for case in CASES.values())
        turtle = exported(a, tmp_path / "a", "ttl")
        assert turtle == exported(b, tmp_path / "b", "ttl")
        # the RDF and GraphML exports carry the origin of curated facts
        assert 'pkg:curatedBy "curator-test"' in turtle and "pkg:curated true" in turtle
        graphml = exported(a, tmp_path / "a", "graphml")
        assert '<data key="curated_by">curator-test</data>' in graphml


def test_review_queue_is_least_confident_first_and_drops_checked_tags(
    tmp_path: Path, new_extractor: NewExtractor
) -> None:
    uri = build_store(tmp_path / "kg", new_extractor)
    with open_store(uri, "write") as store:
        queue = review_queue(store, limit=5)
        confidences = [row["confidence"] for row in queue]
        assert confidences == sorted(confidences) and len(queue) == 5
        assert queue[0]["sentence"] and queue[0]["title"]
        assert review_queue(store, limit=2, offset=1) == queue[1:3]
        first = queue[0]
        curation, _ = Curation.load(curation_path(uri))
        decision = curation.record(Decision("confirm-mention", paper=first["paper"],
                                            concept=first["concept"]))
        apply_to_store(store, curation, [decision])
        assert review_queue(store, limit=4) == queue[1:]


def test_bulk_files_carry_the_curation(tmp_path: Path, new_extractor: NewExtractor) -> None:
    from kg.bulk import export_bulk
    from kg.curation import Applied
    from kg.curation.transform import extractor_lookup
    from kg.ingest import stream_papers

    curation, _ = Curation.load(tmp_path / "c.csv")
    for kind in ("reject-mention", "set-role"):
        curation.record(CASES[kind].decision)
    extractor = new_extractor()
    applied = Applied(curation, extractor_lookup(extractor))
    result = export_bulk(stream_papers([INPUT], curation=applied), tmp_path / "bulk",
                         "ntriples", extractor, curation=applied)
    text = "".join(path.read_text("utf-8") for path in result.files if path.suffix == ".nt")
    assert "mention/arxiv:2005.14165/autoregressive-modeling>" not in text
    assert "mention/arxiv:2005.14165/gpt-3> <https://paper-kg.org/schema#curatedBy>" in text
