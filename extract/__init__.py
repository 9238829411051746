"""Concept extraction: architectures, benchmarks and methods in titles and abstracts.

``Extractor`` is the entry point; the spaCy component ``paper_kg_concepts`` can also be
added to any pipeline (``nlp.add_pipe("paper_kg_concepts")``: spaCy finds it through the
package's ``spacy_factories`` entry point, or it is registered when ``Extractor`` is used).

The names below are loaded on first use (PEP 562), so that modules which need only a
light helper (``kg.extract.canonical.match_key``, asked by concept-name lookups in
queries) do not load spaCy.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {
    "Extractor": "kg.extract.pipeline",
    "build_nlp": "kg.extract.pipeline",
    "VocabEntry": "kg.extract.vocabulary",
    "VocabularyError": "kg.extract.vocabulary",
    "load_vocabulary": "kg.extract.vocabulary",
    "CONCEPT_TYPES": "kg.model",
    "ConceptInfo": "kg.model",
    "ConceptLink": "kg.model",
    "Mention": "kg.model",
    "PaperConcepts": "kg.model",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
