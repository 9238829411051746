"""paper-kg: a knowledge graph of research papers, their authors and concepts."""

__version__ = "0.1.0"
