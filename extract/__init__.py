"""Concept extraction: architectures, benchmarks and methods in titles and abstracts.

``Extractor`` is the entry point; the spaCy component ``paper_kg_concepts`` (registered on
import) can also be added to any pipeline.
"""

from kg.extract.pipeline import Extractor, build_nlp
from kg.extract.vocabulary import VocabEntry, VocabularyError, load_vocabulary
from kg.model import CONCEPT_TYPES, ConceptInfo, ConceptLink, Mention, PaperConcepts

__all__ = [
    "CONCEPT_TYPES",
    "ConceptInfo",
    "ConceptLink",
    "Extractor",
    "Mention",
    "PaperConcepts",
    "VocabEntry",
    "VocabularyError",
    "build_nlp",
    "load_vocabulary",
]
