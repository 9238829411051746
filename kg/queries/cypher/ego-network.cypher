// ego-network — same rows as ego-network.rq. $node: a paper, author or concept id.
// Frontier: nodes at undirected distance < $hops from $node over any relationship ($hops
// clamped to 1..3): hops 1 = the edges touching $node, 2 adds the edges touching its
// neighbours, 3 those of theirs. Rows: one per distinct edge touching the frontier whose
// ends are both corpus nodes (cited papers outside the corpus — no title — are left out),
// in stored direction (CO_OCCURS: smaller id first).
// $types: comma list of kinds ("paper", "author", "concept") and/or concept types
// ("architecture", "benchmark", "method"), case-insensitive; when not '' an edge is kept only
// if each end is $node itself or has a listed kind or concept type (traversal ignores it).
// kind = "paper"|"author"|"concept"; label = title / name (null if none); rel = edge type;
// weight = CO_OCCURS weight, else 1. Order: weight DESC, rel, source, target ASC; $limit rows.
WITH [t IN split(replace(toLower(coalesce($types, '')), ' ', ''), ',') WHERE t <> ''] AS types,
     toInteger($hops) AS hops
CALL {
  MATCH (x:Paper {id: $node}) RETURN x
  UNION
  MATCH (x:Author {id: $node}) RETURN x
  UNION
  MATCH (x:Concept {id: $node}) RETURN x
}
WITH x AS center, types, hops
OPTIONAL MATCH (center)--(n1)
WHERE hops >= 2
WITH center, types, hops, collect(DISTINCT n1) AS l1
UNWIND CASE WHEN hops >= 3 AND size(l1) > 0 THEN l1 ELSE [null] END AS f1
OPTIONAL MATCH (f1)--(n2)
WITH center, types, l1, collect(DISTINCT n2) AS l2
UNWIND [center] + l1 + l2 AS u
WITH DISTINCT u, center, types
MATCH (u)-[r]-()
WITH DISTINCT r, center, types
WITH startNode(r) AS a, r, endNode(r) AS b, center, types
WHERE NOT (a:Paper AND a.title IS NULL) AND NOT (b:Paper AND b.title IS NULL)
WITH a, r, b, types, center,
     CASE WHEN a:Paper THEN 'paper' WHEN a:Author THEN 'author' ELSE 'concept' END AS ak,
     CASE WHEN b:Paper THEN 'paper' WHEN b:Author THEN 'author' ELSE 'concept' END AS bk
WHERE size(types) = 0
   OR ((a = center OR ak IN types OR (ak = 'concept' AND a.type IN types))
       AND (b = center OR bk IN types OR (bk = 'concept' AND b.type IN types)))
RETURN a.id AS source, ak AS source_kind, coalesce(a.title, a.name) AS source_label,
       b.id AS target, bk AS target_kind, coalesce(b.title, b.name) AS target_label,
       type(r) AS rel, coalesce(r.weight, 1) AS weight
ORDER BY weight DESC, rel, source, target
LIMIT toInteger($limit)
