"""Near-duplicate coined concepts across papers: a typo ("Transfomer") or a spelling
variant of a name is one concept, not two.

Per paper the extractor cannot see that "Transfomer" in one abstract is "Transformer" in
another; this is a store- or batch-level step over the concepts seen so far
(``Extractor.concepts()``). A coined concept merges into another concept when

- both have the same type;
- their folded names are at most one edit apart (two for names of 14+ characters; a swap
  of neighbouring letters is one edit) and have 9+ characters (shorter names one letter
  apart are often different systems: LLaVA, LLaMA), with the same first letter and the same
  capitals after it ("AlphaViT" is not "AlphaViD", "CodeFormer" not "NodeFormer"); one
  letter in place of another counts only from 12 characters ("SeaFormer" is not
  "SegFormer"; "Transfomer", a letter dropped, is "Transformer");
- they are not two coined names of one paper (a paper that names two things apart means
  two things; a typo of a vocabulary name beside the name itself is still a typo);
- they do not differ in digits ("GPT-3" / "GPT-4", "Llama 2" / "Llama 3" are versions);
- the coined name is not itself a vocabulary surface (no conflicting vocabulary entry).

The target is a vocabulary concept when one qualifies, else the coined concept seen first.
``Extractor.extract`` applies it to every coined concept of a run, so a build's papers link
to one concept; merging with coined concepts already in a store would need the store's
coined concepts fed to ``NearDuplicates`` first (see README, "Concepts").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kg.extract.canonical import match_key
from kg.model import ConceptInfo

_DIGITS = re.compile(r"\d+")


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (Damerau-Levenshtein with adjacent swaps), or
    ``limit + 1`` as soon as it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def same_spelled(a: str, b: str) -> bool:
    """Two match keys of one long form spelled two ways: within two edits ("optimisation",
    "optimization") or one extending the other by a word ending ("fully sharded data
    parallel" / "... parallelism"): the shorter is at least 85 % of the longer, its prefix."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if long_.startswith(short) and len(short) >= 0.85 * len(long_):
        return not long_.endswith("ing")  # "masked language model" is no "... modeling"
    return edit_distance(a, b, 2) <= 2 and min(len(a), len(b)) >= 10


class NearDuplicates:
    """Concepts seen so far, indexed by their one-deletion variants (a name within one
    edit of another shares a variant with it), so that each new coined concept is checked
    against a few candidates, not against every concept."""

    def __init__(self, vocabulary: Iterable[ConceptInfo] = ()) -> None:
        self.vocabulary_keys: set[str] = set()
        self.index: dict[tuple[str, str], list[tuple[str, str]]] = {}  # (type, variant) -> ...
        self.merged: dict[str, str] = {}
        for info in vocabulary:
            for surface in [info.name, *info.aliases]:
                self.vocabulary_keys.add(match_key(surface))
            self._index(info.type, info.name, info.id)

    def _index(
        self, kind: str, name: str, concept_id: str, variants: set[str] | None = None
    ) -> None:
        """Index a concept under each of its key's ``variants`` (computed when not given)."""
        key = match_key(name)
        item = (key, _capitals(name), concept_id)
        for variant in _variants(key) if variants is None else variants:
            self.index.setdefault((kind, variant), []).append(item)

    def resolve(self, info: ConceptInfo, avoid: frozenset[str] = frozenset()) -> str:
        """The id ``info`` (a coined concept) is one with: an earlier concept of its type
        within the edit limit, with the same digits and capitals, and not in ``avoid`` (the
        other concepts of the same paper, which names apart on purpose: "AlphaViT,
        AlphaViD"); else its own id (then remembered for later ones)."""
        if info.id in self.merged:
            return self.merged[info.id]
        key = match_key(info.name)
        target = info.id
        variants = _variants(key)  # looked up here, indexed below when it is a new concept
        if len(key) >= MIN_LENGTH and key not in self.vocabulary_keys:
            limit = 2 if len(key) >= LONG else 1
            digits, capitals = _DIGITS.findall(key), _capitals(info.name)
            seen = {c for v in variants for c in self.index.get((info.type, v), ())}
            for other_key, other_capitals, other_id in sorted(seen, key=lambda c: c[2]):
                if (
                    other_id != info.id
                    and other_id not in avoid
                    and other_capitals == capitals
                    and _DIGITS.findall(other_key) == digits
                    and other_key[0] == key[0]
                    and not (len(key) < SUBSTITUTION_LENGTH and _one_letter_swapped_for_another(
                        key, other_key))
                    and edit_distance(key, other_key, limit) <= limit
                ):
                    target = other_id
                    break
        self.merged[info.id] = target
        if target == info.id:
            self._index(info.type, info.name, info.id, variants)
        return target


MIN_LENGTH = 9  # shorter names one letter apart are often different systems (LLaVA, LLaMA)
LONG = 14
# Below this length one letter in place of another names another system as often as it is a
# typo ("SeaFormer" / "SegFormer"); a letter dropped, added or swapped is a typo.
SUBSTITUTION_LENGTH = 12


def _one_letter_swapped_for_another(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _capitals(name: str) -> str:
    """The capitals of a name beyond its first letter: "AlphaViT" and "AlphaViD" differ."""
    return "".join(ch for ch in name[1:] if ch.isupper())


def _variants(key: str) -> set[str]:
    return {key} | {key[:i] + key[i + 1 :] for i in range(len(key))}


def near_duplicates(
    concepts: Iterable[ConceptInfo], vocabulary: Iterable[ConceptInfo] = ()
) -> dict[str, str]:
    """{coined concept id: the concept id it merges into} for a batch of concepts, in the
    order given (a store would pass its coined concepts, most-used first)."""
    index = NearDuplicates(vocabulary)
    out = {}
    for info in concepts:
        target = index.resolve(info)  # a batch has no papers: nothing to avoid
        if target != info.id:
            out[info.id] = target
    return out
