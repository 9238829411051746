// top-concepts — rows: one per concept mentioned by at least one paper, of exactly type
// $type unless $type is ''; name = concept name (the id if none); papers = number of
// distinct papers mentioning it (integer, roles alike).
// Order: papers DESC, concept id ASC. At most $limit rows. (Same rows as the .rq.)
MATCH (p:Paper)-[:MENTIONS]->(c:Concept)
WHERE coalesce($type, '') = '' OR c.type = $type
WITH c, count(DISTINCT p) AS papers
RETURN c.id AS concept, coalesce(c.name, c.id) AS name, c.type AS type, papers
ORDER BY papers DESC, concept
LIMIT toInteger($limit)
