// The papers that mention one of the concepts in $ids (the papers a concept decision rewrites).
UNWIND $ids AS id MATCH (p:Paper)-[:MENTIONS]->(:Concept {id: id})
RETURN DISTINCT p.id AS paper
