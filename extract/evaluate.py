"""Concept-level precision/recall/F1 against the gold annotations and SciERC.

Matching rule: a predicted concept matches a gold concept when any of its mention texts or
its canonical name equals, under ``match_key`` (case, plural, hyphen/space folding), the
gold name or any gold surface form. Each gold concept is matched at most once. "Typed"
additionally requires the predicted type to be one the gold allows.

High-confidence scoring (``high_only=True``) keeps the gold items annotated
``"confidence": "high"`` as required and makes the ``"low"`` ones optional: a prediction that
matches an optional item is neither a true nor a false positive, and an optional item that is
not found is not a false negative.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.extract.canonical import match_key
from kg.extract.pipeline import Extractor
from kg.extract.scierc import read_scierc, unbracket
from kg.ingest import ingest
from kg.model import CONCEPT_TYPES, ConceptLink, Paper
from kg.resources import shipped

GOLD_DIR = shipped("kg.extract", "data", "gold")
GOLD = GOLD_DIR / "daily-papers-gold.jsonl"


def gold_files(directory: Path = GOLD_DIR) -> list[Path]:
    """Every gold file ``kg eval`` scores by default (sorted for stable output)."""
    return sorted(directory.glob("*.jsonl"))


class EvalDataMissing(FileNotFoundError):
    """Evaluation inputs (../shared seeds or SciERC) are not present."""


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class GoldConcept:
    name: str
    types: tuple[str, ...]
    keys: set[str]
    optional: bool = False  # matched predictions are not counted, misses are not FNs
    proposed: bool = False


@dataclass
class Scores:
    """Per-type typed counts plus overall typed and untyped counts."""

    by_type: dict[str, Counts] = field(default_factory=dict)
    typed: Counts = field(default_factory=Counts)
    untyped: Counts = field(default_factory=Counts)
    roles: Counts = field(default_factory=Counts)  # "proposed" among untyped matches
    tags: list[tuple[float, bool]] = field(default_factory=list)  # (confidence, typed match)
    documents: int = 0

    def reliability(self, width: float = 0.1) -> list[tuple[str, int, int, str]]:
        """Rows (confidence bin, tags, right, fraction right) of the counted predictions."""
        bins: dict[int, list[bool]] = {}
        for confidence, right in self.tags:
            bins.setdefault(min(int(confidence / width), round(1 / width) - 1), []).append(right)
        return [
            (f"{i * width:.1f}-{(i + 1) * width:.1f}", len(oks), sum(oks),
             f"{sum(oks) / len(oks):.2f}")
            for i, oks in sorted(bins.items())
        ]

    def rows(self, label: str) -> list[tuple[str, str, int, int, int, str, str, str]]:
        out = []
        items = [*self.by_type.items(), ("typed", self.typed), ("untyped", self.untyped)]
        items.append(("proposed", self.roles))
        for name, c in items:
            out.append(
                (
                    label,
                    name,
                    c.tp,
                    c.fp,
                    c.fn,
                    f"{c.precision:.3f}",
                    f"{c.recall:.3f}",
                    f"{c.f1:.3f}",
                )
            )
        return out


def _keys(link: ConceptLink) -> set[str]:
    return {match_key(link.name)} | {match_key(m.text) for m in link.mentions}


def score_document(predicted: list[ConceptLink], gold: list[GoldConcept], scores: Scores) -> None:
    """Greedy one-to-one matching of predicted to gold concepts, untyped and typed.

    Required gold items are tried first; a prediction that only matches an optional item
    is left out of the counts."""
    scores.documents += 1
    required = [i for i, g in enumerate(gold) if not g.optional]
    optional = [i for i, g in enumerate(gold) if g.optional]
    for typed in (False, True):
        free_req, free_opt = list(required), list(optional)
        matched_pred: list[ConceptLink] = []
        counted_pred: list[ConceptLink] = []
        matched_gold: set[int] = set()
        for link in predicted:
            keys = _keys(link)

            def fits(
                i: int, keys: set[str] = keys, link: ConceptLink = link, typed: bool = typed
            ) -> bool:
                return bool(gold[i].keys & keys) and (not typed or link.type in gold[i].types)

            hit = next((i for i in free_req if fits(i)), None)
            if hit is not None and not typed:
                said, truth = link.proposed, gold[hit].proposed
                scores.roles.add(Counts(int(said and truth), int(said and not truth),
                                        int(truth and not said)))
            if hit is not None:
                free_req.remove(hit)
                matched_gold.add(hit)
                matched_pred.append(link)
                counted_pred.append(link)
                continue
            soft = next((i for i in free_opt if fits(i)), None)
            if soft is not None:
                free_opt.remove(soft)
            else:
                counted_pred.append(link)
        missed = [i for i in required if i not in matched_gold]
        if typed:
            matched = {id(link) for link in matched_pred}
            scores.tags += [(link.confidence, id(link) in matched) for link in counted_pred]
        total = scores.typed if typed else scores.untyped
        total.add(Counts(len(matched_pred), len(counted_pred) - len(matched_pred), len(missed)))
        if typed:
            for kind in CONCEPT_TYPES:
                per = scores.by_type.setdefault(kind, Counts())
                tp = sum(1 for link in matched_pred if link.type == kind)
                per.add(
                    Counts(
                        tp,
                        sum(1 for link in counted_pred if link.type == kind) - tp,
                        sum(1 for i in missed if gold[i].types[0] == kind),
                    )
                )


def load_gold(path: Path = GOLD) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def scierc_text(data: dict) -> str:
    """A SciERC document's text as the SciERC-joined gold reads it: tokens joined by
    spaces, brackets as written (``unbracket``)."""
    return unbracket(" ".join(tok for sent in data["sentences"] for tok in sent))


def scierc_texts(
    scierc_dir: Path, names: tuple[str, ...] = ("train.json", "dev.json")
) -> dict[str, str]:
    """{doc_key: text} of the SciERC files present in ``scierc_dir``."""
    out: dict[str, str] = {}
    for name in names:
        path = scierc_dir / name
        if path.exists():
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    if line.strip():
                        data = json.loads(line)
                        out[str(data.get("doc_key", ""))] = scierc_text(data)
    return out


def gold_papers(
    gold: list[dict], seeds: Iterable[Path], scierc_dir: Path | None = None
) -> list[tuple[dict, Paper]]:
    """Each gold item with its paper: Daily Papers items by exact title from the seed pages,
    SciERC items (``doc_key``) from the SciERC files in ``scierc_dir`` (train.json,
    dev.json), as an untitled paper whose abstract is the document's tokens joined by spaces.
    Items whose text is not found are left out."""
    seeds = list(seeds)
    if not seeds and any("doc_key" not in g and "abstract" not in g for g in gold):
        raise EvalDataMissing("no seed pages found (expected ../shared/seeds/*.txt)")
    by_title = {p.title: p for p in ingest(seeds).papers} if seeds else {}
    by_key: dict[str, str] = {}
    if scierc_dir is not None and any("doc_key" in g for g in gold):
        by_key = scierc_texts(scierc_dir)
    out = []
    for item in gold:
        if "doc_key" in item:
            text = by_key.get(str(item["doc_key"]))
            if text is not None:
                out.append((item, Paper(title="", abstract=text)))
        elif item.get("title") in by_title:
            out.append((item, by_title[item["title"]]))
        elif item.get("abstract"):  # a line with its own text (kg curate export --training)
            out.append((item, Paper(title=item.get("title") or "", abstract=item["abstract"])))
    return out


def gold_concepts(item: dict, high_only: bool = False) -> list[GoldConcept]:
    """The gold concepts of one gold line; ``high_only`` makes low-confidence ones optional."""
    return [
        GoldConcept(
            c["name"],
            (c["type"],),
            {match_key(unbracket(s)) for s in [c["name"], *c.get("surface", [])]},
            optional=high_only and c.get("confidence", "high") != "high",
            proposed=bool(c.get("proposed", False)),
        )
        for c in item["concepts"]
    ]


def evaluate_gold(
    extractor: Extractor,
    seeds: Iterable[Path],
    gold_paths: Path | Iterable[Path] = GOLD,
    high_only: bool = False,
    scierc_dir: Path | None = None,
    splits: set[str] | None = None,
) -> dict[str, Scores]:
    """Scores per split present in the gold files (sorted by name; only ``splits`` when
    given), then "all" when there is more than one split."""
    paths = [gold_paths] if isinstance(gold_paths, Path) else list(gold_paths)
    gold = [item for path in paths for item in load_gold(path)]
    if splits:
        gold = [item for item in gold if split_of(item) in splits]
    todo = gold_papers(gold, seeds, scierc_dir)
    results: dict[str, Scores] = {}
    for split in sorted({split_of(g) for g, _ in todo}):
        results[split] = Scores()
    if len(results) > 1:
        results["all"] = Scores()
    extracted = extractor.extract([paper for _, paper in todo])
    for (g, _), (_paper, concepts) in zip(todo, extracted, strict=True):
        expected = gold_concepts(g, high_only)
        for split in (split_of(g), "all"):
            if split in results:
                score_document(concepts.concepts, expected, results[split])
    return results


def split_of(item: dict) -> str:
    """A gold item's split; SciERC-joined items are reported apart ("scierc-<split>")."""
    split = item.get("split", "dev")
    return f"scierc-{split}" if "doc_key" in item else split


def evaluate_scierc(extractor: Extractor, path: Path) -> Scores:
    """Scores against SciERC entities mapped by ``kg.extract.scierc.TYPE_MAP``."""
    if not path.exists():
        raise EvalDataMissing(f"{path} not found")
    docs = list(read_scierc(path))
    papers = [Paper(title="", abstract=doc.text) for doc in docs]
    scores = Scores()
    for doc, (_p, concepts) in zip(docs, extractor.extract(papers), strict=True):
        gold: dict[str, GoldConcept] = {}
        for surface, types in doc.entities:
            key = match_key(surface)
            gold.setdefault(key, GoldConcept(surface, types, {key}))
        score_document(concepts.concepts, list(gold.values()), scores)
    return scores
