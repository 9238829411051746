// Every edge of the store, strongest first, at most $limit (kg export --all); concepts no paper mentions only with $vocabulary.
MATCH (a)-[r]->(b)
WHERE (a:Paper OR a:Author OR a:Concept) AND (b:Paper OR b:Author OR b:Concept)
  AND NOT (a:Paper AND a.title IS NULL) AND NOT (b:Paper AND b.title IS NULL)
  AND ($vocabulary OR NOT a:Concept OR EXISTS { (:Paper)-[:MENTIONS]->(a) })
  AND ($vocabulary OR NOT b:Concept OR EXISTS { (:Paper)-[:MENTIONS]->(b) })
RETURN a.id AS source,
       CASE WHEN a:Paper THEN 'paper' WHEN a:Author THEN 'author' ELSE 'concept' END
         AS source_kind,
       coalesce(a.title, a.name, a.id) AS source_label,
       b.id AS target,
       CASE WHEN b:Paper THEN 'paper' WHEN b:Author THEN 'author' ELSE 'concept' END
         AS target_kind,
       coalesce(b.title, b.name, b.id) AS target_label,
       type(r) AS rel, coalesce(r.weight, 1) AS weight
ORDER BY weight DESC, rel, source, target
LIMIT toInteger($limit)
