// search — same rows as search.rq: papers whose title, authors whose name, concepts whose
// name or an alias contains $text (case-insensitive). kind "author"|"concept"|"paper";
// label = title / name (for concepts the name, also when an alias matched).
// Order: labels starting with $text first, then labels containing it, then alias-only
// matches; then kind, label length ASC (closer matches first), label, id.
// At most $limit rows.
WITH toLower($text) AS q
CALL {
  WITH q
  MATCH (p:Paper)
  WHERE toLower(p.title) CONTAINS q
  RETURN 'paper' AS kind, p.id AS id, p.title AS label
  UNION
  WITH q
  MATCH (a:Author)
  WHERE toLower(a.name) CONTAINS q
  RETURN 'author' AS kind, a.id AS id, a.name AS label
  UNION
  WITH q
  MATCH (c:Concept)
  WHERE c.name IS NOT NULL
    AND any(s IN [c.name] + coalesce(c.aliases, []) WHERE toLower(s) CONTAINS q)
  RETURN 'concept' AS kind, c.id AS id, c.name AS label
}
RETURN kind, id, label
ORDER BY CASE WHEN toLower(label) STARTS WITH toLower($text) THEN 0
              WHEN toLower(label) CONTAINS toLower($text) THEN 1 ELSE 2 END,
         kind, size(label), label, id
LIMIT toInteger($limit)
