"""Concept vocabularies: the shipped CSV plus user CSV or SKOS Turtle files.

CSV columns: ``id`` (slug), ``name``, ``type`` (architecture|benchmark|method), ``aliases``
and ``broader`` ("|"-separated), ``variants`` ("fold": size suffixes such as -base/-7B fold
into the entry). SKOS: ``skos:Concept`` with ``skos:prefLabel``/``skos:altLabel``/
``skos:broader``; the type comes from ``rdf:type pkg:Architecture|Benchmark|Method`` with
``pkg = https://paper-kg.org/schema#``. Later files override earlier entries with the same id.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from kg.extract.canonical import WORD, match_key, singular, slug
from kg.extract.coined import fold_piece, tokens_and_pieces
from kg.model import CONCEPT_TYPES, ConceptInfo
from kg.resources import shipped

DEFAULT_VOCABULARY = shipped("kg.extract", "data", "vocabulary.csv")
PKG = "https://paper-kg.org/schema#"


class VocabularyError(ValueError):
    """A vocabulary file cannot be read; the message names the file and what to fix."""


@dataclass
class VocabEntry:
    """One vocabulary concept with every surface form that names it."""

    id: str  # the slug, without the "concept:" prefix
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    broader: list[str] = field(default_factory=list)  # slugs
    fold: bool = False  # size/config suffixes (-base, -7B, -B/16) fold into this entry

    @property
    def concept_id(self) -> str:
        return f"concept:{self.id}"

    def surfaces(self) -> list[str]:
        return list(dict.fromkeys([self.name, *self.aliases]))

    def info(self) -> ConceptInfo:
        return ConceptInfo(
            id=self.concept_id,
            name=self.name,
            type=self.type,
            aliases=list(self.aliases),
            broader=[f"concept:{b}" for b in self.broader],
            source="vocabulary",
        )


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split("|") if part.strip()]


def _strip_prefix(value: str) -> str:
    return value.removeprefix("concept:").strip()


def read_csv(path: Path) -> Iterator[VocabEntry]:
    """Entries of one vocabulary CSV; a bad row is an error naming file and line."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"id", "name", "type"} - set(reader.fieldnames or [])
        if missing:
            raise VocabularyError(
                f"{path}: missing column(s) {', '.join(sorted(missing))}; expected "
                "id,name,type,aliases,broader,variants"
            )
        for line, row in enumerate(reader, start=2):
            name = (row.get("name") or "").strip()
            kind = (row.get("type") or "").strip().lower()
            ident = _strip_prefix(row.get("id") or "") or slug(name)
            if not name:
                raise VocabularyError(f"{path}:{line}: empty name")
            if kind not in CONCEPT_TYPES:
                raise VocabularyError(
                    f"{path}:{line}: type {kind!r} is not one of {', '.join(CONCEPT_TYPES)}"
                )
            yield VocabEntry(
                id=ident,
                name=name,
                type=kind,
                aliases=_split(row.get("aliases")),
                broader=[_strip_prefix(b) for b in _split(row.get("broader"))],
                fold=(row.get("variants") or "").strip().lower() == "fold",
            )


def read_skos(path: Path) -> Iterator[VocabEntry]:
    """Entries of a SKOS Turtle file; concepts without a pkg: type are skipped."""
    import rdflib
    from rdflib.namespace import RDF, SKOS

    graph = rdflib.Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as error:  # rdflib raises many parser-specific types
        raise VocabularyError(f"{path}: not valid Turtle: {error}") from None
    types = {rdflib.URIRef(PKG + kind.capitalize()): kind for kind in CONCEPT_TYPES}

    def local_id(node: rdflib.term.Node) -> str:
        text = str(node)
        return slug(text.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1])

    for subject in sorted(set(graph.subjects(RDF.type, SKOS.Concept)), key=str):
        kind = next((types[t] for t in graph.objects(subject, RDF.type) if t in types), None)
        labels = [str(v) for v in graph.objects(subject, SKOS.prefLabel)]
        if kind is None or not labels:
            continue
        english = [
            str(v)
            for v in graph.objects(subject, SKOS.prefLabel)
            if getattr(v, "language", None) in (None, "en")
        ]
        name = sorted(english or labels)[0]
        aliases = sorted({str(v) for v in graph.objects(subject, SKOS.altLabel)} | set(labels))
        yield VocabEntry(
            id=local_id(subject),
            name=name,
            type=kind,
            aliases=[a for a in aliases if a != name],
            broader=sorted(local_id(b) for b in graph.objects(subject, SKOS.broader)),
            fold=any(
                str(v).lower() == "fold"
                for v in graph.objects(subject, rdflib.URIRef(PKG + "variants"))
            ),
        )


def read_vocabulary_file(path: Path) -> Iterator[VocabEntry]:
    """Dispatch on the suffix: .ttl/.turtle/.n3 is SKOS, anything else CSV."""
    if not path.exists():
        raise VocabularyError(f"{path}: no such vocabulary file")
    if path.suffix.lower() in {".ttl", ".turtle", ".n3"}:
        return read_skos(path)
    return read_csv(path)


def load_vocabulary(
    paths: Iterable[Path | str] | None = None, include_default: bool = True
) -> list[VocabEntry]:
    """The shipped vocabulary (when present) followed by ``paths``; later ids override."""
    files = [DEFAULT_VOCABULARY] if include_default and DEFAULT_VOCABULARY.exists() else []
    files += [Path(p) for p in paths or []]
    entries: dict[str, VocabEntry] = {}
    for path in files:
        for entry in read_vocabulary_file(path):
            entries[entry.id] = entry
    return list(entries.values())


# ---------------------------------------------------------------------------- matching

# What may join two word pieces inside one name: "Vision Transformer", "Vision-Transformer",
# "WMT'14", "Llama 3.1" ('.' only before a digit, checked separately: "FLUX.1").
_JOINERS = frozenset({" ", "-", "‐", "‑", "'", "’", "_", ""})
# Size/config suffixes folded into entries marked "fold": -base, -7B, -B/16, " large".
_FOLD_SUFFIX = re.compile(
    r"(?:[-‐ ](?:\d+(?:\.\d+)?[BMKbmk]|base|large|small|tiny|huge|giant|medium|mini|xl|xxl"
    r"|XL|XXL|Base|Large|Small|Tiny|Huge)|-[BLSHGT](?:/\d+)?|-[BLSHG]\d+"
    r"|(?<=\d[BMbm])-(?:it|IT|Instruct|instruct|Chat|chat|A\d+(?:\.\d+)?B))+(?:/\d+)?(?![\w])"
)  # "-it", "-Instruct", "-Chat" only after a size: "Gemma-2-2B-it", not "Orca-Chat"; so
# is a mixture of experts' active size ("Qwen3-235B-A22B")
# A model's size in parameters ("CogVideoX-5B", "X 1.3B"): a checkpoint of any architecture,
# folded or not.
_PARAMETER_COUNT = re.compile(r"[-‐ ]\d+(?:\.\d+)?[BM](?!\w|[.,]\d)")
# A benchmark's edition year ("COCO 2017", "Amazon Reviews 2023"): the same dataset's release.
_EDITION_YEAR = re.compile(r" (?:19|20)\d\d(?![\w%]|[.,]\d)")


_CAMEL_WORDS = re.compile(r"(?:[A-Z][a-z]{2,})+")
# A short form defined inside a name, between its words: "key-value (KV) cache".
_INLINE_SHORT = re.compile(r" \(([A-Z][A-Za-z0-9-]{1,10})\) (?=[a-z])")


def _initials_of(short: str, words: str) -> bool:
    """``short`` is made of the initials of ``words`` ("KV" of "key-value")."""
    letters = [ch for ch in short.lower() if ch.isalpha()]
    return letters == [w[0].lower() for w in re.split(r"[\s\-‐]+", words) if w]


def is_acronym(surface: str) -> bool:
    """Surfaces with two or more capitals ('CLIP', 'ViT') only match text that keeps capitals,
    so that 'clip' or 'Sam' do not become CLIP or SAM. Two exceptions: capitalised words run
    together ('FlashAttention', 'ResNet', 'CamVid') are plain words and match 'flash-attention'
    or 'Resnet101'; a final one-letter capital ('Shap-E', 'Point-E') needs its capitals, so that
    the ordinary word 'shape' is not Shap-E (while 'Q-learning' matches 'q-learning')."""
    pieces = [p for p in re.split(r"[\s\-‐/]+", surface) if p]
    if len(pieces) > 1 and len(pieces[-1]) == 1 and pieces[-1].isupper():
        return True
    return any(
        sum(ch.isupper() for ch in piece) >= 2 and not _CAMEL_WORDS.fullmatch(piece)
        for piece in pieces
    )


def lowercased_title(title: str) -> bool:
    """A title its source lower-cased (Google Scholar's BibTeX: "Bert: pre-training of deep
    bidirectional transformers"): no capital but the first letter and the one after a
    colon, and long enough to tell (three words or more)."""
    rest = re.sub(r"^\W*\w|:\s*\w", "", title)
    return len(title.split()) >= 3 and rest == rest.lower() and title != title.lower()


def _capitals(text: str) -> int:
    return sum(map(str.isupper, text))  # (no generator: called for every acronym key hit)


@dataclass(frozen=True)
class VocabMatch:
    """A vocabulary hit: ``text[start:end]`` names ``entry``."""

    start: int
    end: int
    entry: VocabEntry
    folded: bool = False  # a size suffix (a benchmark's edition year) was folded into the entry


class VocabularyMatcher:
    """Greedy longest-match over word pieces with case/hyphen/space/plural-folded keys.

    A character-prefix set of all keys lets the scan stop after one dict lookup for almost
    every piece, which keeps matching far faster than the spaCy tokenizer itself.
    """

    def __init__(self, entries: Iterable[VocabEntry]) -> None:
        self.entries = list(entries)
        self.keys: dict[str, list[tuple[VocabEntry, bool]]] = {}
        self.prefixes: set[str] = set()
        for entry in self.entries:
            for surface in entry.surfaces():
                key = match_key(surface)
                if not key:
                    continue
                slot = self.keys.setdefault(key, [])
                acronym = is_acronym(surface)
                index = next((i for i, (e, _) in enumerate(slot) if e is entry), None)
                if index is None:
                    slot.append((entry, acronym))
                elif not acronym:  # 'Detection Transformer' frees 'DEtection TRansformer'
                    slot[index] = (entry, False)
                plain = "".join(fold_piece(w) for w in WORD.findall(surface))
                for text in {key, plain}:
                    self.prefixes.update(text[:i] for i in range(1, len(text) + 1))
        # The pieces that name an entry alone: keys and plurals whose singular is a key. Any
        # other piece starts a match only if it and the next piece's first letter begin a key
        # (a piece's singular keeps its first letter): set lookups skip nearly every piece.
        plurals = {p for k in self.keys for p in (k + "s", k + "es", k[:-1] + "ies")}
        self.starters = set(self.keys) | {p for p in plurals if singular(p) in self.keys}
        self.starters |= {k + "s" for k in self.keys}  # acronyms' plurals: "GRUs", "ReLUs"
        # the letters that may follow each prefix (as one string): "piece + next letter
        # begins a key" is then a lookup of a string already hashed and a search of a few
        # letters, not a new string hashed per piece
        letters: dict[str, set[str]] = {}
        for prefix in self.prefixes:
            if len(prefix) > 1:
                letters.setdefault(prefix[:-1], set()).add(prefix[-1])
        self.next_letters = {p: "".join(sorted(chars)) for p, chars in letters.items()}
        by_id = {entry.id: entry for entry in self.entries}
        # each entry's broader concepts, transitively ("self-attention" -> "attention-mechanism")
        self.ancestors: dict[str, frozenset[str]] = {}
        for entry in self.entries:
            seen: set[str] = set()
            todo = list(entry.broader)
            while todo:
                slug = todo.pop()
                if slug not in seen and slug in by_id:
                    seen.add(slug)
                    todo += by_id[slug].broader
            self.ancestors[entry.id] = frozenset(seen)

    def lookup(self, surface: str) -> VocabEntry | None:
        """The entry a standalone surface string names (case rule applied), if any."""
        for entry, acronym in self.keys.get(match_key(surface), []):
            if not acronym or _capitals(surface) >= 2:
                return entry
        return None

    def find(
        self, text: str, pieces: list[tuple[int, int, str]] | None = None,
        caseless_until: int = 0,
    ) -> list[VocabMatch]:
        """Non-overlapping matches in ``text``, left to right. Where a match starting inside
        another one reaches further and is longer, it wins: in "multi-task learning rate
        warm-up" the name is "learning rate warm-up", not "multi-task learning". So does one
        as long that starts at the other's last word, whose head it makes a modifier ("the
        multi-task learning rate schedule" is a schedule), unless it names a broader concept
        of the other ("self-attention mechanism" stays Self-attention).
        ``pieces`` are the text's word pieces (``tokens_and_pieces``) when the caller has
        them; before ``caseless_until`` (the head of a title its source lower-cased) an
        acronym matches in any case."""
        if pieces is None:
            pieces = tokens_and_pieces(text)[1]
        matches: list[VocabMatch] = []
        i, n = 0, len(pieces)
        for at in self._openers(pieces):
            if at < i:
                continue  # inside the match before
            i = at
            found = self._longest_at(text, pieces, i, True, caseless_until)
            if found is None:
                continue
            last, end, entry = found
            for k in range(i + 1, last + 1):
                rival = self._longest_at(text, pieces, k, False, caseless_until)
                if rival is not None and rival[0] > last and (
                    rival[0] - k > last - i
                    or (k == last and rival[0] - k == last - i
                        and rival[2].id not in self.ancestors[entry.id])
                ):
                    i, (last, end, entry) = k, rival
                    break
            folded = False
            size = (
                _FOLD_SUFFIX.match(text, end) if entry.fold
                else _PARAMETER_COUNT.match(text, end) if entry.type == "architecture"
                else _EDITION_YEAR.match(text, end) if entry.type == "benchmark"
                else None
            )
            if size:
                end, folded = size.end(), True
            matches.append(VocabMatch(pieces[i][0], end, entry, folded))
            while i < n and pieces[i][0] < end:
                i += 1
        return matches

    def _openers(self, pieces: list[tuple[int, int, str]]) -> list[int]:
        """The indices of the pieces that may begin a match, in order: a piece that names
        an entry alone, or one that the next piece extends to the start of a key (tested
        first by the next piece's first letter: the common case). One comprehension over
        the pieces instead of a Python loop step per piece."""
        lows = [piece[2] for piece in pieces]
        if not lows:
            return []
        starters, next_letters, begins = self.starters, self.next_letters, self._begins_key
        out = [
            i for i, (low, following) in enumerate(pairwise(lows))
            if low in starters or (
                following[0] in next_letters.get(low, "") and begins(low, following))
        ]
        if lows[-1] in starters:
            out.append(len(lows) - 1)
        return out

    def _begins_key(self, low: str, following: str) -> bool:
        """A piece that names nothing alone begins a match only if the next piece extends
        it to the start of a key, or (a plural) to a key."""
        return low + following in self.prefixes or (
            following[-1] == "s" and low + singular(following) in self.keys
        )

    def _longest_at(
        self, text: str, pieces: list[tuple[int, int, str]], i: int, checked: bool = False,
        caseless_until: int = 0,
    ) -> tuple[int, int, VocabEntry] | None:
        """The longest match starting at piece ``i``: (its last piece, end offset, entry).
        ``checked``: the caller has made sure that piece ``i`` may begin one."""
        keys, prefixes = self.keys, self.prefixes
        low, n = pieces[i][2], len(pieces)
        if not checked and low not in self.starters and (
            i + 1 == n
            or pieces[i + 1][2][0] not in self.next_letters.get(low, "")
            or not self._begins_key(low, pieces[i + 1][2])
        ):
            return None
        start = pieces[i][0]
        acc = ""
        best: tuple[int, int, VocabEntry] | None = None
        j = i
        while j < n:
            s, e, low = pieces[j]
            if j > i:
                end_before = pieces[j - 1][1]
                gap = text[end_before:s]
                if gap not in _JOINERS and not (gap == "." and low[0].isdigit()):
                    # "key-value (KV) cache": a short form defined inside the name
                    inline = _INLINE_SHORT.match(text, end_before) if gap == " (" else None
                    if inline is None or not _initials_of(inline.group(1), text[start:end_before]):
                        break
                    while j < n and pieces[j][0] < inline.end():
                        j += 1
                    if j == n or pieces[j][0] != inline.end():
                        break
                    s, e, low = pieces[j]
            whole = acc + low
            cand = acc + singular(low, text[s:e]) if low[-1] == "s" else whole
            if cand in keys or whole in keys:
                for entry, acronym in keys.get(cand) or keys[whole]:
                    if not acronym or start < caseless_until or _capitals(text[start:e]) >= 2:
                        best = (j, e, entry)
                        break
            if whole not in prefixes:
                break
            acc = whole
            j += 1
        return best
