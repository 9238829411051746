// concept-trend — rows: one per (concept, year) with papers = distinct papers of that year
// mentioning the concept (integer); papers without a year are left out. With $concept (id, slug,
// name or alias, case-insensitive) only that concept. Order: concept id ASC, year ASC.
MATCH (p:Paper)-[:MENTIONS]->(c:Concept)
WHERE p.year IS NOT NULL
  AND (coalesce($concept, '') = '' OR c.id = $concept OR c.id = 'concept:' + $concept OR toLower(c.name) = toLower($concept)
       OR any(alias IN coalesce(c.aliases, []) WHERE toLower(alias) = toLower($concept)))
WITH c, p.year AS year, count(DISTINCT p) AS papers
RETURN c.id AS concept, coalesce(c.name, c.id) AS name, year, papers
ORDER BY concept, year
