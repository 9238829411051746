"""The graph as RDF: the triples (N-Triples lines) of a paper, author, concept, mention,
co-occurrence pair and derived figure.

Pure functions of the model (kg/model.py, kg/derived.py) over the terms of
kg/mapping/terms.py; the RDF stores, the bulk writers, the Dask parts and the RDF exports
all write what these return, so their graphs are the same triples.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from kg.derived import MentionStatistics
from kg.mapping.terms import (
    CONCEPT_BASE,
    PAIR_BASE,
    STORE_IRI,
    TYPE,
    XSD,
    Triples,
    author_iri,
    authorship_iri,
    concept_class,
    concept_iri,
    escape_string,
    expand,
    mention_iri,
    pair_iri,
    paper_iri,
    slug,
    source_iri,
    source_path,
    sparql_literal,
)
from kg.model import Author, ConceptInfo, ConceptLink, Curated, Mention, Paper

# The graph format this code writes and reads (schema/README.md, "Store format"): 2 leaves
# out what the schema implies (types of Mention, Evidence and CoOccurrence nodes, a mention's
# prov:wasDerivedFrom, an evidence's text and sentence as offsets into its field); 1, every
# store written before, had them. `kg refresh --migrate` turns 1 into 2.
FORMAT_VERSION = 2


def format_triples(out: Triples) -> None:
    """The one triple that says which graph format a store (or bulk file) holds."""
    out.add(STORE_IRI, expand("pkg:formatVersion"), sparql_literal(FORMAT_VERSION))


def _date_literal(date: str) -> str:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        return sparql_literal(date, XSD + "date")
    if re.fullmatch(r"--\d{2}-\d{2}", date):
        return sparql_literal(date, XSD + "gMonthDay")
    return sparql_literal(date)


def _int_literal(value: int) -> str:
    return sparql_literal(int(value))


def _uri_literal(url: str) -> str:
    return sparql_literal(url, XSD + "anyURI")


# Single-valued paper properties, Paper attribute -> predicate, in output order; an absent
# (None) or empty value writes nothing.
_PAPER_PROPERTIES = {
    "title": "dcterms:title", "abstract": "dcterms:abstract", "year": "pkg:year",
    "date": "dcterms:issued", "updated": "dcterms:modified", "doi": "bibo:doi",
    "arxiv_id": "pkg:arxivId", "venue": "pkg:venue", "entry_type": "pkg:entryType",
    "url": "schema:url", "upvotes": "pkg:upvotes", "n_authors": "pkg:nAuthors",
}  # fmt: skip
# The typed literals among them; the rest are plain strings.
_TYPED_LITERALS: dict[str, Callable[[Any], str]] = {
    "year": _int_literal, "upvotes": _int_literal, "n_authors": _int_literal,
    "date": _date_literal, "updated": _date_literal, "url": _uri_literal,
}  # fmt: skip


def paper_fields(paper: Paper) -> dict[str, list[str]]:
    """Single-valued paper properties present in this record -> object terms (overwrite)."""
    fields = {"dcterms:identifier": [sparql_literal(paper.id)]}
    for attribute, prop in _PAPER_PROPERTIES.items():
        value = getattr(paper, attribute)
        if value is not None and value != "":
            fields[prop] = [_TYPED_LITERALS.get(attribute, sparql_literal)(value)]
    return fields



CURATED_PROPS = ("pkg:curated", "pkg:curatedBy", "pkg:curatedAt")


def curated_triples(subject: str, mark: Curated | None, out: Triples) -> None:
    """The origin of a fact checked by hand (kg/curation): curated, by whom, when."""
    if mark is None:
        return
    curated, by, at = (expand(p) for p in CURATED_PROPS)
    out.add(subject, curated, sparql_literal(True))
    out.add(subject, by, sparql_literal(mark.by))
    out.add(subject, at, sparql_literal(mark.at, XSD + "dateTime"))


def paper_triples(paper: Paper, out: Triples, known: set[tuple[Any, ...]] | None = None) -> None:
    """A paper, its sources and authorships, and its authors: those with a key (id, name,
    orcid, affiliations) in ``known`` are left out (already written), the others added."""
    p = paper_iri(paper.id)
    out.add(p, TYPE, expand("pkg:Paper"))
    out.add(p, TYPE, expand("schema:ScholarlyArticle"))
    for prop, objs in paper_fields(paper).items():
        for obj in objs:
            out.add(p, expand(prop), obj)
    curated_triples(p, paper.curated, out)
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
        out.add(src, expand("rdfs:label"), sparql_literal(source_path(source)))
    for position, author in enumerate(paper.authors, start=1):
        a = author_iri(author.id)
        out.add(p, expand("dcterms:creator"), f"<{a}>")
        authorship_triples(paper.id, position, author.id, out)
        if known is None:
            author_triples(author, out)
            continue
        key = (author.id, author.name, author.orcid, tuple(author.affiliations))
        if key not in known:
            known.add(key)
            author_triples(author, out)


def authorship_triples(paper_id: str, position: int, author_id: str, out: Triples) -> None:
    """The pkg:Authorship node of one author of a paper (position: 1-based)."""
    s = authorship_iri(paper_id, position)
    out.add(s, TYPE, expand("pkg:Authorship"))
    out.add(s, expand("pkg:paper"), f"<{paper_iri(paper_id)}>")
    out.add(s, expand("pkg:author"), f"<{author_iri(author_id)}>")
    out.add(s, expand("pkg:position"), sparql_literal(position))


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
        "schema:mentions", "pkg:paper", "pkg:concept", "pkg:role", "pkg:confidence",
        "pkg:origin", "pkg:evidence", "pkg:text", "pkg:field", "pkg:start", "pkg:end",
        "pkg:sentence", "pkg:sentenceStart", "pkg:sentenceEnd",
    )
]
_INTEGER = f"^^<{XSD}integer>"


def sentence_span(text: str, sentence: str, start: int, end: int) -> tuple[int, int] | None:
    """Where ``sentence`` stands in its field ``text``: the occurrence holding the mention
    ``[start, end)`` if there is one, else the first; None when the field does not hold it
    (the evidence then keeps the sentence itself). The one rule of the writers and of
    ``kg refresh --migrate``."""
    at = text.rfind(sentence, 0, start + 1) if sentence else -1
    if at < 0 or at + len(sentence) < end:
        at = text.find(sentence)
    return None if at < 0 else (at, at + len(sentence))


def evidence_lines(node: str, mention: Mention, field_text: str) -> list[str]:
    """One occurrence of a concept (``node``: its N-Triples term) in the paper's field
    ``field_text`` (title or abstract as stored, "" when not written with the mention).
    Implied triples are left out (schema/README.md, format 2): the type (the range of
    pkg:evidence), the text when it is ``field[start:end]``, the sentence when it is the
    whole field, else as offsets into the field when the field holds it."""
    (_, _, _, _, _, _, _, text, field, start, end, sentence, sentence_start,
     sentence_end) = _MENTION_TERMS
    lines = [f'{node} {field} "{escape_string(mention.field)}" .',
             f'{node} {start} "{int(mention.start)}"{_INTEGER} .',
             f'{node} {end} "{int(mention.end)}"{_INTEGER} .']
    if field_text[mention.start : mention.end] != mention.text or not field_text:
        lines.append(f'{node} {text} "{escape_string(mention.text)}" .')
    if mention.sentence == field_text and field_text:
        return lines
    span = sentence_span(field_text, mention.sentence, mention.start, mention.end)
    if span is None or not field_text:
        lines.append(f'{node} {sentence} "{escape_string(mention.sentence)}" .')
    else:
        lines += [f'{node} {sentence_start} "{span[0]}"{_INTEGER} .',
                  f'{node} {sentence_end} "{span[1]}"{_INTEGER} .']
    return lines


def field_texts(paper: Paper) -> dict[str, str]:
    """The stored text of each evidence field of a paper record."""
    return {"title": paper.title or "", "abstract": paper.abstract or ""}


def mention_triples(paper: Paper, link: ConceptLink, out: Triples) -> None:
    """A paper's MENTIONS of one concept: the shortcut, the Mention node and its evidence.
    The node's type (the domain of pkg:role) and its prov:wasDerivedFrom the paper (pkg:paper
    is a sub-property) are implied, not stored. Written term by term (no helper calls per
    triple): a build writes millions of these."""
    (mentions, paper_prop, concept_prop, role, confidence, origin, evidence,
     *_) = _MENTION_TERMS
    p, c = paper_iri(paper.id), concept_iri(link.id)
    m = mention_iri(paper.id, link.id)
    role_literal = '"proposed"' if link.proposed else '"used"'
    out.lines += [
        f"<{p}> {mentions} <{c}> .",
        f"<{m}> {paper_prop} <{p}> .",
        f"<{m}> {concept_prop} <{c}> .",
        f"<{m}> {role} {role_literal} .",
        f"<{m}> {confidence} {sparql_literal(float(link.confidence))} .",
        f"<{m}> {origin} {sparql_literal(link.source)} .",
    ]
    if link.curated is not None:
        curated_triples(m, link.curated, out)
    if not link.mentions:
        return
    texts = field_texts(paper)
    for index, mention in enumerate(link.mentions):
        e = f"<{m}/{index}>"
        out.lines.append(f"<{m}> {evidence} {e} .")
        out.lines += evidence_lines(e, mention, texts.get(mention.field, ""))


def pair_node(slug_a: str, slug_b: str) -> str:
    """``pair_iri`` as an N-Triples term, from the concepts' slugs."""
    return f"<{PAIR_BASE}{slug_a}/{slug_b}>"


_PAIR_TERMS = [expand(term) for term in ("pkg:concept", "pkg:weight", "pkg:coOccursWith")]


def _pair_node_lines(slug_a: str, slug_b: str, weight: str) -> list[str]:
    """The CO_OCCURS node of concepts with slugs a < b (by id); ``weight``: a literal. Its
    type is implied (the domain of pkg:weight), not stored."""
    concept, weight_prop, _ = _PAIR_TERMS
    node = pair_node(slug_a, slug_b)
    return [f"{node} {concept} <{CONCEPT_BASE}{slug_a}> .",
            f"{node} {concept} <{CONCEPT_BASE}{slug_b}> .", f"{node} {weight_prop} {weight} ."]


def weight_line(node: str, weight: int) -> str:
    """The pkg:weight triple of a CO_OCCURS node (an N-Triples term)."""
    return f'{node} {_PAIR_TERMS[1]} "{int(weight)}"{_INTEGER} .'


def pair_lines(slug_a: str, slug_b: str, weight: int) -> list[str]:
    """The CO_OCCURS node of one concept pair (slugs of a < b by id) and its shortcut
    triple, as N-Triples lines; a refresh writes millions of them."""
    shortcut = _PAIR_TERMS[2]
    return [*_pair_node_lines(slug_a, slug_b, f'"{int(weight)}"{_INTEGER}'),
            f"<{CONCEPT_BASE}{slug_a}> {shortcut} <{CONCEPT_BASE}{slug_b}> ."]


def pair_triples(a: str, b: str, weight: int, out: Triples) -> None:
    """The CO_OCCURS node of one concept pair (a < b by id) and its shortcut triple."""
    out.lines += pair_lines(slug(a), slug(b), weight)


def pair_node_triples(a: str, b: str, weight: float, out: Triples) -> None:
    """The CO_OCCURS node of an export (no shortcut triple) of concepts a < b (by id), with
    any numeric weight (a selection may carry computed weights), typed: an export file is
    read by other tools without the schema that implies the type in a store."""
    out.add(pair_iri(a, b), TYPE, expand("pkg:CoOccurrence"))
    out.lines += _pair_node_lines(slug(a), slug(b), sparql_literal(weight))


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


def concept_triples(info: ConceptInfo, out: Triples, core: bool = True) -> None:
    """A concept node: type, labels, origin, aliases and broader links (without the type
    and identifier triples of concept_core_triples when ``core`` is False: written before,
    with a paper that mentions it)."""
    c = concept_iri(info.id)
    if core:
        concept_core_triples(info.id, info.type, out)
    out.add(c, expand("skos:prefLabel"), sparql_literal(info.name))
    out.add(c, expand("pkg:origin"), sparql_literal(info.source))
    curated_triples(c, info.curated, out)
    for alias in info.aliases:
        out.add(c, expand("skos:altLabel"), sparql_literal(alias))
    for broader in info.broader:
        out.add(c, expand("skos:broader"), f"<{concept_iri(broader)}>")


def label_triples(concept_id: str, name: str, out: Triples) -> None:
    """The label of a concept seen only in papers (its first spelling)."""
    out.add(concept_iri(concept_id), expand("skos:prefLabel"), sparql_literal(name))
