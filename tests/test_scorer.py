"""The trained candidate scorer: features, training step, calibration, shipping, options."""

from __future__ import annotations

import json
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import numpy as np
import pytest
import spacy
from spacy.training import Example
from typer.testing import CliRunner

from kg.cli import app
from kg.extract import Extractor
from kg.extract.components import TRAINED, ConceptComponent
from kg.extract.scoring import Calibration, Candidate, featurize, stable_hash, token_arrays
from kg.extract.train import main as train_main
from kg.model import Paper
from tests.conftest import SHARED

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def test_features_are_the_same_for_the_same_candidate_in_any_doc() -> None:
    nlp = spacy.blank("en")
    first = nlp.make_doc("We sort spoons with spoon folding here.")
    second = nlp.make_doc("Today we sort spoons with spoon folding here.")
    feature = (("src", "proposal:phrase"), ("hint", ""))
    keys1, values1, lengths1 = featurize(token_arrays(first), [Candidate(21, 34, feature)])
    keys2, _, _ = featurize(token_arrays(second), [Candidate(27, 40, feature)])
    assert np.array_equal(keys1, keys2)  # position-free, context-equal
    assert lengths1.tolist() == [len(keys1)] and values1.sum() == len(keys1)
    third = nlp.make_doc("We sort forks with spoon folding here.")
    keys3, _, _ = featurize(token_arrays(third), [Candidate(20, 33, feature)])
    assert not np.array_equal(keys1, keys3)  # the words to the left differ


def _plain_features(doc: spacy.tokens.Doc, cand: Candidate) -> list[int]:
    """One candidate's feature keys computed token by token from Token objects: the words
    (LOWER), shapes and suffix around it, the word pairs across its edges and its length,
    each mixed with its column number, then its categorical features."""
    mask, mix, pad = 2**64 - 1, 0x9E3779B97F4A7C15, (0x5EED,) * 3
    rows = [(t.lower, t.shape, t.suffix) for t in doc]

    def at(i: int) -> tuple[int, ...]:
        return rows[i] if 0 <= i < len(rows) else pad

    first = max((t.i for t in doc if t.idx <= cand.start), default=0)
    after = next((t.i for t in doc if t.idx >= cand.end), len(doc))
    last = max(after - 1, first)
    lexical = [
        at(first)[0], at(last)[0], at(first - 1)[0], at(first)[1], at(last)[1], at(last)[2],
        at(first - 2)[0], at(after)[0], at(after + 1)[0], at(first - 1)[1], at(after)[1],
        (at(last)[0] * 1000003 + at(after)[0]) & mask,
        (at(first - 1)[0] * 1000003 + at(first)[0]) & mask,
        min(after - first, 6),
    ]
    mixed = [value ^ ((column + 1) * mix & mask) for column, value in enumerate(lexical)]
    return mixed + [stable_hash(repr(feature)) for feature in cand.features]


@pytest.mark.parametrize(
    "text",
    [
        "Spoon folding beats fork folding.",
        "Über-Net’s Straße-7B beats naïve ΔNet on İstanbul-QA (½ step) — ok",
        "X",
    ],
)
def test_featurize_is_the_token_by_token_computation(text: str) -> None:
    """The vectorised features equal the plain computation for spans at the edges of the
    doc, inside tokens and across several tokens, in ASCII and other text."""
    doc = spacy.blank("en").make_doc(text)
    spans = {(t.idx, t.idx + len(t)) for t in doc} | {(0, len(text)), (1, len(text) - 1)}
    spans |= {(doc[0].idx, doc[-1].idx + len(doc[-1])), (len(text) - 1, len(text))}
    feature = (("src", "proposal:phrase"), ("case", "mixed"), ("len", 3))
    cands = [Candidate(start, end, feature) for start, end in sorted(spans) if start < end]
    keys, values, lengths = featurize(token_arrays(doc), cands)
    width = len(keys) // len(cands)
    assert lengths.tolist() == [width] * len(cands) and values.tolist() == [1.0] * len(keys)
    assert keys.reshape(len(cands), width).tolist() == [_plain_features(doc, c) for c in cands]


def test_calibration_is_monotone_smoothed_and_pooled() -> None:
    raw = [i / 100 for i in range(100)]
    right = [i % 3 == 0 if i < 50 else i % 5 != 0 for i in range(100)]
    calibration = Calibration.fit(raw, right, min_count=20)
    values = [calibration(x) for x in raw]
    assert values == sorted(values)
    assert min(values) > 0 and max(values) < 1  # never certain either way
    assert len(calibration.edges) <= 5


def _spoon_docs(nlp: spacy.Language) -> list[Example]:
    """Abstracts of our own where "spoon folding" is a gold method; "drawer sampling" (a
    phrase the proposer offers too) is not."""
    examples = []
    for i in range(6):
        text = (f"Cutlery study {i}\n\nWe apply spoon folding to drawer number {i}. "
                f"Afterwards drawer sampling saves tea in kitchen {i}.")
        reference = nlp.make_doc(text)
        reference.user_data["paper_kg_gold"] = {
            "concepts": [{"name": "Spoon folding", "type": "method", "surface": ["spoon folding"]}]
        }
        examples.append(Example(nlp.make_doc(text), reference))
    return examples


def test_update_teaches_the_scorer_a_proposal() -> None:
    nlp = spacy.blank("en")
    component = nlp.add_pipe("paper_kg_concepts", config={"trained": ""})
    assert isinstance(component, ConceptComponent)
    examples = _spoon_docs(nlp)
    nlp.initialize(lambda: examples)
    component.cfg.update(threshold=0.5, proposals=0.5)
    text = "Cutlery study 9\n\nWe apply spoon folding to drawer 9 and drawer sampling."

    def found() -> set[str]:
        return {c["name"] for c in nlp(text)._.paper_kg}

    before = found()
    optimizer = nlp.create_optimizer()
    first = nlp.update(examples, sgd=optimizer)["paper_kg_concepts"]
    for _ in range(30):
        losses = nlp.update(examples, sgd=optimizer)
    assert losses["paper_kg_concepts"] < first / 3
    assert {"spoon folding", "drawer sampling"} <= {n.lower() for n in before}  # untrained
    after = {n.lower() for n in found()}
    assert "spoon folding" in after and "drawer sampling" not in after


def test_shipped_scorer_is_used_and_packaged(extractor: Extractor) -> None:
    assert (TRAINED / "model").stat().st_size < 5_000_000
    cfg = json.loads((TRAINED / "cfg").read_text(encoding="utf-8"))
    assert 0 < cfg["threshold"] < 1 and cfg["calibration"]["values"]
    component = extractor.nlp.get_pipe("paper_kg_concepts")
    assert component.use_model and component.calibration.values
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = data["tool"]["setuptools"]["package-data"]["kg.extract"]
    for name in ("cfg", "model"):
        assert any(fnmatch(f"data/scorer/{name}", p) for p in patterns)


def test_confidence_varies_and_min_confidence_filters(extractor: Extractor) -> None:
    paper = Paper(
        title="SpoonFormer: sorting cutlery",
        abstract="We introduce SpoonFormer, a Transformer for cutlery. It is pre-trained on "
        "ImageNet and compared with ResNet-50 using a spoon folding trick.",
    )
    found = extractor.extract_one(paper).concepts
    confidences = {c.name: c.confidence for c in found}
    assert len(set(confidences.values())) > 1, confidences
    cut = sorted(confidences.values())[len(confidences) // 2]
    kept = Extractor(min_confidence=cut).extract_one(paper).concepts
    assert {c.name for c in kept} == {n for n, v in confidences.items() if v >= cut}
    fast = Extractor(fast=True).extract_one(paper).concepts
    assert {c.name for c in fast}  # the rules alone still find concepts


def test_cli_options_fast_and_min_confidence(tmp_path: Path) -> None:
    path = tmp_path / "papers.jsonl"
    path.write_text(json.dumps({"title": "SpoonFormer: sorting cutlery", "abstract":
                                "We introduce SpoonFormer, a Transformer. We test on ImageNet."})
                    + "\n", encoding="utf-8")
    full = runner.invoke(app, ["extract", str(path)])
    strict = runner.invoke(app, ["extract", str(path), "--min-confidence", "0.999"])
    fast = runner.invoke(app, ["extract", str(path), "--fast"])
    assert full.exit_code == strict.exit_code == fast.exit_code == 0, full.output
    count = [len(json.loads(r.stdout.splitlines()[0])["concepts"]) for r in (full, strict, fast)]
    assert count[0] >= 3 and count[1] < count[0] and count[2] >= 3
    result = runner.invoke(app, ["build", str(path), "--store", f"rdflib:{tmp_path}/g.ttl",
                                 "--min-confidence", "0.999", "--fast"])
    assert result.exit_code == 0, result.output


def test_training_never_reads_the_held_out_splits() -> None:
    with pytest.raises(SystemExit, match="held out"):
        train_main(["--train", "train,test2"])


def test_eval_joins_scierc_gold_by_doc_key(tmp_path: Path) -> None:
    scierc = SHARED / "data" / "scierc"
    if not (scierc / "train.json").exists():
        pytest.skip("../shared SciERC not present beside the checkout")
    first = json.loads((scierc / "train.json").read_text(encoding="utf-8").splitlines()[0])
    tokens = [t for sentence in first["sentences"] for t in sentence]
    surface = tokens[0]  # any substring of the space-joined tokens
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "x", "doc_key": first["doc_key"], "title": "",
                                "split": "train", "concepts": [
                                    {"name": surface, "type": "method", "surface": [surface]}]})
                    + "\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", "--gold", str(gold), "--output-format", "csv"])
    assert result.exit_code == 0, result.output
    cells = [line.split(",") for line in result.stdout.splitlines()[1:]]
    rows = {(r[0], r[1]): r for r in cells}
    untyped = rows[("gold-scierc-train", "untyped")]
    assert int(untyped[2]) + int(untyped[4]) == 1  # the one gold concept: found or missed
    result = runner.invoke(app, ["eval", "--gold", str(gold), "--split", "dev",
                                 "--output-format", "csv"])
    assert "gold-scierc-train" not in result.stdout


def test_reliability_rows_count_tags_per_confidence_bin() -> None:
    from kg.extract.evaluate import GoldConcept, Scores, score_document
    from kg.model import ConceptLink, Mention

    def link(name: str, kind: str, confidence: float) -> ConceptLink:
        mention = Mention(name, "abstract", 0, len(name), name)
        return ConceptLink(f"concept:{name}", name, kind, False, confidence, [mention])

    gold = [GoldConcept("Spoonet", ("architecture",), {"spoonet"}),
            GoldConcept("Forkbench", ("benchmark",), {"forkbench"})]
    scores = Scores()
    predicted = [link("Spoonet", "architecture", 0.95), link("Forkbench", "method", 0.91),
                 link("Knifer", "method", 0.62), link("Ladle", "method", 1.0)]
    score_document(predicted, gold, scores)
    assert scores.reliability() == [("0.6-0.7", 1, 0, "0.00"), ("0.9-1.0", 3, 1, "0.33")]
