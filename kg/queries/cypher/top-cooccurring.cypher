// top-cooccurring — rows: one per CO_OCCURS pair, concept_a id < concept_b id; weight =
// papers mentioning both (integer). With $concept (id, slug, name or alias, case-insensitive)
// only pairs that include it. Order: weight DESC, concept_a ASC, concept_b ASC; $limit rows.
MATCH (a:Concept)-[r:CO_OCCURS]->(b:Concept)
WHERE coalesce($concept, '') = ''
   OR any(c IN [a, b] WHERE c.id = $concept OR c.id = 'concept:' + $concept OR toLower(c.name) = toLower($concept)
          OR any(alias IN coalesce(c.aliases, []) WHERE toLower(alias) = toLower($concept)))
RETURN a.id AS concept_a, coalesce(a.name, a.id) AS name_a, b.id AS concept_b, coalesce(b.name, b.id) AS name_b,
       r.weight AS weight
ORDER BY weight DESC, concept_a, concept_b
LIMIT toInteger($limit)
