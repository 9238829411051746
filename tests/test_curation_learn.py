"""Learning from curation: `kg eval --curation` scores the extractor against the
corrections, and the reviewed papers become training examples in the gold format."""

from __future__ import annotations

import pytest

from kg.curation import Curation, Decision, apply_to_store
from kg.curation.learn import score_curation, training_examples
from kg.extract.evaluate import gold_concepts, gold_papers
from kg.stores import open_store
from tests.conftest import NewExtractor
from tests.test_curation import CASES, GPT3, QLORA, build_store

DECISIONS = [
    CASES["reject-mention"].decision,  # a tag the extractor gives: its false positive
    CASES["set-role"].decision,  # right tag, wrong role
    CASES["add-mention"].decision,  # a tag it misses
    Decision("confirm-mention", paper=QLORA, concept="concept:lora"),  # right as it is
    Decision("set-type", concept="concept:reward-model", value="method"),  # not a reviewed paper
]


@pytest.fixture(scope="module")
def reviewed(
    tmp_path_factory: pytest.TempPathFactory, new_extractor: NewExtractor
) -> tuple[str, Curation]:
    """A store of the examples with DECISIONS recorded and applied."""
    directory = tmp_path_factory.mktemp("reviewed")
    uri = build_store(directory / "kg", new_extractor)
    curation, _ = Curation.load(directory / "c.csv")
    with open_store(uri, "write") as store:
        apply_to_store(store, curation, [curation.record(d) for d in DECISIONS])
    return uri, curation


def test_eval_scores_the_extractor_against_the_corrections(
    reviewed: tuple[str, Curation], new_extractor: NewExtractor
) -> None:
    uri, curation = reviewed
    with open_store(uri, "read") as store:
        rows = score_curation(store, curation, new_extractor())
    tags, role, kind = rows
    assert tags[:5] == ["curation", "tags", 2, 1, 1]
    assert tags[5:] == [0.667, 0.667, 0.667]
    assert role[:5] == ["curation", "role", 0, 1, 0] and role[5] == 0.0
    assert kind[2:5] == [0, 0, 0] and kind[5] is None  # no reviewed paper has a reward model


def test_reviewed_papers_become_training_examples(reviewed: tuple[str, Curation]) -> None:
    uri, curation = reviewed
    with open_store(uri, "read") as store:
        lines = training_examples(store, curation)
    assert [line["id"] for line in lines] == [f"curated-{GPT3}", f"curated-{QLORA}"]
    gpt3 = {c["name"]: c for c in lines[0]["concepts"]}
    assert "Autoregressive modeling" not in gpt3
    assert gpt3["GPT-3"]["proposed"] and gpt3["GPT-3"]["confidence"] == "high"
    assert gpt3["Fine-tuning"]["confidence"] == "low"  # nobody looked at it
    qlora = {c["name"]: c for c in lines[1]["concepts"]}
    assert qlora["4-bit NormalFloat"]["surface"] == ["4-bit NormalFloat"]
    # the training code reads them: each line with its own text, its concepts as gold
    joined = gold_papers(lines, [])
    assert [paper.title for _, paper in joined] == [line["title"] for line in lines]
    assert {g.name for g in gold_concepts(lines[1], high_only=True) if not g.optional} >= {
        "4-bit NormalFloat", "LoRA"}
