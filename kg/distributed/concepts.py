"""Extraction on the workers, and the concept nodes that only the whole run can write.

Each worker process loads the spaCy pipeline once, on its first partition, and keeps it.
A concept coined in papers is written once, as ``Extractor.concepts()`` gives it after a
run over the inputs in order: named and typed by its first link, with the other spellings
of its mentions as aliases in the order they first occur. Each partition reports where it
saw each concept first (by order key) and a tree reduction keeps the earliest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kg.model import ConceptInfo, ConceptLink, Paper

if TYPE_CHECKING:
    from kg.curation import Curation
    from kg.distributed.merging import Placed
    from kg.extract import Extractor

Extracted = tuple[int, Paper, bool, list[ConceptLink]]  # Placed + the paper's links
Place = tuple[int, ...]  # (order key, link index[, mention index]): compared as tuples

_EXTRACTORS: dict[tuple[str, ...], Extractor] = {}


def worker_extractor(vocabularies: tuple[str, ...]) -> Extractor:
    """This process's extractor for ``vocabularies``, loaded by its first task."""
    found = _EXTRACTORS.get(vocabularies)
    if found is None:
        from kg.build import load_extractor

        found = _EXTRACTORS[vocabularies] = load_extractor([Path(v) for v in vocabularies])
    return found


def extract_partition(part: list[Placed], vocabularies: tuple[str, ...],
                      curation: Curation | None = None) -> list[Extracted]:
    """The concepts of each paper, as ``Extractor.extract`` finds them one by one, curated
    as kg/pipeline.py curates them (``curation``)."""
    from kg.extract.pipeline import paper_text

    extractor = worker_extractor(vocabularies)
    found = [(order, paper, written, extractor.links(paper_text(paper)))
             for order, paper, written in part]
    if curation is None:
        return found
    from kg.curation.transform import Applied, extractor_lookup

    applied = Applied(curation, extractor_lookup(extractor))
    return [(order, paper, written, applied.curate_links(paper, links))
            for order, paper, written, links in found]


@dataclass
class Seen:
    """A concept's first link (and where it was) and the first place of each spelling."""

    place: Place
    link: ConceptLink
    spellings: dict[str, Place] = field(default_factory=dict)

    def absorb(self, other: Seen) -> None:
        if other.place < self.place:
            self.place, self.link = other.place, other.link
        for text, place in other.spellings.items():
            if text not in self.spellings or place < self.spellings[text]:
                self.spellings[text] = place


Concepts = tuple[dict[str, Seen], dict[str, Seen]]  # (coined, linked) by concept id


def seen_concepts(part: list[Extracted], vocabulary: frozenset[str]) -> Concepts:
    """Coined concepts of every paper, and concepts outside the vocabulary linked by
    written papers (the bulk writers' "linked" stubs), each where first seen here."""
    coined: dict[str, Seen] = {}
    linked: dict[str, Seen] = {}
    for order, _, written, links in part:
        for i, link in enumerate(links):
            if link.source == "coined":
                spellings = {}
                for j, mention in enumerate(link.mentions):
                    spellings.setdefault(mention.text, (order, i, j))
                _keep(coined, Seen((order, i), link, spellings))
            elif written and link.id not in vocabulary:
                _keep(linked, Seen((order, i), link))
    return coined, linked


def mentioned_ids(part: list[Extracted]) -> set[str]:
    """The concepts the written papers of a partition mention."""
    return {link.id for _, _, written, links in part if written for link in links}


def union(parts: list[set[str]]) -> set[str]:
    return set().union(*parts)


def _keep(found: dict[str, Seen], seen: Seen) -> None:
    if seen.link.id in found:
        found[seen.link.id].absorb(seen)
    else:
        found[seen.link.id] = seen


def merge_seen(parts: list[Concepts]) -> Concepts:
    coined: dict[str, Seen] = {}
    linked: dict[str, Seen] = {}
    for part_coined, part_linked in parts:
        for seen in part_coined.values():
            _keep(coined, seen)
        for seen in part_linked.values():
            _keep(linked, seen)
    return coined, linked


def coined_infos(coined: dict[str, Seen]) -> list[ConceptInfo]:
    """The coined concepts as ``Extractor.concepts()`` has them after the run, in the order
    they were first seen."""
    out = []
    for seen in sorted(coined.values(), key=lambda s: s.place):
        link = seen.link
        spellings = sorted(seen.spellings, key=seen.spellings.__getitem__)
        aliases = [text for text in spellings if text != link.name]
        out.append(ConceptInfo(link.id, link.name, link.type, aliases, list(link.broader),
                               source="coined"))
    return out


def linked_stubs(linked: dict[str, Seen], coined: dict[str, Seen]) -> list[ConceptLink]:
    """First links of concepts that are neither in the vocabulary nor coined."""
    return [seen.link for seen in sorted(linked.values(), key=lambda s: s.place)
            if seen.link.id not in coined]
