"""Retrain the candidate scorer: ``python -m kg.extract.train`` (a few minutes on one core).

1. Training docs: every gold item of the training splits (``--train``: train, dev, dev2 and
   the SciERC-joined train gold), plus weakly labelled docs: the seed pages' papers and
   SciERC abstracts that no gold file holds, labelled by the rules themselves (vocabulary
   and coined names; proposals are left out of the loss) at a lower weight.
2. Cross-fitting: the gold docs are cut into ``--folds`` folds; for each, ``spacy train
   extract/train.cfg`` on the other folds (and the weak docs) and the fold is extracted by
   that model, so every gold doc gets predictions from a model that never saw it.
3. From those held-out predictions: the two decision thresholds (a rule's candidate is
   dropped below one, a proposal is kept from the other) that maximise typed F1, and the
   calibration (isotonic) of the concept score against whether the tag is right.
4. A final model on all training docs; its weights with the thresholds and the calibration
   go to extract/data/scorer/ (``cfg`` and ``model``), which ships in the package.

``test``, ``test2``, ``scierc-test3`` and ``test4`` are never read (nor their abstracts as weak
docs).
Gold text comes from ../shared (seed pages, SciERC).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import spacy
from spacy.tokens import DocBin

from kg.extract.canonical import match_key
from kg.extract.components import TRAINED, ConceptComponent
from kg.extract.evaluate import (
    Scores,
    gold_concepts,
    gold_files,
    gold_papers,
    load_gold,
    scierc_texts,
    score_document,
    split_of,
)
from kg.extract.pipeline import Extractor, paper_text, to_links
from kg.extract.scoring import Calibration
from kg.ingest import ingest
from kg.model import Paper
from kg.resources import shipped

CONFIG = shipped("kg.extract", "train.cfg")
SHARED = Path(__file__).resolve().parents[2] / "shared"  # beside a checkout (not shipped)
NEVER = {"test", "test2", "scierc-test3", "test4"}  # held out: reported only
WEAK_WEIGHT = 0.3


def _docbin(nlp: spacy.Language, items: list[tuple[dict, Paper]]) -> DocBin:
    """Reference docs carrying their gold in ``user_data`` (see ConceptComponent.update)."""
    docs = DocBin(store_user_data=True)
    for gold, paper in items:
        doc = nlp.make_doc(paper_text(paper))
        doc.user_data["paper_kg_gold"] = gold
        docs.add(doc)
    return docs


def weak_items(seeds: list[Path], scierc_dir: Path, taken: set[str]) -> list[tuple[dict, Paper]]:
    """Unlabelled abstracts with the rules' own output as (weak) gold."""
    papers = [p for p in ingest(seeds).papers if p.title not in taken]
    papers += [
        Paper(title="", abstract=text)
        for key, text in scierc_texts(scierc_dir, ("train.json",)).items()
        if key not in taken
    ]
    rules = Extractor(fast=True)
    out = []
    for paper, found in rules.extract(papers):
        concepts = [{"name": c.name, "type": c.type} for c in found.concepts]
        out.append(({"concepts": concepts, "weak": True, "weight": WEAK_WEIGHT}, paper))
    return out


def held_out_predictions(
    component: ConceptComponent, nlp: spacy.Language, items: list[tuple[dict, Paper]]
) -> list[tuple[dict, list]]:
    """Every concept the pipeline finds at (almost) no threshold, per gold item, with its
    raw score and whether it came from the proposer only."""
    component.cfg.update(threshold=0.02, proposals=0.02)
    component.calibration = Calibration.identity()
    out = []
    for gold, paper in items:
        doc = nlp.make_doc(paper_text(paper))
        for _, proc in nlp.pipeline:
            doc = proc(doc)
        found = doc._.paper_kg
        flags = [c["by_proposer"] for c in found]
        out.append((gold, list(zip(to_links(found), flags, strict=True))))
    return out


def _decide(
    predictions: list[tuple[dict, list]], rules: float, proposals: float
) -> tuple[Scores, list[tuple[float, bool]]]:
    """Typed scores of the held-out predictions under the two thresholds, and the
    (raw score, right) pair of every kept tag."""
    scores = Scores()
    pairs: list[tuple[float, bool]] = []
    for gold, links in predictions:
        kept = [link for link, by_proposer in links
                if link.confidence >= (proposals if by_proposer else rules)]
        expected = gold_concepts(gold)
        score_document(kept, expected, scores)
        free = list(range(len(expected)))
        for link in kept:
            keys = {match_key(k) for k in [link.name, *(m.text for m in link.mentions)]}
            hit = next((i for i in free if expected[i].keys & keys), None)
            if hit is not None:
                free.remove(hit)
            pairs.append((link.confidence, hit is not None and link.type in expected[hit].types))
    return scores, pairs


def calibrate(predictions: list[tuple[dict, list]]) -> tuple[float, float, Calibration, list]:
    """The thresholds with the best typed F1 on held-out predictions, then the isotonic
    calibration of the tags they keep."""
    grid = [t / 100 for t in range(5, 96, 5)]
    best = max(
        ((_decide(predictions, r, p)[0].typed.f1, r, p) for r in grid for p in grid),
    )
    _, rules, proposals = best
    _, pairs = _decide(predictions, rules, proposals)
    return rules, proposals, Calibration.fit(*zip(*pairs, strict=True)), pairs


def reliability(calibration: Calibration, pairs: list[tuple[float, bool]]) -> str:
    """Markdown table: calibrated-confidence bins and the fraction of tags that were right."""
    rows = ["| confidence | tags | right | fraction right |", "|---|---|---|---|"]
    for low in [x / 10 for x in range(0, 10)]:
        inside = [ok for raw, ok in pairs if low <= calibration(raw) < low + 0.1 or (
            low == 0.9 and calibration(raw) >= 1.0)]
        if inside:
            rows.append(
                f"| {low:.1f}–{low + 0.1:.1f} | {len(inside)} | {sum(inside)} | "
                f"{sum(inside) / len(inside):.2f} |"
            )
    return "\n".join(rows)


def train_model(
    nlp: spacy.Language, train: list[tuple[dict, Paper]], dev: list[tuple[dict, Paper]],
    work: Path,
) -> spacy.Language:
    """``spacy train extract/train.cfg`` on ``train`` (``dev`` only for its progress table);
    the last model (a fixed number of epochs: no selection on the dev docs)."""
    from spacy.cli.train import train as spacy_train

    work.mkdir(parents=True, exist_ok=True)
    _docbin(nlp, train).to_disk(work / "train.spacy")
    _docbin(nlp, dev).to_disk(work / "dev.spacy")
    overrides = {"paths.train": str(work / "train.spacy"), "paths.dev": str(work / "dev.spacy")}
    spacy_train(CONFIG, work / "out", overrides=overrides)
    return spacy.load(work / "out" / "model-last")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", default="train,dev,dev2,scierc-train", help="gold splits")
    parser.add_argument("--folds", type=int, default=4, help="cross-fitting folds")
    parser.add_argument("--seeds", type=Path, default=SHARED / "seeds")
    parser.add_argument("--scierc", type=Path, default=SHARED / "data" / "scierc")
    parser.add_argument("--no-weak", action="store_true", help="gold only, no weak labels")
    parser.add_argument("--out", type=Path, default=TRAINED)
    args = parser.parse_args(argv)
    splits = set(args.train.split(","))
    if splits & NEVER:
        sys.exit("test, test2, scierc-test3 and test4 are held out: never train or calibrate "
                 "on them")
    seeds = sorted(args.seeds.glob("*.txt"))
    gold = [item for path in gold_files() for item in load_gold(path)]
    joined = [(g, p) for g, p in gold_papers(gold, seeds, args.scierc) if split_of(g) in splits]
    taken = {g.get("title") or str(g.get("doc_key")) for g in gold}
    weak = [] if args.no_weak else weak_items(seeds, args.scierc, taken)
    print(f"gold docs: {len(joined)}, weak docs: {len(weak)}", file=sys.stderr)
    nlp = spacy.blank("en")
    predictions: list[tuple[dict, list]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for fold in range(args.folds):
            held = [item for i, item in enumerate(joined) if i % args.folds == fold]
            rest = [item for i, item in enumerate(joined) if i % args.folds != fold]
            model = train_model(nlp, rest + weak, held, work / f"fold{fold}")
            component = model.get_pipe("paper_kg_concepts")
            predictions += held_out_predictions(component, model, held)
        rules, proposals, calibration, pairs = calibrate(predictions)
        final = train_model(nlp, joined + weak, joined[: len(joined) // args.folds],
                            work / "final")
        component = final.get_pipe("paper_kg_concepts")
        component.cfg.update(threshold=rules, proposals=proposals)
        component.cfg["calibration"] = {"edges": calibration.edges, "values": calibration.values}
        if args.out.exists():
            shutil.rmtree(args.out)
        component.to_disk(args.out, exclude=["vocab"])
    print(f"thresholds: rules {rules}, proposals {proposals}")
    print("held-out (cross-fitted) scores per split:")
    for split in sorted({split_of(g) for g, _ in predictions}):
        part = [(g, links) for g, links in predictions if split_of(g) == split]
        scores, _ = _decide(part, rules, proposals)
        print(f"  {split}: typed F1 {scores.typed.f1:.3f}, untyped F1 {scores.untyped.f1:.3f}"
              f" (P {scores.untyped.precision:.3f}, R {scores.untyped.recall:.3f})")
    print("reliability of the calibrated confidence on held-out predictions:")
    print(reliability(calibration, pairs))


if __name__ == "__main__":
    main()
