// papers-by-concept — $concept names concepts by id, slug (id without 'concept:'), or by name or alias (case-insensitive).
// With $narrower true, concepts narrower than those (BROADER paths of 1..10 edges) count
// too. Rows: one per (paper, mentioned concept): paper id, title, year (integer or null),
// role ("proposed"|"used"), concept = the concept actually mentioned.
// Order: year DESC (papers without a year last), paper id ASC, concept id ASC; $limit rows.
MATCH (t:Concept)
WHERE t.id = $concept OR t.id = 'concept:' + $concept OR toLower(t.name) = toLower($concept)
   OR any(alias IN coalesce(t.aliases, []) WHERE toLower(alias) = toLower($concept))
OPTIONAL MATCH (n:Concept)-[:BROADER*1..10]->(t)
WITH t, collect(DISTINCT n) AS narrower
WITH CASE WHEN toLower(toString($narrower)) IN ['true', '1', 'yes']
          THEN narrower + [t] ELSE [t] END AS targets
UNWIND targets AS c
WITH DISTINCT c
MATCH (p:Paper)-[m:MENTIONS]->(c)
RETURN p.id AS paper, p.title AS title, p.year AS year, m.role AS role, c.id AS concept
ORDER BY coalesce(year, -1) DESC, paper, concept
LIMIT toInteger($limit)
