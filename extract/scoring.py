"""The trained part of the extractor: a linear model over hashed context features that scores
every candidate mention (vocabulary match, coined name, or a proposal of
``kg.extract.proposals``) as none / architecture / benchmark / method.

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

from bisect import bisect_left, bisect_right
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from typing import NamedTuple

import numpy as np
from spacy.attrs import (
    IDX,
    LENGTH,
    LOWER,
    SHAPE,
    SUFFIX,
)
from spacy.strings import StringStore
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Model, SparseLinear_v2

LABELS = ("none", "architecture", "benchmark", "method")
# One to_array call per doc serves the sentences, the proposer and the features.
# (Each column costs about 6 µs per abstract; the proposer and the sentence rule read the
# lexical flags of the few tokens they look at from the doc.)
ATTRS = [LOWER, SHAPE, SUFFIX, IDX, LENGTH]
C_LOWER, C_SHAPE, C_SUFFIX, C_IDX, C_LENGTH = range(5)
_PAD = np.uint64(0x5EED)
_MIX = np.uint64(0x9E3779B97F4A7C15)  # spreads the template number over the key's bits
_PAIR = np.uint64(1000003)
_TEMPLATES = np.arange(1, 33, dtype=np.uint64) * _MIX  # one per lexical feature column
# The token columns: (position among first, last, first-1, first-2, after, after+1;
# attribute among LOWER, SHAPE, SUFFIX). Column 0 is the first word, 1 the last, 2 the word
# before, 7 the word after: the pairs join last+after and before+first, so columns 11 and 12
# repeat the words after and first for them. Then comes the length in tokens (_LEXICAL
# columns in all).
_COLUMNS = [(0, 0), (1, 0), (2, 0), (0, 1), (1, 1), (1, 2), (3, 0), (4, 0), (5, 0), (2, 1),
            (4, 1), (4, 0), (0, 0)]
_column_tokens = itemgetter(*[p for p, _ in _COLUMNS])
_COLUMN_ATTR = np.array([a for _, a in _COLUMNS])
_LEXICAL = 14
_PAD_ROWS = np.full((2, 3), _PAD, dtype=np.uint64)


@registry.architectures("paper_kg.CandidateScorer.v1")
def candidate_scorer(length: int = 2**17) -> Model:
    """Hashed features -> one logit per label (softmax applied by the caller)."""
    return SparseLinear_v2(nO=len(LABELS), length=length)


_STRINGS = StringStore()  # used only to hash: ``store[str]`` never adds the string


def stable_hash(text: str) -> int:
    """A process-independent 64-bit hash (Python's ``hash`` of str is salted)."""
    return int(_STRINGS[text])


class Candidate(NamedTuple):
    """A span to score: character offsets in the doc text and the categorical features the
    rules know about it (what proposed it: "vocab", "coined:<reasons>", "proposal:<kind>";
    the type they would give; the concept id; counts; ...), each a tuple (name, value...).
    A named tuple: thousands are made per second."""

    start: int
    end: int
    features: tuple[tuple[Hashable, ...], ...] = ()

    @property
    def source(self) -> str:
        return next((str(f[1]) for f in self.features if f[0] == "src"), "")


def token_arrays(doc: Doc) -> np.ndarray:
    """The doc's ``ATTRS`` columns (uint64)."""
    return doc.to_array(ATTRS).reshape(len(doc), len(ATTRS))


_CACHE: dict[Hashable, int] = {}


def _key(feature: Hashable) -> int:
    """The hash of a categorical feature (most repeat: cached, up to a bound)."""
    key = _CACHE.get(feature)
    if key is None:
        key = stable_hash(repr(feature))
        if len(_CACHE) < 1 << 16:
            _CACHE[feature] = key
    return key


def _keys(candidates: Sequence[Candidate]) -> list[int]:
    """The hashes of every candidate's categorical features, in order: looked up in the
    cache by one ``map`` (no Python call per feature); only the features missing from it
    go through ``_key``."""
    features = list(chain.from_iterable(c.features for c in candidates))
    keys = list(map(_CACHE.get, features))
    if None in keys:
        keys = [_key(f) if k is None else k for f, k in zip(features, keys, strict=True)]
    return keys


def featurize(arr: np.ndarray, candidates: Sequence[Candidate]) -> tuple[np.ndarray, ...]:
    """(keys, values, lengths) for SparseLinear: one row of hashed features per candidate
    (every candidate has the same number of categorical features); ``arr`` is
    ``token_arrays(doc)``."""
    return featurize_many([(arr, candidates)])


def featurize_many(
    docs: Sequence[tuple[np.ndarray, Sequence[Candidate]]],
) -> tuple[np.ndarray, ...]:
    """``featurize`` of several docs' candidates at once, rows in order (each row depends
    on its own doc only). A doc has about ten candidates, so each numpy call costs far
    more than its arithmetic: the token positions are found in Python, then one gather
    and a few in-place operations fill the rows of every doc. The docs' token columns are
    stacked, each between two padding rows on either side."""
    candidates = [cand for _, cands in docs for cand in cands]
    n, width = len(candidates), len(candidates[0].features) if candidates else 0
    positions: list[int] = []
    lengths = []
    tables = []
    offset = 0  # where the doc's block starts among the stacked rows
    for arr, cands in docs:
        idx = arr[:, C_IDX].tolist()
        for cand in cands:
            first = max(bisect_right(idx, cand.start) - 1, 0) + 2 + offset  # +2: padding
            after = bisect_left(idx, cand.end) + 2 + offset  # the first token at/after the end
            last = max(after - 1, first)
            positions += _column_tokens((first, last, first - 1, first - 2, after, after + 1))
            lengths.append(min(after - first, 6))
        tables += [_PAD_ROWS, arr[:, :3], _PAD_ROWS]  # LOWER, SHAPE, SUFFIX
        offset += len(arr) + 2 * len(_PAD_ROWS)
    tokens = np.concatenate(tables) if tables else np.empty((0, 3), dtype=np.uint64)
    gathered = tokens[np.array(positions, dtype=np.intp).reshape(n, -1), _COLUMN_ATTR]
    keys = np.empty((n, _LEXICAL + width), dtype=np.uint64)
    keys[:, :11] = gathered[:, :11]
    keys[:, 11:13] = gathered[:, 1:3] * _PAIR + gathered[:, 11:13]  # last+after, before+first
    keys[:, 13] = lengths
    keys[:, :_LEXICAL] ^= _TEMPLATES[:_LEXICAL]
    keys[:, _LEXICAL:] = np.fromiter(_keys(candidates), np.uint64, n * width).reshape(n, width)
    return keys.ravel(), np.ones(keys.size, dtype="f"), np.full(n, keys.shape[1], np.int32)


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


@dataclass
class Calibration:
    """Raw concept probability -> calibrated probability (a monotone step table)."""

    edges: list[float]  # ascending raw-score thresholds
    values: list[float]  # calibrated value from each edge on

    def __call__(self, raw: float) -> float:
        if not self.edges:
            return raw  # the identity (no calibration fitted)
        return self.values[max(bisect_right(self.edges, raw) - 1, 0)]

    @classmethod
    def identity(cls) -> Calibration:
        return cls([], [])

    @classmethod
    def fit(cls, raw: Sequence[float], right: Sequence[bool], min_count: int = 20) -> Calibration:
        """Isotonic regression (pool adjacent violators) of ``right`` on ``raw``, with blocks
        of at least ``min_count`` tags and Laplace-smoothed rates (never exactly 0 or 1)."""
        blocks: list[list[float]] = []  # [right, count, first raw]
        for score, ok in sorted(zip(raw, right, strict=True)):
            blocks.append([float(ok), 1.0, score])
            while len(blocks) > 1 and (
                blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]
                or blocks[-2][1] < min_count
            ):
                total, count, _ = blocks.pop()
                blocks[-1][0] += total
                blocks[-1][1] += count
        if len(blocks) > 1 and blocks[-1][1] < min_count:  # a short last block joins its left
            total, count, _ = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
        return cls(
            [b[2] for b in blocks], [round((b[0] + 1) / (b[1] + 2), 3) for b in blocks]
        )
