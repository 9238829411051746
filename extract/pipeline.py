"""``Extractor``: papers in, ``PaperConcepts`` out, through the spaCy pipeline of config.cfg.

Each paper becomes one doc ``title + "\\n\\n" + abstract``. With ``jobs`` > 1, worker
processes (forked where the platform allows, so the loaded pipeline is shared) extract chunks
of papers and send back only the compact ``ConceptLink`` lists; the parent keeps input order and
collects the coined concepts. Mentions carry offsets into the paper's own fields.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

import kg.extract.components  # noqa: F401  (registers the factory)
from kg.extract.components import SCORING_BATCH, ConceptComponent, links_of
from kg.extract.merge import NearDuplicates
from kg.extract.vocabulary import VocabEntry, load_vocabulary
from kg.model import FIELD_SEPARATOR, ConceptInfo, ConceptLink, Mention, Paper, PaperConcepts
from kg.resources import shipped

CONFIG = shipped("kg.extract", "config.cfg")


def build_nlp(config: Path | dict[str, Any] | None = None, **overrides: Any) -> Language:
    """The pipeline from a config file or dict; ``overrides`` go to paper_kg_concepts."""
    if isinstance(config, dict):
        cfg = spacy.util.load_config(CONFIG).merge(config)
    else:
        cfg = spacy.util.load_config(config or CONFIG)
    for key, value in overrides.items():
        cfg["components"]["paper_kg_concepts"][key] = value
    return spacy.util.load_model_from_config(cfg, auto_fill=True)


def paper_text(paper: Paper) -> str:
    return f"{paper.title}{FIELD_SEPARATOR}{paper.abstract}"


def to_links(data: list[dict[str, Any]]) -> list[ConceptLink]:
    return [
        ConceptLink(
            id=c["id"],
            name=c["name"],
            type=c["type"],
            proposed=c["proposed"],
            confidence=c["confidence"],
            mentions=[Mention(**m) for m in c["mentions"]],
            source=c.get("source", "vocabulary"),
            broader=list(c.get("broader", ())),
        )
        for c in data
    ]


class Extractor:
    """Concept extraction for papers: the shipped vocabulary plus ``vocabularies``.

    ``config`` is a config file or a dict merged over extract/config.cfg (for example
    ``{"components": {"paper_kg_concepts": {"min_confidence": 0.7}}}``); ``coined=False``
    keeps to the vocabulary; ``fast=True`` runs the rules without the trained scorer;
    ``min_confidence`` drops concepts below that confidence. The vocabulary is loaded once
    here and handed to the component.
    """

    def __init__(
        self,
        vocabularies: list[Path] | None = None,
        config: Path | dict[str, Any] | None = None,
        coined: bool | None = None,
        fast: bool = False,
        min_confidence: float | None = None,
    ) -> None:
        overrides: dict[str, Any] = {"default_vocabulary": False}
        if coined is not None:
            overrides["coined"] = coined
        if fast:
            overrides["use_model"] = False
        if min_confidence is not None:
            overrides["min_confidence"] = min_confidence
        self._setup(load_vocabulary(vocabularies or []), config, overrides)

    def _setup(
        self,
        entries: list[VocabEntry],
        config: Path | dict[str, Any] | None,
        overrides: dict[str, Any],
    ) -> None:
        self.entries = entries
        self._by_id = {entry.concept_id: entry for entry in entries}
        self.config, self.overrides = config, overrides
        self.nlp = build_nlp(config, **overrides)
        self.nlp.get_pipe("paper_kg_concepts").configure(entries)
        self.coined: dict[str, ConceptInfo] = {}
        self.duplicates = NearDuplicates(entry.info() for entry in entries)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled for worker processes where fork is unavailable: the pipeline is rebuilt
        from the config with the entries as they are now (the component's vocabulary)."""
        return _restore, (self.entries, self.config, self.overrides)

    def concepts(self) -> Iterator[ConceptInfo]:
        """The vocabulary, then every coined concept seen by ``extract`` so far."""
        for entry in self.entries:
            yield entry.info()
        yield from self.coined.values()

    def extract_one(self, paper: Paper) -> PaperConcepts:
        return next(self.extract([paper]))[1]

    def extract(
        self, papers: Iterable[Paper], jobs: int = 1, batch_size: int = 256
    ) -> Iterator[tuple[Paper, PaperConcepts]]:
        """(paper, concepts) pairs in input order; ``jobs`` > 1 uses worker processes, each
        given ``batch_size`` papers at a time. (Without workers, papers are read a few at a
        time, ``SCORING_BATCH``, whose candidates the scorer takes together.)"""
        if jobs > 1:
            found = self._extract_parallel(papers, jobs, max(1, batch_size))
        else:
            found = self._extract_batches(papers, SCORING_BATCH)
        for paper, links in found:
            links = self._unify(links)
            self._remember(links)
            yield paper, PaperConcepts(paper.id, paper.title, links)

    def links(self, text: str) -> list[ConceptLink]:
        """The concepts of one ``title + "\\n\\n" + abstract`` text (``links_many``)."""
        return self.links_many([text])[0]

    def links_many(self, texts: list[str]) -> list[list[ConceptLink]]:
        """The concepts of each text. The pipes run one by one; the concept component, when
        last, hands over its result without building the doc's spans and text, which only
        spaCy users of the doc need, and scores the candidates of a few texts at once."""
        *before, (_, last) = self.nlp.pipeline

        def docs() -> Iterator[tuple[Doc, str]]:
            """Each text's doc, made when the component asks for it (while it is in the
            processor's caches)."""
            for text in texts:
                doc = self.nlp.make_doc(text)
                for _, proc in before:
                    doc = proc(doc)
                yield doc, text

        if isinstance(last, ConceptComponent):
            # spaCy's own tokenizer sets no sentence starts: with no pipe before, none are set
            tokens_only = not before and type(self.nlp.tokenizer) is Tokenizer
            return last.concept_links_many(docs(), tokens_only)
        return [to_links(links_of(last(doc))) for doc, _ in docs()]

    def _extract_batches(
        self, papers: Iterable[Paper], batch_size: int
    ) -> Iterator[tuple[Paper, list[ConceptLink]]]:
        """(paper, links) in input order, extracted ``batch_size`` papers at a time."""
        stream = iter(papers)
        while chunk := list(islice(stream, batch_size)):
            yield from zip(chunk, self.links_many([paper_text(p) for p in chunk]), strict=True)

    def _extract_parallel(
        self, papers: Iterable[Paper], jobs: int, chunk_size: int
    ) -> Iterator[tuple[Paper, list[ConceptLink]]]:
        """Chunks of papers to a pool of ``jobs`` workers, at most two chunks per worker in
        flight so a long input is not read ahead, results in input order."""
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        pending: deque[tuple[list[Paper], AsyncResult[list[list[ConceptLink]]]]] = deque()
        stream = iter(papers)
        with context.Pool(jobs, initializer=_start_worker, initargs=(self,)) as pool:
            while chunk := list(islice(stream, chunk_size)):
                texts = [paper_text(p) for p in chunk]
                pending.append((chunk, pool.apply_async(_worker_links, (texts,))))
                if len(pending) >= 2 * jobs:
                    done, result = pending.popleft()
                    yield from zip(done, result.get(), strict=True)
            while pending:
                done, result = pending.popleft()
                yield from zip(done, result.get(), strict=True)

    def _unify(self, links: list[ConceptLink]) -> list[ConceptLink]:
        """Coined concepts that are near-duplicates of a concept seen before (a typo of a
        vocabulary name, a variant spelling of an earlier coined name) take its id; two
        links of one paper that become one concept are joined (kg.extract.merge)."""
        out: dict[str, ConceptLink] = {}
        here = frozenset(link.id for link in links if link.source == "coined")
        for link in links:
            if link.source == "coined":
                info = ConceptInfo(link.id, link.name, link.type, source="coined")
                target = self.duplicates.resolve(info, avoid=here)
                if target != link.id:
                    known = self._info(target)
                    link.id, link.name, link.source = target, known.name, known.source
            if link.id in out:
                first = out[link.id]
                first.mentions = sorted({*first.mentions, *link.mentions},
                                        key=lambda m: (m.field != "title", m.start))
                first.proposed = first.proposed or link.proposed
                first.confidence = max(first.confidence, link.confidence)
            else:
                out[link.id] = link
        return list(out.values())

    def _info(self, concept_id: str) -> ConceptInfo:
        """A concept seen before: a vocabulary entry or a coined concept of this run."""
        entry = self._by_id.get(concept_id)
        if entry is not None:
            return entry.info()
        return self.coined.get(concept_id) or ConceptInfo(concept_id, "", "", source="coined")

    def _remember(self, links: list[ConceptLink]) -> None:
        """Coined concepts and the surface forms seen for them, for ``concepts()``."""
        for link in links:
            if link.source == "coined":
                info = self.coined.get(link.id)
                if info is None:  # named, typed and placed by its first link
                    info = self.coined[link.id] = ConceptInfo(
                        link.id, link.name, link.type, broader=list(link.broader),
                        source="coined",
                    )
                for mention in link.mentions:
                    if mention.text != info.name and mention.text not in info.aliases:
                        info.aliases.append(mention.text)


def _restore(
    entries: list[VocabEntry], config: Path | dict[str, Any] | None, overrides: dict[str, Any]
) -> Extractor:
    extractor = Extractor.__new__(Extractor)
    extractor._setup(entries, config, overrides)
    return extractor


_worker: Extractor | None = None  # the extractor of a worker process


def _start_worker(extractor: Extractor) -> None:
    """Keep the extractor; freeze what is loaded so the collector never rescans it (nor
    touches, and so copies, the pages a forked worker shares with its parent)."""
    global _worker
    _worker = extractor
    gc.freeze()


def _worker_links(texts: list[str]) -> list[list[ConceptLink]]:
    assert _worker is not None
    return _worker.links_many(texts)
