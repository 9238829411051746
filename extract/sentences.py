"""Sentences of a ``title + "\\n\\n" + abstract`` doc as character spans: the title is a
sentence of its own; the abstract is split by spaCy's sentencizer rule, computed on token
arrays (iterating every Token object costs more than the whole matching), unless a pipe before
the concept component has set sentence starts.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache

import numpy as np
from spacy.attrs import LOWER
from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.extract.scoring import C_IDX, C_LOWER


def sentence_starts(
    doc: Doc, arr: np.ndarray | None, punct: frozenset[int], sentenced: bool | None = None
) -> list[int]:
    """Character offsets where sentences start: the doc's own SENT_START when a pipe set it,
    else spaCy's sentencizer rule (a sentence ends at '.', '!' or '?'; the next token that
    is not punctuation starts the next one). ``arr`` is ``token_arrays(doc)`` when the
    caller has it. Only the ends are found for the whole doc (one column); the tokens after
    each are read one at a time, as few are. ``sentenced``: whether a pipe set sentence
    starts, when the caller knows (asking the doc reads every token)."""
    if not len(doc):
        return []
    if doc.has_annotation("SENT_START") if sentenced is None else sentenced:
        marks = doc.to_array(["SENT_START", "IDX"])
        return marks[marks[:, 0] == 1, 1].tolist()
    low = doc.to_array(LOWER) if arr is None else arr[:, C_LOWER]
    ends_sentence = np.zeros(len(low), dtype=bool)
    for key in punct:
        ends_sentence |= low == key
    ends = np.flatnonzero(ends_sentence).tolist()
    starts, n, k = [], len(doc), -1
    vocab = doc.vocab
    for end in ends:
        if end < k:
            continue  # an end among the punctuation after the last one
        k = end + 1
        while k < n and (ends_sentence[k] or _is_punct(vocab, int(low[k]))):
            k += 1
        if k < n:
            starts.append(int(arr[k, C_IDX]) if arr is not None else doc[k].idx)
    return starts


@lru_cache(maxsize=1 << 14)
def _is_punct(vocab: Vocab, lower: int) -> bool:
    """Whether the word with this LOWER hash is punctuation (a lexical attribute, the same
    for every case), without making a Token object for it."""
    return bool(vocab[lower].is_punct)


def sentence_spans(
    text: str, starts: list[int], title_end: int, abstract_start: int
) -> list[tuple[int, int]]:
    """Sentence character spans from their start offsets; the title is always a sentence
    of its own. ``text`` is ``doc.text``, passed in because spaCy rebuilds that string on
    every access."""
    if not starts or starts[0] != 0:
        starts = [0, *starts]
    ends = [*starts[1:], len(text)]
    spans = [(s, len(text[s:e].rstrip()) + s) for s, e in zip(starts, ends, strict=True)]
    out = []
    for start, end in spans:
        if start == end:
            continue
        if title_end and start < abstract_start and end > title_end:
            out.append((start, title_end))
            if end > abstract_start:
                out.append((abstract_start, end))
        else:
            out.append((start, end))
    return out


class Sentences:
    """One doc's sentence spans, found by position with a bisection (the spans are sorted and
    disjoint), each sentence's stripped text cut once however many mentions it holds."""

    def __init__(self, spans: list[tuple[int, int]], text: str) -> None:
        self.spans = spans
        self.starts = [start for start, _ in spans]
        self.text = text
        self.stripped: dict[tuple[int, int], str] = {}

    def at(self, pos: int) -> tuple[int, int] | None:
        """The first (the only) sentence span holding ``pos``."""
        i = bisect_right(self.starts, pos) - 1
        return self.spans[i] if i >= 0 and pos < self.spans[i][1] else None

    def sentence(self, start: int, end: int) -> str:
        """The stripped sentence of a mention; the mention itself outside every sentence."""
        span = self.at(start) or (start, end)
        found = self.stripped.get(span)
        if found is None:
            found = self.stripped[span] = self.text[span[0] : span[1]].strip()
        return found
