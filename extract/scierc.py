"""SciERC (Luan et al. 2018) as an evaluation set for the extractor.

Type mapping (documented in extract/data/gold/README.md): SciERC ``Method`` -> method or
architecture (SciERC does not separate them, so it is matched untyped within those two),
``Material`` -> benchmark (datasets and corpora); ``Task``, ``Metric``,
``OtherScientificTerm`` and ``Generic`` are skipped: the extractor must not produce them.
"""

from __future__ import annotations

import json
import re
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


# SciERC keeps the Penn Treebank's bracket tokens; abstracts as written have brackets.
_PTB_BRACKETS = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{",
                 "-RCB-": "}"}
_PTB_BRACKET = re.compile(r"-[LR][RSC]B-")


def unbracket(text: str) -> str:
    """Text with SciERC's bracket tokens written as brackets, as the abstract had them:
    'histogram -LRB- HMHH -RRB-' -> 'histogram (HMHH)', so that a term defined with its
    short form reads as one (gold surfaces go through it too)."""
    if "-" not in text or not _PTB_BRACKET.search(text):
        return text
    text = _PTB_BRACKET.sub(lambda m: _PTB_BRACKETS.get(m.group(), m.group()), text)
    return re.sub(r"([(\[{]) | ([)\]}])", lambda m: m.group(1) or m.group(2), text)


def _detok(tokens: list[str]) -> str:
    text = unbracket(" ".join(tokens))
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
