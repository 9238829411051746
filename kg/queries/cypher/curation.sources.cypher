// The recorded sources ('file:line') of the papers in $ids: identity decisions rebuild a
// paper from its source records (kg/curation/identity.py).
UNWIND $ids AS id MATCH (p:Paper {id: id}) WHERE p.title IS NOT NULL
UNWIND coalesce(p.sources, []) AS source
RETURN p.id AS paper, source
