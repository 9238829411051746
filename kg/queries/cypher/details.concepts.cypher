// Name, type and aliases of the concepts in $ids (one alias per row in SPARQL, a list in Cypher).
UNWIND $ids AS id MATCH (c:Concept {id: id})
RETURN c.id AS id, c.name AS name, c.type AS type, c.aliases AS alias
