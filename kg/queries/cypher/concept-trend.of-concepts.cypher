// concept-trend — same rows as concept-trend.rq. $concept = '': one row per (concept, year)
// with papers = distinct papers of that year mentioning the concept itself. With $concept:
// the ids in $matched (concepts-under without narrower concepts, looked up first) and, with
// $narrower, their papers are those mentioning a concept of $targets (concepts-under with
// narrower concepts) below or equal to them. Papers without a year are left out.
// Order: concept id ASC, year ASC.
UNWIND $matched AS matched
MATCH (c:Concept {id: matched})
MATCH (p:Paper)-[:MENTIONS]->(c)
WHERE p.year IS NOT NULL
WITH c, p.year AS year, count(DISTINCT p) AS papers
RETURN c.id AS concept, coalesce(c.name, c.id) AS name, year, papers
ORDER BY concept, year
