"""SciERC (Luan et al. 2018) as an evaluation set for the extractor.

Type mapping (documented in extract/data/gold/README.md): SciERC ``Method`` -> method or
architecture (SciERC does not separate them, so it is matched untyped within those two),
``Material`` -> benchmark (datasets and corpora); ``Task``, ``Metric``,
``OtherScientificTerm`` and ``Generic`` are skipped: the extractor must not produce them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

TYPE_MAP: dict[str, tuple[str, ...]] = {
    "Method": ("method", "architecture"),
    "Material": ("benchmark",),
}


@dataclass
class SciercDoc:
    """One abstract: its text and the mapped gold entities (surface, allowed types)."""

    doc_key: str
    text: str
    entities: list[tuple[str, tuple[str, ...]]]


def _detok(tokens: list[str]) -> str:
    text = " ".join(tokens)
    for a, b in ((" ,", ","), (" .", "."), (" ;", ";"), (" :", ":"), ("( ", "("), (" )", ")")):
        text = text.replace(a, b)
    return text


def read_scierc(path: Path) -> Iterator[SciercDoc]:
    """Documents of a SciERC JSON-lines file with entities mapped to our types."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            data = json.loads(line)
            tokens = [tok for sent in data["sentences"] for tok in sent]
            entities = []
            for sent in data["ner"]:
                for start, end, label in sent:
                    if label in TYPE_MAP:
                        entities.append((_detok(tokens[start : end + 1]), TYPE_MAP[label]))
            text = " ".join(_detok(sent) for sent in data["sentences"])
            yield SciercDoc(str(data.get("doc_key", "")), text, entities)
