"""The trained part of the extractor: a linear model over hashed context features that scores
every candidate mention (vocabulary match, coined name, or a proposal of
``extract.proposals``) as none / architecture / benchmark / method.

Why linear and hashed: it must cost a small fraction of the rules (the pipeline runs at
about 1,000 abstracts/s per core). The features are read from the doc's token arrays in
one ``to_array`` call (word, shape, prefix and suffix hashes that spaCy's tokenizer has
already computed), combined per candidate with numpy, and scored by thinc's
``SparseLinear`` (C, two hashed weights per feature). A CNN tok2vec over every token cost
more than the whole rule pipeline (see README, "Quality").

``Calibration`` maps the model's concept probability to the fraction of tags that were
right on held-out annotations (isotonic fit, stored as a step table).
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from spacy.attrs import IDX, LOWER, PREFIX, SHAPE, SUFFIX
from spacy.strings import StringStore
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Model, SparseLinear_v2

LABELS = ("none", "architecture", "benchmark", "method")
_ATTRS = [LOWER, SHAPE, PREFIX, SUFFIX, IDX]
_PAD = np.uint64(0x5EED)
_MIX = np.uint64(0x9E3779B97F4A7C15)  # spreads the template number over the key's bits
_PAIR = np.uint64(1000003)


@registry.architectures("paper_kg.CandidateScorer.v1")
def candidate_scorer(length: int = 2**17) -> Model:
    """Hashed features -> one logit per label (softmax applied by the caller)."""
    return SparseLinear_v2(nO=len(LABELS), length=length)


_STRINGS = StringStore()  # used only to hash: ``store[str]`` never adds the string


def stable_hash(text: str) -> int:
    """A process-independent 64-bit hash (Python's ``hash`` of str is salted)."""
    return int(_STRINGS[text])


@dataclass(frozen=True)
class Candidate:
    """A span to score: character offsets in the doc text and what proposed it."""

    start: int
    end: int
    source: str  # "vocab", "coined:<reason>", "proposal:<kind>"
    hint: str  # the type the rules would give ("" when none)
    extra: tuple[str, ...] = ()  # further categorical features (concept id, counts, cues)


def featurize(doc: Doc, candidates: Sequence[Candidate]) -> tuple[np.ndarray, ...]:
    """(keys, values, lengths) for SparseLinear: one row of hashed features per candidate."""
    n = len(candidates)
    arr = doc.to_array(_ATTRS)
    idx = arr[:, 4].astype(np.int64)
    pad = np.full((2, 4), _PAD, dtype=np.uint64)
    tokens = np.concatenate([pad, arr[:, :4].astype(np.uint64), pad])  # offset by 2
    starts = np.fromiter((c.start for c in candidates), np.int64, n)
    ends = np.fromiter((c.end for c in candidates), np.int64, n)
    first = np.maximum(np.searchsorted(idx, starts, "right") - 1, 0) + 2
    after = np.searchsorted(idx, ends, "left") + 2  # first token at or after the end
    last = np.maximum(after - 1, first)
    low, shape, prefix, suffix = (tokens[:, k] for k in range(4))
    cols = [
        low[first],
        low[last],
        shape[first],
        shape[last],
        suffix[last],
        prefix[first],
        low[first - 1],
        low[first - 2],
        low[after],
        low[after + 1],
        shape[first - 1],
        shape[after],
        low[last] * _PAIR + low[after],
        low[first - 1] * _PAIR + low[first],
        np.minimum(after - first, 6).astype(np.uint64),
    ]
    lexical = np.stack(cols, axis=1)
    lexical ^= np.arange(1, lexical.shape[1] + 1, dtype=np.uint64) * _MIX
    per_row = []
    for cand in candidates:
        hint = cand.hint or "-"
        per_row.append(
            [
                stable_hash(f"src={cand.source}"),
                stable_hash(f"hint={hint}"),
                stable_hash(f"srchint={cand.source}|{hint}"),
                *(stable_hash(f) for f in cand.extra),
            ]
        )
    width = max(len(r) for r in per_row) if per_row else 0
    # rows have different numbers of categorical features: pad with a repeated bias key
    cat = np.array([r + [r[0]] * (width - len(r)) for r in per_row], dtype=np.uint64)
    cat_values = np.array([[1.0] * len(r) + [0.0] * (width - len(r)) for r in per_row], "f")
    cat = cat.reshape(n, width)
    cat_values = cat_values.reshape(n, width)
    keys = np.concatenate([lexical, cat], axis=1)
    values = np.concatenate([np.ones(lexical.shape, "f"), cat_values], axis=1)
    lengths = np.full(n, keys.shape[1], dtype=np.int32)
    return np.ascontiguousarray(keys.ravel()), np.ascontiguousarray(values.ravel()), lengths


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


@dataclass
class Calibration:
    """Raw concept probability -> calibrated probability (a monotone step table)."""

    edges: list[float]  # ascending raw-score thresholds
    values: list[float]  # calibrated value from each edge on

    def __call__(self, raw: float) -> float:
        at = bisect_right(self.edges, raw) - 1
        return self.values[at] if at >= 0 else raw

    @classmethod
    def identity(cls) -> Calibration:
        return cls([], [])

    @classmethod
    def fit(cls, raw: Sequence[float], right: Sequence[bool]) -> Calibration:
        """Isotonic regression (pool adjacent violators) of ``right`` on ``raw``."""
        pairs = sorted(zip(raw, right, strict=True))
        blocks: list[list[float]] = []  # [sum right, count, first raw]
        for score, ok in pairs:
            blocks.append([float(ok), 1.0, score])
            while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]:
                total, count, _ = blocks.pop()
                blocks[-1][0] += total
                blocks[-1][1] += count
        return cls([b[2] for b in blocks], [round(b[0] / b[1], 4) for b in blocks])

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({"edges": self.edges, "values": self.values}) + "\n")

    @classmethod
    def load(cls, path: Path) -> Calibration:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(list(data["edges"]), list(data["values"]))
