"""`kg eval` and the scoring rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.extract.evaluate import Counts, GoldConcept, Scores, score_document
from kg.model import ConceptLink, Mention
from tests.conftest import SHARED

runner = CliRunner()


def link(name: str, kind: str, *texts: str) -> ConceptLink:
    mentions = [Mention(t, "abstract", 0, len(t), t) for t in texts]
    return ConceptLink(f"concept:{name.lower()}", name, kind, False, 0.9, mentions)


def test_scoring_rule_folds_variants_and_counts_types() -> None:
    gold = [
        GoldConcept("Vision Transformer", ("architecture",), {"visiontransformer", "vit"}),
        GoldConcept("ImageNet", ("benchmark",), {"imagenet"}),
    ]
    predicted = [link("ViT", "architecture", "ViTs"), link("ImageNet", "method", "ImageNet")]
    predicted.append(link("Dropout", "method", "dropout"))
    scores = Scores()
    score_document(predicted, gold, scores)
    assert (scores.untyped.tp, scores.untyped.fp, scores.untyped.fn) == (2, 1, 0)
    assert (scores.typed.tp, scores.typed.fp, scores.typed.fn) == (1, 2, 1)
    assert scores.by_type["benchmark"].fn == 1
    assert Counts(1, 1, 0).f1 == pytest.approx(2 / 3)


def test_kg_eval_prints_numbers() -> None:
    if not (SHARED / "seeds").is_dir():
        pytest.skip("../shared not present beside the checkout")
    result = runner.invoke(app, ["eval", "--output-format", "csv"])
    assert result.exit_code == 0, result.output
    rows = [line.split(",") for line in result.output.splitlines()[1:]]
    by_key = {(r[0], r[1]): r for r in rows}
    assert {"gold-dev", "gold-test", "scierc-dev"} <= {r[0] for r in rows}
    assert float(by_key[("gold-dev", "untyped")][7]) > 0.7


def test_low_confidence_gold_is_optional_in_high_only_scoring() -> None:
    gold = [
        GoldConcept("BERT", ("architecture",), {"bert"}),
        GoldConcept("Fine-tuning", ("method",), {"finetuning"}, optional=True),
        GoldConcept("Dropout", ("method",), {"dropout"}, optional=True),
    ]
    predicted = [link("BERT", "architecture", "BERT"), link("Fine-tuning", "method")]
    predicted.append(link("Adam", "method", "Adam"))
    scores = Scores()
    score_document(predicted, gold, scores)
    # fine-tuning matches an optional item: not counted; missing Dropout is not a miss
    assert (scores.untyped.tp, scores.untyped.fp, scores.untyped.fn) == (1, 1, 0)


def test_kg_eval_rows_only_for_present_splits_and_high_view(tmp_path: Path) -> None:
    if not (SHARED / "seeds").is_dir():
        pytest.skip("../shared not present beside the checkout")
    from kg.extract.evaluate import GOLD

    first = GOLD.read_text(encoding="utf-8").splitlines()[0]
    gold = tmp_path / "gold.jsonl"
    gold.write_text(first.replace('"split": "dev"', '"split": "extra"') + "\n", "utf-8")
    args = ["eval", "--gold", str(gold), "--confidence", "both", "--output-format", "csv"]
    result = runner.invoke(app, [*args, "--scierc", str(tmp_path)])
    assert result.exit_code == 1  # no SciERC dev.json there: the gold rows came first
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    sets = {line.split(",")[0] for line in result.output.splitlines()[1:]}
    assert {s for s in sets if s.startswith("gold")} == {"gold-extra", "gold-extra/high"}


def test_kg_eval_without_shared_data_exits_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", "--seeds", str(tmp_path)])
    assert result.exit_code == 1
    assert "no seed pages" in result.output


def test_kg_eval_names_an_unknown_split(tmp_path: Path) -> None:
    """A misspelt --split is a usage error naming the splits there are, not a table that
    silently lacks it."""
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "g1", "title": "T", "split": "dev", "concepts": []}\n', "utf-8")
    result = runner.invoke(app, ["eval", "--gold", str(gold), "--split", "dve"])
    assert result.exit_code == 2
    assert "no gold split named dve" in result.output and "dev" in result.output
