"""schema/: the ontology parses and covers the data; built graphs conform to the shapes."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib
from pyshacl import validate

from kg.mapping.terms import PKG
from kg.resources import shipped
from kg.stores import open_store
from tests.conftest import EXAMPLES, NewExtractor
from tests.test_store_rdf import fill

ONTOLOGY = shipped("kg.schema", "paper-kg.ttl")
SHAPES = shipped("kg.schema", "shapes.ttl")


def graph_of(store) -> rdflib.Graph:
    data = store.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return rdflib.Graph().parse(data=data.decode("utf-8"), format="nt")


@pytest.fixture(scope="module")
def built(new_extractor: NewExtractor) -> rdflib.Graph:
    """examples/ built with the real extractor, plus the hand-made sample papers."""
    pytest.importorskip("kg.extract.pipeline")
    from kg.build import build

    with open_store("oxigraph:") as store:
        build([EXAMPLES], store, extractor=new_extractor())
        fill(store)
        return graph_of(store)


def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(SHAPES)


def test_ontology_and_shapes_parse() -> None:
    ontology = rdflib.Graph().parse(ONTOLOGY)
    owl = rdflib.OWL
    classes = set(ontology.subjects(rdflib.RDF.type, owl.Class))
    assert rdflib.URIRef(PKG + "Paper") in classes
    assert len(shapes()) > 0


def test_every_pkg_term_used_is_defined(built: rdflib.Graph) -> None:
    defined = {str(s) for s in rdflib.Graph().parse(ONTOLOGY).subjects() if str(s).startswith(PKG)}
    used = {str(p) for p in built.predicates() if str(p).startswith(PKG)}
    used |= {str(o) for o in built.objects(None, rdflib.RDF.type) if str(o).startswith(PKG)}
    assert used and used <= defined, used - defined


def test_built_graph_conforms(built: rdflib.Graph) -> None:
    conforms, _, report = validate(built, shacl_graph=shapes())
    assert conforms, report


def test_broken_graph_does_not_conform(built: rdflib.Graph) -> None:
    broken = rdflib.Graph()
    for triple in built:
        broken.add(triple)
    pkg = rdflib.Namespace(PKG)
    mention = next(iter(broken.subjects(pkg.role, None)))
    broken.set((mention, pkg.role, rdflib.Literal("maybe")))
    concept = next(iter(broken.subjects(rdflib.RDF.type, pkg.Concept)))
    broken.remove((concept, rdflib.SKOS.prefLabel, None))
    conforms, results, _ = validate(broken, shacl_graph=shapes())
    assert not conforms
    focus = set(results.objects(None, rdflib.URIRef("http://www.w3.org/ns/shacl#focusNode")))
    assert {mention, concept} <= focus


def test_implied_types_are_not_stored_but_inferred(built: rdflib.Graph) -> None:
    """Format 2 stores no rdf:type on Mention, Evidence and CoOccurrence nodes, nor a
    mention's prov:wasDerivedFrom: the ontology's domains, ranges and sub-property give them
    back to an RDFS reasoner, one for each node."""
    import owlrl

    pkg, rdf = rdflib.Namespace(PKG), rdflib.RDF
    prov = rdflib.Namespace("http://www.w3.org/ns/prov#")
    implied = {pkg.Mention: set(built.subjects(pkg.role, None)),
               pkg.Evidence: set(built.objects(None, pkg.evidence)),
               pkg.CoOccurrence: set(built.subjects(pkg.weight, None))}
    assert all(implied.values())
    assert not any(set(built.subjects(rdf.type, cls)) for cls in implied)
    mentions = list(built.subject_objects(pkg.paper))
    assert not any((m, prov.wasDerivedFrom, p) in built for m, p in mentions)
    inferred = rdflib.Graph()
    for triple in built:
        inferred.add(triple)
    inferred += rdflib.Graph().parse(ONTOLOGY)
    owlrl.DeductiveClosure(owlrl.RDFS_Semantics).expand(inferred)
    for cls, nodes in implied.items():
        assert nodes <= set(inferred.subjects(rdf.type, cls)), cls
    assert all((m, prov.wasDerivedFrom, p) in inferred for m, p in mentions)
