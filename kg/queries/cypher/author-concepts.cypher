// author-concepts — the authors in $authors (the ids author-id finds for $author, looked up
// first). Rows: one per concept mentioned by their papers; papers = distinct such papers
// (integer). Order: papers DESC, concept id ASC. At most $limit rows.
UNWIND $authors AS aid
MATCH (p:Paper)-[:AUTHORED_BY]->(a:Author {id: aid})
MATCH (p)-[:MENTIONS]->(c:Concept)
WITH c, count(DISTINCT p) AS papers
RETURN c.id AS concept, coalesce(c.name, c.id) AS name, c.type AS type, papers
ORDER BY papers DESC, concept
LIMIT toInteger($limit)
