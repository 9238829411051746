"""SPARQL over the RDF mapping: the update that clears what a paper's record replaces, and
the reads the RDF stores need of it (counts, mentions, years, pair weights, figures).

They sit beside kg/mapping/rdf.py because they name its triples: a change to the mapping
changes both files and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import quote

from kg.mapping.rdf import CURATED_PROPS, paper_fields
from kg.mapping.terms import (
    ID,
    PREFIX_BLOCK,
    STORE_IRI,
    TYPE,
    author_iri,
    expand,
    paper_iri,
    sparql_literal,
)
from kg.model import PaperGraph


def values(var: str, iris: Iterable[str]) -> str:
    return f"VALUES ?{var} {{ " + " ".join(f"<{i}>" for i in iris) + " }"


def each(iris: Iterable[str], template: str) -> list[str]:
    """One operation per subject (``{S}`` in the template): every engine then looks the
    subject up by index, where a big VALUES join is slow on some (rdflib)."""
    return [template.replace("{S}", f"<{i}>") for i in iris]


def paper_delete_update(batch: Sequence[PaperGraph]) -> str:
    """Delete what the batch's records replace: present single-valued fields, authorships
    (when the record has authors), author names, and every mention of the paper."""
    parts: list[str] = []
    for item in batch:  # the curated mark goes with the decisions: always rewritten
        props = " ".join(expand(p) for p in sorted([*paper_fields(item.paper), *CURATED_PROPS]))
        parts += each(
            [paper_iri(item.paper.id)],
            f"DELETE {{ {{S}} ?prop ?o }} WHERE {{ {{S}} ?prop ?o VALUES ?prop {{ {props} }} }}",
        )
    with_authors = [paper_iri(i.paper.id) for i in batch if i.paper.authors]
    parts += each(
        with_authors,
        f"DELETE {{ ?s ?x ?y }} WHERE {{ ?s {expand('pkg:paper')} {{S}} ; "
        f"{TYPE} {expand('pkg:Authorship')} ; ?x ?y }}",
    )
    parts += each(with_authors, f"DELETE WHERE {{ {{S}} {expand('dcterms:creator')} ?a }}")
    authors = sorted({author_iri(a.id) for i in batch for a in i.paper.authors})
    # names (and their folded keys) are overwritten; an orcid only by another orcid
    parts += each(authors, f"DELETE WHERE {{ {{S}} {expand('foaf:name')} ?o }}")
    parts += each(authors, f"DELETE WHERE {{ {{S}} {expand('pkg:nameKey')} ?o }}")
    with_orcid = sorted({author_iri(a.id) for i in batch for a in i.paper.authors if a.orcid})
    parts += each(with_orcid, f"DELETE WHERE {{ {{S}} {expand('pkg:orcid')} ?o }}")
    papers = [paper_iri(i.paper.id) for i in batch]
    # a mention: the node with a paper and a concept (an authorship has no concept)
    mention = f"?m {expand('pkg:paper')} {{S}} ; {expand('pkg:concept')} ?mentioned"
    parts += each(
        papers,
        f"DELETE {{ ?e ?x ?y }} WHERE {{ {mention} ; {expand('pkg:evidence')} ?e . ?e ?x ?y }}",
    )
    parts += each(papers, f"DELETE {{ ?m ?x ?y }} WHERE {{ {mention} ; ?x ?y }}")
    parts += each(papers, f"DELETE WHERE {{ {{S}} {expand('schema:mentions')} ?c }}")
    return " ;\n".join(parts)


def paper_remove_update(papers: Sequence[str]) -> str:
    """Delete papers (IRIs) whole: the nodes hanging from them (mentions with their
    evidence, authorships) and every triple they are the subject of; a triple naming one as
    its object (another paper's citation) stays, as the bare cited node a build leaves."""
    hanging = f"?s {expand('pkg:paper')} {{S}}"
    parts = each(papers, f"DELETE {{ ?e ?x ?y }} WHERE {{ {hanging} ; "
                         f"{expand('pkg:evidence')} ?e . ?e ?x ?y }}")
    parts += each(papers, f"DELETE {{ ?s ?x ?y }} WHERE {{ {hanging} ; ?x ?y }}")
    parts += each(papers, "DELETE WHERE { {S} ?x ?y }")
    return " ;\n".join(parts)


# The nodes a paper points to that go with it when nothing else points to them.
PAPER_NODES_QUERY = PREFIX_BLOCK + """
SELECT DISTINCT ?n WHERE {
  $values { ?p dcterms:creator ?n } UNION { ?p prov:wasDerivedFrom ?n }
}"""


def orphan_remove_update(nodes: Iterable[str]) -> str:
    """Delete the nodes (IRIs: authors, source files) that nothing points to any more."""
    return " ;\n".join(each(nodes, "DELETE { {S} ?x ?y } WHERE { {S} ?x ?y "
                                    "FILTER NOT EXISTS { ?any ?link {S} } }"))


def setting_update(name: str, value: str | None) -> str:
    """Replace the store setting ``name`` (a pkg:StoreSetting node) by ``value`` (None: none)."""
    node = f"<{ID}setting/{quote(name, safe='')}>"
    update = f"DELETE WHERE {{ {node} ?x ?y }}"
    if value is None:
        return update
    return (f"{update} ;\nINSERT DATA {{ {node} {TYPE} {expand('pkg:StoreSetting')} ; "
            f"{expand('dcterms:identifier')} {sparql_literal(name)} ; "
            f"{expand('rdf:value')} {sparql_literal(value)} }}")


MENTIONS_QUERY = PREFIX_BLOCK + "SELECT ?p ?c WHERE { ?p schema:mentions ?c }"
YEARS_QUERY = PREFIX_BLOCK + "SELECT ?p ?y WHERE { ?p pkg:year ?y }"
WEIGHTS_QUERY = PREFIX_BLOCK + "SELECT ?co ?w WHERE { ?co pkg:weight ?w }"
FIGURES_QUERY = PREFIX_BLOCK + """
SELECT ?s ?p ?o WHERE {
  { VALUES ?p { pkg:paperCount pkg:papersInYear pkg:papers pkg:rank pkg:heaviestPair } ?s ?p ?o }
  UNION { ?s a pkg:ConceptYear BIND(rdf:type AS ?p) BIND(pkg:ConceptYear AS ?o) }
  UNION { ?s a pkg:ConceptYear ; pkg:year ?o BIND(pkg:year AS ?p) }
}"""

# Mentions and CO_OCCURS nodes are those with a pkg:role, a pkg:weight (their types are
# implied, not stored). "concepts" are those some paper mentions; concept nodes no paper
# mentions (the broader chain a build writes, or the whole vocabulary of `kg build
# --with-vocabulary` or of a store built before) are counted apart, and BROADER counts the
# links between mentioned concepts. (Links are matched first and their ends checked by
# EXISTS: starting from every paper or concept took 1-2 s at 100k papers for a few links.)
COUNTS_QUERY = PREFIX_BLOCK + """
SELECT ?key (COUNT(*) AS ?n) WHERE {
  { ?x a pkg:Paper BIND("papers" AS ?key) }
  UNION { ?x a pkg:Author BIND("authors" AS ?key) }
  UNION { ?x a pkg:Concept
          BIND(IF(EXISTS { ?p schema:mentions ?x }, "concepts", "unmentioned_concepts") AS ?key) }
  UNION { ?x a pkg:Authorship BIND("authored_by" AS ?key) }
  UNION { ?x pkg:role ?role BIND("mentions" AS ?key) }
  UNION { ?x cito:cites ?y FILTER(EXISTS { ?x a pkg:Paper } && EXISTS { ?y a pkg:Paper })
          BIND("cites" AS ?key) }
  UNION { ?x skos:broader ?y
          FILTER(EXISTS { ?p schema:mentions ?x } && EXISTS { ?q schema:mentions ?y }
                 && EXISTS { ?x a pkg:Concept } && EXISTS { ?y a pkg:Concept })
          BIND("broader" AS ?key) }
  UNION { ?x pkg:weight ?w BIND("co_occurs" AS ?key) }
} GROUP BY ?key
"""


# what concept_triples writes, replaced when a concept is written again
CONCEPT_PROPS = [expand(p) for p in ("rdf:type", "dcterms:identifier", "skos:prefLabel",
                                      "skos:altLabel", "skos:broader", "pkg:conceptType",
                                      "pkg:origin", *CURATED_PROPS)]


# --- the reads of an incremental refresh (kg/stores/rdf_delta.py); #VALUES binds the IRIs
PAPER_COUNT_QUERY = PREFIX_BLOCK + "SELECT (COUNT(*) AS ?n) WHERE { ?p a pkg:Paper }"
PAPER_YEARS_QUERY = PREFIX_BLOCK + """
SELECT ?p ?y ?c WHERE { #VALUES { ?p pkg:year ?y } UNION { ?p schema:mentions ?c } }"""
WEIGHT_OF_QUERY = PREFIX_BLOCK + "SELECT ?co ?w WHERE { #VALUES ?co pkg:weight ?w }"
PAPER_COUNTS_QUERY = PREFIX_BLOCK + "SELECT ?c ?n WHERE { #VALUES ?c pkg:paperCount ?n }"
YEAR_COUNTS_QUERY = PREFIX_BLOCK + """
SELECT ?c ?y ?n WHERE { #VALUES ?c pkg:papersInYear ?node . ?node pkg:year ?y ; pkg:papers ?n }"""
RANKED_QUERY = PREFIX_BLOCK + "SELECT ?co ?r ?w WHERE { ?co pkg:rank ?r ; pkg:weight ?w }"
HUB_PAIRS_QUERY = PREFIX_BLOCK + """
SELECT ?c ?co ?w WHERE { #VALUES ?c pkg:heaviestPair ?co . ?co pkg:weight ?w }"""
DEGREE_QUERY = PREFIX_BLOCK + """
SELECT ?c (COUNT(*) AS ?n) WHERE {
  #VALUES { ?c pkg:coOccursWith ?x } UNION { ?x pkg:coOccursWith ?c } } GROUP BY ?c"""
# a concept's pairs that weigh 2 or more: only those can be among a hub's heaviest
HEAVY_PAIRS_OF_QUERY = PREFIX_BLOCK + """
SELECT ?co ?w WHERE { ?co pkg:concept #CONCEPT ; pkg:weight ?w FILTER(?w >= 2) }"""


# --- the graph format (kg/mapping/rdf.py FORMAT_VERSION) and `kg refresh --migrate` from 1
FORMAT_QUERY = PREFIX_BLOCK + f"""
SELECT ?version ?papers WHERE {{
  OPTIONAL {{ <{STORE_IRI}> pkg:formatVersion ?version }}
  BIND(EXISTS {{ ?p a pkg:Paper }} AS ?papers)
}}"""
PAPERS_QUERY = PREFIX_BLOCK + "SELECT ?p WHERE { ?p a pkg:Paper }"
# format 1's evidence of the papers in #VALUES, with the text of its field
OLD_EVIDENCE_QUERY = PREFIX_BLOCK + """
SELECT ?e ?field ?start ?end ?text ?sentence ?fieldText WHERE {
  #VALUES ?m pkg:paper ?p ; pkg:evidence ?e .
  ?e pkg:field ?field ; pkg:start ?start ; pkg:end ?end ; pkg:text ?text ; pkg:sentence ?sentence .
  OPTIONAL { ?p dcterms:title ?title } OPTIONAL { ?p dcterms:abstract ?abstract }
  BIND(IF(?field = "title", ?title, ?abstract) AS ?fieldText)
}"""
# what format 2 no longer stores (implied by the schema)
DROP_IMPLIED_UPDATE = PREFIX_BLOCK + """
DELETE WHERE { ?e a pkg:Evidence } ;
DELETE WHERE { ?m a pkg:Mention } ;
DELETE WHERE { ?co a pkg:CoOccurrence } ;
DELETE { ?m prov:wasDerivedFrom ?p } WHERE { ?m pkg:paper ?p ; pkg:role ?role ;
                                              prov:wasDerivedFrom ?p }"""


# The bare cited nodes among $values (cited, no stored paper with a title).
CITED_STUBS_QUERY = PREFIX_BLOCK + """
SELECT DISTINCT ?old WHERE {
  $values ?citing cito:cites ?old . FILTER NOT EXISTS { ?old dcterms:title ?title }
}"""


def repoint_update(renamed: Mapping[str, str], props: Sequence[str]) -> str:
    """Move every triple of ``props`` (prefixed names) whose object is a key of ``renamed``
    (IRIs) to that key's value: citations to the paper a bare cited node is stored as
    (cito:cites), authorships to the id a person now has (pkg:author, dcterms:creator)."""
    return " ;\n".join(
        f"DELETE {{ ?x {prop} <{old}> }} INSERT {{ ?x {prop} <{new}> }} "
        f"WHERE {{ ?x {prop} <{old}> }}"
        for old, new in renamed.items() for prop in map(expand, props)
    )
