// The papers whose title or abstract holds one of the names in $ids (case folded): where an
// undone stop-concept or merge may have tags again (kg/curation extracts them again).
UNWIND $ids AS name MATCH (p:Paper) WHERE p.title IS NOT NULL
  AND toLower(p.title + ' ' + coalesce(p.abstract, '')) CONTAINS toLower(name)
RETURN DISTINCT p.id AS paper
