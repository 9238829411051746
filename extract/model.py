"""The extraction contract: what the extractor produces and the stores consume.

``PaperConcepts.to_json()`` is the line format of ``kg extract``:
``{"id", "title", "concepts": [{"id", "name", "type", "proposed", "confidence",
"mentions": [{"text", "field", "start", "end", "sentence"}]}]}``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

CONCEPT_TYPES = ("architecture", "benchmark", "method")


@dataclass(frozen=True)
class Mention:
    """One occurrence of a concept: ``text == paper.<field>[start:end]``."""

    text: str
    field: str  # "title" or "abstract"
    start: int
    end: int
    sentence: str


@dataclass
class ConceptLink:
    """A concept as used by one paper, with the evidence for the link."""

    id: str  # "concept:<slug>", stable across papers and runs
    name: str
    type: str  # one of CONCEPT_TYPES (further types allowed)
    proposed: bool  # the paper introduces it (vs uses / evaluates on it)
    confidence: float
    mentions: list[Mention] = field(default_factory=list)
    source: str = "vocabulary"  # "vocabulary" or "coined"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("source")
        return data


@dataclass
class ConceptInfo:
    """A concept node's own data, independent of any paper (vocabulary or coined)."""

    id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    broader: list[str] = field(default_factory=list)  # concept ids
    source: str = "vocabulary"


@dataclass
class PaperConcepts:
    """The extractor's result for one paper."""

    id: str
    title: str
    concepts: list[ConceptLink] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "concepts": [c.to_json() for c in self.concepts],
        }
