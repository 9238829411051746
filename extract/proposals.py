"""Candidate spans the rules do not propose, for the trained scorer to accept or reject.

- **phrases** (``proposal:phrase``): one to three modifiers before a technique head word
  ("deferred masking", "scale consistency loss", "KV sharing", "pruning-aware hidden state
  alignment"). Heads are the technique nouns of ``extract.coined.METHOD_HEADS``, the
  component nouns of ``COMPONENT_HEADS`` ("loss", "mechanism", "module", "decoder"), the
  last words of the vocabulary's multi-word method names that read as technique nouns, and
  gerunds; class nouns ("model", "method", "framework") and task or metric heads are left
  out. Modifiers are lower-case words, hyphenated words ("multi-resolution") and short
  name-like words ("KV", "IoU", "3D"). Every left extent is a candidate; the scorer picks.
Single capitalised words that no rule typed were proposed too at first; on held-out
annotations only 3-16 % of them were concepts and they changed no score, so the rules'
name shapes are left to find names. Runs of capitalised words ("Meta Agent Search") were
tried in the second round: the cross-fitted F1 of the training splits went down (dev untyped
0.901 -> 0.893, train 0.819 -> 0.812), so they are left out too.

Everything works on the doc's token arrays (no Token objects): a few numpy calls per doc,
and Python only on the few tokens near a head.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc

from kg.extract.canonical import match_key, singular
from kg.extract.coined import (
    _NOT_CONCEPT_HEADS,
    METHOD_HEADS,
    STOP_NAMES,
    TYPE_WORDS,
    opens_sentence,
)
from kg.extract.scoring import C_IDX, C_LENGTH, C_LOWER, C_SUFFIX
from kg.extract.vocabulary import VocabEntry

MAX_MODIFIERS = 3
# Words that never start or continue a technique name although they are not stop words.
_NOT_MODIFIERS = frozenset(
    """using based via propose proposed introduce introduced present presented novel new
    existing previous prior different various several standard conventional traditional
    simple efficient effective better improved improve improves first second also further
    large small high low strong weak extensive significant state art specifically
    outperforming surpassing achieving yielding resulting leading enabling allowing making
    reducing improving showing demonstrating providing requiring matching exceeding
    reaching obtaining boosting lowering beating""".split()
)  # (participles: "..., outperforming majority voting" opens a clause, not a name)
# Component nouns that name a technique after a specific modifier ("tree attention
# mechanism", "scale consistency loss", "generative style decoder").
COMPONENT_HEADS = frozenset(
    "loss mechanism module layer block network transformer decoder encoder operator".split()
)
# Endings of the vocabulary-learned heads that read as technique nouns ("distillation",
# "checkpointing", "alignment"); other last words ("tree", "zero", "policy") are too plain.
_TECHNIQUE_ENDING = ("tion", "sion", "ing", "ment", "ance", "ence", "ism", "out", "search")
# A short name-like modifier: an acronym with two capitals ("KV", "IoU", "RoPE") or "3D".
_NAME_MODIFIER = re.compile(r"[A-Z][a-z]?[A-Z][A-Za-z]{0,3}|[1-4][Dd]")
# A count before a hyphen ("two-stage training", "3-step decoding", "N-pass search").
_COUNT = re.compile(r"\d{1,2}|[NK]|one|two|three|four|five|six|single|double|triple", re.I)
# Gerunds that are activities, not techniques ("motion planning", "sequence modeling").
_GENERIC_GERUNDS = frozenset(
    """planning modeling modelling decision-making making thinking writing reading
    understanding reasoning processing building solving handling using following including
    increasing remaining existing according regarding emerging growing""".split()
)
# Words before a noun phrase: an -ing word after them is a modifier ("a sliding window
# attention"), after anything else usually a verb ("... attracting widespread attention").
_NOUN_PHRASE_OPENERS = frozenset(
    "a an the our their its this these of for with by and or in on via from to".split()
)
# Generic phrases the annotation guidelines name as no concepts, never proposed.
GENERIC = frozenset(
    match_key(p)
    for p in """deep learning|machine learning|neural network|deep neural network|artificial
    intelligence|statistical learning|learning algorithm|training procedure|training process|
    training data|training set|model training|end-to-end training|deep model|large model|
    learning method|learning approach|learning framework|learning paradigm|neural
    networks|attention layer|transformer layer|network layer|output layer|hidden
    layer|input layer|loss function""".split("|")
)


def _inflected(text: str, end: int) -> bool:
    """A word ending in -ly or a verb/plural -s (not -ss, -us, -is)."""
    tail = text[end - 2 : end]
    return tail == "ly" or (tail[-1:] == "s" and tail not in ("ss", "us", "is"))


def head_words(entries: Iterable[VocabEntry], min_count: int = 2) -> frozenset[str]:
    """The technique and component heads, plus the last words of the vocabulary's
    multi-word method names seen at least ``min_count`` times that end like technique
    nouns, minus class nouns, task/metric heads and stop words."""
    counts: Counter[str] = Counter()
    for entry in entries:
        if entry.type != "method":
            continue
        for surface in entry.surfaces():
            words = surface.lower().replace("-", " ").split()
            if len(words) > 1 and words[-1].isalpha() and len(words[-1]) > 3:
                counts[singular(words[-1])] += 1
    learned = {w for w, n in counts.items() if n >= min_count and w.endswith(_TECHNIQUE_ENDING)}
    blocked = (set(TYPE_WORDS) - COMPONENT_HEADS) | _NOT_CONCEPT_HEADS | STOP_WORDS
    return frozenset((learned | METHOD_HEADS | COMPONENT_HEADS) - blocked)


class Proposer:
    """Phrase proposals for one vocabulary's head words."""

    def __init__(self, heads: frozenset[str], strings) -> None:  # type: ignore[no-untyped-def]
        self.heads = heads
        head_keys = {strings[w + end] for w in heads for end in ("", "s", "es")}
        blocked = _NOT_CONCEPT_HEADS | STOP_WORDS | _GENERIC_GERUNDS
        blocked_keys = {strings[w] for w in blocked}
        # one sorted table of the head and the blocked words' keys (never empty:
        # searchsorted needs an entry), with what each is: a blocked word is never a head
        kinds = {**{k: _HEAD for k in head_keys}, **{k: _BLOCKED for k in blocked_keys}}
        order = sorted(kinds) or [0]
        self.word_keys = np.array(order, dtype=np.uint64)
        self.word_kinds = np.array([kinds.get(k, _NEITHER) for k in order], dtype=np.int8)
        self.not_modifiers = {strings[w] for w in _NOT_MODIFIERS | STOP_NAMES}
        self.hyphen = strings["-"]
        self.ing = strings["ing"]
        self.noun_phrase_openers = frozenset(strings[w] for w in _NOUN_PHRASE_OPENERS)

    def propose(self, doc: Doc, arr: np.ndarray, text: str) -> list[tuple[int, int]]:
        """(start, end) of each phrase; ``arr`` is ``token_arrays(doc)``, ``text`` its text."""
        if not len(arr):
            return []
        return self._phrases(arr, _Columns(doc, arr, text))

    def _phrases(self, arr: np.ndarray, c: _Columns) -> list[tuple[int, int]]:
        low_col = arr[:, C_LOWER]
        at = self.word_keys.searchsorted(low_col) % len(self.word_keys)
        kind = np.where(self.word_keys[at] == low_col, self.word_kinds[at], _NEITHER)
        is_head = (kind == _HEAD) | (
            (arr[:, C_SUFFIX] == self.ing) & (arr[:, C_LENGTH] >= 6) & (kind != _BLOCKED)
        )  # never "during", "reasoning", "planning"
        text, low, idx, ends, n, doc = c.text, c.low, c.idx, c.ends, c.n, c.doc
        heads = [h for h in np.flatnonzero(is_head).tolist() if doc[h].is_lower]
        not_mod, hy = self.not_modifiers, self.hyphen

        def modifier(k: int) -> bool:
            """A lower-case word, not an adverb or an -s form ("uses", "improves"), or a
            short name-like word ("KV", "3D")."""
            token = doc[k]
            if token.is_lower:
                return (
                    token.is_alpha and not token.is_stop and low[k] not in not_mod
                    and not _inflected(text, ends[k])
                )
            if _NAME_MODIFIER.fullmatch(text, idx[k], ends[k]):
                return True
            # "Local joint stride attention is ...": the first word of a sentence
            return (token.is_alpha and not token.is_stop and low[k] not in not_mod
                    and opens_sentence(text, idx[k]))

        def after_hyphen(k: int) -> bool:
            """Token ``k`` is the second piece of a hyphenated word ("-based", "-aware")."""
            return k > 1 and low[k - 1] == hy and ends[k - 1] == idx[k] and doc[k - 2].is_alpha

        out: list[tuple[int, int]] = []
        for h in heads:
            if h + 1 < n and low[h + 1] == hy:
                continue  # "sampling-based": a modifier, not a head
            k, words = h, 0
            while words < MAX_MODIFIERS and k > 0:
                j = k - 1
                if low[j] == hy and j > 0 and ends[j - 1] == idx[j] and (
                    modifier(j - 1) or _COUNT.fullmatch(text, idx[j - 1], ends[j - 1])
                ):
                    k = j - 1  # "multi-resolution": the hyphen glues two pieces into a word
                elif (ends[j] != idx[j + 1] - 1 and low[j + 1] != hy) or not (
                    modifier(j) or (doc[j].is_lower and after_hyphen(j))  # "contrast-based"
                ):
                    break
                else:
                    k, words = j, words + 1
                if k == h or (k > 0 and low[k - 1] == hy):
                    continue
                if text.endswith("ing", idx[k], ends[k]) and not (
                    k == 0 or low[k - 1] in self.noun_phrase_openers or not doc[k - 1].is_alpha
                ):
                    continue  # "... attracting widespread attention": a verb, not a name
                out.append((idx[k], ends[h]))
        return out


class _Columns:
    """The token columns the proposer reads, as sequences of Python ints, and the doc, from
    whose tokens it reads the lexical flags of the few it looks at (as columns of
    ``token_arrays`` they cost more for the whole doc)."""

    def __init__(self, doc: Doc, arr: np.ndarray, text: str) -> None:
        self.text = text
        self.n = len(arr)
        # memory views of contiguous copies: indexing one makes a Python int of that
        # token only, where ``tolist`` makes one of every token (and few are read)
        self.low = memoryview(np.ascontiguousarray(arr[:, C_LOWER]))
        idx = np.ascontiguousarray(arr[:, C_IDX])
        self.idx = memoryview(idx)
        self.ends = memoryview(idx + arr[:, C_LENGTH])
        self.doc = doc


_NEITHER, _HEAD, _BLOCKED = 0, 1, 2  # Proposer.word_kinds

