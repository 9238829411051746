// papers-by-author — same rows as papers-by-author.rq: the papers of the authors in $authors
// (the ids author-id finds for $author, looked up first). Rows: one per (paper, author):
// paper id, title, year (integer or null), author id, position (1-based integer).
// Order: year DESC (papers without a year last), paper id, author id; $limit rows.
UNWIND $authors AS aid
MATCH (p:Paper)-[r:AUTHORED_BY]->(a:Author {id: aid})
WHERE p.title IS NOT NULL
RETURN p.id AS paper, p.title AS title, p.year AS year, a.id AS author, r.position AS position
ORDER BY coalesce(year, -1) DESC, paper, author
LIMIT toInteger($limit)
