// Candidates for "did you mean" (kg/seeds.py): the mentioned concepts whose name or an
// alias (lower-cased) contains the most of the three-letter pieces in $pieces, at most
// $limit, most shared pieces first, then id. Python ranks them by similarity.
MATCH (c:Concept)
WHERE EXISTS { (:Paper)-[:MENTIONS]->(c) }
WITH c, [s IN [c.name] + coalesce(c.aliases, []) WHERE s IS NOT NULL | toLower(s)] AS labels
WITH c, size([piece IN $pieces WHERE any(l IN labels WHERE l CONTAINS piece)]) AS shared
WHERE shared > 0
RETURN c.id AS id, shared
ORDER BY shared DESC, id
LIMIT toInteger($limit)
