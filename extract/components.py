"""The spaCy component ``paper_kg_concepts``: vocabulary matches, coined names, one concept per
thing, roles and evidence, for a doc whose text is ``title + "\\n\\n" + abstract``.

Use it in any pipeline::

    nlp = spacy.blank("en"); nlp.add_pipe("sentencizer")
    nlp.add_pipe("paper_kg_concepts", config={"vocabularies": ["my.ttl"]})
    doc = nlp("Informer: ...\\n\\nWe propose Informer ...")
    doc._.paper_kg   # list of ConceptLink JSON dicts (the `kg extract` contract)
    doc.spans["paper_kg"]  # label_ = type, kb_id_ = concept id

A text without a blank line is one field named "text".
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from extract.canonical import coined_id, match_key
from extract.coined import (
    NAME_TOKEN,
    TYPE_WORDS,
    Candidate,
    _context_type,
    base_name,
    find_candidates,
    type_by_suffix,
)
from extract.vocabulary import VocabEntry, VocabularyMatcher, load_vocabulary

FIELD_SEPARATOR = "\n\n"
_SENT = re.compile(r"[^.!?]+(?:[.!?]+(?=\s|$)|$)|[.!?]+")
_APPOSITIVE = re.compile(
    r"^\)?\s*(?:\([^)]*\)\s*)?,\s*(?:which is\s+)?(?:a|an|the)\s+((?:[\w-]+,?\s*){1,8})"
)
# "We introduce X. This framework ...": the next sentence says what X is.
_NEXT_SENTENCE = re.compile(r"^\)?\.\s+(?:This|The|Our|Such an?)\s+((?:[\w-]+\s+){0,2}[\w-]+)")

if not Doc.has_extension("paper_kg"):
    Doc.set_extension("paper_kg", default=None)


@dataclass
class _Group:
    """A concept being assembled from the mentions of one doc."""

    id: str
    name: str
    type: str
    source: str
    proposed: bool = False
    confidence: float = 0.0
    spans: set[tuple[int, int]] = field(default_factory=set)
    aliases: set[str] = field(default_factory=set)


def sentence_spans(
    doc: Doc, text: str, title_end: int, abstract_start: int
) -> list[tuple[int, int]]:
    """Sentence character spans; the title is always a sentence of its own. ``text`` is
    ``doc.text``, passed in because spaCy rebuilds that string on every access."""
    if len(doc) and doc.has_annotation("SENT_START"):
        # Arrays instead of doc.sents: iterating Span objects costs more than the matching.
        arr = doc.to_array(["SENT_START", "IDX"])
        starts = arr[arr[:, 0] == 1, 1].tolist()
        if not starts or starts[0] != 0:
            starts.insert(0, 0)
        ends = [*starts[1:], len(text)]
        spans = [(s, len(text[s:e].rstrip()) + s) for s, e in zip(starts, ends, strict=True)]
    else:
        spans = [(m.start(), m.end()) for m in _SENT.finditer(text) if m.group().strip()]
    out = []
    for start, end in spans:
        if title_end and start < abstract_start and end > title_end:
            out.append((start, title_end))
            if end > abstract_start:
                out.append((abstract_start, end))
        else:
            out.append((start, end))
    return out


class _Sentences:
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


class ConceptComponent:
    """Finds architectures, benchmarks and methods; see the module docstring."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        vocabularies: list[str],
        default_vocabulary: bool,
        coined: bool,
        min_confidence: float,
        spans_key: str,
    ) -> None:
        self.name = name
        entries = load_vocabulary([Path(p) for p in vocabularies], default_vocabulary)
        self.configure(entries)
        self.coined = coined
        self.min_confidence = min_confidence
        self.spans_key = spans_key

    def configure(self, entries: list[VocabEntry]) -> None:
        """Replace the vocabulary (the Extractor passes entries it has already loaded)."""
        self.entries = entries
        self.by_id = {e.id: e for e in entries}
        self.vocab_ids = frozenset(self.by_id)
        self.matcher = VocabularyMatcher(entries)

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        links = self.links(doc, text)
        doc._.paper_kg = links
        sep = text.find(FIELD_SEPARATOR)
        abstract_start = sep + len(FIELD_SEPARATOR) if sep >= 0 else 0
        spans = []
        for link in links:
            for mention in link["mentions"]:
                offset = abstract_start if mention["field"] == "abstract" else 0
                span = doc.char_span(
                    mention["start"] + offset,
                    mention["end"] + offset,
                    label=link["type"],
                    kb_id=link["id"],
                    alignment_mode="expand",
                )
                if span is not None:
                    spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc

    def links(self, doc: Doc, text: str) -> list[dict[str, Any]]:
        """The concept dicts for ``doc`` (whose text is ``text``) without annotating it: the
        Extractor needs only these, not the spans or the rebuilt ``doc.text``."""
        sep = text.find(FIELD_SEPARATOR)
        title_end, abstract_start = (sep, sep + len(FIELD_SEPARATOR)) if sep >= 0 else (0, 0)
        sentences = _Sentences(sentence_spans(doc, text, title_end, abstract_start), text)
        groups = self._concepts(text, title_end, abstract_start, sentences)
        return [
            self._link(g, text, sep, abstract_start, sentences)
            for g in groups
            if g.confidence >= self.min_confidence
        ]

    # ------------------------------------------------------------------ assembly

    def _concepts(
        self, text: str, title_end: int, abstract_start: int, sentences: _Sentences
    ) -> list[_Group]:
        groups: dict[str, _Group] = {}
        owner: dict[tuple[int, int], str] = {}  # mention span -> concept id
        matches = self.matcher.find(text)
        for m in matches:
            entry = m.entry
            group = groups.get(entry.concept_id)
            if group is None:
                group = groups[entry.concept_id] = _Group(
                    entry.concept_id, entry.name, entry.type, "vocabulary", confidence=0.9
                )
            owner[(m.start, m.end)] = group.id
        if self.coined:
            known = {(m.start, m.end): m.entry.type for m in matches}
            candidates = find_candidates(
                text, title_end, abstract_start, sentences.spans, list(known), known
            )
            redirect: dict[str, str] = {}  # short-form key -> the concept it was defined as
            self._link_abbreviations(text, candidates, matches, groups, owner, redirect)
            self._coined(text, candidates, matches, groups, owner, redirect, sentences)
            for span in list(owner):
                target = redirect.get(match_key(text[span[0] : span[1]]))
                if target:
                    owner[span] = target
        # Overlaps: the longest mention wins (a coined "Evolved Transformer" over "Transformer").
        # Kept spans are disjoint and non-empty, so sorted by start their ends ascend too: a
        # span overlaps a kept one iff the last kept span starting before its end reaches past
        # its start.
        starts: list[int] = []
        ends: list[int] = []
        for span in sorted(owner, key=lambda s: (s[0] - s[1], s[0])):
            at = bisect_left(starts, span[1])
            if at and ends[at - 1] > span[0]:
                continue
            starts.insert(at, span[0])
            ends.insert(at, span[1])
            groups[owner[span]].spans.add(span)
        return sorted((g for g in groups.values() if g.spans), key=lambda g: min(g.spans))

    def _link_abbreviations(self, text, candidates, matches, groups, owner, redirect) -> None:
        """'large language models (LLMs)': the unknown side joins the known side's concept,
        everywhere in the paper. A known short form defined as something else ("Scale-Aware
        Modulation (SAM)") becomes a coined concept instead of the vocabulary's SAM."""
        for cand in candidates:
            if cand.reason != "abbrev-link" or cand.defines is None:
                continue
            short = (cand.start, cand.end)
            long_ = cand.defines
            short_m = next((m for m in matches if m.start < short[1] and short[0] < m.end), None)
            long_m = next(
                (m for m in matches if m.end >= long_[1] - 1 and m.start <= long_[0] + 3), None
            )
            if long_m is not None:
                if short_m is not None and short_m.entry is not long_m.entry:
                    owner.pop((short_m.start, short_m.end), None)
                owner[short] = long_m.entry.concept_id
                redirect[match_key(cand.text)] = long_m.entry.concept_id
            elif short_m is not None and (short_m.start, short_m.end) == short:
                entry = short_m.entry
                long_key = match_key(text[long_[0] : long_[1]])
                expansions = [
                    match_key(s)
                    for s in entry.surfaces()
                    if " " in s or len(s) > len(cand.text) + 3
                ]
                if expansions and long_key not in expansions and cand.type is not None:
                    owner.pop(short, None)  # a different thing that shares the abbreviation
                    cand.reason, cand.confidence = "abbreviation", 0.8
                elif not [m for m in matches if long_[0] <= m.start and m.end <= long_[1]]:
                    owner[long_] = entry.concept_id

    def _coined(self, text, candidates, matches, groups, owner, redirect, sentences) -> None:
        by_key: dict[str, list[Candidate]] = {}
        for cand in candidates:
            if cand.reason == "abbrev-link":
                continue
            if cand.reason == "title":
                full = [m for m in matches if m.start == 0 and m.end >= cand.end - 1]
                if full:  # "Mamba: Linear-Time ..." - a vocabulary concept the paper introduces
                    groups[full[0].entry.concept_id].proposed = True
                    continue
            if cand.reason == "proposal":
                same = [m for m in matches if (m.start, m.end) == (cand.start, cand.end)]
                if same:  # "We propose the Transformer": a vocabulary concept introduced here
                    groups[same[0].entry.concept_id].proposed = True
                    continue
            key = match_key(base_name(cand.text))  # 'Satori-SWE-32B' is Satori-SWE
            if key:
                by_key.setdefault(key, []).append(cand)
        for key, cands in by_key.items():
            reasons = {c.reason for c in cands}
            target = groups.get(redirect.get(key, ""))
            if target is not None and "abbreviation" not in reasons:
                # a short form defined as a vocabulary concept: "the proposed TNT" proposes it
                if any(c.proposed and c.reason != "shape" for c in cands):
                    target.proposed = True
                continue
            if "abbreviation" not in reasons and self.matcher.lookup(cands[0].text):
                continue
            if reasons == {"shape"} and len(cands) == 1 and cands[0].confidence < 0.6:
                continue
            defined = [c for c in cands if c.reason in ("abbreviation", "title")]
            name = (defined or sorted(cands, key=lambda c: (len(c.text), c.start)))[0].text
            name = base_name(name)
            mentions = self._occurrences(text, key, name)
            for long_form in {text[c.defines[0] : c.defines[1]] for c in cands if c.defines}:
                # the long form elsewhere ("Generative Architecture Search" in the title)
                words = map(re.escape, re.split(r"[\s‐-]+", long_form))
                found = re.finditer(r"\b" + r"[\s‐-]+".join(words) + r"\b", text, re.I)
                mentions |= {(m.start(), m.end()) for m in found}
            mentions |= {(c.start, c.end) for c in cands}
            mentions |= {c.defines for c in cands if c.defines}
            kind = self._type(text, cands, mentions, sentences)
            cid = coined_id(name, self.vocab_ids)
            group = groups.get(cid) or _Group(cid, name, kind, "coined")
            groups[cid] = group
            group.proposed = group.proposed or any(c.proposed for c in cands)
            group.confidence = max(
                group.confidence,
                max(c.confidence for c in cands) + (0.05 if len(mentions) > 1 else 0),
            )
            for span in mentions:
                owner.setdefault(span, cid)
            if "abbreviation" in reasons:
                redirect[key] = cid

    @staticmethod
    def _occurrences(text: str, key: str, name: str) -> set[tuple[int, int]]:
        """Every place the coined name appears, in title and abstract, in any variant."""
        found = set()
        if " " in name:
            for m in re.finditer(re.escape(name), text, re.I):
                found.add((m.start(), m.end()))
            return found
        first = key[:1]
        for m in NAME_TOKEN.finditer(text):
            token = m.group()
            if token[:1].lower() != first and not token[:1].isdigit():
                continue  # cheap filter before the key
            end = m.end()
            if token.endswith(("'s", "’s")):
                token, end = token[:-2], end - 2
            if match_key(token) == key or match_key(base_name(token)) == key:
                found.add((m.start(), end))
        return found

    @staticmethod
    def _type(text, cands, mentions, sentences) -> str:
        votes: Counter[str] = Counter()
        for cand in cands:
            if cand.type:
                votes[cand.type] += 2 if cand.reason == "abbreviation" else 1
        for start, end in sorted(mentions):
            following = text[end : end + 100]
            for pattern in (_APPOSITIVE, _NEXT_SENTENCE):
                said = pattern.match(following)
                if said:
                    words = re.split(r"[\s,-]+", said.group(1).lower())
                    head = next((TYPE_WORDS[w] for w in words if w in TYPE_WORDS), None)
                    if head:
                        votes[head] += 4
            sent = sentences.at(start) or (0, len(text))
            kind = _context_type(text, start, end, *sent)
            if kind:
                votes[kind] += 1
        suffix = type_by_suffix(cands[0].text)
        if suffix:
            votes[suffix] += 2
        return votes.most_common(1)[0][0] if votes else "method"

    @staticmethod
    def _link(
        group: _Group, text: str, sep: int, abstract_start: int, sentences: _Sentences
    ) -> dict:
        mentions = []
        for start, end in sorted(group.spans):
            if sep >= 0 and start < sep:
                field_name, offset, sentence = "title", 0, text[:sep]
            else:
                field_name = "abstract" if sep >= 0 else "text"
                offset = abstract_start
                sentence = sentences.sentence(start, end)
            mentions.append(
                {
                    "text": text[start:end],
                    "field": field_name,
                    "start": start - offset,
                    "end": end - offset,
                    "sentence": sentence,
                }
            )
        return {
            "id": group.id,
            "name": group.name,
            "type": group.type,
            "proposed": group.proposed,
            "confidence": round(min(group.confidence, 0.99), 2),
            "mentions": mentions,
            "source": group.source,
        }


@Language.factory(
    "paper_kg_concepts",
    default_config={
        "vocabularies": [],
        "default_vocabulary": True,
        "coined": True,
        "min_confidence": 0.0,
        "spans_key": "paper_kg",
    },
)
def make_concepts(
    nlp: Language,
    name: str,
    vocabularies: list[str],
    default_vocabulary: bool,
    coined: bool,
    min_confidence: float,
    spans_key: str,
) -> ConceptComponent:
    return ConceptComponent(
        nlp, name, vocabularies, default_vocabulary, coined, min_confidence, spans_key
    )


def links_of(doc: Doc) -> list[dict[str, Any]]:
    """The concept dicts the component left on a doc (empty when it did not run)."""
    return list(doc._.paper_kg or [])
