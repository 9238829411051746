// papers-by-concept — same rows as papers-by-concept.rq: the papers mentioning one of the
// concepts in $targets (the ids concepts-under lists for $concept and $narrower, looked up
// first). Rows: one per (paper, mentioned concept): paper id, title, year (integer or
// null), role ("proposed"|"used"), concept = the concept actually mentioned.
// Order: year DESC (papers without a year last), paper id ASC, concept id ASC; $limit rows.
UNWIND $targets AS target
MATCH (p:Paper)-[m:MENTIONS]->(c:Concept {id: target})
RETURN p.id AS paper, p.title AS title, p.year AS year, m.role AS role, c.id AS concept
ORDER BY coalesce(year, -1) DESC, paper, concept
LIMIT toInteger($limit)
