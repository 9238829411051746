// The tags of the papers in $ids with their evidence (parallel lists) and their curated mark
// (kg/curation: the store's current tags, curated again when a decision is added).
UNWIND $ids AS id MATCH (p:Paper {id: id})-[m:MENTIONS]->(c:Concept)
RETURN p.id AS paper, c.id AS concept, c.name AS name, c.type AS type, c.source AS origin,
       m.role AS role, m.confidence AS confidence, m.curated_by AS by, m.curated_at AS at,
       m.texts AS texts, m.fields AS fields, m.starts AS starts, m.ends AS ends,
       m.sentences AS sentences
