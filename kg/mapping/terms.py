"""RDF terms of the graph: namespaces, IRIs of every node kind, literal escaping.

The one place that decides how an id becomes an IRI and a value a literal, for the stores,
the bulk writers and the exports alike. Every literal goes through ``sparql_literal`` and
every IRI segment through ``quote``: user text can never end a term early.
See schema/README.md for the model.
"""

from __future__ import annotations

import math
import re
from functools import cache, lru_cache
from typing import Any
from urllib.parse import quote, unquote

BASE = "https://paper-kg.org/"
PKG = BASE + "schema#"
ID = BASE + "id/"
CONCEPT_BASE = ID + "concept/"
PAIR_BASE = ID + "cooccurrence/"
STORE_IRI = ID + "store"  # the store's own node: its graph format (kg/mapping/rdf.py)
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
BIBO = "http://purl.org/ontology/bibo/"
CITO = "http://purl.org/spar/cito/"
FABIO = "http://purl.org/spar/fabio/"

PREFIXES = {
    "pkg": PKG,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "dcterms": DCT,
    "foaf": FOAF,
    "skos": SKOS,
    "prov": PROV,
    "schema": SCHEMA,
    "bibo": BIBO,
    "cito": CITO,
    "fabio": FABIO,
}
PREFIX_BLOCK = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())

TYPE = f"<{RDF}type>"
CONCEPT_CLASSES = {"architecture": "Architecture", "benchmark": "Benchmark", "method": "Method"}


@lru_cache(maxsize=1 << 16)
def _segment(value: str) -> str:
    # ':' kept readable (legal in an IRI path); everything else that could end a term is encoded
    return quote(value, safe=":")


def paper_iri(paper_id: str) -> str:
    return f"{ID}paper/{_segment(paper_id)}"


def author_iri(author_id: str) -> str:
    return f"{ID}author/{_segment(author_id)}"


def slug(concept_id: str) -> str:
    """A concept's IRI after CONCEPT_BASE (mention and pair IRIs are built from it)."""
    return _segment(concept_id.removeprefix("concept:"))


def concept_iri(concept_id: str) -> str:
    return CONCEPT_BASE + slug(concept_id)


def mention_iri(paper_id: str, concept_id: str) -> str:
    return f"{ID}mention/{_segment(paper_id)}/{slug(concept_id)}"


def authorship_iri(paper_id: str, position: int) -> str:
    return f"{ID}authorship/{_segment(paper_id)}/{position}"


def source_path(source: str) -> str:
    """The input file of a 'file:line' source."""
    return source.rsplit(":", 1)[0] if re.search(r":\d+$", source) else source


def source_iri(source: str) -> str:
    """The input file of a 'file:line' source, as a prov:Entity."""
    return f"{ID}source/{quote(source_path(source), safe='')}"


def pair_iri(a: str, b: str) -> str:
    """The CO_OCCURS node of concepts a < b (by id)."""
    return f"{PAIR_BASE}{slug(a)}/{slug(b)}"


def id_of_iri(iri: str) -> str:
    """Inverse of the *_iri helpers for papers, authors and concepts."""
    rest = iri.removeprefix(ID)
    kind, _, value = rest.partition("/")
    value = unquote(value)
    return f"concept:{value}" if kind == "concept" else value


def iri(value: str) -> str:
    if any(ch in value for ch in '<>"{}|^`\\ \n\r\t'):
        raise ValueError(f"not a safe IRI: {value!r}")
    return f"<{value}>"


_ESCAPES = {
    "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"
}
_ESCAPE_RE = re.compile(r'[\\"\n\r\t\b\f]')


def escape_string(text: str) -> str:
    """Escape for a double-quoted SPARQL/N-Triples string (ECHAR rules)."""
    # lone surrogates cannot be encoded as UTF-8 on the wire: replace them
    if not text.isascii():
        text = text.encode("utf-8", "replace").decode("utf-8")
    return _ESCAPE_RE.sub(_escape_match, text)


def _escape_match(match: re.Match[str]) -> str:
    return _ESCAPES[match.group()]


def sparql_literal(value: Any, datatype: str | None = None) -> str:
    """An RDF literal in SPARQL/N-Triples syntax; the one escaping helper for all backends."""
    if type(value) is str and datatype is None:  # the common case first
        return f'"{escape_string(value)}"'
    if isinstance(value, bool):
        return f'"{str(value).lower()}"^^<{XSD}boolean>'
    if isinstance(value, int):
        return f'"{value}"^^<{datatype or XSD + "integer"}>'
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value}")
        return f'"{value!r}"^^<{XSD}double>'
    text = f'"{escape_string(str(value))}"'
    return f"{text}^^<{datatype}>" if datatype else text



@cache
def expand(term: str) -> str:
    """A prefixed name ('pkg:Paper') as an N-Triples IRI term."""
    prefix, _, local = term.partition(":")
    return f"<{PREFIXES[prefix]}{local}>"


def concept_class(concept_type: str) -> str | None:
    name = CONCEPT_CLASSES.get(concept_type)
    return expand(f"pkg:{name}") if name else None


class Triples:
    """N-Triples lines under construction (subject written once per call)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, subject: str, predicate: str, obj: str) -> None:
        self.lines.append(f"<{subject}> {predicate} {obj} .")

    def text(self) -> str:
        return "\n".join(self.lines) + ("\n" if self.lines else "")

