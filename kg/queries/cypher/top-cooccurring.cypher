// top-cooccurring — rows: one per CO_OCCURS pair, concept_a id < concept_b id; weight =
// papers mentioning both (integer). With $concept only pairs that include one of $matched
// (the ids concepts-under gives for it without narrower concepts, looked up first).
// Order: weight DESC, concept_a ASC, concept_b ASC; $limit rows.
MATCH (a:Concept)-[r:CO_OCCURS]->(b:Concept)
WHERE coalesce($concept, '') = '' OR a.id IN $matched OR b.id IN $matched
RETURN a.id AS concept_a, coalesce(a.name, a.id) AS name_a, b.id AS concept_b, coalesce(b.name, b.id) AS name_b,
       r.weight AS weight
ORDER BY weight DESC, concept_a, concept_b
LIMIT toInteger($limit)
