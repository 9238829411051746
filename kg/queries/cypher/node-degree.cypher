// node-degree — same rows as node-degree.rq: one per relation (AUTHORED_BY, BROADER, CITES,
// CO_OCCURS, MENTIONS) with edges = the relationships of it touching the node, either
// direction (CITES only between corpus papers — cited papers outside the corpus have no
// title —, and without $vocabulary BROADER only to concepts some paper mentions), 0 if none.
OPTIONAL MATCH (p:Paper {id: $node})
OPTIONAL MATCH (a:Author {id: $node})
OPTIONAL MATCH (c:Concept {id: $node})
WITH coalesce(p, a, c) AS n
OPTIONAL MATCH (n)-[r:AUTHORED_BY|MENTIONS|CITES|BROADER|CO_OCCURS]-(m)
WHERE m.id IS NOT NULL AND NOT (m:Paper AND m.title IS NULL)
  AND ($vocabulary OR type(r) <> 'BROADER' OR EXISTS { (:Paper)-[:MENTIONS]->(m) })
WITH collect(type(r)) AS found
UNWIND ['AUTHORED_BY', 'BROADER', 'CITES', 'CO_OCCURS', 'MENTIONS'] AS rel
RETURN rel, size([t IN found WHERE t = rel]) AS edges
ORDER BY rel
