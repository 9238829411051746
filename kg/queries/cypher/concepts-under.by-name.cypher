// concepts-under — same rows as concepts-under.rq: the concepts $concept matches (an id
// exactly; else id, slug, name or alias, case-insensitive or folded as the extractor folds
// names: the pattern $folded, kg.queries.folded_pattern) and, with $narrower, every
// concept with a BROADER path (1..10 edges) to one of them; without $vocabulary only concepts some paper mentions.
// papers = papers mentioning the concept itself (integer). Order: papers DESC, concept ASC.
MATCH (t:Concept)
WHERE t.id = $concept OR t.id = 'concept:' + $concept OR toLower(t.name) = toLower($concept)
   OR t.name =~ ('(?i)' + $folded)
   OR any(alias IN coalesce(t.aliases, []) WHERE toLower(alias) = toLower($concept)
          OR alias =~ ('(?i)' + $folded))
OPTIONAL MATCH (n:Concept)-[:BROADER*1..10]->(t)
WITH t, collect(DISTINCT n) AS narrower
UNWIND CASE WHEN $narrower THEN narrower + [t] ELSE [t] END AS c
WITH DISTINCT c
WITH c, COUNT { (:Paper)-[:MENTIONS]->(c) } AS papers
WHERE $vocabulary OR papers > 0
RETURN c.id AS concept, coalesce(c.name, c.id) AS name, c.type AS type, papers
ORDER BY papers DESC, concept
