"""Graph schema files (RDF ontology, SHACL shapes, Cypher constraints), shipped as package data."""
