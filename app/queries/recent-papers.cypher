// recent-papers — same rows as recent-papers.rq: paper, title, year of the newest papers
// with a year, newest first, then by id; $limit rows.
MATCH (p:Paper) WHERE p.year IS NOT NULL
RETURN p.id AS paper, p.title AS title, p.year AS year
ORDER BY year DESC, paper
LIMIT toInteger($limit)
