"""Retrain the candidate scorer: ``python -m extract.train`` (a few minutes on one core).

1. Training docs: every gold item of the training splits (``--train``, default ``train``:
   the Daily Papers and SciERC-joined gold), plus weakly labelled docs: the seed pages'
   papers and SciERC abstracts that no gold file holds, labelled by the rules themselves
   (vocabulary and coined names; proposals are left out of the loss) at a lower weight.
2. ``spacy train extract/train.cfg`` on them, model selection on the ``--calibrate`` splits.
3. Calibration on those held-out splits: the concept-level raw score of every predicted
   concept against whether the tag (name and type) is in the gold, fitted isotonically;
   the decision threshold is the raw score that maximises typed F1 there.
4. The component's ``cfg`` (threshold, calibration) and ``model`` go to
   extract/data/scorer/, which ships in the package.

``test`` and ``test2`` are never read. Gold text comes from ../shared (seed pages, SciERC).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import spacy
from spacy.tokens import DocBin

from extract.components import TRAINED, ConceptComponent
from extract.evaluate import gold_files, gold_papers, load_gold, split_of
from extract.pipeline import Extractor, paper_text
from extract.scoring import Calibration
from kg.ingest import ingest
from kg.model import Paper

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "train.cfg"
SHARED = HERE.parent.parent / "shared"
NEVER = {"test", "test2"}
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
    for name in ("train.json",):
        path = scierc_dir / name
        if path.exists():
            import json

            from extract.evaluate import scierc_text

            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    data = json.loads(line)
                    if str(data.get("doc_key")) not in taken:
                        papers.append(Paper(title="", abstract=scierc_text(data)))
    rules = Extractor(fast=True)
    out = []
    for paper, found in rules.extract(papers):
        concepts = [{"name": c.name, "type": c.type} for c in found.concepts]
        out.append(({"concepts": concepts, "weak": True, "weight": WEAK_WEIGHT}, paper))
    return out


def calibrate(
    component: ConceptComponent, nlp: spacy.Language, items: list[tuple[dict, Paper]]
) -> tuple[float, Calibration, list[tuple[float, bool]]]:
    """(threshold, calibration, (raw, right) pairs) from the held-out items: every concept
    the pipeline proposes at threshold 0 with its raw score and whether it is right."""
    from extract.evaluate import gold_concepts
    from extract.pipeline import to_links

    component.cfg["threshold"] = 0.05
    component.calibration = Calibration.identity()
    pairs: list[tuple[float, bool]] = []
    n_gold = 0
    for gold, paper in items:
        expected = gold_concepts(gold)
        n_gold += len(expected)
        doc = nlp.make_doc(paper_text(paper))
        for _, proc in nlp.pipeline:
            doc = proc(doc)
        free = list(range(len(expected)))
        for link in to_links(doc._.paper_kg):
            keys = {link.name} | {m.text for m in link.mentions}
            from extract.canonical import match_key

            keys = {match_key(k) for k in keys}
            hit = next((i for i in free if expected[i].keys & keys), None)
            right = hit is not None and link.type in expected[hit].types
            if hit is not None:
                free.remove(hit)
            pairs.append((link.confidence, right))
    best = (0.0, 0.5)
    for threshold in [t / 100 for t in range(10, 91, 2)]:
        tp = sum(1 for raw, ok in pairs if ok and raw >= threshold)
        fp = sum(1 for raw, ok in pairs if not ok and raw >= threshold)
        f1 = 2 * tp / (2 * tp + fp + (n_gold - tp)) if tp else 0.0
        best = max(best, (f1, threshold))
    return best[1], Calibration.fit(*zip(*pairs, strict=True)), pairs


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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", default="train,scierc-train", help="training splits")
    parser.add_argument("--calibrate", default="dev,dev2", help="held-out splits")
    parser.add_argument("--seeds", type=Path, default=SHARED / "seeds")
    parser.add_argument("--scierc", type=Path, default=SHARED / "data" / "scierc")
    parser.add_argument("--no-weak", action="store_true", help="gold only, no weak labels")
    parser.add_argument("--out", type=Path, default=TRAINED)
    args = parser.parse_args(argv)
    train_splits = set(args.train.split(","))
    held_splits = set(args.calibrate.split(","))
    if (train_splits | held_splits) & NEVER:
        sys.exit("test and test2 are held out: never train or calibrate on them")
    seeds = sorted(args.seeds.glob("*.txt"))
    gold = [item for path in gold_files() for item in load_gold(path)]
    joined = gold_papers(gold, seeds, args.scierc)
    train = [(g, p) for g, p in joined if split_of(g) in train_splits]
    held = [(g, p) for g, p in joined if split_of(g) in held_splits]
    taken = {g.get("title") or str(g.get("doc_key")) for g in gold}
    if not args.no_weak:
        train += weak_items(seeds, args.scierc, taken)
    print(f"training docs: {len(train)}, held-out docs: {len(held)}", file=sys.stderr)
    nlp = spacy.blank("en")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        _docbin(nlp, train).to_disk(work / "train.spacy")
        _docbin(nlp, held).to_disk(work / "dev.spacy")
        from spacy.cli.train import train as spacy_train

        overrides = {"paths.train": str(work / "train.spacy"), "paths.dev": str(work / "dev.spacy")}
        spacy_train(CONFIG, work / "out", overrides=overrides)
        trained = spacy.load(work / "out" / "model-best")
        component = trained.get_pipe("paper_kg_concepts")
        threshold, calibration, pairs = calibrate(component, trained, held)
        component.cfg["threshold"] = threshold
        component.cfg["calibration"] = {"edges": calibration.edges, "values": calibration.values}
        if args.out.exists():
            shutil.rmtree(args.out)
        component.to_disk(args.out, exclude=["vocab"])
    print(f"threshold {threshold}; reliability on {args.calibrate}:")
    print(reliability(calibration, pairs))


if __name__ == "__main__":
    main()
