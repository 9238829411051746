// author-id — same rows as author-id.rq: the author with id $author, or the authors whose
// folded name key ($author_key, computed by kg/queries from $author) is that of their name
// (a.name_key) or of their name-based id ('name:' + key with '-' for spaces).
// Rows: author id, name (null if none). Order: author id.
CALL {
  MATCH (a:Author {id: $author}) RETURN a
  UNION
  MATCH (a:Author {name_key: $author_key}) WHERE $author_key <> '' RETURN a
  UNION
  MATCH (a:Author {id: 'name:' + replace($author_key, ' ', '-')}) WHERE $author_key <> ''
  RETURN a
}
RETURN DISTINCT a.id AS author, a.name AS name
ORDER BY author
