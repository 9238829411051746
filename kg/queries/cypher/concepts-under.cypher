// concepts-under — same rows as concepts-under.rq: the concepts $concept matches (an id
// exactly; else id, slug, name or alias, case-insensitive) and, with $narrower, every concept with a BROADER path
// (1..10 edges) to one of them; without $vocabulary only concepts some paper mentions.
// papers = papers mentioning the concept itself (integer). Order: papers DESC, concept ASC.
MATCH (t:Concept {id: $concept})
OPTIONAL MATCH (n:Concept)-[:BROADER*1..10]->(t)
WITH t, collect(DISTINCT n) AS narrower
UNWIND CASE WHEN $narrower THEN narrower + [t] ELSE [t] END AS c
WITH DISTINCT c
WITH c, COUNT { (:Paper)-[:MENTIONS]->(c) } AS papers
WHERE $vocabulary OR papers > 0
RETURN c.id AS concept, coalesce(c.name, c.id) AS name, c.type AS type, papers
ORDER BY papers DESC, concept
