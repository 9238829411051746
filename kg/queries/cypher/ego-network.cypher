// ego-network — same rows as ego-network.rq. $node: a list of paper, author or concept ids
// (kg/queries makes one id a list). Frontier: nodes at undirected distance < $hops from one
// of them over any relationship ($hops clamped to 1..3): hops 1 = the edges touching them,
// 2 adds the edges touching their neighbours, 3 those of theirs. Rows: one per distinct edge
// touching the frontier whose ends are both corpus nodes (cited papers outside the corpus
// — no title — are left out), in stored direction (CO_OCCURS: smaller id first).
// $rels: comma list of relationship types ('' = all), case-insensitive.
// $types: comma list of kinds ("paper", "author", "concept") and/or concept types
// ("architecture", "benchmark", "method"), case-insensitive; when not '' an edge is kept only
// if each end is a given node or has a listed kind or concept type (traversal ignores it).
// Without $vocabulary, edges to concepts no paper mentions (other than the given nodes) are
// left out. kind = "paper"|"author"|"concept"; label = title / name (null if none); rel =
// edge type; weight = CO_OCCURS weight, else 1. Order: weight DESC, rel, source, target ASC;
// $limit rows.
WITH [t IN split(replace(toLower(coalesce($types, '')), ' ', ''), ',') WHERE t <> ''] AS types,
     [r IN split(replace(toUpper(coalesce($rels, '')), ' ', ''), ',') WHERE r <> ''] AS rels,
     toInteger($hops) AS hops
CALL {
  UNWIND $node AS id MATCH (x:Paper {id: id}) RETURN x
  UNION
  UNWIND $node AS id MATCH (x:Author {id: id}) RETURN x
  UNION
  UNWIND $node AS id MATCH (x:Concept {id: id}) RETURN x
}
WITH collect(x) AS centers, types, rels, hops
UNWIND centers AS center
OPTIONAL MATCH (center)--(n1)
WHERE hops >= 2
WITH centers, types, rels, hops, collect(DISTINCT n1) AS l1
UNWIND CASE WHEN hops >= 3 AND size(l1) > 0 THEN l1 ELSE [null] END AS f1
OPTIONAL MATCH (f1)--(n2)
WITH centers, types, rels, l1, collect(DISTINCT n2) AS l2
UNWIND centers + l1 + l2 AS u
WITH DISTINCT u, centers, types, rels
MATCH (u)-[r]-()
WHERE size(rels) = 0 OR type(r) IN rels
WITH DISTINCT r, centers, types
WITH startNode(r) AS a, r, endNode(r) AS b, centers, types
WHERE NOT (a:Paper AND a.title IS NULL) AND NOT (b:Paper AND b.title IS NULL)
WITH a, r, b, types, centers,
     CASE WHEN a:Paper THEN 'paper' WHEN a:Author THEN 'author' ELSE 'concept' END AS ak,
     CASE WHEN b:Paper THEN 'paper' WHEN b:Author THEN 'author' ELSE 'concept' END AS bk
WHERE (size(types) = 0
       OR ((a IN centers OR ak IN types OR (ak = 'concept' AND a.type IN types))
           AND (b IN centers OR bk IN types OR (bk = 'concept' AND b.type IN types))))
  AND ($vocabulary OR ak <> 'concept' OR a IN centers OR EXISTS { (:Paper)-[:MENTIONS]->(a) })
  AND ($vocabulary OR bk <> 'concept' OR b IN centers OR EXISTS { (:Paper)-[:MENTIONS]->(b) })
RETURN a.id AS source, ak AS source_kind, coalesce(a.title, a.name) AS source_label,
       b.id AS target, bk AS target_kind, coalesce(b.title, b.name) AS target_label,
       type(r) AS rel, coalesce(r.weight, 1) AS weight
ORDER BY weight DESC, rel, source, target
LIMIT toInteger($limit)
