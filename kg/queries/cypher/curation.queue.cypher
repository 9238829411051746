// The review queue (kg/curation review_queue): tags not yet checked by hand, least confident
// first; ties by paper and concept id, so every store pages the same rows.
MATCH (p:Paper)-[m:MENTIONS]->(c:Concept)
WHERE m.curated IS NULL
RETURN p.id AS paper, p.title AS title, c.id AS concept, c.name AS name, c.type AS type,
       m.role AS role, m.confidence AS confidence
ORDER BY confidence, paper, concept SKIP $offset LIMIT $limit
