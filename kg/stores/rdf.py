"""The RDF mapping shared by every SPARQL backend (Oxigraph, rdflib, remote endpoints).

One place decides IRIs, vocabulary terms and how a PaperGraph becomes triples, so that the
three backends hold byte-identical graphs and the named queries run unchanged on each.
Writes are SPARQL Update text built here: a backend only needs ``_select`` and ``_update``
(``_insert_ntriples`` may be overridden for a faster bulk path). Every literal goes through
``sparql_literal`` and every IRI through ``quote``: user text can never end a term early.
See schema/README.md for the model.
"""

from __future__ import annotations

import math
import re
from array import array
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache, lru_cache
from itertools import chain, islice
from typing import Any
from urllib.parse import quote, unquote

import numpy as np

from kg.derived import MentionStatistics, mention_statistics
from kg.model import Author, ConceptInfo, ConceptLink, Paper
from kg.stores.base import (
    COUNT_KEYS,
    GraphStore,
    PaperGraph,
    QueryResult,
    ReadOnlyError,
    RemoteAccessError,
    StoreError,
    WriteStats,
)

BASE = "https://paper-kg.org/"
PKG = BASE + "schema#"
ID = BASE + "id/"
CONCEPT_BASE = ID + "concept/"
PAIR_BASE = ID + "cooccurrence/"
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


# --------------------------------------------------------------------------- terms


@lru_cache(maxsize=1 << 16)
def _segment(value: str) -> str:
    # ':' kept readable (legal in an IRI path); everything else that could end a term is encoded
    return quote(value, safe=":")


def paper_iri(paper_id: str) -> str:
    return f"{ID}paper/{_segment(paper_id)}"


def author_iri(author_id: str) -> str:
    return f"{ID}author/{_segment(author_id)}"


def _slug(concept_id: str) -> str:
    """A concept's IRI after CONCEPT_BASE (mention and pair IRIs are built from it)."""
    return _segment(concept_id.removeprefix("concept:"))


def concept_iri(concept_id: str) -> str:
    return CONCEPT_BASE + _slug(concept_id)


def mention_iri(paper_id: str, concept_id: str) -> str:
    return f"{ID}mention/{_segment(paper_id)}/{_slug(concept_id)}"


def authorship_iri(paper_id: str, position: int) -> str:
    return f"{ID}authorship/{_segment(paper_id)}/{position}"


def source_iri(source: str) -> str:
    """The input file of a 'file:line' source, as a prov:Entity."""
    path = source.rsplit(":", 1)[0] if re.search(r":\d+$", source) else source
    return f"{ID}source/{quote(path, safe='')}"


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


def bind_text(text: str, params: dict[str, Any]) -> str:
    """Replace ``$name`` variables by escaped literals (the remote / rdflib binding path); a
    list becomes its literals separated by spaces (for ``VALUES ?x { $name }``).

    Only ``$name`` tokens outside strings and IRIs are replaced, so a value can never change
    the query's structure.
    """
    if not params:
        return text

    def one(value: Any) -> str:
        return sparql_literal(value) if not isinstance(value, int) or isinstance(value, bool) \
            else str(value)

    def term(name: str) -> str:
        value = params[name]
        if isinstance(value, list | tuple):  # a list: its terms, for VALUES ?x { $name }
            return " ".join(one(item) for item in value)
        return one(value)

    out: list[str] = []
    for kind, chunk in _tokens(text):
        if kind == "code":
            chunk = re.sub(
                r"\$([A-Za-z_]\w*)",
                lambda m: term(m.group(1)) if m.group(1) in params else m.group(0),
                chunk,
            )
        out.append(chunk)
    return "".join(out)


_TOKEN = re.compile(r"""("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\s]*>|#[^\n]*)""")


_IRI_LIKE = re.compile(r"<[\w:/#.+$%=&~@!,;*-]*>")


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    """Split query text into code and literal/IRI/comment chunks (single-line strings only)."""
    pos = 0
    for match in _TOKEN.finditer(text):
        # '<' is also the less-than operator: treat as IRI only when it looks like one
        if match.group().startswith("<") and not _IRI_LIKE.match(match.group()):
            continue
        yield "code", text[pos : match.start()]
        yield "skip", match.group()
        pos = match.end()
    yield "code", text[pos:]


# Parts of SPARQL that make a store fetch data from elsewhere: federation (SERVICE), LOAD,
# and dataset clauses (FROM, USING), which rdflib dereferences over the network.
_REMOTE_PARTS = {
    "ServiceGraphPattern": "SERVICE", "Load": "LOAD", "DatasetClause": "FROM",
    "UsingClause": "USING",
}


@lru_cache(maxsize=256)
def sparql_shape(text: str) -> tuple[str, tuple[str, ...]]:
    """('query' or 'update', the parts that would reach outside the store, e.g.
    'SERVICE <http://…>'), decided by parsing (rdflib's SPARQL grammar), not by keywords."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        tree, kind = parseQuery(text), "query"
    except ParseException as query_error:
        try:
            tree, kind = parseUpdate(text), "update"
        except ParseException:
            raise StoreError(
                f"not a valid SPARQL query: {query_error.msg} at line {query_error.lineno}, "
                f"column {query_error.col}; check the syntax"
            ) from None
    return kind, tuple(_remote_parts(tree))


def sparql_kind(text: str) -> str:
    """'query' or 'update' (see sparql_shape)."""
    return sparql_shape(text)[0]


def _remote_parts(tree: Any) -> Iterator[str]:
    """SERVICE/LOAD/FROM/USING parts of a parsed query, walked without recursion."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            keyword = _REMOTE_PARTS.get(node.name)
            if keyword:  # CompValue.get resolves values; the plain dict lookup does not
                target = next((dict.get(node, k) for k in ("term", "iri", "default", "named")
                               if dict.get(node, k) is not None), None)
                yield f"{keyword} {target.n3()}" if hasattr(target, "n3") else keyword
            stack.extend(node.values())
        elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
            stack.extend(node)


def python_value(value: str, kind: str, datatype: str | None = None) -> Any:
    """A result term as a plain Python value: numbers and booleans typed, the rest strings."""
    if kind != "literal" or not datatype:
        return value
    local = datatype.removeprefix(XSD)
    try:
        if local in {"integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger"}:
            return int(value)
        if local in {"double", "float", "decimal"}:
            return float(value)
        if local == "boolean":
            return value in {"true", "1"}
    except ValueError:
        return value
    return value


# --------------------------------------------------------------------------- triples


class Triples:
    """N-Triples lines under construction (subject written once per call)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, subject: str, predicate: str, obj: str) -> None:
        self.lines.append(f"<{subject}> {predicate} {obj} .")

    def text(self) -> str:
        return "\n".join(self.lines) + ("\n" if self.lines else "")


def _date_literal(date: str) -> str:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        return sparql_literal(date, XSD + "date")
    if re.fullmatch(r"--\d{2}-\d{2}", date):
        return sparql_literal(date, XSD + "gMonthDay")
    return sparql_literal(date)


def paper_fields(paper: Paper) -> dict[str, list[str]]:
    """Single-valued paper properties present in this record -> object terms (overwrite)."""
    fields: dict[str, list[str]] = {}

    def put(prop: str, *objs: str) -> None:
        fields[prop] = list(objs)

    put("dcterms:identifier", sparql_literal(paper.id))
    if paper.title:
        put("dcterms:title", sparql_literal(paper.title))
    if paper.abstract:
        put("dcterms:abstract", sparql_literal(paper.abstract))
    if paper.year is not None:
        put("pkg:year", sparql_literal(int(paper.year)))
    if paper.date:
        put("dcterms:issued", _date_literal(paper.date))
    if paper.updated:
        put("dcterms:modified", _date_literal(paper.updated))
    if paper.doi:
        put("bibo:doi", sparql_literal(paper.doi))
    if paper.arxiv_id:
        put("pkg:arxivId", sparql_literal(paper.arxiv_id))
    if paper.venue:
        put("pkg:venue", sparql_literal(paper.venue))
    if paper.entry_type:
        put("pkg:entryType", sparql_literal(paper.entry_type))
    if paper.url:
        put("schema:url", sparql_literal(paper.url, XSD + "anyURI"))
    if paper.upvotes is not None:
        put("pkg:upvotes", sparql_literal(int(paper.upvotes)))
    if paper.n_authors is not None:
        put("pkg:nAuthors", sparql_literal(int(paper.n_authors)))
    return fields


@cache
def expand(term: str) -> str:
    prefix, _, local = term.partition(":")
    return f"<{PREFIXES[prefix]}{local}>"


def paper_triples(paper: Paper, out: Triples, known: set[tuple[Any, ...]] | None = None) -> None:
    """A paper, its sources and authorships, and its authors: those with a key (id, name,
    orcid, affiliations) in ``known`` are left out (already written), the others added."""
    p = paper_iri(paper.id)
    out.add(p, TYPE, expand("pkg:Paper"))
    out.add(p, TYPE, expand("schema:ScholarlyArticle"))
    for prop, objs in paper_fields(paper).items():
        for obj in objs:
            out.add(p, expand(prop), obj)
    for keyword in paper.keywords:
        out.add(p, expand("schema:keywords"), sparql_literal(keyword))
    for category in paper.categories:
        out.add(p, expand("pkg:category"), sparql_literal(category))
    for key, value in sorted(paper.external_ids.items()):
        out.add(p, expand("pkg:externalId"), sparql_literal(f"{key}:{value}"))
    for ref in paper.references:
        out.add(p, expand("cito:cites"), f"<{paper_iri(ref)}>")
    for source in paper.sources:
        out.add(p, expand("pkg:source"), sparql_literal(source))
        src = source_iri(source)
        out.add(p, expand("prov:wasDerivedFrom"), f"<{src}>")
        out.add(src, TYPE, expand("prov:Entity"))
        out.add(src, expand("rdfs:label"), sparql_literal(source.rsplit(":", 1)[0]
                                                          if re.search(r":\d+$", source)
                                                          else source))
    for position, author in enumerate(paper.authors, start=1):
        a = author_iri(author.id)
        s = authorship_iri(paper.id, position)
        out.add(p, expand("dcterms:creator"), f"<{a}>")
        out.add(s, TYPE, expand("pkg:Authorship"))
        out.add(s, expand("pkg:paper"), f"<{p}>")
        out.add(s, expand("pkg:author"), f"<{a}>")
        out.add(s, expand("pkg:position"), sparql_literal(position))
        if known is None:
            author_triples(author, out)
            continue
        key = (author.id, author.name, author.orcid, tuple(author.affiliations))
        if key not in known:
            known.add(key)
            author_triples(author, out)


def author_triples(author: Author, out: Triples) -> None:
    a = author_iri(author.id)
    out.add(a, TYPE, expand("pkg:Author"))
    out.add(a, TYPE, expand("foaf:Person"))
    out.add(a, expand("dcterms:identifier"), sparql_literal(author.id))
    out.add(a, expand("foaf:name"), sparql_literal(author.name))
    out.add(a, expand("pkg:nameKey"), sparql_literal(author.key))
    if author.orcid:
        out.add(a, expand("pkg:orcid"), sparql_literal(author.orcid))
    for affiliation in author.affiliations:
        out.add(a, expand("pkg:affiliation"), sparql_literal(affiliation))


def concept_class(concept_type: str) -> str | None:
    name = CONCEPT_CLASSES.get(concept_type)
    return expand(f"pkg:{name}") if name else None


def concept_core_triples(concept_id: str, concept_type: str, out: Triples) -> None:
    c = concept_iri(concept_id)
    out.add(c, TYPE, expand("pkg:Concept"))
    out.add(c, TYPE, expand("skos:Concept"))
    out.add(c, expand("dcterms:identifier"), sparql_literal(concept_id))
    out.add(c, expand("pkg:conceptType"), sparql_literal(concept_type))
    cls = concept_class(concept_type)
    if cls:
        out.add(c, TYPE, cls)


_MENTION_TERMS = [
    expand(term) for term in (
        "schema:mentions", "pkg:Mention", "pkg:paper", "pkg:concept", "pkg:role",
        "pkg:confidence", "pkg:origin", "prov:wasDerivedFrom", "pkg:evidence", "pkg:Evidence",
        "pkg:text", "pkg:field", "pkg:start", "pkg:end", "pkg:sentence",
    )
]
_INTEGER = f"^^<{XSD}integer>"


def mention_triples(paper: Paper, link: ConceptLink, out: Triples) -> None:
    """A paper's MENTIONS of one concept: the shortcut, the Mention node and its evidence.
    Written term by term (no helper calls per triple): a build writes millions of these."""
    (mentions, mention_class, paper_prop, concept_prop, role, confidence, origin, derived,
     evidence, evidence_class, text, field, start, end, sentence) = _MENTION_TERMS
    p, c = paper_iri(paper.id), concept_iri(link.id)
    m = mention_iri(paper.id, link.id)
    role_literal = '"proposed"' if link.proposed else '"used"'
    out.lines += [
        f"<{p}> {mentions} <{c}> .",
        f"<{m}> {TYPE} {mention_class} .",
        f"<{m}> {paper_prop} <{p}> .",
        f"<{m}> {concept_prop} <{c}> .",
        f"<{m}> {role} {role_literal} .",
        f"<{m}> {confidence} {sparql_literal(float(link.confidence))} .",
        f"<{m}> {origin} {sparql_literal(link.source)} .",
        f"<{m}> {derived} <{p}> .",
    ]
    for index, mention in enumerate(link.mentions):
        e = f"<{m}/{index}>"
        out.lines += [
            f"<{m}> {evidence} {e} .",
            f"{e} {TYPE} {evidence_class} .",
            f'{e} {text} "{escape_string(mention.text)}" .',
            f'{e} {field} "{escape_string(mention.field)}" .',
            f'{e} {start} "{int(mention.start)}"{_INTEGER} .',
            f'{e} {end} "{int(mention.end)}"{_INTEGER} .',
            f'{e} {sentence} "{escape_string(mention.sentence)}" .',
        ]


# --------------------------------------------------------------------------- updates


def _values(var: str, iris: Iterable[str]) -> str:
    return f"VALUES ?{var} {{ " + " ".join(f"<{i}>" for i in iris) + " }"


def _each(iris: Iterable[str], template: str) -> list[str]:
    """One operation per subject (``{S}`` in the template): every engine then looks the
    subject up by index, where a big VALUES join is slow on some (rdflib)."""
    return [template.replace("{S}", f"<{i}>") for i in iris]


def paper_delete_update(batch: Sequence[PaperGraph]) -> str:
    """Delete what the batch's records replace: present single-valued fields, authorships
    (when the record has authors), author names, and every mention of the paper."""
    parts: list[str] = []
    for item in batch:
        props = " ".join(expand(p) for p in sorted(paper_fields(item.paper)))
        parts += _each(
            [paper_iri(item.paper.id)],
            f"DELETE {{ {{S}} ?prop ?o }} WHERE {{ {{S}} ?prop ?o VALUES ?prop {{ {props} }} }}",
        )
    with_authors = [paper_iri(i.paper.id) for i in batch if i.paper.authors]
    parts += _each(
        with_authors,
        f"DELETE {{ ?s ?x ?y }} WHERE {{ ?s {expand('pkg:paper')} {{S}} ; "
        f"{TYPE} {expand('pkg:Authorship')} ; ?x ?y }}",
    )
    parts += _each(with_authors, f"DELETE WHERE {{ {{S}} {expand('dcterms:creator')} ?a }}")
    authors = sorted({author_iri(a.id) for i in batch for a in i.paper.authors})
    # names (and their folded keys) are overwritten; an orcid only by another orcid
    parts += _each(authors, f"DELETE WHERE {{ {{S}} {expand('foaf:name')} ?o }}")
    parts += _each(authors, f"DELETE WHERE {{ {{S}} {expand('pkg:nameKey')} ?o }}")
    with_orcid = sorted({author_iri(a.id) for i in batch for a in i.paper.authors if a.orcid})
    parts += _each(with_orcid, f"DELETE WHERE {{ {{S}} {expand('pkg:orcid')} ?o }}")
    papers = [paper_iri(i.paper.id) for i in batch]
    mention = f"?m {expand('pkg:paper')} {{S}} ; {TYPE} {expand('pkg:Mention')}"
    parts += _each(
        papers,
        f"DELETE {{ ?e ?x ?y }} WHERE {{ {mention} ; {expand('pkg:evidence')} ?e . ?e ?x ?y }}",
    )
    parts += _each(papers, f"DELETE {{ ?m ?x ?y }} WHERE {{ {mention} ; ?x ?y }}")
    parts += _each(papers, f"DELETE WHERE {{ {{S}} {expand('schema:mentions')} ?c }}")
    return " ;\n".join(parts)


MENTIONS_QUERY = PREFIX_BLOCK + "SELECT ?p ?c WHERE { ?p schema:mentions ?c }"
YEARS_QUERY = PREFIX_BLOCK + "SELECT ?p ?y WHERE { ?p pkg:year ?y }"


def pair_iri(a: str, b: str) -> str:
    """The CO_OCCURS node of concepts a < b (by id)."""
    return f"{PAIR_BASE}{_slug(a)}/{_slug(b)}"


def _pair_node(slug_a: str, slug_b: str) -> str:
    """``pair_iri`` as an N-Triples term, from the concepts' slugs."""
    return f"<{PAIR_BASE}{slug_a}/{slug_b}>"


_PAIR_TERMS = [expand(term) for term in
               ("pkg:CoOccurrence", "pkg:concept", "pkg:weight", "pkg:coOccursWith")]


def _pair_lines(slug_a: str, slug_b: str, weight: int) -> list[str]:
    """The CO_OCCURS node of one concept pair (slugs of a < b by id) and its shortcut
    triple, as N-Triples lines; a refresh writes millions of them."""
    pair_class, concept, weight_prop, shortcut = _PAIR_TERMS
    node = _pair_node(slug_a, slug_b)
    a, b = f"<{CONCEPT_BASE}{slug_a}>", f"<{CONCEPT_BASE}{slug_b}>"
    return [f"{node} {TYPE} {pair_class} .", f"{node} {concept} {a} .",
            f"{node} {concept} {b} .", f'{node} {weight_prop} "{int(weight)}"{_INTEGER} .',
            f"{a} {shortcut} {b} ."]


def pair_triples(a: str, b: str, weight: int, out: Triples) -> None:
    """The CO_OCCURS node of one concept pair (a < b by id) and its shortcut triple."""
    out.lines += _pair_lines(_slug(a), _slug(b), weight)


WEIGHTS_QUERY = PREFIX_BLOCK + "SELECT ?co ?w WHERE { ?co pkg:weight ?w }"
FIGURES_QUERY = PREFIX_BLOCK + """
SELECT ?s ?p ?o WHERE {
  { VALUES ?p { pkg:paperCount pkg:papersInYear pkg:papers pkg:rank pkg:heaviestPair } ?s ?p ?o }
  UNION { ?s a pkg:ConceptYear BIND(rdf:type AS ?p) BIND(pkg:ConceptYear AS ?o) }
  UNION { ?s a pkg:ConceptYear ; pkg:year ?o BIND(pkg:year AS ?p) }
}"""
CHUNK_TRIPLES = 100_000  # triples per update: bounded transactions on big graphs
_P = {name: expand(f"pkg:{name}")[1:-1] for name in
      ("paperCount", "papersInYear", "papers", "year", "rank", "heaviestPair", "ConceptYear")}
_RDF_TYPE = TYPE[1:-1]

Figure = tuple[str, str, "str | int"]  # (subject IRI, predicate IRI, object IRI or integer)


def figure_triples(stats: MentionStatistics) -> set[Figure]:
    """Every derived triple but the CO_OCCURS pairs: concept counts (pkg:paperCount,
    pkg:ConceptYear nodes), the pair ranks and the hub links (kg/derived.py)."""
    return (count_figures(stats.concept_counts()) | rank_figures(stats.ranked())
            | hub_figures(stats.hubs()))


def count_figures(counts: Iterable[tuple[str, int, dict[int, int]]]) -> set[Figure]:
    """pkg:paperCount and the pkg:ConceptYear nodes of (concept id, papers, {year: papers})."""
    out: set[Figure] = set()
    for concept_id, papers, per_year in counts:
        c = concept_iri(concept_id)
        out.add((c, _P["paperCount"], papers))
        for year, n in per_year.items():
            node = f"{c}/year/{year}"
            out.update([(c, _P["papersInYear"], node), (node, _RDF_TYPE, _P["ConceptYear"]),
                        (node, _P["year"], year), (node, _P["papers"], n)])
    return out


def rank_figures(ranked: Iterable[tuple[str, str, int]]) -> set[Figure]:
    """pkg:rank of the heaviest pairs, given heaviest first (MentionStatistics.ranked)."""
    return {(pair_iri(a, b), _P["rank"], rank) for rank, (a, b, _) in enumerate(ranked, start=1)}


def hub_figures(hubs: dict[str, list[tuple[str, str]]]) -> set[Figure]:
    """pkg:heaviestPair links of hub concepts (MentionStatistics.hubs)."""
    return {(concept_iri(concept_id), _P["heaviestPair"], pair_iri(a, b))
            for concept_id, pairs in hubs.items() for a, b in pairs}


def figure_line(figure: Figure) -> str:
    s, p, o = figure
    return f"<{s}> <{p}> {sparql_literal(o) if isinstance(o, int) else f'<{o}>'} ."


def concept_triples(info: ConceptInfo, out: Triples) -> None:
    """A concept node: type, labels, origin, aliases and broader links."""
    c = concept_iri(info.id)
    concept_core_triples(info.id, info.type, out)
    out.add(c, expand("skos:prefLabel"), sparql_literal(info.name))
    out.add(c, expand("pkg:origin"), sparql_literal(info.source))
    for alias in info.aliases:
        out.add(c, expand("skos:altLabel"), sparql_literal(alias))
    for broader in info.broader:
        out.add(c, expand("skos:broader"), f"<{concept_iri(broader)}>")


# "concepts" are those some paper mentions; concept nodes no paper mentions (the broader
# chain a build writes, or the whole vocabulary of `kg build --with-vocabulary` or of a store
# built before) are counted apart, and BROADER counts the links between mentioned concepts.
COUNTS_QUERY = PREFIX_BLOCK + """
SELECT ?key (COUNT(*) AS ?n) WHERE {
  { ?x a pkg:Paper BIND("papers" AS ?key) }
  UNION { ?x a pkg:Author BIND("authors" AS ?key) }
  UNION { ?x a pkg:Concept
          BIND(IF(EXISTS { ?p schema:mentions ?x }, "concepts", "unmentioned_concepts") AS ?key) }
  UNION { ?x a pkg:Authorship BIND("authored_by" AS ?key) }
  UNION { ?x a pkg:Mention BIND("mentions" AS ?key) }
  UNION { ?x cito:cites ?y . ?x a pkg:Paper . ?y a pkg:Paper BIND("cites" AS ?key) }
  UNION { ?x skos:broader ?y . ?x a pkg:Concept . ?y a pkg:Concept
          FILTER(EXISTS { ?p schema:mentions ?x } && EXISTS { ?q schema:mentions ?y })
          BIND("broader" AS ?key) }
  UNION { ?x a pkg:CoOccurrence BIND("co_occurs" AS ?key) }
} GROUP BY ?key
"""


_CONCEPT_CLASS = expand("pkg:Concept")
# what concept_triples writes, replaced when a concept is written again
_CONCEPT_PROPS = [expand(p) for p in ("rdf:type", "dcterms:identifier", "skos:prefLabel",
                                      "skos:altLabel", "skos:broader", "pkg:conceptType",
                                      "pkg:origin")]


def _chunks(items: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class PairChanges:
    """The CO_OCCURS triples to delete and to insert to turn the stored pairs (sorted codes
    ``old`` with weights, ``orphans``: (slug a, slug b, weight) of pairs with a concept no
    longer mentioned) into ``stats``'s."""

    def __init__(
        self, stats: MentionStatistics, old: np.ndarray, old_weight: np.ndarray,
        orphans: list[tuple[str, str, int]],
    ) -> None:
        self.stats, self.old, self.old_weight, self.orphans = stats, old, old_weight, orphans
        self.slugs = [_slug(concept_id) for concept_id in stats.ids]
        new = stats.codes()
        self.at = np.minimum(np.searchsorted(old, new), max(len(old) - 1, 0))
        if len(old):  # `at` is where each new pair is, or would be, among the old ones
            self.found = old[self.at] == new
            changed = self.found & (old_weight[self.at] != stats.weight)
        else:
            self.found = changed = np.zeros(len(new), dtype=bool)
        self.changed = np.flatnonzero(changed)
        self.gone = ~np.isin(old, new)

    def deletes(self) -> Iterator[str]:
        for i in self.changed:
            yield self._weight_line(i, int(self.old_weight[self.at[i]]))
        gone = zip(self.old[self.gone], self.old_weight[self.gone], strict=True)
        width = max(len(self.slugs), 1)
        for code, was in gone:
            yield from _pair_lines(self.slugs[code // width], self.slugs[code % width], was)
        for slug_a, slug_b, was in self.orphans:
            yield from _pair_lines(slug_a, slug_b, was)

    def inserts(self) -> Iterator[str]:
        stats = self.stats
        for i in self.changed:
            yield self._weight_line(i, int(stats.weight[i]))
        new = np.flatnonzero(~self.found)
        slugs = self.slugs
        for a, b, w in zip(stats.a[new].tolist(), stats.b[new].tolist(),
                           stats.weight[new].tolist(), strict=True):
            yield from _pair_lines(slugs[a], slugs[b], w)

    def _weight_line(self, i: int, weight: int) -> str:
        """The pkg:weight triple of new pair ``i`` (an index into ``stats``)."""
        node = _pair_node(self.slugs[self.stats.a[i]], self.slugs[self.stats.b[i]])
        return f'{node} {_PAIR_TERMS[2]} "{weight}"{_INTEGER} .'


class RdfStore(GraphStore):
    """A GraphStore over any SPARQL 1.1 query+update engine; subclasses supply the engine.
    """

    dialect = "sparql"

    def __init__(self, uri: str) -> None:
        self.uri = uri
        # concept IRIs whose node (types, identifier, label) this object wrote: a batch need
        # not repeat them (a write query may delete nodes, so it forgets them)
        self._written_concepts: set[str] = set()
        self._written_authors: set[tuple[Any, ...]] = set()  # the same, for author nodes
        self._deferred: set[str] | None = None  # papers held back by _append (deferred_writes)

    # --- engine hooks -------------------------------------------------------------------

    def _select(self, text: str, params: dict[str, Any] | None = None) -> QueryResult:
        raise NotImplementedError

    def _update(self, text: str) -> None:
        raise NotImplementedError

    def _write(self, delete: str, ntriples: str) -> None:
        """Apply deletions then insert N-Triples, atomically where the engine can."""
        insert = f"INSERT DATA {{\n{ntriples}}}" if ntriples else ""
        text = " ;\n".join(part for part in (delete, insert) if part)
        if text:
            self._update(text)

    def _append(self, ntriples: str, triples: int) -> None:
        """Insert triples that replace nothing (``triples`` lines); inside ``deferred_writes``
        a backend may hold them back until ``_flush_appended``."""
        self._write("", ntriples)

    def _flush_appended(self) -> None:
        """Write whatever ``_append`` held back (backends that defer override this)."""

    # --- deferral -----------------------------------------------------------------------

    @contextmanager
    def deferred_writes(self) -> Iterator[None]:
        self._deferred = set()
        try:
            yield
        finally:
            self._deferred = None
            self._settle()

    def _settle(self) -> None:
        """Make held-back inserts visible: before anything that reads or rewrites the graph
        (the build's own lookups of the papers it is writing need not wait)."""
        self._flush_appended()
        if self._deferred:
            self._deferred.clear()

    # --- GraphStore ---------------------------------------------------------------------

    def _existing(self, iris: Sequence[str], predicate: str, obj: str = "?any") -> set[str]:
        """The IRIs among ``iris`` that have a ``predicate`` triple (with object ``obj``, an
        N-Triples term, when one is given)."""
        found: set[str] = set()
        for chunk in _chunks(list(iris)):
            result = self._select(
                f"SELECT DISTINCT ?x WHERE {{ {_values('x', chunk)} ?x {predicate} {obj} }}"
            )
            found.update(str(row[0]) for row in result.rows)
        return found

    def write_concepts(self, concepts: Iterable[ConceptInfo]) -> WriteStats:
        self._settle()  # the differences are taken against everything written before
        # the same concept twice: the last wins (a batch may not see an earlier one's
        # held-back triples)
        unique = list({concept.id: concept for concept in concepts}.values())
        stats = WriteStats({"concepts": 0})
        for start in range(0, len(unique), 1000):
            stats.add(self._write_concept_batch(unique[start : start + 1000]))
        return stats

    def _write_concept_batch(self, batch: list[ConceptInfo]) -> WriteStats:
        """Replace the concepts' own triples by writing only the difference with the stored
        ones: a build's coined concepts already have their type triples (written with the
        papers) and gain labels; a per-concept DELETE cost ~0.2 ms each (50k at 100k papers).
        """
        iris = [concept_iri(c.id) for c in batch]
        out = Triples()
        for concept in batch:
            concept_triples(concept, out)
        stored, odd = self._stored_concept_lines(iris)
        existing = {iri for iri in iris if f"<{iri}> {TYPE} {_CONCEPT_CLASS} ." in stored}
        wanted = set(out.lines)
        deletes = _each(sorted(odd), f"DELETE {{ {{S}} ?prop ?o }} WHERE {{ {{S}} ?prop ?o "
                                     f"VALUES ?prop {{ {' '.join(_CONCEPT_PROPS)} }} }}")
        stale = [line for line in stored if line not in wanted]
        if stale:
            deletes.append("DELETE DATA {\n" + "\n".join(stale) + "\n}")
        inserts = [line for line in out.lines
                   if line not in stored or line[1 : line.index(">")] in odd]
        if deletes:
            self._write(" ;\n".join(deletes), "\n".join(inserts) + "\n")
        elif inserts:
            self._append("\n".join(inserts) + "\n", len(inserts))
        self._written_concepts.update(iris)
        return WriteStats({"concepts": len(set(iris) - existing)})

    def _stored_concept_lines(self, iris: Sequence[str]) -> tuple[set[str], set[str]]:
        """The stored triples of the concepts' own properties as the N-Triples lines
        concept_triples writes, and the concepts with a value it never writes (a typed or
        language-tagged literal, e.g. from a user's update: those are replaced wholesale)."""
        lines: set[str] = set()
        odd: set[str] = set()
        for chunk in _chunks(list(iris)):
            # a branch per property: with ?p from VALUES too, Oxigraph scans every triple
            branches = " UNION ".join(f"{{ ?s {p} ?o BIND({p} AS ?p) }}" for p in _CONCEPT_PROPS)
            result = self._select(
                f"SELECT ?s ?p ?o ?form WHERE {{ {_values('s', chunk)} {branches} "
                f'BIND(IF(isIRI(?o), "iri", IF(isLiteral(?o) && DATATYPE(?o) = <{XSD}string>'
                f' && LANG(?o) = "", "string", "other")) AS ?form) }}'
            )
            for s, p, o, form in result.rows:
                if form == "iri":
                    lines.add(f"<{s}> <{p}> <{o}> .")
                elif form == "string":
                    lines.add(f"<{s}> <{p}> {sparql_literal(str(o))} .")
                else:
                    odd.add(str(s))
        return lines, odd

    def write_papers(self, batch: Sequence[PaperGraph]) -> WriteStats:
        if not batch:
            return WriteStats({"papers": 0})
        merged: dict[str, PaperGraph] = {}
        for item in batch:  # the same paper twice in one batch: the last record wins
            merged[item.paper.id] = item
        batch = list(merged.values())
        papers = [paper_iri(i.paper.id) for i in batch]
        if self._deferred and not self._deferred.isdisjoint(papers):
            self._settle()  # written earlier in this block and not loaded yet
        existing = self._existing(papers, TYPE, expand("pkg:Paper"))
        # only papers already stored have old triples to delete (none in a fresh build);
        # the deletions must see every held-back triple, and they drop author names
        rewritten = [item for item in batch if paper_iri(item.paper.id) in existing]
        if rewritten:
            self._settle()
            self._written_authors.clear()
        known_authors = None if rewritten else self._written_authors
        out = Triples()
        new_concepts: dict[str, ConceptLink] = {}
        for item in batch:
            paper_triples(item.paper, out, known_authors)
            for link in item.concepts:
                if concept_iri(link.id) not in self._written_concepts:
                    concept_core_triples(link.id, link.type, out)
                    new_concepts.setdefault(link.id, link)
                mention_triples(item.paper, link, out)
        out.lines += self._first_labels(new_concepts)
        if rewritten:
            self._write(paper_delete_update(rewritten), out.text())
        else:
            self._append(out.text(), len(out.lines))
            if self._deferred is not None:
                self._deferred.update(papers)
        self._written_concepts.update(concept_iri(cid) for cid in new_concepts)
        return WriteStats({"papers": len(set(papers) - existing)})

    def _first_labels(self, links: dict[str, ConceptLink]) -> list[str]:
        """Labels for concepts first seen in a paper (coined) that have none stored yet,
        as lines to insert with the papers: a read and an append, where an INSERT … WHERE
        NOT EXISTS per batch waited on the build's bulk loads (a third of its main thread)."""
        label = expand("skos:prefLabel")
        iris = {concept_iri(cid): link.name for cid, link in sorted(links.items())}
        labelled = self._existing(list(iris), label)
        return [f"<{iri}> {label} {sparql_literal(name)} ."
                for iri, name in iris.items() if iri not in labelled]

    def update_cooccurrence(self, concept_ids: Iterable[str] | None = None) -> None:
        """Bring everything derived from the mentions (kg/derived.py) in line with them:
        recompute it in Python from one scan of the MENTIONS shortcuts (a SPARQL self-join is
        quadratic on big builds), compare with what is stored and write only the difference,
        so a re-build that changes little writes little (``concept_ids`` is not needed).
        Triples are generated and written in chunks: a big graph has millions of pairs."""
        self._settle()
        stats = mention_statistics(self._mentions(), self._paper_years())
        pairs = self._pair_changes(stats)
        wanted, stored = figure_triples(stats), self._stored_figures()
        deletes = chain(pairs.deletes(), (figure_line(f) for f in stored - wanted))
        while chunk := list(islice(deletes, CHUNK_TRIPLES)):
            self._update("DELETE DATA {\n" + "\n".join(chunk) + "\n}")
        inserts = chain(pairs.inserts(), (figure_line(f) for f in wanted - stored))
        while chunk := list(islice(inserts, CHUNK_TRIPLES)):
            self._append("\n".join(chunk) + "\n", len(chunk))

    def _pair_changes(self, stats: MentionStatistics) -> PairChanges:
        """How the stored CO_OCCURS differ from ``stats``'s, compared as integer codes."""
        index = {_slug(c): i for i, c in enumerate(stats.ids)}
        width = max(len(stats.ids), 1)
        codes, weights = array("q"), array("q")
        orphans: list[tuple[str, str, int]] = []
        for co, weight in self._rows(WEIGHTS_QUERY):
            slug_a, _, slug_b = str(co).removeprefix(PAIR_BASE).partition("/")
            a, b = index.get(slug_a), index.get(slug_b)
            if a is None or b is None:  # a concept nobody mentions any more
                orphans.append((slug_a, slug_b, int(weight)))
            else:
                codes.append(a * width + b)
                weights.append(int(weight))
        old = np.frombuffer(codes, dtype=np.int64)
        order = np.argsort(old, kind="stable")
        return PairChanges(stats, old[order], np.frombuffer(weights, dtype=np.int64)[order],
                           orphans)

    def _stored_figures(self) -> set[Figure]:
        stored: set[Figure] = set()
        for s, p, o in self._rows(FIGURES_QUERY):
            stored.add((str(s), str(p), o if isinstance(o, int) else str(o)))
        return stored

    def _rows(self, text: str) -> Iterator[list[Any]]:
        """Rows of a SELECT; backends that can stream them override this."""
        yield from self._select(text).rows

    def _mentions(self) -> Iterator[tuple[str, str]]:
        ids: dict[str, str] = {}
        for paper, concept in self._rows(MENTIONS_QUERY):
            found = ids.get(concept)
            if found is None:
                found = ids[concept] = id_of_iri(str(concept))
            yield str(paper), found

    def _paper_years(self) -> dict[str, int]:
        return {str(p): int(y) for p, y in self._rows(YEARS_QUERY) if isinstance(y, int)}

    def counts(self) -> dict[str, int]:
        self._settle()
        found = {str(row[0]): int(row[1]) for row in self._select(COUNTS_QUERY).rows}
        return {key: found.get(key, 0) for key in COUNT_KEYS}

    def query(
        self,
        text: str,
        params: dict[str, Any] | None = None,
        write: bool = False,
        allow_remote: bool = False,
    ) -> QueryResult:
        # classify the template with every parameter as the literal 1 (valid wherever a
        # bound value may stand, LIMIT included) so the parse is cached across values
        self._settle()
        kind, remote = sparql_shape(bind_text(text, dict.fromkeys(params or {}, 1)))
        if kind == "update" and not write:
            raise ReadOnlyError(
                "this is a SPARQL Update and the store is opened read-only; "
                "add --write to change the graph"
            )
        if remote and not allow_remote:
            raise RemoteAccessError(
                f"the query asks the store to reach outside it ({', '.join(remote)}), which "
                "is refused: queries stay local"
            )
        if kind == "update":
            self._update(bind_text(text, params or {}))
            self._written_concepts.clear()
            self._written_authors.clear()
            return QueryResult([], [])
        return self._select(text, params)
