// The concept nodes in $ids as kg.model.ConceptInfo needs them (aliases and broader ids as lists).
UNWIND $ids AS id MATCH (c:Concept {id: id})
RETURN c.id AS id, c.name AS name, c.type AS type, c.source AS origin, c.aliases AS alias,
       c.broader_ids AS broader, c.curated_by AS by, c.curated_at AS at
