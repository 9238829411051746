// search — same rows as search.rq: papers whose title, authors whose name (or folded name
// key a.name_key, so that "lukasz" finds "Łukasz Kaiser"), concepts whose name or an alias
// contains $text (case-insensitive); concepts no paper mentions only with $vocabulary.
// kind "author"|"concept"|"paper"; label = title / name (for concepts the name, also when
// an alias matched). Order: labels (or author keys) starting with $text first, then labels
// (keys) containing it, then alias-only matches; then kind, label length ASC (closer matches
// first), label, id. At most $limit rows.
WITH toLower($text) AS q, $text_key AS k
CALL {
  WITH q, k
  MATCH (p:Paper)
  WHERE toLower(p.title) CONTAINS q
  RETURN 'paper' AS kind, p.id AS id, p.title AS label, '' AS key
  UNION
  WITH q, k
  MATCH (a:Author)
  WHERE a.name IS NOT NULL
    AND (toLower(a.name) CONTAINS q OR (k <> '' AND coalesce(a.name_key, '') CONTAINS k))
  RETURN 'author' AS kind, a.id AS id, a.name AS label, coalesce(a.name_key, '') AS key
  UNION
  WITH q, k
  MATCH (c:Concept)
  WHERE c.name IS NOT NULL
    AND any(s IN [c.name] + coalesce(c.aliases, []) WHERE toLower(s) CONTAINS q)
    AND ($vocabulary OR EXISTS { (:Paper)-[:MENTIONS]->(c) })
  RETURN 'concept' AS kind, c.id AS id, c.name AS label, '' AS key
}
WITH kind, id, label,
     CASE WHEN toLower(label) STARTS WITH q OR (k <> '' AND key STARTS WITH k) THEN 0
          WHEN toLower(label) CONTAINS q OR (k <> '' AND key CONTAINS k) THEN 1
          ELSE 2 END AS rank
ORDER BY rank, kind, size(label), label, id
LIMIT toInteger($limit)
RETURN kind, id, label
