// author-concepts — $author names authors by id or by name (case-insensitive). Rows: one per
// concept mentioned by their papers; papers = distinct such papers (integer).
// Order: papers DESC, concept id ASC. At most $limit rows.
MATCH (a:Author)
WHERE a.id = $author OR toLower(a.name) = toLower($author)
MATCH (p:Paper)-[:AUTHORED_BY]->(a)
MATCH (p)-[:MENTIONS]->(c:Concept)
WITH c, count(DISTINCT p) AS papers
RETURN c.id AS concept, coalesce(c.name, c.id) AS name, c.type AS type, papers
ORDER BY papers DESC, concept
LIMIT toInteger($limit)
