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
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc
from spacy.training import Example
from thinc.api import Model, Optimizer

from kg.extract.canonical import coined_id, match_key
from kg.extract.coined import (
    CLASS_ACRONYMS,
    TYPE_WORDS,
    VERSION_AFTER,
    Candidate,
    _context_type,
    base_name,
    find_candidates,
    head_type,
    long_form_spans,
    metric_named_after,
    names_a_collection,
    not_a_concept,
    tokens_and_pieces,
    type_by_suffix,
)
from kg.extract.lists import list_members
from kg.extract.merge import same_spelled
from kg.extract.proposals import GENERIC, Proposer, head_words
from kg.extract.roles import STRONG_PROPOSAL, asserts_contribution, is_study, qualifies
from kg.extract.scoring import (
    LABELS,
    Calibration,
    featurize,
    featurize_many,
    softmax,
    token_arrays,
)
from kg.extract.scoring import Candidate as Scored
from kg.extract.senses import (
    attributive_participle,
    compound_span,
    model_variant_end,
    negated,
    ordinary_word,
    participle_of,
    qualified_name_start,
    role_noun,
)
from kg.extract.sentences import Sentences, sentence_spans, sentence_starts
from kg.extract.vocabulary import (
    VocabEntry,
    VocabMatch,
    VocabularyMatcher,
    load_vocabulary,
    lowercased_title,
)
from kg.model import FIELD_SEPARATOR, ConceptLink, Mention
from kg.resources import shipped

_HYPHENS = ("-", "‐")
_PLUS = re.compile(r"\+\+?(?:[A-Za-z]\w*)?(?![\w+])")  # a name going on with "+"
TRAINED = shipped("kg.extract", "data", "scorer")
_APPOSITIVE = re.compile(
    r"^\)?\s*(?:\([^)]*\)\s*)?,\s*(?:which is\s+)?(?:a|an|the)\s+((?:[\w()/-]+,?\s*){1,8})"
)
# "We introduce X. This framework ...": the next sentence says what X is.
_NEXT_SENTENCE = re.compile(r"^\)?\.\s+(?:This|The|Our|Such an?)\s+((?:[\w-]+\s+){0,2}[\w-]+)")

# Docs whose candidates are scored together (``ConceptComponent.concept_links_many``)
SCORING_BATCH = 16

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
    evidence: list[int] = field(default_factory=list)  # where the text says it is proposed
    by_proposer: bool = False  # found by the proposer only, no rule
    confidence: float = 0.0
    spans: set[tuple[int, int]] = field(default_factory=set)
    aliases: set[str] = field(default_factory=set)
    broader: set[str] = field(default_factory=set)  # a compound's known head ("Transformer")


@dataclass
class _Found:
    """The candidates of one doc: concept groups, the group of each mention span, and for
    spans the coined rules or the proposer found, (source, type hint) for the scorer."""

    groups: dict[str, _Group] = field(default_factory=dict)
    owner: dict[tuple[int, int], str] = field(default_factory=dict)
    source: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)
    names: list[tuple[int, int, str]] = field(default_factory=list)  # coined.name_tokens
    proposed: set[tuple[int, int]] = field(default_factory=set)  # spans of the proposer
    heads: set[tuple[int, int]] = field(default_factory=set)  # known heads inside compounds
    decided: set[str] = field(default_factory=set)  # abbreviations the rules defined
    _initials: str | None = None  # the first letter of each name token, when all are ASCII
    zones: list[tuple[int, int]] = field(default_factory=list)  # after "we propose", "called"

    def occurrences(self, key: str) -> list[tuple[int, int]]:
        """The name tokens whose key (with or without a size suffix or a possessive) is
        ``key``. Only tokens starting with the key's first letter (either case) or a digit
        can have it (keys are lower-case letters and digits; names may start with a digit
        while their key does not); one scan of the string of the tokens' first letters
        finds them, instead of a Python step per token."""
        if self._initials is None:  # once per doc, on the first coined name
            initials = "".join([name[2][0] for name in self.names])
            self._initials = initials if initials.isascii() else ""
        if self._initials or not self.names:
            pattern = _initial_pattern(key[:1])
            picked = [self.names[m.start()] for m in pattern.finditer(self._initials)]
        else:  # a first letter outside ASCII: lower-casing and digits by Unicode's rules
            initial = key[:1]
            picked = [
                item for item in self.names
                if item[2][0].isdigit() or item[2][0].lower() == initial
            ]
        out = []
        for start, end, token in picked:
            trim, keys = _token_keys(token)
            if key in keys:
                out.append((start, end - trim))
        return out

    def resolve(self) -> list[_Group]:
        """Overlaps: the rules' mentions first, then the proposer's, then the known heads of
        compounds (kept only where nothing else is); among each, the longest mention wins (a
        coined "Evolved Transformer" over "Transformer"). Kept spans are
        disjoint and non-empty, so sorted by start their ends ascend too: a span overlaps a
        kept one iff the last kept span starting before its end reaches past its start.
        Groups without a kept span are dropped."""
        starts: list[int] = []
        ends: list[int] = []
        proposed, heads = self.proposed, self.heads
        for span in sorted(self.owner,
                           key=lambda s: (s in heads, s in proposed, s[0] - s[1], s[0])):
            at = bisect_left(starts, span[1])
            if at and ends[at - 1] > span[0]:
                continue
            starts.insert(at, span[0])
            ends.insert(at, span[1])
            self.groups[self.owner[span]].spans.add(span)
        return sorted((g for g in self.groups.values() if g.spans), key=lambda g: min(g.spans))


@dataclass
class _Doc:
    """One doc between the rules and the scorer: its text and fields, token arrays (None
    without the scorer), sentences, candidates, and the spans the scorer is to score."""

    text: str
    sep: int
    title_end: int
    abstract_start: int
    arr: np.ndarray | None
    sentences: Sentences
    found: _Found
    cands: list[Scored]


@lru_cache(maxsize=1 << 16)
def _token_keys(token: str) -> tuple[int, tuple[str, ...]]:
    """The characters a possessive takes off a name token's end, and the token's keys."""
    trim = 2 if token.endswith(("'s", "’s")) else 0
    token = token[: len(token) - trim]
    return trim, tuple({match_key(token), match_key(base_name(token))})


@lru_cache(maxsize=64)
def _initial_pattern(initial: str) -> re.Pattern[str]:
    """A first letter that a token with a key starting with ``initial`` may have."""
    return re.compile(f"[{initial}{initial.upper()}0-9]")


def gold_labels(
    text: str, found: _Found, cands: list[Scored], gold: dict[str, Any]
) -> list[int | None]:
    """The training label of each candidate: the index in LABELS of the gold concept its
    text (or its group's name) names, 0 when none does; None (not trained on) for the
    proposals of weakly labelled docs, whose gold is only the rules' own output."""
    by_key: dict[str, int] = {}
    for concept in gold.get("concepts", []):
        label = LABELS.index(concept["type"])
        for surface in [concept["name"], *concept.get("surface", [])]:
            by_key.setdefault(match_key(surface), label)
    weak = gold.get("weak", False)
    out: list[int | None] = []
    for cand in cands:
        if weak and cand.source.startswith("proposal"):
            out.append(None)
            continue
        group = found.groups[found.owner[(cand.start, cand.end)]]
        key = match_key(text[cand.start : cand.end])
        out.append(by_key.get(key, by_key.get(match_key(group.name), 0)))
    return out


@Language.factory(
    "paper_kg_concepts",
    default_config={
        "vocabularies": [],
        "default_vocabulary": True,
        "coined": True,
        "min_confidence": 0.0,
        "spans_key": "paper_kg",
        "model": {"@architectures": "paper_kg.CandidateScorer.v1"},
        "trained": "default",
        "use_model": True,
    },
)
class ConceptComponent(TrainablePipe):
    """Finds architectures, benchmarks and methods; see the module docstring.

    The rules propose candidate mentions; when the trained scorer is in use (``use_model``)
    it scores every candidate in context, drops the ones it does not believe, types the
    proposals and gives each concept a calibrated confidence. ``use_model = False`` is the
    rules-only path (``--fast``), whose confidences are the rules' fixed priors.
    Registered as the factory itself (spaCy reads the config from ``__init__``):
    ``trained`` is the directory of the scorer's weights ("default": the shipped one, "":
    none, as when training)."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        vocabularies: list[str],
        default_vocabulary: bool,
        coined: bool,
        min_confidence: float,
        spans_key: str,
        model: Model,
        trained: str,
        use_model: bool,
    ) -> None:
        self.name = name
        self.vocab = nlp.vocab
        self.model = model
        # a rule's candidate is dropped below "threshold", a proposal kept from "proposals"
        self.cfg: dict[str, Any] = {"threshold": 0.5, "proposals": 0.5, "calibration": None}
        entries = load_vocabulary([Path(p) for p in vocabularies], default_vocabulary)
        self.configure(entries)
        self.coined = coined
        self.min_confidence = min_confidence
        self.spans_key = spans_key
        self.use_model = use_model
        self.calibration = Calibration.identity()
        path = TRAINED if trained == "default" else Path(trained) if trained else None
        if use_model and path is not None and (path / "model").exists():
            self.load_trained(path)
        elif use_model and path is not None:
            self.use_model = False  # no trained scorer shipped: the rules alone

    def load_trained(self, path: Path) -> None:
        """The scorer's weights, decision threshold and calibration from ``path``."""
        if not self.model.has_param("W"):
            self.model.initialize()
        self.from_disk(path, exclude=["vocab"])
        self.use_model = True
        self._apply_cfg()

    def _apply_cfg(self) -> None:
        table = self.cfg.get("calibration")
        self.calibration = Calibration(**table) if table else Calibration.identity()

    def configure(self, entries: list[VocabEntry]) -> None:
        """Replace the vocabulary (the Extractor passes entries it has already loaded)."""
        self.entries = entries
        self.by_id = {e.id: e for e in entries}
        self.vocab_ids = frozenset(self.by_id)
        self.matcher = VocabularyMatcher(entries)
        self.proposer = Proposer(head_words(entries), self.vocab.strings)
        self.sentence_ends = frozenset(self.vocab.strings[p] for p in ".!?")

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

    def pipe(self, stream, *, batch_size: int = 128):  # type: ignore[no-untyped-def]
        for doc in stream:
            yield self(doc)

    def links(self, doc: Doc, text: str) -> list[dict[str, Any]]:
        """The concept dicts for ``doc`` (whose text is ``text``) without annotating it."""
        state = self._found(doc, text)
        self._score_many([state])
        return [
            self._link(g, text, state.sep, state.abstract_start, state.sentences)
            for g in self._kept(state)
        ]

    def concept_links(self, doc: Doc, text: str, tokens_only: bool = False) -> list[ConceptLink]:
        """``links`` as the ``ConceptLink`` objects the Extractor returns, made directly
        (not through the dicts, which only spaCy users of the doc need). ``tokens_only``:
        the doc comes straight from spaCy's tokenizer, so no pipe has set sentence starts
        (and the doc need not be asked)."""
        return self.concept_links_many([(doc, text)], tokens_only)[0]

    def concept_links_many(
        self, docs: Iterable[tuple[Doc, str]], tokens_only: bool = False
    ) -> list[list[ConceptLink]]:
        """``concept_links`` of several (doc, text) pairs, the scorer run once for every
        ``SCORING_BATCH`` docs: per doc, numpy's and thinc's cost per call outweighs the
        arithmetic, and each candidate's row is featurized and scored on its own (the same
        numbers as one doc at a time). A batch is small: the docs' candidates wait for the
        scorer, and many objects alive make Python's collector run more often."""
        out: list[list[ConceptLink]] = []
        states: list[_Doc] = []
        for doc, text in docs:
            states.append(self._found(doc, text, tokens_only))
            if len(states) == SCORING_BATCH:
                out += self._concept_links(states)
                states = []
        return out + self._concept_links(states)

    def _concept_links(self, states: list[_Doc]) -> list[list[ConceptLink]]:
        """Score the docs' candidates together, then each doc's ``ConceptLink`` objects."""
        self._score_many(states)
        return [
            [
                ConceptLink(
                    g.id, g.name, g.type, g.proposed, _confidence(g),
                    [Mention(*m) for m in _mentions(
                        g, state.text, state.sep, state.abstract_start, state.sentences)],
                    g.source, broader=sorted(g.broader),
                )
                for g in self._kept(state)
            ]
            for state in states
        ]

    def _found(self, doc: Doc, text: str, tokens_only: bool = False) -> _Doc:
        """A doc's candidates (and, with the scorer, the spans it is to score)."""
        sep = text.find(FIELD_SEPARATOR)
        title_end, abstract_start = (sep, sep + len(FIELD_SEPARATOR)) if sep >= 0 else (0, 0)
        arr, sentences = self._prepare(doc, text, title_end, abstract_start, tokens_only)
        found = self._candidates(doc, arr, text, title_end, abstract_start, sentences)
        found.names = []  # read by the rules only: not kept while the batch waits for the scorer
        cands = self._scored(text, found, title_end) if self.use_model else []
        return _Doc(text, sep, title_end, abstract_start, arr, sentences, found, cands)

    def _kept(self, state: _Doc) -> list[_Group]:
        """The concept groups of a (scored) doc above ``min_confidence``, roles set."""
        groups = state.found.resolve()
        self._roles(state.text, state.title_end, state.sentences, groups)
        return [g for g in groups if g.confidence >= self.min_confidence]

    def _roles(
        self, text: str, title_end: int, sentences: Sentences, groups: list[_Group]
    ) -> None:
        """``proposed`` from the evidence, by sentence function (see kg.extract.roles)."""
        if not any(g.evidence for g in groups):
            return
        study: bool | None = None  # asked only when a known concept has evidence
        for group in groups:
            known = group.source == "vocabulary"
            if known and group.evidence and study is None:
                head = text[title_end : (sentences.spans[min(2, len(sentences.spans) - 1)][1])]
                study = is_study(text[:title_end], head)
            if known and study:
                continue
            for pos in group.evidence:
                span = sentences.at(pos) or (0, title_end)
                sentence = text[span[0] : span[1]]
                if not asserts_contribution(sentence) or qualifies(text, pos):
                    continue
                if known and pos >= title_end and not STRONG_PROPOSAL.search(
                    text[span[0] : pos]
                ):
                    continue
                group.proposed = True
                break

    def _prepare(
        self, doc: Doc, text: str, title_end: int, abstract_start: int,
        tokens_only: bool = False,
    ) -> tuple[np.ndarray | None, Sentences]:
        """The doc's token arrays (for the scorer: None without it) and sentences
        (``tokens_only``: the doc has no sentence starts of a pipe)."""
        arr = token_arrays(doc) if self.use_model else None
        starts = sentence_starts(doc, arr, self.sentence_ends, False if tokens_only else None)
        return arr, Sentences(sentence_spans(text, starts, title_end, abstract_start), text)

    # ------------------------------------------------------------------ scoring

    def _scored(self, text: str, found: _Found, title_end: int) -> list[Scored]:
        """The spans to score with the features the rules know about them: every proposal,
        and the first mention of each concept the rules found (its other mentions follow
        it; the senses rules have judged each one already)."""
        # a compound's known head counts only for a concept named nowhere else (the features
        # of the others stay as without it)
        heads = found.heads
        named = {span: gid for span, gid in found.owner.items() if span not in heads}
        if len(named) < len(found.owner):
            only_heads = set(found.owner.values()) - set(named.values())
            named.update({s: gid for s, gid in found.owner.items() if gid in only_heads})
        counts = Counter(named.values())
        in_title = {gid for (start, _), gid in named.items() if start < title_end}
        per_group = {
            gid: (
                ("id", gid if group.source == "vocabulary" else "coined"),
                ("cnt", min(counts[gid], 3)),
                ("intitle", gid in in_title),
            )
            for gid, group in found.groups.items()
            if gid in counts
        }
        out = []
        zones = found.zones
        first: set[str] = set()
        folded = text.lower()
        title = folded[:title_end]
        for span, gid in sorted(found.owner.items(), key=lambda item: (item[0] in heads, item)):
            if span not in found.proposed:
                if gid in first:
                    continue
                first.add(gid)
                repeated = ("phrase", "rules")
            else:  # a proposal: does the paper repeat it, in its title or the abstract?
                phrase = folded[span[0] : span[1]]
                repeated = ("phrase", phrase in title, min(folded.count(phrase), 3))
            source, hint = found.source.get(span, ("vocab", found.groups[gid].type))
            in_zone = any(s <= span[0] < e for s, e in zones)
            surface = text[span[0] : span[1]]
            case = "lower" if surface.islower() else "upper" if surface.isupper() else "mixed"
            head = surface.rsplit(None, 1)[-1].lower()
            group_features = per_group[gid]
            extra = (
                *group_features,
                ("head-cnt", head, group_features[1][1]),
                ("words", source, surface.count(" ") + 1),
                ("zone-src", in_zone, source),
                ("srchint", source, hint),
                ("case", case),
                ("len", min(len(surface), 12) // 3),
                repeated,
            )
            out.append(Scored(span[0], span[1], extra))
        return out

    def _score_many(self, states: list[_Doc]) -> None:
        """Score the candidates of every doc with the model, in one call (``_apply``)."""
        scored = [state for state in states if state.cands]
        if not scored:
            return
        rows = featurize_many([(state.arr, state.cands) for state in scored])
        probs = softmax(self.model.predict(rows))
        concept = (1.0 - probs[:, 0]).tolist()
        kinds = probs[:, 1:].tolist()
        at = 0
        for state in scored:
            end = at + len(state.cands)
            self._apply(state.found, state.cands, concept[at:end], kinds[at:end])
            at = end

    def _apply(
        self, found: _Found, cands: list[Scored], concept: list[float], kinds: list[list[float]]
    ) -> None:
        """Drop the candidates the model rejects; set types of coined groups and every
        group's confidence (calibrated) from its best mention."""
        threshold = float(self.cfg.get("threshold", 0.5))
        proposals = float(self.cfg.get("proposals", threshold))
        best: dict[str, float] = {}
        votes: dict[str, list[float]] = {}
        owner = found.owner
        for cand, p, kind in zip(cands, concept, kinds, strict=True):
            span = (cand.start, cand.end)
            gid = owner[span]
            if p < (proposals if span in found.proposed else threshold):
                del owner[span]
                continue
            if p > best.get(gid, -1.0):
                best[gid] = p
            tally = votes.setdefault(gid, [0.0, 0.0, 0.0])
            for i, value in enumerate(kind):
                tally[i] += value
        for span in [s for s, gid in owner.items() if gid not in best]:
            del owner[span]  # the other mentions of a rejected concept
        for gid, group in found.groups.items():
            if gid not in best:
                continue
            group.confidence = self.calibration(best[gid])
            if group.by_proposer:  # the rules type what they find; the model its proposals
                tally = votes[gid]
                group.type = LABELS[1 + tally.index(max(tally))]

    # ------------------------------------------------------------------ training

    def initialize(self, get_examples, *, nlp: Language | None = None) -> None:  # type: ignore[no-untyped-def]
        self.model.initialize()
        self.use_model = True

    def update(
        self,
        examples: list[Example],
        *,
        drop: float = 0.0,
        sgd: Optimizer | None = None,
        losses: dict[str, float] | None = None,
    ) -> dict[str, float]:
        """One gradient step: every candidate of every example against its gold label
        (``doc.user_data["paper_kg_gold"]`` of the reference doc, see extract/train.py)."""
        losses = {} if losses is None else losses
        losses.setdefault(self.name, 0.0)
        batch_keys, batch_values, batch_lengths, targets, weights = [], [], [], [], []
        for eg in examples:
            doc = eg.predicted
            text = doc.text
            sep = text.find(FIELD_SEPARATOR)
            title_end, abstract_start = (sep, sep + 2) if sep >= 0 else (0, 0)
            arr, sentences = self._prepare(doc, text, title_end, abstract_start)
            found = self._candidates(doc, arr, text, title_end, abstract_start, sentences)
            cands = self._scored(text, found, title_end)
            gold = eg.reference.user_data.get("paper_kg_gold", {})
            labels = gold_labels(text, found, cands, gold)
            kept = [(c, y) for c, y in zip(cands, labels, strict=True) if y is not None]
            if not kept:
                continue
            keys, values, lengths = featurize(arr, [c for c, _ in kept])
            batch_keys.append(keys)
            batch_values.append(values)
            batch_lengths.append(lengths)
            targets += [y for _, y in kept]
            weights += [float(gold.get("weight", 1.0))] * len(kept)
        if not targets:
            return losses
        feats = (np.concatenate(batch_keys), np.concatenate(batch_values),
                 np.concatenate(batch_lengths))
        logits, backprop = self.model.begin_update(feats)
        probs = softmax(logits)
        truth = np.zeros_like(probs)
        truth[np.arange(len(targets)), targets] = 1.0
        w = np.asarray(weights, dtype="f")[:, None]
        backprop(((probs - truth) * w / len(targets)).astype("f"))
        losses[self.name] += float(-(np.log(probs[truth == 1] + 1e-9) * w[:, 0]).sum())
        if sgd is not None:
            self.finish_update(sgd)
        return losses

    def score(self, examples: Iterable[Example], **kwargs: Any) -> dict[str, float]:
        """Concept-level typed F1 against the reference docs' gold (training selection)."""
        from kg.extract.evaluate import Scores, gold_concepts, score_document

        scores = Scores()
        for eg in examples:
            gold = eg.reference.user_data.get("paper_kg_gold")
            if gold is None:
                continue
            from kg.extract.pipeline import to_links

            predicted = to_links(links_of(eg.predicted))
            score_document(predicted, gold_concepts(gold), scores)
        return {"concepts_f": scores.typed.f1, "concepts_untyped_f": scores.untyped.f1}

    # ------------------------------------------------------------------ assembly

    def _candidates(
        self, doc: Doc, arr: np.ndarray | None, text: str, title_end: int, abstract_start: int,
        sentences: Sentences,
    ) -> _Found:
        found = _Found()
        groups, owner = found.groups, found.owner
        # the name tokens serve the coined-name search, the word pieces the matcher
        found.names, pieces = tokens_and_pieces(text)
        # a title's head ("Bert: pre-training of ..."), when its source lower-cased the
        # title, names an acronym in any case; the rest of such a title does not ("drop",
        # "race" are words there)
        head_end = text.find(": ", 0, title_end)
        caseless = head_end if head_end > 0 and " " not in text[:head_end] and \
            lowercased_title(text[:title_end]) else 0
        matches, compounds, under = self._senses(
            text, self.matcher.find(text, pieces, caseless), title_end)
        # the known head inside a compound built on it ("Transformer" in "the Anomaly
        # Transformer") is a candidate too: the compound, longer, wins where both are kept;
        # the head where the scorer rejects the compound
        heads = under if self.use_model else []
        for m in [*matches, *heads]:
            entry = m.entry
            cid = entry.concept_id  # (a property: made once per match)
            if cid not in groups:
                groups[cid] = _Group(cid, entry.name, entry.type, "vocabulary", confidence=0.9)
            owner[(m.start, m.end)] = cid
        found.heads.update((m.start, m.end) for m in heads)
        if self.coined:
            known = {(m.start, m.end): m.entry.type for m in matches}
            candidates = find_candidates(
                text, title_end, abstract_start, sentences.spans, list(known), known, found.names,
                found.decided, found.zones,
            )
            candidates += compounds
            candidates += list_members(text, sentences.spans, abstract_start, known)
            redirect: dict[str, str] = {}  # short-form key -> the concept it was defined as
            self._link_abbreviations(text, candidates, matches, groups, owner, redirect)
            self._coined(text, candidates, matches, groups, owner, redirect, sentences, found)
            for span in list(owner):
                target = redirect.get(match_key(text[span[0] : span[1]]))
                if target:
                    owner[span] = target
            if arr is not None:  # the scorer's run: the proposer offers more candidates
                self._propose(doc, arr, text, found)
        return found

    @staticmethod
    def _senses(
        text: str, matches: list[VocabMatch], title_end: int
    ) -> tuple[list[VocabMatch], list[Candidate], list[VocabMatch]]:
        """The matches that name their concept here (see kg.extract.senses); the whole
        names some matches are only part of, as coined candidates; and the matches those
        names are built on, as their last piece or a release of them (their heads)."""
        kept, compounds, under = [], [], []
        # compound span -> the type and concept of its last piece (the head it sits under)
        heads: dict[tuple[int, int], tuple[str, str]] = {}
        for m in matches:
            surface, kind = text[m.start : m.end], m.entry.type
            before, after = text[m.start - 1 : m.start], text[m.end : m.end + 1]
            lower = surface.islower()
            # each rule is tried only where its first character test lets it apply (thousands
            # of matches a second: most pass every test)
            if (
                (lower and (ordinary_word(surface, kind) or role_noun(text, m.start, m.end)))
                or (kind == "architecture" and after in " \t-‐"
                    and metric_named_after(text, m.end, kind))
                or (before in _HYPHENS and negated(text, m.start))
            ):
                continue
            if participle_of(surface, m.entry.name) and attributive_participle(
                text, m.start, m.end
            ):
                continue
            if kind == "architecture" and after == " " and not lower and names_a_collection(
                text, m.end
            ):  # "the Alpaca dataset": a dataset named after (or like) a model
                compounds.append(Candidate(m.start, m.end, surface, "benchmark", False, 0.7,
                                           "compound"))
                continue
            plus = _PLUS.match(text, m.end) if after == "+" else None
            if plus:  # "PointNet++", "RefCOCO+", "TD3+BC": another name than the one matched
                compounds.append(Candidate(m.start, plus.end(), text[m.start : plus.end()],
                                           kind, False, 0.7, "compound"))
                continue
            version = (
                VERSION_AFTER.match(text, m.end)
                if after in " ." or (after in _HYPHENS and m.folded) else None
            )
            if version and kind != "method":  # a model or dataset of its own, as GPT-4 is
                compounds.append(Candidate(m.start, version.end(), text[m.start : version.end()],
                                           kind, False, 0.7, "compound"))
                heads[(m.start, version.end())] = (kind, m.entry.concept_id)
                under.append(m)
                continue
            first = (
                qualified_name_start(text, m.start, title_end)
                if before == " " and surface[:1].isupper() and kind != "method"
                and surface.rstrip("s") not in CLASS_ACRONYMS  # "Anchor LLM": a coined name
                else None
            )
            if first is not None:  # "the Anomaly Transformer", "Split CIFAR-100"
                span = (first, m.end)
                compounds.append(Candidate(*span, text[first : m.end], kind, False, 0.7,
                                           "compound"))
                heads[span] = (kind, m.entry.concept_id)
                under.append(m)
                continue
            whole = None
            glued = after in _HYPHENS or before in _HYPHENS
            if glued and not m.folded:
                plural = surface.endswith("s") and not m.entry.name.endswith("s")
                whole = compound_span(text, m.start, m.end, m.start < title_end, plural,
                                      m.entry.type == "architecture")
            if whole is not None:
                name = text[whole[0] : whole[1]]
                compounds.append(
                    Candidate(*whole, name, m.entry.type, False, 0.7, "compound")
                )
                if m.end == whole[1]:
                    heads[whole] = (m.entry.type, m.entry.concept_id)
                    under.append(m)
                continue
            kept.append(m)
        for cand in compounds:  # "DINO-DETR" is a DETR: the last known piece is the head
            head = heads.get((cand.start, cand.end))
            if head is not None:
                cand.type, cand.broader = head
        return kept, compounds, under

    def _propose(self, doc: Doc, arr: np.ndarray, text: str, found: _Found) -> None:
        """The proposer's phrases as candidate coined concepts (the model decides)."""
        covered = sorted(found.owner)
        begins = [s for s, _ in covered]
        for span in self.proposer.propose(doc, arr, text):
            start, end = span
            if span in found.owner:
                continue
            name = text[start:end]
            if (
                self.matcher.lookup(name)
                or not_a_concept(name)
                or name.casefold() in found.decided
                or match_key(name) in GENERIC
            ):
                continue
            cid = coined_id(name, self.vocab_ids)
            if cid not in found.groups:
                found.groups[cid] = _Group(
                    cid, name, "method", "coined", confidence=0.5, by_proposer=True
                )
            # a phrase around a known name ("3D deformable attention"): the name's type
            at = bisect_left(begins, start)
            inner = next((found.groups[found.owner[c]].type for c in covered[at : at + 4]
                          if c[1] <= end and c[0] >= start), "")
            found.owner[span] = cid
            found.source[span] = ("proposal:phrase" + ("+known" if inner else ""), inner)
            found.proposed.add(span)

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
                inside = [m for m in matches if long_[0] <= m.start and m.end <= long_[1]]
                if expansions and cand.type is not None and not any(
                    same_spelled(long_key, e) for e in expansions
                ):
                    owner.pop(short, None)  # a different thing that shares the abbreviation
                    cand.reason, cand.confidence = "abbreviation", 0.8
                elif not inside or any(same_spelled(long_key, e) for e in expansions):
                    # "fully sharded data parallelism (FSDP)": the long form, spelled its own
                    # way, is the entry's, not the names inside it ("data parallelism")
                    for m in inside:
                        owner.pop((m.start, m.end), None)
                    owner[long_] = entry.concept_id

    def _coined(
        self, text, candidates, matches, groups, owner, redirect, sentences, result
    ) -> None:
        by_key: dict[str, list[Candidate]] = {}
        for cand in candidates:
            if cand.reason == "abbrev-link":
                continue
            if cand.reason == "title":
                full = [m for m in matches if m.start == 0 and m.end >= cand.end - 1]
                if full:  # "Mamba: Linear-Time ..." - a vocabulary concept the paper introduces
                    groups[full[0].entry.concept_id].evidence.append(0)
                    continue
            if cand.reason == "proposal":
                same = [m for m in matches if (m.start, m.end) == (cand.start, cand.end)]
                if same:  # "We propose the Transformer": a vocabulary concept introduced here
                    groups[same[0].entry.concept_id].evidence.append(cand.start)
                    continue
            key = match_key(base_name(cand.text))  # 'Satori-SWE-32B' is Satori-SWE
            if key:
                by_key.setdefault(key, []).append(cand)
        for key, cands in by_key.items():
            reasons = {c.reason for c in cands}
            target = groups.get(redirect.get(key, ""))
            if target is not None and "abbreviation" not in reasons:
                # a short form defined as a vocabulary concept: "the proposed TNT" proposes it
                target.evidence += [c.start for c in cands if c.proposed and c.reason != "shape"]
                continue
            entry = self.matcher.lookup(cands[0].text)
            if (
                entry is not None
                and "abbreviation" not in reasons
                and "+" not in cands[0].text  # "PointNet++" keys as PointNet: not that entry
                and entry.type == (cands[0].type or entry.type)  # "the Alpaca dataset"
            ):
                continue
            long_forms = [text[c.defines[0] : c.defines[1]] for c in cands if c.defines]
            if any(map(not_a_concept, [*long_forms, *(c.text for c in cands)])):
                continue  # hardware, a field, an organisation
            if reasons == {"shape"} and len(cands) == 1 and cands[0].confidence < 0.6:
                continue
            defined = [c for c in cands if c.reason in ("abbreviation", "title")]
            name = (defined or sorted(cands, key=lambda c: (len(c.text), c.start)))[0].text
            name = base_name(name)
            mentions = self._occurrences(text, key, name, result)
            for long_form in {text[c.defines[0] : c.defines[1]] for c in cands if c.defines}:
                # the long form elsewhere ("Generative Architecture Search" in the title)
                mentions |= long_form_spans(text, long_form)
            mentions |= {(c.start, c.end) for c in cands}
            mentions |= {c.defines for c in cands if c.defines}
            kind = self._type(text, cands, mentions, sentences)
            cid = coined_id(name, self.vocab_ids)
            group = groups.get(cid) or _Group(cid, name, kind, "coined")
            groups[cid] = group
            group.evidence += [c.start for c in cands if c.proposed]
            group.broader.update(c.broader for c in cands if c.broader)
            group.confidence = max(
                group.confidence,
                max(c.confidence for c in cands) + (0.05 if len(mentions) > 1 else 0),
            )
            source = "coined:" + "+".join(sorted(reasons))
            for span in mentions:
                owner.setdefault(span, cid)
                result.source.setdefault(span, (source, kind))
            if "abbreviation" in reasons:
                redirect[key] = cid

    @staticmethod
    def _occurrences(text: str, key: str, name: str, found: _Found) -> set[tuple[int, int]]:
        """Every place the coined name appears, in title and abstract, in any variant."""
        if " " in name:
            return {(m.start(), m.end()) for m in re.finditer(re.escape(name), text, re.I)}
        return set(found.occurrences(key))

    @staticmethod
    def _type(text, cands, mentions, sentences) -> str:
        votes: Counter[str] = Counter()
        for cand in cands:
            if cand.type:
                # a definition, or the known concept a compound is built on, outweighs the
                # guess from a name's ending ("LongBench-Chat" stays a benchmark)
                votes[cand.type] += 2 if cand.reason in ("abbreviation", "compound") else 1
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
        said = head_type(cands[0].text)  # "... Transformer Encoder": the head noun says it
        if said:
            votes[said] += 2
        # the ending is a guess for unknown names, except a tuned checkpoint's ("-Chat"),
        # which says nothing about a compound of a known benchmark or method
        compound = any(c.reason == "compound" for c in cands)
        suffix = None if compound and model_variant_end(cands[0].text) else type_by_suffix(
            cands[0].text)
        if suffix:
            votes[suffix] += 2
        return votes.most_common(1)[0][0] if votes else "method"

    @staticmethod
    def _link(
        group: _Group, text: str, sep: int, abstract_start: int, sentences: Sentences
    ) -> dict:
        return {
            "id": group.id,
            "name": group.name,
            "type": group.type,
            "proposed": group.proposed,
            "confidence": _confidence(group),
            "mentions": [
                dict(zip(_MENTION_FIELDS, m, strict=True))
                for m in _mentions(group, text, sep, abstract_start, sentences)
            ],
            "source": group.source,
            "by_proposer": group.by_proposer,
            **({"broader": sorted(group.broader)} if group.broader else {}),
        }


_MENTION_FIELDS = tuple(f.name for f in fields(Mention))  # in order


def _mentions(
    group: _Group, text: str, sep: int, abstract_start: int, sentences: Sentences
) -> list[tuple[str, str, int, int, str]]:
    """A group's mentions in text order, as ``_MENTION_FIELDS`` tuples: offsets within
    the mention's field (title, abstract, or "text" when the doc has no separator)."""
    mentions = []
    for start, end in sorted(group.spans):
        if sep >= 0 and start < sep:
            field_name, offset, sentence = "title", 0, text[:sep]
        else:
            field_name = "abstract" if sep >= 0 else "text"
            offset = abstract_start
            sentence = sentences.sentence(start, end)
        mentions.append((text[start:end], field_name, start - offset, end - offset, sentence))
    return mentions


def _confidence(group: _Group) -> float:
    return _rounded(min(group.confidence, 0.999))


@lru_cache(maxsize=1 << 12)
def _rounded(confidence: float) -> float:
    """A confidence to three places (``round`` with places goes through a decimal string;
    confidences take few values: the rules' priors and the calibration's steps)."""
    return round(confidence, 3)


def links_of(doc: Doc) -> list[dict[str, Any]]:
    """The concept dicts the component left on a doc (empty when it did not run)."""
    return list(doc._.paper_kg or [])
