"""Names in a list whose kind is known: said before it ("models such as Heron, Kestrel and
Wren", a Hearst pattern), or shared by two or more known members ("baselines such as Heron,
Kestrel and Wren", where Heron and Kestrel are in the vocabulary: set expansion by
coordination, the list's most common type). The unknown member must be written as a name
(capitalised words, or a name's shape); a sentence's first word needs a name's shape, as
any word is capitalised there.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter

from kg.extract.coined import (
    STOP_NAMES,
    TYPE_WORDS,
    Candidate,
    looks_like_name,
    not_a_concept,
    opens_sentence,
)

# What separates a list's members: a comma (with "and"/"or"), or "and"/"or" alone.
_SEPARATOR = re.compile(r"\s*,\s*(?:(?:and|or)\s+)?|\s+(?:and|or)\s+")
# "models such as", "benchmarks including", "methods like": the list's kind, said before it.
_HEARST = re.compile(r"\b([A-Za-z]+)\s+(?:such as|like|including|e\.g\.,?|namely)\s+$")
_HEARST_WORDS = (" such as ", " like ", " including ", " e.g. ", " e.g., ", " namely ")
_CONJUNCTION = re.compile(r"\b(?:and|or)\b")
# A list of three or more ending in a name-shaped word ("H2Q, FlashAttention and QuillKV"):
# worth reading with one known member (``_named_with_one``). It opens with a literal, which
# the scan looks for first.
_ONE_KNOWN_LIST = re.compile(r", [^\s,]+,? (?:and|or) [A-Z][a-z]*[A-Z0-9]")
_WORD = re.compile(r"\S+")
_VERSION = re.compile(r"v?\d+(?:\.\d+)*[A-Za-z]?")  # "2.0", "v2", "3B" after a name word
_BRACKETS = frozenset("()[]{}")
_MAX_WORDS = 4  # an unknown member longer than this is a phrase, not a name


def _name_word(word: str) -> bool:
    return (
        (word[:1].isupper() or looks_like_name(word))
        and word.casefold() not in STOP_NAMES
        and not _BRACKETS.intersection(word)  # "Attention (MHSA": a definition, not a list
    )


def _name_words(words: list[re.Match[str]]) -> bool:
    """Words that can make up one name: a name word, then name words or versions."""
    return (
        0 < len(words) <= _MAX_WORDS
        and _name_word(words[0].group())
        and all(_name_word(w.group()) or _VERSION.fullmatch(w.group()) for w in words[1:])
    )


def list_members(
    text: str,
    sentences: list[tuple[int, int]],
    abstract_start: int,
    known_types: dict[tuple[int, int], str],
) -> list[Candidate]:
    """Candidates for the unknown names of each list whose kind is said before it or shared
    by its known members (``known_types``: the vocabulary's spans and types)."""
    known = sorted(known_types)
    starts = [s for s, _ in known]
    hints = _hints(text)
    lists_of_three = [m.start() for m in _ONE_KNOWN_LIST.finditer(text)]
    out: list[Candidate] = []
    for sent_start, sent_end in sentences:
        if sent_end <= abstract_start:
            continue
        first, last = bisect_left(starts, sent_start), bisect_left(starts, sent_end)
        spans = known[first:last]
        if last - first < 2 and not _within(hints, sent_start, sent_end) and not (
            last - first == 1 and _within(lists_of_three, sent_start, sent_end)
        ):
            continue  # no list here can say what its members are
        pieces = _segments(text, sent_start, sent_end)
        for run in _runs(text, pieces, spans):
            kind = (_said_kind(text, sent_start, run[0][0]) or _voted_kind(run, known_types)
                    or _named_with_one(text, run, known_types))
            if kind is None:
                continue
            for start, end in run:
                if any(s < end and start < e for s, e in spans):
                    continue  # known, or overlapping a known name ("Heron 2.0")
                name = text[start:end]
                if not_a_concept(name) or (
                    opens_sentence(text, start) and not looks_like_name(name.split()[0])
                ):
                    continue
                out.append(Candidate(start, end, name, kind, False, 0.65, "list"))
    return out


def _within(offsets: list[int], start: int, end: int) -> bool:
    """Whether one of the sorted ``offsets`` lies in [start, end)."""
    return bool(offsets) and bisect_left(offsets, end) > bisect_left(offsets, start)


def _hints(text: str) -> list[int]:
    """Sorted offsets of the words that may open a Hearst list (substring searches: few
    texts hold one, and a regular expression's scan costs more than the whole list rule)."""
    out = []
    for word in _HEARST_WORDS:
        at = text.find(word)
        while at >= 0:
            out.append(at)
            at = text.find(word, at + 1)
    return sorted(out)


def _said_kind(text: str, sent_start: int, first: int) -> str | None:
    """The kind the words before a list name: "models such as X, Y and Z" (Hearst 1992)."""
    said = _HEARST.search(text, max(sent_start, first - 40), first)
    return TYPE_WORDS.get(said.group(1).lower()) if said else None


def _voted_kind(run: list[tuple[int, int]], known_types: dict[tuple[int, int], str]) -> str | None:
    """The type two or more known members share, the run's most common; None on a tie."""
    votes = Counter(known_types[m] for m in run if m in known_types).most_common(2)
    if not votes or votes[0][1] < 2 or (len(votes) > 1 and votes[1][1] == votes[0][1]):
        return None
    return votes[0][0]


def _named_with_one(
    text: str, run: list[tuple[int, int]], known_types: dict[tuple[int, int], str]
) -> str | None:
    """The type of a list's one known member when the list has three members or more and
    every other one is written as a name on its own ("H2O, StreamingLLM and SnapKV": names
    listed beside a known one are of its kind, as a list with two known members says)."""
    known = [known_types[m] for m in run if m in known_types]
    unknown = [text[s:e] for s, e in run if (s, e) not in known_types]
    if len(run) < 3 or len(known) != 1 or not all(map(_name_shaped, unknown)):
        return None
    return known[0]


def _name_shaped(word: str) -> bool:
    """One word written as a name, never as an ordinary word: a capital or a digit after
    its first letter ("SnapKV", "H2O"), not a capitalised word ("Quoll", "Table")."""
    return " " not in word and word[:1].isupper() and any(
        c.isupper() or c.isdigit() for c in word[1:])


def _segments(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """The sentence cut at list separators: (start, end, closing) of each piece, where
    ``closing`` says that "and" or "or" comes before it (the piece ends a list)."""
    out, at, closing = [], start, False
    for sep in _SEPARATOR.finditer(text, start, end):
        out.append((at, sep.start(), closing))
        at, closing = sep.end(), bool(_CONJUNCTION.search(sep.group()))
    out.append((at, end, closing))
    return out


def _runs(
    text: str, segments: list[tuple[int, int, bool]], known: list[tuple[int, int]]
) -> list[list[tuple[int, int]]]:
    """The lists in a sentence: runs of segments each naming one thing, as member spans.
    The first member may end a longer segment ("baselines such as Heron"), the last may
    open one ("Wren on three splits"); the ones between must be names and nothing else.
    The member after "and"/"or" is the last: "On X, Y and Z, OurNet wins" lists three."""
    runs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for seg_start, seg_end, closing in segments:
        words = list(_WORD.finditer(text, seg_start, seg_end))
        if not words:
            if len(current) >= 2:
                runs.append(current)
            current = []
            continue
        whole = _member(text, words, seg_end, known, "whole")
        if current:
            member = whole or _member(text, words, seg_end, known, "head")
            if member is not None:
                current.append(member)
                if whole is not None and not closing:
                    continue  # a name and nothing else after a comma: the list goes on
            if len(current) >= 2:
                runs.append(current)
            if member is not None and (whole is not None or closing):
                current = []  # the list ended with this piece
                continue
        start = whole or _member(text, words, seg_start, known, "tail")
        current = [start] if start is not None else []
    if len(current) >= 2:
        runs.append(current)
    return runs


def _member(
    text: str, words: list[re.Match[str]], bound: int, known: list[tuple[int, int]], part: str
) -> tuple[int, int] | None:
    """The member a segment (its ``words``) holds: the whole segment ("whole"), its last
    words ("tail") or its first words ("head"), each either a known concept's span or a run
    of name words; ``bound`` is where the segment starts (tail) or ends (head, whole)."""
    for k_start, k_end in known:  # few per sentence
        if part == "whole" and (k_start, k_end) == (words[0].start(), words[-1].end()):
            return k_start, k_end
        if part == "tail" and k_end == words[-1].end() and k_start >= bound:
            return k_start, k_end
        if part == "head" and k_start == words[0].start() and k_end <= bound:
            return k_start, k_end
    if part == "whole":
        chosen = words if _name_words(words) else []
    elif part == "tail":
        n = next((n for n in range(min(len(words), _MAX_WORDS), 0, -1)
                  if _name_words(words[-n:])), 0)
        chosen = words[-n:] if n else []
    else:
        n = next((n for n in range(min(len(words), _MAX_WORDS), 0, -1)
                  if _name_words(words[:n])), 0)
        chosen = words[:n]
        if n and n < len(words) and words[n].group()[:1].isupper():
            return None  # "Stability AI models": the name runs on into a word no name has
    if not chosen:
        return None
    s, e = chosen[0].start(), chosen[-1].end()
    while e > s and not text[e - 1].isalnum() and text[e - 1] not in "!+":
        e -= 1  # a closing parenthesis or full stop is no part of the name
    return (s, e) if e > s else None
