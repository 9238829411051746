"""Candidate spans the rules do not propose, for the trained scorer to accept or reject.

- **phrases**: one to three modifiers before a technique head word ("deferred masking",
  "scale consistency loss", "token rolling"). Head words are learned from the vocabulary
  (the last words of its multi-word method and architecture names: "loss", "distillation",
  "sampling", ...) plus gerunds; class nouns ("model", "method") and task or metric heads
  are left out. Every left extent is a candidate; the scorer picks.
- **names**: capitalised or mixed-case words and runs of them inside a sentence ("Gecko",
  "Global Context Enhancer", "DA-Transformer") that no rule typed.

Everything works on the doc's token arrays (no Token objects): a few numpy calls per doc.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np
from spacy.attrs import IDX, IS_ALPHA, IS_LOWER, IS_PUNCT, IS_STOP, IS_TITLE, LENGTH, LOWER
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc

from extract.canonical import singular
from extract.coined import _NOT_CONCEPT_HEADS, STOP_NAMES, TYPE_WORDS
from extract.vocabulary import VocabEntry

_ATTRS = [LOWER, IS_ALPHA, IS_STOP, IS_PUNCT, IDX, LENGTH, IS_LOWER, IS_TITLE]
MAX_MODIFIERS = 3
MAX_NAME_WORDS = 4
# Words that never start or continue a technique name although they are not stop words.
_NOT_MODIFIERS = frozenset(
    """using based via propose proposed introduce introduced present presented novel new
    existing previous prior different various several standard conventional traditional
    simple efficient effective better improved improve improves first second also further
    large small high low strong weak extensive significant state art specifically""".split()
)


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
        keys = set()
        for word in heads:
            keys |= {strings[word], strings[word + "s"], strings[word + "es"]}
        self.head_keys = np.array(sorted(keys), dtype=np.uint64)
        self.not_modifiers = np.array(
            sorted(strings[w] for w in _NOT_MODIFIERS | STOP_NAMES), dtype=np.uint64
        )
        self.hyphen = strings["-"]

    def propose(
        self, doc: Doc, text: str, sentence_starts: set[int]
    ) -> list[tuple[int, int, str]]:
        """(start, end, kind) spans; ``sentence_starts`` are the character offsets where
        sentences begin (a capital there says nothing)."""
        if not len(doc):
            return []
        arr = doc.to_array(_ATTRS).astype(np.int64)
        low = doc.to_array([LOWER])
        alpha, stop, punct = arr[:, 1] == 1, arr[:, 2] == 1, arr[:, 3] == 1
        idx, length, lower, title = arr[:, 4], arr[:, 5], arr[:, 6] == 1, arr[:, 7] == 1
        modifier = alpha & ~stop & ~np.isin(low, self.not_modifiers)
        hyphen = low == self.hyphen
        ends = idx + length
        out: list[tuple[int, int, str]] = []
        n = len(doc)
        is_head = np.isin(low, self.head_keys) & lower
        gerund = lower & (length >= 6)
        if gerund.any():
            gerund &= np.char.endswith(
                np.array([text[s - 3 : s] if s >= 3 else "" for s in ends.tolist()]), "ing"
            )
        for h in np.flatnonzero(is_head | gerund).tolist():
            if h + 1 < n and hyphen[h + 1]:
                continue  # "sampling-based": a modifier, not a head
            k, words = h, 0
            while words < MAX_MODIFIERS and k > 0:
                j = k - 1
                if hyphen[j] and j > 0 and modifier[j - 1] and ends[j - 1] == idx[j]:
                    j -= 1  # "multi-resolution": the hyphen glues two pieces into a word
                    k = j
                    continue
                if not modifier[j] or ends[j] != idx[j + 1] - 1 and not hyphen[j + 1]:
                    break
                k, words = j, words + 1
                if not (k > 0 and hyphen[k - 1]):
                    out.append((int(idx[k]), int(ends[h]), "phrase"))
        capital = alpha & ~lower & ~stop & ~np.isin(low, self.not_modifiers)
        i = 0
        while i < n:
            if not capital[i] or int(idx[i]) in sentence_starts:
                i += 1
                continue
            j = i + 1
            while j < n and j - i < MAX_NAME_WORDS and (
                capital[j] or (hyphen[j] and j + 1 < n and alpha[j + 1])
            ) and (idx[j] == ends[j - 1] or idx[j] == ends[j - 1] + 1):
                j += 1
            if hyphen[j - 1]:
                j -= 1
            if not (title[i] and j == i + 1 and punct[i - 1] if i else False):
                out.append((int(idx[i]), int(ends[j - 1]), "name"))
            i = j
        return out
