"""``Extractor``: papers in, ``PaperConcepts`` out, through the spaCy pipeline of config.cfg.

Each paper becomes one doc ``title + "\\n\\n" + abstract``; ``nlp.pipe`` runs them in batches,
in ``jobs`` processes when asked. Mentions carry offsets into the paper's own fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

import extract.components  # noqa: F401  (registers the factory)
from extract.components import FIELD_SEPARATOR, links_of
from extract.model import ConceptInfo, ConceptLink, Mention, PaperConcepts
from extract.vocabulary import VocabEntry, load_vocabulary
from kg.model import Paper

CONFIG = Path(__file__).resolve().parent / "config.cfg"


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
        )
        for c in data
    ]


class Extractor:
    """Concept extraction for papers: the shipped vocabulary plus ``vocabularies``.

    ``config`` is a config file or a dict merged over extract/config.cfg (for example
    ``{"components": {"paper_kg_concepts": {"min_confidence": 0.7}}}``); ``coined=False``
    keeps to the vocabulary. The vocabulary is loaded once here and handed to the component.
    """

    def __init__(
        self,
        vocabularies: list[Path] | None = None,
        config: Path | dict[str, Any] | None = None,
        coined: bool | None = None,
    ) -> None:
        self.entries: list[VocabEntry] = load_vocabulary(vocabularies or [])
        overrides: dict[str, Any] = {"default_vocabulary": False}
        if coined is not None:
            overrides["coined"] = coined
        self.nlp = build_nlp(config, **overrides)
        self.nlp.get_pipe("paper_kg_concepts").configure(self.entries)
        self.coined: dict[str, ConceptInfo] = {}

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
        """(paper, concepts) pairs in input order; ``jobs`` > 1 uses worker processes."""
        items = ((paper_text(p), p) for p in papers)
        docs = self.nlp.pipe(items, as_tuples=True, batch_size=batch_size, n_process=jobs)
        for doc, paper in docs:
            links = to_links(links_of(doc))
            for link in links:
                if link.source == "coined":
                    info = self.coined.setdefault(
                        link.id, ConceptInfo(link.id, link.name, link.type, source="coined")
                    )
                    for mention in link.mentions:
                        if mention.text != info.name and mention.text not in info.aliases:
                            info.aliases.append(mention.text)
            yield paper, PaperConcepts(paper.id, paper.title, links)
