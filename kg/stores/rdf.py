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
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import quote, unquote

from extract.model import ConceptInfo, ConceptLink
from kg.model import Author, Paper
from kg.stores.base import (
    COUNT_KEYS,
    GraphStore,
    PaperGraph,
    QueryResult,
    ReadOnlyError,
    StoreError,
    WriteStats,
)

BASE = "https://paper-kg.org/"
PKG = BASE + "schema#"
ID = BASE + "id/"
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


def _segment(value: str) -> str:
    # ':' kept readable (legal in an IRI path); everything else that could end a term is encoded
    return quote(value, safe=":")


def paper_iri(paper_id: str) -> str:
    return f"{ID}paper/{_segment(paper_id)}"


def author_iri(author_id: str) -> str:
    return f"{ID}author/{_segment(author_id)}"


def concept_iri(concept_id: str) -> str:
    return f"{ID}concept/{_segment(concept_id.removeprefix('concept:'))}"


def mention_iri(paper_id: str, concept_id: str) -> str:
    slug = _segment(concept_id.removeprefix("concept:"))
    return f"{ID}mention/{_segment(paper_id)}/{slug}"


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
    text = text.encode("utf-8", "replace").decode("utf-8")
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group()], text)


def sparql_literal(value: Any, datatype: str | None = None) -> str:
    """An RDF literal in SPARQL/N-Triples syntax; the one escaping helper for all backends."""
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
    """Replace ``$name`` variables by escaped literals (the remote / rdflib binding path).

    Only ``$name`` tokens outside strings and IRIs are replaced, so a value can never change
    the query's structure.
    """
    if not params:
        return text

    def term(name: str) -> str:
        value = params[name]
        return sparql_literal(value) if not isinstance(value, int) or isinstance(value, bool) \
            else str(value)

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


@lru_cache(maxsize=256)
def sparql_kind(text: str) -> str:
    """'query' or 'update', decided by parsing (rdflib's SPARQL grammar), not by keywords."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        parseQuery(text)
        return "query"
    except ParseException as query_error:
        try:
            parseUpdate(text)
            return "update"
        except ParseException:
            raise StoreError(
                f"not a valid SPARQL query: {query_error.msg} at line {query_error.lineno}, "
                f"column {query_error.col}; check the syntax"
            ) from None


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
    if paper.url:
        put("schema:url", sparql_literal(paper.url, XSD + "anyURI"))
    if paper.upvotes is not None:
        put("pkg:upvotes", sparql_literal(int(paper.upvotes)))
    if paper.n_authors is not None:
        put("pkg:nAuthors", sparql_literal(int(paper.n_authors)))
    return fields


def expand(term: str) -> str:
    prefix, _, local = term.partition(":")
    return f"<{PREFIXES[prefix]}{local}>"


def paper_triples(paper: Paper, out: Triples) -> None:
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
        author_triples(author, out)


def author_triples(author: Author, out: Triples) -> None:
    a = author_iri(author.id)
    out.add(a, TYPE, expand("pkg:Author"))
    out.add(a, TYPE, expand("foaf:Person"))
    out.add(a, expand("dcterms:identifier"), sparql_literal(author.id))
    out.add(a, expand("foaf:name"), sparql_literal(author.name))
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


def mention_triples(paper: Paper, link: ConceptLink, out: Triples) -> None:
    p = paper_iri(paper.id)
    c = concept_iri(link.id)
    m = mention_iri(paper.id, link.id)
    out.add(p, expand("schema:mentions"), f"<{c}>")
    out.add(m, TYPE, expand("pkg:Mention"))
    out.add(m, expand("pkg:paper"), f"<{p}>")
    out.add(m, expand("pkg:concept"), f"<{c}>")
    out.add(m, expand("pkg:role"), sparql_literal("proposed" if link.proposed else "used"))
    out.add(m, expand("pkg:confidence"), sparql_literal(float(link.confidence)))
    out.add(m, expand("pkg:origin"), sparql_literal(link.source))
    out.add(m, expand("prov:wasDerivedFrom"), f"<{p}>")
    for index, mention in enumerate(link.mentions):
        e = f"{m}/{index}"
        out.add(m, expand("pkg:evidence"), f"<{e}>")
        out.add(e, TYPE, expand("pkg:Evidence"))
        out.add(e, expand("pkg:text"), sparql_literal(mention.text))
        out.add(e, expand("pkg:field"), sparql_literal(mention.field))
        out.add(e, expand("pkg:start"), sparql_literal(int(mention.start)))
        out.add(e, expand("pkg:end"), sparql_literal(int(mention.end)))
        out.add(e, expand("pkg:sentence"), sparql_literal(mention.sentence))


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
    # names are overwritten; an orcid only by another orcid
    parts += _each(authors, f"DELETE WHERE {{ {{S}} {expand('foaf:name')} ?o }}")
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


def concept_label_update(links: dict[str, ConceptLink]) -> str:
    """Give concepts first seen in a paper (coined) a label unless they already have one."""
    if not links:
        return ""
    rows = " ".join(
        f"(<{concept_iri(cid)}> {sparql_literal(link.name)})" for cid, link in sorted(links.items())
    )
    label = expand("skos:prefLabel")
    return (
        f"INSERT {{ ?c {label} ?name }} WHERE {{ VALUES (?c ?name) {{ {rows} }} "
        f"FILTER NOT EXISTS {{ ?c {label} ?any }} }}"
    )


MENTION_PAIRS_QUERY = PREFIX_BLOCK + """
SELECT ?p ?id WHERE { ?m a pkg:Mention ; pkg:paper ?p ; pkg:concept ?c . ?c dcterms:identifier ?id }
"""


def cooccurrence_weights(
    mentions: Iterable[tuple[str, str]], touched: set[str] | None
) -> dict[tuple[str, str], int]:
    """(concept id a, concept id b) with a < b -> number of papers mentioning both, for the
    pairs with a touched concept (all pairs when ``touched`` is None)."""
    by_paper: dict[str, set[str]] = {}
    for paper, concept in mentions:
        by_paper.setdefault(paper, set()).add(concept)
    weights: dict[tuple[str, str], int] = {}
    for concepts in by_paper.values():
        ordered = sorted(concepts)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if touched is None or a in touched or b in touched:
                    weights[(a, b)] = weights.get((a, b), 0) + 1
    return weights


def cooccurrence_delete(concepts: Sequence[str] | None) -> str:
    """Delete the CO_OCCURS nodes and shortcuts of ``concepts`` (concept IRIs; None = all)."""
    co, concept = expand("pkg:CoOccurrence"), expand("pkg:concept")
    with_ = expand("pkg:coOccursWith")
    if concepts is None:
        return (f"DELETE {{ ?co ?x ?y }} WHERE {{ ?co {TYPE} {co} ; ?x ?y }} ;\n"
                f"DELETE WHERE {{ ?a {with_} ?b }}")
    parts = _each(concepts, f"DELETE {{ ?co ?x ?y }} WHERE {{ ?co {TYPE} {co} ; {concept} {{S}} ; "
                            "?x ?y }")
    parts += _each(concepts, f"DELETE WHERE {{ {{S}} {with_} ?b }}")
    parts += _each(concepts, f"DELETE WHERE {{ ?a {with_} {{S}} }}")
    return " ;\n".join(parts)


def pair_triples(a: str, b: str, weight: int, out: Triples) -> None:
    """The CO_OCCURS node of one concept pair (a < b by id) and its shortcut triple."""
    ia, ib = concept_iri(a), concept_iri(b)
    prefix = len(f"{ID}concept/")
    node = f"{ID}cooccurrence/{ia[prefix:]}/{ib[prefix:]}"
    out.add(node, TYPE, expand("pkg:CoOccurrence"))
    out.add(node, expand("pkg:concept"), f"<{ia}>")
    out.add(node, expand("pkg:concept"), f"<{ib}>")
    out.add(node, expand("pkg:weight"), sparql_literal(int(weight)))
    out.add(ia, expand("pkg:coOccursWith"), f"<{ib}>")


def cooccurrence_triples(
    weights: dict[tuple[str, str], int], chunk: int = 20_000
) -> Iterator[str]:
    """N-Triples of the CO_OCCURS nodes, ``chunk`` pairs at a time (bounded memory: a big
    build has millions of pairs)."""
    out = Triples()
    for n, ((a, b), weight) in enumerate(sorted(weights.items()), start=1):
        pair_triples(a, b, weight, out)
        if n % chunk == 0:
            yield out.text()
            out = Triples()
    yield out.text()


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


def cooccurrence_update(concepts: Sequence[str] | None) -> str:
    """SPARQL Update text that deletes and recomputes the CO_OCCURS of ``concepts`` (concept
    IRIs; None = all) inside the database, e.g. after a bulk load (kg/bulk.py). The stores
    compute weights in Python instead (``RdfStore.update_cooccurrence``): same triples."""
    values = _values("c", concepts) if concepts is not None else ""
    co, concept, weight = expand("pkg:CoOccurrence"), expand("pkg:concept"), expand("pkg:weight")
    with_ = expand("pkg:coOccursWith")
    paper, mention = expand("pkg:paper"), expand("pkg:Mention")
    ident = expand("dcterms:identifier")
    prefix = f"{ID}concept/"
    delete_nodes = (
        f"DELETE {{ ?co ?x ?y }} WHERE {{ {values} ?co {TYPE} {co} ; {concept} ?c ; ?x ?y }}"
    )
    delete_edges = (
        f"DELETE {{ ?a {with_} ?b }} WHERE {{ {values} "
        f"{{ ?c {with_} ?b BIND(?c AS ?a) }} UNION {{ ?a {with_} ?c BIND(?c AS ?b) }} }}"
    )
    insert = (
        f"INSERT {{ ?co {TYPE} {co} ; {concept} ?a, ?b ; {weight} ?w . ?a {with_} ?b }} "
        f"WHERE {{ {{ SELECT ?a ?b (COUNT(DISTINCT ?p) AS ?w) WHERE {{ {values} "
        f"?m1 {TYPE} {mention} ; {concept} ?c ; {paper} ?p . "
        f"?m2 {TYPE} {mention} ; {paper} ?p ; {concept} ?o . FILTER(?o != ?c) "
        f"?c {ident} ?cid . ?o {ident} ?oid . "  # pairs ordered by id, as in the queries
        "BIND(IF(?cid < ?oid, ?c, ?o) AS ?a) BIND(IF(?cid < ?oid, ?o, ?c) AS ?b) "
        "} GROUP BY ?a ?b } "
        f'BIND(IRI(CONCAT("{ID}cooccurrence/", STRAFTER(STR(?a), "{prefix}"), "/", '
        f'STRAFTER(STR(?b), "{prefix}"))) AS ?co) }}'
    )
    return " ;\n".join([delete_nodes, delete_edges, insert])


COUNTS_QUERY = PREFIX_BLOCK + """
SELECT ?key (COUNT(*) AS ?n) WHERE {
  { ?x a pkg:Paper BIND("papers" AS ?key) }
  UNION { ?x a pkg:Author BIND("authors" AS ?key) }
  UNION { ?x a pkg:Concept BIND("concepts" AS ?key) }
  UNION { ?x a pkg:Authorship BIND("authored_by" AS ?key) }
  UNION { ?x a pkg:Mention BIND("mentions" AS ?key) }
  UNION { ?x cito:cites ?y . ?x a pkg:Paper . ?y a pkg:Paper BIND("cites" AS ?key) }
  UNION { ?x skos:broader ?y . ?x a pkg:Concept . ?y a pkg:Concept BIND("broader" AS ?key) }
  UNION { ?x a pkg:CoOccurrence BIND("co_occurs" AS ?key) }
} GROUP BY ?key
"""


def _chunks(items: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class RdfStore(GraphStore):
    """A GraphStore over any SPARQL 1.1 query+update engine; subclasses supply the engine.

    Also remembers which concepts each write touched (including a re-written paper's old
    concepts) so that ``update_cooccurrence`` refreshes pairs that lost a paper.
    """

    dialect = "sparql"

    def __init__(self, uri: str) -> None:
        self.uri = uri
        self._touched: set[str] = set()

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

    # --- GraphStore ---------------------------------------------------------------------

    def _existing(self, iris: Sequence[str], cls: str) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(list(iris)):
            result = self._select(f"SELECT ?x WHERE {{ {_values('x', chunk)} ?x {TYPE} {cls} }}")
            found.update(str(row[0]) for row in result.rows)
        return found

    def write_concepts(self, concepts: Iterable[ConceptInfo]) -> WriteStats:
        stats = WriteStats({"concepts": 0})
        batch: list[ConceptInfo] = []
        for concept in concepts:
            batch.append(concept)
            if len(batch) >= 1000:
                stats.add(self._write_concept_batch(batch))
                batch = []
        if batch:
            stats.add(self._write_concept_batch(batch))
        return stats

    def _write_concept_batch(self, batch: list[ConceptInfo]) -> WriteStats:
        iris = [concept_iri(c.id) for c in batch]
        existing = self._existing(iris, expand("pkg:Concept"))
        out = Triples()
        for concept in batch:
            concept_triples(concept, out)
        props = " ".join(
            expand(p)
            for p in ("skos:prefLabel", "skos:altLabel", "skos:broader", "pkg:conceptType",
                      "pkg:origin", "rdf:type")
        )
        delete = " ;\n".join(
            _each(iris, f"DELETE {{ {{S}} ?prop ?o }} WHERE {{ {{S}} ?prop ?o "
                        f"VALUES ?prop {{ {props} }} }}")
        )
        self._write(delete, out.text())
        return WriteStats({"concepts": len(set(iris) - existing)})

    def write_papers(self, batch: Sequence[PaperGraph]) -> WriteStats:
        if not batch:
            return WriteStats({"papers": 0})
        merged: dict[str, PaperGraph] = {}
        for item in batch:  # the same paper twice in one batch: the last record wins
            merged[item.paper.id] = item
        batch = list(merged.values())
        papers = [paper_iri(i.paper.id) for i in batch]
        existing = self._existing(papers, expand("pkg:Paper"))
        if existing:
            old = self._select(
                f"SELECT DISTINCT ?c WHERE {{ {_values('p', sorted(existing))} "
                f"?m {expand('pkg:paper')} ?p ; {expand('pkg:concept')} ?c }}"
            )
            self._touched.update(str(row[0]) for row in old.rows)
        out = Triples()
        coined: dict[str, ConceptLink] = {}
        for item in batch:
            paper_triples(item.paper, out)
            for link in item.concepts:
                concept_core_triples(link.id, link.type, out)
                coined.setdefault(link.id, link)
                mention_triples(item.paper, link, out)
                self._touched.add(concept_iri(link.id))
        self._write(paper_delete_update(batch), out.text())
        label = concept_label_update(coined)
        if label:
            self._update(label)
        return WriteStats({"papers": len(set(papers) - existing)})

    def update_cooccurrence(self, concept_ids: Iterable[str] | None = None) -> None:
        """Weights are counted in Python from the (paper, concept) mention list: one scan,
        where a SPARQL self-join per touched concept is quadratic on big builds."""
        touched = (
            None if concept_ids is None
            else self._touched | {concept_iri(c) for c in concept_ids}
        )
        if touched is not None and not touched:
            return
        rows = self._select(MENTION_PAIRS_QUERY).rows
        if touched is not None:
            all_concepts = {row[1] for row in rows}
            touched_ids = {id_of_iri(i) for i in touched}
            if len(touched_ids) * 2 > len(all_concepts):  # most of the graph: redo it all
                touched = None
        ids = None if touched is None else touched_ids
        weights = cooccurrence_weights(((str(p), str(c)) for p, c in rows), ids)
        delete = cooccurrence_delete(None if touched is None else sorted(touched))
        for ntriples in cooccurrence_triples(weights):
            self._write(delete, ntriples)
            delete = ""  # the first chunk's write deleted the stale pairs
        self._touched.clear()

    def counts(self) -> dict[str, int]:
        found = {str(row[0]): int(row[1]) for row in self._select(COUNTS_QUERY).rows}
        return {key: found.get(key, 0) for key in COUNT_KEYS}

    def query(
        self, text: str, params: dict[str, Any] | None = None, write: bool = False
    ) -> QueryResult:
        # classify the template with every parameter as the literal 1 (valid wherever a
        # bound value may stand, LIMIT included) so the parse is cached across values
        kind = sparql_kind(bind_text(text, dict.fromkeys(params or {}, 1)))
        if kind == "update":
            if not write:
                raise ReadOnlyError(
                    "this is a SPARQL Update and the store is opened read-only; "
                    "add --write to change the graph"
                )
            self._update(bind_text(text, params or {}))
            return QueryResult([], [])
        return self._select(text, params)
