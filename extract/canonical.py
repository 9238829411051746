"""Keys that decide when two surface strings name the same concept.

``match_key`` folds case, accents, hyphens/spaces/slashes and a plural ``s`` so that
"Vision Transformers", "vision-transformer" and "VisionTransformer" share one key.
``slug`` makes ids. Coined concepts get ``concept:<slug of canonical name>``; when that slug
is already a vocabulary id (a different concept, or the vocabulary would have matched it) a
short hash of the folded name is appended, so a coined id never names a vocabulary entry.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from kg.normalize import fold, slug

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_POSSESSIVE = re.compile(r"['’]s$")
# Word pieces for matching: runs of letters/digits; separators are kept out of the pieces.
WORD = re.compile(r"[^\W_]+")
_ACRONYM_PLURAL = re.compile(r"(?=(?:.*[A-Z]){2})[^\W_]*[A-Z]s")  # two capitals, then an s
__all__ = ["WORD", "coined_id", "match_key", "singular", "slug"]


def singular(word: str, written: str = "") -> str:
    """Strip an English plural from a folded word ('strategies' -> 'strategy', 'vits' -> 'vit').
    ``written``, the word as written, tells an acronym's plural ('GRUs', 'ReLUs') from words
    such as 'focus' and 'bias', which keep their s."""
    last = written[-1:]
    if last == "s" and not written.islower() and _ACRONYM_PLURAL.fullmatch(written):
        return word[:-1]
    if last == "S" and (not written.isupper() or len(written) <= 5):
        return word  # "GlaS", "DARTS": a capital S is part of the name, not a plural
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 2 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


GREEK_LETTERS = "\u0391-\u03a9\u03b1-\u03c9"  # both cases, final sigma included; a [] range
_GREEK = re.compile(f"[{GREEK_LETTERS}]")


def greek_named(text: str) -> str:
    """Greek letters spelled out ("PixArt-Σ" -> "PixArt-sigma"): names write a generation
    either way ("PixArt-α" and "PixArt-alpha"), and the ASCII fold would drop a lone symbol,
    making "PixArt-Σ" the key of "PixArt-α"."""
    if text.isascii() or not _GREEK.search(text):
        return text
    return _GREEK.sub(lambda m: unicodedata.name(m.group()).rsplit(" ", 1)[-1].lower(), text)


@lru_cache(maxsize=1 << 16)
def match_key(text: str) -> str:
    """Case/hyphen/space/plural-folded key: the identity of a surface form (cached: the
    extractor keys the same names over and over)."""
    text = _POSSESSIVE.sub("", greek_named(text))
    words = [w for w in _NON_ALNUM.split(text.lower() if text.isascii() else fold(text)) if w]
    if not words:
        return ""
    written = WORD.findall(text)
    words[-1] = singular(words[-1], written[-1] if written else "")
    return "".join(words)


def coined_id(name: str, vocabulary_ids: set[str] | frozenset[str] = frozenset()) -> str:
    """The id of a coined concept; disambiguated when its slug is a vocabulary id."""
    base = slug(name)
    if base in vocabulary_ids:
        digest = hashlib.sha1(match_key(name).encode()).hexdigest()[:6]
        base = f"{base}-coined-{digest}"
    return f"concept:{base}"
