"""Candidate spans the rules do not propose, for the trained scorer to accept or reject.

- **phrases**: one to three modifiers before a technique head word ("deferred masking",
  "scale consistency loss", "token rolling"). Head words are learned from the vocabulary
  (the last words of its multi-word method and architecture names: "loss", "distillation",
  "sampling", ...) plus gerunds; class nouns ("model", "method") and task or metric heads
  are left out. Every left extent is a candidate; the scorer picks.

Capitalised words that no rule typed were proposed too at first; on held-out annotations
only 3-16 % of them were concepts and they changed no score, so the rules' name shapes are
left to find names.

Everything works on the doc's token arrays (no Token objects): a few numpy calls per doc.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

from kg.extract.canonical import match_key, singular
from kg.extract.coined import _NOT_CONCEPT_HEADS, STOP_NAMES, TYPE_WORDS
from kg.extract.scoring import C_ALPHA, C_IDX, C_ISLOWER, C_LENGTH, C_LOWER, C_STOP, C_SUFFIX
from kg.extract.vocabulary import VocabEntry

MAX_MODIFIERS = 3
# Words that never start or continue a technique name although they are not stop words.
_NOT_MODIFIERS = frozenset(
    """using based via propose proposed introduce introduced present presented novel new
    existing previous prior different various several standard conventional traditional
    simple efficient effective better improved improve improves first second also further
    large small high low strong weak extensive significant state art specifically""".split()
)


# Generic phrases the annotation guidelines name as no concepts, never proposed.
GENERIC = frozenset(
    match_key(p)
    for p in """deep learning|machine learning|neural network|deep neural network|artificial
    intelligence|statistical learning|learning algorithm|training procedure|training process|
    training data|training set|model training|end-to-end training|deep model|large model|
    learning method|learning approach|learning framework|learning paradigm""".split("|")
)


def _inflected(text: str, end: int) -> bool:
    """A word ending in -ly or a verb/plural -s (not -ss, -us, -is)."""
    tail = text[end - 2 : end]
    return tail == "ly" or (tail[-1:] == "s" and tail not in ("ss", "us", "is"))


def head_words(entries: Iterable[VocabEntry], min_count: int = 2) -> frozenset[str]:
    """Last words of the vocabulary's multi-word method/architecture names, seen at least
    ``min_count`` times, minus class nouns, task/metric heads and stop words."""
    counts: Counter[str] = Counter()
    for entry in entries:
        if entry.type == "benchmark":
            continue
        for surface in entry.surfaces():
            words = surface.lower().replace("-", " ").split()
            if len(words) > 1 and words[-1].isalpha() and len(words[-1]) > 3:
                counts[singular(words[-1])] += 1
    blocked = set(TYPE_WORDS) | _NOT_CONCEPT_HEADS | STOP_WORDS
    return frozenset(w for w, n in counts.items() if n >= min_count and w not in blocked)


class Proposer:
    """Phrase and name proposals for one vocabulary's head words."""

    def __init__(self, heads: frozenset[str], strings) -> None:  # type: ignore[no-untyped-def]
        self.heads = heads
        keys = {strings[w + end] for w in heads for end in ("", "s", "es")}
        # never empty (a vocabulary without multi-word names): searchsorted needs an entry
        self.head_keys = np.array(sorted(keys) or [0], dtype=np.uint64)
        self.not_modifiers = {strings[w] for w in _NOT_MODIFIERS | STOP_NAMES}
        self.hyphen = strings["-"]
        self.ing = strings["ing"]

    def propose(self, arr: np.ndarray, text: str) -> list[tuple[int, int]]:
        """(start, end) of each phrase; ``arr`` is ``token_arrays(doc)``."""
        n = len(arr)
        if not n:
            return []
        low_col = arr[:, C_LOWER]
        alpha_col, lower_col = arr[:, C_ALPHA] == 1, arr[:, C_ISLOWER] == 1
        stop_col = arr[:, C_STOP] == 1
        at = np.searchsorted(self.head_keys, low_col) % len(self.head_keys)
        is_head = (self.head_keys[at] == low_col) | (
            (arr[:, C_SUFFIX] == self.ing) & (arr[:, C_LENGTH] >= 6)
        )
        heads = np.flatnonzero(is_head & lower_col).tolist()
        if not heads:
            return []
        low = low_col.tolist()
        alpha, lower, stop = alpha_col.tolist(), lower_col.tolist(), stop_col.tolist()
        idx = arr[:, C_IDX].astype(np.int64)
        ends = (idx + arr[:, C_LENGTH].astype(np.int64)).tolist()
        idx = idx.tolist()
        not_mod, hy = self.not_modifiers, self.hyphen

        def modifier(k: int) -> bool:
            """A lower-case word, not an adverb or an -s form ("uses", "improves")."""
            return (
                alpha[k] and lower[k] and not stop[k] and low[k] not in not_mod
                and not _inflected(text, ends[k])
            )

        out: list[tuple[int, int]] = []
        for h in heads:
            if h + 1 < n and low[h + 1] == hy:
                continue  # "sampling-based": a modifier, not a head
            k, words = h, 0
            while words < MAX_MODIFIERS and k > 0:
                j = k - 1
                if low[j] == hy and j > 0 and ends[j - 1] == idx[j] and modifier(j - 1):
                    k = j - 1  # "multi-resolution": the hyphen glues two pieces into a word
                    continue
                if (ends[j] != idx[j + 1] - 1 and low[j + 1] != hy) or not modifier(j):
                    break
                k, words = j, words + 1
                if not (k > 0 and low[k - 1] == hy):
                    out.append((idx[k], ends[h]))
        return out
