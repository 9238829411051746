// The stored authors whose folded name key is one of $ids: key, author (id), orcid (Neo4j
// keeps none apart from the id), as stored.authors-by-key.rq.
UNWIND $ids AS key MATCH (a:Author {name_key: key})
RETURN key, a.id AS author, null AS orcid
